//! Drawing one tab, whatever its role: the lesson's hint, the address fields and the
//! main button, the send box with the tools under it, the TCP server's client list, the
//! log, and the status line. The tab's state is [`SessionPanel`] (in [`super::tab`]).

use super::status_words::writer_error_text;
use super::tab::SessionPanel;
use super::toolkit::{self, ToolsEdit, ToolsView};
use super::{tcp_server, udp_receiver};
use crate::i18n::{Lang, loader};
use crate::net::{Notifier, Role};
use crate::ui::common::address_field::ERROR_RED;
use crate::ui::common::style::whole;
use crate::ui::dialogs::save::thousands;
use crate::ui::log::log_view;
use crate::ui::tools::send_box;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The status line: state, local address, counters, rows shown, notice. True when "Save
/// the rest…" of a record that stopped was clicked (see [`SessionPanel::save_rest`]).
pub fn status_line(ui: &mut Ui, p: &SessionPanel) -> bool {
    ui.horizontal_wrapped(|ui| status_items(ui, p)).inner
}

/// The status line's parts, in a row the caller opened (a lab pane puts its title first).
/// True when "Save the rest…" was clicked.
pub fn status_items(ui: &mut Ui, p: &SessionPanel) -> bool {
    let mut save_rest = false;
    let lang = p.lang;
    let mut state = p.st.state.text_in(lang);
    if p.role == Role::TcpServer && p.st.listen_stopped && p.is_running() {
        state = fl!(loader(lang), "state-not-listening");
    }
    // The state may be a long error: cut, whole on hover.
    let state = RichText::new(state)
        .color(crate::ui::common::style::state_color(&p.st.state))
        .strong();
    crate::ui::common::style::shortened(ui, state, 0.45);
    if let Some(l) = p.st.local {
        ui.separator();
        whole(
            ui,
            fl!(
                loader(lang),
                "status-local",
                addr = crate::i18n::addr_in(lang, &l)
            ),
        );
    }
    let warn = p.settings.tls.warns(p.role);
    super::tls_status::items(ui, lang, warn, &p.st);
    let paused_now = p.role.is_tcp() && p.is_running() && p.st.reading_paused;
    super::pause_toggle::status(ui, lang, paused_now);
    ui.separator();
    let (c, refused, dropped, since_clear, checks, icmp) = {
        let v = p.view();
        let s = &v.store;
        let d = (s.kernel_dropped, s.drops_since_clear);
        (s.counters, s.refused, d.0, d.1, s.checks, s.icmp)
    };
    // One piece: wrapped, Chinese breaks between any two characters ("字 / 节").
    let (counters, tip) = counters_text(lang, p.role, &c);
    ui.add(egui::Label::new(counters).wrap_mode(egui::TextWrapMode::Extend))
        .on_hover_text(tip);
    ui.separator();
    let (held, err) = p.held_text();
    if err {
        whole(ui, RichText::new(held).color(ERROR_RED));
    } else {
        whole(ui, held).on_hover_text(fl!(loader(lang), "held-tip"));
    }
    if checks.good + checks.bad > 0 {
        ui.separator();
        let (good, bad) = (thousands(checks.good), thousands(checks.bad));
        let t = fl!(
            loader(lang),
            "status-checks",
            good = good.as_str(),
            bad = bad.as_str()
        );
        let t = if checks.bad > 0 {
            RichText::new(t).color(ERROR_RED)
        } else {
            RichText::new(t)
        };
        whole(ui, t).on_hover_text(fl!(loader(lang), "status-checks-tip"));
    }
    warn_count(ui, lang, refused, WarnCount::Refused);
    warn_count(ui, lang, icmp, WarnCount::Icmp);
    if dropped > 0 {
        ui.separator();
        let n = thousands(dropped);
        whole(
            ui,
            RichText::new(if since_clear {
                fl!(
                    loader(lang),
                    "status-kernel-dropped-since-clear",
                    n = n.as_str()
                )
            } else {
                fl!(loader(lang), "status-kernel-dropped", n = n.as_str())
            })
            .color(ERROR_RED),
        )
        .on_hover_text(fl!(loader(lang), "status-kernel-dropped-tip"));
    }
    if p.st.recording.is_some() {
        ui.separator();
        whole(ui, fl!(loader(lang), "status-recording"));
    }
    if let Some(e) = &p.st.record_error {
        ui.separator();
        let text = RichText::new(writer_error_text(lang, e)).color(ERROR_RED);
        crate::ui::common::style::shortened(ui, text, 0.45);
        // The spool still holds what the record misses: offered while it does.
        if e.rest_from.is_some() && p.st.spool_error.is_none() {
            save_rest = ui
                .button(fl!(loader(lang), "save-rest"))
                .on_hover_text(fl!(loader(lang), "save-rest-tip"))
                .clicked();
        }
    }
    if let Some((m, err)) = &p.notice {
        ui.separator();
        if *err {
            crate::ui::common::style::shortened(ui, RichText::new(m).color(ERROR_RED), 0.45);
        } else {
            crate::ui::common::style::shortened(ui, RichText::new(m), 0.45);
        }
    }
    save_rest
}

