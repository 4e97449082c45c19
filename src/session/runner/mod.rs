//! The runtime thread's loop: wait for the worker's events, the window's controls or the
//! clock; take events in batches (spool, record, automation, output first, lock-free);
//! then hand them to the view in one short critical section, and wake the window at most
//! about 60 times a second. When the view is locked by a reader, events wait in a bounded
//! queue instead of the runtime waiting: a slow frame never slows receiving.

mod control;
mod crowd_seq;
mod lifecycle;
mod publish;
mod writers;

use writers::writer_error;

use super::budget::BudgetShare;
use super::replay_host::ReplaySlot;
use super::tools::{Tools, earliest};
use super::view::{View, WriterError, WriterFailure};
use super::{Control, Output, RuntimeOptions, SharedView, lock};
use crate::auto::auto_send::AutoPlan;
use crate::codec::{CheckOutcome, ChecksumSpec, Encoding};
use crate::log::frames::{ViewFramer, ViewRow};
use crate::log::spool::Spool;
use crate::net::SessionConfig;
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
    /// An event shown as one row, with its checksum check.
    Event(Event, Option<CheckOutcome>),
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
            Item::Event(e, _) | Item::Replay(e) => ev(e),
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
    /// The spool's index of the record's first event (less the events a Clear took from
    /// the spool): where the rest of a record that stopped is in the spool.
    record_offset: i64,
    record_path: Option<PathBuf>,
    record_error: Option<WriterError>,
    framer: ViewFramer,
    /// The checksum check of received rows, if any.
    rx_check: Option<ChecksumSpec>,
    /// This batch's events for the spool and the record, handed over once per batch.
    to_spool: Vec<Event>,
    to_record: Vec<Event>,
    /// The live pcapng feed (Wireshark), and its events of this batch.
    live: Option<Spool>,
    to_live: Vec<Event>,
    /// When the writers were last handed events ([`HANDOFF_EVERY`]).
    handed_at: Option<Instant>,
    /// Payload bytes waiting for the writers ([`writers::HANDOFF_BYTES`]).
    handoff_bytes: usize,
    pace: crate::net::pace::Pace,
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
    /// A crowd's counts and summary, and when its expectation was last timed.
    crowd: Option<super::crowd::CrowdTally>,
    crowd_ticked: Option<Instant>,
    /// A crowd's test sequence (one run per connection), and how many were started.
    crowd_seq: Option<super::crowd::seq::CrowdSeq>,
    crowd_seq_runs: u64,
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
            record_offset: 0,
            record_path: None,
            record_error: None,
            framer: ViewFramer::default(),
            rx_check: None,
            to_spool: Vec::new(),
            to_record: Vec::new(),
            live: None,
            to_live: Vec::new(),
            handed_at: None,
            handoff_bytes: 0,
            pace: crate::net::pace::Pace::default(),
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
            crowd: None,
            crowd_ticked: None,
            crowd_seq: None,
            crowd_seq_runs: 0,
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
            if let Some(p) = self.pace.pause(now) {
                std::thread::sleep(p);
            }
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
        at = earliest(at, self.handoff_at(now));
        if behind || unsaved {
            at = earliest(at, Some(now + if behind { RETRY } else { POLL_WRITERS }));
        }
        at.unwrap_or(now)
    }

    fn take_batch(&mut self, first: Event, events: &Receiver<Event>) {
        let now = Instant::now();
        let mut bytes = first.kind.data().map_or(0, <[u8]>::len);
        self.on_event(first, now);
        let mut n = 1;
        for _ in 0..BATCH {
            if bytes > BATCH_BYTES {
                break;
            }
            match events.try_recv() {
                Ok(ev) => {
                    bytes += ev.kind.data().map_or(0, <[u8]>::len);
                    self.on_event(ev, now);
                    n += 1;
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.worker_ended();
                    break;
                }
            }
        }
        self.pace.taken(n, now);
    }

    /// One event: spool, record, automation and output now; the view later.
    fn on_event(&mut self, ev: Event, now: Instant) {
        if ev.client.is_none()
            && let Some(l) = ev.local
        {
            self.local = Some(l);
        }
        self.hand_to_writers(&ev);
        if let Some(c) = &mut self.crowd {
            c.on_event(&ev);
            self.dirty |= c.dirty;
        }
        if let Some(c) = &mut self.crowd_seq {
            c.on_event(&ev, self.session.as_ref(), now);
            c.hold(self.session.as_ref());
            self.dirty |= c.dirty;
        }
        if let Some(s) = &self.session {
            self.tools.on_event(&ev, s, now);
        }
        let as_it_came = self.framer.is_raw() || !ev.role.is_tcp();
        let check = if as_it_came { self.check(&ev) } else { None };
        if let Some(o) = &mut self.output {
            o.event_checked(&ev, check);
        }
        self.last_event = Some(now);
        let item = if self.framer.is_raw() {
            Item::Event(ev, check)
        } else {
            let raw = ev.clone();
            let mut rows = self.framer.split(ev);
            self.check_rows(&mut rows);
            Item::Framed { raw, rows }
        };
        self.queue(item);
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
        self.tools
            .set_encoding(enc, self.session.as_ref(), Instant::now());
        self.news = true;
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
        let now = Instant::now();
        self.write_out_due(now);
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
        let at = self.tick_crowd(now);
        self.next_tick = earliest(self.next_tick, at);
        let at = self.tick_crowd_seq(now);
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

    /// A crowd's expectation times out (looked at ten times a second while it runs).
    fn tick_crowd(&mut self, now: Instant) -> Option<Instant> {
        const EVERY: Duration = Duration::from_millis(100);
        let c = self.crowd.as_mut()?;
        self.session.as_ref()?;
        if self
            .crowd_ticked
            .is_none_or(|t| now.saturating_duration_since(t) >= EVERY)
        {
            self.crowd_ticked = Some(now);
            c.tick(crate::net::now_us());
            self.dirty |= c.dirty;
        }
        self.crowd_ticked.map(|t| t + EVERY)
    }
}
