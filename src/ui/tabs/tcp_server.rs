//! The TCP Server tab: listen on HOST:PORT, accept() clients, list them with their
//! counters, send to one or all, disconnect one, or stop listening but keep the clients.

use super::settings::TabSettings;
use crate::i18n::{Lang, loader};
use crate::log::LogStore;
use crate::net::{Command, Role, SessionConfig};
use crate::ui::common::address_field;
use crate::ui::common::lang::ui_loader;
use crate::ui::log::log_view::format_time;
use crate::ui::tools::action::PanelAction;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The listening address and the backlog (`compact`, simple mode: the backlog only when
/// it is wrong; it is under More); `failure`: the last bind / listen failure, shown under
/// the port.
pub fn fields(
    ui: &mut Ui,
    s: &mut TabSettings,
    editable: bool,
    compact: bool,
    failure: Option<&crate::ui::common::address_field::PortFailure>,
) -> bool {
    let host = fl!(ui_loader(ui), "field-listen-host");
    let ok = super::local_address_fields(ui, &host, s, editable, failure);
    let b = parse_backlog(&s.backlog).is_some();
    if !compact || !b {
        backlog_field(ui, s, editable);
    }
    if !b {
        let e = fl!(ui_loader(ui), "field-backlog-error");
        address_field::error_label(ui, &e);
    }
    // What 0.0.0.0 and 127.0.0.1 mean: not for a unix socket's path.
    if !crate::net::addr::is_unix(&s.host) {
        address_field::bind_note(ui);
    }
    ok && b
}

/// The listen() backlog.
pub fn backlog_field(ui: &mut Ui, s: &mut TabSettings, editable: bool) {
    let l = ui.label(fl!(ui_loader(ui), "field-backlog"));
    ui.add(
        egui::TextEdit::singleline(&mut s.backlog)
            .desired_width(50.0)
            .interactive(editable),
    )
    .labelled_by(l.id);
}

fn parse_backlog(s: &str) -> Option<i32> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|b| (1..=65535).contains(b))
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    let mut cfg = SessionConfig::new(Role::TcpServer, super::field_address(s, true)?);
    cfg.backlog = parse_backlog(&s.backlog)?;
    Some(cfg)
}

/// Buttons next to Listen/Stop (`listening`: the listening socket is open).
pub fn server_buttons(ui: &mut Ui, listening: bool) -> Option<PanelAction> {
    let (text, tip) = (
        fl!(ui_loader(ui), "srv-stop-listening"),
        fl!(ui_loader(ui), "srv-stop-listening-tip"),
    );
    ui.add_enabled(listening, egui::Button::new(text))
        .on_hover_text(tip)
        .clicked()
        .then_some(PanelAction::StopListening)
}

/// "Send to": all clients or one. A choice made here ends the Undo of a list click.
pub fn target_ui(
    ui: &mut Ui,
    store: &LogStore,
    selected: &mut Option<u64>,
    before: &mut Option<Option<u64>>,
) {
    let was = *selected;
    let lang = crate::ui::common::lang::lang(ui.ctx());
    let all = fl!(loader(lang), "srv-all-clients");
    let current = match *selected {
        Some(id) => fl!(loader(lang), "srv-client", id = id),
        None => all.to_string(),
    };
    let l = ui.label(fl!(ui_loader(ui), "srv-send-to"));
    egui::ComboBox::from_id_salt("send_to")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(selected, None, all);
            for c in store.clients.values().filter(|c| c.open) {
                let peer = c
                    .peer
                    .map(|p| crate::i18n::addr_in(lang, &p))
                    .unwrap_or_default();
                let text = fl!(
                    loader(lang),
                    "srv-client-peer",
                    id = c.id,
                    peer = peer.as_str()
                );
                ui.selectable_value(selected, Some(c.id), text);
            }
        })
        .response
        .labelled_by(l.id);
    if *selected != was {
        *before = None;
    }
}

