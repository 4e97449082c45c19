//! The top of a tab: the role's fields, the main button (Bind, Connect, Listen), the
//! encoding, the option menus and the role's buttons — in rows over the log, or in simple
//! mode in a narrow column beside it, with the options behind More and the tools behind
//! Tools.

use super::status_words::ConnState;
use super::tab::SessionPanel;
use super::toolkit::{self, ToolsView};
use super::{tcp_client, tcp_server, udp_receiver, udp_sender};
use crate::i18n::loader;
use crate::net::{Command, Notifier, Role};
use crate::ui::pickers::encoding_picker;
use crate::ui::tools::action::{Dialog, PanelAction};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Simple mode's column: the fields, the main button, the encoding, More and Tools, each
/// on its own lines; More's options under them while it is open. It scrolls when the
/// window is short.
pub(super) fn settings_column(ui: &mut Ui, p: &mut SessionPanel, notify: &Option<Notifier>) {
    let w = (0.24 * ui.available_width()).clamp(190.0, 240.0);
    egui::Panel::left(("lesson_column", p.role.as_str()))
        .resizable(false)
        .exact_size(w)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(("lesson_column", p.role.as_str()))
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let editable = !p.is_running();
                    let valid = fields(ui, p, editable, !p.more_open, true);
                    p.follow_destination(ui.ctx());
                    ui.add_space(4.0);
                    ui.horizontal_wrapped(|ui| controls(ui, p, valid, editable, notify, true));
                    if p.more_open {
                        ui.separator();
                        ui.horizontal_wrapped(|ui| more_row(ui, p, editable));
                    }
                    if p.role.is_tcp() && crate::ui::common::layout::diagram(ui.ctx()) {
                        ui.separator();
                        let data = p.diagram_data();
                        crate::ui::lesson::diagram_panel::show(ui, &data, p.lang);
                    }
                });
        });
}

/// The role's address fields and the multicast section (UDP); whether every field, and
/// every option in the tab's menus, is good enough to start. `compact` (simple mode,
/// More closed): the multicast section only while it is on, the backlog only when wrong.
pub(super) fn fields(
    ui: &mut Ui,
    p: &mut SessionPanel,
    editable: bool,
    compact: bool,
    column: bool,
) -> bool {
    let mut valid = false;
    // The field that binds: the UDP sender's local port, else the port.
    let binds = if p.role == Role::UdpSender {
        &p.settings.local
    } else {
        &p.settings.port
    };
    let failure = super::port_failure::of(p.lang, p.is_running(), &p.st, binds);
    let failure = failure.as_ref();
    let role_fields = |ui: &mut Ui| {
        let s = &mut p.settings;
        valid = match p.role {
            Role::UdpSender => udp_sender::fields(ui, s, editable, failure),
            Role::UdpReceiver => udp_receiver::fields(ui, s, editable, failure),
            Role::TcpClient => tcp_client::fields(ui, s, editable),
            Role::TcpServer => tcp_server::fields(ui, s, editable, compact, failure),
            // No tab of the window is a relay's.
            Role::Relay => false,
        };
    };
    // Simple mode's column: one field (with its note under it) after the other.
    if column {
        ui.vertical(role_fields);
    } else {
        ui.horizontal_wrapped(role_fields);
    }
    // Simple mode (More closed): the crowd's fields only when a crowd is set.
    let crowd_set = p.settings.crowd.connections.trim() != "1";
    let single = match p.role {
        Role::TcpClient => Some(tcp_client::single_only(&p.settings)),
        Role::UdpSender => Some(udp_sender::single_only(&p.settings)),
        _ => None,
    };
    if let Some(single) = single
        && (!compact || crowd_set)
    {
        // The crowd's fields on a row of their own (a half-width lab pane wraps them).
        let kind = (p.settings.send.hex, p.role == Role::UdpSender);
        let crowd = &mut p.settings.crowd;
        valid &= ui
            .horizontal_wrapped(|ui| {
                crate::ui::pickers::crowd_picker::fields(ui, crowd, editable, single, kind)
            })
            .inner;
    }
    if !p.role.is_tcp() {
        let s = &mut p.settings;
        // Off, the section has nothing that could be wrong.
        if !compact || s.multicast.enabled {
            valid &= crate::ui::pickers::multicast::section(
                ui,
                &mut s.multicast,
                p.role,
                &s.host,
                editable,
            );
        }
    } else {
        // A bad field in the Writes or TLS menu (named there) keeps Connect / Listen off.
        valid &= p.settings.writes.shaping().is_ok();
        valid &= p.settings.tls.options(p.role).is_ok();
        valid &= p.settings.ws.options(p.role, "").is_ok();
    }
    // A bad socket option (named in its menu) keeps the main button off.
    valid &= p.settings.sockopts.opts(p.role).is_ok();
    valid
}

