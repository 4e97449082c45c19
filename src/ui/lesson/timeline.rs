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
        let unix = is_unix(self);
        self.steps
            .iter()
            .map(|s| step_text_in(s, lang, udp, unix))
            .collect()
    }
}

fn addr(lang: Lang, a: &Option<SocketAddr>) -> String {
    a.map(|a| crate::i18n::addr_in(lang, &a))
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

/// Whether the strip's socket is AF_UNIX (its socket() step says so).
fn is_unix(t: &Timeline) -> bool {
    t.steps
        .iter()
        .any(|s| matches!(s, Step::Socket { unix: true, .. }))
}

/// One step as text; `unix`: an AF_UNIX socket, whose close is an end of file, no FIN.
pub fn step_text_in(s: &Step, lang: Lang, udp: bool, unix: bool) -> String {
    match s {
        Step::Shutdown { client } if unix => {
            format!("{}shutdown(SHUT_WR)", client_tag(lang, client))
        }
        Step::PeerFin { client } if unix => {
            format!("{}recv() = 0 (EOF)", client_tag(lang, client))
        }
        Step::Close {
            client,
            end: End::PeerFin,
        } if unix => format!(
            "{}close() — {}",
            client_tag(lang, client),
            fl!(loader(lang), "tl-eof-from-peer")
        ),
        Step::Socket { stream, v6, unix } => format!(
            "socket({}, {})",
            match (*unix, *v6) {
                (true, _) => "AF_UNIX",
                (false, true) => "AF_INET6",
                (false, false) => "AF_INET",
            },
            if *stream { "SOCK_STREAM" } else { "SOCK_DGRAM" }
        ),
        Step::Bind(a) => format!("bind({})", addr(lang, a)),
        Step::Listen { backlog } => format!("listen({backlog})"),
        Step::Accept { client, peer } => format!(
            "accept() → {} #{client} {}",
            fl!(loader(lang), "tl-client"),
            addr(lang, peer)
        ),
        Step::Connect { to, done } => {
            format!(
                "connect({}){}",
                addr(lang, to),
                if *done { " ✓" } else { " …" }
            )
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
                format!("sendto({}) {n}", addr(lang, peer))
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
                format!("recvfrom() ← {} {n}", addr(lang, peer))
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
    let unix = is_unix(t);
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
                            let text = format!("{n:>4}. {}", step_text_in(s, lang, udp, unix));
                            ui.label(RichText::new(text).monospace().color(step_color(s, ui)));
                        }
                    },
                );
        });
    ui.data_mut(|d| d.insert_temp(id, open));
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
