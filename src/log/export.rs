//! Exports a session log (a binary spool or a JSON Lines record) to other formats: plain text (with hex dumps), CSV safe
//! for spreadsheets, the JSONL itself, pcapng that Wireshark opens as real packets
//! (UDP datagrams, and TCP streams with a synthesised handshake and teardown), and a
//! self-contained HTML table. Bad record lines are reported by number; the rest converts.

use super::atomic::{AtomicFile, same_file};
use super::record::{ReadError, Record};
use super::text::Decoders;
use crate::codec::escape::visible_keeping;
use crate::codec::{Encoding, hex::hexdump, visible};
use crate::net::{ClosedBy, Event, EventKind, Role};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};

/// An export format, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Txt,
    Csv,
    Jsonl,
    Pcapng,
    Html,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Txt,
        Format::Csv,
        Format::Jsonl,
        Format::Pcapng,
        Format::Html,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Pcapng => "pcapng",
            Format::Html => "html",
        }
    }

    /// The name shown in a save dialog's filter.
    pub fn description(self) -> &'static str {
        match self {
            Format::Txt => "Text",
            Format::Csv => "CSV (spreadsheets)",
            Format::Jsonl => "JSON Lines (the record)",
            Format::Pcapng => "pcapng (Wireshark)",
            Format::Html => "HTML page",
        }
    }

    pub fn from_path(p: &Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "log" => Some(Format::Txt),
            "csv" => Some(Format::Csv),
            "jsonl" | "json" | "ndjson" => Some(Format::Jsonl),
            "pcapng" => Some(Format::Pcapng),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// What an export did.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub events: u64,
    pub packets: u64,
    /// Lines of the record that could not be read (they are skipped, the rest is converted).
    pub bad_lines: Vec<ReadError>,
}

impl ExportReport {
    /// The read error that cut the input short, if one did: the export is incomplete and
    /// must not replace anything.
    pub fn unreadable(&self) -> Option<&ReadError> {
        self.bad_lines.iter().find(|b| b.fatal)
    }
}

