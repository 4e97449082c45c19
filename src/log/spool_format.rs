//! The binary spool format: what a session's always-on spool file holds on disk, and how
//! to read it back. Compact (raw bytes, interned addresses, varint deltas: a few bytes of
//! overhead per event instead of JSON's threefold hex and text), append-only, and framed so
//! that a crash leaves at most a torn last record, which the reader cuts and reports.
//!
//! Layout (all integers little-endian; `varint` is unsigned LEB128, `zigzag` a signed
//! varint):
//!
//! ```text
//! header:  "STSPOOL\0"  version:u8  role:u8  start_us:i64  label_len:u8  label  crc32:u32
//! record:  tag:u8  len:varint  body[len]  crc32:u32      (crc over tag, len and body)
//! ```
//!
//! Record tags: 1 encoding (body: its label), 2 address (defines the next address index),
//! 3 address reset (indices start again), 4 role, 16 rx, 17 tx (body: event head, then the
//! raw bytes), 18 other event (event head, then the `EventKind` as JSON). The event head is
//! `flags:u8` (1 local, 2 peer, 4 client), `ts delta:zigzag` (from the previous event, the
//! first from `start_us`), then the local and peer address indices and the client id as
//! varints when their flag is set.

use crate::codec::Encoding;
use crate::net::{Event, EventKind, Role};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

/// The first bytes of every spool file.
pub const MAGIC: &[u8; 8] = b"STSPOOL\0";
/// The format version this code writes and reads.
pub const VERSION: u8 = 1;
/// Largest record body a reader accepts (a longer length is corruption).
pub const MAX_BODY: u64 = 1 << 30;
/// Addresses interned before the table starts again (bounds memory under a spoofed flood).
pub const MAX_ADDRS: usize = 1 << 16;

const TAG_ENCODING: u8 = 1;
const TAG_ADDR: u8 = 2;
const TAG_ADDR_RESET: u8 = 3;
const TAG_ROLE: u8 = 4;
const TAG_RX: u8 = 16;
const TAG_TX: u8 = 17;
const TAG_EVENT: u8 = 18;

const F_LOCAL: u8 = 1;
const F_PEER: u8 = 2;
const F_CLIENT: u8 = 4;

/// No role known (the header of a spool whose session name is not a role).
const NO_ROLE: u8 = 0xff;

static CRC: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn role_byte(r: Option<Role>) -> u8 {
    r.and_then(|r| Role::ALL.iter().position(|x| *x == r))
        .map_or(NO_ROLE, |i| i as u8)
}

fn role_from(b: u8) -> Option<Role> {
    Role::ALL.get(b as usize).copied()
}

fn push_addr(out: &mut Vec<u8>, a: SocketAddr) {
    match a {
        SocketAddr::V4(v4) => {
            out.push(4);
            out.extend_from_slice(&v4.ip().octets());
            out.extend_from_slice(&v4.port().to_le_bytes());
        }
        SocketAddr::V6(v6) => {
            out.push(6);
            out.extend_from_slice(&v6.ip().octets());
            out.extend_from_slice(&v6.port().to_le_bytes());
            push_varint(out, v6.flowinfo() as u64);
            push_varint(out, v6.scope_id() as u64);
        }
    }
}

/// The header bytes (with their checksum).
fn header(enc: Encoding, role: Option<Role>, start_us: i64) -> Vec<u8> {
    let label = enc.label();
    let label = &label.as_bytes()[..label.len().min(255)];
    let mut h = Vec::with_capacity(32 + label.len());
    h.extend_from_slice(MAGIC);
    h.push(VERSION);
    h.push(role_byte(role));
    h.extend_from_slice(&start_us.to_le_bytes());
    h.push(label.len() as u8);
    h.extend_from_slice(label);
    let crc = CRC.checksum(&h);
    h.extend_from_slice(&crc.to_le_bytes());
    h
}

/// Writes the binary spool: the header at once, then one framed record per call.
pub struct SpoolWriter<W: Write> {
    out: W,
    encoding: Encoding,
    role: Option<Role>,
    last_ts: i64,
    addrs: HashMap<SocketAddr, u64>,
    head: Vec<u8>,
    frame: Vec<u8>,
    /// Events written.
    pub written: u64,
}

