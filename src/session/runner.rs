//! The runtime thread's loop: wait for the worker's events, the window's controls or the
//! clock; take events in batches (spool, record, automation, output first, lock-free);
//! then hand them to the view in one short critical section, and wake the window at most
//! about 60 times a second. When the view is locked by a reader, events wait in a bounded
//! queue instead of the runtime waiting: a slow frame never slows receiving.

use super::budget::BudgetShare;
use super::replay_host::ReplaySlot;
use super::tools::{Tools, earliest};
use super::view::{View, WriterError, WriterFailure};
use super::{Control, Output, RuntimeOptions, SharedView, lock};
use crate::codec::Encoding;
use crate::log::frames::{ViewFramer, ViewRow};
use crate::log::spool::Spool;
use crate::net::SessionConfig;
use crate::net::auto::AutoPlan;
use crate::net::{Command, Event, EventKind, Role, Session};
use crossbeam_channel::{Receiver, TryRecvError, never};
use std::path::PathBuf;
use std::sync::TryLockError;
use std::time::{Duration, Instant};

/// Most events taken from the worker in one batch, and most payload bytes (the batch is
/// copied for the writers before their backlog is checked again).
const BATCH: usize = 4096;
const BATCH_BYTES: usize = 2 << 20;
/// The view is waited for (not tried) once this much is queued for it.
const PENDING_BYTES: usize = 8 << 20;
const PENDING_ITEMS: usize = 200_000;
/// Shortest time between two wake-ups of the window (about 60 a second).
const NOTIFY_EVERY: Duration = Duration::from_millis(16);
/// How soon to try the view again when a reader held it.
const RETRY: Duration = Duration::from_millis(2);
/// How often the writers' progress is read while something is not yet on disk.
const POLL_WRITERS: Duration = Duration::from_millis(20);
/// How often a spool's size is checked against the cap on all spools.
const BUDGET_EVERY: Duration = Duration::from_millis(250);
/// Shortest time between two hand-overs to the view under a flood (the window draws at
/// most 60 times a second; this keeps the lock and the status copy off the per-event path).
const FLUSH_EVERY: Duration = Duration::from_millis(1);

/// Something for the view, in the order it happened.
enum Item {
    /// An event shown as one row.
    Event(Event),
    /// Received data cut into frames for display (the raw chunk is counted).
    Framed { raw: Event, rows: Vec<ViewRow> },
    /// Rows flushed from the framer at the end.
    Rows(Vec<ViewRow>),
    /// The worker ended.
    Ended,
    /// An event of a replay's own session: a row in the log, not the tab's state.
    Replay(Event),
}

impl Item {
    fn size(&self) -> usize {
        let ev = |e: &Event| e.kind.data().map_or(0, <[u8]>::len) + 96;
        match self {
            Item::Event(e) | Item::Replay(e) => ev(e),
            Item::Framed { raw, rows } => {
                ev(raw) + rows.iter().map(|r| ev(&r.event)).sum::<usize>()
            }
            Item::Rows(rows) => rows.iter().map(|r| ev(&r.event)).sum(),
            Item::Ended => 0,
        }
    }
}

pub(super) struct Runner {
    role: Role,
    view: SharedView,
    control: Receiver<Control>,
    opts: RuntimeOptions,
    output: Option<Box<dyn Output>>,
    session: Option<Session>,
    /// The last session's config (a sequence's connect step starts it again).
    last_config: Option<Box<SessionConfig>>,
    /// Start the session again once the running one has ended.
    restart_pending: bool,
    enc: Encoding,
    local: Option<std::net::SocketAddr>,
    spool: Option<Spool>,
    spool_error: Option<WriterError>,
    spooled: u64,
    spool_written: u64,
    /// This runtime's part of the cap on all spools, and when its size was last checked.
    budget: Option<BudgetShare>,
    budget_checked: Option<Instant>,
    recorder: Option<Spool>,
    /// Events given to the recorder, and how many it has written.
    recorded: u64,
    record_written: u64,
    record_path: Option<PathBuf>,
    record_error: Option<WriterError>,
    framer: ViewFramer,
    /// This batch's events for the spool and the record, handed over once per batch.
    to_spool: Vec<Event>,
    to_record: Vec<Event>,
    /// The live pcapng feed (Wireshark), and its events of this batch.
    live: Option<Spool>,
    to_live: Vec<Event>,
    tools: Tools,
    replay: ReplaySlot,
    pending: Vec<Item>,
    pending_bytes: usize,
    /// The status changed since it was last copied into the view.
    dirty: bool,
    last_event: Option<Instant>,
    /// The view changed since the window was last woken.
    news: bool,
    last_notify: Option<Instant>,
    next_tick: Option<Instant>,
    retry_at: Option<Instant>,
    last_flush: Option<Instant>,
    expect_printed: usize,
}

