//! Writing the record: one line per event, data events (the bulk) written field by field
//! straight into the line, every other event through serde from its [`Record`].

use super::{Record, format_ts};
use crate::codec::Encoding;
use crate::log::Describe;
use crate::log::text::Decoders;
use crate::net::Event;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Appends `text` as a JSON string. Text with nothing to escape (the usual case for
/// received data) is copied in one go; otherwise serde_json escapes it.
pub(super) fn push_json_str(line: &mut Vec<u8>, text: &str) -> io::Result<()> {
    let b = text.as_bytes();
    if !crate::log::text::any_byte(b, |c| (c < 0x20) | (c == b'"') | (c == b'\\')) {
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
    if !crate::log::text::any_byte(b, |c| crate::log::text::is_ctl(c) | (c >= 0x7f)) {
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