impl<W: Write> SpoolWriter<W> {
    /// Writes the header. `role`: the session's role if known (events of another role add
    /// a role record); `start_us`: the time the first event's delta counts from.
    pub fn new(mut out: W, enc: Encoding, role: Option<Role>, start_us: i64) -> io::Result<Self> {
        out.write_all(&header(enc, role, start_us))?;
        Ok(SpoolWriter {
            out,
            encoding: enc,
            role,
            last_ts: start_us,
            addrs: HashMap::new(),
            head: Vec::with_capacity(64),
            frame: Vec::with_capacity(64),
            written: 0,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// One record: tag, length, `head` then `data` as the body, and the checksum.
    fn record(&mut self, tag: u8, data: &[u8]) -> io::Result<()> {
        let len = (self.head.len() + data.len()) as u64;
        if len > MAX_BODY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("an event of {len} bytes is too large for the spool"),
            ));
        }
        self.frame.clear();
        self.frame.push(tag);
        push_varint(&mut self.frame, len);
        self.frame.extend_from_slice(&self.head);
        let mut d = CRC.digest();
        d.update(&self.frame);
        d.update(data);
        let crc = d.finalize().to_le_bytes();
        if data.len() < 256 {
            // Small events (a datagram): one write into the buffer.
            self.frame.extend_from_slice(data);
            self.frame.extend_from_slice(&crc);
            self.out.write_all(&self.frame)
        } else {
            self.out.write_all(&self.frame)?;
            self.out.write_all(data)?;
            self.out.write_all(&crc)
        }
    }

    /// Records an encoding change (nothing if it is the current one).
    pub fn set_encoding(&mut self, enc: Encoding) -> io::Result<()> {
        if enc == self.encoding {
            return Ok(());
        }
        self.encoding = enc;
        self.head.clear();
        let label = enc.label();
        self.record(TAG_ENCODING, label.as_bytes())
    }

    /// The index of an address, defining it first if it is new.
    fn addr(&mut self, a: SocketAddr) -> io::Result<u64> {
        if let Some(i) = self.addrs.get(&a) {
            return Ok(*i);
        }
        let i = self.addrs.len() as u64;
        self.head.clear();
        push_addr(&mut self.head, a);
        self.record(TAG_ADDR, &[])?;
        self.addrs.insert(a, i);
        Ok(i)
    }

    pub fn write_event(&mut self, ev: &Event) -> io::Result<()> {
        if self.role != Some(ev.role) {
            self.head.clear();
            self.record(TAG_ROLE, &[role_byte(Some(ev.role))])?;
            self.role = Some(ev.role);
        }
        let new = ev.local.is_some_and(|a| !self.addrs.contains_key(&a)) as usize
            + ev.peer.is_some_and(|a| !self.addrs.contains_key(&a)) as usize;
        if new > 0 && self.addrs.len() + new > MAX_ADDRS {
            self.head.clear();
            self.record(TAG_ADDR_RESET, &[])?;
            self.addrs.clear();
        }
        let local = ev.local.map(|a| self.addr(a)).transpose()?;
        let peer = ev.peer.map(|a| self.addr(a)).transpose()?;
        let json;
        let (tag, data): (u8, &[u8]) = match &ev.kind {
            EventKind::Rx(d) => (TAG_RX, d),
            EventKind::Tx(d) => (TAG_TX, d),
            k => {
                json = serde_json::to_vec(k).map_err(io::Error::other)?;
                (TAG_EVENT, &json)
            }
        };
        let h = &mut self.head;
        h.clear();
        h.push(
            local.map_or(0, |_| F_LOCAL)
                | peer.map_or(0, |_| F_PEER)
                | ev.client.map_or(0, |_| F_CLIENT),
        );
        push_varint(h, zigzag(ev.ts_us.wrapping_sub(self.last_ts)));
        for v in [local, peer, ev.client].into_iter().flatten() {
            push_varint(h, v);
        }
        self.record(tag, data)?;
        self.last_ts = ev.ts_us;
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

/// A record that cannot be used: torn (the file ends) or damaged.
enum Bad {
    Torn(&'static str),
    Corrupt(String),
    Io(io::Error),
}

/// Reads exactly `buf.len()` bytes, or reports how the file ended.
fn fill<R: Read>(r: &mut R, buf: &mut [u8], what: &'static str) -> Result<(), Bad> {
    match r.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Bad::Torn(what)),
        Err(e) => Err(Bad::Io(e)),
    }
}

/// A cursor over a record body.
struct Body<'a>(&'a [u8]);

