//! The in-memory log a view shows: the newest events, bounded by row count and payload
//! bytes, each keeping its raw bytes so a change of encoding re-decodes what is shown.

use super::Describe;
use super::counters::Counters;
use super::text::Decoders;
use crate::codec::{CheckOutcome, Encoding};
use crate::net::{Event, EventKind};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;

/// Arrow shown in the direction column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// → sent
    Tx,
    /// ← received
    Rx,
    /// • state change or information
    Info,
    /// ⚠ error or reset
    Warn,
}

impl Direction {
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::Tx => "→",
            Direction::Rx => "←",
            Direction::Info => "•",
            Direction::Warn => "⚠",
        }
    }
}

/// One row of the log.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Sequence number in the session (0-based, counts evicted rows too).
    pub seq: u64,
    pub event: Event,
    /// Decoded text for rx/tx; the message otherwise.
    pub text: String,
    /// Rx only: microseconds since the previous rx from the same peer (None for the first).
    pub gap_us: Option<i64>,
    /// A TCP frame (display framing) longer than the frame cap: `text` ends in "(truncated)".
    pub truncated: bool,
    /// Rx with a checksum check on: how the row's checksum came out.
    pub check: Option<CheckOutcome>,
    /// The row's bytes are not text in the log's encoding (a control byte other than tab,
    /// CR, LF, or an invalid sequence: [`super::text::not_text`]), decided once as the
    /// row comes in (and again on a change of encoding): the view shows it as hex.
    pub binary: bool,
}

/// Received rows whose checksum was checked: how many were right and how many wrong.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CheckCounts {
    pub good: u64,
    pub bad: u64,
}

impl Entry {
    pub fn direction(&self) -> Direction {
        super::query::direction(&self.event.kind)
    }

    pub fn data(&self) -> Option<&[u8]> {
        self.event.kind.data()
    }

    /// The arrow of the direction column: a relay's data goes → client to server (up)
    /// and ← server to client (down); other rows as [`Direction::symbol`].
    pub fn arrow(&self) -> &'static str {
        match crate::net::relay::host::data_dir(&self.event) {
            Some(crate::net::relay::Dir::Up) => "→",
            Some(crate::net::relay::Dir::Down) => "←",
            None => self.direction().symbol(),
        }
    }
}

/// Per-TCP-client summary, for the server's client list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    pub id: u64,
    pub peer: Option<SocketAddr>,
    pub connected_us: i64,
    pub counters: Counters,
    pub open: bool,
    /// WebSocket: the path, subprotocol and headers of the client's opening handshake.
    pub ws: Option<Box<crate::net::ws::Handshake>>,
    /// Its TLS failed (a server's client, or a relay's pair on either leg).
    pub tls_failed: bool,
}

/// A bounded log of one session.
#[derive(Debug)]
pub struct LogStore {
    rows: VecDeque<Entry>,
    bytes: usize,
    pub max_rows: usize,
    pub max_bytes: usize,
    total: u64,
    decoders: Decoders,
    /// The words for non-data rows.
    describe: Describe,
    pub counters: Counters,
    pub clients: BTreeMap<u64, ClientInfo>,
    /// A WebSocket message has been logged: the view shows the opcode column.
    pub opcodes: bool,
    /// TCP server: closed clients, oldest first; past [`LogStore::MAX_CLOSED_CLIENTS`] the
    /// oldest leave [`LogStore::clients`] (a server running for hours stays the same size).
    closed_clients: VecDeque<u64>,
    /// Closed clients no longer listed.
    pub clients_forgotten: u64,
    /// TCP server: clients refused because the "max clients" limit was reached.
    pub refused: u64,
    /// UDP: ICMP errors the network answered datagrams with (port unreachable …).
    pub icmp: u64,
    /// UDP: datagrams the kernel dropped before the app could read them (Linux: SO_MEMINFO
    /// and SO_RXQ_OVFL), in this session since it started — or since the log was cleared.
    pub kernel_dropped: u64,
    /// The log was cleared while the session ran: `kernel_dropped` counts from then.
    pub drops_since_clear: bool,
    /// The engine's own total for this session (drops since the socket opened), and what it
    /// was at the last clear.
    drops_engine: u64,
    drops_base: u64,
    /// Received rows checked against their checksum (the tab's checksum check).
    pub checks: CheckCounts,
    /// Time of the last rx from each peer (for [`Entry::gap_us`]).
    last_rx: HashMap<(Option<u64>, Option<SocketAddr>), i64>,
}

/// Most peers remembered for inter-arrival times (then the memory starts over).
const MAX_GAP_PEERS: usize = 10_000;

impl LogStore {
    /// Closed TCP clients kept in the client list (the newest); open ones are all kept.
    pub const MAX_CLOSED_CLIENTS: usize = 1000;

