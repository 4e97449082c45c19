//! A test sequence run once per connection of a crowd: each member its own small
//! [`SequenceRun`] (the parsed sequence and its compiled matchers shared, never copied),
//! fed only that member's events (the crowd's events carry its client id), sending,
//! closing and opening again (a `connect` step: [`Command::CrowdReopen`]) only that
//! member. A member's run starts when it opens (or at once, when it is open already).
//! What is kept of a member once it ends is its outcome (and, when it failed, the step
//! and why); the summary counts them, with failures by step (a table bounded by the
//! steps, not by the connections).

use crate::net::{Command, Event, EventKind, Payload, Session, Target};
use crate::sequence::run::{Compiled, Failure, Need, Outcome, SequenceRun, compile};
use crate::sequence::{Action, Sequence};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;
use std::time::Instant;

/// The newest bytes a member's expect looks at (each member its own window).
pub const MEMBER_WINDOW: usize = 4 * 1024;

/// Why a member's step failed, in kinds (the summary's table counts by step and kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailKind {
    /// An expect's time ran out.
    TimedOut,
    /// The connection closed, was reset or broke before the step ended.
    Closed,
    /// A close had no answer in time.
    NoAnswer,
    /// Nothing to send through (the member had closed).
    NotSent,
    /// A send's bytes could not be made (a bad template, an uncaptured `{name}`).
    BadPayload,
    /// A step a crowd's member cannot take (`connect` or `close` where the protocol has
    /// no connection).
    NotForCrowd,
    /// A `connect` step's new connection failed (refused, timed out…).
    NotConnected,
    /// Anything else (stopped by the user).
    Other,
}

impl FailKind {
    pub fn of(f: &Failure) -> FailKind {
        match f {
            Failure::NoReply { .. } => FailKind::TimedOut,
            Failure::Session(_) => FailKind::Closed,
            Failure::NoAnswer => FailKind::NoAnswer,
            Failure::NoSession => FailKind::NotSent,
            Failure::BadPayload(_) | Failure::NotCaptured(_) => FailKind::BadPayload,
            Failure::NotTcpClient => FailKind::NotForCrowd,
            Failure::Stopped | Failure::NotReady(_) => FailKind::Other,
        }
    }

    /// The English words (the command line).
    pub fn english(self) -> &'static str {
        match self {
            FailKind::TimedOut => "timed out",
            FailKind::Closed => "connection ended",
            FailKind::NoAnswer => "no answer",
            FailKind::NotSent => "not sent",
            FailKind::BadPayload => "bad payload",
            FailKind::NotForCrowd => "not for a crowd",
            FailKind::NotConnected => "did not connect",
            FailKind::Other => "stopped",
        }
    }
}

/// How many members failed at one step, for one kind of reason.
#[derive(Clone, Debug, PartialEq)]
pub struct StepFailures {
    /// The step's index in the (unrolled) sequence.
    pub step: usize,
    /// Its label ("3", "2.1" in a repeat) and its action (a window words it).
    pub label: String,
    pub action: Action,
    pub kind: FailKind,
    pub count: u64,
}

impl StepFailures {
    /// "step 2 expect timed out" (English, the command line).
    pub fn english(&self) -> String {
        let verb = match &self.action {
            Action::Send { .. } => "send",
            Action::Wait(_) => "wait",
            Action::Expect { .. } => "expect",
            Action::Connect => "connect",
            Action::Close => "close",
        };
        format!("step {} {verb} {}", self.label, self.kind.english())
    }
}

/// One member's end.
#[derive(Clone, Debug, PartialEq)]
pub enum MemberOutcome {
    Passed,
    /// The step that failed (its index) and why.
    Failed(usize, Failure),
    /// The session ended (or the run was stopped) before its sequence did, or it never
    /// opened.
    NotFinished,
}

/// What the window and the command line show of a crowd's sequence.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CrowdSeqView {
    pub name: String,
    /// Steps in the (unrolled) sequence.
    pub steps: usize,
    pub planned: u64,
    /// Not opened yet (their sequence starts when they do).
    pub waiting: u64,
    pub running: u64,
    pub passed: u64,
    pub failed: u64,
    pub not_finished: u64,
    /// Failures by step and kind, by step order.
    pub by_step: Vec<StepFailures>,
    /// Every member has an outcome.
    pub done: bool,
    /// Which run this is on the runtime (a reader tells a new run from the last one).
    pub run: u64,
    /// Once done: each member's outcome, by id (1 first), for a report.
    pub members: Option<Arc<Vec<MemberOutcome>>>,
}

impl CrowdSeqView {
    /// True when every member passed.
    pub fn all_passed(&self) -> bool {
        self.done && self.passed == self.planned
    }
}

enum Member {
    Waiting,
    Running(Box<SequenceRun>),
    Ended(MemberOutcome),
}

