//! The faults a relay applies to one direction (Toxiproxy-style), all off by default, and
//! the seeded random numbers that make a run repeatable.

use super::Dir;
use std::time::Duration;

/// When a cut (reset, close, black-hole) happens: after this many bytes went this way, or
/// this long after the pair started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Bytes(u64),
    After(Duration),
}

/// The faults of one direction. Probabilities are 0.0–1.0.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DirFaults {
    pub latency: Duration,
    /// Each chunk's delay is `latency` ± a uniform value up to this.
    pub jitter: Duration,
    /// Bytes per second; None: unlimited.
    pub bandwidth: Option<u64>,
    /// TCP: write each chunk in pieces of this many bytes, this far apart (拆包).
    pub slice: Option<(usize, Duration)>,
    /// TCP: hold what arrives for this long and write it as one (粘包).
    pub merge: Option<Duration>,
    /// UDP: drop a datagram with this probability.
    pub drop: f64,
    /// UDP: send a datagram twice with this probability.
    pub duplicate: f64,
    /// UDP: hold datagrams back and let up to this many later ones pass first.
    pub reorder: usize,
    /// Change one byte of a chunk with this probability.
    pub corrupt: f64,
    /// TCP: reset both sides (RST).
    pub reset_after: Option<Trigger>,
    /// TCP: close both sides (FIN).
    pub close_after: Option<Trigger>,
    /// Stop forwarding this way, keeping the connection open.
    pub blackhole_after: Option<Trigger>,
}

impl DirFaults {
    /// True if nothing is set.
    pub fn is_off(&self) -> bool {
        *self == DirFaults::default()
    }
}

/// The faults of both directions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    pub up: DirFaults,
    pub down: DirFaults,
}

impl Faults {
    pub fn dir(&self, d: Dir) -> &DirFaults {
        match d {
            Dir::Up => &self.up,
            Dir::Down => &self.down,
        }
    }
}

/// What every pair's writers read, changed while the relay runs (the faults, the rewrite
/// rules): a generation number (one atomic load per chunk) says when to take a fresh copy
/// under the lock.
#[derive(Debug, Default)]
pub(crate) struct Live<T> {
    generation: std::sync::atomic::AtomicU64,
    value: std::sync::RwLock<T>,
}

/// The faults in force.
pub(crate) type LiveFaults = Live<Faults>;

impl<T: Clone> Live<T> {
    pub fn new(v: T) -> Live<T> {
        Live {
            generation: Default::default(),
            value: std::sync::RwLock::new(v),
        }
    }

    /// The generation of the value now in force (bumped by each [`Live::set`]).
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// A copy of the value, with the generation it belongs to.
    pub fn get(&self) -> (T, u64) {
        let v = self.value.read().unwrap_or_else(|e| e.into_inner());
        (v.clone(), self.generation())
    }

    pub fn set(&self, new: T) {
        let mut v = self.value.write().unwrap_or_else(|e| e.into_inner());
        *v = new;
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl Live<Faults> {
    /// A copy of one direction's faults, with the generation it belongs to.
    pub fn dir(&self, d: Dir) -> (DirFaults, u64) {
        let f = self.value.read().unwrap_or_else(|e| e.into_inner());
        (f.dir(d).clone(), self.generation())
    }
}

/// The random numbers of one direction of one pair: the same seed, pair and direction
/// give the same sequence.
pub(crate) struct Dice(fastrand::Rng);

impl Dice {
    pub fn new(seed: u64, pair: u64, dir: Dir) -> Dice {
        let mix = seed
            ^ pair.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ match dir {
                Dir::Up => 0,
                Dir::Down => 0xD1B5_4A32_D192_ED03,
            };
        Dice(fastrand::Rng::with_seed(mix))
    }

    /// True with probability `p` (never for 0, always for 1).
    pub fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && (p >= 1.0 || self.0.f64() < p)
    }

    /// A value in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0.usize(..n.max(1))
    }

    /// `base` ± up to `jitter`, never below zero.
    pub fn delay(&mut self, base: Duration, jitter: Duration) -> Duration {
        if jitter.is_zero() {
            return base;
        }
        let j = jitter.as_micros() as i64;
        let off = self.0.i64(-j..=j);
        let us = (base.as_micros() as i64 + off).max(0);
        Duration::from_micros(us as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_choices() {
        let roll = |seed| {
            let mut d = Dice::new(seed, 1, Dir::Up);
            (0..64).map(|_| d.chance(0.3)).collect::<Vec<_>>()
        };
        assert_eq!(roll(7), roll(7));
        assert_ne!(roll(7), roll(8));
        let mut d = Dice::new(1, 1, Dir::Down);
        assert!(!d.chance(0.0) && d.chance(1.0));
        for _ in 0..100 {
            let x = d.delay(Duration::from_millis(10), Duration::from_millis(3));
            assert!(x >= Duration::from_millis(7) && x <= Duration::from_millis(13));
        }
        assert!(DirFaults::default().is_off());
    }
}
