//! The UDP Sender tab: a destination HOST:PORT and an optional local port; Bind opens
//! the socket (with or without a destination), and each send is one datagram to the
//! destination of that moment (`sendto()`). Replies show up in the log.

use super::settings::TabSettings;
use crate::net::{Role, SessionConfig, addr};
use crate::ui::common::address_field;
use crate::ui::common::lang::ui_loader;
use egui::Ui;
use i18n_embed_fl::fl;

/// The address fields. Returns true when Bind can go ahead: binding needs only a valid
/// local port. The destination stays editable while bound (each `sendto()` names one).
/// The fields; `failure`: the last bind failure, shown under the local port.
pub fn fields(
    ui: &mut Ui,
    s: &mut TabSettings,
    editable: bool,
    failure: Option<&crate::ui::common::address_field::PortFailure>,
) -> bool {
    address_field::host_field(
        ui,
        &fl!(ui_loader(ui), "field-destination-host"),
        &mut s.host,
        false,
        true,
    );
    if !addr::is_unix(&s.host) {
        address_field::port_field(
            ui,
            &fl!(ui_loader(ui), "field-port"),
            &mut s.port,
            false,
            true,
        );
    }
    ui.separator();
    // A crowd: each source binds a port of its own, so the local port waits (kept for
    // when the crowd is one source again) and is said to.
    let crowd = crowd_on(s);
    let label = fl!(ui_loader(ui), "field-local-port");
    let ok = ui
        .add_enabled_ui(!crowd, |ui| {
            address_field::optional_bind_field(ui, &label, &mut s.local, editable, failure)
        })
        .inner
        || crowd;
    if crowd && !s.local.trim().is_empty() {
        let note = fl!(ui_loader(ui), "crowd-own-ports");
        ui.label(egui::RichText::new(note).weak().small());
    }
    if families_differ(s) {
        address_field::error_label(ui, &fl!(ui_loader(ui), "field-unix-mixed"));
        return false;
    }
    ok
}

/// A unix destination with an IP local address, or the other way round: a unix socket
/// talks only to unix sockets (an empty local address goes with either).
fn families_differ(s: &TabSettings) -> bool {
    let local = s.local.trim();
    let dest_unix = addr::is_unix(&s.host);
    !local.is_empty() && !s.host.trim().is_empty() && dest_unix != addr::is_unix(local)
}

/// A unix socket: a single source only.
pub fn single_only(s: &TabSettings) -> bool {
    addr::is_unix(&s.host) || addr::is_unix(s.local.trim())
}

/// More than one source asked for (each binds a port of its own: the local port is not
/// used).
fn crowd_on(s: &TabSettings) -> bool {
    crate::codec::text::ascii_digits(&s.crowd.connections)
        .trim()
        .parse::<u64>()
        .is_ok_and(|n| n > 1)
}

/// The destination the fields name (HOST:PORT), when they are valid.
pub fn destination(s: &TabSettings) -> Option<String> {
    super::field_address(s, false)
}

/// The session the fields describe (with no destination yet when its fields are not valid).
pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    let mut cfg = SessionConfig::new(Role::UdpSender, destination(s).unwrap_or_default());
    if families_differ(s) {
        return None;
    }
    let local = s.local.trim();
    if !local.is_empty() && !crowd_on(s) {
        if let Some(r) = addr::unix(local) {
            r.ok()?;
        } else if local.chars().all(|c| c.is_ascii_digit()) {
            addr::parse_port(local, true).ok()?;
        } else {
            addr::split_host_port(local).ok()?;
        }
        cfg = cfg.bind(local);
    }
    Some(cfg)
}
