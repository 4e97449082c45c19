//! Interrupt moderation under a flood, as network cards do it: while more than
//! [`FLOOD_RATE`] datagrams or events a second arrive, a thread waits [`PAUSE`] before it
//! takes the next batch, so the batches grow to a few dozen or hundred instead of a
//! handful per wake-up. A wake-up (a context switch, on two cores often on the sender's
//! core) cost more than the datagrams it took. Used by the UDP worker (before it waits on
//! its socket again) and the session runtime (before it takes the worker's next events).
//! Below that rate (an auto-reply's request, a 20,000/s stream) nothing waits; in a flood
//! a reply waits at most [`PAUSE`] more.

use std::time::{Duration, Instant};

/// Events a second from which the runtime paces its wake-ups.
pub(crate) const FLOOD_RATE: u64 = 50_000;
/// How long the runtime waits between two batches in a flood.
pub(crate) const PAUSE: Duration = Duration::from_micros(250);
/// The window over which the rate is counted.
const WINDOW: Duration = Duration::from_millis(10);

#[derive(Default)]
pub(crate) struct Pace {
    window_start: Option<Instant>,
    count: u64,
    flood: bool,
}

impl Pace {
    /// `n` events were taken at `now`.
    pub(crate) fn taken(&mut self, n: u64, now: Instant) {
        let start = *self.window_start.get_or_insert(now);
        let el = now.saturating_duration_since(start);
        if el >= WINDOW {
            let rate = self.count.saturating_mul(1_000_000) / el.as_micros().max(1) as u64;
            self.flood = rate >= FLOOD_RATE;
            self.window_start = Some(now);
            self.count = 0;
        }
        self.count += n;
    }

    /// Whether the last window counted a flood.
    pub(crate) fn flood(&self) -> bool {
        self.flood
    }

    /// How long to wait before the next batch: [`PAUSE`] in a flood that is still on.
    pub(crate) fn pause(&mut self, now: Instant) -> Option<Duration> {
        // A flood that stopped (no batch in a window) ends the pacing.
        if self
            .window_start
            .is_some_and(|t| now.saturating_duration_since(t) >= WINDOW * 2)
        {
            self.flood = false;
        }
        self.flood.then_some(PAUSE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paces_a_flood_and_not_a_stream() {
        let t0 = Instant::now();
        let mut p = Pace::default();
        // 20,000/s for 30 ms: 20 events a millisecond.
        for ms in 0..30u64 {
            p.taken(20, t0 + Duration::from_millis(ms));
        }
        assert_eq!(p.pause(t0 + Duration::from_millis(30)), None);
        // 200,000/s: 200 a millisecond.
        for ms in 30..60u64 {
            p.taken(200, t0 + Duration::from_millis(ms));
        }
        assert_eq!(p.pause(t0 + Duration::from_millis(60)), Some(PAUSE));
        // Nothing for 30 ms: the flood is over.
        assert_eq!(p.pause(t0 + Duration::from_millis(90)), None);
    }
}
