//! The log's search/filter, shared by the window's filter over the rows in memory and the
//! whole-session search over the spool ([`super::spool_search`]): a query matches a row's
//! text (case-insensitive), its bytes (`ca d5`), its peer (`127.0.0.1:5000`, `#3`) or its
//! direction (`→`, `tx`, `←`, `rx`, `note`); in regex mode (the `regex` crate: linear
//! time) the pattern matches the row's text or peer. A [`Filter`] adds the TCP server's
//! client and a time range. Rows in memory are matched by [`Filter::passes`]; the spool's
//! data events by [`Filter::passes_data`] on their raw bytes (the same rules, with a byte
//! pre-check so most rows are never decoded).

use super::{Direction, Entry};
use crate::codec::Encoding;
use crate::net::{Event, EventKind};
use std::net::SocketAddr;

/// Longest regex pattern accepted (its compiled size is bounded too).
const MAX_PATTERN: usize = 1000;

/// Why a filter cannot be used (the window words it under the field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterError {
    /// The regex does not compile: the regex crate's own message.
    Regex(String),
    /// A time of the range is not `HH:MM`, `HH:MM:SS` or `HH:MM:SS.mmm`.
    Time { to: bool },
}

/// A parsed query.
#[derive(Clone, Debug)]
pub struct Query {
    /// Lowercased text to look for.
    lower: String,
    /// The bytes, when the query reads as hex bytes.
    bytes: Option<Vec<u8>>,
    /// A direction token (→ tx, ← rx, note…) matches rows of that kind only.
    dir: Option<DirFilter>,
    /// Regex mode: the pattern.
    regex: Option<regex::Regex>,
    /// The byte pre-check of a data event's payload: the hex bytes, or the text when it is
    /// ASCII, ASCII case-insensitively (one pass for both).
    pre: Option<regex::bytes::Regex>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DirFilter {
    Dir(Direction),
    Note,
}

impl Query {
    /// Parses a query; None when it is blank (no filtering).
    pub fn parse(q: &str) -> Option<Query> {
        Query::parse_mode(q, false).ok().flatten()
    }

    /// Parses a query, as a regex when `regex` is set; Ok(None) when it is blank.
    pub fn parse_mode(q: &str, regex: bool) -> Result<Option<Query>, FilterError> {
        let t = q.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if regex {
            let re = regex::RegexBuilder::new(t)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| FilterError::Regex(e.to_string()))
                .and_then(|re| {
                    if t.len() > MAX_PATTERN {
                        Err(FilterError::Regex(format!(
                            "a pattern of {} bytes is longer than {MAX_PATTERN}",
                            t.len()
                        )))
                    } else {
                        Ok(re)
                    }
                })?;
            return Ok(Some(Query {
                lower: String::new(),
                bytes: None,
                dir: None,
                regex: Some(re),
                pre: None,
            }));
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
        let pre = pre_check(bytes.as_deref(), &lower);
        Ok(Some(Query {
            lower,
            bytes,
            dir,
            regex: None,
            pre,
        }))
    }

    /// Whether a row matches, from its event and its text (decoded data, or the message).
    pub fn matches_row(&self, ev: &Event, text: &str) -> bool {
        if let Some(d) = self.dir {
            return match d {
                DirFilter::Note => matches!(ev.kind, EventKind::Note(_)),
                DirFilter::Dir(d) => direction(&ev.kind) == d,
            };
        }
        if let Some(re) = &self.regex {
            return re.is_match(text) || ev.peer.is_some_and(|p| self.peer_matches(p));
        }
        if let (Some(b), Some(data)) = (&self.bytes, ev.kind.data())
            && contains_bytes(data, b)
        {
            return true;
        }
        contains_ci(text, &self.lower)
            || ev.peer.is_some_and(|p| self.peer_matches(p))
            || self.client_matches(ev.client)
    }

    /// Whether a peer address matches (cache it per address: it does not change).
    pub fn peer_matches(&self, p: SocketAddr) -> bool {
        let s = crate::net::addr::show(&p);
        match &self.regex {
            Some(re) => re.is_match(&s),
            None => self.dir.is_none() && contains_ci(&s, &self.lower),
        }
    }

    fn client_matches(&self, client: Option<u64>) -> bool {
        client.is_some_and(|id| self.lower.strip_prefix('#') == Some(id.to_string().as_str()))
    }

