//! What each TCP connection of a session went through, as the TCP diagram draws it: the
//! two ends (the connection's own local address and its peer), how far the handshake
//! got (or why it never started: a name that did not resolve sends no SYN), the bytes each
//! way (counted from the same events as the tab's counters, and started over by Clear as
//! they are), and how it ended (FIN each way, or RST and from which side).
//!
//! Kept by the runtime in the view's status, per connection and for as long as the
//! connection lives: unlike the timeline strip (its newest 300 steps), a long or cleared
//! log never makes a live connection look unconnected. No GUI here.

use crate::net::{ClosedBy, ErrorKind, Event, EventKind, ResetReason, Role};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// Most closed connections remembered on a server (the open ones are all kept).
pub const MAX_CLOSED: usize = 256;

/// Why a connect never became a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    /// It failed before any SYN was sent: the host name did not resolve (or the
    /// address was bad). No connection at all.
    NotAttempted(ErrorKind),
    /// The SYN was answered with RST (connection refused).
    Refused,
    /// The SYN got no answer, or the network said the host cannot be reached.
    NoAnswer(ErrorKind),
}

/// One connection, seen from the client (host A) and the server (host B).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnFlow {
    pub client: Option<SocketAddr>,
    pub server: Option<SocketAddr>,
    /// Handshake segments done: 0, 1 (SYN sent, waiting) or 3.
    pub handshake: u8,
    pub failure: Option<ConnectFailure>,
    /// Bytes client → server and back (since the connection began, or since Clear).
    pub c2s_bytes: u64,
    pub s2c_bytes: u64,
    /// Who sent the first FIN (true = the client).
    pub fin_by_client: Option<bool>,
    /// Teardown segments done (0–4).
    pub teardown: u8,
    pub rst: bool,
    /// The RST came from this side (Reset), not from the peer.
    pub rst_here: bool,
    /// The connection is over (closed, reset, or the connect failed).
    pub ended: bool,
    /// The step that happened last, as (section, arrow): 0 handshake, 1 data (0 client →
    /// server, 1 back), 2 teardown. None before anything happened (and after an RST).
    pub last: Option<(usize, usize)>,
    /// A crowd's connection (its member number): the diagram follows that one only.
    pub member: Option<u64>,
}

impl ConnFlow {
    /// True while the handshake is done and the connection not over.
    pub fn is_open(&self) -> bool {
        self.handshake >= 3 && !self.ended
    }

    fn data(&mut self, from_client: bool, bytes: u64) {
        if from_client {
            self.c2s_bytes += bytes;
            self.last = Some((1, 0));
        } else {
            self.s2c_bytes += bytes;
            self.last = Some((1, 1));
        }
    }

    fn fin(&mut self, by_client: bool, both: bool) {
        match self.fin_by_client {
            None => {
                self.fin_by_client = Some(by_client);
                self.teardown = if both { 4 } else { 2 };
            }
            Some(first) if first != by_client || both => self.teardown = 4,
            Some(_) => {}
        }
        if self.teardown > 0 {
            self.last = Some((2, usize::from(self.teardown) - 1));
        }
    }

    /// Follows one event of this connection; `me_client`: this side is the client.
    fn on_event(&mut self, ev: &Event, me_client: bool) {
        match &ev.kind {
            EventKind::Tx(d) => self.data(me_client, d.len() as u64),
            EventKind::Rx(d) => self.data(!me_client, d.len() as u64),
            EventKind::FinSent => self.fin(me_client, false),
            EventKind::PeerFinHalfOpen => self.fin(!me_client, false),
            EventKind::Closed { by, .. } => {
                self.ended = true;
                if self.handshake >= 3 {
                    self.fin(me_client == (*by == ClosedBy::Local), true);
                }
            }
            EventKind::Reset { reason } => {
                self.ended = true;
                self.rst = true;
                self.rst_here = *reason == ResetReason::ResetHere;
                self.last = None;
            }
            _ => {}
        }
    }
}

/// The connections of one TCP session: a client's own, or each client of a server.
#[derive(Clone, Debug, Default)]
pub struct TcpFlows {
    /// TCP client: its connection (the newest attempt).
    pub own: ConnFlow,
    /// TCP server: each accepted client by id.
    pub clients: BTreeMap<u64, ConnFlow>,
    /// TCP server: where it listens.
    pub listening: Option<SocketAddr>,
}

