//! The whole-session search: the log's filter ([`super::query::Filter`]) over every event
//! of a session, the spool on disk first and then the rows in memory it does not hold, on
//! a thread of its own ([`SearchJob`]), with progress and cancel. Ends with how many of how
//! many events matched, the first [`MAX_HITS`] of them, and enough of an index
//! ([`SpoolIndex`]) to read any event back with its neighbours ([`read_around`]) long after
//! it left memory. Typed results only: the window words them.

use super::query::{DataHead, Filter};
use super::spool_format::{Cut, RawEvent, Resume, Scanner, SpoolReader, TAG_RX};
use super::{Describe, Direction, Entry};
use crate::codec::Encoding;
use crate::net::{Event, EventKind};
use std::fs::File;
use std::io::{self, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Matches kept with their event (the count goes on past them).
pub const MAX_HITS: usize = 10_000;
/// Bytes of a match's data kept for its preview.
pub const PREVIEW_BYTES: usize = 1024;
/// Events between two places reading can resume from.
const RESUME_EVERY: u64 = 1 << 15;
/// A resume place keeps the address table; with more addresses than this (a spoofed
/// flood) places are skipped and reading back starts further back.
const RESUME_MAX_ADDRS: usize = 4096;
/// Events between two progress reports (and checks for Cancel).
const REPORT_EVERY: u64 = 1 << 12;

/// Progress and cancel, shared between the search thread and whoever shows it.
#[derive(Debug, Default)]
pub struct Control {
    cancel: AtomicBool,
    done: AtomicU64,
    total: AtomicU64,
}

impl Control {
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Work done and the whole (bytes of the spool, then rows), for a progress bar.
    pub fn progress(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}

/// One match.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The event's number in the session (0-based: the spool's events, then the rows in
    /// memory after them).
    pub index: u64,
    /// The event; its data cut to [`PREVIEW_BYTES`].
    pub event: Event,
    /// The data's whole length (0 for other events).
    pub len: usize,
    /// Its text: the data decoded in the session's encoding, or the event's words.
    pub text: String,
}

/// What to search: a spool, and rows in memory after the last event it holds.
#[derive(Debug, Default)]
pub struct Source {
    pub spool: Option<PathBuf>,
    pub tail: Vec<Entry>,
}

/// Where reading back can start in a spool searched.
#[derive(Clone, Debug)]
pub struct SpoolIndex {
    pub path: PathBuf,
    points: Vec<Resume>,
    /// Events the spool held.
    pub events: u64,
}

/// How a search ended.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Events that matched (k).
    pub matches: u64,
    /// Events searched (n): all of the session's, unless cancelled.
    pub events: u64,
    /// The first [`MAX_HITS`] matches, in order.
    pub hits: Vec<Hit>,
    /// Stopped by Cancel: the counts are of the events searched so far.
    pub cancelled: bool,
    /// The spool ended early (a torn or damaged record): what was left out.
    pub cut: Option<Cut>,
    pub spool: Option<SpoolIndex>,
    /// The rows in memory searched after the spool (for reading back).
    pub tail: Arc<Vec<Entry>>,
}

/// One event read back, with its text.
#[derive(Clone, Debug)]
pub struct Row {
    pub index: u64,
    pub event: Event,
    pub text: String,
}

/// Searches `source` with `filter`; `describe` words the events that are not data (as the
/// rows in memory are worded). Cancel ends it early with what was counted.
pub fn search(
    source: Source,
    filter: &Filter,
    describe: Describe,
    ctl: &Control,
) -> io::Result<Outcome> {
    let mut out = Outcome::default();
    let spool_bytes = match &source.spool {
        Some(p) => std::fs::metadata(p)?.len(),
        None => 0,
    };
    ctl.total
        .store(spool_bytes + source.tail.len() as u64, Ordering::Relaxed);
    if let Some(p) = &source.spool {
        search_spool(p, filter, describe, ctl, &mut out)?;
    }
    if !out.cancelled {
        let first = out.events;
        for (i, e) in source.tail.iter().enumerate() {
            if (i as u64).is_multiple_of(REPORT_EVERY) {
                ctl.done.store(spool_bytes + i as u64, Ordering::Relaxed);
                if ctl.cancelled() {
                    out.cancelled = true;
                    break;
                }
            }
            out.events += 1;
            if filter.passes(e) {
                let len = e.data().map_or(0, <[u8]>::len);
                hit(&mut out, first + i as u64, preview(&e.event), len, || {
                    e.text.clone()
                });
            }
        }
        out.tail = Arc::new(source.tail);
    }
    let (_, total) = ctl.progress();
    if !out.cancelled {
        ctl.done.store(total, Ordering::Relaxed);
    }
    Ok(out)
}

