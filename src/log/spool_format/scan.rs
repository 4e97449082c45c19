//! A fast pass over a binary spool for searching: big reads into one buffer, each record
//! checked (checksum) and its head parsed in place, data events handed out as borrowed raw
//! bytes (nothing is allocated or decoded per event). Stops at the first torn or damaged
//! record, as [`SpoolReader`] does, and can say where to resume reading whole events
//! ([`Scanner::resume_point`], [`SpoolReader::resume`]).

use super::body::{Bad, State};
use super::*;
use std::io::Read;
use std::sync::Arc;

/// Bytes read at a time.
const CHUNK: usize = 4 << 20;

/// The reading state at a record boundary: enough to read on from there.
#[derive(Clone, Debug)]
pub struct Resume {
    /// Offset of the next record in the file.
    pub offset: u64,
    /// The number of the next event (0-based, in file order).
    pub index: u64,
    pub last_ts: i64,
    pub role: Option<Role>,
    pub encoding: Encoding,
    pub addrs: Arc<Vec<SocketAddr>>,
    pub header: Header,
}

/// One event as the scanner sees it (its bytes: [`Scanner::body`]).
#[derive(Clone, Debug)]
pub struct RawEvent {
    /// Its number in the file (0-based).
    pub index: u64,
    /// Its record's offset in the file.
    pub offset: u64,
    /// [`TAG_RX`], [`TAG_TX`] or [`TAG_EVENT`].
    pub tag: u8,
    pub role: Role,
    pub ts_us: i64,
    pub local: Option<u32>,
    pub peer: Option<u32>,
    pub client: Option<u64>,
    /// WebSocket rx/tx: the message's opcode, as the spool's flags keep it.
    pub opcode: Option<crate::net::ws::Opcode>,
    /// Where its bytes are in the scanner's buffer (until the next call).
    body: std::ops::Range<usize>,
}

impl RawEvent {
    pub fn is_data(&self) -> bool {
        self.tag != TAG_EVENT
    }
}

/// A scan of one spool.
pub struct Scanner<R: Read> {
    r: R,
    buf: Vec<u8>,
    /// Unparsed bytes are `buf[pos..end]`.
    pos: usize,
    end: usize,
    /// File offset of `buf[0]`.
    base: u64,
    eof: bool,
    header: Header,
    /// The encoding, role, time and addresses the records so far have set (a resume point
    /// copies the table only when its generation changed).
    state: State,
    shared: (u64, Arc<Vec<SocketAddr>>),
    index: u64,
    cut: Option<Cut>,
    done: bool,
}

impl<R: Read> Scanner<R> {
    /// Reads the header (an error if this is no spool, as for [`SpoolReader::new`]).
    pub fn new(mut r: R) -> io::Result<Self> {
        let mut head = Vec::with_capacity(300);
        (&mut r).take(19).read_to_end(&mut head)?;
        let label_len = head.get(18).copied().unwrap_or(0) as u64;
        (&mut r).take(label_len + 4).read_to_end(&mut head)?;
        // The header's checks and messages are the reader's.
        let rd = SpoolReader::new(&head[..])?;
        let header = rd.header().clone();
        let cut = rd.cut().cloned();
        Ok(Scanner {
            r,
            buf: vec![0; CHUNK],
            pos: 0,
            end: 0,
            base: head.len() as u64,
            eof: false,
            state: State::new(rd.encoding(), header.role, header.start_us),
            header,
            shared: (0, Arc::new(Vec::new())),
            index: 0,
            done: cut.is_some(),
            cut,
        })
    }

    /// The encoding in effect for the last event returned.
    pub fn encoding(&self) -> Encoding {
        self.state.encoding
    }

    /// An address by its index in the table.
    pub fn addr(&self, i: u32) -> Option<SocketAddr> {
        self.state.addr(Some(i))
    }

    /// Bumped when the address table changes (cached answers per index are then stale).
    pub fn addrs_generation(&self) -> u64 {
        self.state.addrs_gen
    }

    /// Bytes of the file consumed so far.
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Where reading stopped early, once [`Scanner::next_event`] has returned None.
    pub fn cut(&self) -> Option<&Cut> {
        self.cut.as_ref()
    }

    /// Where to resume reading whole events: the next record. The address table is copied
    /// only when it changed since the last call.
    pub fn resume_point(&mut self) -> Resume {
        let st = &self.state;
        if self.shared.0 != st.addrs_gen || self.shared.1.len() != st.addrs.len() {
            self.shared = (st.addrs_gen, Arc::new(st.addrs.clone()));
        }
        Resume {
            offset: self.offset(),
            index: self.index,
            last_ts: self.state.last_ts,
            role: self.state.role,
            encoding: self.state.encoding,
            addrs: self.shared.1.clone(),
            header: self.header.clone(),
        }
    }

