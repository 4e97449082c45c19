//! One tab's state in the window, whatever its role: its saved fields, what the window
//! keeps between frames (selection, notices, open dialogs, saves under way) and its
//! session [`Runtime`], which runs on its own thread. The tab reads the runtime's status
//! each frame and sends it controls; it never touches a socket. Drawing the tab is
//! [`super::session_panel`]'s job; the tools' requests are applied in [`super::tab_tools`],
//! and Save log… is in [`super::tab_save`].

use super::settings::TabSettings;
use super::status_words::{ConnState, writer_error_text};
use super::toolkit::Toolkit;
use super::udp_sender;
use crate::auto::auto_send::AutoPlan;
use crate::auto::rules::RuleSet;
use crate::codec::Encoding;
use crate::i18n::{Lang, loader};
use crate::net::{Command, Notifier, Payload, Role, SessionConfig, Target};
use crate::session::{Control, Runtime, RuntimeOptions, Status, View};
use crate::ui::common::background::{Background, Poll};
use crate::ui::dialogs::file_dialog::PendingDialog;
use crate::ui::dialogs::save::thousands;
use crate::ui::log::log_view::LogViewState;
use crate::ui::pickers::encoding_picker;
use i18n_embed_fl::fl;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::MutexGuard;

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
    /// The Replay window.
    pub replay: crate::ui::tools::replay_window::ReplayState,
    /// UDP receiver: reply to this source (None = the last sender).
    pub reply_to: Option<SocketAddr>,
    /// TCP server: the selected client (None = all clients).
    pub selected_client: Option<u64>,
    /// TCP server: "Send to" as it was before a click in the client list changed it, while
    /// the change is shown with its Undo under the list.
    pub send_to_before: Option<Option<u64>>,
    /// TCP server: the selected client was open at the last frame.
    pub selected_was_open: bool,
    /// TCP server: the client whose connection ended while it was selected (kicked,
    /// reset, or gone): the diagram keeps drawing its teardown until another is selected.
    pub ended_client: Option<u64>,
    /// Simple mode: the tab's More options are shown.
    pub more_open: bool,
    /// On a very short tab with the Roster open the send box folds to one button (the
    /// roster and the log keep their rows); true once it was opened there.
    pub send_unfolded: bool,
    /// The session (see `EncodingWatch::session`) whose offer of another encoding was
    /// taken or hidden.
    pub enc_hint_hidden: Option<u64>,
    /// TCP: Pause reading is on (the next session starts paused; a running one is told).
    /// Not saved: a tab never opens paused.
    pub pause_reading: bool,
    /// The window's part of the tools (dialogs, notes, the file being sent).
    pub kit: Toolkit,
    pub(in crate::ui) runtime: Runtime,
    /// Saves under way (see `tab_save`).
    pub(super) saves: Vec<Background<Result<String, String>>>,
    /// Save log…'s file dialog, while it is open.
    pub(super) save_dialog: Option<PendingDialog>,
    /// Save log… is saving the rest of a record that stopped: the spool's events from
    /// this one on.
    pub(super) save_rest_from: Option<u64>,
    /// UDP Sender: the destination the session was started with, and the one last handed
    /// to the worker.
    pub(super) started_dest: Option<String>,
    pub(super) dest_applied: Option<String>,
    /// The destination as last typed and since when (applied once it stays unchanged).
    pub(super) dest_typed: Option<(String, std::time::Instant)>,
    /// Where spools go (the app's data directory).
    spool_dir: PathBuf,
    notify: Option<Notifier>,
    /// What the runtime was last given (sent again only when the fields change).
    sent_rules: Option<(RuleSet, Encoding)>,
    sent_framing: Option<crate::codec::Framing>,
    sent_check: Option<Option<crate::codec::ChecksumSpec>>,
    /// Relay: the faults the running relay was last given (changed live as edited).
    pub(super) relay_faults: Option<crate::net::relay::Faults>,
    /// Relay: the rewrite rules and Intercept the running relay was last given.
    pub(super) relay_rules: super::relay_rules_form::RulesLive,
}

