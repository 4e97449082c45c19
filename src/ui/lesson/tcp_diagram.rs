//! The TCP diagram of the TCP client and server tabs: the three-way handshake, the data,
//! and the four-way teardown as a sequence diagram between the client (host A) and the
//! server (host B), with the session's real addresses and the current step highlighted.
//! What has happened comes from the session's [`Timeline`]; drawn with egui's painter.

use super::timeline::{End, Step, Timeline};
use crate::i18n::{Lang, loader};
use crate::net::Role;
use egui::{Align2, Color32, FontId, Pos2, RichText, Stroke, Ui, pos2, vec2};
use i18n_embed_fl::fl;
use std::net::SocketAddr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// What one connection went through, as the diagram needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    pub client: Option<SocketAddr>,
    pub server: Option<SocketAddr>,
    /// Handshake segments done: 0, 1 (SYN sent, waiting) or 3.
    pub handshake: u8,
    pub c2s_bytes: u64,
    pub s2c_bytes: u64,
    /// Who sent the first FIN (true = the client).
    pub fin_by_client: Option<bool>,
    /// Teardown segments done (0–4).
    pub teardown: u8,
    pub rst: bool,
    /// The RST came from this side (Reset), not from the peer.
    pub rst_here: bool,
    /// The step that happened last, as (section, arrow): 0 handshake, 1 data (0 client →
    /// server, 1 back), 2 teardown. None before anything happened (and after an RST).
    pub last: Option<(usize, usize)>,
}

impl Flow {
    /// `bytes` went from `from` to the other side.
    fn data(&mut self, from: Side, bytes: u64) {
        if from == Side::Client {
            self.c2s_bytes += bytes;
            self.last = Some((1, 0));
        } else {
            self.s2c_bytes += bytes;
            self.last = Some((1, 1));
        }
    }

    fn fin(&mut self, by: Side, both: bool) {
        let by_client = by == Side::Client;
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
}

/// The flow of the tab's connection: a TCP client's own, or (server) one client's —
/// `client` or, when None, the newest accepted.
pub fn flow(t: &Timeline, role: Role, client: Option<u64>) -> Flow {
    let mut f = Flow::default();
    let me = if role == Role::TcpClient {
        Side::Client
    } else {
        Side::Server
    };
    let peer_side = if me == Side::Client {
        Side::Server
    } else {
        Side::Client
    };
    let id = match role {
        Role::TcpClient => None,
        _ => client.or_else(|| {
            t.steps.iter().rev().find_map(|s| match s {
                Step::Accept { client, .. } => Some(*client),
                _ => None,
            })
        }),
    };
    if role == Role::TcpServer {
        f.server = t.local;
        if id.is_none() {
            return f;
        }
    } else {
        f.client = t.local;
        f.server = t.peer;
    }
    let mine = |c: &Option<u64>| *c == id;
    for s in &t.steps {
        match s {
            Step::Connect { to, done } => {
                f.server = *to;
                f.handshake = if *done { 3 } else { 1 };
                f.last = Some((0, if *done { 2 } else { 0 }));
            }
            Step::Accept { client, peer } if Some(*client) == id => {
                f.client = *peer;
                f.handshake = 3;
                f.last = Some((0, 2));
            }
            Step::Send { client, bytes, .. } if mine(client) => f.data(me, *bytes),
            Step::Recv { client, bytes, .. } if mine(client) => f.data(peer_side, *bytes),
            Step::Shutdown { client } if mine(client) => f.fin(me, false),
            Step::PeerFin { client } if mine(client) => f.fin(peer_side, false),
            Step::Close { client, end } if mine(client) => match end {
                End::Local => f.fin(me, true),
                End::PeerFin => f.fin(peer_side, true),
                End::Rst | End::RstSent => {
                    f.rst = true;
                    f.rst_here = *end == End::RstSent;
                    f.last = None;
                }
            },
            Step::Failed {
                call: "connect", ..
            } => {
                f.rst = true;
                f.last = None;
            }
            _ => {}
        }
    }
    if role == Role::TcpClient && t.local.is_some() {
        f.client = t.local;
    }
    f
}

struct Arrow {
    from_client: bool,
    name: String,
    note: String,
    done: bool,
}

fn endpoint(a: Option<SocketAddr>) -> String {
    a.map(|a| a.to_string()).unwrap_or_else(|| "?".into())
}

/// Draws the diagram of a tab's connection (on the TCP server: of the selected client).
pub fn show(ui: &mut Ui, t: &Timeline, role: Role, client: Option<u64>, lang: Lang) {
    let f = flow(t, role, client);
    ends(ui, &f, role, lang);
    let (hs, data, td) = (
        handshake(&f, lang),
        data_arrows(&f, lang),
        teardown(&f, lang),
    );
    // The highlight: the step that happened last; none before anything happened.
    let current = f.last;
    let sections: [(String, &[Arrow]); 3] = [
        (fl!(loader(lang), "dg-handshake"), &hs),
        (fl!(loader(lang), "dg-data"), &data),
        (fl!(loader(lang), "dg-teardown"), &td),
    ];
    egui::ScrollArea::vertical()
        .id_salt(("tcp_diagram", role.as_str()))
        .show(ui, |ui| {
            for (si, (title, arrows)) in sections.iter().enumerate() {
                ui.add_space(4.0);
                ui.label(RichText::new(title.as_str()).strong());
                if si == 1 && f.handshake < 3 {
                    ui.label(
                        RichText::new(fl!(loader(lang), "dg-waiting"))
                            .weak()
                            .small(),
                    );
                }
                for (ai, ar) in arrows.iter().enumerate() {
                    let is_current = current == Some((si, ai));
                    draw_arrow(ui, ar, is_current);
                }
                if si == 0 && f.rst {
                    let rst = reset(&f, role, lang);
                    draw_arrow_colored(ui, &rst, crate::ui::common::address_field::ERROR_RED, 2.5);
                }
            }
        });
}

/// The title and the two ends: the client on the left, the server on the right.
fn ends(ui: &mut Ui, f: &Flow, role: Role, lang: Lang) {
    ui.heading(fl!(loader(lang), "dg-title"));
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(format!(
                "{}\n{}",
                fl!(loader(lang), "dg-client"),
                endpoint(f.client)
            ))
            .strong(),
        );
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
            ui.label(
                RichText::new(format!(
                    "{}\n{}",
                    fl!(loader(lang), "dg-server"),
                    endpoint(f.server)
                ))
                .strong(),
            );
        });
    });
    if role == Role::TcpServer && f.client.is_none() {
        ui.label(RichText::new(fl!(loader(lang), "dg-no-client")).weak());
    }
}