/// "client #3" or "all clients": a Send to target in words.
fn target_words(lang: Lang, target: Option<u64>) -> String {
    match target {
        Some(id) => fl!(loader(lang), "srv-client", id = id),
        None => fl!(loader(lang), "srv-all-clients"),
    }
}

/// Under the list, while a click in it has changed "Send to": what it is now, and Undo
/// (back to what it was).
fn send_to_changed(
    ui: &mut Ui,
    lang: Lang,
    selected: &mut Option<u64>,
    before: &mut Option<Option<u64>>,
) {
    let Some(was) = *before else { return };
    if *selected == was {
        *before = None;
        return;
    }
    ui.horizontal_wrapped(|ui| {
        let now = target_words(lang, *selected);
        let t = fl!(loader(lang), "srv-send-to-changed", target = now.as_str());
        ui.label(
            RichText::new(t)
                .strong()
                .color(crate::ui::common::style::SENT_BLUE),
        );
        let then = target_words(lang, was);
        let tip = fl!(loader(lang), "srv-send-to-undo-tip", target = then.as_str());
        if ui
            .button(fl!(loader(lang), "srv-send-to-undo"))
            .on_hover_text(tip)
            .clicked()
        {
            *selected = was;
            *before = None;
        }
    });
}

/// The client list with per-client counters; a click selects a client, which is also
/// where "Send to" goes: the change is said under the list, with an Undo. `target`: the
/// selected client and Send to before a list click changed it. `can_send_all`: a session
/// runs and the send box holds a valid message.
pub fn client_list_ui(
    ui: &mut Ui,
    store: &LogStore,
    stats: &Stats,
    target: (&mut Option<u64>, &mut Option<Option<u64>>),
    can_send_all: bool,
) -> Option<PanelAction> {
    let (selected, before) = target;
    let clients = &store.clients;
    let open = clients.values().filter(|c| c.open).count();
    let lang = crate::ui::common::lang::lang(ui.ctx());
    ui.horizontal(|ui| {
        ui.label(RichText::new(fl!(ui_loader(ui), "srv-clients")).strong());
        ui.label(fl!(
            loader(lang),
            "srv-clients-count",
            open = open,
            seen = (clients.len() as u64).saturating_add(store.clients_forgotten)
        ));
    });
    let sel_open = selected
        .and_then(|id| clients.get(&id))
        .is_some_and(|c| c.open);
    let send_all = can_send_all && open > 0;
    let action = ui
        .horizontal_wrapped(|ui| client_buttons(ui, *selected, sel_open, send_all))
        .inner;
    send_to_changed(ui, lang, selected, before);
    // The kernel's view of the selected client, on one line so the list keeps its room
    // (another client stays in reach); the whole of it is in the TCP diagram's panel and
    // on hover.
    if let Some(s) = selected
        .filter(|id| clients.get(id).is_some_and(|c| c.open))
        .and_then(|id| stats.get(&id))
    {
        let line = crate::ui::lesson::tcp_stats_view::one_line(s, lang);
        ui.add(egui::Label::new(RichText::new(&line).small()).truncate())
            .on_hover_text(line);
    }
    ui.separator();
    if store.clients_forgotten > 0 {
        let n = store.clients_forgotten;
        ui.label(RichText::new(fl!(loader(lang), "srv-clients-forgotten", n = n)).weak())
            .on_hover_text(fl!(loader(lang), "srv-clients-forgotten-tip"));
    }
    if clients.is_empty() {
        ui.label(RichText::new(fl!(ui_loader(ui), "srv-no-clients")).weak());
    }
    if let Some(id) = client_rows(ui, store, stats, *selected, lang) {
        if before.is_none() {
            *before = Some(*selected);
        }
        *selected = if *selected == Some(id) {
            None
        } else {
            Some(id)
        };
    }
    action
}

/// The kernel's statistics of the open clients, by client id.
type Stats = std::collections::BTreeMap<u64, crate::net::tcp_info::TcpStats>;

