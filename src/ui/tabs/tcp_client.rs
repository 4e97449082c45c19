//! The TCP Client tab: connect() to HOST:PORT, then send and receive on one byte stream.

use super::settings::TabSettings;
use crate::net::{Role, SessionConfig, addr};
use crate::ui::common::address_field;
use crate::ui::common::lang::ui_loader;
use egui::Ui;
use i18n_embed_fl::fl;

pub fn fields(ui: &mut Ui, s: &mut TabSettings, editable: bool) -> bool {
    let h = address_field::host_field(
        ui,
        &fl!(ui_loader(ui), "field-server-host"),
        &mut s.host,
        false,
        editable,
    );
    if addr::is_unix(&s.host) {
        return h;
    }
    let p = address_field::port_field(
        ui,
        &fl!(ui_loader(ui), "field-port"),
        &mut s.port,
        false,
        editable,
    )
    .is_some();
    h && p
}

/// TLS, WebSocket or a unix socket: a single connection only (no crowd yet).
pub fn single_only(s: &TabSettings) -> bool {
    addr::is_unix(&s.host)
        || s.tls.options(Role::TcpClient).ok().flatten().is_some()
        || s.ws.options(Role::TcpClient, "").ok().flatten().is_some()
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    Some(SessionConfig::new(
        Role::TcpClient,
        super::field_address(s, false)?,
    ))
}
