//! Reading the binary spool back: events in order, stopping at the first torn or damaged
//! record and saying what was cut.

use super::body::{Bad, State};
use super::*;
use std::io::Read;

/// What the header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub role: Option<Role>,
    pub start_us: i64,
    /// The encoding label as written (an unknown one reads as UTF-8).
    pub encoding_label: String,
}

/// Where and why reading stopped before the end of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Offset of the first byte not used (the start of the damaged record).
    pub offset: u64,
    /// Bytes from there to the end of the file, all left out.
    pub bytes: u64,
    /// True if the file simply ends inside a record (a crash while writing, or a writer
    /// still appending); false for a record that is there but damaged.
    pub torn: bool,
    /// True if reading failed (an I/O error from the file, not damage in it).
    pub io: bool,
    pub reason: String,
}

impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "cut {} byte{} at offset {}: {}",
            self.bytes,
            if self.bytes == 1 { "" } else { "s" },
            self.offset,
            self.reason
        )
    }
}

/// Reads exactly `buf.len()` bytes, or reports how the file ended.
fn fill<R: Read>(r: &mut R, buf: &mut [u8], what: &'static str) -> Result<(), Bad> {
    match r.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Bad::Torn(what)),
        Err(e) => Err(Bad::Io(e)),
    }
}

/// Reads a binary spool: an iterator of its events, stopping at the first torn or damaged
/// record (see [`SpoolReader::cut`]). Never panics; every step consumes input, so it ends.
pub struct SpoolReader<R: Read> {
    r: R,
    header: Header,
    /// The encoding, role, time and addresses the records so far have set.
    state: State,
    body: Vec<u8>,
    /// Offset of the next record.
    offset: u64,
    cut: Option<Cut>,
    done: bool,
    /// Intact records read (of any kind).
    pub records: u64,
}

/// True if `start` (the first bytes of a file) is a binary spool's magic.
pub fn is_spool(start: &[u8]) -> bool {
    start.starts_with(MAGIC)
}

