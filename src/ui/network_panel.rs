//! The Network panel: this machine's interfaces with their IPv4 and IPv6 addresses, each
//! classified by the IANA special-purpose registries (loopback, private 内网, link-local,
//! CGNAT, documentation, public 外网, …; `net::addr_class`) with one sentence on what that
//! means. Clicking an address hands it to the caller (to fill the host field).

use super::classroom::t;
use crate::i18n::{Lang, tr, trf};
use crate::net::interfaces::{self, AddrClass, IfaceAddr};
use egui::{Color32, RichText, Ui};
use std::net::IpAddr;

/// The panel's state: the list, read once and on Refresh.
#[derive(Default)]
pub struct NetworkPanel {
    list: Option<Result<Vec<IfaceAddr>, String>>,
    /// The last address filled in, and where (shown under the list).
    pub last_fill: Option<String>,
}

impl NetworkPanel {
    pub fn refresh(&mut self) {
        self.list = Some(interfaces::list().map_err(|e| e.to_string()));
    }

    /// The addresses listed (reads them the first time).
    pub fn addresses(&mut self) -> &[IfaceAddr] {
        if self.list.is_none() {
            self.refresh();
        }
        match &self.list {
            Some(Ok(v)) => v,
            _ => &[],
        }
    }
}

/// The key of a class's short name. The classes from the IANA registries that have no
/// text yet show their key until the texts are added.
pub fn class_key(c: AddrClass) -> &'static str {
    match c {
        AddrClass::Loopback => "class.loopback",
        AddrClass::Private => "class.private",
        AddrClass::UniqueLocal => "class.unique_local",
        AddrClass::LinkLocal => "class.link_local",
        AddrClass::Cgnat => "class.cgnat",
        AddrClass::Unspecified => "class.unspecified",
        AddrClass::Multicast(_) => "class.multicast",
        AddrClass::Broadcast => "class.broadcast",
        AddrClass::Public => "class.public",
        AddrClass::ThisNetwork => "class.this_network",
        AddrClass::Documentation => "class.documentation",
        AddrClass::Benchmarking => "class.benchmarking",
        AddrClass::IetfProtocol => "class.ietf_protocol",
        AddrClass::Service => "class.service",
        AddrClass::Relay6to4 => "class.relay_6to4",
        AddrClass::SixToFour => "class.six_to_four",
        AddrClass::Teredo => "class.teredo",
        AddrClass::Nat64 => "class.nat64",
        AddrClass::Orchid => "class.orchid",
        AddrClass::DiscardOnly => "class.discard_only",
        AddrClass::SegmentRouting => "class.segment_routing",
        AddrClass::Reserved => "class.reserved",
    }
}

/// The key of a class's one-sentence explanation.
pub fn explain_key(c: AddrClass) -> &'static str {
    match c {
        AddrClass::Loopback => "explain.loopback",
        AddrClass::Private => "explain.private",
        AddrClass::UniqueLocal => "explain.unique_local",
        AddrClass::LinkLocal => "explain.link_local",
        AddrClass::Cgnat => "explain.cgnat",
        AddrClass::Unspecified => "explain.unspecified",
        AddrClass::Multicast(_) => "explain.multicast",
        AddrClass::Broadcast => "explain.broadcast",
        AddrClass::Public => "explain.public",
        AddrClass::ThisNetwork => "explain.this_network",
        AddrClass::Documentation => "explain.documentation",
        AddrClass::Benchmarking => "explain.benchmarking",
        AddrClass::IetfProtocol => "explain.ietf_protocol",
        AddrClass::Service => "explain.service",
        AddrClass::Relay6to4 => "explain.relay_6to4",
        AddrClass::SixToFour => "explain.six_to_four",
        AddrClass::Teredo => "explain.teredo",
        AddrClass::Nat64 => "explain.nat64",
        AddrClass::Orchid => "explain.orchid",
        AddrClass::DiscardOnly => "explain.discard_only",
        AddrClass::SegmentRouting => "explain.segment_routing",
        AddrClass::Reserved => "explain.reserved",
    }
}

/// A colour per class, for the badge.
pub fn class_color(c: AddrClass) -> Color32 {
    match c {
        AddrClass::Loopback => Color32::from_rgb(0x80, 0x80, 0xd0),
        AddrClass::Private | AddrClass::UniqueLocal => Color32::from_rgb(0x3c, 0xa0, 0x50),
        AddrClass::LinkLocal => Color32::from_rgb(0x90, 0x90, 0x90),
        AddrClass::Cgnat => Color32::from_rgb(0xb0, 0x80, 0x30),
        AddrClass::Public => Color32::from_rgb(0xd0, 0x60, 0x30),
        _ => Color32::from_rgb(0x40, 0x90, 0xc0),
    }
}

fn address_row(ui: &mut Ui, lang: Lang, ip: IpAddr, suffix: &str, class: AddrClass) -> bool {
    let mut clicked = false;
    ui.horizontal_wrapped(|ui| {
        let text = ip.to_string();
        let r = ui
            .add(egui::Button::new(RichText::new(&text).monospace()).small())
            .on_hover_text(tr(lang, "net.click_hint"));
        clicked = r.clicked();
        if !suffix.is_empty() {
            ui.label(RichText::new(suffix).weak().monospace());
        }
        ui.label(
            RichText::new(tr(lang, class_key(class)))
                .color(class_color(class))
                .strong(),
        );
    });
    ui.label(RichText::new(tr(lang, explain_key(class))).weak().small());
    clicked
}

/// Draws the panel. Returns the address the user clicked.
pub fn show(ui: &mut Ui, state: &mut NetworkPanel, lang: Lang) -> Option<IpAddr> {
    let mut picked = None;
    ui.horizontal(|ui| {
        ui.heading(t(ui, "net.title"));
        if ui.button(tr(lang, "net.refresh")).clicked() {
            state.refresh();
        }
    });
    ui.label(RichText::new(tr(lang, "net.click_hint")).small());
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("network_panel")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.addresses().is_empty() {
                match &state.list {
                    Some(Err(e)) => {
                        ui.label(trf(lang, "net.error", &[("err", e)]));
                    }
                    _ => {
                        ui.label(tr(lang, "net.none"));
                    }
                }
            }
            let list = state.addresses().to_vec();
            let mut last_name: Option<&str> = None;
            for a in &list {
                if last_name != Some(a.name.as_str()) {
                    ui.add_space(4.0);
                    ui.label(RichText::new(&a.name).strong());
                    last_name = Some(a.name.as_str());
                }
                let suffix = format!("/{}", a.prefix_len);
                if address_row(ui, lang, a.ip, &suffix, a.class) {
                    picked = Some(a.ip);
                }
            }
            ui.add_space(6.0);
            ui.separator();
            ui.label(RichText::new(tr(lang, "net.all_interfaces")).strong());
            for ip in [
                IpAddr::from([0u8, 0, 0, 0]),
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 0]),
            ] {
                if address_row(ui, lang, ip, "", AddrClass::Unspecified) {
                    picked = Some(ip);
                }
            }
            if let Some(m) = &state.last_fill {
                ui.separator();
                ui.label(RichText::new(m).weak());
            }
        });
    picked
}
