//! Draws and words a session's timeline strip (the model is `crate::session::timeline`):
//! each socket call as one short text in the UI's language.

use crate::i18n::{Lang, error_sentence, loader};
pub use crate::session::timeline::{End, Step, Timeline};
use i18n_embed_fl::fl;

use egui::{Color32, RichText, Ui};
use std::net::SocketAddr;

impl Timeline {
    /// The steps as text, one per step (what the strip shows, and what tests read).
    pub fn texts(&self, lang: Lang) -> Vec<String> {
        let udp = self.role().is_some_and(|r| !r.is_tcp());
        self.steps.iter().map(|s| step_text(s, lang, udp)).collect()
    }
}

fn addr(a: &Option<SocketAddr>) -> String {
    a.map(|a| a.to_string()).unwrap_or_else(|| "?".into())
}

fn client_tag(lang: Lang, client: &Option<u64>) -> String {
    match client {
        Some(id) => format!("[{} #{id}] ", fl!(loader(lang), "tl-client")),
        None => String::new(),
    }
}

fn count(lang: Lang, bytes: u64, calls: u64) -> String {
    let b = fl!(loader(lang), "tl-bytes", n = bytes);
    if calls > 1 {
        format!("{b} {}", fl!(loader(lang), "tl-times", n = calls))
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
            fl!(loader(lang), "tl-client"),
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
                End::PeerFin => fl!(loader(lang), "tl-fin-from-peer"),
                End::Rst => fl!(loader(lang), "tl-rst"),
                End::Local => fl!(loader(lang), "tl-closed-local"),
            };
            format!("{}close() — {how}", client_tag(lang, client))
        }
        Step::Failed { call, kind } => format!(
            "{call}() ✗ {}: {}",
            fl!(loader(lang), "tl-error"),
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
        ui.label(RichText::new(fl!(loader(lang), "tl-title")).strong());
        if t.steps.is_empty() {
            ui.label(RichText::new(fl!(loader(lang), "tl-empty")).weak());
            return;
        }
        let udp = t.role().is_some_and(|r| !r.is_tcp());
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
    use crate::net::{ClosedBy, ErrorKind, Event, EventKind, Role};
    use crate::session::timeline::MAX_STEPS;

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
