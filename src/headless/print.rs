//! Headless stdout. The [`Printer`] is the session runtime's output: it runs on the
//! runtime thread, so it only counts, copies a row's first bytes and queues them. A
//! thread of its own decodes, formats and writes the lines, so a slow stdout (a pipe
//! nobody reads, a slow terminal) never holds up receiving or the `--record` file (which
//! the runtime's record writer writes, not this). When more than [`QUEUE_ROWS`] preview
//! rows wait, further ones are dropped and counted, and "… N rows not shown (stdout was
//! slow)" is printed in their place once there is room. State changes, Expect lines and
//! the summary are never dropped. With `--full` nothing is dropped: the queue is bounded
//! and the runtime waits for stdout, as a user asking for every byte wants.

use crate::auto::expect::{TryResult, fmt_ms};
use crate::codec::escape::{is_hostile, push_visible};
use crate::codec::{CheckOutcome, ChecksumSpec, Framing};
use crate::i18n::english;
use crate::launch::{PREVIEW_BYTES, Print};
use crate::log::frames::{VIEW_MAX_FRAME, ViewFramer};
use crate::log::{Decoders, record::format_ts};
use crate::net::{Event, EventKind};
use crate::session::Output;
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// Preview rows waiting for stdout at most; beyond that they are dropped and counted.
pub const QUEUE_ROWS: usize = 256;

/// What the runtime thread hands the stdout thread.
enum Item {
    /// An rx/tx row: its event (the payload cut to the preview), the payload's whole length, its
    /// checksum check (a wrong one is marked at the end of the line), and whether it is a frame (decoded on its own: a frame's text never
    /// takes bytes from the frame before it).
    Row(Event, usize, Option<CheckOutcome>, bool),
    /// Any other event (never dropped).
    State(Event),
    /// A line as it is: an Expect try (never dropped).
    Line(String),
    /// This many preview rows were dropped here: stdout was slow.
    Dropped(u64),
    /// The run's totals, last (`--quiet` prints them).
    Summary(Totals),
}

/// Counts for the `--quiet` summary.
#[derive(Clone, Copy, Debug, Default)]
struct Totals {
    events: u64,
    rx_events: u64,
    rx_bytes: u64,
    tx_events: u64,
    tx_bytes: u64,
    secs: f64,
    /// Received rows whose checksum was checked: right and wrong.
    check_good: u64,
    check_bad: u64,
    /// ICMP errors the network answered datagrams with.
    icmp: u64,
}

impl Totals {
    fn count(&mut self, ev: &Event) {
        self.events += 1;
        match &ev.kind {
            EventKind::Rx(d) => {
                self.rx_events += 1;
                self.rx_bytes += d.len() as u64;
            }
            EventKind::Tx(d) => {
                self.tx_events += 1;
                self.tx_bytes += d.len() as u64;
            }
            EventKind::Icmp(_) => self.icmp += 1,
            _ => {}
        }
    }

    /// "network answered (ICMP): N", when any ICMP error came (`sep` first if given).
    fn push_icmp(&self, out: &mut String, sep: bool) -> bool {
        if self.icmp == 0 {
            return false;
        }
        if sep {
            out.push('\n');
        }
        let _ = write!(out, "network answered (ICMP): {}", self.icmp);
        true
    }

    fn check(&mut self, c: Option<CheckOutcome>) {
        match c {
            Some(CheckOutcome::Good) => self.check_good += 1,
            Some(_) => self.check_bad += 1,
            None => {}
        }
    }

    /// "checksum: N ok, M wrong", when any row was checked.
    fn push_checks(&self, out: &mut String) -> bool {
        if self.check_good + self.check_bad == 0 {
            return false;
        }
        let _ = write!(
            out,
            "checksum: {} ok, {} wrong",
            self.check_good, self.check_bad
        );
        true
    }

    fn push(&self, out: &mut String) {
        let _ = write!(
            out,
            "summary: {} events; rx {} bytes in {} events; tx {} bytes in {} events; {:.3} s",
            self.events, self.rx_bytes, self.rx_events, self.tx_bytes, self.tx_events, self.secs
        );
    }
}

