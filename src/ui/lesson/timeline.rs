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
    a.map(|a| crate::net::addr::show(&a))
        .unwrap_or_else(|| "?".into())
}

fn client_tag(lang: Lang, client: &Option<u64>) -> String {
    match client {
        Some(id) => format!("[{} #{id}] ", fl!(loader(lang), "tl-client")),
        None => String::new(),
    }
}

/// What a run of calls moved: one call's size (`4 B`), or the calls with each one's size
/// and the total (`×4, 4 B each, 16 B in all`), or, when their sizes differ, the calls
/// and the total (`×3, 21 B in all`). Never a total that reads as each call's size.
pub fn count(lang: Lang, bytes: u64, calls: u64, each: Option<u64>) -> String {
    let l = loader(lang);
    match (calls, each) {
        (0 | 1, _) => fl!(l, "tl-bytes", n = bytes),
        (_, Some(each)) => fl!(
            l,
            "tl-calls-each",
            calls = calls,
            each = each,
            total = bytes
        ),
        (_, None) => fl!(l, "tl-calls-total", calls = calls, total = bytes),
    }
}

/// One step as text.
pub fn step_text(s: &Step, lang: Lang, udp: bool) -> String {
    match s {
        Step::Socket { stream, v6, unix } => format!(
            "socket({}, {})",
            match (*unix, *v6) {
                (true, _) => "AF_UNIX",
                (false, true) => "AF_INET6",
                (false, false) => "AF_INET",
            },
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
            each,
        } => {
            let n = count(lang, *bytes, *calls, *each);
            if udp {
                format!("sendto({}) {n}", addr(peer))
            } else {
                format!("{}send() {n}", client_tag(lang, client))
            }
        }
        Step::Recv {
            client,
            peer,
            bytes,
            calls,
            each,
        } => {
            let n = count(lang, *bytes, *calls, *each);
            if udp {
                format!("recvfrom() ← {} {n}", addr(peer))
            } else {
                format!("{}recv() {n}", client_tag(lang, client))
            }
        }
        Step::RecvPaused => format!("recv() {}", fl!(loader(lang), "tl-recv-paused")),
        Step::RecvResumed => format!("recv() ▶ {}", fl!(loader(lang), "tl-recv-resumed")),
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
        Step::Icmp(r) => format!("sendto() ← ICMP ✗ {}", crate::i18n_icmp::report(lang, r)),
    }
}

fn step_color(s: &Step, ui: &Ui) -> Color32 {
    match s {
        Step::Failed { .. }
        | Step::Icmp(_)
        | Step::Close {
            end: End::Rst | End::RstSent,
            ..
        } => crate::ui::common::address_field::ERROR_RED,
        Step::Close {
            end: End::PeerFin, ..
        }
        | Step::PeerFin { .. }
        | Step::RecvPaused
        | Step::RecvResumed => crate::ui::common::style::NOTE_AMBER,
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
/// not fit are counted in a "… N earlier" button at the left, which opens them in a
/// scrollable window (the steps still kept; older ones are counted there).
pub fn show(ui: &mut Ui, t: &Timeline, lang: Lang, salt: &str) {
    let list_id = egui::Id::unique(("tl-earlier", salt));
    let mut hidden_now = 0;
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
        // The marker is a button: its padding too.
        let marker = measure(ui, &probe, &body) + spacing + 2.0 * ui.spacing().button_padding.x;
        let n = fitting(&widths, gap, marker, ui.available_width());
        let hidden = texts.len() - n;
        hidden_now = hidden;
        let earlier = t.dropped + hidden as u64;
        if earlier > 0 {
            let text = RichText::new(fl!(loader(lang), "tl-earlier", n = earlier)).weak();
            if ui
                .button(text)
                .on_hover_text(fl!(loader(lang), "tl-earlier-tip"))
                .clicked()
            {
                let open = ui.data(|d| d.get_temp::<bool>(list_id).unwrap_or(false));
                ui.data_mut(|d| d.insert_temp(list_id, !open));
            }
        }
        for (i, (s, text)) in t.steps.iter().zip(&texts).enumerate().skip(hidden) {
            if i > hidden {
                ui.label(RichText::new("→").weak());
            }
            step_frame(ui, s, text, i + 1 == t.steps.len());
        }
    });
    earlier_window(ui, t, lang, list_id, hidden_now);
}

