//! A replay on a session runtime (the command line's `replay` and the window's Replay…):
//! a recorded session's payloads sent again to HOST:PORT through a session of its own
//! (a TCP client or a UDP sender), with their spacing or faster, and with `check` each
//! reply gathered and compared with the recorded one. It runs on the runtime thread: fed
//! its session's events, ticked at its deadlines. Its traffic goes to the runtime's log,
//! spool and record like the tab's own; its progress is a list of typed
//! [`Report`]s, worded by whoever shows them.

use super::Output;
use crate::net::{Command, Event, EventKind, Payload, Role, Session, SessionConfig, Target};
use crate::replay::{NoReply, Report, Speed, Step};
use crossbeam_channel::{Receiver, never};
use std::time::{Duration, Instant};

/// How long the session may take to connect (or bind).
const READY_WITHIN: Duration = Duration::from_secs(30);
/// A reply recorded as empty: how long to wait for anything unexpected.
const EMPTY_REPLY_WAIT: Duration = Duration::from_millis(200);
/// Reports kept for the view (the newest; the summary is always kept).
const KEEP_REPORTS: usize = 1000;

/// What to replay, where and how.
#[derive(Clone, Debug)]
pub struct ReplayJob {
    /// The recorded role (TCP or UDP picks the session).
    pub role: Role,
    pub steps: Vec<Step>,
    pub to: String,
    pub speed: Speed,
    pub check: bool,
    /// How long to wait for each reply (with `check`).
    pub timeout: Duration,
}

/// What the window (or the command line) reads of a replay.
#[derive(Clone, Debug, Default)]
pub struct ReplayView {
    pub running: bool,
    /// The newest reports, in order.
    pub reports: Vec<Report>,
    /// Reports left out at the front (more than were kept).
    pub dropped: usize,
    /// The exit code once done: 0 all well, 1 a difference or a failure.
    pub code: Option<i32>,
}

/// The reply being gathered for step `n` (1-based).
struct Waiting {
    n: usize,
    sent: Instant,
    got: Vec<u8>,
    deadline: Instant,
}

pub struct ReplayHost {
    job: ReplayJob,
    session: Option<Session>,
    started: Instant,
    /// When the session became ready (the replay's clock starts).
    ready: Option<Instant>,
    next: usize,
    waiting: Option<Waiting>,
    matched: u64,
    differed: u64,
    bytes: u64,
    /// The exit code once done.
    code: Option<i32>,
    /// Reports not yet handed out.
    fresh: Vec<Report>,
}

impl ReplayHost {
    /// Starts the replay's session.
    pub fn start(job: ReplayJob, now: Instant) -> ReplayHost {
        let role = if job.role.is_tcp() {
            Role::TcpClient
        } else {
            Role::UdpSender
        };
        let session = Session::start(SessionConfig::new(role, job.to.as_str()), None);
        ReplayHost {
            job,
            session: Some(session),
            started: now,
            ready: None,
            next: 0,
            waiting: None,
            matched: 0,
            differed: 0,
            bytes: 0,
            code: None,
            fresh: Vec::new(),
        }
    }

    /// The replay's session, while it runs (the runtime drains its events).
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    pub fn is_running(&self) -> bool {
        self.code.is_none()
    }

    fn report(&mut self, r: Report) {
        self.fresh.push(r);
    }

    /// Ends the replay with `code`: the session stops (its last events still come).
    fn end(&mut self, code: i32) {
        if self.code.is_some() {
            return;
        }
        self.code = Some(code);
        if let Some(s) = &self.session {
            s.send(Command::Stop);
        }
    }

    /// The user stopped it.
    pub fn stop(&mut self) {
        self.report(Report::Failed(NoReply::Stopped));
        self.end(1);
    }

    /// The session's worker ended (its channel closed).
    pub fn session_ended(&mut self) {
        self.session = None;
        if self.is_running() {
            self.report(Report::Failed(NoReply::Ended { got: 0, want: 0 }));
            self.end(1);
        }
    }

