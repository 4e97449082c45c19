//! The log view's search/filter box over the rows in memory: the shared filter of
//! [`crate::log::query`] (text, hex bytes, peer, direction, regex, client, time range).
//! Matches are kept as a list of sequence numbers that is extended with new rows only, so
//! a frame never scans the whole log (a new filter rescans in chunks).

use crate::log::query::{Filter, FilterError, Query, TimeRange};
use crate::log::{Entry, LogStore};

/// Most rows examined in one frame.
pub const SCAN_CHUNK: usize = 50_000;

/// What the user set: the search box, its regex switch, the time range and the client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilterKey {
    pub client: Option<u64>,
    pub search: String,
    pub regex: bool,
    pub from: String,
    pub to: String,
}

impl FilterKey {
    /// True when nothing is set.
    pub fn is_blank(&self) -> bool {
        self.client.is_none()
            && self.search.trim().is_empty()
            && self.from.trim().is_empty()
            && self.to.trim().is_empty()
    }

    /// The filter, with the time range on the local day of `day_us`.
    pub fn filter(&self, day_us: i64) -> Result<Filter, FilterError> {
        Ok(Filter {
            query: Query::parse_mode(&self.search, self.regex)?,
            client: self.client,
            time: TimeRange::parse(&self.from, &self.to, day_us)?,
        })
    }
}

/// The rows that pass the filter, kept up to date incrementally.
#[derive(Debug, Default)]
pub struct Matches {
    /// Sequence numbers of matching rows, ascending.
    pub seqs: Vec<u64>,
    key: Option<FilterKey>,
    filter: Filter,
    /// Why the filter set cannot be used (nothing is filtered meanwhile).
    pub error: Option<FilterError>,
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

    /// The filter in force (for the whole-session search: the same one).
    pub fn filter(&self) -> Option<&Filter> {
        self.key.as_ref().map(|_| &self.filter)
    }

    /// Whether a row passes the filters in force.
    pub fn passes(&self, e: &Entry) -> bool {
        self.key.is_none() || self.filter.passes(e)
    }

    /// Brings the list up to date with the store: only rows not seen yet are examined
    /// (at most [`SCAN_CHUNK`] per call). Returns true while more scanning remains.
    pub fn refresh(&mut self, store: &LogStore, key: &FilterKey) -> bool {
        if key.is_blank() {
            if self.key.is_some() || self.error.is_some() {
                self.reset();
            }
            self.done = true;
            return false;
        }
        let first = store.get(0).map_or(store.total(), |e| e.seq);
        if self.key.as_ref() != Some(key) || store.total() < self.next {
            self.seqs.clear();
            let day = store
                .get(0)
                .map_or_else(crate::net::now_us, |e| e.event.ts_us);
            match key.filter(day) {
                Ok(f) => {
                    self.filter = f;
                    self.error = None;
                    self.key = Some(key.clone());
                }
                Err(e) => {
                    // Nothing filtered until it is right; said under the field.
                    self.key = None;
                    self.error = Some(e);
                    self.done = true;
                    return false;
                }
            }
            self.next = first;
        }
        let gone = self.seqs.partition_point(|s| *s < first);
        self.seqs.drain(..gone);
        let start = self.next.max(first);
        let start_idx = usize::try_from(start - first).unwrap_or(usize::MAX);
        let end_idx = store.len().min(start_idx.saturating_add(SCAN_CHUNK));
        for i in start_idx..end_idx {
            if let Some(e) = store.get(i)
                && self.filter.passes(e)
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
    use crate::net::{Event, EventKind, Role};

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

    fn key(q: &str) -> FilterKey {
        FilterKey {
            search: q.into(),
            ..FilterKey::default()
        }
    }

    fn seqs(s: &LogStore, q: &str) -> Vec<u64> {
        let mut m = Matches::default();
        m.refresh(s, &key(q));
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
        m.refresh(&s, &key("b"));
        assert_eq!(m.seqs, vec![2, 3]);
        s.push(ev(EventKind::Rx(b"abc".to_vec()), 1));
        s.push(ev(EventKind::Rx(b"xyz".to_vec()), 1));
        m.refresh(&s, &key("b"));
        assert_eq!(m.seqs, vec![2, 3, 4]);
        s.push(ev(EventKind::Rx(b"zzz".to_vec()), 1));
        m.refresh(&s, &key("b"));
        assert_eq!(m.seqs, vec![3, 4]);
        m.refresh(&s, &key(""));
        assert!(!m.active());
    }
}
