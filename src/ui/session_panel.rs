//! One tab's session, whatever its role: the persisted fields, the Start/Stop state
//! machine, draining the worker's events into a [`LogStore`] (plus automation and the
//! `--record` stream), the status line, and the tab's layout (fields, send box, log).
//! The worker is reached only through its channels.

use super::address_field::ERROR_RED;
use super::log_view::{self, DisplayMode, LogViewState};
use super::save::{self, thousands};
use super::send_box::{self, SendState};
use super::{encoding_picker, tcp_client, tcp_server, udp_receiver, udp_sender};
use crate::codec::Encoding;
use crate::i18n::{Lang, tr, trf};
use crate::log::LogStore;
use crate::log::frames::ViewFramer;
use crate::log::spool::Spool;
use crate::net::auto::{Auto, AutoPlan};
use crate::net::{
    ClosedBy, Command, Event, EventKind, Notifier, Payload, Role, Session, SessionConfig, Target,
};
use crossbeam_channel::{Receiver, TryRecvError};
use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

/// The persisted fields of one tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TabSettings {
    /// Destination (UDP sender), bind (UDP receiver), server (TCP client) or listen host.
    pub host: String,
    pub port: String,
    /// UDP sender: local port or `HOST:PORT` to bind; empty = the OS picks.
    pub local: String,
    /// TCP server: listen backlog.
    pub backlog: String,
    /// Encoding label (`utf-8`, `gbk`, …).
    pub encoding: String,
    pub display: DisplayMode,
    pub send: SendState,
    /// The tools under the send box (saved payloads, auto-send, rules, expect…).
    pub kit: super::toolkit::KitSettings,
    /// TCP: how received data is cut into rows in the log view (display only).
    pub framing: super::framing_picker::FramingForm,
    /// UDP: the Multicast section.
    pub multicast: super::multicast::MulticastForm,
}

impl Default for TabSettings {
    fn default() -> Self {
        TabSettings::seed(Role::UdpReceiver)
    }
}

impl TabSettings {
    /// The defaults of each role (the lesson's addresses).
    pub fn seed(role: Role) -> TabSettings {
        let (host, port, local) = match role {
            Role::UdpSender => ("127.0.0.1", "8080", "7890"),
            Role::UdpReceiver => ("127.0.0.1", "8080", ""),
            Role::TcpClient => ("127.0.0.1", "7891", ""),
            Role::TcpServer => ("0.0.0.0", "7891", ""),
        };
        TabSettings {
            host: host.into(),
            port: port.into(),
            local: local.into(),
            backlog: "128".into(),
            encoding: "utf-8".into(),
            display: DisplayMode::Text,
            send: SendState::default(),
            kit: Default::default(),
            framing: Default::default(),
            multicast: Default::default(),
        }
    }

    /// Fills the fields from a session config (for a command-line launch).
    pub fn apply_config(&mut self, cfg: &SessionConfig) {
        if let Ok((host, port)) = crate::net::addr::split_host_port(&cfg.address) {
            self.host = host;
            self.port = port.to_string();
        }
        if cfg.role == Role::UdpSender {
            self.local = cfg.bind.clone().unwrap_or_default();
        }
        self.backlog = cfg.backlog.to_string();
        self.encoding = cfg.encoding.label();
    }
}

/// Where a session stands, for the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnState {
    Idle,
    Starting,
    Connecting,
    Connected,
    Bound,
    Listening,
    Stopping,
    Stopped,
    ClosedByPeer(String),
    Closed(String),
    Reset(String),
    Error(String),
}

impl ConnState {
    /// The status text in English.
    pub fn text(&self) -> String {
        self.text_in(Lang::En)
    }

    /// The status text in `lang` (an engine message stays as the engine wrote it).
    pub fn text_in(&self, lang: Lang) -> String {
        let key = match self {
            ConnState::Idle => "state.idle",
            ConnState::Starting => "state.starting",
            ConnState::Connecting => "state.connecting",
            ConnState::Connected => "state.connected",
            ConnState::Bound => "state.bound",
            ConnState::Listening => "state.listening",
            ConnState::Stopping => "state.stopping",
            ConnState::Stopped => "state.stopped",
            ConnState::ClosedByPeer(_) => "state.closed_by_peer",
            ConnState::Closed(_) => "state.closed",
            ConnState::Reset(_) => "state.reset",
            ConnState::Error(_) => "state.error",
        };
        match self {
            ConnState::ClosedByPeer(m)
            | ConnState::Closed(m)
            | ConnState::Reset(m)
            | ConnState::Error(m) => with_msg(lang, key, m),
            _ => tr(lang, key).to_string(),
        }
    }