#[derive(Debug)]
pub enum ExportError {
    Input(String),
    Output(String),
    /// The output names the input file itself (the same path, a symlink or a hard link
    /// to it): refused before anything is opened for writing.
    SameFile {
        input: PathBuf,
        output: PathBuf,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Input(m) | ExportError::Output(m) => f.write_str(m),
            ExportError::SameFile { input, output } if input == output => write!(
                f,
                "{} is the input file: exporting onto it would destroy it; choose another output file",
                output.display()
            ),
            ExportError::SameFile { input, output } => write!(
                f,
                "{} is the input file {} (another name for it): exporting onto it would destroy it; choose another output file",
                output.display(),
                input.display()
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// Exports the log file `input` (a binary spool or a JSON Lines record, told apart by the
/// spool's magic) to `output`, in the format its extension names.
/// With `encoding`, text is decoded again from the raw bytes in that encoding.
/// The output is written beside its target and renamed over it when complete
/// ([`AtomicFile`]): a failed export leaves an existing `output` as it was. An `output` that
/// is the input itself is refused ([`ExportError::SameFile`]).
pub fn export_file(
    input: &Path,
    output: &Path,
    encoding: Option<Encoding>,
) -> Result<ExportReport, ExportError> {
    let format = Format::from_path(output).ok_or_else(|| {
        ExportError::Output(format!(
            "cannot tell the format of {}: end the name with .txt, .csv, .jsonl, .pcapng or .html",
            output.display()
        ))
    })?;
    if same_file(input, output) {
        return Err(ExportError::SameFile {
            input: input.to_path_buf(),
            output: output.to_path_buf(),
        });
    }
    let inp = File::open(input)
        .and_then(|f| super::input::open_records(f, u64::MAX, true))
        .map_err(|e| ExportError::Input(format!("cannot read {}: {e}", input.display())))?;
    let out = AtomicFile::create(output)
        .map_err(|e| ExportError::Output(format!("cannot write {}: {e}", output.display())))?;
    let failed = |e: &dyn fmt::Display| {
        ExportError::Output(format!("writing {} failed: {e}", output.display()))
    };
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let report = export(inp, &mut w, format, encoding)
        .and_then(|r| w.flush().map(|_| r))
        .map_err(|e| failed(&e))?;
    if let Some(bad) = report.unreadable() {
        return Err(ExportError::Input(format!(
            "reading {} failed, so nothing was written: {bad}",
            input.display()
        )));
    }
    w.into_inner()
        .map_err(|e| failed(e.error()))?
        .commit()
        .map_err(|e| failed(&e))?;
    Ok(report)
}

/// Exports records to a writer.
pub fn export<W: Write>(
    records: impl Iterator<Item = Result<Record, ReadError>>,
    out: &mut W,
    format: Format,
    encoding: Option<Encoding>,
) -> io::Result<ExportReport> {
    let mut report = ExportReport::default();
    let mut decoders: HashMap<String, Decoders> = HashMap::new();
    let mut sink: Box<dyn Sink<W>> = match format {
        Format::Txt => Box::new(Txt),
        Format::Csv => Box::new(Csv),
        Format::Jsonl => Box::new(Jsonl),
        Format::Html => Box::new(Html),
        Format::Pcapng => Box::new(Pcap::default()),
    };
    sink.begin(out)?;
    for r in records {
        let mut rec = match r {
            Ok(r) => r,
            Err(e) => {
                report.bad_lines.push(e);
                continue;
            }
        };
        // Re-decode text from the bytes if asked, following each TCP stream. Without an
        // encoding, data records the record left without `text` (bytes that were not
        // valid text) get it decoded in their recorded encoding, as the view shows them.
        let recorded = || {
            rec.encoding
                .as_deref()
                .and_then(Encoding::for_label)
                .unwrap_or(Encoding::UTF_8)
        };
        let enc = match encoding {
            Some(e) => Some(e),
            None if rec.hex.is_some() && rec.text.is_none() => Some(recorded()),
            // Connection boundaries end the streams of the decoders in use.
            None if rec.hex.is_none() && !decoders.is_empty() => Some(recorded()),
            None => None,
        };
        if let Some(enc) = enc
            && let Some(ev) = rec.to_event()
        {
            let d = decoders
                .entry(rec.session.clone())
                .or_insert_with(|| Decoders::new(enc));
            if d.encoding() != enc && rec.hex.is_some() {
                d.set_encoding(enc);
            }
            if let Some(t) = d.text(&ev)
                && (encoding.is_some() || rec.text.is_none())
            {
                rec.text = Some(t);
                rec.encoding = Some(enc.label());
            }
        }
        report.packets += sink.record(out, &rec)?;
        report.events += 1;
    }
    sink.end(out, &report)?;
    Ok(report)
}

trait Sink<W: Write> {
    fn begin(&mut self, _out: &mut W) -> io::Result<()> {
        Ok(())
    }
    /// Writes one record; returns how many packets it became (pcapng).
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64>;
    fn end(&mut self, _out: &mut W, _report: &ExportReport) -> io::Result<()> {
        Ok(())
    }
}

fn arrow(rec: &Record) -> &'static str {
    match rec.event.as_str() {
        "rx" => "←",
        "tx" => "→",
        "error" | "reset" => "⚠",
        _ => "•",
    }
}

/// True if decoded text would read well: no U+FFFD, no control characters but \t \r \n.
fn is_text(t: &str) -> bool {
    !t.chars()
        .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

struct Txt;

impl<W: Write> Sink<W> for Txt {
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        let peer = match (&rec.peer, rec.client) {
            (Some(p), Some(c)) => format!("{p} #{c}"),
            (Some(p), None) => p.clone(),
            (None, _) => rec
                .local
                .clone()
                .map(|l| format!("local {l}"))
                .unwrap_or_else(|| "-".into()),
        };
        let len = rec.len.map(|l| l.to_string()).unwrap_or_else(|| "-".into());
        let body = match (&rec.text, &rec.message) {
            (Some(t), _) => t.clone(),
            (None, Some(m)) => format!("[{}] {m}", rec.event),
            (None, None) => format!("[{}]", rec.event),
        };
        // Every field escaped (a record file may come from anywhere, not only the text):
        // `cat` of the export never hands a peer's ESC, BEL or bidi override to a terminal.
        let line = format!("{}  {}  {}  {}  {}", rec.ts, arrow(rec), peer, len, body);
        writeln!(out, "{}", visible(&line))?;
        if let (Some(bytes), Some(t)) = (rec.bytes(), &rec.text)
            && (!is_text(t) || !bytes.is_empty() && t.is_empty())
        {
            for line in hexdump(&bytes).lines() {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(0)
    }
}

struct Csv;

/// One CSV cell: RFC 4180 quoting, and a leading `'` on anything a spreadsheet would run.
pub fn csv_cell(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

const CSV_COLUMNS: [&str; 12] = [
    "ts", "session", "event", "local", "peer", "client", "len", "hex", "text", "encoding",
    "message", "by",
];

impl<W: Write> Sink<W> for Csv {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        write!(out, "{}\r\n", CSV_COLUMNS.join(","))
    }

    fn record(&mut self, out: &mut W, r: &Record) -> io::Result<u64> {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        let cells = [
            r.ts.clone(),
            r.session.clone(),
            r.event.clone(),
            o(&r.local),
            o(&r.peer),
            r.client.map(|c| c.to_string()).unwrap_or_default(),
            r.len.map(|c| c.to_string()).unwrap_or_default(),
            o(&r.hex),
            o(&r.text),
            o(&r.encoding),
            o(&r.message),
            o(&r.by),
        ];
        // Control characters shown escaped, but for tab, CR and LF, which quoting holds.
        let line: Vec<String> = cells
            .iter()
            .map(|c| csv_cell(&visible_keeping(c, |c| matches!(c, '\t' | '\r' | '\n'))))
            .collect();
        write!(out, "{}\r\n", line.join(","))?;
        Ok(0)
    }
}

struct Jsonl;

impl<W: Write> Sink<W> for Jsonl {
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        serde_json::to_writer(&mut *out, rec).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        Ok(0)
    }
}

struct Html;

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

impl<W: Write> Sink<W> for Html {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(
            br#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Socket Tester log</title>
<style>
body{font-family:system-ui,sans-serif;margin:1em}
table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#eee;position:sticky;top:0}
td.data{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;max-width:40em}
tr.rx td.dir{color:#06c} tr.tx td.dir{color:#080} tr.warn{background:#fee}
</style></head><body>
<h1>Socket Tester log</h1>
<table><thead><tr><th>time (UTC)</th><th>session</th><th>dir</th><th>event</th><th>peer</th><th>len</th><th>text</th><th>hex</th></tr></thead><tbody>
"#,
        )
    }

    fn record(&mut self, out: &mut W, r: &Record) -> io::Result<u64> {
        let class = match r.event.as_str() {
            "rx" => "rx",
            "tx" => "tx",
            "error" | "reset" => "warn",
            _ => "info",
        };
        let peer = match (&r.peer, r.client) {
            (Some(p), Some(c)) => format!("{p} #{c}"),
            (Some(p), None) => p.clone(),
            _ => String::new(),
        };
        let text = r
            .text
            .clone()
            .or_else(|| r.message.clone())
            .unwrap_or_default();
        let hex = r.hex.as_deref().map(spaced).unwrap_or_default();
        writeln!(
            out,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td class=\"dir\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"data\">{}</td><td class=\"data\">{}</td></tr>",
            html_escape(&r.ts),
            html_escape(&r.session),
            arrow(r),
            html_escape(&r.event),
            html_escape(&peer),
            r.len.map(|l| l.to_string()).unwrap_or_default(),
            html_escape(&visible(&text)),
            html_escape(&hex),
        )?;
        Ok(0)
    }

    fn end(&mut self, out: &mut W, report: &ExportReport) -> io::Result<()> {
        writeln!(
            out,
            "</tbody></table><p>{} events.</p></body></html>",
            report.events
        )
    }
}

fn spaced(hex: &str) -> String {
    let b = hex.as_bytes();
    let mut s = String::with_capacity(hex.len() * 3 / 2);
    for (i, pair) in b.chunks(2).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(std::str::from_utf8(pair).unwrap_or("??"));
    }
    s
}

// ---------------------------------------------------------------- pcapng

/// Largest TCP payload put in one synthesised segment (IPv4 total length is 16 bits).
const MAX_SEGMENT: usize = 32 * 1024;

/// Per TCP connection: who is the client (A) and server (B), and next sequence numbers.
struct TcpFlow {
    a: SocketAddr,
    b: SocketAddr,
    seq_a: u32,
    seq_b: u32,
    closed: bool,
    /// TLS: the comment each data packet carries (its bytes are decrypted plaintext).
    tls: Option<String>,
}

#[derive(Default)]
struct Pcap {
    started: bool,
    flows: HashMap<(String, Option<u64>, Option<String>), TcpFlow>,
    /// The comment for the next packet written.
    comment: Option<String>,
}

/// Makes the two ends of a packet the same family (IPv4-mapped IPv6 when they differ) and
/// replaces an unspecified local address (a socket bound to 0.0.0.0) with loopback or the peer's family.
fn fix_addrs(local: Option<SocketAddr>, peer: SocketAddr) -> (SocketAddr, SocketAddr) {
    let mut local = local.unwrap_or_else(|| SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0));
    if local.ip().is_unspecified() {
        let ip: IpAddr = match peer.ip() {
            IpAddr::V4(p) if p.is_loopback() => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(p) if p.is_loopback() => Ipv6Addr::LOCALHOST.into(),
            IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        };
        local.set_ip(ip);
    }
    let to6 = |a: SocketAddr| match a.ip() {
        IpAddr::V4(v4) => SocketAddr::new(v4.to_ipv6_mapped().into(), a.port()),
        IpAddr::V6(_) => a,
    };
    if local.is_ipv4() != peer.is_ipv4() {
        (to6(local), to6(peer))
    } else {
        (local, peer)
    }
}

fn ip_builder(
    src: SocketAddr,
    dst: SocketAddr,
) -> etherparse::PacketBuilderStep<etherparse::IpHeaders> {
    match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            etherparse::PacketBuilder::ipv4(s.octets(), d.octets(), 64)
        }
        (s, d) => {
            let v6 = |ip: IpAddr| match ip {
                IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
                IpAddr::V6(v6) => v6.octets(),
            };
            etherparse::PacketBuilder::ipv6(v6(s), v6(d), 64)
        }
    }
}

