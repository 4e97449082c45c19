//! The one parser of a record's body, shared by [`super::SpoolReader`] (whole events) and
//! [`super::Scanner`] (heads in place): a cursor over the body, the address codec, and
//! the reading state the records change (encoding, role, time, address table), with
//! [`State::apply`], which applies a state record or parses an event's head.

use super::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddrV6};

/// A record that cannot be used: torn (the file ends) or damaged.
pub(super) enum Bad {
    Torn(&'static str),
    Corrupt(String),
    Io(io::Error),
}

impl Bad {
    /// What is wrong, as a cut's reason says it.
    pub(super) fn message(self) -> String {
        match self {
            Bad::Torn(what) => format!("the file ends inside a {what} (torn write)"),
            Bad::Corrupt(m) => m,
            Bad::Io(e) => format!("read error: {e}"),
        }
    }
}

/// A cursor over a record body.
pub(super) struct Body<'a>(pub(super) &'a [u8]);

impl<'a> Body<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        if self.0.len() < n {
            return Err(Bad::Corrupt("record body too short".into()));
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Ok(a)
    }

    pub(super) fn u8(&mut self) -> Result<u8, Bad> {
        Ok(self.take(1)?[0])
    }

    pub(super) fn varint(&mut self) -> Result<u64, Bad> {
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

pub(super) fn parse_addr(b: &mut Body<'_>) -> Result<SocketAddr, Bad> {
    let port = |b: &mut Body<'_>| -> Result<u16, Bad> {
        let p = b.take(2)?;
        Ok(u16::from_le_bytes([p[0], p[1]]))
    };
    match b.u8()? {
        4 => {
            let ip: [u8; 4] = b.take(4)?.try_into().unwrap_or_default();
            Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::from(ip)), port(b)?))
        }
        f @ (6 | 7) => {
            let ip: [u8; 16] = b.take(16)?.try_into().unwrap_or_default();
            let port = port(b)?;
            if f == 6 {
                return Ok(SocketAddr::V6(SocketAddrV6::new(ip.into(), port, 0, 0)));
            }
            let flow =
                u32::try_from(b.varint()?).map_err(|_| Bad::Corrupt("bad flowinfo".into()))?;
            let scope = u32::try_from(b.varint()?).map_err(|_| Bad::Corrupt("bad scope".into()))?;
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                flow,
                scope,
            )))
        }
        f => Err(Bad::Corrupt(format!("unknown address family {f}"))),
    }
}

/// An event's head, parsed: what comes before its data in the body.
pub(super) struct Head {
    pub(super) role: Role,
    pub(super) ts: i64,
    /// Indices into the address table (checked: each names an address defined).
    pub(super) local: Option<u32>,
    pub(super) peer: Option<u32>,
    pub(super) client: Option<u64>,
    pub(super) opcode: Option<crate::net::ws::Opcode>,
    /// Bytes of the body before the data.
    pub(super) skip: usize,
}

/// What the records read so far have set: the encoding, the role, the time the next
/// event's delta counts from, and the address table.
pub(super) struct State {
    pub(super) encoding: Encoding,
    pub(super) role: Option<Role>,
    pub(super) last_ts: i64,
    pub(super) addrs: Vec<SocketAddr>,
    /// Bumped whenever the address table changes.
    pub(super) addrs_gen: u64,
}

impl State {
    /// The state a header sets, with an empty address table.
    pub(super) fn new(encoding: Encoding, role: Option<Role>, start_us: i64) -> State {
        State {
            encoding,
            role,
            last_ts: start_us,
            addrs: Vec::new(),
            addrs_gen: 0,
        }
    }

    /// An address by its index in the table.
    pub(super) fn addr(&self, i: Option<u32>) -> Option<SocketAddr> {
        i.and_then(|i| self.addrs.get(i as usize).copied())
    }

    /// Applies one intact record's `body`: a state record changes the state (None); an
    /// event's head is parsed and its time becomes the last (its data is `body[skip..]`).
    pub(super) fn apply(&mut self, tag: u8, body: &[u8]) -> Result<Option<Head>, Bad> {
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
                if !b.0.is_empty() {
                    return Err(Bad::Corrupt("trailing bytes in an address record".into()));
                }
                self.addrs.push(a);
                self.addrs_gen += 1;
                Ok(None)
            }
            TAG_ADDR_RESET => {
                self.addrs.clear();
                self.addrs_gen += 1;
                Ok(None)
            }
            TAG_ROLE => {
                let r = role_from(b.u8()?).ok_or_else(|| Bad::Corrupt("unknown role".into()))?;
                self.role = Some(r);
                Ok(None)
            }
            TAG_RX | TAG_TX | TAG_EVENT => self.head(b).map(Some),
            t => Err(Bad::Corrupt(format!("unknown record tag {t}"))),
        }
    }

    /// Parses an event's head: flags, time delta, then the address indices and the client
    /// id its flags say are there.
    fn head(&mut self, mut b: Body<'_>) -> Result<Head, Bad> {
        let whole = b.0.len();
        let role = self
            .role
            .ok_or_else(|| Bad::Corrupt("event before any role".into()))?;
        let flags = b.u8()?;
        let ts = self.last_ts.wrapping_add(unzigzag(b.varint()?));
        let n = self.addrs.len() as u64;
        let addr = |b: &mut Body<'_>, on: bool| -> Result<Option<u32>, Bad> {
            if !on {
                return Ok(None);
            }
            let i = b.varint()?;
            if i >= n {
                return Err(Bad::Corrupt(format!("undefined address index {i}")));
            }
            Ok(Some(i as u32))
        };
        let local = addr(&mut b, flags & F_LOCAL != 0)?;
        let peer = addr(&mut b, flags & F_PEER != 0)?;
        let client = if flags & F_CLIENT != 0 {
            Some(b.varint()?)
        } else {
            None
        };
        self.last_ts = ts;
        Ok(Head {
            role,
            ts,
            local,
            peer,
            client,
            opcode: opcode_of(flags),
            skip: whole - b.0.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0u64, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut o = Vec::new();
            push_varint(&mut o, v);
            assert_eq!(Body(&o).varint().ok(), Some(v));
        }
        assert!(Body(&[0xff; 11]).varint().is_err());
        assert!(Body(&[0x80]).varint().is_err());
    }
}