fn hit(out: &mut Outcome, index: u64, event: Event, len: usize, text: impl FnOnce() -> String) {
    out.matches += 1;
    if out.hits.len() < MAX_HITS {
        out.hits.push(Hit {
            index,
            event,
            len,
            text: text(),
        });
    }
}

/// The event with its data cut to [`PREVIEW_BYTES`].
fn preview(ev: &Event) -> Event {
    let kind = match &ev.kind {
        EventKind::Rx(d) => EventKind::Rx(d[..d.len().min(PREVIEW_BYTES)].to_vec()),
        EventKind::Tx(d) => EventKind::Tx(d[..d.len().min(PREVIEW_BYTES)].to_vec()),
        k => k.clone(),
    };
    Event { kind, ..ev.clone() }
}

/// Whether each address (by index) matches the query, worked out once.
struct PeerCache {
    known: Vec<u8>,
    generation: u64,
    len: usize,
}

impl PeerCache {
    fn get<R: io::Read>(&mut self, sc: &Scanner<R>, filter: &Filter, i: u32) -> bool {
        let (g, n) = (sc.addrs_generation(), sc.addrs_len());
        // Every change but additions at the end (a reset) makes what is known stale.
        if g.wrapping_sub(self.generation) != n.wrapping_sub(self.len) as u64 {
            self.known.clear();
        }
        (self.generation, self.len) = (g, n);
        let i = i as usize;
        if self.known.len() <= i {
            self.known.resize(i + 1, 0);
        }
        if self.known[i] == 0 {
            let m = match (filter.query.as_ref(), sc.addr(i as u32)) {
                (Some(q), Some(a)) => q.peer_matches(a),
                _ => false,
            };
            self.known[i] = 1 + m as u8;
        }
        self.known[i] == 2
    }
}

fn search_spool(
    path: &Path,
    filter: &Filter,
    describe: Describe,
    ctl: &Control,
    out: &mut Outcome,
) -> io::Result<()> {
    let mut sc = Scanner::new(File::open(path)?)?;
    let mut points = vec![sc.resume_point()];
    let mut peers = PeerCache {
        known: Vec::new(),
        generation: 0,
        len: 0,
    };
    let plain = filter.query.is_none();
    loop {
        let enc = sc.encoding();
        let Some(raw) = sc.next_event() else { break };
        let index = raw.index;
        out.events = index + 1;
        if filter.passes_head(raw.ts_us, raw.client) {
            let ev = if raw.is_data() {
                data_match(&sc, &raw, filter, enc, plain, &mut peers)
            } else {
                other_match(&sc, &raw, filter, describe)
            };
            if let Some((ev, len, text)) = ev {
                hit(out, index, ev, len, || text);
            }
        }
        if (index + 1).is_multiple_of(RESUME_EVERY) && sc.addrs_len() <= RESUME_MAX_ADDRS {
            points.push(sc.resume_point());
        }
        if index.is_multiple_of(REPORT_EVERY) {
            ctl.done.store(sc.offset(), Ordering::Relaxed);
            if ctl.cancelled() {
                out.cancelled = true;
                break;
            }
        }
    }
    out.cut = sc.cut().cloned();
    out.spool = Some(SpoolIndex {
        path: path.to_path_buf(),
        points,
        events: out.events,
    });
    Ok(())
}

/// The event, the data's length and its text, if a data event matches.
fn data_match<R: io::Read>(
    sc: &Scanner<R>,
    raw: &RawEvent,
    filter: &Filter,
    enc: Encoding,
    plain: bool,
    peers: &mut PeerCache,
) -> Option<(Event, usize, String)> {
    let dir = if raw.tag == TAG_RX {
        Direction::Rx
    } else {
        Direction::Tx
    };
    let data = sc.body(raw);
    let head = DataHead {
        dir,
        ts_us: raw.ts_us,
        client: raw.client,
    };
    let peer = !plain && raw.peer.is_some_and(|i| peers.get(sc, filter, i));
    if !filter.passes_data(head, data, enc, peer) {
        return None;
    }
    let cut = data[..data.len().min(PREVIEW_BYTES)].to_vec();
    let text = crate::codec::decode(enc, &cut);
    let kind = if dir == Direction::Rx {
        EventKind::Rx(cut)
    } else {
        EventKind::Tx(cut)
    };
    Some((event(sc, raw, kind), data.len(), text))
}