    pub const DEFAULT_ROWS: usize = 200_000;
    /// 32 MiB of payload, decoded text and row overhead: a flooded window stays under
    /// 200 MiB resident; everything older is in the spool (and in every Save log…).
    pub const DEFAULT_BYTES: usize = 32 << 20;

    /// An empty log whose non-data rows are worded by `describe`.
    pub fn new(enc: Encoding, describe: Describe) -> Self {
        LogStore {
            rows: VecDeque::new(),
            bytes: 0,
            max_rows: Self::DEFAULT_ROWS,
            max_bytes: Self::DEFAULT_BYTES,
            total: 0,
            decoders: Decoders::new(enc),
            describe,
            counters: Counters::default(),
            clients: BTreeMap::new(),
            closed_clients: VecDeque::new(),
            clients_forgotten: 0,
            refused: 0,
            icmp: 0,
            kernel_dropped: 0,
            drops_since_clear: false,
            drops_engine: 0,
            drops_base: 0,
            checks: CheckCounts::default(),
            last_rx: HashMap::new(),
            opcodes: false,
        }
    }

    pub fn push(&mut self, ev: Event) {
        self.counters.apply(&ev);
        self.opcodes |= ev.opcode.is_some();
        match ev.kind {
            EventKind::Refused { .. } => self.refused += 1,
            EventKind::Icmp(_) => self.icmp += 1,
            EventKind::KernelDrops { total } => {
                self.drops_engine = self.drops_engine.max(total);
                self.kernel_dropped = self.drops_engine.saturating_sub(self.drops_base);
            }
            _ => {}
        }
        if let Some(id) = ev.client {
            match &ev.kind {
                EventKind::Accepted => {
                    self.clients.insert(
                        id,
                        ClientInfo {
                            id,
                            peer: ev.peer,
                            connected_us: ev.ts_us,
                            counters: Counters::default(),
                            open: true,
                            ws: None,
                            tls_failed: false,
                        },
                    );
                }
                EventKind::Ws(crate::net::ws::WsEvent::Open(hs)) => {
                    if let Some(c) = self.clients.get_mut(&id) {
                        c.ws = Some(hs.clone());
                    }
                }
                EventKind::Closed { .. } | EventKind::Reset { .. } => self.client_closed(id),
                EventKind::TlsFailed(_) => {
                    if let Some(c) = self.clients.get_mut(&id) {
                        c.tls_failed = true;
                    }
                }
                EventKind::Relay(k)
                    if matches!(**k, crate::net::relay::RelayKind::TlsFailed { .. }) =>
                {
                    if let Some(c) = self.clients.get_mut(&id) {
                        c.tls_failed = true;
                    }
                }
                // A relay's pair (its client list is the pair list).
                EventKind::Relay(k)
                    if matches!(**k, crate::net::relay::RelayKind::PairClosed { .. }) =>
                {
                    self.client_closed(id)
                }
                _ => {
                    if let Some(c) = self.clients.get_mut(&id) {
                        c.counters.apply(&ev);
                    }
                }
            }
        }
        self.push_row(ev, false);
    }