impl TcpFlows {
    /// The connection the diagram shows: the client's own, or (server) client `id`, else
    /// the newest accepted one.
    pub fn pick(&self, role: Role, id: Option<u64>) -> Option<&ConnFlow> {
        match role {
            Role::TcpClient => Some(&self.own),
            _ => match id {
                Some(id) => self.clients.get(&id),
                None => self.clients.values().next_back(),
            },
        }
    }

    /// Follows one event of the session.
    pub fn on_event(&mut self, role: Role, ev: &Event) {
        match role {
            Role::TcpClient => self.client_event(ev),
            Role::TcpServer => self.server_event(ev),
            _ => {}
        }
    }

    fn client_event(&mut self, ev: &Event) {
        let f = &mut self.own;
        // A crowd: the diagram follows its newest connection, and only that one's events
        // (the others' bytes and ends are theirs, not its).
        let other_member = f.member.is_some() && ev.client != f.member;
        match &ev.kind {
            EventKind::Connecting => {
                *f = ConnFlow {
                    server: ev.peer,
                    handshake: 1,
                    last: Some((0, 0)),
                    member: ev.client,
                    ..ConnFlow::default()
                };
            }
            EventKind::Connected => {
                if f.handshake == 0 || f.ended || other_member {
                    *f = ConnFlow::default();
                }
                f.member = ev.client;
                f.server = ev.peer.or(f.server);
                f.client = ev.local;
                f.handshake = 3;
                f.last = Some((0, 2));
            }
            _ if other_member => {}
            EventKind::Error { kind, .. } if f.handshake < 3 && !f.ended => {
                f.ended = true;
                f.last = None;
                f.failure = Some(if f.handshake == 0 {
                    ConnectFailure::NotAttempted(*kind)
                } else if *kind == ErrorKind::Refused {
                    f.rst = true;
                    ConnectFailure::Refused
                } else {
                    ConnectFailure::NoAnswer(*kind)
                });
            }
            EventKind::Closed { .. } if f.handshake < 3 => f.ended = true,
            _ if f.handshake >= 3 && !f.ended => {
                if f.client.is_none() {
                    f.client = ev.local;
                }
                f.on_event(ev, true);
            }
            _ => {}
        }
    }

    fn server_event(&mut self, ev: &Event) {
        let Some(id) = ev.client else {
            if let EventKind::Listening { .. } = ev.kind {
                self.listening = ev.local;
            }
            return;
        };
        if matches!(ev.kind, EventKind::Accepted) {
            self.clients.insert(
                id,
                ConnFlow {
                    client: ev.peer,
                    server: ev.local,
                    handshake: 3,
                    last: Some((0, 2)),
                    ..ConnFlow::default()
                },
            );
            self.forget_old();
        } else if let Some(f) = self.clients.get_mut(&id) {
            let was_open = !f.ended;
            f.on_event(ev, false);
            if was_open && f.ended {
                self.forget_old();
            }
        }
    }

    /// Keeps at most [`MAX_CLOSED`] ended connections (the oldest go first).
    fn forget_old(&mut self) {
        let ended = self.clients.values().filter(|f| f.ended).count();
        if ended <= MAX_CLOSED {
            return;
        }
        let old: Vec<u64> = self
            .clients
            .iter()
            .filter(|(_, f)| f.ended)
            .map(|(id, _)| *id)
            .take(ended - MAX_CLOSED)
            .collect();
        for id in old {
            self.clients.remove(&id);
        }
    }