#[derive(Clone, Copy)]
enum Flags {
    Syn,
    SynAck,
    Ack,
    PshAck,
    FinAck,
    Rst,
}

impl Pcap {
    fn packet<W: Write>(&mut self, out: &mut W, ts_us: i64, data: Vec<u8>) -> io::Result<()> {
        use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: std::time::Duration::from_micros(ts_us.max(0) as u64),
            original_len: data.len() as u32,
            data: std::borrow::Cow::Owned(data),
            options: self
                .comment
                .take()
                .map(|c| {
                    pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption::Comment(
                        c.into(),
                    )
                })
                .into_iter()
                .collect(),
        };
        write_block(out, pcap_file::pcapng::Block::EnhancedPacket(block))
    }

    fn udp<W: Write>(
        &mut self,
        out: &mut W,
        ts: i64,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) -> io::Result<u64> {
        let b = ip_builder(src, dst).udp(src.port(), dst.port());
        let mut v = Vec::with_capacity(b.size(payload.len()));
        b.write(&mut v, payload).map_err(io::Error::other)?;
        self.packet(out, ts, v)?;
        Ok(1)
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp<W: Write>(
        &mut self,
        out: &mut W,
        ts: i64,
        src: SocketAddr,
        dst: SocketAddr,
        seq: u32,
        ack: u32,
        flags: Flags,
        payload: &[u8],
    ) -> io::Result<()> {
        let mut b = ip_builder(src, dst).tcp(src.port(), dst.port(), seq, 65535);
        b = match flags {
            Flags::Syn => b.syn(),
            Flags::SynAck => b.syn().ack(ack),
            Flags::Ack => b.ack(ack),
            Flags::PshAck => b.psh().ack(ack),
            Flags::FinAck => b.fin().ack(ack),
            Flags::Rst => b.rst().ack(ack),
        };
        let mut v = Vec::with_capacity(b.size(payload.len()));
        b.write(&mut v, payload).map_err(io::Error::other)?;
        self.packet(out, ts, v)
    }

    /// The flow for a TCP event, with a synthesised handshake when it is new.
    fn flow<W: Write>(
        &mut self,
        out: &mut W,
        ev: &Event,
        key: (String, Option<u64>, Option<String>),
        packets: &mut u64,
    ) -> io::Result<Option<(SocketAddr, SocketAddr)>> {
        let Some(peer) = ev.peer else { return Ok(None) };
        if let Some(f) = self.flows.get(&key)
            && !f.closed
        {
            return Ok(Some((f.a, f.b)));
        }
        let (local, peer) = fix_addrs(ev.local, peer);
        // The client (A) opens the connection: us for tcp-client, the peer for tcp-server.
        let (a, b) = if ev.role == Role::TcpClient {
            (local, peer)
        } else {
            (peer, local)
        };
        let (isn_a, isn_b) = (1_000u32, 50_000u32);
        let ts = ev.ts_us;
        self.tcp(out, ts, a, b, isn_a, 0, Flags::Syn, &[])?;
        self.tcp(out, ts, b, a, isn_b, isn_a + 1, Flags::SynAck, &[])?;
        self.tcp(out, ts, a, b, isn_a + 1, isn_b + 1, Flags::Ack, &[])?;
        *packets += 3;
        self.flows.insert(
            key,
            TcpFlow {
                a,
                b,
                seq_a: isn_a + 1,
                seq_b: isn_b + 1,
                closed: false,
                tls: None,
            },
        );
        Ok(Some((a, b)))
    }
}