/// Disconnect and Reset for the selected client (while it is open), and Send to all.
fn client_buttons(
    ui: &mut Ui,
    selected: Option<u64>,
    sel_open: bool,
    send_all: bool,
) -> Option<PanelAction> {
    let mut action = None;
    if ui
        .add_enabled(
            sel_open,
            egui::Button::new(fl!(ui_loader(ui), "srv-disconnect-selected")),
        )
        .clicked()
        && let Some(id) = selected
    {
        action = Some(PanelAction::Command(Command::Disconnect(id)));
    }
    if ui
        .add_enabled(
            sel_open,
            egui::Button::new(fl!(ui_loader(ui), "srv-reset-selected")),
        )
        .on_hover_text(fl!(ui_loader(ui), "btn-reset-tip"))
        .clicked()
        && let Some(id) = selected
    {
        action = Some(PanelAction::Command(Command::Reset(Some(id))));
    }
    let (text, tip) = (
        fl!(ui_loader(ui), "srv-send-to-all"),
        fl!(ui_loader(ui), "srv-send-to-all-tip"),
    );
    if ui
        .add_enabled(send_all, egui::Button::new(text))
        .on_hover_text(tip)
        .clicked()
    {
        action = Some(PanelAction::SendToAll);
    }
    action
}

/// The clients, newest first, one selectable row each; the one clicked.
fn client_rows(
    ui: &mut Ui,
    store: &LogStore,
    stats: &Stats,
    selected: Option<u64>,
    lang: Lang,
) -> Option<u64> {
    let mut clicked = None;
    // Only the rows in view are laid out: thousands of clients cost what a screenful does.
    let list: Vec<&crate::log::ClientInfo> = store.clients.values().rev().collect();
    // A row is two lines of text (see `srv-client-row`) in a selectable label.
    let row_h =
        2.0 * ui.text_style_height(&egui::TextStyle::Body) + 2.0 * ui.spacing().button_padding.y;
    // Both ways: a row longer than the list scrolls sideways instead of widening the panel.
    egui::ScrollArea::both()
        .id_salt("client_list")
        .auto_shrink([false, false])
        .show_rows(ui, row_h, list.len(), |ui, range| {
            // Every row its two lines and no more (show_rows needs equal heights): a narrow
            // list cuts them at its edge, the whole row is on hover.
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            for c in &list[range] {
                let peer = c
                    .peer
                    .map(|a| crate::i18n::addr_in(crate::ui::common::lang::lang(ui.ctx()), &a))
                    .unwrap_or_default();
                let state = if c.open {
                    fl!(ui_loader(ui), "srv-open")
                } else {
                    fl!(ui_loader(ui), "srv-closed")
                };
                let text = fl!(
                    loader(lang),
                    "srv-client-row",
                    id = c.id,
                    peer = peer.as_str(),
                    state = state,
                    since = format_time(c.connected_us),
                    rx = c.counters.rx_bytes,
                    tx = c.counters.tx_bytes
                );
                // WebSocket: the path and subprotocol on the row, the headers on hover.
                let text = match &c.ws {
                    Some(hs) => {
                        let sub = hs.subprotocol.as_deref().unwrap_or("-");
                        let ws = fl!(
                            loader(lang),
                            "srv-client-ws",
                            path = hs.path.as_str(),
                            sub = sub
                        );
                        format!("{text} · {ws}")
                    }
                    None => text,
                };
                let mut rt = RichText::new(text);
                if !c.open {
                    rt = rt.weak();
                }
                let tip = match stats.get(&c.id).filter(|_| c.open) {
                    Some(s) => format!(
                        "{}\n{}",
                        rt.text(),
                        crate::ui::lesson::tcp_stats_view::one_line(s, lang)
                    ),
                    None => rt.text().to_string(),
                };
                let tip = match &c.ws {
                    Some(hs) => {
                        let h: Vec<String> = hs
                            .headers
                            .iter()
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect();
                        format!("{tip}\n{}", h.join("\n"))
                    }
                    None => tip,
                };
                if ui
                    .selectable_label(selected == Some(c.id), rt)
                    .on_hover_text(tip)
                    .clicked()
                {
                    clicked = Some(c.id);
                }
            }
        });
    clicked
}