    /// One event of the replay's session.
    pub fn on_event(&mut self, ev: &Event, now: Instant) {
        if !self.is_running() {
            return;
        }
        match &ev.kind {
            EventKind::Connected | EventKind::Bound if self.ready.is_none() => {
                self.ready = Some(now);
            }
            EventKind::Rx(d) => {
                if let Some(w) = &mut self.waiting {
                    // Bounded: what the check needs and a little more to show.
                    let want = self.job.steps[w.n - 1].reply.len() + 4096;
                    let room = want.saturating_sub(w.got.len());
                    w.got.extend_from_slice(&d[..room.min(d.len())]);
                }
            }
            EventKind::Error { .. } | EventKind::TlsFailed(_) => {
                let why = NoReply::Session(Box::new(ev.clone()));
                match self.waiting.take() {
                    Some(w) => self.report(Report::NoReply { n: w.n, why }),
                    None => self.report(Report::Failed(why)),
                }
                self.differed += 1;
                self.end(1);
            }
            EventKind::Closed { .. } | EventKind::Reset { .. } => {
                if let Some(w) = self.waiting.take() {
                    let want = self.job.steps[w.n - 1].reply.len();
                    if w.got.len() < want {
                        let why = NoReply::Ended {
                            got: w.got.len(),
                            want,
                        };
                        self.report(Report::NoReply { n: w.n, why });
                        self.differed += 1;
                        self.end(1);
                        return;
                    }
                    self.waiting = Some(w);
                }
            }
            _ => {}
        }
        self.advance(now);
    }

    /// Moves on (sends what is due, ends a reply's wait); when to be called again.
    pub fn tick(&mut self, now: Instant) -> Option<Instant> {
        self.advance(now);
        self.deadline()
    }

    fn deadline(&self) -> Option<Instant> {
        if !self.is_running() {
            return None;
        }
        let Some(ready) = self.ready else {
            return Some(self.started + READY_WITHIN);
        };
        if let Some(w) = &self.waiting {
            return Some(w.deadline);
        }
        self.job.steps.get(self.next).map(|s| self.due(ready, s))
    }

    fn due(&self, ready: Instant, step: &Step) -> Instant {
        match self.job.speed {
            Speed::Max => ready,
            Speed::Times(k) => {
                let first = self.job.steps[0].at_us;
                let secs = ((step.at_us - first).max(0) as f64 / 1e6) / k;
                ready + Duration::from_secs_f64(secs.clamp(0.0, 1e9))
            }
        }
    }

    fn advance(&mut self, now: Instant) {
        if !self.is_running() {
            return;
        }
        let Some(ready) = self.ready else {
            if now >= self.started + READY_WITHIN {
                self.report(Report::Failed(NoReply::NotReady(READY_WITHIN.as_secs())));
                self.end(1);
            }
            return;
        };
        loop {
            if let Some(w) = &self.waiting {
                let want = self.job.steps[w.n - 1].reply.len();
                let complete = want > 0 && w.got.len() >= want;
                if !complete && now < w.deadline {
                    return;
                }
                if let Some(w) = self.waiting.take() {
                    self.compare(w, now);
                }
            }
            let Some(step) = self.job.steps.get(self.next) else {
                self.finish(ready, now);
                return;
            };
            if now < self.due(ready, step) {
                return;
            }
            self.send_next(now);
        }
    }

    fn send_next(&mut self, now: Instant) {
        let step = &self.job.steps[self.next];
        let (send, reply_len) = (step.send.clone(), step.reply.len());
        self.next += 1;
        let n = self.next;
        self.bytes += send.len() as u64;
        let len = send.len();
        if let Some(s) = &self.session {
            s.send(Command::Send {
                payload: Payload::Bytes(send),
                to: Target::Default,
            });
        }
        if self.job.check {
            let wait = if reply_len == 0 {
                self.job.timeout.min(EMPTY_REPLY_WAIT)
            } else {
                self.job.timeout
            };
            self.waiting = Some(Waiting {
                n,
                sent: now,
                got: Vec::new(),
                deadline: now + wait,
            });
        } else {
            self.report(Report::Sent { n, bytes: len });
        }
    }

