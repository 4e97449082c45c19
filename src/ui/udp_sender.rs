//! The UDP Sender tab: a destination HOST:PORT and an optional local port; Bind opens
//! the socket, and each send is one datagram (`sendto()`). Replies show up in the log.

use super::address_field;
use super::classroom::ui_loader;
use super::session_panel::TabSettings;
use crate::net::{Role, SessionConfig, addr};
use egui::Ui;
use i18n_embed_fl::fl;

/// The address fields. Returns true when they are all acceptable.
pub fn fields(ui: &mut Ui, s: &mut TabSettings, editable: bool) -> bool {
    let h = address_field::host_field(
        ui,
        &fl!(ui_loader(ui), "field-destination-host"),
        &mut s.host,
        false,
        editable,
    );
    let p = address_field::port_field(
        ui,
        &fl!(ui_loader(ui), "field-port"),
        &mut s.port,
        false,
        editable,
    )
    .is_some();
    ui.separator();
    let l = address_field::optional_bind_field(
        ui,
        &fl!(ui_loader(ui), "field-local-port"),
        &mut s.local,
        editable,
    );
    h && p && l
}

/// The session the fields describe.
pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    addr::check_host(&s.host, false).ok()?;
    let port = addr::parse_port(&s.port, false).ok()?;
    let mut cfg = SessionConfig::new(Role::UdpSender, addr::join_host_port(&s.host, port));
    let local = s.local.trim();
    if !local.is_empty() {
        if local.chars().all(|c| c.is_ascii_digit()) {
            addr::parse_port(local, true).ok()?;
        } else {
            addr::split_host_port(local).ok()?;
        }
        cfg = cfg.bind(local);
    }
    Some(cfg)
}