    fn color(&self) -> Color32 {
        match self {
            ConnState::Connected | ConnState::Bound | ConnState::Listening => {
                Color32::from_rgb(0x3c, 0xa0, 0x50)
            }
            ConnState::Reset(_) | ConnState::Error(_) => ERROR_RED,
            ConnState::ClosedByPeer(_) => Color32::from_rgb(0xd0, 0x90, 0x20),
            _ => Color32::GRAY,
        }
    }
}

/// A state word with the engine's message (left out when it only repeats the word).
fn with_msg(lang: Lang, key: &'static str, msg: &str) -> String {
    let what = tr(lang, key);
    if msg.is_empty() || msg == tr(Lang::En, key) {
        what.to_string()
    } else {
        trf(lang, "state.with_msg", &[("what", what), ("msg", msg)])
    }
}

/// One tab: its settings, its session (if running), its log.
pub struct SessionPanel {
    pub role: Role,
    /// The language of the texts this panel makes (set each frame from the window's).
    pub lang: Lang,
    pub settings: TabSettings,
    pub store: LogStore,
    pub log: LogViewState,
    pub state: ConnState,
    /// The real local address reported by the worker.
    pub local: Option<SocketAddr>,
    /// A message for the status line (save result, record error); true = error.
    pub notice: Option<(String, bool)>,
    /// UDP: sources seen in received datagrams (newest last).
    pub senders: Vec<SocketAddr>,
    pub last_sender: Option<SocketAddr>,
    /// UDP receiver: reply to this source (None = the last sender).
    pub reply_to: Option<SocketAddr>,
    /// TCP server: the selected client (None = all clients).
    pub selected_client: Option<u64>,
    /// TCP server: the listening socket was closed, clients kept.
    pub listen_stopped: bool,
    /// The socket calls so far (classroom mode's timeline strip).
    pub timeline: super::timeline::Timeline,
    /// The running part of the tools (auto-send, file, rules, rates, expect).
    pub kit: super::toolkit::Toolkit,
    session: Option<Session>,
    auto: Option<Auto>,
    /// `--record FILE`: the same writer as the spool, keeping its file.
    recorder: Option<Spool>,
    record_path: Option<PathBuf>,
    saves: Vec<Receiver<Option<Result<String, String>>>>,
    /// Every event of this log, on disk (created with the first event; removed on drop).
    spool: Option<Spool>,
    /// Where spools go (the app's data directory).
    pub spool_dir: PathBuf,
    /// Why there is no spool (creating or writing it failed).
    spool_error: Option<String>,
    spool_written: u64,
    /// TCP display framing: cuts received chunks into one row per frame (the spool and
    /// the record keep the raw chunks).
    view: ViewFramer,
    /// Events given to the spool (with framing, the rows in memory differ from the events).
    spooled: u64,
}

impl SessionPanel {
    pub fn new(role: Role, settings: TabSettings) -> SessionPanel {
        let enc = encoding_picker::from_label(&settings.encoding);
        SessionPanel {
            role,
            lang: Lang::En,
            settings,
            store: LogStore::new(enc),
            log: LogViewState::default(),
            state: ConnState::Idle,
            local: None,
            notice: None,
            senders: Vec::new(),
            last_sender: None,
            reply_to: None,
            selected_client: None,
            listen_stopped: false,
            timeline: super::timeline::Timeline::new(role),
            kit: Default::default(),
            session: None,
            auto: None,
            recorder: None,
            record_path: None,
            saves: Vec::new(),
            spool: None,
            spool_dir: save::default_data_dir(),
            spool_error: None,
            spool_written: 0,
            view: ViewFramer::default(),
            spooled: 0,
        }
    }

    pub fn is_running(&self) -> bool {
        self.session.is_some()
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
        Some(super::toolkit::apply_config(&self.settings.kit, cfg).encoding(self.encoding()))
    }