/// The runtime's host of a crowd's sequence.
pub struct CrowdSeq {
    seq: Arc<Sequence>,
    compiled: Compiled,
    members: Vec<Member>,
    /// A member is open (connected or bound; a close step ended it).
    open: Vec<bool>,
    /// The sequence has a `connect` step: the crowd is held running while it runs (a
    /// member may be opened again after every one has closed).
    reopens: bool,
    /// [`Command::CrowdHold`] was sent and not yet let go.
    held: bool,
    /// When each member's run wants to be polled next (entries may be stale: a member
    /// is polled then for nothing), and what was last put in for it.
    due: BinaryHeap<Reverse<(Instant, u32)>>,
    scheduled: Vec<Option<Instant>>,
    view: CrowdSeqView,
    pub dirty: bool,
}

impl CrowdSeq {
    /// A run of `seq` for each of `planned` members; `open`: those open already.
    pub fn new(seq: Sequence, planned: u32, run: u64) -> CrowdSeq {
        let n = planned as usize;
        let compiled = compile(&seq);
        let reopens = seq.steps.iter().any(|s| s.action == Action::Connect);
        let view = CrowdSeqView {
            name: seq.name.clone(),
            steps: seq.steps.len(),
            planned: u64::from(planned),
            waiting: u64::from(planned),
            run,
            ..CrowdSeqView::default()
        };
        CrowdSeq {
            seq: Arc::new(seq),
            compiled,
            members: (0..n).map(|_| Member::Waiting).collect(),
            open: vec![false; n],
            reopens,
            held: false,
            due: BinaryHeap::new(),
            scheduled: vec![None; n],
            view,
            dirty: true,
        }
    }

    /// True while some member may still run its sequence.
    pub fn is_running(&self) -> bool {
        !self.view.done
    }

    /// Member `id` is open already: its sequence starts now.
    pub fn opened(&mut self, id: u64, session: Option<&Session>, now: Instant) {
        let Some(i) = index(id, self.members.len()) else {
            return;
        };
        self.open[i] = true;
        match &mut self.members[i] {
            Member::Waiting => {
                let run = SequenceRun::shared(
                    self.seq.clone(),
                    Some(self.compiled.clone()),
                    MEMBER_WINDOW,
                )
                .with_conn(id);
                self.members[i] = Member::Running(Box::new(run));
                self.view.waiting = self.view.waiting.saturating_sub(1);
                self.view.running += 1;
                self.dirty = true;
            }
            // Opened again: its connect step passes.
            Member::Running(r) => r.on_connected(now),
            Member::Ended(_) => return,
        }
        self.advance(i, session, now);
    }

    /// Holds the crowd running while a sequence that opens members again runs (a worker
    /// would end once none is open); let go once every member has ended.
    pub fn hold(&mut self, session: Option<&Session>) {
        let want = self.reopens && !self.view.done;
        if want != self.held
            && let Some(s) = session
        {
            s.send(Command::CrowdHold(want));
            self.held = want;
        }
    }

    /// One event of the crowd's worker: only its member's run sees it.
    pub fn on_event(&mut self, ev: &Event, session: Option<&Session>, now: Instant) {
        let Some(id) = ev.client else { return };
        let Some(i) = index(id, self.members.len()) else {
            return;
        };
        match &ev.kind {
            EventKind::Connected | EventKind::Bound => return self.opened(id, session, now),
            EventKind::Error { .. } if matches!(self.members[i], Member::Waiting) => {
                // It never opened: its sequence cannot run.
                self.open[i] = false;
                self.view.waiting = self.view.waiting.saturating_sub(1);
                self.end(i, MemberOutcome::NotFinished);
                return;
            }
            _ => {}
        }
        let Member::Running(r) = &mut self.members[i] else {
            return;
        };
        let step = r.sequence().steps.get(r.at()).map(|s| &s.action);
        let now_at = |a: Action| step == Some(&a) && r.waiting();
        match &ev.kind {
            EventKind::Rx(d) => r.on_rx(d, now),
            EventKind::Closed { .. } | EventKind::Reset { .. } => {
                self.open[i] = false;
                if now_at(Action::Close) {
                    r.on_closed(now);
                } else if now_at(Action::Connect) {
                    // The connection a connect step replaces (or an old one's end):
                    // the step waits for the new one.
                    return;
                } else {
                    r.on_failure(Failure::Session(Box::new(ev.clone())), now);
                }
            }
            EventKind::Error { .. } => {
                r.on_failure(Failure::Session(Box::new(ev.clone())), now);
            }
            _ => return,
        }
        self.advance(i, session, now);
    }

    /// Polls the members whose time has come; returns when to be called again.
    pub fn tick(&mut self, session: Option<&Session>, now: Instant) -> Option<Instant> {
        while let Some(Reverse((at, id))) = self.due.peek().copied() {
            if at > now {
                break;
            }
            self.due.pop();
            let i = id as usize;
            if self.scheduled.get(i) == Some(&Some(at)) {
                self.scheduled[i] = None;
                self.advance(i, session, now);
            }
        }
        self.due.peek().map(|Reverse((at, _))| *at)
    }

