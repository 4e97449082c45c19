//! The JSON Lines record: one object per event, written and flushed as it happens.
//! The same writer serves `--record FILE`, the spool and the JSONL export.

use super::Describe;
use super::text::Decoders;
use crate::codec::{Encoding, to_hex};
use crate::net::{ClosedBy, Event, EventKind};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::Path;

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
                _ => super::store::message(ev, describe),
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

/// Appends `text` as a JSON string. Text with nothing to escape (the usual case for
/// received data) is copied in one go; otherwise serde_json escapes it.
fn push_json_str(line: &mut Vec<u8>, text: &str) -> io::Result<()> {
    let b = text.as_bytes();
    if !super::text::any_byte(b, |c| (c < 0x20) | (c == b'"') | (c == b'\\')) {
        line.push(b'"');
        line.extend_from_slice(b);
        line.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(&mut *line, text).map_err(io::Error::other)
    }
}

/// True if decoded text is worth a `text` field in the record: no U+FFFD (bytes that are
/// not valid in the encoding) and no control characters but tab, CR and LF. Anything else
/// would be a lossy copy of `hex`, and escaping it (`\u0000`, six bytes a byte) is what
/// kept the record from keeping up with binary data.
pub fn reads_as_text(t: &str) -> bool {
    // Fast scan over bytes: ASCII controls, then (rarely) multi-byte chars for U+FFFD and C1.
    let b = t.as_bytes();
    if !super::text::any_byte(b, |c| super::text::is_ctl(c) | (c >= 0x7f)) {
        return true;
    }
    !t.chars()
        .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

/// The last address written and its text: a session's lines repeat the same local address,
/// and mostly the same peer, so formatting it once saves the writer's hottest `fmt` call.
#[derive(Default)]
struct AddrText {
    addr: Option<std::net::SocketAddr>,
    text: String,
}

impl AddrText {
    fn get(&mut self, a: std::net::SocketAddr) -> &[u8] {
        if self.addr != Some(a) {
            self.addr = Some(a);
            // A unix path may hold quotes or control characters: JSON-escaped.
            let shown = crate::net::addr::show(&a);
            self.text = serde_json::to_string(&shown)
                .map(|q| q[1..q.len() - 1].to_string())
                .unwrap_or_default();
        }
        self.text.as_bytes()
    }
}

/// Streams records to a file (or any writer), one flushed line per event.
pub struct RecordWriter<W: Write = BufWriter<File>> {
    out: W,
    decoders: Decoders,
    describe: Describe,
    line: Vec<u8>,
    local_text: AddrText,
    peer_text: AddrText,
    /// Flush after every event (the default: nothing lost on a kill). Off for bulk export.
    pub flush_each: bool,
    pub written: u64,
}

impl RecordWriter<BufWriter<File>> {
    /// Creates (truncates) `path`, mode 0600 when new.
    pub fn create(path: &Path, enc: Encoding, describe: Describe) -> io::Result<Self> {
        let f = crate::files::private::create_file(path)?;
        Ok(RecordWriter::new(
            BufWriter::with_capacity(256 * 1024, f),
            enc,
            describe,
        ))
    }
}

impl<W: Write> RecordWriter<W> {
    /// A writer whose messages are worded by `describe`.
    pub fn new(out: W, enc: Encoding, describe: Describe) -> Self {
        RecordWriter {
            out,
            decoders: Decoders::new(enc),
            describe,
            line: Vec::with_capacity(512),
            local_text: AddrText::default(),
            peer_text: AddrText::default(),
            flush_each: true,
            written: 0,
        }
    }

    pub fn set_encoding(&mut self, enc: Encoding) {
        self.decoders.set_encoding(enc);
    }

    pub fn encoding(&self) -> Encoding {
        self.decoders.encoding()
    }

    pub fn write_event(&mut self, ev: &Event) -> io::Result<()> {
        let text = self.decoders.text_unless_binary(ev);
        if let Some(data) = ev.kind.data() {
            // Fast path for data events (the bulk of any record): the same fields in the
            // same order as `Record`, with the hex written straight into the line.
            // Bytes that do not read as text in the encoding get no `text` (only `hex`):
            // see `reads_as_text`.
            let text = text.as_deref().filter(|t| reads_as_text(t));
            return self.write_data(ev, data, text);
        }
        let rec = Record::from_event(ev, text, self.decoders.encoding(), self.describe);
        self.write_record(&rec)
    }

    fn write_data(&mut self, ev: &Event, data: &[u8], text: Option<&str>) -> io::Result<()> {
        use std::io::Write as _;
        let line = &mut self.line;
        line.clear();
        line.reserve(data.len() * 2 + text.map_or(0, str::len) + 256);
        line.extend_from_slice(b"{\"ts\":\"");
        line.extend_from_slice(format_ts(ev.ts_us).as_bytes());
        line.extend_from_slice(b"\",\"session\":\"");
        line.extend_from_slice(ev.role.as_str().as_bytes());
        line.extend_from_slice(b"\",\"event\":\"");
        line.extend_from_slice(ev.kind.name().as_bytes());
        line.push(b'"');
        if let Some(l) = ev.local {
            line.extend_from_slice(b",\"local\":\"");
            line.extend_from_slice(self.local_text.get(l));
            line.push(b'"');
        }
        if let Some(p) = ev.peer {
            line.extend_from_slice(b",\"peer\":\"");
            line.extend_from_slice(self.peer_text.get(p));
            line.push(b'"');
        }
        match (ev.client, crate::net::relay::host::data_dir(ev)) {
            (c, Some(dir)) => {
                if let Some(c) = c {
                    write!(line, ",\"pair\":{c}")?;
                }
                write!(line, ",\"dir\":\"{}\"", dir.as_str())?;
            }
            (Some(c), None) => write!(line, ",\"client\":{c}")?,
            (None, None) => {}
        }
        if let Some(op) = ev.opcode {
            line.extend_from_slice(b",\"opcode\":\"");
            line.extend_from_slice(op.as_str().as_bytes());
            line.push(b'"');
        }
        write!(line, ",\"len\":{},\"hex\":\"", data.len())?;
        crate::codec::hex::push_hex(line, data);
        line.push(b'"');
        if let Some(text) = text {
            line.extend_from_slice(b",\"text\":");
            push_json_str(line, text)?;
        }
        line.extend_from_slice(b",\"encoding\":\"");
        line.extend_from_slice(self.decoders.encoding().label().as_bytes());
        line.extend_from_slice(b"\"}\n");
        self.out.write_all(&self.line)?;
        if self.flush_each {
            self.out.flush()?;
        }
        self.written += 1;
        Ok(())
    }

    pub fn write_record(&mut self, rec: &Record) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, rec).map_err(io::Error::other)?;
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        if self.flush_each {
            self.out.flush()?;
        }
        self.written += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A record line that could not be read, with its line number.
#[derive(Debug)]
pub struct ReadError {
    /// 1-based; 0 for what is not one line (the cut tail of a binary spool).
    pub line: usize,
    pub message: String,
    /// The file could not be read any further (an I/O error, not a bad line): the records
    /// end here, and an export built from them is incomplete, so it is not saved.
    pub fatal: bool,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Line 0: not about one line (a binary spool's cut tail says where it is itself).
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// Reads a record file line by line. Blank lines are skipped; a bad line is an error naming it.
/// A read error of the file itself is a `fatal` error, and the last item.
pub fn read_records<R: io::Read>(r: R) -> impl Iterator<Item = Result<Record, ReadError>> {
    let mut ended = false;
    BufReader::new(r)
        .lines()
        .enumerate()
        .map_while(move |(i, line)| {
            if ended {
                return None;
            }
            Some(match line {
                // Not UTF-8: that line is bad, the reader is past it.
                Err(e) if e.kind() == io::ErrorKind::InvalidData => Some(Err(ReadError {
                    line: i + 1,
                    message: e.to_string(),
                    fatal: false,
                })),
                // The file itself failed: nothing after this can be trusted (or read).
                Err(e) => {
                    ended = true;
                    Some(Err(ReadError {
                        line: i + 1,
                        message: e.to_string(),
                        fatal: true,
                    }))
                }
                Ok(l) if l.trim().is_empty() => None,
                Ok(l) => Some(
                    serde_json::from_str::<Record>(&l)
                        .map_err(|e| e.to_string())
                        .and_then(Record::checked)
                        .map_err(|message| ReadError {
                            line: i + 1,
                            message,
                            fatal: false,
                        }),
                ),
            })
        })
        .flatten()
}

impl Record {
    /// The record if its bytes are whole: an rx/tx's `hex` is hex and as long as `len` says
    /// (a damaged line is refused, never exported without its packet or with wrong bytes).
    fn checked(self) -> Result<Record, String> {
        if let Some(h) = &self.hex {
            // What the writer writes (plain hex digits, `len` bytes): checked without
            // decoding, since readers decode it again where they need the bytes.
            let plain = h.len().is_multiple_of(2) && h.bytes().all(|b| b.is_ascii_hexdigit());
            if plain && self.len.is_none_or(|n| n * 2 == h.len()) {
                return Ok(self);
            }
            let Some(b) = self.bytes() else {
                return Err(format!(
                    "\"hex\" is not hex: {}",
                    h.chars().take(16).collect::<String>()
                ));
            };
            if let Some(n) = self.len
                && n != b.len()
            {
                return Err(format!("\"len\" says {n} bytes, \"hex\" holds {}", b.len()));
            }
        }
        Ok(self)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::store::tests::words;
    use crate::net::Role;

    #[test]
    fn record_line_matches_the_documented_layout() {
        let ev = Event {
            ts_us: 1_795_000_000_123_456,
            role: Role::TcpServer,
            local: Some("0.0.0.0:7891".parse().unwrap()),
            peer: Some("127.0.0.1:50123".parse().unwrap()),
            client: Some(3),
            kind: EventKind::Rx(vec![
                0xca, 0xd5, 0xb5, 0xbd, 0xc0, 0xb2, 0xce, 0xd2, 0xb7, 0xb4, 0xc0, 0xa1,
            ]),
            opcode: None,
        };
        let mut w = RecordWriter::new(Vec::new(), Encoding::GBK, words);
        w.write_event(&ev).unwrap();
        let out = String::from_utf8(w.into_inner()).unwrap();
        assert!(out.ends_with('\n'));
        let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
        assert_eq!(v["session"], "tcp-server");
        assert_eq!(v["event"], "rx");
        assert_eq!(v["client"], 3);
        assert_eq!(v["len"], 12);
        assert_eq!(v["hex"], "cad5b5bdc0b2ced2b7b4c0a1");
        assert_eq!(v["text"], "收到啦我反馈");
        assert_eq!(v["encoding"], "gbk");
        assert!(v["ts"].as_str().unwrap().ends_with(".123456Z"));
        assert_eq!(
            format_ts(1_795_000_000_000_001),
            "2026-11-18T11:06:40.000001Z"
        );
        assert_eq!(format_ts(-1), "1969-12-31T23:59:59.999999Z");
        assert!(v.get("message").is_none());
        let back: Vec<_> = read_records(out.as_bytes()).collect();
        assert_eq!(back.len(), 1);
        let r = back.into_iter().next().unwrap().unwrap();
        assert_eq!(parse_ts(&r.ts), Some(ev.ts_us));
        assert_eq!(r.bytes().unwrap().len(), 12);
    }

    #[test]
    fn reasons_and_kinds_are_typed_fields_and_read_back_whole() {
        use crate::net::{CloseReason, ErrorKind, ResetReason};
        let kinds = [
            EventKind::Listening { backlog: 128 },
            EventKind::Closed {
                by: ClosedBy::Local,
                reason: CloseReason::ServerEnded { clients: 3 },
            },
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: CloseReason::Kicked,
            },
            EventKind::Reset {
                reason: ResetReason::BrokenPipe,
            },
            EventKind::Error {
                kind: ErrorKind::Refused,
                detail: "connection refused".into(),
            },
        ];
        let mut w = RecordWriter::new(Vec::new(), Encoding::UTF_8, words);
        for (i, kind) in kinds.iter().enumerate() {
            let ev = Event {
                ts_us: 1_795_000_000_000_000 + i as i64,
                role: Role::TcpServer,
                local: Some("127.0.0.1:7".parse().unwrap()),
                peer: None,
                client: None,
                kind: kind.clone(),
                opcode: None,
            };
            w.write_event(&ev).unwrap();
        }
        let out = String::from_utf8(w.into_inner()).unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["backlog"], 128);
        assert_eq!(lines[1]["close_reason"]["server-ended"]["clients"], 3);
        assert_eq!(lines[2]["close_reason"], "kicked");
        assert_eq!(lines[3]["reset_reason"], "broken-pipe");
        assert_eq!(lines[4]["error_kind"], "refused");
        assert_eq!(lines[4]["detail"], "connection refused");
        let back: Vec<EventKind> = read_records(out.as_bytes())
            .map(|r| r.unwrap().to_event().unwrap().kind)
            .collect();
        assert_eq!(back, kinds);
    }

    #[test]
    fn fast_json_strings_match_serde_json() {
        for t in [
            "",
            "abc",
            "收到啦我反馈",
            "a\"b",
            "back\\slash",
            "nul\0",
            "tab\t",
            "del\u{7f}",
            "\u{2028}",
        ] {
            let mut fast = Vec::new();
            push_json_str(&mut fast, t).unwrap();
            assert_eq!(fast, serde_json::to_vec(t).unwrap(), "{t:?}");
        }
    }

    #[test]
    fn closed_has_by_and_message() {
        let ev = Event {
            ts_us: 0,
            role: Role::TcpClient,
            local: None,
            peer: None,
            client: None,
            kind: EventKind::Closed {
                by: ClosedBy::Peer,
                reason: crate::net::CloseReason::PeerFin,
            },
            opcode: None,
        };
        let r = Record::from_event(&ev, None, Encoding::UTF_8, words);
        assert_eq!(r.by.as_deref(), Some("peer"));
        assert_eq!(
            r.message.as_deref(),
            Some("Closed { by: Peer, reason: PeerFin }")
        );
        assert!(r.hex.is_none() && r.len.is_none());
        let bad: Vec<_> = read_records("{}\nnot json\n".as_bytes()).collect();
        assert!(bad[0].is_err() && bad[1].as_ref().unwrap_err().line == 2);
    }
}
