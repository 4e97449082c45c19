//! Drawing the Relay tab: the listening address and the server (each error under its
//! field, in the window's language), TCP or UDP, Listen / Stop, the faults per direction
//! (up = client → server, down = server → client; every one off at 0, changed live), the
//! pair list (each pair's state and bytes each way; a click filters the log to it) and
//! the log, whose rows show the pair and the direction (→ up, ← down).

use super::relay_form::{DirFaultForm, MAX_PCT};
use super::tab::SessionPanel;
use crate::i18n::{Lang, loader};
use crate::net::{Command, Notifier};
use crate::ui::common::address_field;
use crate::ui::dialogs::save::thousands;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The most of the tab's height the faults take.
const FAULTS_SHARE: f32 = 0.35;

/// The tab's body.
pub fn show(ui: &mut Ui, p: &mut SessionPanel, notify: &Option<Notifier>) {
    let tab_h = ui.available_height();
    p.lang = crate::ui::common::lang::lang(ui.ctx());
    p.kit.lang = p.lang;
    p.refresh();
    let tiny = tab_h < 400.0;
    super::session_panel::about_line(ui, p, tiny);
    let editable = !p.is_running();
    let valid = ui
        .horizontal_wrapped(|ui| address_fields(ui, p, editable))
        .inner
        && p.settings.relay.tls().is_ok();
    ui.horizontal_wrapped(|ui| {
        super::controls::main_button(ui, p, valid, notify);
        ui.separator();
        protocol(ui, p, editable);
        ui.separator();
        seed(ui, p, editable);
        ui.separator();
        let (lang, r) = (p.lang, &mut p.settings.relay);
        if let Some(dialog) = super::relay_tls::show(ui, lang, r, editable) {
            let open = crate::ui::tools::action::PanelAction::OpenDialog(dialog, String::new());
            p.apply(open, ui.ctx());
        }
    });
    faults(ui, p, tab_h);
    apply_live_faults(p);
    ui.separator();
    pair_panel(ui, p);
    egui::CentralPanel::no_frame().show(ui, |ui| super::session_panel::log_panel(ui, p, tiny));
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

/// One row of the faults: its label, the field of each direction, and its most.
type Row = (String, fn(&mut DirFaultForm) -> &mut u64, u64);

/// The rows for this protocol (the other protocol's faults are not shown).
fn rows(lang: Lang, udp: bool) -> Vec<Row> {
    let l = loader(lang);
    let mut rows: Vec<Row> = vec![
        (fl!(l, "relay-f-latency"), |f| &mut f.latency_ms, 60_000),
        (fl!(l, "relay-f-jitter"), |f| &mut f.jitter_ms, 60_000),
        (fl!(l, "relay-f-bandwidth"), |f| &mut f.bandwidth, 1 << 40),
    ];
    if udp {
        rows.extend::<[Row; 3]>([
            (fl!(l, "relay-f-drop"), |f| &mut f.drop_pct, MAX_PCT),
            (
                fl!(l, "relay-f-duplicate"),
                |f| &mut f.duplicate_pct,
                MAX_PCT,
            ),
            (fl!(l, "relay-f-reorder"), |f| &mut f.reorder, 1024),
        ]);
    } else {
        rows.extend::<[Row; 5]>([
            (fl!(l, "relay-f-slice"), |f| &mut f.slice_bytes, 1 << 20),
            (fl!(l, "relay-f-slice-gap"), |f| &mut f.slice_gap_ms, 60_000),
            (fl!(l, "relay-f-merge"), |f| &mut f.merge_ms, 60_000),
            (
                fl!(l, "relay-f-reset-after"),
                |f| &mut f.reset_after,
                1 << 40,
            ),
            (
                fl!(l, "relay-f-close-after"),
                |f| &mut f.close_after,
                1 << 40,
            ),
        ]);
    }
    rows.extend::<[Row; 2]>([
        (fl!(l, "relay-f-corrupt"), |f| &mut f.corrupt_pct, MAX_PCT),
        (
            fl!(l, "relay-f-blackhole-after"),
            |f| &mut f.blackhole_after,
            1 << 40,
        ),
    ]);
    rows
}

/// The faults of both directions, in a grid: a row per fault, a column per direction.
/// Each field is labelled by its row and its column (for screen readers).
/// At most [`FAULTS_SHARE`] of the tab's height (it scrolls inside), so the log keeps
/// its rows on a 1024×600 projector at 150 %.
fn faults(ui: &mut Ui, p: &mut SessionPanel, tab_h: f32) {
    let lang = p.lang;
    let l = loader(lang);
    let r = &mut p.settings.relay;
    let header = egui::CollapsingHeader::new(fl!(l, "relay-faults"))
        .id_salt("relay-faults")
        .open(Some(r.faults_open))
        .show(ui, |ui| {
            ui.label(RichText::new(fl!(l, "relay-faults-tip")).weak().small());
            // Solid scroll bars: a floating one would lie over the last column's fields.
            ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
            egui::ScrollArea::both()
                .id_salt("relay-faults-scroll")
                .max_height((tab_h * FAULTS_SHARE).max(80.0))
                .show(ui, |ui| grid(ui, lang, r));
        });
    if header.header_response.clicked() {
        r.faults_open = !r.faults_open;
    }
}

/// The rows in two halves side by side (the log keeps the height), each half with its
/// own direction headers.
fn grid(ui: &mut Ui, lang: Lang, r: &mut super::relay_form::RelaySettings) {
    let l = loader(lang);
    let rows = rows(lang, r.udp);
    let half = rows.len().div_ceil(2);
    egui::Grid::new("relay-faults-grid")
        .num_columns(6)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            let mut heads = Vec::new();
            for _ in 0..2 {
                ui.label("");
                let up = ui.label(RichText::new(fl!(l, "relay-dir-up")).strong());
                let down = ui.label(RichText::new(fl!(l, "relay-dir-down")).strong());
                heads.push((up.id, down.id));
            }
            ui.end_row();
            for i in 0..half {
                for (side, (up, down)) in heads.iter().enumerate() {
                    let Some((name, field, max)) = rows.get(i + side * half) else {
                        continue;
                    };
                    let row = ui.label(name);
                    for (form, col) in [(&mut r.up, *up), (&mut r.down, *down)] {
                        // Taken when the edit ends (Enter or leaving the field), not at
                        // each key: typing 1500 does not apply 1, 15 and 150 on the way.
                        let value = egui::DragValue::new(field(form))
                            .range(0..=*max)
                            .speed(1.0)
                            .update_while_editing(false);
                        ui.add(value).labelled_by(row.id).labelled_by(col);
                    }
                }
                ui.end_row();
            }
        });
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