/// The row under the fields: the main button, the encoding, the option menus and the
/// role's own buttons.
pub(super) fn controls(
    ui: &mut Ui,
    p: &mut SessionPanel,
    valid: bool,
    editable: bool,
    notify: &Option<Notifier>,
    simple: bool,
) {
    main_button(ui, p, valid, notify);
    if simple {
        // The column: the encoding on a line of its own.
        ui.end_row();
    } else {
        ui.separator();
    }
    if let Some(enc) = encoding_picker::show(ui, p.role.as_str(), p.encoding()) {
        p.set_encoding(enc);
    }
    if simple {
        ui.end_row();
    } else {
        ui.separator();
    }
    if simple {
        let l = loader(p.lang);
        ui.toggle_value(&mut p.more_open, fl!(l, "tab-more"))
            .on_hover_text(fl!(l, "tab-more-tip"));
        let blocked = p.send_blocked();
        let v = tools_view!(p, blocked.as_deref());
        toolkit::tools_menu(ui, &mut p.settings.kit, &v);
    } else {
        option_menus(ui, p, editable);
        if p.role == Role::TcpServer {
            stop_listening_button(ui, p);
        }
    }
    role_buttons(ui, p);
}

/// Simple mode's More: the option menus (and the server's backlog and Stop listening).
pub(super) fn more_row(ui: &mut Ui, p: &mut SessionPanel, editable: bool) {
    option_menus(ui, p, editable);
    if !p.role.is_tcp() {
        ui.separator();
        let blocked = p.send_blocked();
        let v = tools_view!(p, blocked.as_deref());
        toolkit::broadcast_checkbox(ui, &mut p.settings.kit, &v);
    }
    if p.role == Role::TcpServer {
        ui.separator();
        tcp_server::backlog_field(ui, &mut p.settings, editable);
        stop_listening_button(ui, p);
    }
}

/// The TCP server's Stop listening (keep the clients).
fn stop_listening_button(ui: &mut Ui, p: &mut SessionPanel) {
    let listening = p.st.state == ConnState::Listening && !p.st.listen_stopped;
    if let Some(a) = tcp_server::server_buttons(ui, listening) {
        p.apply(a, ui.ctx());
    }
}

/// Bind / Connect / Listen, or its opposite while the session runs (off while it stops,
/// and while a field is bad).
pub(super) fn main_button(
    ui: &mut Ui,
    p: &mut SessionPanel,
    valid: bool,
    notify: &Option<Notifier>,
) {
    let lang = p.lang;
    let (start, stop) = match p.role {
        Role::UdpSender | Role::UdpReceiver => (
            fl!(loader(lang), "btn-bind"),
            fl!(loader(lang), "btn-unbind"),
        ),
        Role::TcpClient => (
            fl!(loader(lang), "btn-connect"),
            fl!(loader(lang), "btn-disconnect"),
        ),
        Role::TcpServer | Role::Relay => (
            fl!(loader(lang), "btn-listen"),
            fl!(loader(lang), "btn-stop"),
        ),
    };
    let big =
        |t: &str| egui::Button::new(RichText::new(t).strong()).min_size(egui::vec2(100.0, 0.0));
    if p.st.state == ConnState::Stopping {
        ui.add_enabled(false, big(&fl!(loader(lang), "btn-stopping")));
    } else if p.is_running() {
        if ui.add(big(&stop)).clicked() {
            p.stop();
        }
    } else {
        let b = ui.add_enabled(valid, big(&start));
        if !valid {
            b.on_disabled_hover_text(fl!(loader(lang), "btn-fix-fields"));
        } else if b.clicked() {
            p.start_from_fields(notify.clone());
        }
    }
}

