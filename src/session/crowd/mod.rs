//! A crowd's live counts and summary (see [`crate::net::crowd`]), kept by the runtime from
//! the events: connecting, open, closed, failed by reason; connect time and reply latency
//! percentiles (bounded histograms); errors by kind; and, with an expectation, each
//! connection's pass or fail. A few bytes per connection, nothing per event.

mod follow;
mod hist;
pub mod seq;

pub use hist::{Hist, Percentiles};

use crate::net::{ErrorKind, Event, EventKind};

pub use crate::net::crowd::CrowdExpect;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Phase {
    #[default]
    Unseen,
    Connecting,
    Open,
    Failed,
    Ended,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Check {
    #[default]
    Waiting,
    Passed,
    Failed,
}

/// One connection: when it started connecting, its last unanswered send, its check.
#[derive(Clone, Copy, Default)]
struct Track {
    connecting_at: i64,
    /// The send still waiting for its first reply (0: none).
    sent_at: i64,
    /// Its first send (0: none yet), for the expectation's timeout.
    first_sent_at: i64,
    phase: Phase,
    check: Check,
}

/// A count per kind (a short list: there are few kinds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ByKind(pub Vec<(ErrorKind, u64)>);

impl ByKind {
    fn add(&mut self, k: ErrorKind) {
        match self.0.iter_mut().find(|(kind, _)| *kind == k) {
            Some((_, n)) => *n += 1,
            None => self.0.push((k, 1)),
        }
    }

    pub fn total(&self) -> u64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    pub fn get(&self, k: ErrorKind) -> u64 {
        self.0
            .iter()
            .find(|(kind, _)| *kind == k)
            .map_or(0, |p| p.1)
    }
}

/// What the window and headless mode show of a crowd (a copy, cheap to take).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrowdView {
    /// Connections asked for.
    pub planned: u64,
    pub connecting: u64,
    /// Opens (connected, or bound) so far: a member opened again (a sequence's `connect`
    /// step, [`crate::net::Command::CrowdReopen`]) counts once more.
    pub opened: u64,
    pub open: u64,
    /// The most open at one moment.
    pub max_open: u64,
    /// Members opened again after they had ended (a sequence's `connect` step): each such
    /// try also counts in `opened`, or in `failed` when it failed.
    pub reopens: u64,
    /// Opened, then ended (closed by either side, reset, or broken): each close of a
    /// member opened again counts.
    pub closed: u64,
    /// Opens that failed, by reason (a member's first, or one opening it again).
    pub failed: ByKind,
    /// Never even tried: the session ended (Stop, `--duration`) before the ramp reached
    /// them. Counted when the crowd ends.
    pub not_started: u64,
    /// Sends that found no connection open (said on no connection of their own).
    pub unsent: u64,
    /// Every error told on a connection, by kind (failed connects among them).
    pub errors: ByKind,
    pub connect: Percentiles,
    pub sends: u64,
    /// First replies after a send, and their latency.
    pub replies: u64,
    pub reply: Percentiles,
    /// With an expectation: connections that passed, failed, still wait.
    pub expect: Option<(u64, u64, u64)>,
    /// UDP: sources rather than connections.
    pub udp: bool,
    /// Every planned connection has opened or failed; none is connecting.
    pub settled: bool,
}

impl CrowdView {
    /// True when a connection failed to connect or failed its expectation.
    pub fn any_failed(&self) -> bool {
        self.failed.total() > 0
            || self.not_started > 0
            || self.expect.is_some_and(|(_, f, w)| f + w > 0)
    }
}

/// The runtime's tally of a running crowd.
pub struct CrowdTally {
    tracks: Vec<Track>,
    view: CrowdView,
    connect: Hist,
    reply: Hist,
    expect: Option<CrowdExpect>,
    /// Something changed since the last [`CrowdTally::view`].
    pub dirty: bool,
}

impl CrowdTally {
    pub fn new(planned: u32, udp: bool, expect: Option<CrowdExpect>) -> CrowdTally {
        CrowdTally {
            tracks: Vec::new(),
            view: CrowdView {
                planned: u64::from(planned),
                udp,
                expect: expect.as_ref().map(|_| (0, 0, u64::from(planned))),
                ..CrowdView::default()
            },
            connect: Hist::default(),
            reply: Hist::default(),
            expect,
            dirty: true,
        }
    }

    /// The index of connection `id` (1..=planned), its track made if new.
    fn index(&mut self, id: u64) -> Option<usize> {
        let i = usize::try_from(id).ok()?.checked_sub(1)?;
        if i >= self.view.planned as usize {
            return None;
        }
        if i >= self.tracks.len() {
            self.tracks.resize(i + 1, Track::default());
        }
        Some(i)
    }

    fn track(&mut self, id: u64) -> Option<&mut Track> {
        let i = self.index(id)?;
        self.tracks.get_mut(i)
    }

