//! Between events and records: the record of an event (every typed field filled from the
//! event's kind), the bytes of an rx/tx record, and the event a record was made from.

use super::{Record, format_ts, parse_ts};
use crate::codec::{Encoding, to_hex};
use crate::log::Describe;
use crate::net::{ClosedBy, Event, EventKind};

impl Record {
    /// Builds the record of an event; `text` is its decoded text (rx/tx only), `describe`
    /// words its `message`.
    pub fn from_event(
        ev: &Event,
        text: Option<String>,
        enc: Encoding,
        describe: Describe,
    ) -> Record {
        let data = ev.kind.data();
        let relay = ev.role == crate::net::Role::Relay;
        Record {
            ts: format_ts(ev.ts_us),
            session: ev.role.as_str().to_string(),
            event: ev.kind.name().to_string(),
            local: ev.local.map(|a| crate::net::addr::show(&a)),
            peer: ev.peer.map(|a| crate::net::addr::show(&a)),
            client: ev.client.filter(|_| !relay),
            opcode: ev.opcode,
            pair: ev.client.filter(|_| relay),
            dir: relay_dir(ev),
            relay: match &ev.kind {
                EventKind::Relay(k) => Some(k.clone()),
                _ => None,
            },
            len: data.map(|d| d.len()),
            hex: data.map(to_hex),
            text: data.map(|_| text.unwrap_or_default()),
            encoding: data.map(|_| enc.label()),
            message: match &ev.kind {
                EventKind::Listening { backlog } => Some(format!("listen(backlog={backlog})")),
                _ => crate::log::store::message(ev, describe),
            },
            backlog: match &ev.kind {
                EventKind::Listening { backlog } => Some(*backlog),
                _ => None,
            },
            close_reason: match &ev.kind {
                EventKind::Closed { reason, .. } => Some(*reason),
                _ => None,
            },
            reset_reason: match &ev.kind {
                EventKind::Reset { reason } => Some(*reason),
                _ => None,
            },
            error_kind: match &ev.kind {
                EventKind::Error { kind, .. } => Some(*kind),
                _ => None,
            },
            detail: match &ev.kind {
                EventKind::Error { detail, .. } => Some(detail.clone()),
                _ => None,
            },
            by: match &ev.kind {
                EventKind::Closed { by, .. } => Some(
                    match by {
                        ClosedBy::Peer => "peer",
                        ClosedBy::Local => "local",
                    }
                    .into(),
                ),
                _ => None,
            },
            tls: match &ev.kind {
                EventKind::TlsReady(info) => Some(info.clone()),
                _ => None,
            },
            stopped: match &ev.kind {
                EventKind::WriteStopped(f) => Some(f.clone()),
                _ => None,
            },
            ws: match &ev.kind {
                EventKind::Ws(w) => Some(Box::new(w.clone())),
                _ => None,
            },
        }
    }

    /// The raw bytes of an rx/tx record (from `hex`).
    pub fn bytes(&self) -> Option<Vec<u8>> {
        self.hex
            .as_deref()
            .and_then(|h| crate::codec::parse_hex(h).ok())
    }

    /// Rebuilds the event a record was made from (for re-decoding and packet export).
    /// `None` for records that are not session events (unknown `event` or `session`).
    pub fn to_event(&self) -> Option<Event> {
        use crate::net::Role;
        let role = Role::from_name(&self.session)?;
        let msg = || self.message.clone().unwrap_or_default();
        let kind = match self.event.as_str() {
            "info" | "error" if self.ws.is_some() => EventKind::Ws(self.ws.as_deref().cloned()?),
            "bound" => EventKind::Bound,
            "listening" => EventKind::Listening {
                backlog: self.backlog.unwrap_or(0),
            },
            "connecting" => EventKind::Connecting,
            "connected" => EventKind::Connected,
            "accepted" => EventKind::Accepted,
            "rx" => EventKind::Rx(self.bytes()?),
            "tx" => EventKind::Tx(self.bytes()?),
            "closed" => EventKind::Closed {
                by: if self.by.as_deref() == Some("peer") {
                    ClosedBy::Peer
                } else {
                    ClosedBy::Local
                },
                reason: self
                    .close_reason
                    .unwrap_or(crate::net::CloseReason::Unknown),
            },
            "reset" => EventKind::Reset {
                reason: self
                    .reset_reason
                    .unwrap_or(crate::net::ResetReason::Unknown),
            },
            "error" => EventKind::Error {
                kind: self.error_kind.unwrap_or(crate::net::ErrorKind::Io),
                detail: self.detail.clone().unwrap_or_else(msg),
            },
            "info" => match (&self.tls, &self.stopped) {
                (Some(info), _) => EventKind::TlsReady(info.clone()),
                (None, Some(f)) => EventKind::WriteStopped(f.clone()),
                (None, None) => EventKind::Info(msg()),
            },
            "note" => EventKind::Note(msg()),
            "relay" => EventKind::Relay(self.relay.clone()?),
            _ => return None,
        };
        Some(Event {
            ts_us: parse_ts(&self.ts)?,
            role,
            local: self.local.as_deref().and_then(crate::net::addr::from_text),
            peer: self.peer.as_deref().and_then(crate::net::addr::from_text),
            client: self.client.or(self.pair),
            kind,
            opcode: self.opcode,
        })
    }
}

/// A relay event's direction: its data's, or the one its fault, FIN or RST was in.
fn relay_dir(ev: &Event) -> Option<crate::net::relay::Dir> {
    use crate::net::relay::RelayKind;
    if let Some(d) = crate::net::relay::host::data_dir(ev) {
        return Some(d);
    }
    match &ev.kind {
        EventKind::Relay(k) => match &**k {
            RelayKind::Fault { dir, .. }
            | RelayKind::Fin { dir, .. }
            | RelayKind::Reset { dir, .. }
            | RelayKind::QueueFull { dir, .. }
            | RelayKind::Rewritten { dir, .. }
            | RelayKind::RewriteTooLarge { dir, .. }
            | RelayKind::PatchPastEnd { dir, .. }
            | RelayKind::Held { dir, .. }
            | RelayKind::Released { dir, .. }
            | RelayKind::InterceptFull { dir, .. } => Some(*dir),
            _ => None,
        },
        _ => None,
    }
}