/// The pairs, on the right of the log: each one's state and bytes each way. A click
/// shows only its rows in the log (again: all).
fn pair_panel(ui: &mut Ui, p: &mut SessionPanel) {
    let w = ui.available_width();
    let max = (0.45 * w).max(150.0);
    egui::Panel::right("relay-pairs")
        .resizable(true)
        .default_size((0.3 * w).clamp(150.0, 320.0))
        .size_range(150.0_f32.min(max)..=max)
        .show(ui, |ui| pair_list(ui, p));
}

fn pair_list(ui: &mut Ui, p: &mut SessionPanel) {
    let lang = p.lang;
    let l = loader(lang);
    ui.label(RichText::new(fl!(l, "relay-pairs")).strong());
    let shared = p.runtime().shared();
    let filter = &mut p.log.client_filter;
    let v = crate::session::lock(&shared);
    let clients = &v.store.clients;
    if clients.is_empty() {
        ui.label(RichText::new(fl!(l, "relay-pairs-none")).weak());
        return;
    }
    if ui
        .selectable_label(filter.is_none(), fl!(l, "relay-all-pairs"))
        .clicked()
    {
        *filter = None;
    }
    egui::ScrollArea::vertical()
        .id_salt("relay-pairs-scroll")
        .show(ui, |ui| {
            for (id, c) in clients.iter().rev() {
                let state = if c.open {
                    fl!(l, "relay-pair-open")
                } else {
                    fl!(l, "relay-pair-closed")
                };
                let peer = c.peer.map(|a| a.to_string()).unwrap_or_default();
                let (up, down) = (
                    thousands(c.counters.rx_bytes),
                    thousands(c.counters.tx_bytes),
                );
                let text = fl!(
                    l,
                    "relay-pair-row",
                    id = id.to_string(),
                    peer = peer,
                    state = state,
                    up = up.as_str(),
                    down = down.as_str()
                );
                let chosen = *filter == Some(*id);
                let r = ui
                    .selectable_label(chosen, text)
                    .on_hover_text(fl!(l, "relay-pair-filter-tip"));
                if r.clicked() {
                    *filter = if chosen { None } else { Some(*id) };
                }
            }
        });
}
