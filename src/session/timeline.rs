//! The timeline strip of a session: the socket API calls as they happen, with the real
//! addresses — `socket()`, `bind()`, `listen(backlog)`, `accept() → client`, `connect()`,
//! `send()`/`recv()` with byte counts (consecutive ones merged), `shutdown()`, `close()` —
//! and how a connection ended (FIN from the peer, or RST). Built from the session's
//! events. No GUI here: `ui::timeline` draws it and words it.

use crate::net::{ClosedBy, ErrorKind, Event, EventKind, Role};
use std::net::SocketAddr;

/// Most steps kept; older ones are dropped (and counted).
pub const MAX_STEPS: usize = 300;

/// How a connection (or the session) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The peer sent FIN.
    PeerFin,
    /// The connection was reset (RST) by the peer, or it failed.
    Rst,
    /// This side reset it (Reset: SO_LINGER 0, then close()).
    RstSent,
    /// This side closed.
    Local,
}

/// One socket API call (or a merged run of sends or receives).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Socket {
        stream: bool,
        v6: bool,
        /// AF_UNIX (a unix socket's stand-in address).
        unix: bool,
    },
    Bind(Option<SocketAddr>),
    Listen {
        backlog: i32,
    },
    Accept {
        client: u64,
        peer: Option<SocketAddr>,
    },
    /// `done` once the handshake finished.
    Connect {
        to: Option<SocketAddr>,
        done: bool,
    },
    /// `calls` send() / sendto() calls in a row, `bytes` in all; `each` is the size of
    /// every one of them while they were all the same size (None once two differ).
    Send {
        client: Option<u64>,
        peer: Option<SocketAddr>,
        bytes: u64,
        calls: u64,
        each: Option<u64>,
    },
    /// `calls` recv() / recvfrom() calls in a row (as for [`Step::Send`]).
    Recv {
        client: Option<u64>,
        peer: Option<SocketAddr>,
        bytes: u64,
        calls: u64,
        each: Option<u64>,
    },
    /// TCP: this side stopped calling recv() (Pause reading): what arrives waits in the
    /// kernel (the TCP client's connection, or every client of a server).
    RecvPaused,
    /// TCP: recv() again (the next read returns what piled up).
    RecvResumed,
    /// shutdown(SHUT_WR) from this side.
    Shutdown {
        client: Option<u64>,
    },
    /// The peer's FIN arrived; the connection stays half open.
    PeerFin {
        client: Option<u64>,
    },
    Close {
        client: Option<u64>,
        end: End,
    },
    Failed {
        call: &'static str,
        kind: ErrorKind,
    },
    /// UDP: the network answered an earlier sendto() with an ICMP error (told on the
    /// error queue, or as ECONNREFUSED on a later call).
    Icmp(crate::net::IcmpReport),
}

/// The steps of one session.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    role: Option<Role>,
    pub steps: Vec<Step>,
    /// Steps dropped from the front to stay within [`MAX_STEPS`].
    pub dropped: u64,
    /// The session's own local address, once known.
    pub local: Option<SocketAddr>,
    /// The session's own peer (TCP client: the server).
    pub peer: Option<SocketAddr>,
    /// The last error of the session itself.
    pub last_error: Option<ErrorKind>,
}

impl Timeline {
    /// An empty timeline for a session about to start in `role`.
    pub fn new(role: Role) -> Timeline {
        Timeline {
            role: Some(role),
            ..Timeline::default()
        }
    }

    /// The role the timeline is for (None before the first event of a default one).
    pub fn role(&self) -> Option<Role> {
        self.role
    }

    /// Forgets the steps (Clear): the strip starts over; the addresses stay known.
    pub fn clear(&mut self) {
        self.steps.clear();
        self.dropped = 0;
    }

    fn push(&mut self, s: Step) {
        if self.steps.len() >= MAX_STEPS {
            self.steps.remove(0);
            self.dropped += 1;
        }
        self.steps.push(s);
    }

    fn has_socket(&self) -> bool {
        self.dropped > 0 || self.steps.iter().any(|s| matches!(s, Step::Socket { .. }))
    }

    fn socket(&mut self, role: Role, addr: Option<SocketAddr>) {
        if !self.has_socket() {
            self.push(Step::Socket {
                stream: role.is_tcp(),
                v6: addr.is_some_and(|a| a.is_ipv6()),
                unix: addr.is_some_and(|a| crate::net::unix_name::is_stand_in(&a)),
            });
        }
    }