/// The event and its words, if an event that is not data matches. One whose kind cannot be
/// read (written by a newer version) never does.
fn other_match<R: io::Read>(
    sc: &Scanner<R>,
    raw: &RawEvent,
    filter: &Filter,
    describe: Describe,
) -> Option<(Event, usize, String)> {
    let kind = serde_json::from_slice::<EventKind>(sc.body(raw)).ok()?;
    let ev = event(sc, raw, kind);
    let text = describe(&ev);
    filter.passes_event(&ev, &text).then_some((ev, 0, text))
}

fn event<R: io::Read>(sc: &Scanner<R>, raw: &RawEvent, kind: EventKind) -> Event {
    Event {
        ts_us: raw.ts_us,
        role: raw.role,
        local: raw.local.and_then(|i| sc.addr(i)),
        peer: raw.peer.and_then(|i| sc.addr(i)),
        client: raw.client,
        kind,
        opcode: raw.opcode,
    }
}

/// Reads back event `index` with up to `before` events before it and `after` after it:
/// from the spool (the nearest place to resume from) or the rows in memory.
pub fn read_around(
    out: &Outcome,
    index: u64,
    before: u64,
    after: u64,
    describe: Describe,
) -> io::Result<Vec<Row>> {
    let from = index.saturating_sub(before);
    let want = (index - from + 1 + after) as usize;
    let mut rows = Vec::with_capacity(want);
    let spool_events = out.spool.as_ref().map_or(0, |s| s.events);
    if let Some(sp) = &out.spool
        && from < sp.events
    {
        let Some(p) = sp.points.iter().rev().find(|p| p.index <= from) else {
            return Err(io::Error::other("no place to read from"));
        };
        let mut f = File::open(&sp.path)?;
        f.seek(SeekFrom::Start(p.offset))?;
        let mut rd = SpoolReader::resume(BufReader::with_capacity(1 << 16, f), p);
        let mut i = p.index;
        while rows.len() < want && i < sp.events {
            let Some(ev) = rd.next() else { break };
            if i >= from {
                let text = match ev.kind.data() {
                    Some(d) => crate::codec::decode(rd.encoding(), d),
                    None => describe(&ev),
                };
                rows.push(Row {
                    index: i,
                    event: ev,
                    text,
                });
            }
            i += 1;
        }
    }
    let start = from.max(spool_events);
    for i in start..start + (want - rows.len()) as u64 {
        let Some(e) = usize::try_from(i - spool_events)
            .ok()
            .and_then(|j| out.tail.get(j))
        else {
            break;
        };
        rows.push(Row {
            index: i,
            event: e.event.clone(),
            text: e.text.clone(),
        });
    }
    Ok(rows)
}

/// A search running on its own thread.
pub struct SearchJob {
    ctl: Arc<Control>,
    rx: crossbeam_channel::Receiver<io::Result<Outcome>>,
}

impl SearchJob {
    /// Starts a search. `sync` first waits until the spool holds everything queued (false:
    /// it could not, and the search goes on with what is on disk); `wake` is called when
    /// the result is ready.
    pub fn start(
        source: Source,
        filter: Filter,
        describe: Describe,
        sync: Option<Box<dyn FnOnce() -> bool + Send>>,
        wake: Box<dyn Fn() + Send>,
    ) -> io::Result<SearchJob> {
        let ctl = Arc::new(Control::default());
        let (tx, rx) = crossbeam_channel::bounded(1);
        let c = ctl.clone();
        std::thread::Builder::new()
            .name("session-search".into())
            .spawn(move || {
                if let Some(sync) = sync {
                    let _ = sync();
                }
                let r = search(source, &filter, describe, &c);
                let _ = tx.send(r);
                wake();
            })?;
        Ok(SearchJob { ctl, rx })
    }

    pub fn control(&self) -> &Control {
        &self.ctl
    }

    /// The result, once it is there (taken once).
    pub fn poll(&self) -> Option<io::Result<Outcome>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(crossbeam_channel::TryRecvError::Empty) => None,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                Some(Err(io::Error::other("the search thread ended")))
            }
        }
    }

    /// Waits for the result (tests, the benchmark).
    pub fn wait(self) -> io::Result<Outcome> {
        self.rx
            .recv()
            .unwrap_or_else(|_| Err(io::Error::other("the search thread ended")))
    }
}

#[cfg(test)]
#[path = "spool_search_tests.rs"]
mod tests;
