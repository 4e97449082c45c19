//! One tab, whatever its role: the persisted fields, the status line and the tab's layout
//! (fields, send box, log). The session itself runs in the tab's [`Runtime`] (its own
//! thread): the panel reads the runtime's view each frame and sends it controls.

use super::address_field::ERROR_RED;
use super::background::{Background, Poll};
use super::log_view::{self, LogViewState};
use super::save::{self, thousands};
use super::send_box;
use super::settings::TabSettings;
use super::{encoding_picker, tcp_client, tcp_server, udp_receiver, udp_sender};
use crate::codec::Encoding;
use crate::i18n::{Lang, loader};
use crate::net::auto::AutoPlan;
use crate::net::rules::RuleSet;
use crate::net::{Command, Notifier, Payload, Role, SessionConfig, Target};
use crate::session::{Control, Runtime, RuntimeOptions, Status, View};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::MutexGuard;

pub use crate::session::ConnState;

impl ConnState {
    /// The status text in English.
    pub fn text(&self) -> String {
        self.text_in(Lang::En)
    }

    /// The status text in `lang`: a state word, or how the session ended (the typed
    /// reason in `lang`; an error adds the engine's detail).
    pub fn text_in(&self, lang: Lang) -> String {
        let l = loader(lang);
        let word = match self {
            ConnState::Idle => fl!(l, "state-idle"),
            ConnState::Starting => fl!(l, "state-starting"),
            ConnState::Connecting => fl!(l, "state-connecting"),
            ConnState::Connected => fl!(l, "state-connected"),
            ConnState::Bound => fl!(l, "state-bound"),
            ConnState::Listening => fl!(l, "state-listening"),
            ConnState::Stopping => fl!(l, "state-stopping"),
            ConnState::Stopped => fl!(l, "state-stopped"),
            ConnState::ClosedByPeer(_) => fl!(l, "state-closed-by-peer"),
            ConnState::Closed(_) => fl!(l, "state-closed"),
            ConnState::Reset(_) => fl!(l, "state-reset"),
            ConnState::Error(_) => fl!(l, "state-error"),
        };
        match self {
            ConnState::ClosedByPeer(ev) | ConnState::Closed(ev) | ConnState::Reset(ev) => {
                crate::i18n::describe_in(lang, ev)
            }
            ConnState::Error(ev) => with_msg(lang, word, &crate::i18n::describe_in(lang, ev)),
            _ => word,
        }
    }
}

/// A state word with the engine's message (left out when it only repeats the word).
fn with_msg(lang: Lang, what: String, msg: &str) -> String {
    if msg.is_empty() || msg == fl!(loader(Lang::En), "state-error") {
        what
    } else {
        fl!(loader(lang), "state-with-msg", what = what, msg = msg)
    }
}

/// One tab: its settings, the window's own state, and the tab's session runtime, which
/// owns the log, the spool and the automation. The panel reads the runtime's view and
/// sends it controls; it never touches a socket or drains a worker.
pub struct SessionPanel {
    pub role: Role,
    /// The language of the texts this panel makes (set each frame from the window's).
    pub lang: Lang,
    pub settings: TabSettings,
    pub log: LogViewState,
    /// The runtime's status, copied at the start of each frame (see [`SessionPanel::refresh`]).
    pub st: Status,
    /// A message for the status line (save result); true = error.
    pub notice: Option<(String, bool)>,
    /// UDP receiver: reply to this source (None = the last sender).
    pub reply_to: Option<SocketAddr>,
    /// TCP server: the selected client (None = all clients).
    pub selected_client: Option<u64>,
    /// TCP server: the selected client was open at the last frame.
    pub selected_was_open: bool,
    /// TCP server: the listening socket was closed, clients kept.
    pub listen_stopped: bool,
    /// The window's part of the tools (dialogs, notes, the file being sent).
    pub kit: super::toolkit::Toolkit,
    runtime: Runtime,
    saves: Vec<Background<Result<String, String>>>,
    /// Save log…'s file dialog, while it is open.
    save_dialog: Option<super::file_dialog::PendingDialog>,
    /// UDP Sender: the destination the session was started with, and the one last handed
    /// to the worker.
    started_dest: Option<String>,
    dest_applied: Option<String>,
    /// Where spools go (the app's data directory).
    spool_dir: PathBuf,
    notify: Option<Notifier>,
    /// What the runtime was last given (sent again only when the fields change).
    sent_rules: Option<(RuleSet, Encoding)>,
    sent_framing: Option<crate::codec::Framing>,
}