    /// Starts a session with this config (stopping nothing: call only when idle).
    pub fn start(&mut self, cfg: SessionConfig, notify: Option<Notifier>) {
        if self.session.is_some() {
            return;
        }
        self.state = ConnState::Starting;
        self.local = None;
        self.listen_stopped = false;
        self.timeline = super::timeline::Timeline::new(self.role);
        self.view.reset();
        self.notice = None;
        self.session = Some(Session::start(cfg, notify));
        if let Some(p) = self.record_path.clone() {
            match Spool::create(&p, self.encoding(), true) {
                Ok(r) => self.recorder = Some(r),
                Err(e) => {
                    self.notice = Some((
                        trf(
                            self.lang,
                            "notice.record_stopped",
                            &[("path", &p.display().to_string()), ("err", &e.to_string())],
                        ),
                        true,
                    ));
                    self.record_path = None;
                }
            }
        }
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
        self.record_path = record;
        self.start(cfg, notify);
        if plan != AutoPlan::default() {
            self.auto = Some(Auto::new(plan));
        }
    }

    /// Asks the worker to stop; events keep draining until its channel closes.
    pub fn stop(&mut self) {
        if let Some(s) = &self.session {
            s.send(Command::Stop);
            self.state = ConnState::Stopping;
        }
        if let Some(a) = &mut self.auto {
            a.cancel();
        }
    }

    /// A handle for sending commands from another thread (auto-send).
    pub fn handle(&self) -> Option<crate::net::SessionHandle> {
        self.session.as_ref().map(Session::handle)
    }

    pub fn send_command(&self, cmd: Command) -> bool {
        self.session.as_ref().is_some_and(|s| s.send(cmd))
    }

    /// Changes the encoding of sending, the log and the record.
    pub fn set_encoding(&mut self, enc: Encoding) {
        self.settings.encoding = enc.label();
        self.store.set_encoding(enc);
        self.send_command(Command::SetEncoding(enc));
        if let Some(r) = &self.recorder {
            r.set_encoding(enc);
        }
        if let Some(s) = &self.spool {
            s.set_encoding(enc);
        }
    }

    pub fn clear_log(&mut self) {
        if let Some(s) = &self.spool {
            s.truncate();
        }
        self.spool_written = 0;
        self.spooled = 0;
        self.view.reset();
        self.store.clear();
        self.log.reset();
        self.senders.clear();
        self.last_sender = None;
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
        let t = |key| tr(self.lang, key).to_string();
        if self.session.is_none() || self.state == ConnState::Stopping {
            return Some(match self.role {
                Role::UdpSender | Role::UdpReceiver => t("send.blocked_bind"),
                Role::TcpClient => t("send.blocked_connect"),
                Role::TcpServer => t("send.blocked_listen"),
            });
        }
        match self.role {
            Role::UdpSender => (self.state != ConnState::Bound).then(|| t("send.not_bound")),
            Role::UdpReceiver => {
                if self.state != ConnState::Bound {
                    Some(t("send.not_bound"))
                } else if self.reply_to.is_none() && self.last_sender.is_none() {
                    Some(t("send.no_sender"))
                } else {
                    None
                }
            }
            Role::TcpClient => {
                (self.state != ConnState::Connected).then(|| t("send.not_connected"))
            }
            Role::TcpServer => match self.selected_client {
                Some(id) if !self.store.clients.get(&id).is_some_and(|c| c.open) => Some(trf(
                    self.lang,
                    "send.client_not_connected",
                    &[("id", &id.to_string())],
                )),
                Some(_) => None,
                None if !self.store.clients.values().any(|c| c.open) => Some(t("send.no_client")),
                None => None,
            },
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

    /// Drains events until the channel is empty, `cap` events were taken or `deadline`
    /// passed. Returns (events taken, more may remain, next automation time).
    pub fn pump(&mut self, cap: usize, deadline: Instant) -> (usize, bool, Option<Instant>) {
        self.poll_background();
        self.sync_view_framing();
        let Some(session) = self.session.take() else {
            return (0, false, None);
        };
        let mut n = 0;
        let mut more = false;
        let mut ended = false;
        let mut behind = false;
        loop {
            if n >= cap || (n % 256 == 255 && Instant::now() >= deadline) {
                more = true;
                break;
            }
            // The disk writer is far behind: take no more for now, so the worker's queue
            // fills and (for TCP) the peer is slowed down, instead of memory growing.
            if n % 16 == 0 && self.writers_behind() {
                behind = true;
                break;
            }
            match session.events().try_recv() {
                Ok(ev) => {
                    n += 1;
                    if let Some(a) = &mut self.auto {
                        a.on_event(&ev, &session, Instant::now());
                    }
                    self.kit.on_event(&ev, &session, Instant::now());
                    self.on_event(ev);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    ended = true;
                    break;
                }
            }
        }
        let mut next = behind.then(|| Instant::now() + std::time::Duration::from_millis(5));
        if ended {
            self.on_ended();
        } else {
            if let Some(a) = &mut self.auto {
                next = match (next, a.tick(&session, Instant::now())) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (x, y) => x.or(y),
                };
            }
            next = match (next, self.kit.tick(&session, Instant::now())) {
                (Some(x), Some(y)) => Some(x.min(y)),
                (x, y) => x.or(y),
            };
            self.session = Some(session);
        }
        (n, more, next)
    }

    fn writers_behind(&self) -> bool {
        self.spool.as_ref().is_some_and(Spool::is_behind)
            || self.recorder.as_ref().is_some_and(Spool::is_behind)
    }

    fn poll_background(&mut self) {
        if let Some(r) = &mut self.recorder
            && let (_, Some(e)) = r.poll()
        {
            self.notice = Some((e.to_string(), true));
            self.recorder = None;
            self.record_path = None;
        }
        if let Some(s) = &mut self.spool {
            let (written, err) = s.poll();
            self.spool_written = written;
            if let Some(e) = err {
                self.spool_error = Some(e.to_string());
            }
        }
        self.saves.retain(|rx| match rx.try_recv() {
            Ok(res) => {
                match res {
                    Some(Ok(m)) => self.notice = Some((m, false)),
                    Some(Err(m)) => self.notice = Some((m, true)),
                    None => {}
                }
                false
            }
            Err(TryRecvError::Empty) => true,
            Err(TryRecvError::Disconnected) => false,
        });
    }

    /// Follows the tab's framing picker (a bad field keeps the last good framing).
    fn sync_view_framing(&mut self) {
        let framing = if self.role.is_tcp() {
            self.settings.framing.framing().ok()
        } else {
            Some(crate::codec::Framing::Raw)
        };
        if let Some(f) = framing {
            self.view.set_framing(f);
        }
    }

    fn on_ended(&mut self) {
        self.auto = None;
        self.kit.on_ended();
        // Unfinished frames of connections that ended without a close event.
        let template = Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::Info(String::new()),
        };
        for row in self.view.flush_all(&template) {
            self.store.push_row(row.event, row.truncated);
        }
        self.recorder = None;
        self.state = match &self.state {
            ConnState::ClosedByPeer(_)
            | ConnState::Closed(_)
            | ConnState::Reset(_)
            | ConnState::Error(_) => self.state.clone(),
            _ => ConnState::Stopped,
        };
    }

