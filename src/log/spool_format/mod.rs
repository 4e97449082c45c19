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
//! Record tags: 1 encoding (body: its label); 2 address, defining the next address index
//! (body: 4, IPv4, port; or 6, IPv6, port; or 7, IPv6, port, flowinfo and scope id as
//! varints); 3 address reset (indices start again from 0); 4 role (body: its index in
//! `Role::EVERY`); 16 rx and 17 tx (body: event head, then the raw bytes); 18 any other event
//! (event head, then the `EventKind` as serde JSON, so new kinds need no format change).
//! The event head is `flags:u8` (1 local, 2 peer, 4 client), `ts delta:zigzag` (from the
//! previous event; the first from `start_us`), then the local and peer address indices and
//! the client id as varints when their flag is set. A data event larger than [`MAX_DATA`]
//! (only an API caller can send one) is written as several of that size.

mod body;
mod reader;
mod scan;

pub use reader::{Cut, Header, SpoolReader, is_spool};
pub use scan::{RawEvent, Resume, Scanner};

use crate::codec::Encoding;
use crate::net::{Event, EventKind, Role};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::SocketAddr;

/// The first bytes of every spool file.
pub const MAGIC: &[u8; 8] = b"STSPOOL\0";
/// The format version this code writes and reads.
pub const VERSION: u8 = 1;
/// Largest record body a reader accepts (a longer length is corruption), which bounds what
/// a damaged length can make a reader buffer.
pub const MAX_BODY: u64 = 64 << 20;
/// Data events larger than this (more than any read or file chunk gives) are written as
/// several events of this size, with the same time and addresses.
pub const MAX_DATA: usize = 32 << 20;
/// Addresses interned before the table starts again (bounds memory under a spoofed flood).
pub const MAX_ADDRS: usize = 1 << 16;

pub(crate) const TAG_ENCODING: u8 = 1;
pub(crate) const TAG_ADDR: u8 = 2;
pub(crate) const TAG_ADDR_RESET: u8 = 3;
pub(crate) const TAG_ROLE: u8 = 4;
pub const TAG_RX: u8 = 16;
pub const TAG_TX: u8 = 17;
pub const TAG_EVENT: u8 = 18;

pub(crate) const F_LOCAL: u8 = 1;
pub(crate) const F_PEER: u8 = 2;
pub(crate) const F_CLIENT: u8 = 4;
/// rx/tx: a WebSocket text (or binary) message.
pub(crate) const F_WS_TEXT: u8 = 8;
pub(crate) const F_WS_BINARY: u8 = 16;

/// A WebSocket message's opcode from an event's flags (None: not a WebSocket message).
pub(crate) fn opcode_of(flags: u8) -> Option<crate::net::ws::Opcode> {
    if flags & F_WS_TEXT != 0 {
        Some(crate::net::ws::Opcode::Text)
    } else if flags & F_WS_BINARY != 0 {
        Some(crate::net::ws::Opcode::Binary)
    } else {
        None
    }
}

/// No role known (the header of a spool whose session name is not a role).
const NO_ROLE: u8 = 0xff;

pub(crate) static CRC: crc::Crc<u32, crc::Table<16>> =
    crc::Crc::<u32, crc::Table<16>>::new(&crc::CRC_32_ISO_HDLC);

pub(crate) fn push_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn role_byte(r: Option<Role>) -> u8 {
    r.and_then(|r| Role::EVERY.iter().position(|x| *x == r))
        .map_or(NO_ROLE, |i| i as u8)
}

pub(crate) fn role_from(b: u8) -> Option<Role> {
    Role::EVERY.get(b as usize).copied()
}

fn push_addr(out: &mut Vec<u8>, a: SocketAddr) {
    match a {
        SocketAddr::V4(v4) => {
            out.push(4);
            out.extend_from_slice(&v4.ip().octets());
            out.extend_from_slice(&v4.port().to_le_bytes());
        }
        SocketAddr::V6(v6) => {
            // 6: no flow label or scope (the usual case); 7: both follow as varints.
            let plain = v6.flowinfo() == 0 && v6.scope_id() == 0;
            out.push(if plain { 6 } else { 7 });
            out.extend_from_slice(&v6.ip().octets());
            out.extend_from_slice(&v6.port().to_le_bytes());
            if !plain {
                push_varint(out, v6.flowinfo() as u64);
                push_varint(out, v6.scope_id() as u64);
            }
        }
    }
}