impl SessionPanel {
    pub fn new(role: Role, settings: TabSettings) -> SessionPanel {
        let enc = encoding_picker::from_label(&settings.encoding);
        let spool_dir = save::default_data_dir();
        let runtime = Runtime::new(
            role,
            RuntimeOptions {
                spool_dir: Some(spool_dir.clone()),
                notify: None,
                encoding: Some(enc),
            },
        );
        SessionPanel {
            role,
            lang: Lang::En,
            settings,
            log: LogViewState::default(),
            st: runtime.status(),
            notice: None,
            reply_to: None,
            selected_client: None,
            selected_was_open: false,
            listen_stopped: false,
            kit: Default::default(),
            runtime,
            saves: Vec::new(),
            save_dialog: None,
            started_dest: None,
            dest_applied: None,
            spool_dir,
            notify: None,
            sent_rules: None,
            sent_framing: None,
        }
    }

    /// The runtime's view, locked (keep it short; tests and exports).
    pub fn view(&self) -> MutexGuard<'_, View> {
        self.runtime.view()
    }

    /// The tab's runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Where this tab's spool goes (takes effect for a spool not created yet).
    pub fn set_spool_dir(&mut self, dir: PathBuf) {
        self.spool_dir = dir.clone();
        self.runtime.send(Control::SetSpoolDir(dir));
    }

    /// What wakes the window when the runtime has news.
    pub fn set_notify(&mut self, n: Notifier) {
        self.notify = Some(n.clone());
        self.runtime.send(Control::SetNotify(n));
    }

    /// The log's memory caps.
    pub fn set_caps(&self, rows: usize, bytes: usize) {
        self.runtime.send(Control::SetCaps { rows, bytes });
    }

    pub fn is_running(&self) -> bool {
        self.st.running
    }

    pub fn encoding(&self) -> Encoding {
        encoding_picker::from_label(&self.settings.encoding)
    }

    /// The session config the fields describe, or None if a field is bad.
    pub fn config_from_fields(&self) -> Option<SessionConfig> {
        let cfg = match self.role {
            Role::UdpSender => udp_sender::config(&self.settings),
            Role::UdpReceiver => udp_receiver::config(&self.settings),
            Role::TcpClient => tcp_client::config(&self.settings),
            Role::TcpServer => tcp_server::config(&self.settings),
        }?;
        let cfg = super::multicast::apply(&self.settings.multicast, &self.settings.host, cfg)?;
        Some(
            self.settings
                .kit
                .apply_config(cfg)
                .encoding(self.encoding()),
        )
    }

    /// Starts a session with this config (only when idle).
    pub fn start(&mut self, cfg: SessionConfig, notify: Option<Notifier>) {
        self.start_launch(cfg, AutoPlan::default(), None, notify);
    }

    /// Starts from the fields (the main button).
    pub fn start_from_fields(&mut self, notify: Option<Notifier>) -> bool {
        match self.config_from_fields() {
            Some(cfg) => {
                self.start(cfg, notify);
                true
            }
            None => false,
        }
    }

    /// Starts a launch's session: its config, automation and record file.
    pub fn start_launch(
        &mut self,
        cfg: SessionConfig,
        plan: AutoPlan,
        record: Option<PathBuf>,
        notify: Option<Notifier>,
    ) {
        if self.is_running() {
            return;
        }
        self.started_dest = Some(cfg.address.clone()).filter(|a| !a.is_empty());
        self.dest_applied = None;
        if let Some(n) = notify
            && self.notify.is_none()
        {
            self.set_notify(n);
        }
        self.sync_runtime();
        self.listen_stopped = false;
        self.notice = None;
        self.runtime.start(cfg, plan, record);
        self.st = self.runtime.status();
    }

    /// Asks the worker to stop; the runtime takes its last events.
    pub fn stop(&mut self) {
        self.runtime.stop();
        self.st = self.runtime.status();
    }

    /// Sends a command to the worker. False if no session runs.
    pub fn send_command(&self, cmd: Command) -> bool {
        self.is_running() && self.runtime.command(cmd)
    }

    /// Changes the encoding of sending, the log and the record.
    pub fn set_encoding(&mut self, enc: Encoding) {
        self.settings.encoding = enc.label();
        self.runtime.send(Control::SetEncoding(enc));
    }

    pub fn clear_log(&mut self) {
        self.runtime.send(Control::Clear);
        self.log.reset();
    }

    /// Gives the runtime the tab's rules and framing when they changed.
    pub fn sync_runtime(&mut self) {
        let enc = self.encoding();
        let rules = &self.settings.kit.rules;
        if self
            .sent_rules
            .as_ref()
            .is_none_or(|(r, e)| r != rules || *e != enc)
        {
            self.sent_rules = Some((rules.clone(), enc));
            self.runtime
                .send(Control::SetRules(Box::new(rules.clone())));
        }
        let framing = if self.role.is_tcp() {
            self.settings.framing.framing().ok()
        } else {
            Some(crate::codec::Framing::Raw)
        };
        if let Some(f) = framing
            && self.sent_framing.as_ref() != Some(&f)
        {
            self.sent_framing = Some(f.clone());
            self.runtime.send(Control::SetFraming(f));
        }
    }

    /// Where a send goes now.
    pub fn target(&self) -> Target {
        match self.role {
            Role::UdpReceiver => self.reply_to.map_or(Target::Default, Target::Peer),
            Role::TcpServer => self
                .selected_client
                .map_or(Target::AllClients, Target::Client),
            _ => Target::Default,
        }
    }

    /// Why sending is impossible now (None: it is possible).
    pub fn send_blocked(&self) -> Option<String> {
        let state = &self.st.state;
        if !self.is_running() || *state == ConnState::Stopping {
            return Some(match self.role {
                Role::UdpSender | Role::UdpReceiver => fl!(loader(self.lang), "send-blocked-bind"),
                Role::TcpClient => fl!(loader(self.lang), "send-blocked-connect"),
                Role::TcpServer => fl!(loader(self.lang), "send-blocked-listen"),
            });
        }
        match self.role {
            Role::UdpSender => {
                if *state != ConnState::Bound {
                    Some(fl!(loader(self.lang), "send-not-bound"))
                } else if udp_sender::destination(&self.settings).is_none() {
                    Some(fl!(loader(self.lang), "send-no-destination"))
                } else {
                    None
                }
            }
            Role::UdpReceiver => {
                if *state != ConnState::Bound {
                    Some(fl!(loader(self.lang), "send-not-bound"))
                } else if self.reply_to.is_none() && self.st.last_sender.is_none() {
                    Some(fl!(loader(self.lang), "send-no-sender"))
                } else {
                    None
                }
            }
            Role::TcpClient => (*state != ConnState::Connected)
                .then(|| fl!(loader(self.lang), "send-not-connected")),
            Role::TcpServer => {
                let v = self.view();
                match self.selected_client {
                    Some(id) if !v.store.clients.get(&id).is_some_and(|c| c.open) => {
                        Some(fl!(loader(self.lang), "send-client-not-connected", id = id))
                    }
                    Some(_) => None,
                    None if !v.store.clients.values().any(|c| c.open) => {
                        Some(fl!(loader(self.lang), "send-no-client"))
                    }
                    None => None,
                }
            }
        }
    }

    /// Sends bytes to the current target.
    pub fn send_bytes(&mut self, bytes: Vec<u8>) {
        let to = self.target();
        self.send_command(Command::Send {
            payload: Payload::Bytes(bytes),
            to,
        });
    }

    /// Copies the runtime's status for this frame and collects finished saves. Reads
    /// only: the runtime has already taken every event.
    pub fn refresh(&mut self) {
        self.sync_runtime();
        self.st = self.runtime.status();
        self.saves.retain(|job| match job.poll() {
            Poll::Ready(res) => {
                self.notice = Some(match res {
                    Ok(m) => (m, false),
                    Err(m) => (m, true),
                });
                false
            }
            Poll::Waiting => true,
            Poll::Finished => false,
        });
    }

    /// Attaches a note to this moment (in the log, the spool and the record).
    pub fn add_note(&mut self, text: &str) {
        let text = text.trim();
        if !text.is_empty() {
            self.runtime.send(Control::Note(text.to_string()));
        }
    }

    /// Ends the runtime: stops the worker, finishes the writers, deletes the spool (a
    /// normal exit).
    pub fn shutdown(&mut self) {
        self.runtime.shutdown();
        self.st = self.runtime.status();
    }

    /// The spool file of this log, if there is one.
    pub fn spool_path(&self) -> Option<PathBuf> {
        self.st.spool_path.clone()
    }

    /// What a save reads: the spool, or the rows in memory when there is no spool.
    fn save_source(&self) -> save::Source {
        match (&self.st.spool_path, &self.st.spool_error) {
            (Some(p), None) => save::Source::Spool {
                path: p.clone(),
                sync: Box::new(self.runtime.syncer(std::time::Duration::from_secs(60))),
            },
            (_, err) => save::Source::Memory {
                rows: self.view().store.iter().cloned().collect(),
                why: err.as_ref().map_or_else(
                    || fl!(loader(self.lang), "save-no-disk-copy"),
                    |e| writer_error_text(self.lang, e),
                ),
            },
        }
    }

    /// Asks where to save (rfd, one filter per format) and exports the whole session
    /// from the spool in the encoding chosen now, both off the UI thread.
    pub fn save_log(&mut self, ctx: &egui::Context) {
        self.start_save(None, ctx);
    }

    /// What Save log… does once it has a path: exports the whole session to `output` on a
    /// background thread; the result arrives in [`SessionPanel::notice`].
    pub fn save_log_to(&mut self, output: PathBuf, ctx: &egui::Context) {
        self.start_save(Some(output), ctx);
    }

    fn start_save(&mut self, output: Option<PathBuf>, ctx: &egui::Context) {
        if self.view().store.total() == 0 {
            self.notice = Some((fl!(loader(self.lang), "notice-nothing-to-save"), false));
            return;
        }
        let Some(output) = output else {
            // First the file: the answer comes back through poll_save_dialog.
            let name = save::suggested_name(self.role.as_str());
            let title = fl!(loader(self.lang), "save-dialog-title");
            let req = save::save_request(&title, &name);
            self.save_dialog = Some(super::file_dialog::PendingDialog::open(req, ctx));
            return;
        };
        let source = self.save_source();
        let enc = self.encoding();
        let lang = self.lang;
        let spawned = Background::once("save-log", ctx, move || {
            save::export_session(source, &save::with_format(output), enc, lang)
        });
        match spawned {
            Ok(job) => {
                self.notice = Some((fl!(loader(self.lang), "notice-saving"), false));
                self.saves.push(job);
            }
            Err(e) => {
                self.notice = Some((
                    fl!(loader(self.lang), "notice-save-failed", err = e.to_string()),
                    true,
                ))
            }
        }
    }

    /// A bound UDP sender sends to what its destination fields say now: a new valid
    /// destination is handed to the worker once.
    fn follow_destination(&mut self) {
        if self.role != Role::UdpSender || self.st.state != ConnState::Bound {
            self.dest_applied = None;
            return;
        }
        let Some(d) = udp_sender::destination(&self.settings) else {
            return;
        };
        if self.dest_applied.as_deref() == Some(d.as_str()) {
            return;
        }
        // The destination the session was started with needs no command.
        let started = self.dest_applied.is_none() && self.started_dest.as_deref() == Some(&d);
        if !started {
            self.send_command(Command::SetDestination(d.clone()));
        }
        self.dest_applied = Some(d);
    }

    /// Shows Save log…'s file dialog while it is open, and saves once it has a file.
    fn poll_save_dialog(&mut self, ctx: &egui::Context) {
        let Some(d) = &mut self.save_dialog else {
            return;
        };
        if let super::file_dialog::Answer::Done(path) = d.poll(ctx) {
            self.save_dialog = None;
            if let Some(p) = path {
                self.start_save(Some(p), ctx);
            }
        }
    }

    /// What the status line says about the log: rows held, events seen, what is on disk.
    /// The bool is true when it is an error.
    pub fn held_text(&self) -> (String, bool) {
        let (shown, total) = {
            let v = self.view();
            (v.store.len() as u64, v.store.total())
        };
        let mut t = fl!(
            loader(self.lang),
            "held-showing",
            shown = thousands(shown),
            total = thousands(total)
        );
        if let Some(e) = &self.st.spool_error {
            t.push_str(&format!(" · {}", writer_error_text(self.lang, e)));
            return (t, true);
        }
        let pending = self.st.unsaved();
        if pending == 0 {
            t.push_str(&format!(" · {}", fl!(loader(self.lang), "held-all-saved")));
        } else {
            let n = fl!(loader(self.lang), "held-pending", n = thousands(pending));
            t.push_str(&format!(" · {n}"));
        }
        (t, false)
    }

    /// The status line: state, local address, counters, rows shown, notice.
    pub fn status_ui(&self, ui: &mut Ui) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            let mut state = self.st.state.text_in(lang);
            if self.role == Role::TcpServer && self.listen_stopped && self.is_running() {
                state = fl!(loader(lang), "state-not-listening");
            }
            ui.label(
                RichText::new(state)
                    .color(super::style::state_color(&self.st.state))
                    .strong(),
            );
            if let Some(l) = self.st.local {
                ui.separator();
                ui.label(fl!(loader(lang), "status-local", addr = l.to_string()));
            }
            ui.separator();
            let (c, refused, dropped, since_clear) = {
                let v = self.view();
                let s = &v.store;
                (s.counters, s.refused, s.kernel_dropped, s.drops_since_clear)
            };
            // One piece: wrapped, Chinese breaks between any two characters ("字 / 节").
            let counters = fl!(
                loader(lang),
                "status-counters",
                rx_b = c.rx_bytes,
                rx_m = c.rx_msgs,
                tx_b = c.tx_bytes,
                tx_m = c.tx_msgs
            );
            ui.add(egui::Label::new(counters).wrap_mode(egui::TextWrapMode::Extend))
                .on_hover_text(fl!(loader(lang), "status-counters-tip"));
            ui.separator();
            let (held, err) = self.held_text();
            if err {
                ui.label(RichText::new(held).color(ERROR_RED));
            } else {
                ui.label(held).on_hover_text(fl!(loader(lang), "held-tip"));
            }
            if refused > 0 {
                ui.separator();
                let n = thousands(refused);
                ui.label(
                    RichText::new(fl!(loader(lang), "status-refused", n = n.as_str()))
                        .color(ERROR_RED),
                )
                .on_hover_text(fl!(loader(lang), "status-refused-tip"));
            }
            if dropped > 0 {
                ui.separator();
                let n = thousands(dropped);
                ui.label(
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
            if self.st.recording.is_some() {
                ui.separator();
                ui.label(fl!(loader(lang), "status-recording"));
            }
            if let Some(e) = &self.st.record_error {
                ui.separator();
                ui.label(RichText::new(writer_error_text(lang, e)).color(ERROR_RED));
            }
            if let Some((m, err)) = &self.notice {
                ui.separator();
                if *err {
                    ui.label(RichText::new(m).color(ERROR_RED));
                } else {
                    ui.label(m);
                }
            }
        });
    }

    /// The tab's body. `force_send` is Ctrl+Enter; `notify` wakes the window.
    pub fn ui(&mut self, ui: &mut Ui, force_send: bool, notify: &Option<Notifier>) {
        let salt = self.role.as_str();
        let tab_h = ui.available_height();
        self.poll_save_dialog(ui.ctx());
        self.lang = super::lang::lang(ui.ctx());
        self.refresh();
        if self.role == Role::TcpServer {
            tcp_server::follow_selection(self);
        }
        let lang = self.lang;
        let (hint, more) = super::learn::about(lang, self.role);
        let about = fl!(loader(lang), "about-prefix", hint = hint);
        ui.label(RichText::new(about).weak()).on_hover_text(more);
        let editable = !self.is_running();
        let mut valid = false;
        ui.horizontal_wrapped(|ui| {
            valid = match self.role {
                Role::UdpSender => udp_sender::fields(ui, &mut self.settings, editable),
                Role::UdpReceiver => udp_receiver::fields(ui, &mut self.settings, editable),
                Role::TcpClient => tcp_client::fields(ui, &mut self.settings, editable),
                Role::TcpServer => tcp_server::fields(ui, &mut self.settings, editable),
            };
        });
        if !self.role.is_tcp() {
            let s = &mut self.settings;
            valid &= super::multicast::section(ui, &mut s.multicast, self.role, &s.host, editable);
        }
        self.follow_destination();
        ui.horizontal_wrapped(|ui| {
            let (start, stop) = match self.role {
                Role::UdpSender | Role::UdpReceiver => (
                    fl!(loader(lang), "btn-bind"),
                    fl!(loader(lang), "btn-unbind"),
                ),
                Role::TcpClient => (
                    fl!(loader(lang), "btn-connect"),
                    fl!(loader(lang), "btn-disconnect"),
                ),
                Role::TcpServer => (
                    fl!(loader(lang), "btn-listen"),
                    fl!(loader(lang), "btn-stop"),
                ),
            };
            let big = |t: &str| {
                egui::Button::new(RichText::new(t).strong()).min_size(egui::vec2(100.0, 0.0))
            };
            if self.st.state == ConnState::Stopping {
                ui.add_enabled(false, big(&fl!(loader(lang), "btn-stopping")));
            } else if self.is_running() {
                if ui.add(big(&stop)).clicked() {
                    self.stop();
                }
            } else {
                let b = ui.add_enabled(valid, big(&start));
                if !valid {
                    b.on_disabled_hover_text(fl!(loader(lang), "btn-fix-fields"));
                } else if b.clicked() {
                    self.start_from_fields(notify.clone());
                }
            }
            ui.separator();
            if let Some(enc) = encoding_picker::show(ui, salt, self.encoding()) {
                self.set_encoding(enc);
            }
            if self.role.is_tcp() {
                ui.separator();
                super::framing_picker::show(ui, salt, &mut self.settings.framing);
            }
            if self.role == Role::TcpServer {
                tcp_server::server_buttons(ui, self);
            }
            if self.role == Role::TcpClient
                && self.st.state == ConnState::Connected
                && ui
                    .button(fl!(loader(lang), "btn-half-close"))
                    .on_hover_text(fl!(loader(lang), "btn-half-close-tip"))
                    .clicked()
            {
                self.send_command(Command::ShutdownWrite);
            }
        });
        ui.separator();

        let blocked = self.send_blocked();
        egui::Panel::bottom(("send_panel", salt))
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(4.0);
                let enc = self.encoding();
                let SessionPanel {
                    settings,
                    st,
                    runtime,
                    reply_to,
                    selected_client,
                    role,
                    ..
                } = self;
                let role = *role;
                let bytes = send_box::show(
                    ui,
                    &mut settings.send,
                    enc,
                    salt,
                    blocked.as_deref(),
                    force_send,
                    matches!(role, Role::UdpReceiver | Role::TcpServer).then_some(|ui: &mut Ui| {
                        match role {
                            Role::UdpReceiver => udp_receiver::reply_target_ui(
                                ui,
                                &st.senders,
                                reply_to,
                                st.last_sender,
                            ),
                            Role::TcpServer => {
                                tcp_server::target_ui(ui, &runtime.view().store, selected_client)
                            }
                            _ => {}
                        }
                    }),
                );
                if let Some(b) = bytes {
                    self.send_bytes(b);
                }
                super::toolkit::show(ui, self, notify);
            });
        super::toolkit::tool_panel(ui, self, notify, tab_h);
        if self.role == Role::TcpServer {
            // The client list shares the log's width: at most 45 % of it.
            let w = ui.available_width();
            let max = (0.45 * w).max(160.0);
            egui::Panel::right(("clients", salt))
                .resizable(true)
                .default_size((0.35 * w).clamp(160.0, 330.0))
                .size_range(160.0_f32.min(max)..=max)
                .show(ui, |ui| tcp_server::client_list_ui(ui, self));
        }
        egui::CentralPanel::no_frame().show(ui, |ui| {
            // What one row is: the lesson's point about message boundaries against a stream.
            let raw_tcp = self.role.is_tcp()
                && matches!(
                    self.settings.framing.framing(),
                    Ok(crate::codec::Framing::Raw)
                );
            let rows_note = if !self.role.is_tcp() {
                Some(fl!(loader(lang), "rows-udp"))
            } else if raw_tcp {
                Some(fl!(loader(lang), "rows-tcp-raw"))
            } else {
                None
            };
            if let Some(note) = rows_note {
                ui.label(RichText::new(note).weak().small())
                    .on_hover_text(fl!(loader(lang), "rows-tip"));
            }
            let actions = {
                let view = self.runtime.shared();
                let v = crate::session::lock(&view);
                log_view::show(
                    ui,
                    &v.store,
                    &mut self.log,
                    &mut self.settings.display,
                    self.role == Role::TcpServer,
                    salt,
                )
            };
            if actions.clear {
                self.clear_log();
            }
            if actions.save {
                self.save_log(ui.ctx());
            }
            if let Some(n) = actions.note {
                self.add_note(&n);
            }
        });
    }
}

/// A writer's failure in `lang` (the system's own detail at the end).
pub fn writer_error_text(lang: Lang, e: &crate::session::WriterError) -> String {
    use crate::session::WriterFailure;
    let (l, path, err) = (loader(lang), e.path.as_str(), e.detail.as_str());
    match e.what {
        WriterFailure::CannotCreate => fl!(l, "notice-cannot-save-to", dir = path, err = err),
        WriterFailure::CannotCreateRecord => {
            fl!(l, "notice-cannot-write-record", path = path, err = err)
        }
        WriterFailure::Stopped => fl!(l, "notice-record-stopped", path = path, err = err),
        WriterFailure::CannotWait => fl!(l, "notice-cannot-wait-spool", err = err),
    }
}
