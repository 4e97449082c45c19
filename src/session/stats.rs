//! Traffic statistics a session keeps for the window: per-second rates over the last
//! minute (the rate chart) and, for UDP, per-source counts (the senders table). Pure
//! data, fed with every event by the session runtime.

use crate::net::{Event, EventKind};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;

/// Seconds kept.
pub const WINDOW_SECS: i64 = 60;

/// One second's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    pub sec: i64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
}

/// The last minute, by second (oldest first).
#[derive(Clone, Debug, Default)]
pub struct Rates {
    pub buckets: VecDeque<Bucket>,
}

impl Rates {
    pub fn push(&mut self, ev: &Event) {
        let (rx, n) = match &ev.kind {
            EventKind::Rx(d) => (true, d.len() as u64),
            EventKind::Tx(d) => (false, d.len() as u64),
            _ => return,
        };
        let sec = ev.ts_us.div_euclid(1_000_000);
        if self.buckets.back().is_none_or(|b| b.sec < sec) {
            self.buckets.push_back(Bucket {
                sec,
                ..Bucket::default()
            });
        }
        // Events arrive in order per session; an older stamp goes in the newest bucket.
        if let Some(b) = self.buckets.back_mut() {
            if rx {
                b.rx_bytes += n;
                b.rx_msgs += 1;
            } else {
                b.tx_bytes += n;
                b.tx_msgs += 1;
            }
        }
        while self
            .buckets
            .front()
            .is_some_and(|b| b.sec <= sec - WINDOW_SECS)
        {
            self.buckets.pop_front();
        }
    }

    /// The totals of second `sec` (zero if nothing happened).
    pub fn at(&self, sec: i64) -> Bucket {
        self.buckets
            .iter()
            .find(|b| b.sec == sec)
            .copied()
            .unwrap_or(Bucket {
                sec,
                ..Bucket::default()
            })
    }

    /// Points for the last 60 complete seconds as (seconds ago, value), for one field,
    /// oldest first: -60 … -1. The second still running is left out: it is only partly
    /// counted, and drawn as a rate it would always dip towards 0 at the newest point.
    pub fn series(&self, now_sec: i64, f: impl Fn(&Bucket) -> u64) -> Vec<[f64; 2]> {
        (1..=WINDOW_SECS)
            .rev()
            .map(|ago| {
                let b = self.at(now_sec - ago);
                [-(ago as f64), f(&b) as f64]
            })
            .collect()
    }

    /// The largest value of one field over the seconds [`Rates::series`] shows.
    pub fn peak(&self, now_sec: i64, f: impl Fn(&Bucket) -> u64) -> u64 {
        self.buckets
            .iter()
            .filter(|b| (now_sec - WINDOW_SECS..now_sec).contains(&b.sec))
            .map(f)
            .max()
            .unwrap_or(0)
    }

    /// True if the chart drawn at `now_sec` changes when the next second starts: some
    /// second it shows, or the one running now, had traffic. False once the last traffic
    /// has slid out of the window, so an idle chart needs no more frames.
    pub fn moves_at_next_second(&self, now_sec: i64) -> bool {
        self.buckets.iter().any(|b| b.sec >= now_sec - WINDOW_SECS)
    }
}

/// The most sources kept (the oldest-heard is dropped first).
pub const MAX_SENDERS: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SenderStat {
    pub count: u64,
    pub bytes: u64,
    pub first_us: i64,
    pub last_us: i64,
    /// Bytes in the current whole second and the one before (for the rate).
    sec: i64,
    cur: u64,
    prev: u64,
}

impl SenderStat {
    /// Bytes per second over the last whole second, as of `now_us`.
    pub fn rate(&self, now_us: i64) -> u64 {
        let now = now_us.div_euclid(1_000_000);
        if now == self.sec {
            self.prev
        } else if now == self.sec + 1 {
            self.cur
        } else {
            0
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Senders {
    pub by_addr: BTreeMap<SocketAddr, SenderStat>,
}

impl Senders {
    pub fn push(&mut self, from: SocketAddr, len: usize, ts_us: i64) {
        if !self.by_addr.contains_key(&from)
            && self.by_addr.len() >= MAX_SENDERS
            && let Some(oldest) = self
                .by_addr
                .iter()
                .min_by_key(|(_, s)| s.last_us)
                .map(|(a, _)| *a)
        {
            self.by_addr.remove(&oldest);
        }
        let s = self.by_addr.entry(from).or_insert_with(|| SenderStat {
            first_us: ts_us,
            ..SenderStat::default()
        });
        s.count += 1;
        s.bytes += len as u64;
        s.last_us = ts_us;
        let sec = ts_us.div_euclid(1_000_000);
        if sec != s.sec {
            s.prev = if sec == s.sec + 1 { s.cur } else { 0 };
            s.cur = 0;
            s.sec = sec;
        }
        s.cur += len as u64;
    }

    pub fn clear(&mut self) {
        self.by_addr.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Role;

    fn rx_at(ts_us: i64, len: usize) -> Event {
        Event {
            ts_us,
            role: Role::UdpReceiver,
            local: None,
            peer: None,
            client: None,
            kind: EventKind::Rx(vec![0; len]),
            opcode: None,
        }
    }

    #[test]
    fn the_chart_shows_complete_seconds_and_stops_moving_when_traffic_leaves_it() {
        let s = 1_000_000i64;
        let mut r = Rates::default();
        assert!(!r.moves_at_next_second(s));
        for i in 0..3 {
            r.push(&rx_at(s * 1_000_000 + i * 1000, 100));
        }
        // During second s: it is not drawn yet, but it will be.
        let series = r.series(s, |b| b.rx_bytes);
        assert_eq!(series.len(), WINDOW_SECS as usize);
        assert_eq!(series.first(), Some(&[-60.0, 0.0]));
        assert_eq!(series.last(), Some(&[-1.0, 0.0]));
        assert_eq!(r.peak(s, |b| b.rx_bytes), 0);
        assert!(r.moves_at_next_second(s));
        // One second later it is the newest point.
        assert_eq!(r.series(s + 1, |b| b.rx_bytes).last(), Some(&[-1.0, 300.0]));
        assert_eq!(r.peak(s + 1, |b| b.rx_msgs), 3);
        // It slides to the oldest point, then out.
        assert_eq!(r.series(s + 60, |b| b.rx_bytes)[0], [-60.0, 300.0]);
        assert!(r.moves_at_next_second(s + 60));
        assert_eq!(r.peak(s + 61, |b| b.rx_bytes), 0);
        assert!(r.series(s + 61, |b| b.rx_bytes).iter().all(|p| p[1] == 0.0));
        assert!(!r.moves_at_next_second(s + 61));
        assert!(!r.moves_at_next_second(s + 10_000));
    }
}