/// The three-way handshake: SYN, SYN + ACK, ACK.
fn handshake(f: &Flow, lang: Lang) -> [Arrow; 3] {
    let client_port = f.client.map_or("?".into(), |a| a.port().to_string());
    let server_port = f.server.map_or("?".into(), |a| a.port().to_string());
    [
        Arrow {
            from_client: true,
            name: format!("SYN  {client_port} → {server_port}"),
            note: fl!(loader(lang), "dg-syn"),
            done: f.handshake >= 1,
        },
        Arrow {
            from_client: false,
            name: "SYN + ACK".into(),
            note: fl!(loader(lang), "dg-synack"),
            done: f.handshake >= 3,
        },
        Arrow {
            from_client: true,
            name: "ACK".into(),
            note: fl!(loader(lang), "dg-ack"),
            done: f.handshake >= 3,
        },
    ]
}

/// The data each way, in bytes.
fn data_arrows(f: &Flow, lang: Lang) -> [Arrow; 2] {
    [
        Arrow {
            from_client: true,
            name: fl!(loader(lang), "tl-bytes", n = f.c2s_bytes),
            note: fl!(loader(lang), "dg-data"),
            done: f.c2s_bytes > 0,
        },
        Arrow {
            from_client: false,
            name: fl!(loader(lang), "tl-bytes", n = f.s2c_bytes),
            note: fl!(loader(lang), "dg-data"),
            done: f.s2c_bytes > 0,
        },
    ]
}

/// The four-way teardown, from the side that closed first (the client when unknown).
fn teardown(f: &Flow, lang: Lang) -> [Arrow; 4] {
    let a = f.fin_by_client.unwrap_or(true);
    [
        Arrow {
            from_client: a,
            name: "FIN".into(),
            note: fl!(loader(lang), "dg-fin1"),
            done: f.teardown >= 1,
        },
        Arrow {
            from_client: !a,
            name: "ACK".into(),
            note: fl!(loader(lang), "dg-ack1"),
            done: f.teardown >= 2,
        },
        Arrow {
            from_client: !a,
            name: "FIN".into(),
            note: fl!(loader(lang), "dg-fin2"),
            done: f.teardown >= 3,
        },
        Arrow {
            from_client: a,
            name: "ACK".into(),
            note: fl!(loader(lang), "dg-ack2"),
            done: f.teardown >= 4,
        },
    ]
}

/// The RST, from the side that sent it: the peer, or this side after Reset.
fn reset(f: &Flow, role: Role, lang: Lang) -> Arrow {
    let this_side_is_client = role == Role::TcpClient;
    Arrow {
        from_client: if f.rst_here {
            this_side_is_client
        } else {
            !this_side_is_client
        },
        name: "RST".into(),
        note: fl!(loader(lang), "dg-reset"),
        done: true,
    }
}