    /// Clear: the byte counts start over, as the tab's counters do; the connections and
    /// their state stay (a cleared log does not close anything).
    pub fn on_clear(&mut self) {
        for f in std::iter::once(&mut self.own).chain(self.clients.values_mut()) {
            f.c2s_bytes = 0;
            f.s2c_bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::CloseReason;

    fn ev(role: Role, kind: EventKind, peer: Option<&str>, client: Option<u64>) -> Event {
        Event {
            ts_us: 0,
            role,
            local: Some("127.0.0.1:40000".parse().unwrap()),
            peer: peer.map(|p| p.parse().unwrap()),
            client,
            kind,
            opcode: None,
        }
    }

    #[test]
    fn a_crowd_is_drawn_as_its_newest_connection_only() {
        let r = Role::TcpClient;
        let mut f = TcpFlows::default();
        let peer = Some("127.0.0.1:7891");
        for id in 1..=3 {
            f.on_event(r, &ev(r, EventKind::Connecting, peer, Some(id)));
        }
        for id in 1..=3 {
            f.on_event(r, &ev(r, EventKind::Connected, peer, Some(id)));
        }
        f.on_event(r, &ev(r, EventKind::Rx(vec![0; 5]), peer, Some(1)));
        f.on_event(r, &ev(r, EventKind::Rx(vec![0; 3]), peer, Some(3)));
        f.on_event(r, &ev(r, EventKind::Tx(vec![0; 4]), peer, Some(2)));
        let c = f.pick(r, None).unwrap();
        assert_eq!((c.member, c.s2c_bytes, c.c2s_bytes), (Some(3), 3, 0));
        assert!(c.is_open());
    }

    #[test]
    fn a_name_that_does_not_resolve_is_no_connection() {
        let r = Role::TcpClient;
        let mut f = TcpFlows::default();
        let e = EventKind::Error {
            kind: ErrorKind::HostNotFound,
            detail: "x".into(),
        };
        f.on_event(r, &ev(r, e, None, None));
        let c = f.pick(r, None).unwrap();
        assert_eq!(c.handshake, 0);
        assert!(!c.rst);
        assert_eq!(
            c.failure,
            Some(ConnectFailure::NotAttempted(ErrorKind::HostNotFound))
        );
    }

    #[test]
    fn refused_is_syn_then_rst_and_a_timeout_is_syn_alone() {
        let r = Role::TcpClient;
        for (kind, want) in [
            (ErrorKind::Refused, ConnectFailure::Refused),
            (
                ErrorKind::TimedOut,
                ConnectFailure::NoAnswer(ErrorKind::TimedOut),
            ),
        ] {
            let mut f = TcpFlows::default();
            f.on_event(r, &ev(r, EventKind::Connecting, Some("127.0.0.1:1"), None));
            let e = EventKind::Error {
                kind,
                detail: "x".into(),
            };
            f.on_event(r, &ev(r, e, Some("127.0.0.1:1"), None));
            assert_eq!(f.own.handshake, 1);
            assert_eq!(f.own.failure, Some(want));
            assert_eq!(f.own.rst, kind == ErrorKind::Refused);
        }
    }

    #[test]
    fn a_reconnect_starts_a_new_flow_and_many_steps_do_not_lose_it() {
        let r = Role::TcpClient;
        let mut f = TcpFlows::default();
        let p = Some("127.0.0.1:7891");
        for _ in 0..2 {
            f.on_event(r, &ev(r, EventKind::Connecting, p, None));
            f.on_event(r, &ev(r, EventKind::Connected, p, None));
            for _ in 0..1000 {
                f.on_event(r, &ev(r, EventKind::Tx(vec![0; 3]), p, None));
                f.on_event(r, &ev(r, EventKind::Rx(vec![0; 2]), p, None));
            }
            assert!(f.own.is_open());
            assert_eq!((f.own.c2s_bytes, f.own.s2c_bytes), (3000, 2000));
            let closed = EventKind::Closed {
                by: ClosedBy::Peer,
                reason: CloseReason::PeerFin,
            };
            f.on_event(r, &ev(r, closed, p, None));
            assert_eq!((f.own.fin_by_client, f.own.teardown), (Some(false), 4));
        }
    }

    #[test]
    fn a_server_keeps_each_clients_ends_and_bytes() {
        let r = Role::TcpServer;
        let mut f = TcpFlows::default();
        let listening = EventKind::Listening { backlog: 5 };
        f.on_event(r, &ev(r, listening, None, None));
        f.on_event(
            r,
            &ev(r, EventKind::Accepted, Some("127.0.0.1:50000"), Some(1)),
        );
        f.on_event(r, &ev(r, EventKind::Rx(vec![0; 4]), None, Some(1)));
        f.on_event(r, &ev(r, EventKind::Tx(vec![0; 9]), None, Some(1)));
        let c = f.pick(r, None).unwrap();
        assert_eq!(c.client.unwrap().port(), 50000);
        assert_eq!(c.server.unwrap().port(), 40000);
        assert_eq!((c.c2s_bytes, c.s2c_bytes), (4, 9));
        f.on_clear();
        assert!(f.pick(r, Some(1)).unwrap().is_open());
        assert_eq!(f.pick(r, Some(1)).unwrap().c2s_bytes, 0);
        for id in 2..(MAX_CLOSED as u64 + 50) {
            f.on_event(
                r,
                &ev(r, EventKind::Accepted, Some("127.0.0.1:1"), Some(id)),
            );
            let reset = EventKind::Reset {
                reason: ResetReason::PeerReset,
            };
            f.on_event(r, &ev(r, reset, None, Some(id)));
        }
        assert!(f.clients.len() <= MAX_CLOSED + 1);
        assert!(f.clients.contains_key(&1), "the open one is kept");
    }
}