impl Runner {
    pub(super) fn new(
        role: Role,
        view: SharedView,
        control: Receiver<Control>,
        opts: RuntimeOptions,
        output: Option<Box<dyn Output>>,
    ) -> Runner {
        Runner {
            role,
            view,
            control,
            enc: opts.encoding.unwrap_or(Encoding::UTF_8),
            opts,
            output,
            session: None,
            last_config: None,
            restart_pending: false,
            local: None,
            spool: None,
            spool_error: None,
            spooled: 0,
            spool_written: 0,
            budget: None,
            budget_checked: None,
            recorder: None,
            recorded: 0,
            record_written: 0,
            record_path: None,
            record_error: None,
            framer: ViewFramer::default(),
            to_spool: Vec::new(),
            to_record: Vec::new(),
            live: None,
            to_live: Vec::new(),
            tools: Tools::default(),
            replay: ReplaySlot::default(),
            pending: Vec::new(),
            pending_bytes: 0,
            dirty: false,
            last_event: None,
            news: false,
            last_notify: None,
            next_tick: None,
            retry_at: None,
            last_flush: None,
            expect_printed: 0,
        }
    }

    pub(super) fn run(mut self) {
        let control = self.control.clone();
        loop {
            let now = Instant::now();
            let behind = self.writers_behind();
            let events = match (&self.session, behind) {
                (Some(s), false) => s.events().clone(),
                _ => never(),
            };
            let replayed = if behind {
                never()
            } else {
                self.replay.events()
            };
            let wait = self.wait_until(now, behind).saturating_duration_since(now);
            crossbeam_channel::select! {
                recv(events) -> m => match m {
                    Ok(ev) => self.take_batch(ev, &events),
                    Err(_) => self.worker_ended(),
                },
                recv(replayed) -> m => match m {
                    Ok(ev) => self.on_replay_event(ev),
                    Err(_) => self.replay.session_ended(self.output.as_mut()),
                },
                recv(control) -> c => match c {
                    Ok(Control::Shutdown) | Err(_) => break,
                    Ok(c) => self.on_control(c),
                },
                default(wait) => {}
            }
            self.after_wake();
        }
        self.finish();
    }

    /// When to wake at the latest.
    fn wait_until(&self, now: Instant, behind: bool) -> Instant {
        let mut at = Some(now + Duration::from_millis(500));
        at = earliest(at, self.next_tick);
        at = earliest(at, self.retry_at);
        if self.news {
            at = earliest(at, self.last_notify.map(|t| t + NOTIFY_EVERY));
        }
        let unsaved = (self.spool.is_some() && self.spooled > self.spool_written)
            || (self.recorder.is_some() && self.recorded > self.record_written);
        if behind || unsaved {
            at = earliest(at, Some(now + if behind { RETRY } else { POLL_WRITERS }));
        }
        at.unwrap_or(now)
    }

    fn writers_behind(&self) -> bool {
        self.spool.as_ref().is_some_and(Spool::is_behind)
            || self.recorder.as_ref().is_some_and(Spool::is_behind)
    }

    /// Starts a worker (unless one runs): the view and the automation start over, the
    /// `--record` file opens. The config is kept for a sequence's connect step.
    fn start(&mut self, config: Box<SessionConfig>, plan: Box<AutoPlan>, record: Option<PathBuf>) {
        if self.session.is_some() {
            return;
        }
        if config.encoding != self.enc {
            self.set_encoding(config.encoding);
        }
        // `Runtime::start` already said `Starting`; say it again after the last
        // session's queued events (its end among them) have reached the view.
        self.flush(true);
        {
            let mut v = lock(&self.view);
            v.status.on_start();
            v.store.new_session();
        }
        self.framer.reset();
        self.local = None;
        self.tools.on_start(*plan);
        // A recorder still open is a sequence's reconnect: it goes on.
        if record.is_some() || !self.tools.seq.is_running() {
            self.finish_record();
        }
        if self.recorder.is_none() {
            self.open_record(record);
        }
        self.last_config = Some(config.clone());
        let session = Session::start(*config, None);
        lock(&self.view).tcp_stats = session.tcp_stats();
        self.session = Some(session);
    }

