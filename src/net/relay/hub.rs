//! What every thread of a relay shares ([`Hub`]): the bounded event channel (a slow
//! reader slows the relay), the stop flag, the counters, the live faults and rewrite
//! rules, and Intercept's board.

use super::{CheckedRewrites, Counters, RelayEvent, RelayKind, faults, intercept};
use crossbeam_channel::Sender;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// What every relay thread shares: the event channel, the stop flag and the counters.
#[derive(Clone)]
pub(crate) struct Hub {
    pub(super) events: Sender<RelayEvent>,
    pub stop: Arc<AtomicBool>,
    pub counters: Arc<Counters>,
    pub local: Option<SocketAddr>,
    /// The faults in force (changed live by [`Relay::set_faults`]).
    pub faults: Arc<faults::LiveFaults>,
    /// The rewrite rules in force (changed live).
    pub rewrites: Arc<faults::Live<CheckedRewrites>>,
    /// Intercept: its switches and the messages held.
    pub intercept: Arc<intercept::Board>,
}

impl Hub {
    /// Sends an event; waits while the channel is full (back-pressure) unless stopping.
    pub fn emit(&self, pair: Option<u64>, peer: Option<SocketAddr>, kind: RelayKind) {
        match &kind {
            RelayKind::Data { dir, bytes } => {
                self.counters.bytes[dir.index()].fetch_add(bytes.len() as u64, Ordering::Relaxed);
                self.counters.chunks[dir.index()].fetch_add(1, Ordering::Relaxed);
            }
            RelayKind::Fault { dir, what } => {
                self.counters.faults[dir.index()][what.counter()].fetch_add(1, Ordering::Relaxed);
            }
            RelayKind::Accepted => {
                self.counters.pairs.fetch_add(1, Ordering::Relaxed);
            }
            RelayKind::Rewritten { dir, .. } => {
                self.counters.rewritten[dir.index()].fetch_add(1, Ordering::Relaxed);
            }
            RelayKind::Held { dir, .. } => {
                self.counters.held[dir.index()].fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
        let mut ev = RelayEvent {
            ts_us: crate::net::now_us(),
            pair,
            peer,
            local: self.local,
            kind,
        };
        loop {
            match self.events.send_timeout(ev, Duration::from_millis(50)) {
                Ok(()) => return,
                Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => {
                    self.stop.store(true, Ordering::Relaxed);
                    return;
                }
                Err(crossbeam_channel::SendTimeoutError::Timeout(back)) => {
                    if self.stopping() {
                        return;
                    }
                    ev = back;
                }
            }
        }
    }

    pub fn stopping(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    pub fn error(
        &self,
        pair: Option<u64>,
        peer: Option<SocketAddr>,
        e: &std::io::Error,
        op: crate::net::error::Op,
        addr: &str,
    ) {
        let (kind, detail) = crate::net::error::describe(e, op, addr);
        self.emit(pair, peer, RelayKind::Error { kind, detail });
    }
}