    /// The size of the address table now.
    pub fn addrs_len(&self) -> usize {
        self.state.addrs.len()
    }

    fn stop(&mut self, bytes: u64, torn: bool, io: bool, reason: String) {
        self.done = true;
        self.cut = Some(Cut {
            offset: self.offset(),
            bytes,
            torn,
            io,
            reason,
        });
    }

    /// Makes at least `need` unparsed bytes available, unless the file ends first. An I/O
    /// error ends the scan (reported as a cut).
    fn fill(&mut self, need: usize) -> bool {
        while self.end - self.pos < need && !self.eof {
            if self.pos > 0 {
                self.buf.copy_within(self.pos..self.end, 0);
                self.base += self.pos as u64;
                self.end -= self.pos;
                self.pos = 0;
            }
            if self.buf.len() < need {
                self.buf.resize(need.next_power_of_two(), 0);
            }
            if self.end == self.buf.len() {
                self.buf.resize(self.buf.len() * 2, 0);
            }
            match self.r.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.end += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.stop(0, false, true, format!("read error: {e}"));
                    return false;
                }
            }
        }
        self.end - self.pos >= need
    }

    /// An event's bytes: rx/tx the raw data; another event its `EventKind` as JSON.
    pub fn body(&self, e: &RawEvent) -> &[u8] {
        self.buf.get(e.body.clone()).unwrap_or_default()
    }

    /// The next event, or None at the end (see [`Scanner::cut`]).
    pub fn next_event(&mut self) -> Option<RawEvent> {
        loop {
            if self.done {
                return None;
            }
            let (tag, hlen, blen) = self.frame()?;
            let start = self.pos;
            let offset = self.offset();
            self.pos += hlen + blen + 4;
            let body_at = start + hlen;
            let head = self.state.apply(tag, &self.buf[body_at..body_at + blen]);
            match head.map_err(Bad::message) {
                Ok(Some(h)) => {
                    let index = self.index;
                    self.index += 1;
                    let body = body_at + h.skip..body_at + blen;
                    return Some(RawEvent {
                        index,
                        offset,
                        tag,
                        role: h.role,
                        ts_us: h.ts,
                        local: h.local,
                        peer: h.peer,
                        client: h.client,
                        opcode: h.opcode,
                        body,
                    });
                }
                Ok(None) => {}
                Err(reason) => {
                    self.pos = start;
                    let rest = (self.end - self.pos) as u64 + self.rest_of_file();
                    self.stop(rest, false, false, reason);
                    return None;
                }
            }
        }
    }

    /// Counts the bytes left in the file (after a damaged record).
    fn rest_of_file(&mut self) -> u64 {
        io::copy(&mut self.r, &mut io::sink()).unwrap_or(0)
    }

    /// Checks the next record whole: (tag, bytes before the body, body length). None at a
    /// clean end, or after stopping at a torn or damaged record.
    fn frame(&mut self) -> Option<(u8, usize, usize)> {
        if !self.fill(1) {
            return None;
        }
        self.fill(6);
        let s = &self.buf[self.pos..self.end];
        let mut len = 0u64;
        let mut i = 1;
        loop {
            let Some(&b) = s.get(i) else {
                let n = s.len() as u64;
                self.stop(
                    n,
                    true,
                    false,
                    "the file ends inside a record length (torn write)".into(),
                );
                return None;
            };
            len |= ((b & 0x7f) as u64) << (7 * (i - 1));
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            if i > 5 {
                let rest = s.len() as u64 + self.rest_of_file();
                self.stop(rest, false, false, "record length too long".into());
                return None;
            }
        }
        if len > MAX_BODY {
            let rest = (self.end - self.pos) as u64 + self.rest_of_file();
            self.stop(
                rest,
                false,
                false,
                format!("record length {len} is too large"),
            );
            return None;
        }
        let blen = len as usize;
        let total = i + blen + 4;
        if !self.fill(total) {
            if self.cut.is_none() {
                let n = (self.end - self.pos) as u64;
                let what = if n < (i + blen) as u64 {
                    "record"
                } else {
                    "record checksum"
                };
                self.stop(
                    n,
                    true,
                    false,
                    format!("the file ends inside a {what} (torn write)"),
                );
            }
            return None;
        }
        let s = &self.buf[self.pos..self.pos + total];
        let crc = CRC.checksum(&s[..i + blen]).to_le_bytes();
        if s[i + blen..] != crc {
            let rest = (self.end - self.pos) as u64 + self.rest_of_file();
            self.stop(rest, false, false, "record checksum mismatch".into());
            return None;
        }
        Some((s[0], i, blen))
    }
}