/// The runtime's output in headless mode (see the module doc).
pub struct Printer {
    tx: Sender<Item>,
    /// This batch's items, sent at its end: after the runtime has handed the batch to the
    /// record writer, so stdout does not run ahead of the `--record` file.
    batch: Vec<Item>,
    /// Rows queued and not yet written (the stdout thread counts down).
    queued: Arc<AtomicUsize>,
    print: Print,
    dropped: u64,
    totals: Totals,
    started: Instant,
    /// The last event was an error (a later event clears it).
    failed: Arc<AtomicBool>,
    /// `--framing`: received TCP data is printed one row per frame.
    framer: Option<ViewFramer>,
    /// With a framer: the checksum each received frame is checked against.
    frame_check: Option<ChecksumSpec>,
    /// Set once a received row's checksum was wrong (the run then exits 1).
    bad_check: Arc<AtomicBool>,
}

/// Starts the stdout thread; returns the printer to hand the runtime and the thread to
/// join once the runtime (and so the printer) is gone.
pub fn start(
    print: Print,
    decoders: Decoders,
    hex: bool,
    failed: Arc<AtomicBool>,
) -> std::io::Result<(Printer, std::thread::JoinHandle<()>)> {
    // --full waits for stdout (bounded); otherwise rows are capped by `queued` and the
    // rare state lines always get in.
    let (tx, rx) = match print {
        Print::Full => crossbeam_channel::bounded(64),
        Print::Preview | Print::Quiet => crossbeam_channel::unbounded(),
    };
    let queued = Arc::new(AtomicUsize::new(0));
    let q = queued.clone();
    let thread = std::thread::Builder::new()
        .name("stdout".into())
        .spawn(move || write_loop(&rx, &q, decoders, hex, print))?;
    let printer = Printer {
        tx,
        batch: Vec::new(),
        queued,
        print,
        dropped: 0,
        totals: Totals::default(),
        started: Instant::now(),
        failed,
        framer: None,
        frame_check: None,
        bad_check: Arc::new(AtomicBool::new(false)),
    };
    Ok((printer, thread))
}

impl Printer {
    /// Prints received TCP data one row per frame of `framing` (`--framing`); the rows
    /// and the summary then count frames. A frame over [`VIEW_MAX_FRAME`] bytes is cut
    /// there, and a line says so.
    /// A flag set once a received row's checksum is wrong.
    pub fn bad_check_flag(&self) -> Arc<AtomicBool> {
        self.bad_check.clone()
    }

    /// `check`: each frame's checksum (`--check-sum`), checked here, frame by frame.
    pub fn framed(mut self, framing: Framing, check: Option<ChecksumSpec>) -> Printer {
        self.framer = Some(ViewFramer::new(framing));
        self.frame_check = check;
        self
    }

    /// One event (a row or a state line) to print.
    fn one(&mut self, ev: &Event, check: Option<CheckOutcome>) {
        self.totals.count(ev);
        self.totals.check(check);
        if matches!(check, Some(c) if c != CheckOutcome::Good) {
            self.bad_check.store(true, Ordering::Relaxed);
        }
        let err = failure(ev);
        self.failed.store(err, Ordering::Relaxed);
        // A crowd's members (clients of a TCP client or UDP sender): with --quiet, their
        // comings and goings are in the counts line and the summary; errors still show.
        let crowd_member = ev.client.is_some()
            && matches!(
                ev.role,
                crate::net::Role::TcpClient | crate::net::Role::UdpSender
            );
        match ev.kind.data() {
            None if self.print == Print::Quiet
                && crowd_member
                && !matches!(ev.kind, EventKind::Error { .. }) => {}
            None => self.send(Item::State(ev.clone())),
            Some(_) if self.print == Print::Quiet => {}
            Some(d) => self.row(ev, d, check),
        }
    }