/// One step in its frame (the newest one in the selection colour).
fn step_frame(ui: &mut Ui, s: &Step, text: &str, last: bool) {
    let rich = RichText::new(text).monospace().color(step_color(s, ui));
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

/// The earlier calls (those the strip has no room for), one a line, numbered from the
/// session's first call, in a window of their own that scrolls; open while the button
/// left it open.
fn earlier_window(ui: &mut Ui, t: &Timeline, lang: Lang, id: egui::Id, hidden: usize) {
    let mut open = ui.data(|d| d.get_temp::<bool>(id).unwrap_or(false));
    if !open {
        return;
    }
    let udp = t.role().is_some_and(|r| !r.is_tcp());
    egui::Window::new(fl!(loader(lang), "tl-earlier-title"))
        .id(id.with("window"))
        .open(&mut open)
        .default_size([420.0, 300.0])
        .show(ui.ctx(), |ui| {
            if t.dropped > 0 {
                ui.label(
                    RichText::new(fl!(loader(lang), "tl-earlier-dropped", n = t.dropped)).weak(),
                );
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show_rows(
                    ui,
                    ui.text_style_height(&egui::TextStyle::Monospace),
                    hidden,
                    |ui, range| {
                        for i in range {
                            let Some(s) = t.steps.get(i) else { continue };
                            let n = t.dropped + i as u64 + 1;
                            let text = format!("{n:>4}. {}", step_text(s, lang, udp));
                            ui.label(RichText::new(text).monospace().color(step_color(s, ui)));
                        }
                    },
                );
        });
    ui.data_mut(|d| d.insert_temp(id, open));
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
            opcode: None,
        }
    }

    #[test]
    fn a_unix_socket_is_af_unix_on_the_strip() {
        let name = crate::net::addr::unix("unix:/tmp/class.sock")
            .and_then(Result::ok)
            .expect("a unix address");
        let mut e = ev(
            Role::TcpServer,
            EventKind::Listening { backlog: 128 },
            None,
            None,
        );
        e.local = Some(crate::net::unix_name::stand_in(&name));
        let mut t = Timeline::new(Role::TcpServer);
        t.on_event(&e);
        let texts = t.texts(Lang::En);
        assert_eq!(
            texts.first().map(String::as_str),
            Some("socket(AF_UNIX, SOCK_STREAM)")
        );
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
                "[client #1] recv() ×2, 12 B in all",
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
        // A mistyped host fails its lookup, not a recv().
        t.on_event(&ev(
            r,
            EventKind::Error {
                kind: ErrorKind::HostNotFound,
                detail: "x".into(),
            },
            None,
            None,
        ));
        let texts = t.texts(Lang::En);
        assert!(texts[3].starts_with("getaddrinfo() ✗"), "{texts:?}");

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
    fn grouped_calls_say_each_size_and_the_total() {
        let r = Role::UdpReceiver;
        let mut t = Timeline::new(r);
        let p = Some("127.0.0.1:7890");
        for _ in 0..4 {
            t.on_event(&ev(r, EventKind::Rx(vec![0; 4]), p, None));
        }
        assert_eq!(
            t.texts(Lang::Zh)[0],
            "recvfrom() ← 127.0.0.1:7890 ×4, 每次 4 字节, 共 16 字节"
        );
        assert_eq!(
            t.texts(Lang::En)[0],
            "recvfrom() ← 127.0.0.1:7890 ×4, 4 B each, 16 B in all"
        );
        let mut t = Timeline::new(r);
        t.on_event(&ev(r, EventKind::Rx(vec![0; 4]), p, None));
        assert_eq!(t.texts(Lang::Zh)[0], "recvfrom() ← 127.0.0.1:7890 4 字节");
        for n in [7, 10] {
            t.on_event(&ev(r, EventKind::Rx(vec![0; n]), p, None));
        }
        assert_eq!(
            t.texts(Lang::Zh)[0],
            "recvfrom() ← 127.0.0.1:7890 ×3, 共 21 字节"
        );
        // Pause and resume are steps of their own: the read after them is not merged.
        let r = Role::TcpClient;
        let mut t = Timeline::new(r);
        t.on_event(&ev(r, EventKind::Connected, p, None));
        t.on_event(&ev(r, EventKind::ReadingPaused, p, None));
        t.on_event(&ev(r, EventKind::ReadingResumed, p, None));
        t.on_event(&ev(r, EventKind::Rx(vec![0; 21]), p, None));
        let zh = t.texts(Lang::Zh);
        assert_eq!(zh[2], "recv() 暂停接收（数据留在内核里）");
        assert_eq!(zh[3], "recv() ▶ 恢复接收");
        assert_eq!(zh[4], "recv() 21 字节");
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
