//! The timeline strip of a session: the socket API calls as they happen, with the real
//! addresses — `socket()`, `bind()`, `listen(backlog)`, `accept() → client`, `connect()`,
//! `send()`/`recv()` with byte counts (consecutive ones merged), `shutdown()`, `close()` —
//! and how a connection ended (FIN from the peer, or RST). Built from the session's
//! events; the model has no GUI, [`show`] draws it.

use crate::i18n::{Lang, error_sentence, tr, trf};
use crate::net::{ClosedBy, ErrorKind, Event, EventKind, Role};
use egui::{Color32, RichText, Ui};
use std::net::SocketAddr;

/// Most steps kept; older ones are dropped (and counted).
pub const MAX_STEPS: usize = 300;

/// How a connection (or the session) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The peer sent FIN.
    PeerFin,
    /// The connection was reset (RST).
    Rst,
    /// This side closed.
    Local,
}

/// One socket API call (or a merged run of sends or receives).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Socket {
        stream: bool,
        v6: bool,
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
    Send {
        client: Option<u64>,
        peer: Option<SocketAddr>,
        bytes: u64,
        calls: u64,
    },
    Recv {
        client: Option<u64>,
        peer: Option<SocketAddr>,
        bytes: u64,
        calls: u64,
    },
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
            EventKind::Reset { .. } => self.push(Step::Close {
                client: ev.client,
                end: End::Rst,
            }),
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
            return match kind {
                ErrorKind::BadPayload | ErrorKind::MessageTooLong => "send",
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
        if let Some(last) = self.steps.last_mut() {
            match last {
                Step::Send {
                    client: c,
                    peer: p,
                    bytes: b,
                    calls,
                } if send && *c == client && *p == peer => {
                    *b += bytes;
                    *calls += 1;
                    return;
                }
                Step::Recv {
                    client: c,
                    peer: p,
                    bytes: b,
                    calls,
                } if !send && *c == client && *p == peer => {
                    *b += bytes;
                    *calls += 1;
                    return;
                }
                _ => {}
            }
        }
        self.push(if send {
            Step::Send {
                client,
                peer,
                bytes,
                calls: 1,
            }
        } else {
            Step::Recv {
                client,
                peer,
                bytes,
                calls: 1,
            }
        });
    }

    /// The steps as text, one per step (what the strip shows, and what tests read).
    pub fn texts(&self, lang: Lang) -> Vec<String> {
        let udp = self.role.is_some_and(|r| !r.is_tcp());
        self.steps.iter().map(|s| step_text(s, lang, udp)).collect()
    }
}

fn addr(a: &Option<SocketAddr>) -> String {
    a.map(|a| a.to_string()).unwrap_or_else(|| "?".into())
}

fn client_tag(lang: Lang, client: &Option<u64>) -> String {
    match client {
        Some(id) => format!("[{} #{id}] ", tr(lang, "tl.client")),
        None => String::new(),
    }
}

fn count(lang: Lang, bytes: u64, calls: u64) -> String {
    let b = trf(lang, "tl.bytes", &[("n", &bytes.to_string())]);
    if calls > 1 {
        format!(
            "{b} {}",
            trf(lang, "tl.times", &[("n", &calls.to_string())])
        )
    } else {
        b
    }
}

/// One step as text.
pub fn step_text(s: &Step, lang: Lang, udp: bool) -> String {
    match s {
        Step::Socket { stream, v6 } => format!(
            "socket({}, {})",
            if *v6 { "AF_INET6" } else { "AF_INET" },
            if *stream { "SOCK_STREAM" } else { "SOCK_DGRAM" }
        ),
        Step::Bind(a) => format!("bind({})", addr(a)),
        Step::Listen { backlog } => format!("listen({backlog})"),
        Step::Accept { client, peer } => format!(
            "accept() → {} #{client} {}",
            tr(lang, "tl.client"),
            addr(peer)
        ),
        Step::Connect { to, done } => {
            format!("connect({}){}", addr(to), if *done { " ✓" } else { " …" })
        }
        Step::Send {
            client,
            peer,
            bytes,
            calls,
        } => {
            if udp {
                format!("sendto({}) {}", addr(peer), count(lang, *bytes, *calls))
            } else {
                format!(
                    "{}send() {}",
                    client_tag(lang, client),
                    count(lang, *bytes, *calls)
                )
            }
        }
        Step::Recv {
            client,
            peer,
            bytes,
            calls,
        } => {
            if udp {
                format!(
                    "recvfrom() ← {} {}",
                    addr(peer),
                    count(lang, *bytes, *calls)
                )
            } else {
                format!(
                    "{}recv() {}",
                    client_tag(lang, client),
                    count(lang, *bytes, *calls)
                )
            }
        }
        Step::Shutdown { client } => format!("{}shutdown(SHUT_WR) → FIN", client_tag(lang, client)),
        Step::PeerFin { client } => {
            format!("{}recv() = 0 ← FIN", client_tag(lang, client))
        }
        Step::Close { client, end } => {
            let how = match end {
                End::PeerFin => tr(lang, "tl.fin_from_peer"),
                End::Rst => tr(lang, "tl.rst"),
                End::Local => tr(lang, "tl.closed_local"),
            };
            format!("{}close() — {how}", client_tag(lang, client))
        }
        Step::Failed { call, kind } => format!(
            "{call}() ✗ {}: {}",
            tr(lang, "tl.error"),
            error_sentence(lang, *kind)
        ),
    }
}

