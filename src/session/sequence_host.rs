//! A test sequence running on the session's runtime thread (never the window's): fed the
//! session's events, ticked at its deadlines, sending through the worker. Run it whole or
//! one step at a time; stop it. A connect step asks the runtime to start the session
//! again ([`SeqHost::take_restart`]); a close step disconnects the TCP client.

use crate::net::{Command, Event, EventKind, Payload, Role, Session, Target};
use crate::sequence::run::{Failure, Need, SequenceRun, StepResult};
use std::time::Instant;

/// What the window shows of the sequence.
#[derive(Clone, Debug, Default)]
pub struct SequenceView {
    pub running: bool,
    /// Step mode: waiting for the user to allow the next step.
    pub paused: bool,
    pub results: Vec<StepResult>,
    /// Steps in the whole (unrolled) sequence.
    pub total: usize,
    pub passed: bool,
    /// Captured variables, name = value.
    pub vars: Vec<(String, String)>,
    /// Stopped by the user before the end.
    pub stopped: bool,
    /// Which run this is (1 for the first on this runtime): a reader can tell a new run
    /// from the last one's results.
    pub run: u64,
}

#[derive(Default)]
pub struct SeqHost {
    run: Option<SequenceRun>,
    step_mode: bool,
    /// Steps allowed to start in step mode.
    allowance: u32,
    restart: bool,
    stopped: bool,
    /// Runs started so far.
    runs: u64,
    pub dirty: bool,
}

impl SeqHost {
    pub fn start(&mut self, run: SequenceRun, step_mode: bool) {
        self.run = Some(run);
        self.step_mode = step_mode;
        self.allowance = u32::from(step_mode);
        self.stopped = false;
        self.runs += 1;
        self.dirty = true;
    }

    /// Step mode: let the next step start.
    pub fn step(&mut self) {
        self.allowance += 1;
        self.dirty = true;
    }

    pub fn stop(&mut self) {
        if let Some(r) = &mut self.run
            && !r.is_done()
        {
            r.on_failure(Failure::Stopped, Instant::now());
            self.stopped = true;
        }
        self.dirty = true;
    }

    pub fn is_running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| !r.is_done())
    }

    /// The runtime should start the session again (a connect step).
    pub fn take_restart(&mut self) -> bool {
        std::mem::take(&mut self.restart)
    }

    pub fn on_event(&mut self, ev: &Event, session: Option<&Session>, now: Instant) {
        let Some(r) = &mut self.run else { return };
        if r.is_done() {
            return;
        }
        let own = ev.client.is_none();
        match &ev.kind {
            EventKind::Rx(d) => r.on_rx(d, now),
            EventKind::Connected | EventKind::Bound if own => r.on_connected(now),
            EventKind::Closed { .. } | EventKind::Reset { .. } if own => r.on_closed(now),
            EventKind::Error { .. } if own => {
                r.on_failure(Failure::Session(Box::new(ev.clone())), now)
            }
            _ => return,
        }
        // Only a step that ended changes what is shown (advance says so): the bytes of a
        // flood into a waiting expect do not copy the view.
        self.advance(ev.role, session, now);
    }

    /// Moves on; returns when to be called again.
    pub fn tick(&mut self, role: Role, session: Option<&Session>, now: Instant) -> Option<Instant> {
        self.advance(role, session, now);
        let r = self.run.as_ref()?;
        if r.is_done() {
            return None;
        }
        r.deadline()
    }

    fn advance(&mut self, role: Role, session: Option<&Session>, now: Instant) {
        let Some(r) = &mut self.run else { return };
        if r.is_done() {
            return;
        }
        let before = r.results().len();
        let needs = if self.step_mode {
            let started = r.started();
            let needs = r.poll_up_to(now, self.allowance as usize);
            let n = (r.started() - started) as u32;
            self.allowance = self.allowance.saturating_sub(n);
            needs
        } else {
            r.poll(now)
        };
        for need in needs {
            match (need, session) {
                (Need::Send(b), Some(s)) => {
                    s.send(Command::Send {
                        payload: Payload::Bytes(b),
                        to: Target::Default,
                    });
                }
                (Need::Send(_), None) => r.on_failure(Failure::NoSession, now),
                (Need::Close, Some(s)) if role == Role::TcpClient => {
                    s.send(Command::Disconnect(0));
                }
                (Need::Connect, _) if role == Role::TcpClient => self.restart = true,
                (Need::Close | Need::Connect, _) => r.on_failure(Failure::NotTcpClient, now),
            }
        }
        if r.results().len() != before || r.is_done() {
            self.dirty = true;
        }
    }

    pub fn view(&self) -> Option<SequenceView> {
        let r = self.run.as_ref()?;
        Some(SequenceView {
            running: !r.is_done(),
            paused: self.step_mode && self.allowance == 0 && !r.waiting() && !r.is_done(),
            results: r.results().to_vec(),
            total: r.sequence().steps.len(),
            passed: r.passed(),
            vars: r
                .vars()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            stopped: self.stopped,
            run: self.runs,
        })
    }
}