impl<'a> Body<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        if self.0.len() < n {
            return Err(Bad::Corrupt("record body too short".into()));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, Bad> {
        let mut v = 0u64;
        for i in 0..10 {
            let b = self.u8()?;
            if i == 9 && b > 1 {
                break;
            }
            v |= ((b & 0x7f) as u64) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Bad::Corrupt("varint too long".into()))
    }
}

fn parse_addr(b: &mut Body<'_>) -> Result<SocketAddr, Bad> {
    let port = |b: &mut Body<'_>| -> Result<u16, Bad> {
        let p = b.take(2)?;
        Ok(u16::from_le_bytes([p[0], p[1]]))
    };
    match b.u8()? {
        4 => {
            let ip: [u8; 4] = b.take(4)?.try_into().unwrap_or_default();
            Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(ip)), port(b)?))
        }
        6 => {
            let ip: [u8; 16] = b.take(16)?.try_into().unwrap_or_default();
            let port = port(b)?;
            let flow = u32::try_from(b.varint()?).map_err(|_| Bad::Corrupt("bad flowinfo".into()))?;
            let scope = u32::try_from(b.varint()?).map_err(|_| Bad::Corrupt("bad scope".into()))?;
            Ok(SocketAddr::V6(SocketAddrV6::new(Ipv6Addr::from(ip), port, flow, scope)))
        }
        f => Err(Bad::Corrupt(format!("unknown address family {f}"))),
    }
}

/// Reads a binary spool: an iterator of its events, stopping at the first torn or damaged
/// record (see [`SpoolReader::cut`]). Never panics; every step consumes input, so it ends.
pub struct SpoolReader<R: Read> {
    r: R,
    header: Header,
    encoding: Encoding,
    role: Option<Role>,
    last_ts: i64,
    addrs: Vec<SocketAddr>,
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
            encoding: Encoding::UTF_8,
            role: None,
            last_ts: 0,
            addrs: Vec::new(),
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
        let mut label = vec![0u8; fixed[18] as usize];
        let mut crc = [0u8; 4];
        let rest = fill(&mut rd.r, &mut label, "header")
            .and_then(|_| fill(&mut rd.r, &mut crc, "header"));
        if let Err(b) = rest {
            rd.offset += (label.len() + 4) as u64;
            rd.stop(0, b);
            return Ok(rd);
        }
        rd.offset += (label.len() + 4) as u64;
        let mut d = CRC.digest();
        d.update(&fixed);
        d.update(&label);
        if d.finalize() != u32::from_le_bytes(crc) {
            rd.stop(0, Bad::Corrupt("header checksum mismatch".into()));
            return Ok(rd);
        }
        let label = String::from_utf8_lossy(&label).into_owned();
        let start_us = i64::from_le_bytes(fixed[10..18].try_into().unwrap_or_default());
        rd.encoding = Encoding::for_label(&label).unwrap_or(Encoding::UTF_8);
        rd.role = role_from(fixed[9]);
        rd.last_ts = start_us;
        rd.header = Header {
            version,
            role: rd.role,
            start_us,
            encoding_label: label,
        };
        Ok(rd)
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The encoding in effect for the last event returned.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Where reading stopped early, once the iterator has ended (None: the file was whole).
    pub fn cut(&self) -> Option<&Cut> {
        self.cut.as_ref()
    }