    /// A client (a relay's pair) closed: kept in the list, the oldest closed ones leave it.
    fn client_closed(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id)
            && c.open
        {
            c.open = false;
            self.closed_clients.push_back(id);
        }
        while self.closed_clients.len() > Self::MAX_CLOSED_CLIENTS {
            if let Some(old) = self.closed_clients.pop_front()
                && self.clients.remove(&old).is_some()
            {
                self.clients_forgotten += 1;
            }
        }
    }

    /// Adds a row without counting it: a frame cut from received TCP data for display
    /// (the raw chunk was counted with [`LogStore::count_rx`]). `truncated` marks a frame
    /// longer than the frame cap.
    pub fn push_row(&mut self, ev: Event, truncated: bool) {
        if self.max_rows == 0 {
            self.total += 1;
            return;
        }
        let (text, binary) = row_text(&mut self.decoders, self.describe, &ev, truncated);
        let gap_us = match ev.kind {
            EventKind::Rx(_) => {
                if self.last_rx.len() >= MAX_GAP_PEERS {
                    self.last_rx.clear();
                }
                self.last_rx
                    .insert((ev.client, ev.peer), ev.ts_us)
                    .map(|prev| ev.ts_us.saturating_sub(prev))
            }
            _ => None,
        };
        let size = ev.kind.data().map_or(0, |d| d.len()) + text.len() + 64;
        self.bytes += size;
        self.rows.push_back(Entry {
            seq: self.total,
            event: ev,
            text,
            gap_us,
            truncated,
            check: None,
            binary,
        });
        self.total += 1;
        self.evict();
    }

    /// Marks the row just pushed with its checksum check, and counts it.
    pub fn mark_check(&mut self, outcome: CheckOutcome) {
        if outcome.is_bad() {
            self.checks.bad += 1;
        } else {
            self.checks.good += 1;
        }
        if self.max_rows > 0
            && let Some(e) = self.rows.back_mut()
            && e.seq + 1 == self.total
        {
            e.check = Some(outcome);
        }
    }

    /// Counts received data shown as frames (rows are added with [`LogStore::push_row`]).
    pub fn count_rx(&mut self, raw: &Event) {
        self.counters.apply(raw);
        if let Some(id) = raw.client
            && let Some(c) = self.clients.get_mut(&id)
        {
            c.counters.apply(raw);
        }
    }

    /// Changes the caps, dropping the oldest rows over them at once.
    /// `max_rows` 0 keeps no rows at all, only the counters and the client list (the
    /// command line, which prints rows as they come and shows none later): no text is
    /// decoded for the view then.
    pub fn set_caps(&mut self, max_rows: usize, max_bytes: usize) {
        self.max_rows = max_rows;
        self.max_bytes = max_bytes;
        self.evict();
    }

    fn evict(&mut self) {
        while self.rows.len() > self.max_rows
            || (self.bytes > self.max_bytes && self.rows.len() > 1)
        {
            if let Some(old) = self.rows.pop_front() {
                self.bytes -= old.event.kind.data().map_or(0, |d| d.len()) + old.text.len() + 64;
            } else {
                break;
            }
        }
    }

    /// Rows currently held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Events seen in this session, including rows no longer held in memory.
    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn get(&self, i: usize) -> Option<&Entry> {
        self.rows.get(i)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Entry> + ExactSizeIterator {
        self.rows.iter()
    }

    pub fn encoding(&self) -> Encoding {
        self.decoders.encoding()
    }

    /// Re-decodes every row in a new encoding (streams are decoded again in order).
    pub fn set_encoding(&mut self, enc: Encoding) {
        if enc == self.decoders.encoding() {
            return;
        }
        self.decoders.set_encoding(enc);
        let mut bytes = 0;
        for row in self.rows.iter_mut() {
            if row.event.kind.data().is_some() {
                (row.text, row.binary) =
                    row_text(&mut self.decoders, self.describe, &row.event, row.truncated);
            }
            bytes += row.event.kind.data().map_or(0, |d| d.len()) + row.text.len() + 64;
        }
        self.bytes = bytes;
        // Streams decoded during the replay continue into new events.
    }

    /// Forgets every row and counter.
    pub fn clear(&mut self) {
        let enc = self.decoders.encoding();
        let running_drops = self.drops_engine;
        *self = LogStore {
            max_rows: self.max_rows,
            max_bytes: self.max_bytes,
            ..LogStore::new(enc, self.describe)
        };
        // Kernel drops are counted again from here (the engine's total goes on).
        self.drops_engine = running_drops;
        self.drops_base = running_drops;
        self.drops_since_clear = true;
    }

    /// A new session starts: its socket's drop count starts at zero.
    /// Forgets the client list (a relay's pairs: each run numbers its pairs from #1 again,
    /// so the last run's would share their numbers). The rows stay.
    pub fn forget_clients(&mut self) {
        self.clients.clear();
        self.closed_clients.clear();
    }

    pub fn new_session(&mut self) {
        self.kernel_dropped = 0;
        self.drops_engine = 0;
        self.drops_base = 0;
        self.drops_since_clear = false;
    }
}

/// Text kept per row for display, in bytes. A view shows a few thousand characters of a
/// cell at most; the raw bytes stay whole (and the spool and exports decode all of them).
pub const TEXT_CAP: usize = 8 * 1024;

fn cap_text(mut t: String) -> String {
    if t.len() > TEXT_CAP {
        let mut cut = TEXT_CAP;
        while !t.is_char_boundary(cut) {
            cut -= 1;
        }
        let rest = t.len() - cut;
        t.truncate(cut);
        t.push_str(&format!(" … [{rest} more bytes of text]"));
    }
    // Decoders reserve for the worst case (3 bytes per input byte); keep only what is used.
    t.shrink_to_fit();
    t
}

/// The text of a row: the decoded data (marked when truncated) or the event's message;
/// and whether the data is not text.
fn row_text(
    decoders: &mut Decoders,
    describe: Describe,
    ev: &Event,
    truncated: bool,
) -> (String, bool) {
    match decoders.text_checked(ev) {
        Some((t, bin)) if truncated => (cap_text(t) + " (truncated)", bin),
        Some((t, bin)) => (cap_text(t), bin),
        None => (describe(ev), false),
    }
}

/// A record's `message`: the line `describe` gives a close, reset, error, info or note
/// (None for the kinds a record describes with its other fields).
pub fn message(ev: &Event, describe: Describe) -> Option<String> {
    match ev.kind {
        EventKind::Bound
        | EventKind::Listening { .. }
        | EventKind::Connecting
        | EventKind::Connected
        | EventKind::Accepted
        | EventKind::Rx(_)
        | EventKind::Tx(_) => None,
        _ => Some(describe(ev)),
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
pub(crate) mod tests;
