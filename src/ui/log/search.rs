//! The log view's search/filter box: a query matches a row's text (case-insensitive),
//! its bytes (`ca d5`), its peer (`127.0.0.1:5000`, `#3`) or its direction (`→`, `tx`,
//! `←`, `rx`, `note`). Matches are kept as a list of sequence numbers that is extended
//! with new rows only, so a frame never scans the whole log (a new query rescans in chunks).

use crate::log::{Direction, Entry, LogStore};
use crate::net::EventKind;

/// Most rows examined in one frame.
pub const SCAN_CHUNK: usize = 50_000;

/// A parsed query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// Lowercased text to look for.
    lower: String,
    /// The bytes, when the query reads as hex bytes.
    bytes: Option<Vec<u8>>,
    /// A direction token (→ tx, ← rx, note…) matches rows of that kind only.
    dir: Option<DirFilter>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DirFilter {
    Dir(Direction),
    Note,
}

impl Query {
    /// Parses a query; None when it is blank (no filtering).
    pub fn parse(q: &str) -> Option<Query> {
        let t = q.trim();
        if t.is_empty() {
            return None;
        }
        let lower = t.to_lowercase();
        let dir = match lower.as_str() {
            "→" | "->" | "tx" | "sent" => Some(DirFilter::Dir(Direction::Tx)),
            "←" | "<-" | "rx" | "received" => Some(DirFilter::Dir(Direction::Rx)),
            "⚠" | "warn" | "error" => Some(DirFilter::Dir(Direction::Warn)),
            "note" | "notes" => Some(DirFilter::Note),
            _ => None,
        };
        let looks_hex = t
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == ' ' || c == ',' || c == 'x' || c == 'X');
        let bytes = if dir.is_none() && looks_hex {
            crate::codec::parse_hex(t).ok().filter(|b| !b.is_empty())
        } else {
            None
        };
        Some(Query { lower, bytes, dir })
    }

    /// Whether a row matches.
    pub fn matches(&self, e: &Entry) -> bool {
        if let Some(d) = self.dir {
            return match d {
                DirFilter::Note => matches!(e.event.kind, EventKind::Note(_)),
                DirFilter::Dir(d) => e.direction() == d,
            };
        }
        if let (Some(b), Some(data)) = (&self.bytes, e.data())
            && contains_bytes(data, b)
        {
            return true;
        }
        if contains_ci(&e.text, &self.lower) {
            return true;
        }
        if let Some(p) = e.event.peer {
            let peer = p.to_string();
            if contains_ci(&peer, &self.lower) {
                return true;
            }
        }
        if let Some(id) = e.event.client
            && self.lower.strip_prefix('#') == Some(id.to_string().as_str())
        {
            return true;
        }
        false
    }
}

fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    needle.len() <= hay.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Case-insensitive `contains`; `needle` is already lowercase. ASCII needles need no
/// allocation.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// The rows that pass the client filter and the query, kept up to date incrementally.
#[derive(Debug, Default)]
pub struct Matches {
    /// Sequence numbers of matching rows, ascending.
    pub seqs: Vec<u64>,
    key: Option<(Option<u64>, String)>,
    query: Option<Query>,
    /// The next sequence number to examine.
    next: u64,
    /// Rows examined so far were all there were (false while a new query is being scanned).
    pub done: bool,
}

impl Matches {
    pub fn reset(&mut self) {
        *self = Matches::default();
    }

    /// True when some filter is on (rows shown come from [`Matches::seqs`]).
    pub fn active(&self) -> bool {
        self.key.is_some()
    }

    /// Whether a row passes the filters in force.
    pub fn passes(&self, e: &Entry) -> bool {
        let Some((client, _)) = &self.key else {
            return true;
        };
        client.is_none_or(|id| e.event.client == Some(id))
            && self.query.as_ref().is_none_or(|q| q.matches(e))
    }

    /// Brings the list up to date with the store: only rows not seen yet are examined
    /// (at most [`SCAN_CHUNK`] per call). Returns true while more scanning remains.
    pub fn refresh(&mut self, store: &LogStore, client: Option<u64>, query: &str) -> bool {
        let q = Query::parse(query);
        if client.is_none() && q.is_none() {
            if self.key.is_some() {
                self.reset();
            }
            self.done = true;
            return false;
        }
        let key = (client, query.trim().to_string());
        let first = store.get(0).map_or(store.total(), |e| e.seq);
        if self.key.as_ref() != Some(&key) || store.total() < self.next {
            self.seqs.clear();
            self.key = Some(key);
            self.query = q;
            self.next = first;
        }
        let gone = self.seqs.partition_point(|s| *s < first);
        self.seqs.drain(..gone);
        let start = self.next.max(first);
        let start_idx = usize::try_from(start - first).unwrap_or(usize::MAX);
        let end_idx = store.len().min(start_idx.saturating_add(SCAN_CHUNK));
        for i in start_idx..end_idx {
            if let Some(e) = store.get(i)
                && self.passes(e)
            {
                self.seqs.push(e.seq);
            }
        }
        self.next = first + end_idx as u64;
        self.done = end_idx >= store.len();
        !self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Encoding;
    use crate::net::{Event, Role};

    fn ev(kind: EventKind, port: u16) -> Event {
        Event {
            ts_us: 1,
            role: Role::UdpReceiver,
            local: None,
            peer: Some(([127, 0, 0, 1], port).into()),
            client: None,
            kind,
            opcode: None,
        }
    }

    fn store() -> LogStore {
        let mut s = LogStore::new(Encoding::UTF_8, crate::i18n::english);
        s.push(ev(EventKind::Rx(b"Hello".to_vec()), 5000));
        s.push(ev(EventKind::Tx(vec![0xca, 0xd5, 0x01]), 5001));
        s.push(ev(EventKind::Note("device rebooted".into()), 5002));
        s.push(ev(EventKind::Rx(b"bye".to_vec()), 5003));
        s
    }

    fn seqs(s: &LogStore, q: &str) -> Vec<u64> {
        let mut m = Matches::default();
        m.refresh(s, None, q);
        m.seqs
    }

    #[test]
    fn text_hex_peer_direction() {
        let s = store();
        assert_eq!(seqs(&s, "hello"), vec![0]);
        assert_eq!(seqs(&s, "CA D5"), vec![1]);
        assert_eq!(seqs(&s, ":5003"), vec![3]);
        assert_eq!(seqs(&s, "←"), vec![0, 3]);
        assert_eq!(seqs(&s, "tx"), vec![1]);
        assert_eq!(seqs(&s, "note"), vec![2]);
        assert_eq!(seqs(&s, "rebooted"), vec![2]);
        assert!(seqs(&s, "zzz").is_empty());
    }

    #[test]
    fn scans_only_new_rows_and_follows_eviction() {
        let mut s = store();
        s.max_rows = 4;
        let mut m = Matches::default();
        m.refresh(&s, None, "b");
        assert_eq!(m.seqs, vec![2, 3]);
        s.push(ev(EventKind::Rx(b"abc".to_vec()), 1));
        s.push(ev(EventKind::Rx(b"xyz".to_vec()), 1));
        m.refresh(&s, None, "b");
        assert_eq!(m.seqs, vec![2, 3, 4]);
        s.push(ev(EventKind::Rx(b"zzz".to_vec()), 1));
        m.refresh(&s, None, "b");
        assert_eq!(m.seqs, vec![3, 4]);
        m.refresh(&s, None, "");
        assert!(!m.active());
    }
}