fn write_block<W: Write>(out: &mut W, block: pcap_file::pcapng::Block<'_>) -> io::Result<()> {
    block
        .write_to::<byteorder_slice::LittleEndian, _>(out)
        .map(|_| ())
}

impl<W: Write> Sink<W> for Pcap {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        use pcap_file::pcapng::blocks::interface_description::{
            InterfaceDescriptionBlock, InterfaceDescriptionOption,
        };
        use pcap_file::pcapng::blocks::section_header::SectionHeaderBlock;
        let shb = SectionHeaderBlock {
            endianness: pcap_file::Endianness::Little,
            ..Default::default()
        };
        write_block(out, pcap_file::pcapng::Block::SectionHeader(shb))?;
        let idb = InterfaceDescriptionBlock {
            linktype: pcap_file::DataLink::RAW,
            snaplen: 0,
            options: vec![
                InterfaceDescriptionOption::IfName("socket-tester".into()),
                InterfaceDescriptionOption::IfTsResol(9),
            ],
        };
        write_block(out, pcap_file::pcapng::Block::InterfaceDescription(idb))?;
        self.started = true;
        Ok(())
    }

    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        let Some(ev) = rec.to_event() else {
            return Ok(0);
        };
        let mut packets = 0;
        if !ev.role.is_tcp() {
            let (Some(data), Some(peer)) = (ev.kind.data(), ev.peer) else {
                return Ok(0);
            };
            let (local, peer) = fix_addrs(ev.local, peer);
            return match ev.kind {
                EventKind::Tx(_) => self.udp(out, ev.ts_us, local, peer, data),
                _ => self.udp(out, ev.ts_us, peer, local, data),
            };
        }
        let key = (
            rec.session.clone(),
            ev.client,
            if ev.role == Role::TcpClient {
                None
            } else {
                rec.peer.clone()
            },
        );
        match &ev.kind {
            EventKind::Connected | EventKind::Accepted => {
                // A new connection with this key starts a new flow.
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
                self.flow(out, &ev, key, &mut packets)?;
            }
            EventKind::TlsReady(info) => {
                if let Some(f) = self.flows.get_mut(&key).filter(|f| !f.closed) {
                    f.tls = Some(format!(
                        "TLS-decrypted application data ({}, {}): on the wire these bytes were encrypted TLS records, and the handshake's packets are not shown",
                        info.version, info.cipher
                    ));
                }
            }
            EventKind::Rx(d) | EventKind::Tx(d) => {
                let Some((a, b)) = self.flow(out, &ev, key.clone(), &mut packets)? else {
                    return Ok(packets);
                };
                let tls = self.flows.get(&key).and_then(|f| f.tls.clone());
                // Does this data go from A (the client) to B?
                let from_a = matches!(
                    (ev.role, &ev.kind),
                    (Role::TcpClient, EventKind::Tx(_)) | (Role::TcpServer, EventKind::Rx(_))
                );
                for chunk in d.chunks(MAX_SEGMENT) {
                    let (seq, ack) = match self.flows.get(&key) {
                        Some(f) if from_a => (f.seq_a, f.seq_b),
                        Some(f) => (f.seq_b, f.seq_a),
                        None => break,
                    };
                    let (src, dst) = if from_a { (a, b) } else { (b, a) };
                    self.comment = tls.clone();
                    self.tcp(out, ev.ts_us, src, dst, seq, ack, Flags::PshAck, chunk)?;
                    packets += 1;
                    if let Some(f) = self.flows.get_mut(&key) {
                        if from_a {
                            f.seq_a = f.seq_a.wrapping_add(chunk.len() as u32);
                        } else {
                            f.seq_b = f.seq_b.wrapping_add(chunk.len() as u32);
                        }
                    }
                }
            }
            EventKind::Closed { by, .. } if ev.peer.is_some() => {
                let Some(f) = self.flows.get(&key).filter(|f| !f.closed) else {
                    return Ok(0);
                };
                let (a, b, sa, sb) = (f.a, f.b, f.seq_a, f.seq_b);
                // The side that closes first sends FIN; four-way teardown.
                let closer_is_a = matches!(
                    (ev.role, by),
                    (Role::TcpClient, ClosedBy::Local) | (Role::TcpServer, ClosedBy::Peer)
                );
                let ts = ev.ts_us;
                if closer_is_a {
                    self.tcp(out, ts, a, b, sa, sb, Flags::FinAck, &[])?;
                    self.tcp(out, ts, b, a, sb, sa + 1, Flags::Ack, &[])?;
                    self.tcp(out, ts, b, a, sb, sa + 1, Flags::FinAck, &[])?;
                    self.tcp(out, ts, a, b, sa + 1, sb + 1, Flags::Ack, &[])?;
                } else {
                    self.tcp(out, ts, b, a, sb, sa, Flags::FinAck, &[])?;
                    self.tcp(out, ts, a, b, sa, sb + 1, Flags::Ack, &[])?;
                    self.tcp(out, ts, a, b, sa, sb + 1, Flags::FinAck, &[])?;
                    self.tcp(out, ts, b, a, sb + 1, sa + 1, Flags::Ack, &[])?;
                }
                packets += 4;
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
            }
            EventKind::Reset { reason } if ev.peer.is_some() => {
                let Some(f) = self.flows.get(&key).filter(|f| !f.closed) else {
                    return Ok(0);
                };
                let (a, b, sa, sb) = (f.a, f.b, f.seq_a, f.seq_b);
                // The peer sent the RST, or this side did (Reset).
                let from_client =
                    (ev.role == Role::TcpClient) == (*reason == crate::net::ResetReason::ResetHere);
                let (src, dst, seq, ack) = if !from_client {
                    (b, a, sb, sa)
                } else {
                    (a, b, sa, sb)
                };
                self.tcp(out, ev.ts_us, src, dst, seq, ack, Flags::Rst, &[])?;
                packets += 1;
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
            }
            _ => {}
        }
        Ok(packets)
    }
}

/// `socket-tester export`: converts, prints a summary (and bad lines) to stderr, returns
/// the exit code: 0 done, 1 output or input failed (an existing output is left as it
/// was), 2 refused because the output is the input, 3 done but some lines were unreadable.
pub fn run_cli(input: &Path, output: &Path, encoding: Option<Encoding>) -> i32 {
    match export_file(input, output, encoding) {
        Ok(r) => {
            eprintln!(
                "exported {} events{} to {}",
                r.events,
                if r.packets > 0 {
                    format!(" ({} packets)", r.packets)
                } else {
                    String::new()
                },
                output.display()
            );
            for b in &r.bad_lines {
                eprintln!("warning: skipped unreadable record {b}");
            }
            if r.bad_lines.is_empty() { 0 } else { 3 }
        }
        Err(e @ ExportError::SameFile { .. }) => {
            eprintln!("error: {e}");
            2
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
