//! A bounded histogram of durations in microseconds: log-linear buckets (16 in each power
//! of two), so any percentile is within about 6 % of the true value, in a fixed 8 KiB
//! however many values come.

/// Sub-buckets in each power of two (2^SUB_BITS).
const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * SUB as usize;

#[derive(Clone)]
pub struct Hist {
    counts: Box<[u64; BUCKETS]>,
    n: u64,
    max: u64,
}

impl Default for Hist {
    fn default() -> Self {
        Hist {
            counts: Box::new([0; BUCKETS]),
            n: 0,
            max: 0,
        }
    }
}

impl std::fmt::Debug for Hist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hist {{ n: {}, max: {} }}", self.n, self.max)
    }
}

fn index(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let e = 63 - v.leading_zeros();
    let sub = (v >> (e - SUB_BITS)) & (SUB - 1);
    ((e - SUB_BITS + 1) as u64 * SUB + sub) as usize
}

/// The middle of bucket `i`.
fn value(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB {
        return i;
    }
    let e = (i / SUB) as u32 + SUB_BITS - 1;
    let sub = i % SUB;
    let low = (1u64 << e) | (sub << (e - SUB_BITS));
    let width = 1u64 << (e - SUB_BITS);
    low + width / 2
}

impl Hist {
    pub fn add(&mut self, v: u64) {
        self.counts[index(v).min(BUCKETS - 1)] += 1;
        self.n += 1;
        self.max = self.max.max(v);
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// The value below which `p` (0..=100) percent of the values are; None when empty.
    pub fn percentile(&self, p: f64) -> Option<u64> {
        if self.n == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.n as f64).ceil().max(1.0) as u64;
        if rank >= self.n {
            return Some(self.max);
        }
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(value(i).min(self.max));
            }
        }
        Some(self.max)
    }

    /// p50, p95, p99 and the count.
    pub fn summary(&self) -> Percentiles {
        Percentiles {
            count: self.n,
            p50_us: self.percentile(50.0),
            p95_us: self.percentile(95.0),
            p99_us: self.percentile(99.0),
            max_us: (self.n > 0).then_some(self.max),
        }
    }
}

/// What a [`Hist`] says, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Percentiles {
    pub count: u64,
    pub p50_us: Option<u64>,
    pub p95_us: Option<u64>,
    pub p99_us: Option<u64>,
    pub max_us: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_within_a_bucket() {
        let mut h = Hist::default();
        for v in 1..=10_000u64 {
            h.add(v);
        }
        let p50 = h.percentile(50.0).unwrap_or(0) as f64;
        let p99 = h.percentile(99.0).unwrap_or(0) as f64;
        assert!((p50 - 5000.0).abs() / 5000.0 < 0.07, "{p50}");
        assert!((p99 - 9900.0).abs() / 9900.0 < 0.07, "{p99}");
        assert_eq!(h.percentile(100.0), Some(10_000));
        assert_eq!(Hist::default().percentile(50.0), None);
        h.add(u64::MAX);
        assert_eq!(h.count(), 10_001);
    }

    #[test]
    fn small_values_are_exact() {
        let mut h = Hist::default();
        for v in [3u64, 3, 7] {
            h.add(v);
        }
        assert_eq!(h.percentile(50.0), Some(3));
        assert_eq!(h.percentile(99.0), Some(7));
    }
}