    fn on_event(&mut self, ev: Event) {
        let own = ev.client.is_none();
        if own && let Some(l) = ev.local {
            self.local = Some(l);
        }
        match &ev.kind {
            EventKind::Bound if own => self.state = ConnState::Bound,
            EventKind::Listening { .. } => self.state = ConnState::Listening,
            EventKind::Connecting if own => self.state = ConnState::Connecting,
            EventKind::Connected if own => self.state = ConnState::Connected,
            EventKind::Closed { by, .. } if own => {
                let why = crate::log::store::describe(&ev);
                self.state = match by {
                    ClosedBy::Peer => ConnState::ClosedByPeer(why),
                    ClosedBy::Local => ConnState::Closed(why),
                }
            }
            EventKind::Reset { .. } if own => {
                self.state = ConnState::Reset(crate::log::store::describe(&ev))
            }
            EventKind::Error { detail, .. } if own => self.state = ConnState::Error(detail.clone()),
            EventKind::Rx(_) if !self.role.is_tcp() => {
                if let Some(p) = ev.peer {
                    self.last_sender = Some(p);
                    if !self.senders.contains(&p) {
                        self.senders.push(p);
                        if self.senders.len() > 100 {
                            self.senders.remove(0);
                        }
                    }
                }
            }
            _ => {}
        }
        self.push_event(ev);
    }

