//! The cap on the total size of the spools in the data directory, shared by every tab's
//! runtime (and counting the spools a crash left behind until they are saved or deleted).
//! A runtime reports its spool's size; once the total reaches the cap, that runtime stops
//! recording with a clear reason. Nothing already on disk is dropped to make room.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The default cap: 10 GiB.
pub const DEFAULT_CAP: u64 = 10 << 30;

#[derive(Debug, Default)]
struct Inner {
    cap: AtomicU64,
    /// Left-over spools not yet saved or deleted.
    left_over: AtomicU64,
    /// Each runtime's spool size, by runtime.
    sizes: Mutex<HashMap<u64, u64>>,
    next_id: AtomicU64,
}

/// A shared spool budget (cheap to clone; clones share the total).
#[derive(Clone, Debug)]
pub struct SpoolBudget(Arc<Inner>);

/// One runtime's share of a [`SpoolBudget`]; its size leaves the total when dropped.
#[derive(Debug)]
pub struct BudgetShare {
    budget: SpoolBudget,
    id: u64,
}

impl SpoolBudget {
    /// A budget of `cap` bytes.
    pub fn new(cap: u64) -> SpoolBudget {
        let b = SpoolBudget(Arc::default());
        b.set_cap(cap);
        b
    }

    pub fn cap(&self) -> u64 {
        self.0.cap.load(Ordering::Relaxed)
    }

    pub fn set_cap(&self, cap: u64) {
        self.0.cap.store(cap.max(1), Ordering::Relaxed);
    }

    /// Sets the size of the left-over spools (found at start, less those deleted since).
    pub fn set_left_over(&self, bytes: u64) {
        self.0.left_over.store(bytes, Ordering::Relaxed);
    }

    /// Bytes used by every spool counted.
    pub fn used(&self) -> u64 {
        let live: u64 = self.0.sizes.lock().map_or(0, |s| s.values().copied().sum());
        live.saturating_add(self.0.left_over.load(Ordering::Relaxed))
    }

    /// A share for one runtime's spool.
    pub fn share(&self) -> BudgetShare {
        BudgetShare {
            budget: self.clone(),
            id: self.0.next_id.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl Default for SpoolBudget {
    fn default() -> Self {
        SpoolBudget::new(DEFAULT_CAP)
    }
}

impl BudgetShare {
    /// Reports this spool's size; false once every spool together has reached the cap.
    pub fn report(&self, size: u64) -> bool {
        if let Ok(mut s) = self.budget.0.sizes.lock() {
            s.insert(self.id, size);
        }
        self.budget.used() < self.budget.cap()
    }

    /// This spool is gone (cleared or removed): it no longer counts.
    pub fn release(&self) {
        if let Ok(mut s) = self.budget.0.sizes.lock() {
            s.remove(&self.id);
        }
    }

    pub fn budget(&self) -> &SpoolBudget {
        &self.budget
    }
}

impl Drop for BudgetShare {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_cap() {
        let b = SpoolBudget::new(1000);
        let (x, y) = (b.share(), b.share());
        assert!(x.report(400));
        assert!(y.report(500));
        assert_eq!(b.used(), 900);
        b.set_left_over(50);
        assert!(x.report(449), "949 of 1000");
        assert!(!y.report(551), "1050 of 1000");
        y.release();
        assert_eq!(b.used(), 499);
        drop(x);
        assert_eq!(b.used(), 50);
    }
}