    /// Follows one event of the crowd's worker.
    pub fn on_event(&mut self, ev: &Event) {
        let Some(id) = ev.client else {
            // A send of the whole crowd that found no connection open.
            if let EventKind::Error {
                kind: ErrorKind::NotConnected,
                ..
            } = ev.kind
            {
                self.view.unsent += 1;
                self.dirty = true;
            }
            return;
        };
        let ts = ev.ts_us;
        let udp = self.view.udp;
        let Some(i) = self.index(id) else {
            return;
        };
        let needle = self.expect.as_ref().map(|x| x.needle.as_slice());
        let Some(t) = self.tracks.get_mut(i) else {
            return;
        };
        let before = *t;
        let Some(x) = follow::follow(t, &ev.kind, ts, udp, needle) else {
            return;
        };
        let after = *t;
        let again = matches!(before.phase, Phase::Ended | Phase::Failed);
        // A UDP source's failed bind once it had ended is a try to open it again.
        let tried = match ev.kind {
            EventKind::Connecting | EventKind::Bound => true,
            EventKind::Error { .. } => udp && x.failed.is_some(),
            _ => false,
        };
        if again && tried {
            self.view.reopens += 1;
        }
        if x.matched {
            self.set_check(id, Check::Passed);
        } else if self.expect.is_some()
            && (matches!(after.phase, Phase::Failed | Phase::Ended) || x.answered_by_network)
            && after.check == Check::Waiting
        {
            self.set_check(id, Check::Failed);
        }
        self.count_phase(before.phase, after.phase);
        if let Some(us) = x.connect_us {
            self.connect.add(us);
        }
        if let Some(us) = x.reply_us {
            self.reply.add(us);
            self.view.replies += 1;
        }
        if let Some(k) = x.failed {
            self.view.failed.add(k);
        }
        if let Some(k) = x.error {
            self.view.errors.add(k);
        }
        if x.sent {
            self.view.sends += 1;
        }
        self.dirty = true;
    }

    fn count_phase(&mut self, from: Phase, to: Phase) {
        if from == to {
            return;
        }
        let v = &mut self.view;
        match from {
            Phase::Connecting => v.connecting = v.connecting.saturating_sub(1),
            Phase::Open => v.open = v.open.saturating_sub(1),
            _ => {}
        }
        match to {
            Phase::Connecting => v.connecting += 1,
            Phase::Open => {
                v.opened += 1;
                v.open += 1;
                v.max_open = v.max_open.max(v.open);
            }
            Phase::Ended if from == Phase::Open => v.closed += 1,
            _ => {}
        }
    }

    fn set_check(&mut self, id: u64, to: Check) {
        let Some(t) = self.track(id) else {
            return;
        };
        if t.check != Check::Waiting {
            return;
        }
        t.check = to;
        if let Some((p, f, w)) = &mut self.view.expect {
            *w = w.saturating_sub(1);
            match to {
                Check::Passed => *p += 1,
                _ => *f += 1,
            }
        }
    }

    /// The expectation's timeouts, at `now_us` (wall clock, as the events).
    pub fn tick(&mut self, now_us: i64) {
        let Some(timeout) = self.expect.as_ref().map(|x| x.timeout.as_micros() as i64) else {
            return;
        };
        let late: Vec<u64> = self
            .tracks
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                t.check == Check::Waiting
                    && t.first_sent_at != 0
                    && now_us - t.first_sent_at > timeout
            })
            .map(|(i, _)| i as u64 + 1)
            .collect();
        for id in late {
            self.set_check(id, Check::Failed);
            self.dirty = true;
        }
    }

    /// The worker ended: the connections never tried are counted, and (with an
    /// expectation) what still waits has failed.
    pub fn ended(&mut self) {
        let seen = self
            .tracks
            .iter()
            .filter(|t| t.phase != Phase::Unseen)
            .count() as u64;
        self.view.not_started = self.view.planned.saturating_sub(seen);
        self.dirty = true;
        if self.expect.is_none() {
            return;
        }
        for id in 1..=self.view.planned {
            self.set_check(id, Check::Failed);
        }
        self.dirty = true;
    }

    /// Connections asked for.
    pub fn view_planned(&self) -> u32 {
        self.view.planned as u32
    }

    /// The connections open now (a sequence started mid-way starts on them at once).
    pub fn open_ids(&self) -> Vec<u64> {
        (self.tracks.iter().enumerate())
            .filter(|(_, t)| t.phase == Phase::Open)
            .map(|(i, _)| i as u64 + 1)
            .collect()
    }

    /// True when every planned connection has opened or failed, none is connecting.
    pub fn settled(&self) -> bool {
        let v = &self.view;
        v.connecting == 0 && self.tracks.len() as u64 == v.planned
    }

    pub fn view(&mut self) -> CrowdView {
        self.dirty = false;
        let mut v = self.view.clone();
        v.connect = self.connect.summary();
        v.reply = self.reply.summary();
        v.settled = self.settled();
        v
    }
}

#[cfg(test)]
mod tests;
