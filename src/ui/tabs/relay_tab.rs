//! Drawing the Relay tab: the listening address and the server (each error under its
//! field, in the window's language), TCP or UDP, Listen / Stop, the faults per direction
//! (up = client → server, down = server → client; every one off at 0, changed live), the
//! pair list (each pair's state and bytes each way; a click filters the log to it) and
//! the log, whose rows show the pair and the direction (→ up, ← down).

use super::tab::SessionPanel;
use crate::i18n::loader;
use crate::net::{Command, Notifier};
use crate::ui::common::address_field;
use crate::ui::pickers::encoding_picker;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The tab's body.
pub fn show(ui: &mut Ui, p: &mut SessionPanel, notify: &Option<Notifier>) {
    let tab_h = ui.available_height();
    p.lang = crate::ui::common::lang::lang(ui.ctx());
    p.kit.lang = p.lang;
    p.refresh();
    let tiny = tab_h < 400.0;
    // On a short tab (1024×600, or zoomed) the settings over the log scroll within half of
    // it, so the log keeps its rows for the class whatever is open above it.
    let top_max = if tab_h < crate::ui::common::layout::SHORT_TAB {
        (tab_h * 0.5).max(120.0)
    } else {
        f32::INFINITY
    };
    ui.scope(|ui| {
        // A solid bar: a floating one would lie over the fields at the right.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        egui::ScrollArea::vertical()
            .id_salt("relay-top")
            .max_height(top_max)
            .auto_shrink([false, true])
            .show(ui, |ui| settings(ui, p, notify, tab_h, tiny));
    });
    // Over the log, outside the scrolling settings: always in sight.
    super::relay_pairs::upstream_failure(ui, p);
    ui.separator();
    super::relay_pairs::pair_panel(ui, p);
    egui::CentralPanel::no_frame().show(ui, |ui| super::session_panel::log_panel(ui, p, tiny));
}

/// The settings over the log: the about line, the addresses, the toolbar, the faults and
/// the rewrite rules.
fn settings(ui: &mut Ui, p: &mut SessionPanel, notify: &Option<Notifier>, tab_h: f32, tiny: bool) {
    super::session_panel::about_line(ui, p, tiny);
    let editable = !p.is_running();
    let valid = ui
        .horizontal_wrapped(|ui| address_fields(ui, p, editable))
        .inner
        && super::relay_rules::valid(p)
        && p.settings.relay.tls().is_ok();
    // Simple mode (the classroom's): the seed and the tamper and cut faults wait behind
    // More, as the other tabs' options do, and the log's toolbar is the compact one (its
    // filter row on request).
    let simple = crate::ui::common::layout::simple(ui.ctx());
    crate::ui::common::layout::set_compact(
        ui.ctx(),
        simple || tab_h < crate::ui::common::layout::SHORT_TAB,
    );
    ui.horizontal_wrapped(|ui| {
        super::controls::main_button(ui, p, valid, notify);
        ui.separator();
        protocol(ui, p, editable);
        ui.separator();
        if let Some(enc) = encoding_picker::show(ui, p.role.as_str(), p.encoding()) {
            p.set_encoding(enc);
        }
        ui.separator();
        if simple {
            let l = loader(p.lang);
            ui.toggle_value(&mut p.more_open, fl!(l, "tab-more"))
                .on_hover_text(fl!(l, "relay-more-tip"));
        }
        if !simple || p.more_open {
            seed(ui, p, editable);
        }
        ui.separator();
        let (lang, r) = (p.lang, &mut p.settings.relay);
        if let Some(dialog) = super::relay_tls::show(ui, lang, r, editable) {
            let open = crate::ui::tools::action::PanelAction::OpenDialog(dialog, String::new());
            p.apply(open, ui.ctx());
        }
    });
    let advanced = !simple || p.more_open;
    let faults_were_open = p.settings.relay.faults_open;
    super::relay_faults::show(ui, p.lang, &mut p.settings.relay, tab_h, advanced);
    apply_live_faults(p);
    if advanced {
        super::relay_rules::show(ui, p, tab_h);
    }
    one_section_open(&mut p.settings.relay, faults_were_open);
}

/// Listen host and port, server host and port: true when all four are valid.
fn address_fields(ui: &mut Ui, p: &mut SessionPanel, editable: bool) -> bool {
    let l = loader(p.lang);
    // Listening failed (the port is in use…): said under the port, with a free one.
    let failure = super::port_failure::of(p.lang, p.is_running(), &p.st, &p.settings.port);
    let s = &mut p.settings;
    let listen = super::local_address_fields(
        ui,
        &fl!(l, "field-relay-listen"),
        s,
        editable,
        failure.as_ref(),
    );
    ui.label(RichText::new("→").strong());
    let host = address_field::host_field(
        ui,
        &fl!(l, "field-relay-server"),
        &mut s.relay.to_host,
        false,
        editable,
    );
    let port = address_field::port_field(
        ui,
        &fl!(l, "field-relay-server-port"),
        &mut s.relay.to_port,
        false,
        editable,
    )
    .is_some();
    listen && host && port
}

fn protocol(ui: &mut Ui, p: &mut SessionPanel, editable: bool) {
    ui.label(fl!(loader(p.lang), "relay-proto"));
    let udp = &mut p.settings.relay.udp;
    ui.add_enabled_ui(editable, |ui| {
        ui.radio_value(udp, false, "TCP");
        ui.radio_value(udp, true, "UDP");
    });
}

fn seed(ui: &mut Ui, p: &mut SessionPanel, editable: bool) {
    let l = ui.label(fl!(loader(p.lang), "relay-f-seed"));
    ui.add_enabled(
        editable,
        egui::DragValue::new(&mut p.settings.relay.seed).speed(1.0),
    )
    .labelled_by(l.id)
    .on_hover_text(fl!(loader(p.lang), "relay-f-seed-tip"));
}

/// A running relay takes the faults as they are edited.
fn apply_live_faults(p: &mut SessionPanel) {
    if !p.is_running() {
        p.relay_faults = None;
        return;
    }
    let now = p.settings.relay.faults();
    match &p.relay_faults {
        // Started with the fields as they were.
        None => p.relay_faults = Some(now),
        Some(sent) if *sent != now => {
            p.send_command(Command::SetFaults(Box::new(now.clone())));
            p.relay_faults = Some(now);
        }
        Some(_) => {}
    }
}

/// Faults and Rewrite are open one at a time (the one just opened closes the other), so
/// the log keeps its rows on a 1024×600 projector.
fn one_section_open(r: &mut crate::ui::tabs::relay_form::RelaySettings, faults_were_open: bool) {
    if r.faults_open && r.rewrite.open {
        if faults_were_open {
            r.faults_open = false;
        } else {
            r.rewrite.open = false;
        }
    }
}