impl<R: Read> SpoolReader<R> {
    /// Reads the header. An error if the input is not a spool (wrong magic) or is from a
    /// newer format version; a torn or damaged header gives a reader with no events and
    /// the cut reported.
    pub fn new(mut r: R) -> io::Result<Self> {
        let mut fixed = [0u8; 19];
        let mut got = 0;
        while got < fixed.len() {
            match r.read(&mut fixed[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if !is_spool(&fixed[..got]) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a Socket Tester spool (no STSPOOL header)",
            ));
        }
        let mut rd = SpoolReader {
            r,
            header: Header {
                version: VERSION,
                role: None,
                start_us: 0,
                encoding_label: Encoding::UTF_8.label(),
            },
            state: State::new(Encoding::UTF_8, None, 0),
            body: Vec::new(),
            offset: got as u64,
            cut: None,
            done: false,
            records: 0,
        };
        if got < fixed.len() {
            rd.stop(0, Bad::Torn("header"));
            return Ok(rd);
        }
        let version = fixed[8];
        if version > VERSION {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "spool format version {version} is newer than this program reads ({VERSION})"
                ),
            ));
        }
        let label_len = fixed[18] as usize;
        let mut rest = Vec::with_capacity(label_len + 4);
        let n = match (&mut rd.r)
            .take(label_len as u64 + 4)
            .read_to_end(&mut rest)
        {
            Ok(n) => n,
            Err(e) => {
                rd.stop(0, Bad::Io(e));
                return Ok(rd);
            }
        };
        rd.offset += n as u64;
        if n < label_len + 4 {
            rd.stop(0, Bad::Torn("header"));
            return Ok(rd);
        }
        let (label, crc) = rest.split_at(label_len);
        let mut d = CRC.digest();
        d.update(&fixed);
        d.update(label);
        if crc != d.finalize().to_le_bytes() {
            rd.stop(0, Bad::Corrupt("header checksum mismatch".into()));
            return Ok(rd);
        }
        let label = String::from_utf8_lossy(label).into_owned();
        let start_us = i64::from_le_bytes(fixed[10..18].try_into().unwrap_or_default());
        let role = role_from(fixed[9]);
        let encoding = Encoding::for_label(&label).unwrap_or(Encoding::UTF_8);
        rd.state = State::new(encoding, role, start_us);
        rd.header = Header {
            version,
            role,
            start_us,
            encoding_label: label,
        };
        Ok(rd)
    }

    /// Reads on from a record boundary a [`super::Scanner`] passed: `r` is positioned at
    /// `at.offset`.
    pub fn resume(r: R, at: &super::Resume) -> Self {
        SpoolReader {
            r,
            header: at.header.clone(),
            state: State {
                addrs: at.addrs.to_vec(),
                ..State::new(at.encoding, at.role, at.last_ts)
            },
            body: Vec::new(),
            offset: at.offset,
            cut: None,
            done: false,
            records: 0,
        }
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The encoding in effect for the last event returned.
    pub fn encoding(&self) -> Encoding {
        self.state.encoding
    }

    /// Where reading stopped early, once the iterator has ended (None: the file was whole).
    pub fn cut(&self) -> Option<&Cut> {
        self.cut.as_ref()
    }

    /// Ends reading at the record starting at `start`, measuring what is left.
    fn stop(&mut self, start: u64, bad: Bad) {
        self.done = true;
        let rest = io::copy(&mut self.r, &mut io::sink()).unwrap_or(0);
        let io = matches!(bad, Bad::Io(_));
        let torn = matches!(bad, Bad::Torn(_));
        let reason = bad.message();
        self.cut = Some(Cut {
            offset: start,
            bytes: self.offset + rest - start,
            torn,
            io,
            reason,
        });
    }

    /// Reads one framed record into `self.body`; Ok(None) at a clean end.
    fn frame(&mut self) -> Result<Option<u8>, Bad> {
        let mut tag = [0u8; 1];
        match self.r.read(&mut tag) {
            Ok(0) => return Ok(None),
            Ok(_) => self.offset += 1,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return self.frame(),
            Err(e) => return Err(Bad::Io(e)),
        }
        let mut lenb = Vec::with_capacity(10);
        let mut len = 0u64;
        loop {
            let mut b = [0u8; 1];
            fill(&mut self.r, &mut b, "record length")?;
            self.offset += 1;
            lenb.push(b[0]);
            len |= ((b[0] & 0x7f) as u64) << (7 * (lenb.len() - 1));
            if b[0] & 0x80 == 0 {
                break;
            }
            if lenb.len() >= 5 {
                return Err(Bad::Corrupt("record length too long".into()));
            }
        }
        if len > MAX_BODY {
            return Err(Bad::Corrupt(format!("record length {len} is too large")));
        }
        self.body.clear();
        let n = (&mut self.r)
            .take(len)
            .read_to_end(&mut self.body)
            .map_err(Bad::Io)?;
        self.offset += n as u64;
        if (n as u64) < len {
            return Err(Bad::Torn("record"));
        }
        let mut crc = Vec::with_capacity(4);
        let n = (&mut self.r)
            .take(4)
            .read_to_end(&mut crc)
            .map_err(Bad::Io)?;
        self.offset += n as u64;
        if n < 4 {
            return Err(Bad::Torn("record checksum"));
        }
        let mut d = CRC.digest();
        d.update(&tag);
        d.update(&lenb);
        d.update(&self.body);
        if crc != d.finalize().to_le_bytes() {
            return Err(Bad::Corrupt("record checksum mismatch".into()));
        }
        Ok(Some(tag[0]))
    }

    /// Applies one intact record; an event if it was one.
    fn apply(&mut self, tag: u8) -> Result<Option<Event>, Bad> {
        let Some(h) = self.state.apply(tag, &self.body)? else {
            return Ok(None);
        };
        let data = &self.body[h.skip..];
        let kind = match tag {
            TAG_RX => EventKind::Rx(data.to_vec()),
            TAG_TX => EventKind::Tx(data.to_vec()),
            _ => serde_json::from_slice(data)
                .map_err(|e| Bad::Corrupt(format!("unreadable event: {e}")))?,
        };
        Ok(Some(Event {
            ts_us: h.ts,
            role: h.role,
            local: self.state.addr(h.local),
            peer: self.state.addr(h.peer),
            client: h.client,
            kind,
            opcode: h.opcode,
        }))
    }
}

impl<R: Read> Iterator for SpoolReader<R> {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        while !self.done {
            let start = self.offset;
            let step = self.frame().and_then(|t| match t {
                None => Ok(None),
                Some(tag) => self.apply(tag).map(Some),
            });
            match step {
                Ok(None) => self.done = true,
                Ok(Some(ev)) => {
                    self.records += 1;
                    if ev.is_some() {
                        return ev;
                    }
                }
                Err(bad) => self.stop(start, bad),
            }
        }
        None
    }
}
