//! The Relay tab's pair list, on the right of the log: each pair marked TCP or UDP, its
//! state in that protocol's words (a TCP pair is open or closed; a UDP source's mapping is
//! active, ended by the idle timeout, or ended with the relay), and bytes each way; a click
//! shows only its rows in the log. Over the log, the latest failed upstream connection is
//! said whole, wrapped (a log row would cut it at 150 % zoom).

use super::tab::SessionPanel;
use crate::i18n::loader;
use crate::ui::common::address_field::ERROR_RED;
use crate::ui::dialogs::save::thousands;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The latest upstream connection that failed in this run, whole and wrapped.
pub(super) fn upstream_failure(ui: &mut Ui, p: &SessionPanel) {
    let Some(ev) = &p.st.relay_pair_failed else {
        return;
    };
    // A TCP run's failure is not shown once the tab is switched to UDP.
    if p.st.relay_udp != Some(p.settings.relay.udp) {
        return;
    }
    let text = crate::i18n::describe_in(p.lang, ev);
    let text = match ev.client {
        Some(pair) => format!("#{pair} {text}"),
        None => text,
    };
    // Wrapped at the visible edge (a wide row above may have widened the tab's area).
    let w = (ui.clip_rect().right() - ui.cursor().left() - 4.0).max(120.0);
    ui.scope(|ui| {
        ui.set_max_width(w);
        ui.add(egui::Label::new(RichText::new(text).color(ERROR_RED)).wrap());
    });
}

/// The pairs, on the right of the log.
pub(super) fn pair_panel(ui: &mut Ui, p: &mut SessionPanel) {
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
    // The pairs are the last run's: its protocol, not the tab's choice now.
    let udp = p.st.relay_udp.unwrap_or(p.settings.relay.udp);
    let running = p.is_running();
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
                let state = match (udp, c.open, running) {
                    // Its TLS failed on either leg (the reason is in the log).
                    (false, false, _) if c.tls_failed => fl!(l, "relay-pair-tls-failed"),
                    (false, true, _) => fl!(l, "relay-pair-open"),
                    (false, false, _) => fl!(l, "relay-pair-closed"),
                    (true, true, _) => fl!(l, "relay-source-active"),
                    // A running UDP relay ends a source's mapping when it is idle.
                    (true, false, true) => fl!(l, "relay-source-idle"),
                    (true, false, false) => fl!(l, "relay-source-ended"),
                };
                let peer = c.peer.map(|a| a.to_string()).unwrap_or_default();
                let (up, down) = (
                    thousands(c.counters.rx_bytes),
                    thousands(c.counters.tx_bytes),
                );
                let text = fl!(
                    l,
                    "relay-pair-row",
                    proto = if udp { "UDP" } else { "TCP" },
                    id = id.to_string(),
                    peer = peer,
                    state = state,
                    up = up.as_str(),
                    down = down.as_str()
                );
                let chosen = *filter == Some(*id);
                let tip = if udp {
                    fl!(l, "relay-source-filter-tip")
                } else {
                    fl!(l, "relay-pair-filter-tip")
                };
                let r = ui.selectable_label(chosen, text).on_hover_text(tip);
                if r.clicked() {
                    *filter = if chosen { None } else { Some(*id) };
                }
            }
        });
}
