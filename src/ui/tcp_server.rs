//! The TCP Server tab: listen on HOST:PORT, accept() clients, list them with their
//! counters, send to one or all, disconnect one, or stop listening but keep the clients.

use super::address_field;
use super::log_view::format_time;
use super::session_panel::{ConnState, SessionPanel, TabSettings};
use crate::log::LogStore;
use crate::net::{Command, Role, SessionConfig, addr};
use egui::{RichText, Ui};

pub const HINT: (&str, &str) = (
    "socket(AF_INET, SOCK_STREAM) + bind() + listen(backlog), then accept() — one new socket per client",
    "The listening socket only accepts; every accept() returns a new connected socket for one client. \
     The backlog is how many finished handshakes may wait to be accepted.",
);

pub fn fields(ui: &mut Ui, s: &mut TabSettings, editable: bool) -> bool {
    let h = address_field::host_field(ui, "Listen host", &mut s.host, true, editable);
    let p = address_field::port_field(ui, "Port", &mut s.port, true, editable).is_some();
    let l = ui.label("Backlog");
    ui.add(
        egui::TextEdit::singleline(&mut s.backlog)
            .desired_width(50.0)
            .interactive(editable),
    )
    .labelled_by(l.id);
    let b = parse_backlog(&s.backlog).is_some();
    if !b {
        address_field::error_label(ui, "backlog: a number from 1 to 65535");
    }
    address_field::bind_note(ui);
    h && p && b
}

fn parse_backlog(s: &str) -> Option<i32> {
    s.trim()
        .parse::<i32>()
        .ok()
        .filter(|b| (1..=65535).contains(b))
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    addr::check_host(&s.host, true).ok()?;
    let port = addr::parse_port(&s.port, true).ok()?;
    let mut cfg = SessionConfig::new(Role::TcpServer, addr::join_host_port(&s.host, port));
    cfg.backlog = parse_backlog(&s.backlog)?;
    Some(cfg)
}

/// Buttons next to Listen/Stop.
pub fn server_buttons(ui: &mut Ui, p: &mut SessionPanel) {
    let listening = p.state == ConnState::Listening && !p.listen_stopped;
    if ui
        .add_enabled(
            listening,
            egui::Button::new("Stop listening (keep clients)"),
        )
        .on_hover_text("close() the listening socket; connected clients stay")
        .clicked()
        && p.send_command(Command::StopListening)
    {
        p.listen_stopped = true;
    }
}

/// "Send to": all clients or one.
pub fn target_ui(ui: &mut Ui, store: &LogStore, selected: &mut Option<u64>) {
    ui.separator();
    let current = match selected {
        Some(id) => format!("client #{id}"),
        None => "all clients".to_string(),
    };
    let l = ui.label("Send to");
    egui::ComboBox::from_id_salt("send_to")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(selected, None, "all clients");
            for c in store.clients.values().filter(|c| c.open) {
                let peer = c.peer.map(|p| p.to_string()).unwrap_or_default();
                ui.selectable_value(selected, Some(c.id), format!("client #{} {peer}", c.id));
            }
        })
        .response
        .labelled_by(l.id);
}

/// The client list with per-client counters.
pub fn client_list_ui(ui: &mut Ui, p: &mut SessionPanel) {
    let open = p.store.clients.values().filter(|c| c.open).count();
    ui.horizontal(|ui| {
        ui.label(RichText::new("Clients").strong());
        ui.label(format!("{open} connected, {} seen", p.store.clients.len()));
    });
    ui.horizontal_wrapped(|ui| {
        let sel_open = p
            .selected_client
            .and_then(|id| p.store.clients.get(&id))
            .is_some_and(|c| c.open);
        if ui
            .add_enabled(sel_open, egui::Button::new("Disconnect selected"))
            .clicked()
            && let Some(id) = p.selected_client
        {
            p.send_command(Command::Disconnect(id));
        }
        if ui
            .add_enabled(
                p.selected_client.is_some(),
                egui::Button::new("Send to all"),
            )
            .on_hover_text("Unselect the client so sends go to every client")
            .clicked()
        {
            p.selected_client = None;
        }
    });
    ui.separator();
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("client_list")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if p.store.clients.is_empty() {
                ui.label(RichText::new("no clients yet").weak());
            }
            for c in p.store.clients.values().rev() {
                let peer = c.peer.map(|a| a.to_string()).unwrap_or_default();
                let state = if c.open { "open" } else { "closed" };
                let text = format!(
                    "#{} {peer} [{state}]\n  since {} · in {} B / out {} B",
                    c.id,
                    format_time(c.connected_us),
                    c.counters.rx_bytes,
                    c.counters.tx_bytes
                );
                let mut rt = RichText::new(text);
                if !c.open {
                    rt = rt.weak();
                }
                if ui
                    .selectable_label(p.selected_client == Some(c.id), rt)
                    .clicked()
                {
                    clicked = Some(c.id);
                }
            }
        });
    if let Some(id) = clicked {
        p.selected_client = if p.selected_client == Some(id) {
            None
        } else {
            Some(id)
        };
    }
}
