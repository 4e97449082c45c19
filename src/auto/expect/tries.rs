//! The tries of an Expect run, kept in shared chunks: a copy of a run (the status the
//! window reads) shares every full chunk with the runtime's and copies only the last,
//! so copying a run of a million tries costs a few thousand pointer copies, not a
//! million results.

use super::report::TryResult;
use std::sync::Arc;

/// Tries per shared chunk.
const CHUNK: usize = 256;

#[derive(Clone, Debug, Default)]
pub struct Tries {
    full: Vec<Arc<[TryResult]>>,
    tail: Vec<TryResult>,
}

impl Tries {
    pub fn push(&mut self, r: TryResult) {
        self.tail.push(r);
        if self.tail.len() == CHUNK {
            let chunk: Arc<[TryResult]> = std::mem::take(&mut self.tail).into();
            self.full.push(chunk);
        }
    }

    pub fn len(&self) -> usize {
        self.full.len() * CHUNK + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The try at `i` (0-based).
    pub fn get(&self, i: usize) -> Option<&TryResult> {
        match self.full.get(i / CHUNK) {
            Some(c) => c.get(i % CHUNK),
            None => self.tail.get(i - self.full.len() * CHUNK),
        }
    }

    pub fn last(&self) -> Option<&TryResult> {
        self.tail
            .last()
            .or_else(|| self.full.last().and_then(|c| c.last()))
    }

    /// In order, first to last (and back: `.rev()` for the newest).
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &TryResult> {
        self.full
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.tail.iter())
    }
}

impl<'a> IntoIterator for &'a Tries {
    type Item = &'a TryResult;
    type IntoIter = Box<dyn DoubleEndedIterator<Item = &'a TryResult> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::ops::Index<usize> for Tries {
    type Output = TryResult;
    fn index(&self, i: usize) -> &TryResult {
        self.get(i)
            .unwrap_or_else(|| panic!("try {i} of {}", self.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(n: u64) -> TryResult {
        TryResult {
            n,
            sent_us: 0,
            passed: true,
            latency: None,
            reply: Vec::new(),
            reply_len: 0,
            failure: None,
        }
    }

    #[test]
    fn a_copy_shares_the_full_chunks_and_keeps_the_order() {
        let mut a = Tries::default();
        for n in 1..=1000 {
            a.push(t(n));
        }
        let b = a.clone();
        assert!(Arc::ptr_eq(&a.full[0], &b.full[0]), "shared, not copied");
        assert_eq!(b.len(), 1000);
        assert_eq!(b[0].n, 1);
        assert_eq!(b[999].n, 1000);
        assert_eq!(b.last().map(|r| r.n), Some(1000));
        assert!(b.iter().map(|r| r.n).eq(1..=1000));
        assert!(b.iter().rev().take(3).map(|r| r.n).eq([1000, 999, 998]));
        assert!(b.get(1000).is_none());
    }
}
