//! The UDP Receiver tab: bind HOST:PORT and show one row per datagram received; replies
//! go to the last sender or to a source chosen from those seen.

use super::address_field;
use super::session_panel::TabSettings;
use crate::net::{Role, SessionConfig, addr};
use egui::Ui;
use std::net::SocketAddr;

pub const HINT: (&str, &str) = (
    "socket(AF_INET, SOCK_DGRAM) + bind() a port, then recvfrom() each datagram — one row per datagram",
    "recvfrom() also tells who sent the datagram, so a reply with sendto() can go straight back. \
     Bind 127.0.0.1 to hear only this machine, 0.0.0.0 to hear every network interface.",
);

pub fn fields(ui: &mut Ui, s: &mut TabSettings, editable: bool) -> bool {
    let h = address_field::host_field(ui, "Bind host", &mut s.host, true, editable);
    let p = address_field::port_field(ui, "Port", &mut s.port, true, editable).is_some();
    address_field::bind_note(ui);
    h && p
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    addr::check_host(&s.host, true).ok()?;
    let port = addr::parse_port(&s.port, true).ok()?;
    Some(SessionConfig::new(
        Role::UdpReceiver,
        addr::join_host_port(&s.host, port),
    ))
}

/// "Reply to": the last sender, or one of the sources seen.
pub fn reply_target_ui(
    ui: &mut Ui,
    senders: &[SocketAddr],
    reply_to: &mut Option<SocketAddr>,
    last: Option<SocketAddr>,
) {
    ui.separator();
    let last_text = match last {
        Some(a) => format!("last sender ({a})"),
        None => "last sender".to_string(),
    };
    let current = match reply_to {
        Some(a) => a.to_string(),
        None => last_text.clone(),
    };
    let l = ui.label("Reply to");
    egui::ComboBox::from_id_salt("reply_to")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(reply_to, None, last_text);
            for a in senders.iter().rev() {
                ui.selectable_value(reply_to, Some(*a), a.to_string());
            }
        })
        .response
        .labelled_by(l.id);
}
