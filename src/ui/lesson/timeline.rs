//! Draws and words a session's timeline strip (the model is `crate::session::timeline`):
//! each socket call as one short text in the UI's language.

use crate::i18n::{Lang, error_sentence, loader};
pub use crate::session::timeline::{End, Step, Timeline};
use i18n_embed_fl::fl;

use crate::net::Role;
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
                End::RstSent => fl!(loader(lang), "tl-rst-sent"),
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
        Step::Failed { .. }
        | Step::Close {
            end: End::Rst | End::RstSent,
            ..
        } => crate::ui::common::address_field::ERROR_RED,
        Step::Close {
            end: End::PeerFin, ..
        }
        | Step::PeerFin { .. } => crate::ui::common::style::NOTE_AMBER,
        Step::Send { .. } | Step::Recv { .. } => ui.visuals().text_color(),
        _ => ui.visuals().strong_text_color(),
    }
}

/// What the empty strip says: press the tab's own start button (Bind, Connect, Listen).
pub fn empty_hint(lang: Lang, role: Option<Role>) -> String {
    let button = match role {
        Some(Role::TcpClient) => fl!(loader(lang), "btn-connect"),
        Some(Role::TcpServer) => fl!(loader(lang), "btn-listen"),
        _ => fl!(loader(lang), "btn-bind"),
    };
    fl!(loader(lang), "tl-empty", button = button)
}

/// How many of the newest steps fit in `width`: `widths` are the steps' drawn widths
/// (oldest first), `gap` the arrow between two, `marker` the "… earlier" label shown when
/// some are left out. At least the newest one.
pub fn fitting(widths: &[f32], gap: f32, marker: f32, width: f32) -> usize {
    let mut used = 0.0;
    let mut n = 0;
    for (i, w) in widths.iter().enumerate().rev() {
        let add = if n == 0 { *w } else { w + gap };
        // Room for the marker too, unless this is the oldest step.
        let need = if i == 0 { 0.0 } else { marker + gap };
        if n > 0 && used + add + need > width {
            break;
        }
        used += add;
        n += 1;
    }
    n.max(usize::from(!widths.is_empty()))
}

/// Draws the strip: the newest steps in full, left to right; the earlier ones that do
/// not fit are counted in a "… N earlier" label at the left (hover lists them).
pub fn show(ui: &mut Ui, t: &Timeline, lang: Lang, _salt: &str) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(fl!(loader(lang), "tl-title")).strong());
        if t.steps.is_empty() {
            let text = if t.local.is_some() {
                fl!(loader(lang), "tl-cleared")
            } else {
                empty_hint(lang, t.role())
            };
            ui.label(RichText::new(text).weak());
            return;
        }
        let texts = t.texts(lang);
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        let body = egui::TextStyle::Body.resolve(ui.style());
        let spacing = ui.spacing().item_spacing.x;
        let measure = |ui: &Ui, s: &str, f: &egui::FontId| {
            ui.fonts_mut(|fonts| {
                fonts
                    .layout_no_wrap(s.to_string(), f.clone(), Color32::WHITE)
                    .size()
                    .x
            })
        };
        // A framed step: its text, the inner margin and the stroke.
        let widths: Vec<f32> = texts
            .iter()
            .map(|s| measure(ui, s, &font) + 12.0 + 4.0)
            .collect();
        let gap = measure(ui, "→", &body) + 2.0 * spacing;
        let most = t.dropped + texts.len() as u64;
        let probe = fl!(loader(lang), "tl-earlier", n = most);
        let marker = measure(ui, &probe, &body) + spacing;
        let n = fitting(&widths, gap, marker, ui.available_width());
        let hidden = texts.len() - n;
        let earlier = t.dropped + hidden as u64;
        if earlier > 0 {
            let list = texts[hidden.saturating_sub(30)..hidden].join(" → ");
            let r = ui.label(RichText::new(fl!(loader(lang), "tl-earlier", n = earlier)).weak());
            if !list.is_empty() {
                r.on_hover_text(list);
            }
        }
        for (i, (s, text)) in t.steps.iter().zip(&texts).enumerate().skip(hidden) {
            if i > hidden {
                ui.label(RichText::new("→").weak());
            }
            let rich = RichText::new(text.as_str())
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
                    ui.label(rich);
                });
        }
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

    #[test]
    fn the_newest_steps_fit_whole_and_the_earlier_are_counted() {
        // Everything fits: all shown.
        assert_eq!(fitting(&[10.0, 10.0, 10.0], 5.0, 20.0, 100.0), 3);
        // 100 wide: the newest two (40 + 5 + 40) and the marker (20 + 5) do not all fit.
        assert_eq!(fitting(&[40.0, 40.0, 40.0], 5.0, 20.0, 100.0), 1);
        assert_eq!(fitting(&[40.0, 40.0, 40.0], 5.0, 20.0, 115.0), 2);
        // The newest is shown even when it alone is wider.
        assert_eq!(fitting(&[40.0, 400.0], 5.0, 20.0, 100.0), 1);
        assert_eq!(fitting(&[], 5.0, 20.0, 100.0), 0);
    }

    #[test]
    fn the_empty_strip_names_the_tabs_button() {
        assert!(empty_hint(Lang::En, Some(Role::TcpServer)).contains("Listen"));
        assert!(empty_hint(Lang::En, Some(Role::TcpClient)).contains("Connect"));
        assert!(empty_hint(Lang::En, Some(Role::UdpReceiver)).contains("Bind"));
        assert!(!empty_hint(Lang::En, Some(Role::UdpSender)).contains("start button"));
        assert!(empty_hint(Lang::Zh, Some(Role::TcpServer)).contains("监听"));
    }
}