fn step_color(s: &Step, ui: &Ui) -> Color32 {
    match s {
        Step::Failed { .. } | Step::Close { end: End::Rst, .. } => super::address_field::ERROR_RED,
        Step::Close {
            end: End::PeerFin, ..
        }
        | Step::PeerFin { .. } => Color32::from_rgb(0xd0, 0x90, 0x20),
        Step::Send { .. } | Step::Recv { .. } => ui.visuals().text_color(),
        _ => ui.visuals().strong_text_color(),
    }
}

/// Draws the strip: the steps left to right, the newest in view.
pub fn show(ui: &mut Ui, t: &Timeline, lang: Lang, salt: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(tr(lang, "tl.title")).strong());
        if t.steps.is_empty() {
            ui.label(RichText::new(tr(lang, "tl.empty")).weak());
            return;
        }
        let udp = t.role.is_some_and(|r| !r.is_tcp());
        egui::ScrollArea::horizontal()
            .id_salt(("timeline", salt))
            .stick_to_right(true)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    if t.dropped > 0 {
                        ui.label(RichText::new(format!("… +{}", t.dropped)).weak());
                    }
                    for (i, s) in t.steps.iter().enumerate() {
                        if i > 0 || t.dropped > 0 {
                            ui.label(RichText::new("→").weak());
                        }
                        let text = RichText::new(step_text(s, lang, udp))
                            .monospace()
                            .color(step_color(s, ui));
                        let last = i + 1 == t.steps.len();
                        egui::Frame::new()
                            .stroke(egui::Stroke::new(
                                if last { 2.0 } else { 1.0 },
                                if last {
                                    ui.visuals().selection.stroke.color
                                } else {
                                    ui.visuals().widgets.noninteractive.bg_stroke.color
                                },
                            ))
                            .corner_radius(4.0)
                            .inner_margin(egui::Margin::symmetric(6, 2))
                            .show(ui, |ui| {
                                ui.label(text);
                            });
                    }
                });
            });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(role: Role, kind: EventKind, peer: Option<&str>, client: Option<u64>) -> Event {
        Event {
            ts_us: 0,
            role,
            local: Some("127.0.0.1:7891".parse().unwrap()),
            peer: peer.map(|p| p.parse().unwrap()),
            client,
            kind,
        }
    }

    #[test]
    fn tcp_server_steps_merge_and_end() {
        let r = Role::TcpServer;
        let mut t = Timeline::new(r);
        let c = Some("127.0.0.1:50000");
        for e in [
            ev(r, EventKind::Listening { backlog: 128 }, None, None),
            ev(r, EventKind::Accepted, c, Some(1)),
            ev(r, EventKind::Rx(vec![0; 5]), c, Some(1)),
            ev(r, EventKind::Rx(vec![0; 7]), c, Some(1)),
            ev(r, EventKind::Tx(vec![0; 3]), c, Some(1)),
            ev(
                r,
                EventKind::Closed {
                    by: ClosedBy::Peer,
                    reason: crate::net::CloseReason::PeerFin,
                },
                c,
                Some(1),
            ),
        ] {
            t.on_event(&e);
        }
        let texts = t.texts(Lang::En);
        assert_eq!(
            texts,
            vec![
                "socket(AF_INET, SOCK_STREAM)",
                "bind(127.0.0.1:7891)",
                "listen(128)",
                "accept() → client #1 127.0.0.1:50000",
                "[client #1] recv() 12 B ×2",
                "[client #1] send() 3 B",
                "[client #1] close() — ended: FIN from the peer",
            ]
        );
    }

    #[test]
    fn udp_and_errors() {
        let r = Role::UdpSender;
        let mut t = Timeline::new(r);
        t.on_event(&ev(r, EventKind::Bound, None, None));
        t.on_event(&ev(
            r,
            EventKind::Tx(vec![1; 4]),
            Some("127.0.0.1:8080"),
            None,
        ));
        let texts = t.texts(Lang::En);
        assert_eq!(texts[2], "sendto(127.0.0.1:8080) 4 B");

        let r = Role::TcpClient;
        let mut t = Timeline::new(r);
        t.on_event(&ev(r, EventKind::Connecting, Some("127.0.0.1:1"), None));
        t.on_event(&ev(
            r,
            EventKind::Error {
                kind: ErrorKind::Refused,
                detail: "x".into(),
            },
            Some("127.0.0.1:1"),
            None,
        ));
        let zh = t.texts(Lang::Zh);
        assert!(zh[2].starts_with("connect() ✗"), "{zh:?}");
        assert!(zh[2].contains("连接被拒绝"), "{zh:?}");
        assert_eq!(t.last_error, Some(ErrorKind::Refused));
    }

    #[test]
    fn bounded() {
        let r = Role::UdpReceiver;
        let mut t = Timeline::new(r);
        for i in 0..(MAX_STEPS as u16 + 50) {
            let peer = format!("127.0.0.1:{}", 1000 + i);
            t.on_event(&ev(r, EventKind::Rx(vec![0]), Some(&peer), None));
        }
        assert_eq!(t.steps.len(), MAX_STEPS);
        assert!(t.dropped > 0);
    }
}