    /// Moves member `i` on: its sends and closes go to it alone.
    fn advance(&mut self, i: usize, session: Option<&Session>, now: Instant) {
        let Member::Running(r) = &mut self.members[i] else {
            return;
        };
        let id = i as u64 + 1;
        for need in r.poll(now) {
            match (need, session) {
                (Need::Send(b), Some(s)) if self.open[i] => {
                    s.send(Command::Send {
                        payload: Payload::Bytes(b),
                        to: Target::Client(id),
                    });
                }
                (Need::Send(_), _) => r.on_failure(Failure::NoSession, now),
                (Need::Close, Some(s)) if self.open[i] => {
                    s.send(Command::Disconnect(id));
                }
                // Closed already: the close step has nothing to wait for.
                (Need::Close, _) => r.on_closed(now),
                // As a single client's connect step: a new connection, the open one (if
                // any) closed first; the step passes when it opens.
                (Need::Connect, Some(s)) => {
                    self.open[i] = false;
                    s.send(Command::CrowdReopen(id));
                }
                (Need::Connect, None) => r.on_failure(Failure::NoSession, now),
            }
        }
        // What ended while handing out the needs (a failed send) moves on too.
        if r.is_done() {
            let outcome = outcome(r);
            self.end(i, outcome);
            return;
        }
        r.take_results();
        let at = r.deadline();
        if at != self.scheduled[i] {
            self.scheduled[i] = at;
            if let Some(at) = at {
                self.due.push(Reverse((at, i as u32)));
            }
        }
    }

    fn end(&mut self, i: usize, outcome: MemberOutcome) {
        if matches!(self.members[i], Member::Running(_)) {
            self.view.running = self.view.running.saturating_sub(1);
        }
        match &outcome {
            MemberOutcome::Passed => self.view.passed += 1,
            MemberOutcome::NotFinished => self.view.not_finished += 1,
            MemberOutcome::Failed(step, why) => {
                self.view.failed += 1;
                let connecting = self
                    .seq
                    .steps
                    .get(*step)
                    .is_some_and(|s| s.action == Action::Connect);
                let kind = match FailKind::of(why) {
                    FailKind::Closed if connecting => FailKind::NotConnected,
                    k => k,
                };
                self.count_failure(*step, kind);
            }
        }
        self.members[i] = Member::Ended(outcome);
        self.scheduled[i] = None;
        self.dirty = true;
        self.check_done();
    }

    fn count_failure(&mut self, step: usize, kind: FailKind) {
        let rows = &mut self.view.by_step;
        if let Some(r) = rows.iter_mut().find(|r| r.step == step && r.kind == kind) {
            r.count += 1;
            return;
        }
        let Some(st) = self.seq.steps.get(step) else {
            return;
        };
        rows.push(StepFailures {
            step,
            label: st.label.clone(),
            action: st.action.clone(),
            kind,
            count: 1,
        });
        rows.sort_by_key(|r| (r.step, r.kind));
    }

    fn check_done(&mut self) {
        if self.view.waiting + self.view.running == 0 && !self.view.done {
            self.view.done = true;
            let members = self
                .members
                .iter()
                .map(|m| match m {
                    Member::Ended(o) => o.clone(),
                    _ => MemberOutcome::NotFinished,
                })
                .collect();
            self.view.members = Some(Arc::new(members));
            self.dirty = true;
        }
    }

    /// The session ended, or the user stopped the run: what has not ended has not
    /// finished.
    pub fn ended(&mut self) {
        for i in 0..self.members.len() {
            match self.members[i] {
                Member::Waiting => {
                    self.view.waiting = self.view.waiting.saturating_sub(1);
                    self.end(i, MemberOutcome::NotFinished);
                }
                Member::Running(_) => self.end(i, MemberOutcome::NotFinished),
                Member::Ended(_) => {}
            }
        }
        self.due.clear();
    }

    pub fn view(&mut self) -> CrowdSeqView {
        self.dirty = false;
        self.view.clone()
    }
}

/// The index of member `id` (1..=n).
fn index(id: u64, n: usize) -> Option<usize> {
    let i = usize::try_from(id).ok()?.checked_sub(1)?;
    (i < n).then_some(i)
}

/// A finished run's outcome: passed, or its first failed step and why.
fn outcome(r: &mut SequenceRun) -> MemberOutcome {
    let results = r.take_results();
    let failed = results.into_iter().find(|x| x.outcome == Outcome::Failed);
    match failed {
        None => MemberOutcome::Passed,
        Some(x) => {
            let step = r
                .sequence()
                .steps
                .iter()
                .position(|s| s.label == x.label && s.line == x.line)
                .unwrap_or(0);
            let why = x.failure.unwrap_or(Failure::Stopped);
            MemberOutcome::Failed(step, why)
        }
    }
}
