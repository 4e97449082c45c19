//! The Network panel: this machine's interfaces with their IPv4 and IPv6 addresses, each
//! classified by the IANA special-purpose registries (loopback, private 内网, link-local,
//! CGNAT, documentation, public 外网, …; `net::addr_class`) with one sentence on what that
//! means. Clicking an address hands it to the caller (to fill the host field).

use crate::i18n::{Lang, loader};
use crate::net::interfaces::{self, AddrClass, IfaceAddr};
use crate::ui::common::lang::ui_loader;
use egui::{Color32, RichText, Ui};
use i18n_embed_fl::fl;
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

/// A class's short name in `lang`.
pub fn class_name(lang: Lang, c: AddrClass) -> String {
    match c {
        AddrClass::Loopback => fl!(loader(lang), "class-loopback"),
        AddrClass::Private => fl!(loader(lang), "class-private"),
        AddrClass::UniqueLocal => fl!(loader(lang), "class-unique-local"),
        AddrClass::LinkLocal => fl!(loader(lang), "class-link-local"),
        AddrClass::Cgnat => fl!(loader(lang), "class-cgnat"),
        AddrClass::Unspecified => fl!(loader(lang), "class-unspecified"),
        AddrClass::Multicast(_) => fl!(loader(lang), "class-multicast"),
        AddrClass::Broadcast => fl!(loader(lang), "class-broadcast"),
        AddrClass::Public => fl!(loader(lang), "class-public"),
        AddrClass::ThisNetwork => fl!(loader(lang), "class-this-network"),
        AddrClass::Documentation => fl!(loader(lang), "class-documentation"),
        AddrClass::Benchmarking => fl!(loader(lang), "class-benchmarking"),
        AddrClass::IetfProtocol => fl!(loader(lang), "class-ietf-protocol"),
        AddrClass::Service => fl!(loader(lang), "class-service"),
        AddrClass::Relay6to4 => fl!(loader(lang), "class-relay-6to4"),
        AddrClass::SixToFour => fl!(loader(lang), "class-six-to-four"),
        AddrClass::Teredo => fl!(loader(lang), "class-teredo"),
        AddrClass::Nat64 => fl!(loader(lang), "class-nat64"),
        AddrClass::Orchid => fl!(loader(lang), "class-orchid"),
        AddrClass::DiscardOnly => fl!(loader(lang), "class-discard-only"),
        AddrClass::SegmentRouting => fl!(loader(lang), "class-segment-routing"),
        AddrClass::Reserved => fl!(loader(lang), "class-reserved"),
    }
}

/// A class's one-sentence explanation in `lang`.
pub fn class_explain(lang: Lang, c: AddrClass) -> String {
    match c {
        AddrClass::Loopback => fl!(loader(lang), "explain-loopback"),
        AddrClass::Private => fl!(loader(lang), "explain-private"),
        AddrClass::UniqueLocal => fl!(loader(lang), "explain-unique-local"),
        AddrClass::LinkLocal => fl!(loader(lang), "explain-link-local"),
        AddrClass::Cgnat => fl!(loader(lang), "explain-cgnat"),
        AddrClass::Unspecified => fl!(loader(lang), "explain-unspecified"),
        AddrClass::Multicast(_) => fl!(loader(lang), "explain-multicast"),
        AddrClass::Broadcast => fl!(loader(lang), "explain-broadcast"),
        AddrClass::Public => fl!(loader(lang), "explain-public"),
        AddrClass::ThisNetwork => fl!(loader(lang), "explain-this-network"),
        AddrClass::Documentation => fl!(loader(lang), "explain-documentation"),
        AddrClass::Benchmarking => fl!(loader(lang), "explain-benchmarking"),
        AddrClass::IetfProtocol => fl!(loader(lang), "explain-ietf-protocol"),
        AddrClass::Service => fl!(loader(lang), "explain-service"),
        AddrClass::Relay6to4 => fl!(loader(lang), "explain-relay-6to4"),
        AddrClass::SixToFour => fl!(loader(lang), "explain-six-to-four"),
        AddrClass::Teredo => fl!(loader(lang), "explain-teredo"),
        AddrClass::Nat64 => fl!(loader(lang), "explain-nat64"),
        AddrClass::Orchid => fl!(loader(lang), "explain-orchid"),
        AddrClass::DiscardOnly => fl!(loader(lang), "explain-discard-only"),
        AddrClass::SegmentRouting => fl!(loader(lang), "explain-segment-routing"),
        AddrClass::Reserved => fl!(loader(lang), "explain-reserved"),
    }
}

/// A colour per class, for the badge.
pub fn class_color(c: AddrClass) -> Color32 {
    match c {
        AddrClass::Loopback => Color32::from_rgb(0x80, 0x80, 0xd0),
        AddrClass::Private | AddrClass::UniqueLocal => crate::ui::common::style::GOOD_GREEN,
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
            .on_hover_text(fl!(loader(lang), "net-click-hint"));
        clicked = r.clicked();
        if !suffix.is_empty() {
            ui.label(RichText::new(suffix).weak().monospace());
        }
        ui.label(
            RichText::new(class_name(lang, class))
                .color(class_color(class))
                .strong(),
        );
    });
    ui.label(RichText::new(class_explain(lang, class)).weak());
    clicked
}

/// Draws the panel. Returns the address the user clicked.
pub fn show(ui: &mut Ui, state: &mut NetworkPanel, lang: Lang) -> Option<IpAddr> {
    let mut picked = None;
    ui.horizontal(|ui| {
        ui.heading(fl!(ui_loader(ui), "net-title"));
        if ui.button(fl!(loader(lang), "net-refresh")).clicked() {
            state.refresh();
        }
    });
    ui.label(RichText::new(fl!(loader(lang), "net-click-hint")).small());
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("network_panel")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.addresses().is_empty() {
                match &state.list {
                    Some(Err(e)) => {
                        ui.label(fl!(loader(lang), "net-error", err = e));
                    }
                    _ => {
                        ui.label(fl!(loader(lang), "net-none"));
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
            ui.label(RichText::new(fl!(loader(lang), "net-all-interfaces")).strong());
            for ip in [
                IpAddr::from([0u8, 0, 0, 0]),
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 0]),
            ] {
                if address_row(ui, lang, ip, "", AddrClass::Unspecified) {
                    picked = Some(ip);
                }
            }
            // Not every socket has an IP address: AF_UNIX, as in the lesson.
            ui.separator();
            ui.label(RichText::new(fl!(loader(lang), "net-unix-title")).strong());
            ui.label(RichText::new(fl!(loader(lang), "net-unix-body")).weak());
            if let Some(m) = &state.last_fill {
                ui.separator();
                ui.label(RichText::new(m).weak());
            }
        });
    picked
}
