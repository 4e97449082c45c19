//! The automation a session runs on its runtime thread: the launch plan (`--send`,
//! `--every`, `--reply`), auto-reply rules with their delayed replies, an Expect run, and
//! auto-send (a [`Pacer`] thread). Fed every event, ticked by the clock; never by a window.

use super::view::{AutoNote, AutoView, RulesView, Status};
use crate::auto::auto_send::{Auto, AutoPlan};
use crate::auto::expect::Expect;
use crate::auto::pacer::{Pacer, PacerPlan};
use crate::auto::rules::{Outbox, Responder, RuleError, RuleSet};
use crate::codec::Encoding;
use crate::net::{Event, EventKind, Session};
use std::time::{Duration, Instant};

/// Builds each auto-send payload (variables, checksums); an error ends the run.
pub type MakePayload = Box<dyn FnMut() -> Result<Vec<u8>, crate::codec::PayloadError> + Send>;

/// The running automation of one session.
#[derive(Default)]
pub struct Tools {
    auto: Option<Auto>,
    responder: Option<Responder>,
    /// The last working responder while the rules have an error (its counts).
    stale: Option<Responder>,
    rules_error: Option<RuleError>,
    outbox: Outbox,
    expect: Option<Expect>,
    /// The Expect run changed since it was last copied into the view.
    expect_dirty: bool,
    pacer: Option<Pacer>,
    /// Set when auto-send stopped early or ended; copied into the view.
    auto_note: Option<AutoNote>,
    note_dirty: bool,
    /// A test sequence.
    pub seq: super::sequence_host::SeqHost,
    /// TCP server: the class roster, while it checks clients.
    roster: Option<super::roster::Roster>,
    /// The roster stopped (its last table stays in the view).
    roster_stopped: bool,
    /// Connections the peer half-closed, kept open until their replies are out.
    pub fin: super::half_close::FinHold,
}

impl Tools {
    /// A new session: the launch plan replaces the last one.
    pub fn on_start(&mut self, plan: AutoPlan) {
        self.auto = (plan != AutoPlan::default()).then(|| Auto::new(plan));
        self.outbox.clear();
        self.auto_note = None;
        self.note_dirty = true;
    }

    /// The launch plan, while it runs (headless reads its progress).
    pub fn auto(&self) -> Option<&Auto> {
        self.auto.as_ref()
    }

    /// Looks at one event; may send.
    pub fn on_event(&mut self, ev: &Event, session: &Session, now: Instant) {
        if let Some(a) = &mut self.auto {
            a.on_event(ev, session, now);
        }
        if let Some(r) = &mut self.responder {
            let replies = r.on_rx(ev, now);
            if !replies.is_empty() {
                self.outbox.schedule(replies);
                // Replies without a delay go out now, not at the next tick.
                for c in self.outbox.due(now) {
                    session.send(c);
                }
            }
        }
        if let Some(x) = &mut self.expect {
            let before = (x.results().len(), x.is_done());
            let cmds = x.on_event(ev, now);
            // Only a try that ended (or a request sent) changes what is shown: the bytes
            // of a flood into a waiting try do not copy the run.
            self.expect_dirty |= !cmds.is_empty() || before != (x.results().len(), x.is_done());
            for c in cmds {
                session.send(c);
            }
        }
        self.seq.on_event(ev, Some(session), now);
        if let Some(r) = &mut self.roster {
            r.on_event(ev, session, now);
        }
        self.fin.on_event(ev);
        self.fin.release(session, &self.outbox);
        let own_end = ev.client.is_none()
            && matches!(ev.kind, EventKind::Closed { .. } | EventKind::Reset { .. });
        if own_end {
            self.interrupt_auto(false);
        }
    }

