//! The TCP diagram of the TCP client and server tabs: the three-way handshake, the data,
//! and the four-way teardown as a sequence diagram between the client (host A) and the
//! server (host B), with the connection's real addresses and the current step
//! highlighted. What has happened comes from the runtime's typed state of each connection
//! ([`TcpFlows`], kept in the session's status), never from the timeline strip or the
//! log; drawn with egui's painter, each arrow carrying its words for screen readers.

use crate::i18n::{Lang, loader};
use crate::net::Role;
pub use crate::session::tcp_flow::{ConnFlow as Flow, ConnectFailure, TcpFlows};
use egui::{Align2, Color32, FontId, Pos2, RichText, Stroke, Ui, pos2, vec2};
use i18n_embed_fl::fl;
use std::net::SocketAddr;

/// The connection the diagram of a tab shows: a TCP client's own, or (server) client
/// `client`, else the newest accepted one. None: a server with no client yet.
pub fn flow(st: &crate::session::Status, role: Role, client: Option<u64>) -> Option<Flow> {
    st.tcp.pick(role, client).cloned()
}

/// The tab's counters beside the diagram: (received, sent) bytes.
pub type Counts = (u64, u64);

struct Arrow {
    from_client: bool,
    name: String,
    note: String,
    done: bool,
}

fn endpoint(lang: Lang, a: Option<SocketAddr>) -> String {
    a.map(|a| crate::i18n::addr_in(lang, &a))
        .unwrap_or_else(|| "?".into())
}

/// Draws the diagram of a tab's connection (on the TCP server: of the selected client).
/// `counts`: the tab's (or, on a server, that client's) counters, to say when they count
/// more than this connection.
pub fn show(
    ui: &mut Ui,
    flows: &TcpFlows,
    role: Role,
    client: Option<u64>,
    counts: Option<Counts>,
    lang: Lang,
) {
    let Some(f) = flows.pick(role, client) else {
        let server = Flow {
            server: flows.listening,
            ..Flow::default()
        };
        ends(ui, &server, lang, compact(ui));
        ui.label(RichText::new(fl!(loader(lang), "dg-no-client")).weak());
        return;
    };
    let compact = compact(ui);
    if is_unix(f) {
        return unix_flow(ui, f, role, counts, lang, compact);
    }
    ends(ui, f, lang, compact);
    let (hs, data, td) = (handshake(f, lang), data_arrows(f, lang), teardown(f, lang));
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
            if let Some(ConnectFailure::NotAttempted(kind)) = f.failure {
                // No SYN left this host: no connection to draw at all.
                let why = crate::i18n::error_sentence(lang, kind);
                crate::ui::common::style::error_label(
                    ui,
                    &fl!(loader(lang), "dg-not-attempted", why = why),
                );
                return;
            }
            for (si, (title, arrows)) in sections.iter().enumerate() {
                if compact {
                    ui.add_space(1.0);
                    ui.label(RichText::new(title.as_str()).small().strong());
                } else {
                    ui.add_space(4.0);
                    ui.label(RichText::new(title.as_str()).strong());
                }
                if si == 0 {
                    failure_note(ui, f, lang);
                }
                if si == 1 && f.handshake < 3 && f.failure.is_none() {
                    ui.label(
                        RichText::new(fl!(loader(lang), "dg-waiting"))
                            .weak()
                            .small(),
                    );
                }
                for (ai, ar) in arrows.iter().enumerate() {
                    let is_current = current == Some((si, ai));
                    draw_arrow(ui, ar, is_current, compact);
                }
                if si == 0 && f.rst {
                    let rst = reset(f, role, lang);
                    let red = crate::ui::common::address_field::ERROR_RED;
                    // The RST is what happened last: its words show, compact or not.
                    draw_arrow_colored(ui, &rst, red, 2.5, compact);
                    if compact {
                        note_line(ui, &rst.note, red);
                    }
                }
                if si == 1 {
                    counts_note(ui, f, role, counts, lang);
                }
            }
        });
}

/// A unix socket's connection (its ends are stand-in addresses).
fn is_unix(f: &Flow) -> bool {
    [f.client, f.server]
        .iter()
        .flatten()
        .any(crate::net::unix_name::is_stand_in)
}

/// AF_UNIX: no packets, so no handshake or teardown to draw: the kernel joins the two
/// sockets at connect()/accept() and a close is seen as recv() returning 0. The data
/// arrows are the same as TCP's.
fn unix_flow(ui: &mut Ui, f: &Flow, role: Role, counts: Option<Counts>, lang: Lang, compact: bool) {
    ends(ui, f, lang, compact);
    let l = loader(lang);
    let open = f.handshake >= 3;
    let note = |ui: &mut Ui, key: String, done: bool| {
        let text = RichText::new(key).small();
        ui.label(if done { text } else { text.weak() });
    };
    note(ui, fl!(l, "dg-unix-connect"), open);
    ui.label(RichText::new(fl!(l, "dg-data")).strong());
    let data = data_arrows(f, lang);
    for ar in &data {
        draw_arrow(ui, ar, false, compact);
    }
    counts_note(ui, f, role, counts, lang);
    let closed = f.teardown > 0 || f.rst;
    note(ui, fl!(l, "dg-unix-close"), closed);
}

/// A narrow column (simple mode) or a short window: each arrow is one row with its name,
/// and only the current step's words are written out (the others are on hover and in
/// each arrow's accessible words).
fn compact(ui: &Ui) -> bool {
    ui.available_width() < 260.0 || ui.ctx().content_rect().height() < 760.0
}

/// The words of the current step under its arrow (compact drawing).
fn note_line(ui: &mut Ui, note: &str, color: Color32) {
    ui.label(RichText::new(note).small().color(color));
}

