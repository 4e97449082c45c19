//! The TCP Client tab: connect() to HOST:PORT, then send and receive on one byte stream.

use super::address_field;
use super::session_panel::TabSettings;
use crate::net::{Role, SessionConfig, addr};
use egui::Ui;

pub const HINT: (&str, &str) = (
    "socket(AF_INET, SOCK_STREAM) + connect() — a three-way handshake, then one byte stream both ways",
    "TCP is a stream, not messages: what one send() writes may arrive split or merged in \
     several recv() calls. Disconnect closes the socket (FIN); a reset (RST) means the peer refused or aborted.",
);

pub fn fields(ui: &mut Ui, s: &mut TabSettings, editable: bool) -> bool {
    let h = address_field::host_field(ui, "Server host", &mut s.host, false, editable);
    let p = address_field::port_field(ui, "Port", &mut s.port, false, editable).is_some();
    h && p
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    addr::check_host(&s.host, false).ok()?;
    let port = addr::parse_port(&s.port, false).ok()?;
    Some(SessionConfig::new(
        Role::TcpClient,
        addr::join_host_port(&s.host, port),
    ))
}