    /// Adds what an event shows.
    pub fn on_event(&mut self, ev: &Event) {
        let role = *self.role.get_or_insert(ev.role);
        let own = ev.client.is_none();
        if own && let Some(l) = ev.local {
            self.local = Some(l);
        }
        match &ev.kind {
            EventKind::Bound => {
                self.socket(role, ev.local);
                self.push(Step::Bind(ev.local));
            }
            EventKind::Listening { backlog } => {
                self.socket(role, ev.local);
                self.push(Step::Bind(ev.local));
                self.push(Step::Listen { backlog: *backlog });
            }
            EventKind::Connecting => {
                self.peer = ev.peer;
                self.socket(role, ev.peer);
                self.push(Step::Connect {
                    to: ev.peer,
                    done: false,
                });
            }
            EventKind::Connected => {
                if let Some(Step::Connect { done, to }) = self
                    .steps
                    .iter_mut()
                    .rev()
                    .find(|s| matches!(s, Step::Connect { .. }))
                {
                    *done = true;
                    if ev.peer.is_some() {
                        *to = ev.peer;
                    }
                } else {
                    self.socket(role, ev.peer);
                    self.push(Step::Connect {
                        to: ev.peer,
                        done: true,
                    });
                }
                self.peer = ev.peer;
            }
            EventKind::Accepted => {
                if let Some(client) = ev.client {
                    self.push(Step::Accept {
                        client,
                        peer: ev.peer,
                    });
                }
            }
            EventKind::Tx(d) => self.data(true, ev, d.len() as u64),
            EventKind::Rx(d) => self.data(false, ev, d.len() as u64),
            EventKind::FinSent => self.push(Step::Shutdown { client: ev.client }),
            EventKind::PeerFinHalfOpen => self.push(Step::PeerFin { client: ev.client }),
            EventKind::ReadingPaused => self.push(Step::RecvPaused),
            EventKind::ReadingResumed => self.push(Step::RecvResumed),
            EventKind::Closed { by, .. } => {
                let end = match by {
                    ClosedBy::Peer => End::PeerFin,
                    ClosedBy::Local => End::Local,
                };
                self.push(Step::Close {
                    client: ev.client,
                    end,
                });
            }
            EventKind::Reset { reason } => self.push(Step::Close {
                client: ev.client,
                end: if *reason == crate::net::ResetReason::ResetHere {
                    End::RstSent
                } else {
                    End::Rst
                },
            }),
            EventKind::Icmp(r) => self.push(Step::Icmp(*r)),
            EventKind::Error { kind, .. } if own => {
                self.last_error = Some(*kind);
                let call = self.failed_call(role, *kind);
                self.socket(role, ev.peer.or(ev.local));
                self.push(Step::Failed { call, kind: *kind });
            }
            _ => {}
        }
    }

    fn failed_call(&self, role: Role, kind: ErrorKind) -> &'static str {
        let bound = self
            .steps
            .iter()
            .any(|s| matches!(s, Step::Bind(_) | Step::Connect { done: true, .. }));
        if bound {
            let udp = matches!(role, Role::UdpSender | Role::UdpReceiver);
            return match kind {
                // Nothing to send to (an unnamed unix sender, a client gone): a send.
                ErrorKind::BadPayload | ErrorKind::MessageTooLong | ErrorKind::NotConnected
                    if udp =>
                {
                    "sendto"
                }
                ErrorKind::BadPayload | ErrorKind::MessageTooLong | ErrorKind::NotConnected => {
                    "send"
                }
                // A destination that does not resolve fails before any send: the lookup.
                ErrorKind::HostNotFound => "getaddrinfo",
                _ => "recv",
            };
        }
        match role {
            Role::TcpClient => "connect",
            Role::TcpServer if kind == ErrorKind::Internal => "listen",
            _ => "bind",
        }
    }

    fn data(&mut self, send: bool, ev: &Event, bytes: u64) {
        let (client, peer) = (ev.client, ev.peer);
        let merged = match self.steps.last_mut() {
            Some(Step::Send {
                client: c,
                peer: p,
                bytes: b,
                calls,
                each,
            }) if send && *c == client && *p == peer => Some((b, calls, each)),
            Some(Step::Recv {
                client: c,
                peer: p,
                bytes: b,
                calls,
                each,
            }) if !send && *c == client && *p == peer => Some((b, calls, each)),
            _ => None,
        };
        if let Some((b, calls, each)) = merged {
            *b += bytes;
            *calls += 1;
            if *each != Some(bytes) {
                *each = None;
            }
            return;
        }
        let each = Some(bytes);
        self.push(if send {
            Step::Send {
                client,
                peer,
                bytes,
                calls: 1,
                each,
            }
        } else {
            Step::Recv {
                client,
                peer,
                bytes,
                calls: 1,
                each,
            }
        });
    }
}
