//! A relay session's pcapng (`relay --record FILE.pcapng`, the live feed): both legs of each pair as their own stream, through the
//! same writer as the roles' pcapng (synthesised handshakes, real sequence numbers, FIN or
//! RST from the side that sent it). The client's leg is written as a TCP server's
//! connection (the relay's listening address and the client), the upstream leg as a TCP
//! client's (the relay's upstream socket and the server); UDP likewise as a receiver's and
//! a sender's datagrams. Each leg carries the bytes as forwarded (after faults), each
//! packet at the time it really went on its leg: the leg a chunk came in on at the time
//! the relay read it, the other at the time it wrote it (a latency shows as the gap
//! between them); a FIN on the leg it came in on when it was read, then the FIN carried.

use crate::net::relay::{Dir, FaultDone, Leg, RelayEvent, RelayKind, host};
use crate::net::{CloseReason, ClosedBy, Event, EventKind, ResetReason, Role};
use std::collections::HashMap;
use std::net::SocketAddr;

/// A leg: the role its packets are written as, the relay's end and the far end.
type LegOf = (Role, Option<SocketAddr>, Option<SocketAddr>);

/// What the legs need to know between events: the protocol (from the relay's
/// `Listening`), each pair's upstream socket and which side sent the first FIN.
#[derive(Default)]
pub struct RelayLegs {
    udp: bool,
    /// Per pair: the relay's upstream socket and the server.
    ups: HashMap<u64, (SocketAddr, SocketAddr)>,
    /// Per pair: the direction whose FIN came first.
    first_fin: HashMap<u64, Dir>,
    /// Per pair and direction: when the chunk a latency held was read (its next data).
    read_at: HashMap<(u64, Dir), i64>,
}

impl RelayLegs {
    /// The events of the legs a relay session's event makes packets of (none for most):
    /// each as a TCP server's or client's (UDP: receiver's, sender's) own event.
    pub fn legs(&mut self, ev: &Event) -> Vec<Event> {
        let mut out = Vec::new();
        if let Some(rev) = host::to_relay(ev) {
            self.write(&mut out, &rev);
        }
        out
    }

    /// The client's leg: (role, local, peer).
    fn client_leg(&self, ev: &RelayEvent) -> LegOf {
        let role = if self.udp {
            Role::UdpReceiver
        } else {
            Role::TcpServer
        };
        (role, ev.local, ev.peer)
    }

    /// The upstream leg, once its socket is known.
    fn upstream_leg(&self, pair: u64) -> Option<LegOf> {
        let role = if self.udp {
            Role::UdpSender
        } else {
            Role::TcpClient
        };
        self.ups
            .get(&pair)
            .map(|(from, to)| (role, Some(*from), Some(*to)))
    }

    fn put(&mut self, w: &mut Vec<Event>, ev: &RelayEvent, leg: Option<LegOf>, kind: EventKind) {
        self.put_at(w, ev, leg, kind, ev.ts_us)
    }

    /// A leg's event at `ts_us` (when that leg's packet really went: read or written).
    fn put_at(
        &mut self,
        w: &mut Vec<Event>,
        ev: &RelayEvent,
        leg: Option<LegOf>,
        kind: EventKind,
        ts_us: i64,
    ) {
        let Some((role, local, peer)) = leg else {
            return;
        };
        w.push(Event {
            ts_us,
            role,
            local,
            peer,
            client: ev.pair,
            kind,
            opcode: None,
        })
    }

    fn forget(&mut self, pair: u64) {
        self.ups.remove(&pair);
        self.read_at.remove(&(pair, Dir::Up));
        self.read_at.remove(&(pair, Dir::Down));
    }

    /// The leg events of one relay event (none for most).
    fn write(&mut self, w: &mut Vec<Event>, ev: &RelayEvent) {
        if let RelayKind::Listening { udp, .. } = ev.kind {
            self.udp = udp;
        }
        let Some(pair) = ev.pair else { return };
        let client = Some(self.client_leg(ev));
        let up = self.upstream_leg(pair);
        match &ev.kind {
            RelayKind::Accepted if !self.udp => self.put(w, ev, client, EventKind::Accepted),
            RelayKind::Upstream { from, upstream } => {
                self.ups.insert(pair, (*from, *upstream));
                if self.udp {
                    return;
                }
                let up = self.upstream_leg(pair);
                self.put(w, ev, up, EventKind::Connected)
            }
            RelayKind::Fault {
                dir,
                what: FaultDone::Delayed { read_us, .. },
            } if *read_us > 0 => {
                self.read_at.insert((pair, *dir), *read_us);
            }
            RelayKind::Data { dir, bytes } => {
                // The leg it came from got it when it was read (before a latency held it),
                // the other when it was written.
                let read = self.read_at.remove(&(pair, *dir)).unwrap_or(ev.ts_us);
                let (rx, tx) = (EventKind::Rx(bytes.clone()), EventKind::Tx(bytes.clone()));
                match dir {
                    Dir::Up => {
                        self.put_at(w, ev, client, rx, read);
                        self.put(w, ev, up, tx)
                    }
                    Dir::Down => {
                        self.put_at(w, ev, up, rx, read);
                        self.put(w, ev, client, tx)
                    }
                }
            }
            RelayKind::Fin { dir, read_us } => {
                // The FIN that came in (when it was read), then the one carried (now).
                self.first_fin.entry(pair).or_insert(*dir);
                let read = if *read_us > 0 { *read_us } else { ev.ts_us };
                let (from, to) = match dir {
                    Dir::Up => (client, up),
                    Dir::Down => (up, client),
                };
                self.put_at(w, ev, from, EventKind::PeerFinHalfOpen, read);
                self.put(w, ev, to, EventKind::FinSent)
            }
            RelayKind::TlsReady { leg, info } => {
                // From here the leg's bytes are the plaintext TLS carried.
                let leg = match leg {
                    Leg::Client => client,
                    Leg::Server => up,
                };
                self.put(w, ev, leg, EventKind::TlsReady(info.clone()))
            }
            RelayKind::Reset { dir, .. } => {
                // The side `dir` starts at reset; the relay carried it to the other.
                let (c, u) = match dir {
                    Dir::Up => (ResetReason::PeerReset, ResetReason::ResetHere),
                    Dir::Down => (ResetReason::ResetHere, ResetReason::PeerReset),
                };
                self.put(w, ev, client, EventKind::Reset { reason: c });
                self.put(w, ev, up, EventKind::Reset { reason: u })
            }
            RelayKind::Fault {
                what: FaultDone::Reset,
                ..
            } => {
                let here = || EventKind::Reset {
                    reason: ResetReason::ResetHere,
                };
                self.put(w, ev, client, here());
                self.put(w, ev, up, here())
            }
            RelayKind::PairClosed { .. } if !self.udp => {
                // Whoever sent the first FIN closed first; the relay's cuts close from here.
                let client_first = self.first_fin.remove(&pair) == Some(Dir::Up);
                let closed = |by| EventKind::Closed {
                    by,
                    reason: CloseReason::Unknown,
                };
                let (cb, ub) = if client_first {
                    (ClosedBy::Peer, ClosedBy::Local)
                } else {
                    (ClosedBy::Local, ClosedBy::Peer)
                };
                self.put(w, ev, client, closed(cb));
                self.put(w, ev, up, closed(ub));
                self.forget(pair);
            }
            RelayKind::PairClosed { .. } => self.forget(pair),
            _ => {}
        }
    }
}