    /// Adds an event to the log, the spool and the record.
    fn push_event(&mut self, ev: Event) {
        if self.spool.is_none() && self.spool_error.is_none() {
            match Spool::in_dir(&self.spool_dir, self.role.as_str(), self.store.encoding()) {
                Ok(s) => self.spool = Some(s),
                Err(e) => {
                    self.spool_error = Some(trf(
                        self.lang,
                        "notice.cannot_save_to",
                        &[
                            ("dir", &self.spool_dir.display().to_string()),
                            ("err", &e.to_string()),
                        ],
                    ))
                }
            }
        }
        if let Some(s) = &mut self.spool {
            s.write(&ev);
            self.spooled += 1;
        }
        if let Some(r) = &mut self.recorder {
            r.write(&ev);
        }
        self.timeline.on_event(&ev);
        if self.view.is_raw() {
            self.store.push(ev);
            return;
        }
        // Display framing: the raw chunk is counted, its frames become the rows.
        if matches!(ev.kind, EventKind::Rx(_)) {
            self.store.count_rx(&ev);
        }
        for row in self.view.split(ev) {
            if row.frame {
                self.store.push_row(row.event, row.truncated);
            } else {
                self.store.push(row.event);
            }
        }
    }

    /// Attaches a note to this moment (in the log, the spool and the record).
    pub fn add_note(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.push_event(Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::Note(text.to_string()),
        });
    }

    /// Stops the spool writer and deletes its file (a normal exit).
    pub fn remove_spool(&mut self) {
        self.spool = None;
        self.spool_written = 0;
    }

    /// The spool file of this log, if there is one.
    pub fn spool_path(&self) -> Option<&std::path::Path> {
        self.spool.as_ref().map(|s| s.path())
    }

    /// What a save reads: the spool, or the rows in memory when there is no spool.
    fn save_source(&self) -> save::Source {
        match (&self.spool, &self.spool_error) {
            (Some(s), None) => save::Source::Spool {
                path: s.path().to_path_buf(),
                sync: Box::new(s.syncer()),
            },
            (_, err) => save::Source::Memory {
                rows: self.store.iter().cloned().collect(),
                why: err
                    .clone()
                    .unwrap_or_else(|| tr(self.lang, "save.no_disk_copy").into()),
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
        if self.store.total() == 0 {
            self.notice = Some((tr(self.lang, "notice.nothing_to_save").into(), false));
            return;
        }
        let source = self.save_source();
        let enc = self.encoding();
        let name = save::suggested_name(self.role.as_str());
        let (tx, rx) = crossbeam_channel::bounded(1);
        let ctx = ctx.clone();
        let (title, lang) = (tr(self.lang, "save.dialog_title"), self.lang);
        let spawned = std::thread::Builder::new()
            .name("save-log".into())
            .spawn(move || {
                let path = output.or_else(|| save::ask_path(title, &name));
                let res =
                    path.map(|p| save::export_session(source, &save::with_format(p), enc, lang));
                let _ = tx.send(res);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.notice = Some((tr(self.lang, "notice.saving").into(), false));
                self.saves.push(rx);
            }
            Err(e) => {
                self.notice = Some((
                    trf(self.lang, "notice.save_failed", &[("err", &e.to_string())]),
                    true,
                ))
            }
        }
    }

    /// What the status line says about the log: rows held, events seen, what is on disk.
    /// The bool is true when it is an error.
    pub fn held_text(&self) -> (String, bool) {
        let total = self.store.total();
        let mut t = trf(
            self.lang,
            "held.showing",
            &[
                ("shown", &thousands(self.store.len() as u64)),
                ("total", &thousands(total)),
            ],
        );
        if let Some(e) = &self.spool_error {
            t.push_str(&format!(" · {e}"));
            return (t, true);
        }
        let pending = self.spooled.saturating_sub(self.spool_written);
        if pending == 0 {
            t.push_str(&format!(" · {}", tr(self.lang, "held.all_saved")));
        } else {
            let n = trf(self.lang, "held.pending", &[("n", &thousands(pending))]);
            t.push_str(&format!(" · {n}"));
        }
        (t, false)
    }

    /// The status line: state, local address, counters, rows shown, notice.
    pub fn status_ui(&self, ui: &mut Ui) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            let mut state = self.state.text_in(lang);
            if self.role == Role::TcpServer && self.listen_stopped && self.is_running() {
                state = tr(lang, "state.not_listening").into();
            }
            ui.label(RichText::new(state).color(self.state.color()).strong());
            super::classroom::error_note(ui, self);
            if let Some(l) = self.local {
                ui.separator();
                ui.label(trf(lang, "status.local", &[("addr", &l.to_string())]));
            }
            ui.separator();
            let c = &self.store.counters;
            ui.label(trf(
                lang,
                "status.counters",
                &[
                    ("rx_b", &c.rx_bytes.to_string()),
                    ("rx_m", &c.rx_msgs.to_string()),
                    ("tx_b", &c.tx_bytes.to_string()),
                    ("tx_m", &c.tx_msgs.to_string()),
                ],
            ));
            ui.separator();
            let (held, err) = self.held_text();
            if err {
                ui.label(RichText::new(held).color(ERROR_RED));
            } else {
                ui.label(held).on_hover_text(tr(lang, "held.tip"));
            }
            if self.store.refused > 0 {
                ui.separator();
                let n = thousands(self.store.refused);
                ui.label(RichText::new(trf(lang, "status.refused", &[("n", &n)])).color(ERROR_RED))
                    .on_hover_text(tr(lang, "status.refused_tip"));
            }
            if self.store.kernel_dropped > 0 {
                ui.separator();
                let n = thousands(self.store.kernel_dropped);
                ui.label(
                    RichText::new(trf(lang, "status.kernel_dropped", &[("n", &n)]))
                        .color(ERROR_RED),
                )
                .on_hover_text(tr(lang, "status.kernel_dropped_tip"));
            }
            if self.recorder.is_some() {
                ui.separator();
                ui.label(tr(lang, "status.recording"));
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
        self.lang = super::classroom::lang(ui.ctx());
        let lang = self.lang;
        let (hint, more) = match self.role {
            Role::UdpSender => ("about.udp_sender", "about.udp_sender_more"),
            Role::UdpReceiver => ("about.udp_receiver", "about.udp_receiver_more"),
            Role::TcpClient => ("about.tcp_client", "about.tcp_client_more"),
            Role::TcpServer => ("about.tcp_server", "about.tcp_server_more"),
        };
        let about = trf(lang, "about.prefix", &[("hint", tr(lang, hint))]);
        ui.label(RichText::new(about).weak())
            .on_hover_text(tr(lang, more));
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
        ui.horizontal_wrapped(|ui| {
            let (start, stop) = match self.role {
                Role::UdpSender | Role::UdpReceiver => ("btn.bind", "btn.unbind"),
                Role::TcpClient => ("btn.connect", "btn.disconnect"),
                Role::TcpServer => ("btn.listen", "btn.stop"),
            };
            let (start, stop) = (tr(lang, start), tr(lang, stop));
            let big = |t: &str| {
                egui::Button::new(RichText::new(t).strong()).min_size(egui::vec2(100.0, 0.0))
            };
            if self.state == ConnState::Stopping {
                ui.add_enabled(false, big(tr(lang, "btn.stopping")));
            } else if self.is_running() {
                if ui.add(big(stop)).clicked() {
                    self.stop();
                }
            } else {
                let b = ui.add_enabled(valid, big(start));
                if !valid {
                    b.on_disabled_hover_text(tr(lang, "btn.fix_fields"));
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
                && self.state == ConnState::Connected
                && ui
                    .button(tr(lang, "btn.half_close"))
                    .on_hover_text(tr(lang, "btn.half_close_tip"))
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
                    store,
                    senders,
                    reply_to,
                    last_sender,
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
                    |ui| match role {
                        Role::UdpReceiver => {
                            udp_receiver::reply_target_ui(ui, senders, reply_to, *last_sender)
                        }
                        Role::TcpServer => tcp_server::target_ui(ui, store, selected_client),
                        _ => {}
                    },
                );
                if let Some(b) = bytes {
                    self.send_bytes(b);
                }
                super::toolkit::show(ui, self, notify);
            });
        super::toolkit::tool_panel(ui, self, notify);
        if self.role == Role::TcpServer {
            egui::Panel::right(("clients", salt))
                .resizable(true)
                .default_size(330.0)
                .show(ui, |ui| tcp_server::client_list_ui(ui, self));
        }
        egui::CentralPanel::no_frame().show(ui, |ui| {
            // What one row is: the lesson's point about message boundaries against a stream.
            let raw_tcp = self.role.is_tcp()
                && matches!(
                    self.settings.framing.framing(),
                    Ok(crate::codec::Framing::Raw)
                );
            let rows_key = if !self.role.is_tcp() {
                Some("rows.udp")
            } else if raw_tcp {
                Some("rows.tcp_raw")
            } else {
                None
            };
            if let Some(k) = rows_key {
                ui.label(RichText::new(tr(lang, k)).weak().small())
                    .on_hover_text(tr(lang, "rows.tip"));
            }
            let actions = log_view::show(
                ui,
                &self.store,
                &mut self.log,
                &mut self.settings.display,
                self.role == Role::TcpServer,
                salt,
            );
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