    /// The record is complete: its writer finishes; a write that failed is said.
    fn finish_record(&mut self) {
        if let Some(mut r) = self.recorder.take() {
            r.finish();
            let path = r.path().to_path_buf();
            if let (_, Some(e)) = r.poll() {
                self.record_error = Some(writer_error(WriterFailure::Stopped, &path, e));
            }
        }
    }

    /// `--record FILE`: a new record for a new session.
    fn open_record(&mut self, record: Option<PathBuf>) {
        self.record_error = None;
        self.record_path = None;
        self.recorded = 0;
        self.record_written = 0;
        if let Some(p) = record {
            match Spool::record(&p, self.enc) {
                Ok(r) => {
                    self.recorder = Some(r);
                    self.record_path = Some(p);
                }
                Err(e) => {
                    self.record_error = Some(writer_error(WriterFailure::CannotCreateRecord, &p, e))
                }
            }
        }
    }

    /// A sequence's connect step: the same session again (after the running one ends).
    fn restart(&mut self) {
        let Some(cfg) = self.last_config.clone() else {
            return;
        };
        if let Some(s) = &self.session {
            s.send(Command::Stop);
            self.restart_pending = true;
        } else {
            self.start(cfg, Box::default(), None);
        }
    }

    fn take_batch(&mut self, first: Event, events: &Receiver<Event>) {
        let now = Instant::now();
        let mut bytes = first.kind.data().map_or(0, <[u8]>::len);
        self.on_event(first, now);
        for _ in 0..BATCH {
            if bytes > BATCH_BYTES {
                break;
            }
            match events.try_recv() {
                Ok(ev) => {
                    bytes += ev.kind.data().map_or(0, <[u8]>::len);
                    self.on_event(ev, now);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.worker_ended();
                    break;
                }
            }
        }
    }

    /// One event: spool, record, automation and output now; the view later.
    fn on_event(&mut self, ev: Event, now: Instant) {
        if ev.client.is_none()
            && let Some(l) = ev.local
        {
            self.local = Some(l);
        }
        self.hand_to_writers(&ev);
        if let Some(s) = &self.session {
            self.tools.on_event(&ev, s, now);
        }
        if let Some(o) = &mut self.output {
            o.event(&ev);
        }
        self.last_event = Some(now);
        let item = if self.framer.is_raw() {
            Item::Event(ev)
        } else {
            let raw = ev.clone();
            Item::Framed {
                raw,
                rows: self.framer.split(ev),
            }
        };
        self.queue(item);
    }

    /// The spool, the record and the live feed take every event, in order.
    fn hand_to_writers(&mut self, ev: &Event) {
        self.ensure_spool();
        // A spool that stopped (disk full, or the cap) takes nothing more: `spooled` is
        // then exactly what was handed to it.
        if self.spool.is_some() && self.spool_error.is_none() {
            self.to_spool.push(ev.clone());
            self.spooled += 1;
        }
        if self.recorder.is_some() {
            self.to_record.push(ev.clone());
        }
        if self.live.is_some() {
            self.to_live.push(ev.clone());
            self.recorded += 1;
        }
    }

    /// An event of the replay's session: written and shown like the tab's own, fed to
    /// the replay; the tab's state and automation do not see it.
    fn on_replay_event(&mut self, ev: Event) {
        let now = Instant::now();
        self.hand_to_writers(&ev);
        self.replay.on_event(&ev, now, self.output.as_mut());
        self.last_event = Some(now);
        self.queue(Item::Replay(ev));
    }

    fn queue(&mut self, item: Item) {
        self.pending_bytes += item.size();
        self.pending.push(item);
    }

    fn ensure_spool(&mut self) {
        if self.spool.is_some() || self.spool_error.is_some() {
            return;
        }
        let Some(dir) = &self.opts.spool_dir else {
            return;
        };
        match Spool::in_dir(dir, self.role.as_str(), self.enc) {
            Ok(s) => self.spool = Some(s),
            Err(e) => {
                self.spool_error = Some(writer_error(WriterFailure::CannotCreate, dir, e));
            }
        }
        self.dirty = true;
    }