    fn send(&mut self, item: Item) {
        if self.dropped > 0 {
            let n = std::mem::take(&mut self.dropped);
            self.batch.push(Item::Dropped(n));
        }
        self.batch.push(item);
    }

    fn send_batch(&mut self) {
        for item in self.batch.drain(..) {
            let _ = self.tx.send(item);
        }
    }

    fn row(&mut self, ev: &Event, d: &[u8], check: Option<CheckOutcome>) {
        if self.print == Print::Preview && self.queued.load(Ordering::Acquire) >= QUEUE_ROWS {
            self.dropped += 1;
            return;
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        let shown = match self.print {
            Print::Full => d.to_vec(),
            _ => d[..d.len().min(PREVIEW_BYTES)].to_vec(),
        };
        let kind = match ev.kind {
            EventKind::Tx(_) => EventKind::Tx(shown),
            _ => EventKind::Rx(shown),
        };
        let row = Event {
            ts_us: ev.ts_us,
            role: ev.role,
            local: ev.local,
            peer: ev.peer,
            client: ev.client,
            kind,
            opcode: ev.opcode,
        };
        let frame = self.framer.is_some();
        self.send(Item::Row(row, d.len(), check, frame));
    }
}

impl Output for Printer {
    fn event(&mut self, ev: &Event) {
        self.event_checked(ev, None);
    }

    fn event_checked(&mut self, ev: &Event, check: Option<CheckOutcome>) {
        let Some(mut framer) = self.framer.take() else {
            return self.one(ev, check);
        };
        let rows = framer.split(ev.clone());
        self.framer = Some(framer);
        for row in rows {
            // Each frame checked on its own (the runtime checked the chunk as it came).
            let check = crate::session::rx_check(self.frame_check.as_ref(), &row.event);
            self.one(&row.event, check);
            if row.truncated {
                self.send(Item::Line(format!(
                    "frame too long: cut at {VIEW_MAX_FRAME} bytes, the rest of it skipped"
                )));
            }
        }
    }

    fn expect_try(&mut self, r: &TryResult) {
        let line = match (r.passed, r.latency) {
            (true, Some(l)) => format!("expect #{} pass {}", r.n, fmt_ms(l)),
            (true, None) => format!("expect #{} pass", r.n),
            (false, _) => format!("expect #{} FAIL {}", r.n, r.note(english)),
        };
        self.send(Item::Line(line));
    }

    fn batch_done(&mut self) {
        self.send_batch();
    }
}

impl Drop for Printer {
    fn drop(&mut self) {
        self.totals.secs = self.started.elapsed().as_secs_f64();
        let t = self.totals;
        self.send(Item::Summary(t));
        self.send_batch();
    }
}

/// The stdout thread: formats each item into one reused line and writes it, flushing
/// whenever the queue is empty. A closed pipe (`| head`) or a full disk ends the writing,
/// not the run: the queue is still drained.
fn write_loop(
    rx: &Receiver<Item>,
    queued: &AtomicUsize,
    mut dec: Decoders,
    hex: bool,
    print: Print,
) {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout());
    let mut line = String::with_capacity(2048);
    let mut broken = false;
    loop {
        let item = match rx.try_recv() {
            Ok(i) => i,
            Err(TryRecvError::Empty) => {
                broken = broken || out.flush().is_err();
                match rx.recv() {
                    Ok(i) => i,
                    Err(_) => break,
                }
            }
            Err(TryRecvError::Disconnected) => break,
        };
        line.clear();
        match item {
            Item::Row(ev, len, check, frame) => {
                queued.fetch_sub(1, Ordering::AcqRel);
                if broken {
                    continue;
                }
                let text = match ev.kind.data() {
                    Some(d) if frame => Some(crate::codec::decode_escaped(dec.encoding(), d)),
                    _ => dec.text(&ev),
                };
                if ev.kind.data().is_some_and(|d| d.len() < len) {
                    // The rest of the payload was not read: start the stream afresh.
                    dec.end_stream(&ev);
                }
                push_line(&mut line, &ev, text.as_deref(), hex, len);
                if let Some(c) = check.filter(|c| c.is_bad()) {
                    let _ = write!(line, " [{}]", c.english());
                }
            }
            Item::State(ev) => {
                // A close or accept ends the streams it is about.
                let _ = dec.text(&ev);
                push_line(&mut line, &ev, None, hex, 0);
            }
            Item::Line(s) => line.push_str(&s),
            Item::Dropped(n) => {
                dec.end_streams();
                let _ = write!(line, "… {n} rows not shown (stdout was slow)");
            }
            Item::Summary(t) => {
                let checks = t.push_checks(&mut line);
                let icmp = t.push_icmp(&mut line, checks);
                if print == Print::Quiet {
                    if checks || icmp {
                        line.push('\n');
                    }
                    t.push(&mut line);
                } else if !checks && !icmp {
                    continue;
                }
            }
        }
        line.push('\n');
        broken = broken || out.write_all(line.as_bytes()).is_err();
    }
    if !broken {
        let _ = out.flush();
    }
}

