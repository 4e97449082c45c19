//! The JSON Lines record: one object per event, written and flushed as it happens.
//! The same writer serves `--record FILE`, the spool and the JSONL export.
//!
//! Here: [`Record`], one line's fields, and its timestamps. Its parts: `event` (the record
//! of an event, and the event back), `writer` ([`RecordWriter`]) and `read`
//! ([`read_records`]).

mod event;
mod read;
#[cfg(test)]
mod tests;
mod writer;

pub use read::{ReadError, read_records};
pub use writer::{RecordWriter, reads_as_text};

use serde::{Deserialize, Serialize};

/// One line of the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// RFC 3339 UTC with microseconds: `2026-11-25T17:03:16.123456Z`.
    pub ts: String,
    pub session: String,
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<u64>,
    /// WebSocket rx/tx: the message's opcode (`text`, `binary`); each record is one message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opcode: Option<crate::net::ws::Opcode>,
    /// Relay: the pair (a client and its upstream, or a UDP source and its socket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<u64>,
    /// Relay: the direction (`up` = client → server, `down` = server → client).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<crate::net::relay::Dir>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub len: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `listening`: the backlog given to listen().
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backlog: Option<i32>,
    /// `closed`: why, typed (`peer-fin`, `local-close`, `kicked`, `{"server-ended":{"clients":3}}`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<crate::net::CloseReason>,
    /// `reset`: why, typed (`peer-reset`, `aborted`, `broken-pipe`, `reset-here`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_reason: Option<crate::net::ResetReason>,
    /// `error`: the kind, typed (`refused`, `addr-in-use`, `timed-out`…), and the
    /// system's own words (`message` has the sentence shown to people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<crate::net::ErrorKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A finished TLS handshake (an `info` record): version, suite, ALPN, peer
    /// certificate, so an export knows the connection's data is decrypted TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Box<crate::net::tls::TlsInfo>>,
    /// A file of the session stopped (an `info` record): which, why, how many events
    /// are whole in it, and when the first missing one happened. The last line of a
    /// `--record` cut by a full disk says this of itself, where the space allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<Box<crate::net::FileStopped>>,
    /// A WebSocket happening (an `info` or `error` record), typed: the handshake (with the
    /// request and response), a refusal and why, ping/pong and the round trip, close
    /// frames with code and reason, a message over the bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ws: Option<Box<crate::net::ws::WsEvent>>,
    /// A relay's own event (`relay` records), typed: `{"event":"fault","dir":"up",
    /// "what":{"fault":"delayed","ms":100}}`, `{"event":"upstream",…}`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<Box<crate::net::relay::RelayKind>>,
}

/// Formats microseconds since the epoch as RFC 3339 UTC with six decimals.
pub fn format_ts(ts_us: i64) -> String {
    use std::cell::RefCell;
    // Events come in bursts within one second: format the date and time once per second
    // and only the microseconds per event (this is on the recording hot path).
    thread_local!(static LAST: RefCell<(i64, String)> = const { RefCell::new((i64::MIN, String::new())) });
    let sec = ts_us.div_euclid(1_000_000);
    let micros = ts_us.rem_euclid(1_000_000);
    LAST.with(|cell| {
        let mut last = cell.borrow_mut();
        if last.0 != sec {
            let Some(t) = chrono::DateTime::from_timestamp(sec, 0) else {
                return format!("@{ts_us}us");
            };
            *last = (sec, t.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
        format!("{}.{micros:06}Z", last.1)
    })
}

/// Parses a record timestamp back to microseconds since the epoch.
pub fn parse_ts(ts: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(ts)
        .ok()
        .map(|t| t.timestamp_micros())
}