    /// Sends what is due. Returns when to call again.
    pub fn tick(&mut self, session: &Session, now: Instant) -> Option<Instant> {
        let mut next = self.auto.as_mut().and_then(|a| a.tick(session, now));
        for c in self.outbox.due(now) {
            session.send(c);
        }
        self.fin.release(session, &self.outbox);
        next = earliest(next, self.outbox.next_at());
        if let Some(x) = &mut self.expect {
            let before = (x.results().len(), x.is_done());
            let (cmds, at) = x.tick(now);
            self.expect_dirty |= !cmds.is_empty() || before != (x.results().len(), x.is_done());
            for c in cmds {
                session.send(c);
            }
            next = earliest(next, at);
        }
        next = earliest(next, self.seq.tick(session.role(), Some(session), now));
        if let Some(r) = &mut self.roster {
            next = earliest(next, r.tick(now));
        }
        if let Some(p) = &self.pacer {
            if p.is_running() {
                // Progress is copied into the view ten times a second.
                next = earliest(next, Some(now + Duration::from_millis(100)));
            } else if let Some(p) = self.pacer.take() {
                let progress = progress(&p);
                if let Some(end) = p.end() {
                    self.auto_note = Some(AutoNote::Ended { end, progress });
                    self.note_dirty = true;
                }
            }
        }
        next
    }

    /// The session is over.
    pub fn on_ended(&mut self) {
        self.interrupt_auto(true);
        self.outbox.clear();
        self.fin.on_ended();
        if let Some(a) = &mut self.auto {
            a.cancel();
        }
        if let Some(x) = &mut self.expect {
            x.session_ended(
                crate::auto::expect::TryFailure::SessionEnded(None),
                Instant::now(),
            );
            self.expect_dirty = true;
        }
    }

    fn interrupt_auto(&mut self, ended: bool) {
        if let Some(p) = self.pacer.take() {
            p.stop();
            if p.is_running() || p.plan().count.is_none_or(|n| p.sent() < n) {
                let progress = progress(&p);
                self.auto_note = Some(AutoNote::Interrupted { ended, progress });
                self.note_dirty = true;
            }
        }
    }

    /// Starts auto-send (replacing a running one).
    pub fn start_auto_send(&mut self, session: &Session, plan: PacerPlan, make: MakePayload) {
        let pacer = Pacer::start(session.handle(), plan, make, None);
        self.auto_note = None;
        self.note_dirty = true;
        if let Some(old) = self.pacer.replace(pacer) {
            old.stop();
        }
    }

    pub fn stop_auto_send(&mut self) {
        if let Some(p) = &self.pacer {
            p.stop();
        }
    }

    /// Runs an Expect (replacing the last one). A run not started with
    /// [`Expect::start`] sends its first request once the session is ready.
    pub fn start_expect(&mut self, x: Expect) {
        self.expect = Some(x);
        self.expect_dirty = true;
    }

    pub fn cancel_expect(&mut self, now: Instant) {
        if let Some(x) = &mut self.expect {
            x.cancel(now);
            self.expect_dirty = true;
        }
    }

    /// Keeps the responder in step with the edited rules: enabling, disabling, echo and
    /// the encoding change in place; any other edit rebuilds it, and the rules that did
    /// not change keep their counts (also across a spell of invalid rules).
    pub fn set_rules(&mut self, rules: &RuleSet, enc: Encoding) {
        if let Some(r) = &mut self.responder {
            let cur = r.rule_set();
            if cur == rules && r.encoding() == enc {
                return;
            }
            let same_shape = cur.rules.len() == rules.rules.len()
                && cur.framing == rules.framing
                && cur.rules.iter().zip(&rules.rules).all(|(a, b)| {
                    a.matcher == b.matcher
                        && a.reply == b.reply
                        && a.reply_hex == b.reply_hex
                        && a.escapes == b.escapes
                        && a.delay_ms == b.delay_ms
                        && a.name == b.name
                });
            if same_shape {
                if r.encoding() != enc {
                    r.set_encoding(enc);
                }
                r.set_echo(rules.echo);
                for (i, rule) in rules.rules.iter().enumerate() {
                    r.set_enabled(i, rule.enabled);
                }
                return;
            }
        } else if rules.is_idle() && self.rules_error.is_none() {
            return;
        }
        match Responder::new(rules.clone(), enc) {
            Ok(mut r) => {
                if let Some(old) = self.responder.take().or_else(|| self.stale.take()) {
                    r.carry_counts(&old);
                }
                self.responder = Some(r);
                self.rules_error = None;
            }
            Err(e) => {
                // Kept for its counts, which come back when the rules are fixed.
                if let Some(old) = self.responder.take() {
                    self.stale = Some(old);
                }
                self.rules_error = Some(e);
            }
        }
    }

