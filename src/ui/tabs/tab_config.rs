//! The session a tab's fields describe: each role's address fields, the multicast section,
//! the tools' socket options and the encoding, put together into a [`SessionConfig`]
//! (None while a field is bad). The Start buttons and the preset checker both use it.

use super::settings::TabSettings;
use super::{tcp_client, tcp_server, udp_receiver, udp_sender};
use crate::net::{Role, SessionConfig, addr};
use crate::ui::pickers::{encoding_picker, multicast};

/// The session config `s` describes for `role`, or None if a field is bad.
pub fn config_of(role: Role, s: &TabSettings) -> Option<SessionConfig> {
    if role == Role::Relay {
        return relay_config(s);
    }
    let cfg = match role {
        Role::UdpSender => udp_sender::config(s),
        Role::UdpReceiver => udp_receiver::config(s),
        Role::TcpClient => tcp_client::config(s),
        Role::TcpServer => tcp_server::config(s),
        Role::Relay => None,
    }?;
    let cfg = multicast::apply(&s.multicast, &s.host, cfg)?;
    let enc = encoding_picker::from_label(&s.encoding);
    let mut cfg = cfg;
    cfg.sockopts = s.sockopts.opts(role).ok()?;
    let cfg = if role.is_tcp() {
        let mut cfg = cfg.shaping(s.writes.shaping().ok()?);
        cfg.tls = s.tls.options(role).ok()?;
        // The Host header: what the address field says.
        let host = cfg.address.clone();
        cfg.ws = s.ws.options(role, &host).ok()?;
        if role == Role::TcpClient
            && let Some(c) = s
                .crowd
                .config(tcp_client::single_only(s), s.send.hex)
                .ok()?
        {
            cfg = cfg.crowd(c);
        }
        cfg
    } else if role == Role::UdpSender
        && let Some(c) = s
            .crowd
            .config(udp_sender::single_only(s), s.send.hex)
            .ok()?
    {
        cfg.crowd(c)
    } else {
        cfg
    };
    Some(s.kit.apply_config(cfg).encoding(enc))
}

/// The relay session the fields describe, or None while an address field is bad.
fn relay_config(s: &TabSettings) -> Option<SessionConfig> {
    addr::check_host(&s.host, true).ok()?;
    let port = addr::parse_port(&s.port, true).ok()?;
    let r = &s.relay;
    addr::check_host(&r.to_host, false).ok()?;
    let to_port = addr::parse_port(&r.to_port, false).ok()?;
    let host = if s.host.trim().is_empty() {
        "0.0.0.0"
    } else {
        s.host.trim()
    };
    let mut rc = crate::net::relay::RelayConfig::new(
        addr::join_host_port(host, port),
        addr::join_host_port(r.to_host.trim(), to_port),
    );
    rc.udp = r.udp;
    rc.faults = r.faults();
    // Bad rules are said under their row; the relay does not start with them.
    rc.rewrites = r.rewrite.check().ok()?;
    rc.intercept = r.rewrite.intercept();
    rc.seed = (r.seed > 0).then_some(r.seed);
    (rc.tls_listen, rc.tls_upstream) = r.tls().ok()?;
    let enc = encoding_picker::from_label(&s.encoding);
    Some(SessionConfig::relay(rc).encoding(enc))
}