    fn worker_ended(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        self.write_out();
        drop(session);
        self.tools.on_ended();
        let restart = std::mem::take(&mut self.restart_pending);
        let template = Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::Info(String::new()),
        };
        let rows = self.framer.flush_all(&template);
        if !rows.is_empty() {
            self.queue(Item::Rows(rows));
        }
        // A running sequence may connect again (a `connect` step): its record goes on.
        if !restart && !self.tools.seq.is_running() {
            self.finish_record();
        }
        self.queue(Item::Ended);
        self.dirty = true;
        // Only now: the view must see this session end before the next one starts (else
        // it would take the new session for ended, and the tab would drift from its socket).
        if restart && let Some(cfg) = self.last_config.clone() {
            self.start(cfg, Box::default(), None);
        }
    }

    fn on_control(&mut self, c: Control) {
        let now = Instant::now();
        match c {
            Control::Start {
                config,
                plan,
                record,
            } => self.start(config, plan, record),
            Control::Worker(cmd) => {
                if let Some(s) = &self.session {
                    s.send(cmd);
                }
            }
            Control::Stop => {
                if let Some(s) = &self.session {
                    s.send(Command::Stop);
                }
                self.tools.stop_auto_send();
            }
            Control::SetEncoding(enc) => self.set_encoding(enc),
            Control::SetFraming(f) => {
                if self.framer.framing() != &f {
                    self.framer.set_framing(f);
                }
            }
            Control::SetRules(rules) => self.tools.set_rules(&rules, self.enc),
            Control::ResetRuleCounts => self.tools.reset_rule_counts(),
            Control::StartExpect(x) => {
                self.expect_printed = 0;
                self.tools.start_expect(*x);
            }
            Control::CancelExpect => self.tools.cancel_expect(now),
            Control::StartSequence { run, step } => {
                self.tools.seq.start(*run, step);
                self.after_sequence(now);
            }
            Control::StepSequence => {
                self.tools.seq.step();
                self.after_sequence(now);
            }
            Control::StopSequence => self.tools.seq.stop(),
            Control::StartReplay(job) => self.replay.start(*job, now, self.output.as_mut()),
            Control::StopReplay => self.replay.stop(self.output.as_mut()),
            Control::StartRoster(spec) => {
                let _ = self.tools.start_roster(*spec, self.enc);
            }
            Control::StopRoster => self.tools.stop_roster(),
            Control::StartLive(p) => match Spool::record(&p, self.enc) {
                Ok(s) => {
                    self.live = Some(s);
                    self.dirty = true;
                }
                Err(e) => {
                    self.record_error =
                        Some(writer_error(WriterFailure::CannotCreateRecord, &p, e));
                    self.dirty = true;
                }
            },
            Control::StopLive => {
                if let Some(mut l) = self.live.take() {
                    l.finish();
                }
                self.dirty = true;
            }
            Control::StartAutoSend(plan, make) => {
                if let Some(s) = &self.session {
                    self.tools.start_auto_send(s, plan, make);
                }
            }
            Control::StopAutoSend => self.tools.stop_auto_send(),
            Control::Note(text) => {
                let ev = Event {
                    ts_us: crate::net::now_us(),
                    role: self.role,
                    local: self.local,
                    peer: None,
                    client: None,
                    kind: EventKind::Note(text),
                };
                self.on_event(ev, now);
            }
            Control::Clear => {
                self.pending.clear();
                self.pending_bytes = 0;
                if let Some(s) = &self.spool {
                    s.truncate();
                }
                if let Some(b) = &self.budget {
                    b.report(0);
                }
                // An empty spool is under the cap again: recording goes on.
                if matches!(
                    self.spool_error,
                    Some(WriterError {
                        what: WriterFailure::CapReached(_),
                        ..
                    })
                ) {
                    self.spool_error = None;
                    self.dirty = true;
                }
                self.spooled = 0;
                self.spool_written = 0;
                self.framer.reset();
                let mut v = lock(&self.view);
                v.store.clear();
                v.status.on_clear();
                v.status.generation += 1;
                self.news = true;
            }
            Control::SetCaps { rows, bytes } => {
                self.flush(true);
                lock(&self.view).store.set_caps(rows, bytes);
                self.news = true;
            }
            Control::SyncSpool(ack) => match &self.spool {
                Some(s) => {
                    let sync = s.syncer();
                    let spawned =
                        std::thread::Builder::new()
                            .name("spool-sync".into())
                            .spawn(move || {
                                let _ = ack.send(sync());
                            });
                    if let Err(e) = spawned {
                        self.spool_error =
                            Some(writer_error(WriterFailure::CannotWait, s.path(), e));
                    }
                }
                None => {
                    let _ = ack.send(self.spool_error.is_none());
                }
            },
            Control::ClearSenders => {
                lock(&self.view).status.udp_senders.clear();
                self.news = true;
            }
            Control::SetSpoolDir(dir) => {
                if self.spool.is_none() {
                    self.opts.spool_dir = Some(dir);
                    self.spool_error = None;
                }
            }
            Control::SetNotify(n) => self.opts.notify = Some(n),
            Control::SetSpoolBudget(b) => self.budget = Some(b.share()),
            Control::Shutdown => {}
        }
        self.dirty = true;
    }

    fn set_encoding(&mut self, enc: Encoding) {
        self.enc = enc;
        self.flush(true);
        lock(&self.view).store.set_encoding(enc);
        if let Some(s) = &self.spool {
            s.set_encoding(enc);
        }
        if let Some(r) = &self.recorder {
            r.set_encoding(enc);
        }
        if let Some(s) = &self.session {
            s.send(Command::SetEncoding(enc));
        }
        self.tools.set_encoding(enc);
        self.news = true;
    }

    /// Hands this batch's events to the writers (one message each).
    fn write_out(&mut self) {
        if let Some(s) = &mut self.spool {
            s.write_all(std::mem::take(&mut self.to_spool));
        }
        if let Some(r) = &mut self.recorder {
            r.write_all(std::mem::take(&mut self.to_record));
        }
        if let Some(l) = &mut self.live {
            l.write_all(std::mem::take(&mut self.to_live));
        }
    }

    /// A sequence moved on outside an event: its I/O now, and a connect step's restart.
    fn after_sequence(&mut self, now: Instant) {
        let at = self.tools.seq.tick(self.role, self.session.as_ref(), now);
        self.next_tick = earliest(self.next_tick, at);
        if self.tools.seq.take_restart() {
            self.restart();
        }
    }

    /// After any wake-up: automation that is due, the writers' progress, the view, the window.
    fn after_wake(&mut self) {
        self.write_out();
        let now = Instant::now();
        self.next_tick = match &self.session {
            Some(s) => self.tools.tick(s, now),
            // No session (a sequence between close and connect): only the sequence.
            None => self.tools.seq.tick(self.role, None, now),
        };
        if self.tools.seq.take_restart() {
            self.restart();
        }
        let at = self.replay.tick(now, self.output.as_mut());
        self.next_tick = earliest(self.next_tick, at);
        if self.replay.changed() {
            self.dirty = true;
        }
        self.poll_writers();
        self.print_expect();
        if let Some(o) = &mut self.output {
            o.batch_done();
        }
        self.flush(false);
        self.wake_window(now);
    }

    fn poll_writers(&mut self) {
        // The live feed ends when its reader does (Wireshark closed): quietly.
        if let Some(l) = &mut self.live
            && l.poll().1.is_some()
        {
            self.live = None;
            self.dirty = true;
        }
        if let Some(s) = &mut self.spool {
            let path = s.path().to_path_buf();
            let (written, err) = s.poll();
            if written != self.spool_written {
                self.spool_written = written;
                self.dirty = true;
            }
            if let Some(e) = err
                && self.spool_error.is_none()
            {
                let e = writer_error(WriterFailure::Stopped, &path, e);
                self.spool_error = Some(e);
                self.dirty = true;
            }
            self.check_budget(&path);
        }
        if let Some(r) = &mut self.recorder {
            let path = r.path().to_path_buf();
            let (written, err) = r.poll();
            self.record_written = written;
            let Some(e) = err else { return };
            self.record_error = Some(writer_error(WriterFailure::Stopped, &path, e));
            self.recorder = None;
            self.record_path = None;
            self.dirty = true;
        }
    }

    /// Reports the spool's size to the shared cap (a few times a second) and stops
    /// recording once all spools together have reached it.
    fn check_budget(&mut self, path: &std::path::Path) {
        let Some(b) = &self.budget else { return };
        let now = Instant::now();
        if self
            .budget_checked
            .is_some_and(|t| now.duration_since(t) < BUDGET_EVERY)
        {
            return;
        }
        self.budget_checked = Some(now);
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if !b.report(size) && self.spool_error.is_none() {
            self.spool_error = Some(WriterError {
                what: WriterFailure::CapReached(b.budget().cap()),
                path: path.display().to_string(),
                detail: String::new(),
            });
            self.dirty = true;
        }
    }

    fn print_expect(&mut self) {
        let (Some(o), Some(x)) = (&mut self.output, self.tools.expect()) else {
            return;
        };
        for r in x.results().iter().skip(self.expect_printed) {
            o.expect_try(r);
        }
        self.expect_printed = x.results().len();
    }

    /// Hands what is queued to the view: at once if it is free, else later, unless so much
    /// is queued (or `force`) that the runtime waits for it.
    fn flush(&mut self, force: bool) {
        if self.pending.is_empty() && !self.dirty && !self.tools.needs_publish() {
            self.retry_at = None;
            return;
        }
        let must =
            force || self.pending_bytes > PENDING_BYTES || self.pending.len() > PENDING_ITEMS;
        let now = Instant::now();
        if !must
            && let Some(t) = self.last_flush
            && now.saturating_duration_since(t) < FLUSH_EVERY
        {
            self.retry_at = Some(t + FLUSH_EVERY);
            return;
        }
        let view = self.view.clone();
        let mut guard = if must {
            lock(&view)
        } else {
            match view.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    self.retry_at = Some(Instant::now() + RETRY);
                    return;
                }
            }
        };
        self.retry_at = None;
        self.last_flush = Some(now);
        let v: &mut View = &mut guard;
        for item in self.pending.drain(..) {
            apply(v, item);
        }
        self.pending_bytes = 0;
        let st = &mut v.status;
        self.tools.publish(st);
        self.replay.publish(st);
        st.spooled = self.spooled;
        st.spool_written = self.spool_written;
        if st.spool_error != self.spool_error {
            st.spool_error = self.spool_error.clone();
        }
        if st.spool_path.as_deref() != self.spool.as_ref().map(|s| s.path()) {
            st.spool_path = self.spool.as_ref().map(|s| s.path().to_path_buf());
        }
        if st.recording != self.record_path {
            st.recording = self.record_path.clone();
        }
        let live = self.live.as_ref().map(|l| l.path().to_path_buf());
        if st.live != live {
            st.live = live;
        }
        if st.record_error != self.record_error {
            st.record_error = self.record_error.clone();
        }
        st.last_event = self.last_event;
        if let Some(a) = self.tools.auto() {
            st.plan_sent = a.sent();
            st.plan_done = a.sends_done();
        }
        st.generation += 1;
        self.dirty = false;
        self.news = true;
    }

    /// Wakes the window if the view changed, at most every [`NOTIFY_EVERY`].
    fn wake_window(&mut self, now: Instant) {
        if !self.news {
            return;
        }
        if self
            .last_notify
            .is_some_and(|t| now.saturating_duration_since(t) < NOTIFY_EVERY)
        {
            return;
        }
        self.news = false;
        self.last_notify = Some(now);
        if let Some(n) = &self.opts.notify {
            n();
        }
    }

    /// The runtime ends: the worker's last events are taken, the writers finish.
    fn finish(&mut self) {
        if let Some(mut s) = self.session.take() {
            let now = Instant::now();
            for ev in s.stop_and_join() {
                self.on_event(ev, now);
            }
            self.session = Some(s);
            self.worker_ended();
        }
        self.write_out();
        self.recorder = None;
        self.spool = None;
        if let Some(b) = &self.budget {
            b.release();
        }
        self.print_expect();
        if let Some(o) = &mut self.output {
            o.batch_done();
        }
        self.flush(true);
        if let Some(n) = &self.opts.notify {
            n();
        }
    }
}

/// Applies one queued item to the view.
fn apply(v: &mut View, item: Item) {
    match item {
        Item::Event(ev) => {
            v.status.on_event(&ev);
            v.store.push(ev);
        }
        Item::Framed { raw, rows } => {
            v.status.on_event(&raw);
            if matches!(raw.kind, EventKind::Rx(_)) {
                v.store.count_rx(&raw);
            }
            push_rows(v, rows);
        }
        Item::Rows(rows) => push_rows(v, rows),
        Item::Ended => v.status.on_ended(),
        Item::Replay(ev) => v.store.push(ev),
    }
}

fn push_rows(v: &mut View, rows: Vec<ViewRow>) {
    for row in rows {
        if row.frame {
            v.store.push_row(row.event, row.truncated);
        } else {
            v.store.push(row.event);
        }
    }
}

fn writer_error(
    what: WriterFailure,
    path: &std::path::Path,
    e: impl std::fmt::Display,
) -> WriterError {
    WriterError {
        what,
        path: path.display().to_string(),
        detail: e.to_string(),
    }
}