    fn compare(&mut self, w: Waiting, now: Instant) {
        let step = &self.job.steps[w.n - 1];
        if w.got == step.reply {
            self.matched += 1;
            let r = Report::Matched {
                n: w.n,
                bytes: step.send.len(),
                reply: w.got.len(),
                micros: now.saturating_duration_since(w.sent).as_micros() as u64,
            };
            self.report(r);
        } else {
            self.differed += 1;
            let r = Report::Differs {
                n: w.n,
                expected: step.reply.clone(),
                got: w.got,
            };
            self.report(r);
        }
    }

    fn finish(&mut self, ready: Instant, now: Instant) {
        self.report(Report::Done {
            messages: self.job.steps.len(),
            bytes: self.bytes,
            tcp: self.job.role.is_tcp(),
            micros: now.saturating_duration_since(ready).as_micros() as u64,
            checked: self.job.check,
            matched: self.matched,
            differed: self.differed,
        });
        self.end(i32::from(self.differed > 0));
    }
}

/// The runtime's part of replays: the one running, what the view shows of it (the newest
/// reports), and handing each report to the runtime's [`Output`] (the command line).
#[derive(Default)]
pub struct ReplaySlot {
    host: Option<ReplayHost>,
    view: Option<ReplayView>,
    changed: bool,
}

impl ReplaySlot {
    /// Starts a replay (one that runs is stopped first).
    pub fn start(&mut self, job: ReplayJob, now: Instant, out: Option<&mut Box<dyn Output>>) {
        self.stop(out);
        self.host = Some(ReplayHost::start(job, now));
        self.view = Some(ReplayView {
            running: true,
            ..ReplayView::default()
        });
        self.changed = true;
    }

    pub fn stop(&mut self, out: Option<&mut Box<dyn Output>>) {
        if let Some(h) = &mut self.host
            && h.is_running()
        {
            h.stop();
        }
        self.drain(out);
    }

    /// The replay session's events (never, when none runs).
    pub fn events(&self) -> Receiver<Event> {
        match self.host.as_ref().and_then(ReplayHost::session) {
            Some(s) => s.events().clone(),
            None => never(),
        }
    }

    pub fn on_event(&mut self, ev: &Event, now: Instant, out: Option<&mut Box<dyn Output>>) {
        if let Some(h) = &mut self.host {
            h.on_event(ev, now);
        }
        self.drain(out);
    }

    /// The replay session's worker ended.
    pub fn session_ended(&mut self, out: Option<&mut Box<dyn Output>>) {
        if let Some(h) = &mut self.host {
            h.session_ended();
        }
        self.drain(out);
    }

    /// Moves on; when to be called again.
    pub fn tick(&mut self, now: Instant, out: Option<&mut Box<dyn Output>>) -> Option<Instant> {
        let at = self.host.as_mut().and_then(|h| h.tick(now));
        self.drain(out);
        at
    }

    /// New reports to the output and the view; a finished replay lets its session go.
    fn drain(&mut self, mut out: Option<&mut Box<dyn Output>>) {
        let Some(h) = &mut self.host else { return };
        let fresh = std::mem::take(&mut h.fresh);
        let code = h.code;
        // Done and its session gone: the host goes (its reports are in the view).
        if code.is_some() && h.session.is_none() {
            self.host = None;
        }
        let Some(v) = &mut self.view else { return };
        if fresh.is_empty() && v.code == code {
            return;
        }
        for r in fresh {
            if let Some(o) = out.as_deref_mut() {
                o.replay_report(&r);
            }
            if v.reports.len() >= KEEP_REPORTS {
                v.reports.remove(0);
                v.dropped += 1;
            }
            v.reports.push(r);
        }
        v.code = code;
        v.running = code.is_none();
        self.changed = true;
    }

    /// Copies the view into the status when it changed; true if it did.
    pub fn publish(&mut self, st: &mut super::Status) -> bool {
        if !std::mem::take(&mut self.changed) {
            return false;
        }
        st.replay = self.view.clone().map(std::sync::Arc::new);
        true
    }

    pub fn changed(&self) -> bool {
        self.changed
    }
}