fn draw_arrow(ui: &mut Ui, ar: &Arrow, current: bool) {
    let v = ui.visuals();
    let (color, width) = if current {
        (v.selection.stroke.color, 3.0)
    } else if ar.done {
        (v.strong_text_color(), 1.5)
    } else {
        (v.weak_text_color().gamma_multiply(0.6), 1.0)
    };
    draw_arrow_colored(ui, ar, color, width);
}

fn draw_arrow_colored(ui: &mut Ui, ar: &Arrow, color: Color32, width: f32) {
    let w = ui.available_width().max(160.0);
    let (rect, _) = ui.allocate_exact_size(vec2(w, 44.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    let lx = rect.left() + 14.0;
    let rx = rect.right() - 14.0;
    let life = Stroke::new(1.0, ui.visuals().weak_text_color());
    p.line_segment([pos2(lx, rect.top()), pos2(lx, rect.bottom())], life);
    p.line_segment([pos2(rx, rect.top()), pos2(rx, rect.bottom())], life);
    let (from, to) = if ar.from_client {
        (pos2(lx, rect.top() + 14.0), pos2(rx, rect.bottom() - 6.0))
    } else {
        (pos2(rx, rect.top() + 14.0), pos2(lx, rect.bottom() - 6.0))
    };
    let stroke = Stroke::new(width, color);
    p.line_segment([from, to], stroke);
    arrow_head(&p, from, to, stroke);
    let mid = pos2((lx + rx) / 2.0, rect.top() + 2.0);
    p.text(
        mid,
        Align2::CENTER_TOP,
        &ar.name,
        FontId::monospace(13.0),
        color,
    );
    p.text(
        pos2(mid.x, rect.bottom() - 2.0),
        Align2::CENTER_BOTTOM,
        &ar.note,
        FontId::proportional(11.0),
        color,
    );
}

fn arrow_head(p: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke) {
    let dir = (to - from).normalized();
    let n = vec2(-dir.y, dir.x);
    let a = to - dir * 10.0 + n * 5.0;
    let b = to - dir * 10.0 - n * 5.0;
    p.line_segment([to, a], stroke);
    p.line_segment([to, b], stroke);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{ClosedBy, Event, EventKind};

    fn ev(kind: EventKind, client: Option<u64>) -> Event {
        Event {
            ts_us: 0,
            role: Role::TcpServer,
            local: Some("127.0.0.1:7891".parse().unwrap()),
            peer: Some("127.0.0.1:50000".parse().unwrap()),
            client,
            kind,
        }
    }

    #[test]
    fn server_flow_follows_the_client() {
        let mut t = Timeline::new(Role::TcpServer);
        t.on_event(&ev(EventKind::Listening { backlog: 5 }, None));
        assert_eq!(flow(&t, Role::TcpServer, None).handshake, 0);
        t.on_event(&ev(EventKind::Accepted, Some(1)));
        t.on_event(&ev(EventKind::Rx(vec![0; 4]), Some(1)));
        let f = flow(&t, Role::TcpServer, None);
        assert_eq!(f.handshake, 3);
        assert_eq!(f.c2s_bytes, 4);
        assert_eq!(f.client.unwrap().port(), 50000);
        assert_eq!(f.server.unwrap().port(), 7891);
        t.on_event(&ev(
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: crate::net::CloseReason::PeerFin,
            },
            Some(1),
        ));
        let f = flow(&t, Role::TcpServer, None);
        assert_eq!((f.fin_by_client, f.teardown), (Some(true), 4));
    }

    #[test]
    fn only_what_happened_is_highlighted() {
        let mut t = Timeline::new(Role::TcpServer);
        // Idle: nothing, not SYN.
        assert_eq!(flow(&t, Role::TcpServer, None).last, None);
        t.on_event(&ev(EventKind::Listening { backlog: 5 }, None));
        assert_eq!(flow(&t, Role::TcpServer, None).last, None);
        t.on_event(&ev(EventKind::Accepted, Some(1)));
        // Connected, no data: the last ACK of the handshake, not server → client data.
        assert_eq!(flow(&t, Role::TcpServer, None).last, Some((0, 2)));
        t.on_event(&ev(EventKind::Rx(vec![0; 4]), Some(1)));
        assert_eq!(flow(&t, Role::TcpServer, None).last, Some((1, 0)));
        t.on_event(&ev(EventKind::Tx(vec![0; 2]), Some(1)));
        assert_eq!(flow(&t, Role::TcpServer, None).last, Some((1, 1)));
        t.on_event(&ev(
            EventKind::Closed {
                by: ClosedBy::Peer,
                reason: crate::net::CloseReason::PeerFin,
            },
            Some(1),
        ));
        assert_eq!(flow(&t, Role::TcpServer, None).last, Some((2, 3)));

        // A client that has not connected: nothing highlighted.
        let t = Timeline::new(Role::TcpClient);
        assert_eq!(flow(&t, Role::TcpClient, None).last, None);
    }
}
