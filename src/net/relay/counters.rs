//! The relay's counters, per direction, kept as events are told.

use super::Dir;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters per direction: [up, down].
#[derive(Debug, Default)]
pub struct Counters {
    pub bytes: [AtomicU64; 2],
    pub chunks: [AtomicU64; 2],
    pub pairs: AtomicU64,
    /// Per direction, per [`FAULT_COUNTERS`] entry.
    pub faults: [[AtomicU64; 10]; 2],
    /// Rewrites done (a rule that changed a message; two rules on one message count
    /// twice), per direction.
    pub rewritten: [AtomicU64; 2],
    /// Messages Intercept held, per direction.
    pub held: [AtomicU64; 2],
}

impl Counters {
    pub fn bytes(&self, d: Dir) -> u64 {
        self.bytes[d.index()].load(Ordering::Relaxed)
    }
    pub fn chunks(&self, d: Dir) -> u64 {
        self.chunks[d.index()].load(Ordering::Relaxed)
    }
    pub fn fault(&self, d: Dir, counter: usize) -> u64 {
        self.faults[d.index()][counter].load(Ordering::Relaxed)
    }
    pub fn rewritten(&self, d: Dir) -> u64 {
        self.rewritten[d.index()].load(Ordering::Relaxed)
    }
    pub fn held(&self, d: Dir) -> u64 {
        self.held[d.index()].load(Ordering::Relaxed)
    }
}