/// The header bytes (with their checksum).
pub(crate) fn header(enc: Encoding, role: Option<Role>, start_us: i64) -> Vec<u8> {
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
    /// The last event's local and peer addresses with their indices: most events repeat
    /// them, and this skips hashing.
    recent: [Option<(SocketAddr, u64)>; 2],
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
            recent: [None; 2],
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
        if let Some(i) = self.known(a) {
            return Ok(i);
        }
        let i = self.addrs.len() as u64;
        self.head.clear();
        push_addr(&mut self.head, a);
        self.record(TAG_ADDR, &[])?;
        self.addrs.insert(a, i);
        Ok(i)
    }

    /// The index of an address already defined.
    fn known(&self, a: SocketAddr) -> Option<u64> {
        for (r, i) in self.recent.iter().flatten() {
            if *r == a {
                return Some(*i);
            }
        }
        self.addrs.get(&a).copied()
    }

    pub fn write_event(&mut self, ev: &Event) -> io::Result<()> {
        if self.role != Some(ev.role) {
            self.head.clear();
            self.record(TAG_ROLE, &[role_byte(Some(ev.role))])?;
            self.role = Some(ev.role);
        }
        let new = ev.local.is_some_and(|a| self.known(a).is_none()) as usize
            + ev.peer.is_some_and(|a| self.known(a).is_none()) as usize;
        if new > 0 && self.addrs.len() + new > MAX_ADDRS {
            self.head.clear();
            self.record(TAG_ADDR_RESET, &[])?;
            self.addrs.clear();
            self.recent = [None; 2];
        }
        let local = ev.local.map(|a| self.addr(a)).transpose()?;
        let peer = ev.peer.map(|a| self.addr(a)).transpose()?;
        self.recent = [ev.local.zip(local), ev.peer.zip(peer)];
        let json;
        let (tag, data): (u8, &[u8]) = match &ev.kind {
            EventKind::Rx(d) => (TAG_RX, d),
            EventKind::Tx(d) => (TAG_TX, d),
            k => {
                json = serde_json::to_vec(k).map_err(io::Error::other)?;
                (TAG_EVENT, &json)
            }
        };
        let flags = local.map_or(0, |_| F_LOCAL)
            | peer.map_or(0, |_| F_PEER)
            | ev.client.map_or(0, |_| F_CLIENT)
            | match ev.opcode {
                Some(crate::net::ws::Opcode::Text) => F_WS_TEXT,
                Some(crate::net::ws::Opcode::Binary) => F_WS_BINARY,
                None => 0,
            };
        let mut rest = data;
        loop {
            let n = if tag == TAG_EVENT {
                rest.len()
            } else {
                rest.len().min(MAX_DATA)
            };
            let (part, more) = rest.split_at(n);
            let h = &mut self.head;
            h.clear();
            h.push(flags);
            push_varint(h, zigzag(ev.ts_us.wrapping_sub(self.last_ts)));
            for v in [local, peer, ev.client].into_iter().flatten() {
                push_varint(h, v);
            }
            self.record(tag, part)?;
            self.last_ts = ev.ts_us;
            self.written += 1;
            if more.is_empty() {
                return Ok(());
            }
            rest = more;
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn get_ref(&self) -> &W {
        &self.out
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_round_trips() {
        for v in [0i64, 1, -1, 63, -64, i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    #[test]
    fn not_a_spool_is_an_error() {
        assert!(SpoolReader::new(&b"{\"ts\":1}\n"[..]).is_err());
        assert!(SpoolReader::new(&b""[..]).is_err());
        let mut h = header(Encoding::GBK, Some(Role::TcpServer), 5);
        h[8] = VERSION + 1;
        assert!(SpoolReader::new(&h[..]).is_err());
    }

    #[test]
    fn the_address_table_starts_again_when_full() {
        // Every event from a new peer, and the local address repeating: past MAX_ADDRS the
        // writer resets the table; the reader follows.
        let evs: Vec<Event> = (0..MAX_ADDRS as u32 + 5000)
            .map(|i| Event {
                ts_us: i as i64,
                role: Role::UdpReceiver,
                local: Some(([127, 0, 0, 1], 7000).into()),
                peer: Some((std::net::Ipv4Addr::from(0x0a00_0000 + i), 9).into()),
                client: None,
                kind: EventKind::Rx(vec![i as u8]),
                opcode: None,
            })
            .collect();
        let mut w = SpoolWriter::new(Vec::new(), Encoding::UTF_8, None, 0).unwrap();
        for e in &evs {
            w.write_event(e).unwrap();
        }
        assert!(w.addrs.len() < MAX_ADDRS, "the table was reset");
        let bytes = w.into_inner();
        let mut r = SpoolReader::new(&bytes[..]).unwrap();
        let got: Vec<Event> = r.by_ref().collect();
        assert!(r.cut().is_none(), "{:?}", r.cut());
        assert!(got == evs, "every event, addresses and all");
    }

    #[test]
    fn huge_data_is_split_into_events_a_reader_accepts() {
        let data: Vec<u8> = (0..MAX_DATA + 10).map(|i| (i % 253) as u8).collect();
        let ev = Event {
            ts_us: 7,
            role: Role::TcpClient,
            local: None,
            peer: Some(([127, 0, 0, 1], 9).into()),
            client: None,
            kind: EventKind::Tx(data.clone()),
            opcode: None,
        };
        let mut w = SpoolWriter::new(Vec::new(), Encoding::UTF_8, None, 0).unwrap();
        w.write_event(&ev).unwrap();
        assert_eq!(w.written, 2);
        let bytes = w.into_inner();
        let mut r = SpoolReader::new(&bytes[..]).unwrap();
        let evs: Vec<Event> = r.by_ref().collect();
        assert!(r.cut().is_none());
        assert_eq!(evs.len(), 2);
        let mut joined = Vec::new();
        for e in &evs {
            assert_eq!((e.ts_us, e.peer), (ev.ts_us, ev.peer));
            joined.extend_from_slice(e.kind.data().unwrap());
        }
        assert_eq!(joined, data);
    }
}