/// Appends `s`, each control or bidi character escaped (a peer's ESC sequences, BEL, CR,
/// C1 and bidi overrides never reach the terminal).
fn push_visible_str(out: &mut String, s: &str) {
    if !s.chars().any(is_hostile) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        push_visible(out, c);
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends one event's line (no newline): `time event peer [#client] [opcode] [len] text`. For
/// rx/tx, `ev` holds the bytes to show and `len` is the payload's length: a row showing
/// fewer ends with "… (N more bytes)". `text` is the shown bytes decoded.
pub fn push_line(out: &mut String, ev: &Event, text: Option<&str>, show_hex: bool, len: usize) {
    if ev.role == crate::net::Role::Relay {
        return super::relay::push_relay_line(out, ev, len);
    }
    out.push_str(&format_ts(ev.ts_us));
    let _ = write!(out, " {:<10}", ev.kind.name());
    match (ev.peer, ev.local) {
        (Some(p), _) => {
            let _ = write!(out, " {}", crate::net::addr::show(&p));
        }
        (None, Some(l)) => {
            let _ = write!(out, " local={}", crate::net::addr::show(&l));
        }
        _ => {}
    }
    if let Some(c) = ev.client {
        let _ = write!(out, " #{c}");
    }
    // WebSocket: the message's opcode.
    if let Some(op) = ev.opcode {
        let _ = write!(out, " {}", op.as_str());
    }
    match ev.kind.data() {
        Some(d) => {
            let _ = write!(out, " {} ", len.max(d.len()));
            if show_hex {
                out.reserve(d.len() * 2 + 1);
                for &b in d {
                    out.push(HEX[(b >> 4) as usize] as char);
                    out.push(HEX[(b & 15) as usize] as char);
                }
                out.push(' ');
            }
            push_visible_str(out, text.unwrap_or_default());
            if len > d.len() {
                let _ = write!(out, " … ({} more bytes)", len - d.len());
            }
        }
        None => {
            out.push(' ');
            push_visible_str(out, &english(ev));
        }
    }
}

/// One event as its whole line: `time event peer [#client] [len] text`.
pub fn format_line(ev: &Event, text: Option<&str>, show_hex: bool) -> String {
    let mut s = String::new();
    push_line(&mut s, ev, text, show_hex, 0);
    s
}

/// An event that makes the session a failure if it is the last: an error, a TLS
/// handshake that failed, or this side's own connection closed because its TLS or
/// WebSocket handshake failed.
fn failure(ev: &Event) -> bool {
    use crate::net::CloseReason;
    match &ev.kind {
        EventKind::Error { .. } | EventKind::TlsFailed(_) => true,
        EventKind::Closed { reason, .. } => {
            ev.client.is_none()
                && matches!(
                    reason,
                    CloseReason::TlsFailed | CloseReason::WsRefused | CloseReason::InternalError
                )
        }
        _ => false,
    }
}