/// The status line's byte and message counts, and their tip. The relay's rx is up
/// (client → server), its tx down: said so.
fn counters_text(lang: Lang, role: Role, c: &crate::log::Counters) -> (String, String) {
    let l = loader(lang);
    let (rx_b, rx_m, tx_b, tx_m) = (c.rx_bytes, c.rx_msgs, c.tx_bytes, c.tx_msgs);
    if role == Role::Relay {
        (
            fl!(
                l,
                "status-counters-relay",
                rx_b = rx_b,
                rx_m = rx_m,
                tx_b = tx_b,
                tx_m = tx_m
            ),
            fl!(l, "status-counters-relay-tip"),
        )
    } else {
        (
            fl!(
                l,
                "status-counters",
                rx_b = rx_b,
                rx_m = rx_m,
                tx_b = tx_b,
                tx_m = tx_m
            ),
            fl!(l, "status-counters-tip"),
        )
    }
}

/// A tab narrower than this share of the window is a pane of a split (a lab's half
/// window): it keeps the rows, since a column would leave its log no width. (A side panel
/// such as the Network panel takes less.)
const SPLIT_PANE_SHARE: f32 = 0.6;

/// A tab shorter than this (points) is very short: 150 % zoom on a 1024×600 projector.
const TINY_TAB: f32 = 400.0;

/// The tab's body. `force_send` is Ctrl+Enter; `notify` wakes the window.
pub fn show(ui: &mut Ui, p: &mut SessionPanel, force_send: bool, notify: &Option<Notifier>) {
    let tab_h = ui.available_height();
    p.lang = crate::ui::common::lang::lang(ui.ctx());
    p.kit.lang = p.lang;
    p.refresh();
    if p.role == Role::TcpServer {
        p.follow_selection();
    }
    // Simple mode: the lesson's fields in a narrow column on the left (as NetAssist has
    // them), the options folded behind More; the log gets the height.
    let simple = crate::ui::common::layout::simple(ui.ctx());
    crate::ui::common::layout::set_compact(
        ui.ctx(),
        simple || tab_h < crate::ui::common::layout::SHORT_TAB,
    );
    // A narrow pane (a lab's half window) keeps the rows: a column would leave the log
    // no width.
    let window_w = ui.ctx().content_rect().width();
    if simple && ui.available_width() >= SPLIT_PANE_SHARE * window_w {
        super::controls::settings_column(ui, p, notify);
        about_line(ui, p, tab_h < TINY_TAB);
    } else {
        about_line(ui, p, tab_h < TINY_TAB);
        // Whether the fields can be edited, as the frame began (before its main button).
        let editable = !p.is_running();
        let compact = simple && !p.more_open;
        let valid = super::controls::fields(ui, p, editable, compact, false);
        p.follow_destination(ui.ctx());
        ui.horizontal_wrapped(|ui| {
            super::controls::controls(ui, p, valid, editable, notify, simple)
        });
        if simple && p.more_open {
            ui.horizontal_wrapped(|ui| super::controls::more_row(ui, p, editable));
        }
        ui.separator();
    }
    if let Some(cv) = p.st.crowd.clone() {
        let short = tab_h < crate::ui::common::layout::SHORT_TAB;
        super::crowd_view::show(ui, p.lang, &cv, short);
        ui.separator();
    }

    let blocked = p.send_blocked();
    // A short tab (a projector's 1024×600 with the fields in rows, or 150 % zoom) with the
    // Roster open: the send box folds to one button and the roster goes beside the log (in
    // the client list's place: it lists the clients too), so both keep their rows.
    let crowd = p.st.crowd.is_some();
    let roster_side = super::tool_panel::roster_beside(ui, p.settings.kit.tool, crowd);
    let folded = roster_side && !p.send_unfolded;
    egui::Panel::bottom(("send_panel", p.role.as_str()))
        .resizable(false)
        .show(ui, |ui| {
            if folded {
                folded_send(ui, p);
            } else {
                send_panel(ui, p, force_send, blocked.as_deref());
            }
        });
    let v = tools_view!(p, blocked.as_deref());
    let edit = ToolsEdit {
        kit: &mut p.settings.kit,
        send: &mut p.settings.send,
        reply_to: &mut p.reply_to,
    };
    if let Some(a) = super::tool_panel::tool_panel(ui, edit, &v, tab_h, roster_side) {
        p.apply(a, ui.ctx());
    }
    if p.role == Role::TcpServer && !roster_side {
        client_panel(ui, p);
    }
    // A very short tab (150 % zoom on a 1024×600 projector): the note on what a row is
    // moves into the lesson line's hover, and the log keeps its line.
    let tiny = tab_h < TINY_TAB;
    egui::CentralPanel::no_frame().show(ui, |ui| log_panel(ui, p, tiny));
}