/// The menus of the session's options: socket options, the checksum check of received
/// rows, and on the TCP tabs the framing (before the check), the writes and TLS.
fn option_menus(ui: &mut Ui, p: &mut SessionPanel, editable: bool) {
    let (role, kernel) = (p.role, p.st.sockopts.clone());
    let shown = kernel.as_deref().filter(|_| p.is_running());
    crate::ui::pickers::sockopts_picker::show(
        ui,
        &mut p.settings.sockopts,
        role,
        editable,
        shown,
        p.lang,
    );
    if p.role.is_tcp() {
        ui.separator();
        crate::ui::pickers::framing_picker::show(ui, role.as_str(), &mut p.settings.framing);
    }
    ui.separator();
    crate::ui::pickers::check_picker::show(ui, role.as_str(), &mut p.settings.rx_check);
    if p.role.is_tcp() {
        ui.separator();
        if let Some(shaping) = crate::ui::pickers::writes_picker::show(ui, &mut p.settings.writes)
            && p.is_running()
        {
            p.send_command(Command::SetShaping(shaping));
        }
        ui.separator();
        if let Some(crate::ui::pickers::tls_picker::TlsAction::Browse(field)) =
            crate::ui::pickers::tls_picker::show(
                ui,
                &mut p.settings.tls,
                role,
                editable,
                p.st.tls_refused.as_deref(),
            )
        {
            let open = PanelAction::OpenDialog(Dialog::TlsFile(field), String::new());
            p.apply(open, ui.ctx());
        }
        ui.separator();
        let tls = p.settings.tls.options(role).ok().flatten().is_some();
        crate::ui::pickers::ws_picker::show(ui, &mut p.settings.ws, role, editable, tls);
    }
}

/// Pause reading (TCP); the TCP client's half-close and reset while connected.
fn role_buttons(ui: &mut Ui, p: &mut SessionPanel) {
    let lang = p.lang;
    if let Some(paused) = super::pause_toggle::show(ui, lang, p.role, p.reading_paused()) {
        p.set_reading_paused(paused);
    }
    // WebSocket: a ping (the server's: every client), its round trip in the log.
    let open = matches!(p.st.state, ConnState::Connected | ConnState::Listening);
    if p.role.is_tcp()
        && p.settings.ws.on
        && open
        && ui
            .button(fl!(loader(lang), "ws-ping-btn"))
            .on_hover_text(fl!(loader(lang), "ws-ping-tip"))
            .clicked()
    {
        p.send_command(Command::WsPing(None));
    }
    // AF_UNIX: no FIN segment, the peer reads an end of file.
    let (half, half_tip) = if crate::net::addr::is_unix(&p.settings.host) {
        (
            fl!(loader(lang), "btn-half-close-unix"),
            fl!(loader(lang), "btn-half-close-unix-tip"),
        )
    } else {
        (
            fl!(loader(lang), "btn-half-close"),
            fl!(loader(lang), "btn-half-close-tip"),
        )
    };
    if p.role == Role::TcpClient
        && p.st.state == ConnState::Connected
        && ui.button(half).on_hover_text(half_tip).clicked()
    {
        p.send_command(Command::ShutdownWrite);
    }
    if p.role == Role::TcpClient
        && p.st.state == ConnState::Connected
        && ui
            .button(fl!(loader(lang), "btn-reset"))
            .on_hover_text(fl!(loader(lang), "btn-reset-tip"))
            .clicked()
    {
        p.send_command(Command::Reset(None));
    }
}