impl SessionPanel {
    /// What the TCP diagram of this tab shows (see `lesson::diagram_panel`).
    pub fn diagram_data(&self) -> crate::ui::lesson::diagram_panel::DiagramData<'_> {
        let v = self.view();
        let shown = self.diagram_client();
        let counts = match self.role {
            Role::TcpServer => shown
                .or_else(|| self.st.tcp.clients.keys().next_back().copied())
                .and_then(|id| v.store.clients.get(&id))
                .map(|c| (c.counters.rx_bytes, c.counters.tx_bytes)),
            _ => Some((v.store.counters.rx_bytes, v.store.counters.tx_bytes)),
        };
        crate::ui::lesson::diagram_panel::DiagramData {
            flows: &self.st.tcp,
            role: self.role,
            selected: shown,
            stats: crate::net::tcp_info::read(&v.tcp_stats),
            counts,
        }
    }

    /// TCP server: the client the diagram draws: the selected one, else the one whose
    /// connection just ended while selected (its teardown), else None (the newest).
    pub fn diagram_client(&self) -> Option<u64> {
        self.selected_client.or(self
            .ended_client
            .filter(|id| self.st.tcp.clients.contains_key(id)))
    }

    pub fn new(role: Role, settings: TabSettings) -> SessionPanel {
        let enc = encoding_picker::from_label(&settings.encoding);
        let spool_dir = crate::files::default_data_dir();
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
            replay: Default::default(),
            reply_to: None,
            selected_client: None,
            send_to_before: None,
            selected_was_open: false,
            ended_client: None,
            more_open: false,
            send_unfolded: false,
            enc_hint_hidden: None,
            pause_reading: false,
            kit: Default::default(),
            runtime,
            saves: Vec::new(),
            save_dialog: None,
            save_rest_from: None,
            started_dest: None,
            dest_applied: None,
            dest_typed: None,
            spool_dir,
            notify: None,
            sent_rules: None,
            sent_framing: None,
            sent_check: None,
            relay_faults: None,
            relay_rules: Default::default(),
        }
    }

    /// The runtime's view, locked (keep it short; tests and exports).
    pub fn view(&self) -> MutexGuard<'_, View> {
        self.runtime.view()
    }

    /// The tab's runtime.
    /// The data folder (spools, the self-signed certificate, the live feed's pipe).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.spool_dir
    }

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

    /// The cap on all spools together that this tab's spool counts against.
    pub fn set_spool_budget(&self, b: &crate::session::SpoolBudget) {
        self.runtime.send(Control::SetSpoolBudget(b.clone()));
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
        let mut cfg = super::tab_config::config_of(self.role, &self.settings)?;
        cfg.pause_reading = self.role.is_tcp() && self.pause_reading;
        Some(cfg)
    }

    /// Pause reading (true) or resume (false): remembered for the next start, and told
    /// to the running session. On a server it applies to every client.
    pub fn set_reading_paused(&mut self, paused: bool) {
        self.pause_reading = paused;
        self.send_command(Command::PauseReading(paused));
    }

    /// Whether reading is paused: as the worker said while the session runs, else what
    /// the next start will do.
    pub fn reading_paused(&self) -> bool {
        if self.is_running() {
            self.st.reading_paused
        } else {
            self.pause_reading
        }
    }

    /// Starts a session with this config (only when idle).
    pub fn start(&mut self, cfg: SessionConfig, notify: Option<Notifier>) {
        self.start_launch(cfg, AutoPlan::default(), None, notify);
    }

    /// Starts from the fields (the main button).
    pub fn start_from_fields(&mut self, notify: Option<Notifier>) -> bool {
        match self.config_from_fields() {
            Some(cfg) => {
                // A crowd's greeting: each connection sends it as it opens.
                let plan = if cfg.crowd.is_some() {
                    self.settings.crowd.plan(
                        cfg.encoding,
                        self.settings.send.hex,
                        self.settings.send.escapes,
                    )
                } else {
                    AutoPlan::default()
                };
                self.start_launch(cfg, plan, None, notify);
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
        // TLS: a server without a certificate keeps its self-signed one with the spools.
        let mut cfg = cfg;
        if let Some(t) = cfg.tls.as_mut()
            && t.self_signed_dir.is_none()
        {
            t.self_signed_dir = Some(self.spool_dir.clone());
        }
        if let Some(t) = cfg.relay.as_mut().and_then(|r| r.tls_listen.as_mut())
            && t.self_signed_dir.is_none()
        {
            t.self_signed_dir = Some(self.spool_dir.clone());
        }
        self.started_dest = Some(cfg.address.clone()).filter(|a| !a.is_empty());
        self.dest_applied = None;
        if let Some(n) = notify
            && self.notify.is_none()
        {
            self.set_notify(n);
        }
        self.sync_runtime();
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

    /// Clear: the log, its selection, and the status line's last notice (a "saved N
    /// events" about rows no longer shown).
    pub fn clear_log(&mut self) {
        self.runtime.send(Control::Clear);
        self.log.reset();
        self.notice = None;
    }

    /// Gives the runtime the tab's rules, framing and checksum check when they changed.
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
        if let Ok(c) = self.settings.rx_check.spec()
            && self.sent_check != Some(c)
        {
            self.sent_check = Some(c);
            self.runtime.send(Control::SetRxCheck(c));
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
                Role::TcpServer | Role::Relay => fl!(loader(self.lang), "send-blocked-listen"),
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
            Role::Relay => Some(fl!(loader(self.lang), "ev-not-applicable-relay")),
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
        // The destination as it reads now, even if it was typed a moment ago.
        self.apply_destination(true);
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
}