    /// Whether this session answers what peers send (rules, echo, or the plan's reply):
    /// then a peer's FIN waits for the answers (see [`super::half_close`]).
    pub fn answers_peers(&self) -> bool {
        self.responder
            .as_ref()
            .is_some_and(|r| !r.rule_set().is_idle())
            || self.auto.as_ref().is_some_and(|a| a.answers())
    }

    /// Tells the worker whether a peer's FIN waits for the answers (after a rules edit).
    pub fn sync_fin_hold(&mut self, session: &Session) {
        let hold = self.answers_peers();
        self.fin.set(session, hold);
    }

    /// The encoding changed: the rules match and reply in the new one, and the roster
    /// reads its students again in it (a GBK class on a UTF-8 tab, switched).
    pub fn set_encoding(&mut self, enc: Encoding, session: Option<&Session>, now: Instant) {
        if let Some(r) = &mut self.responder {
            r.set_encoding(enc);
        }
        if let Some(r) = &mut self.roster {
            r.set_encoding(enc, session, now);
        }
    }

    pub fn reset_rule_counts(&mut self) {
        for r in self.responder.iter_mut().chain(self.stale.iter_mut()) {
            r.reset_counts();
        }
    }

    /// Copies what the window shows into `st`.
    pub fn publish(&mut self, st: &mut Status) {
        if self.responder.is_none() && self.rules_error.is_none() {
            if st.rules != RulesView::default() {
                st.rules = RulesView::default();
            }
        } else {
            self.publish_rules(st);
        }
        if self.expect_dirty {
            st.expect = self
                .expect
                .as_ref()
                .map(|x| std::sync::Arc::new(x.snapshot()));
            self.expect_dirty = false;
        }
        st.auto = self.pacer.as_ref().map(auto_view);
        if self.note_dirty {
            st.auto_note = self.auto_note.clone();
            self.note_dirty = false;
        }
        if self.seq.dirty {
            st.sequence = self.seq.view().map(std::sync::Arc::new);
            self.seq.dirty = false;
        }
        if let Some(r) = &mut self.roster
            && (r.dirty || self.roster_stopped)
        {
            let mut v = r.view();
            v.running = !self.roster_stopped;
            st.roster = Some(std::sync::Arc::new(v));
            r.dirty = false;
            if self.roster_stopped {
                self.roster = None;
                self.roster_stopped = false;
            }
        }
    }

    fn publish_rules(&self, st: &mut Status) {
        st.rules = RulesView {
            active: self
                .responder
                .as_ref()
                .is_some_and(|r| !r.rule_set().is_idle()),
            fired: self
                .responder
                .as_ref()
                .map(|r| r.fired().to_vec())
                .unwrap_or_default(),
            echoed: self.responder.as_ref().map_or(0, |r| r.echoed()),
            error: self.rules_error.clone(),
        };
    }

    /// Something the window shows changed since the last [`Tools::publish`] (auto-send
    /// progress counts as a change while it runs).
    pub fn needs_publish(&self) -> bool {
        self.expect_dirty
            || self.pacer.is_some()
            || self.note_dirty
            || self.seq.dirty
            || self.roster.as_ref().is_some_and(|r| r.dirty)
            || self.roster_stopped
    }

    /// Starts checking clients against `spec` (a new table).
    pub fn start_roster(&mut self, spec: super::roster::RosterSpec, enc: Encoding) -> bool {
        match super::roster::Roster::new(spec, enc) {
            Ok(r) => {
                self.roster = Some(r);
                self.roster_stopped = false;
                true
            }
            Err(_) => false,
        }
    }

    pub fn stop_roster(&mut self) {
        if self.roster.is_some() {
            self.roster_stopped = true;
        }
    }

    /// The Expect run, for headless printing.
    pub fn expect(&self) -> Option<&Expect> {
        self.expect.as_ref()
    }
}

fn auto_view(p: &Pacer) -> AutoView {
    AutoView {
        sent: p.sent(),
        count: p.plan().count,
        running: p.is_running(),
    }
}

fn progress(p: &Pacer) -> String {
    auto_view(p).progress()
}

/// The earlier of two optional times.
pub fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
