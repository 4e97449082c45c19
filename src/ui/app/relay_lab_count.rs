//! The relay lab's outcome, counted from what the runtimes logged: the numbers the sender's
//! log shows going out, the numbers the receiving end's log shows coming in, and (UDP) the
//! datagrams the relay's log says it dropped. Nothing here is taken from the lab's plan.

use super::App;
use super::relay_lab::{LAB_COUNT, LAB_LATENCY_MS};
use crate::net::relay::{FaultDone, RelayKind};
use crate::net::{EventKind, Role};
use crate::ui::tabs::tab::SessionPanel;

/// What one chain of the relay lab did, as its logs show.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabOutcome {
    /// Numbered messages the sender sent.
    pub sent: usize,
    /// Different numbered messages that arrived.
    pub received: usize,
    /// The numbers sent that did not arrive (in order).
    pub lost: Vec<u32>,
    /// Every message arrived after the ones sent before it.
    pub in_order: bool,
    /// Messages that arrived more than once.
    pub duplicates: usize,
    /// Milliseconds from each message's send to its arrival: least, mean, most.
    pub late_ms: Option<(u64, u64, u64)>,
    /// UDP: datagrams the relay says it dropped (both ways).
    pub relay_dropped: u64,
    /// Every message was sent and the last one had time to arrive: the counts are final.
    pub settled: bool,
}

/// The numbers after each '#' in `bytes` ("UDP #07" → 7).
pub fn numbers(bytes: &[u8]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' {
            let digits: Vec<u8> = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .take(9)
                .copied()
                .collect();
            if let Ok(n) = std::str::from_utf8(&digits).unwrap_or("").parse::<u32>() {
                out.push(n);
            }
            i += 1 + digits.len();
        } else {
            i += 1;
        }
    }
    out
}

/// (number, time in µs) of each numbered message in the rows of `p`'s log of one kind.
fn stamped(p: &SessionPanel, tx: bool) -> Vec<(u32, i64)> {
    let v = p.view();
    let mut out = Vec::new();
    for e in v.store.iter() {
        let bytes = match (&e.event.kind, tx) {
            (EventKind::Tx(b), true) | (EventKind::Rx(b), false) => b,
            _ => continue,
        };
        out.extend(numbers(bytes).into_iter().map(|n| (n, e.event.ts_us)));
    }
    out
}

/// The datagrams the relay's log says it dropped.
fn dropped(p: &SessionPanel) -> u64 {
    let v = p.view();
    v.store
        .iter()
        .filter(|e| {
            matches!(&e.event.kind, EventKind::Relay(k) if matches!(
                **k,
                RelayKind::Fault { what: FaultDone::Dropped { .. }, .. }
            ))
        })
        .count() as u64
}

/// Counts the sent and received numbers; `now_us` decides whether the last message has
/// had its time (twice the latency and a second more).
pub fn count(sent: &[(u32, i64)], got: &[(u32, i64)], now_us: i64) -> LabOutcome {
    let mut seen = std::collections::BTreeMap::new();
    let mut duplicates = 0;
    let mut in_order = true;
    let mut last = None;
    for &(n, at) in got {
        if seen.insert(n, at).is_some() {
            duplicates += 1;
        }
        if last.is_some_and(|l| n < l) {
            in_order = false;
        }
        last = Some(n);
    }
    let lost: Vec<u32> = sent
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !seen.contains_key(n))
        .collect();
    let late: Vec<u64> = sent
        .iter()
        .filter_map(|(n, at)| seen.get(n).map(|got| (got - at).max(0) as u64 / 1000))
        .collect();
    let late_ms = (!late.is_empty()).then(|| {
        let sum: u64 = late.iter().sum();
        let min = late.iter().copied().min().unwrap_or(0);
        let max = late.iter().copied().max().unwrap_or(0);
        (min, sum / late.len() as u64, max)
    });
    let wait_us = (2 * LAB_LATENCY_MS as i64 + 1000) * 1000;
    let settled = sent.len() as u64 >= LAB_COUNT
        && sent
            .iter()
            .map(|(_, at)| *at)
            .max()
            .is_some_and(|t| now_us - t > wait_us);
    LabOutcome {
        sent: sent.len(),
        received: seen.len(),
        lost,
        in_order,
        duplicates,
        late_ms,
        relay_dropped: 0,
        settled,
    }
}

impl App {
    /// The relay lab's outcome of the UDP chain (`udp`) or the TCP chain, from the logs;
    /// None when the relay lab is not open.
    pub fn relay_lab_outcome(&self, udp: bool) -> Option<LabOutcome> {
        self.relay_lab.as_ref()?;
        let (end, sender) = if udp {
            (Role::UdpReceiver, Role::UdpSender)
        } else {
            (Role::TcpServer, Role::TcpClient)
        };
        let sent = stamped(self.panel(sender), true);
        let got = stamped(self.panel(end), false);
        let mut out = count(&sent, &got, crate::net::now_us());
        if udp {
            // The UDP relay is in the Relay tab's place while the lab is open.
            out.relay_dropped = dropped(self.panel(Role::Relay));
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_after_each_hash() {
        assert_eq!(numbers(b"UDP #07"), vec![7]);
        assert_eq!(numbers(b"TCP #01\nTCP #02\n"), vec![1, 2]);
        assert_eq!(numbers(b"# #x #"), Vec::<u32>::new());
    }

    #[test]
    fn lost_late_and_order_are_counted() {
        let sent: Vec<(u32, i64)> = (1..=20).map(|n| (n, i64::from(n) * 100_000)).collect();
        let got: Vec<(u32, i64)> = sent
            .iter()
            .filter(|(n, _)| *n != 7 && *n != 13)
            .map(|(n, at)| (*n, at + 100_000))
            .collect();
        let o = count(&sent, &got, 10_000_000);
        assert_eq!((o.sent, o.received, o.lost.clone()), (20, 18, vec![7, 13]));
        assert!(o.in_order && o.settled);
        assert_eq!(o.late_ms, Some((100, 100, 100)));
        let swapped = [(2, 0), (1, 0)];
        assert!(!count(&sent, &swapped, 0).in_order);
        assert!(!count(&sent, &swapped, 0).settled, "not yet");
    }
}