/// Why a SYN went out and no connection came of it.
fn failure_note(ui: &mut Ui, f: &Flow, lang: Lang) {
    let text = match f.failure {
        Some(ConnectFailure::Refused) => fl!(loader(lang), "dg-refused"),
        Some(ConnectFailure::NoAnswer(kind)) => {
            let why = crate::i18n::error_sentence(lang, kind);
            fl!(loader(lang), "dg-no-answer", why = why)
        }
        _ => return,
    };
    crate::ui::common::style::error_label(ui, &text);
}

/// When the tab's counters count more than this connection (earlier connections, other
/// clients), says so: the arrows are this connection's bytes.
fn counts_note(ui: &mut Ui, f: &Flow, role: Role, counts: Option<Counts>, lang: Lang) {
    let Some((rx, tx)) = counts else {
        return;
    };
    let mine = if role == Role::TcpClient {
        (f.s2c_bytes, f.c2s_bytes)
    } else {
        (f.c2s_bytes, f.s2c_bytes)
    };
    if mine != (rx, tx) {
        ui.label(
            RichText::new(fl!(loader(lang), "dg-tab-counts", rx = rx, tx = tx))
                .weak()
                .small(),
        );
    }
}

/// The title and the two ends: the client on the left, the server on the right.
fn ends(ui: &mut Ui, f: &Flow, lang: Lang, compact: bool) {
    let title = if is_unix(f) {
        fl!(loader(lang), "dg-unix-title")
    } else {
        fl!(loader(lang), "dg-title")
    };
    if compact {
        ui.label(RichText::new(title).strong());
    } else {
        ui.heading(title);
    }
    // Each end in its half, wrapped at its edge: two long unix paths would otherwise
    // overlap.
    let half = (ui.available_width() - ui.spacing().item_spacing.x).max(0.0) / 2.0;
    let end = |ui: &mut Ui, who: String, a: Option<SocketAddr>| {
        ui.set_max_width(half);
        let text = format!("{who}\n{}", endpoint(lang, a));
        ui.add(egui::Label::new(RichText::new(text).strong()).wrap());
    };
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| end(ui, fl!(loader(lang), "dg-client"), f.client));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
            ui.with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
                end(ui, fl!(loader(lang), "dg-server"), f.server)
            });
        });
    });
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

fn draw_arrow(ui: &mut Ui, ar: &Arrow, current: bool, compact: bool) {
    let v = ui.visuals();
    let (color, width) = if current {
        (v.selection.stroke.color, 3.0)
    } else if ar.done {
        (v.strong_text_color(), 1.5)
    } else {
        (v.weak_text_color().gamma_multiply(0.6), 1.0)
    };
    draw_arrow_colored(ui, ar, color, width, compact);
    if compact && current {
        note_line(ui, &ar.note, color);
    }
}

/// One arrow between the lifelines: roomy, 44 px with its name over it and its note under
/// it; compact, 18 px with its name alone (the note on hover).
fn draw_arrow_colored(ui: &mut Ui, ar: &Arrow, color: Color32, width: f32, compact: bool) {
    let w = ui
        .available_width()
        .max(if compact { 120.0 } else { 160.0 });
    let h = if compact { 18.0 } else { 44.0 };
    let (rect, resp) = ui.allocate_exact_size(vec2(w, h), egui::Sense::hover());
    // Painted text is not in the accessibility tree: the arrow says its words itself.
    let words = format!(
        "{} {}: {}",
        if ar.from_client { "→" } else { "←" },
        ar.name,
        ar.note
    );
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &words));
    let p = ui.painter_at(rect);
    let inset = if compact { 6.0 } else { 14.0 };
    let lx = rect.left() + inset;
    let rx = rect.right() - inset;
    let life = Stroke::new(1.0, ui.visuals().weak_text_color());
    p.line_segment([pos2(lx, rect.top()), pos2(lx, rect.bottom())], life);
    p.line_segment([pos2(rx, rect.top()), pos2(rx, rect.bottom())], life);
    // Compact: the name on top, the line under it slanting down 4 px.
    let (y0, y1) = if compact {
        (rect.top() + 12.0, rect.bottom() - 2.0)
    } else {
        (rect.top() + 14.0, rect.bottom() - 6.0)
    };
    let (from, to) = if ar.from_client {
        (pos2(lx, y0), pos2(rx, y1))
    } else {
        (pos2(rx, y0), pos2(lx, y1))
    };
    let stroke = Stroke::new(width, color);
    p.line_segment([from, to], stroke);
    arrow_head(&p, from, to, stroke, if compact { 6.0 } else { 10.0 });
    let mid = pos2(
        (lx + rx) / 2.0,
        rect.top() + if compact { 0.0 } else { 2.0 },
    );
    let name_size = if compact { 11.0 } else { 13.0 };
    p.text(
        mid,
        Align2::CENTER_TOP,
        &ar.name,
        FontId::monospace(name_size),
        color,
    );
    if compact {
        resp.on_hover_text(&ar.note);
        return;
    }
    p.text(
        pos2(mid.x, rect.bottom() - 2.0),
        Align2::CENTER_BOTTOM,
        &ar.note,
        FontId::proportional(11.0),
        color,
    );
}

fn arrow_head(p: &egui::Painter, from: Pos2, to: Pos2, stroke: Stroke, len: f32) {
    let dir = (to - from).normalized();
    let n = vec2(-dir.y, dir.x);
    let a = to - dir * len + n * (len / 2.0);
    let b = to - dir * len - n * (len / 2.0);
    p.line_segment([to, a], stroke);
    p.line_segment([to, b], stroke);
}