    /// Whether a data event matches, from its raw bytes: the same answer as
    /// [`Query::matches_row`] with the bytes decoded on their own in `enc`, but most rows
    /// are settled on the bytes alone. `peer`: whether its peer matches.
    pub fn matches_data(
        &self,
        dir: Direction,
        data: &[u8],
        enc: Encoding,
        peer: bool,
        client: Option<u64>,
    ) -> bool {
        if let Some(d) = self.dir {
            return d == DirFilter::Dir(dir);
        }
        if peer {
            return true;
        }
        if let Some(re) = &self.regex {
            return re.is_match(&decode(enc, data));
        }
        if self.client_matches(client) {
            return true;
        }
        let ascii_ok = enc.inner().is_ascii_compatible();
        if let Some(pre) = &self.pre
            && ascii_ok
        {
            // The hex bytes, or the ASCII text: an ASCII character of the text comes from
            // that byte in an ASCII-compatible encoding, so a miss here is a miss.
            if !pre.is_match(data) {
                return false;
            }
            if self.bytes.as_ref().is_some_and(|b| contains_bytes(data, b)) {
                return true;
            }
            // UTF-8 never has an ASCII byte inside a character: the bytes' hit is the text's.
            if enc == Encoding::UTF_8 && self.lower.is_ascii() {
                return true;
            }
        } else if self.bytes.as_ref().is_some_and(|b| contains_bytes(data, b)) {
            return true;
        }
        contains_ci(&decode(enc, data), &self.lower)
    }
}

/// The text of a data event's bytes, as the log shows it.
fn decode(enc: Encoding, data: &[u8]) -> std::borrow::Cow<'_, str> {
    if enc == Encoding::UTF_8
        && let Ok(s) = std::str::from_utf8(data)
    {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(crate::codec::decode(enc, data))
}

/// One byte regex for the pre-check: the hex bytes and the ASCII text (case-insensitive).
fn pre_check(bytes: Option<&[u8]>, lower: &str) -> Option<regex::bytes::Regex> {
    let mut alts = Vec::new();
    if let Some(b) = bytes {
        let lit: String = b.iter().map(|x| format!("\\x{x:02x}")).collect();
        alts.push(format!("(?-i:{lit})"));
    }
    // Non-ASCII text is matched on the decoded text: the bytes alone cannot settle it.
    if !lower.is_ascii() {
        return None;
    }
    alts.push(regex::escape(lower));
    regex::bytes::RegexBuilder::new(&alts.join("|"))
        .unicode(false)
        .case_insensitive(true)
        .build()
        .ok()
}

/// The direction a row of this kind shows.
pub fn direction(k: &EventKind) -> Direction {
    match k {
        EventKind::Rx(_) => Direction::Rx,
        EventKind::Tx(_) => Direction::Tx,
        EventKind::Error { .. }
        | EventKind::Reset { .. }
        | EventKind::TlsFailed(_)
        | EventKind::Icmp(_) => Direction::Warn,
        _ => Direction::Info,
    }
}

/// Linear in the payload (Two-Way, via memchr), whatever the pattern.
fn contains_bytes(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Case-insensitive `contains`; `needle` is already lowercase. ASCII needles need no
/// allocation.
fn contains_ci(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    if needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
    } else {
        hay.to_lowercase().contains(needle)
    }
}

/// A time range, in microseconds since the epoch, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeRange {
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
}

impl TimeRange {
    pub fn contains(&self, ts: i64) -> bool {
        self.from_us.is_none_or(|f| ts >= f) && self.to_us.is_none_or(|t| ts <= t)
    }

    /// The range between two local times of day (`HH:MM`, `HH:MM:SS`, `HH:MM:SS.mmm`; a
    /// blank one leaves that end open) on the local day of `day_us` (the session's first
    /// event). A `to` earlier than `from` is on the next day. Ok(None) when both are blank.
    pub fn parse(from: &str, to: &str, day_us: i64) -> Result<Option<TimeRange>, FilterError> {
        let f = clock(from, day_us).map_err(|_| FilterError::Time { to: false })?;
        let mut t = clock(to, day_us).map_err(|_| FilterError::Time { to: true })?;
        if let (Some(f), Some(tt)) = (f, t)
            && tt < f
        {
            t = Some(tt + 86_400_000_000);
        }
        // A time given to the second takes the whole second.
        let t = t.map(|t| {
            if to.contains('.') {
                t + 999
            } else {
                t + 999_999
            }
        });
        Ok((f.is_some() || t.is_some()).then_some(TimeRange {
            from_us: f,
            to_us: t,
        }))
    }
}

/// A local time of day on the local day of `day_us`, in microseconds since the epoch.
fn clock(s: &str, day_us: i64) -> Result<Option<i64>, ()> {
    use chrono::{Local, NaiveTime, TimeZone};
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let t = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s, f).ok())
        .ok_or(())?;
    let day = chrono::DateTime::from_timestamp_micros(day_us)
        .ok_or(())?
        .with_timezone(&Local)
        .date_naive();
    let local = Local
        .from_local_datetime(&day.and_time(t))
        .earliest()
        .ok_or(())?;
    Ok(Some(local.timestamp_micros()))
}

/// The filters in force: the query, the TCP server's client, the time range.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub query: Option<Query>,
    pub client: Option<u64>,
    pub time: Option<TimeRange>,
}

impl Filter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.query.is_none() && self.client.is_none() && self.time.is_none()
    }

    /// Whether the event's client and time pass (what every kind of row checks first).
    pub fn passes_head(&self, ts_us: i64, client: Option<u64>) -> bool {
        self.client.is_none_or(|id| client == Some(id))
            && self.time.is_none_or(|r| r.contains(ts_us))
    }

    /// Whether a row in memory passes.
    pub fn passes(&self, e: &Entry) -> bool {
        self.passes_event(&e.event, &e.text)
    }

    /// Whether an event with this text passes.
    pub fn passes_event(&self, ev: &Event, text: &str) -> bool {
        self.passes_head(ev.ts_us, ev.client)
            && self.query.as_ref().is_none_or(|q| q.matches_row(ev, text))
    }

    /// Whether a data event, given by its raw bytes, passes (`peer`: whether its peer
    /// matches the query, see [`Query::peer_matches`]).
    pub fn passes_data(&self, head: DataHead, data: &[u8], enc: Encoding, peer: bool) -> bool {
        self.passes_head(head.ts_us, head.client)
            && self
                .query
                .as_ref()
                .is_none_or(|q| q.matches_data(head.dir, data, enc, peer, head.client))
    }
}

/// What a data event's match needs besides its bytes.
#[derive(Clone, Copy, Debug)]
pub struct DataHead {
    pub dir: Direction,
    pub ts_us: i64,
    pub client: Option<u64>,
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