    /// Ends reading at the record starting at `start`, measuring what is left.
    fn stop(&mut self, start: u64, bad: Bad) {
        self.done = true;
        let rest = io::copy(&mut self.r, &mut io::sink()).unwrap_or(0);
        let (torn, reason) = match bad {
            Bad::Torn(what) => (true, format!("the file ends inside a {what} (torn write)")),
            Bad::Corrupt(m) => (false, m),
            Bad::Io(e) => (false, format!("read error: {e}")),
        };
        self.cut = Some(Cut {
            offset: start,
            bytes: self.offset + rest - start,
            torn,
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
        let mut crc = [0u8; 4];
        fill(&mut self.r, &mut crc, "record checksum")?;
        self.offset += 4;
        let mut d = CRC.digest();
        d.update(&tag);
        d.update(&lenb);
        d.update(&self.body);
        if d.finalize() != u32::from_le_bytes(crc) {
            return Err(Bad::Corrupt("record checksum mismatch".into()));
        }
        Ok(Some(tag[0]))
    }

    /// Applies one intact record; an event if it was one.
    fn apply(&mut self, tag: u8) -> Result<Option<Event>, Bad> {
        let body = std::mem::take(&mut self.body);
        let r = self.apply_body(tag, &body);
        self.body = body;
        r
    }

    fn apply_body(&mut self, tag: u8, body: &[u8]) -> Result<Option<Event>, Bad> {
        let mut b = Body(body);
        match tag {
            TAG_ENCODING => {
                let label = String::from_utf8_lossy(body);
                self.encoding = Encoding::for_label(&label).unwrap_or(Encoding::UTF_8);
                Ok(None)
            }
            TAG_ADDR => {
                if self.addrs.len() >= MAX_ADDRS {
                    return Err(Bad::Corrupt("too many addresses".into()));
                }
                let a = parse_addr(&mut b)?;
                self.addrs.push(a);
                Ok(None)
            }
            TAG_ADDR_RESET => {
                self.addrs.clear();
                Ok(None)
            }
            TAG_ROLE => {
                let r = role_from(b.u8()?).ok_or_else(|| Bad::Corrupt("unknown role".into()))?;
                self.role = Some(r);
                Ok(None)
            }
            TAG_RX | TAG_TX | TAG_EVENT => {
                let role = self
                    .role
                    .ok_or_else(|| Bad::Corrupt("event before any role".into()))?;
                let flags = b.u8()?;
                let ts = self.last_ts.wrapping_add(unzigzag(b.varint()?));
                let addr = |b: &mut Body<'_>, on: bool| -> Result<Option<SocketAddr>, Bad> {
                    if !on {
                        return Ok(None);
                    }
                    let i = b.varint()?;
                    usize::try_from(i)
                        .ok()
                        .and_then(|i| self.addrs.get(i).copied())
                        .map(Some)
                        .ok_or_else(|| Bad::Corrupt(format!("undefined address index {i}")))
                };
                let local = addr(&mut b, flags & F_LOCAL != 0)?;
                let peer = addr(&mut b, flags & F_PEER != 0)?;
                let client = if flags & F_CLIENT != 0 {
                    Some(b.varint()?)
                } else {
                    None
                };
                let kind = match tag {
                    TAG_RX => EventKind::Rx(b.0.to_vec()),
                    TAG_TX => EventKind::Tx(b.0.to_vec()),
                    _ => serde_json::from_slice(b.0)
                        .map_err(|e| Bad::Corrupt(format!("unreadable event: {e}")))?,
                };
                self.last_ts = ts;
                Ok(Some(Event {
                    ts_us: ts,
                    role,
                    local,
                    peer,
                    client,
                    kind,
                }))
            }
            t => Err(Bad::Corrupt(format!("unknown record tag {t}"))),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut o = Vec::new();
            push_varint(&mut o, v);
            assert_eq!(Body(&o).varint().ok(), Some(v));
        }
        for v in [0i64, 1, -1, 63, -64, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
        assert!(Body(&[0xff; 11]).varint().is_err());
    }

    #[test]
    fn not_a_spool_is_an_error() {
        assert!(SpoolReader::new(&b"{\"ts\":1}\n"[..]).is_err());
        assert!(SpoolReader::new(&b""[..]).is_err());
        let mut h = header(Encoding::GBK, Some(Role::TcpServer), 5);
        h[8] = VERSION + 1;
        assert!(SpoolReader::new(&h[..]).is_err());
    }
}