/// The lesson's hint for this role: one line, cut to the width on a narrow pane; the
/// whole text and more on hover.
pub(super) fn about_line(ui: &mut Ui, p: &SessionPanel, tiny: bool) {
    let (hint, more) = if p.role == Role::Relay && p.settings.relay.udp {
        // A UDP relay accepts nobody: it reads datagrams and sends them on.
        (
            fl!(loader(p.lang), "about-relay-udp"),
            fl!(loader(p.lang), "about-relay-udp-more"),
        )
    } else if p.role != Role::Relay && crate::net::addr::is_unix(&p.settings.host) {
        // AF_UNIX: a path, not an IP address and a port; no handshake.
        let l = loader(p.lang);
        let hint = match p.role {
            Role::TcpClient => fl!(l, "about-unix-client"),
            Role::TcpServer => fl!(l, "about-unix-server"),
            Role::UdpSender => fl!(l, "about-unix-dgram-sender"),
            _ => fl!(l, "about-unix-dgram-receiver"),
        };
        (hint, fl!(l, "about-unix-more"))
    } else {
        crate::ui::lesson::learn::about(p.lang, p.role)
    };
    let about = fl!(loader(p.lang), "about-prefix", hint = hint);
    let about_line = egui::Label::new(RichText::new(&about).weak())
        .truncate()
        .show_tooltip_when_elided(false);
    // On a very short tab the note on what a row is is not drawn: it is here.
    let rows = tiny
        .then(|| rows_note_text(p))
        .flatten()
        .map(|n| format!("\n\n{n}"))
        .unwrap_or_default();
    ui.add(about_line)
        .on_hover_text(format!("{about}\n\n{more}{rows}"));
}

/// The bottom panel: the send box (with the reply target of the receiving roles) and the
/// tools' row under it.
fn send_panel(ui: &mut Ui, p: &mut SessionPanel, force_send: bool, blocked: Option<&str>) {
    ui.add_space(4.0);
    let enc = p.encoding();
    let SessionPanel {
        settings,
        st,
        runtime,
        reply_to,
        selected_client,
        send_to_before,
        role,
        ..
    } = p;
    let role = *role;
    let bytes = send_box::show(
        ui,
        &mut settings.send,
        enc,
        role.as_str(),
        blocked,
        force_send,
        matches!(role, Role::UdpReceiver | Role::TcpServer).then_some(|ui: &mut Ui| match role {
            Role::UdpReceiver => {
                udp_receiver::reply_target_ui(ui, &st.senders, reply_to, st.last_sender)
            }
            Role::TcpServer => {
                let store = &runtime.view().store;
                tcp_server::target_ui(ui, store, selected_client, send_to_before);
            }
            _ => {}
        }),
    );
    if let Some(b) = bytes {
        p.send_bytes(b);
    }
    let v = tools_view!(p, blocked);
    let simple = crate::ui::common::layout::simple(ui.ctx());
    let action = toolkit::show(ui, &mut p.settings.kit, &v, simple);
    if let Some(a) = action {
        p.apply(a, ui.ctx());
    }
}

/// The send box folded to one button (it opens for good on this tab).
fn folded_send(ui: &mut Ui, p: &mut SessionPanel) {
    let l = loader(p.lang);
    ui.add_space(2.0);
    if ui
        .button(fl!(l, "send-unfold"))
        .on_hover_text(fl!(l, "send-unfold-tip"))
        .clicked()
    {
        p.send_unfolded = true;
    }
    ui.add_space(2.0);
}

