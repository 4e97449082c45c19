//! A crowd's test sequence on the runtime: one run per connection ([`CrowdSeq`]).

use super::*;
use crate::sequence::run::SequenceRun;
use crate::session::crowd::seq::CrowdSeq;

impl Runner {
    /// Starts the sequence of `run` on every member of the running crowd: those open now
    /// at once, the others when they open. With no crowd running, none can finish. A
    /// sequence with a `connect` step holds the crowd running until it is done.
    pub(super) fn start_crowd_seq(&mut self, run: &SequenceRun, now: Instant) {
        let Some(tally) = &self.crowd else { return };
        // A run still going is replaced: it lets go of the crowd it held.
        if let Some(old) = &mut self.crowd_seq {
            old.ended();
            old.hold(self.session.as_ref());
        }
        self.crowd_seq_runs += 1;
        let planned = tally.view_planned();
        let mut c = CrowdSeq::new(run.sequence().clone(), planned, self.crowd_seq_runs);
        if self.session.is_none() {
            c.ended();
        } else {
            // Held before any member's close reaches the worker.
            c.hold(self.session.as_ref());
            for id in tally.open_ids() {
                c.opened(id, self.session.as_ref(), now);
            }
            c.hold(self.session.as_ref());
        }
        self.crowd_seq = Some(c);
        self.dirty = true;
    }

    /// The members whose step's time has come move on.
    pub(super) fn tick_crowd_seq(&mut self, now: Instant) -> Option<Instant> {
        let c = self.crowd_seq.as_mut()?;
        let at = c.tick(self.session.as_ref(), now);
        c.hold(self.session.as_ref());
        self.dirty |= c.dirty;
        at
    }
}