/// The TCP server's client list, on the right of the log.
fn client_panel(ui: &mut Ui, p: &mut SessionPanel) {
    // The client list shares the log's width: at most 45 % of it, and by default less in
    // a narrow pane (a lab's half window), where the log's Data column needs the room.
    let w = ui.available_width();
    let max = (0.45 * w).max(140.0);
    let share = if w < 800.0 { 0.28 } else { 0.35 };
    egui::Panel::right(("clients", p.role.as_str()))
        .resizable(true)
        .default_size((share * w).clamp(140.0, 330.0))
        .size_range(140.0_f32.min(max)..=max)
        .show(ui, |ui| {
            let can_send_all = p.is_running() && p.settings.send.payload(p.encoding()).is_ok();
            let shared = p.runtime().shared();
            let action = {
                let view = crate::session::lock(&shared);
                let stats = crate::net::tcp_info::read(&view.tcp_stats);
                tcp_server::client_list_ui(
                    ui,
                    &view.store,
                    &stats,
                    (&mut p.selected_client, &mut p.send_to_before),
                    can_send_all,
                )
            };
            if let Some(a) = action {
                p.apply(a, ui.ctx());
            }
        });
}

/// The log, with a note on what one row is, and what its toolbar asked for applied.
pub(crate) fn log_panel(ui: &mut Ui, p: &mut SessionPanel, tiny: bool) {
    super::enc_banner::show(ui, p);
    if !tiny {
        rows_note(ui, p);
    }
    p.log.live_on = p.st.live.is_some();
    let actions = {
        let view = p.runtime.shared();
        let v = crate::session::lock(&view);
        log_view::show(
            ui,
            &v.store,
            &mut p.log,
            &mut p.settings.display,
            // The TCP server's client filter is the relay's pair filter.
            matches!(p.role, Role::TcpServer | Role::Relay),
            p.role.as_str(),
        )
    };
    if actions.clear {
        p.clear_log();
    }
    if actions.save {
        p.save_log(ui.ctx());
    }
    if actions.replay {
        p.replay.open = true;
    }
    if actions.search_whole {
        p.search_whole(ui.ctx());
    }
    crate::ui::log::whole_search::show(ui.ctx(), &mut p.log.whole, p.lang, p.role.as_str());
    match actions.live {
        Some(true) => match crate::ui::log::live_feed::start(p.data_dir(), p.role, p.lang) {
            Ok((path, notice)) => {
                p.runtime().send(crate::session::Control::StartLive(path));
                p.notice = Some((notice, false));
            }
            Err(e) => p.notice = Some((e, true)),
        },
        Some(false) => {
            p.runtime().send(crate::session::Control::StopLive);
        }
        None => {}
    }
    if let Some(n) = actions.note {
        p.add_note(&n);
    }
}

/// What one row is: the lesson's point about message boundaries against a stream. One
/// line, cut on a narrow pane; all of it and the tip on hover.
fn rows_note(ui: &mut Ui, p: &SessionPanel) {
    let lang = p.lang;
    if let Some(note) = rows_note_text(p) {
        let line = egui::Label::new(RichText::new(&note).weak().small())
            .truncate()
            .show_tooltip_when_elided(false);
        let tip = fl!(loader(lang), "rows-tip");
        ui.add(line).on_hover_text(format!("{note}\n\n{tip}"));
    }
}

/// The note on what one row is: a datagram (UDP), one WebSocket message, or one recv()'s
/// bytes (raw TCP).
fn rows_note_text(p: &SessionPanel) -> Option<String> {
    let lang = p.lang;
    let raw_tcp =
        p.role.is_tcp() && matches!(p.settings.framing.framing(), Ok(crate::codec::Framing::Raw));
    if p.role == Role::Relay {
        // A relay's row is what one side's read gave, forwarded (the faults may cut it).
        None
    } else if p.role.is_tcp() && p.settings.ws.on {
        Some(fl!(loader(lang), "rows-ws"))
    } else if !p.role.is_tcp() {
        Some(fl!(loader(lang), "rows-udp"))
    } else if raw_tcp {
        Some(fl!(loader(lang), "rows-tcp-raw"))
    } else {
        None
    }
}

/// A count in the status line that means trouble.
#[derive(Clone, Copy)]
enum WarnCount {
    /// TCP server: clients refused at the "max clients" limit.
    Refused,
    /// UDP: ICMP errors the network answered datagrams with.
    Icmp,
}

/// A count that means trouble, in red with its tip, when not zero.
fn warn_count(ui: &mut Ui, lang: Lang, n: u64, what: WarnCount) {
    if n == 0 {
        return;
    }
    ui.separator();
    let n = thousands(n);
    let l = loader(lang);
    let (text, tip) = match what {
        WarnCount::Refused => (
            fl!(l, "status-refused", n = n.as_str()),
            fl!(l, "status-refused-tip"),
        ),
        WarnCount::Icmp => (
            fl!(l, "status-icmp", n = n.as_str()),
            fl!(l, "status-icmp-tip"),
        ),
    };
    whole(ui, RichText::new(text).color(ERROR_RED)).on_hover_text(tip);
}
