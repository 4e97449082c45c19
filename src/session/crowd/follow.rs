//! How one event moves one connection's track (see [`super::CrowdTally::on_event`]).

use super::{Check, Phase, Track};
use crate::net::{ErrorKind, EventKind};

/// What one event of a connection says, for the counts.
#[derive(Default)]
pub(super) struct Seen {
    pub connect_us: Option<u64>,
    pub reply_us: Option<u64>,
    /// An open that failed, and why.
    pub failed: Option<ErrorKind>,
    pub error: Option<ErrorKind>,
    pub sent: bool,
    /// A reply held the expected bytes.
    pub matched: bool,
    /// The network answered a datagram (no reply will come).
    pub answered_by_network: bool,
}

/// Moves `t` by one event at `ts` (µs); None: an event the counts do not follow.
pub(super) fn follow(
    t: &mut Track,
    kind: &EventKind,
    ts: i64,
    udp: bool,
    needle: Option<&[u8]>,
) -> Option<Seen> {
    let mut x = Seen::default();
    match kind {
        EventKind::Connecting => {
            t.phase = Phase::Connecting;
            t.connecting_at = ts;
            // A new connection (a member opened again) answers none of the old one's sends.
            t.sent_at = 0;
        }
        EventKind::Connected | EventKind::Bound => {
            if t.phase == Phase::Connecting {
                x.connect_us = Some((ts - t.connecting_at).max(0) as u64);
            } else {
                // A UDP source bound again: a new socket.
                t.sent_at = 0;
            }
            t.phase = Phase::Open;
        }
        EventKind::Tx(_) => {
            x.sent = true;
            if t.sent_at == 0 {
                t.sent_at = ts;
            }
            if t.first_sent_at == 0 {
                t.first_sent_at = ts;
            }
        }
        EventKind::Rx(d) => {
            if t.sent_at != 0 {
                x.reply_us = Some((ts - t.sent_at).max(0) as u64);
                t.sent_at = 0;
            }
            x.matched = t.check == Check::Waiting
                && t.first_sent_at != 0
                && needle.is_some_and(|n| memchr::memmem::find(d, n).is_some());
        }
        EventKind::Closed { .. } | EventKind::Reset { .. } => {
            if matches!(t.phase, Phase::Open | Phase::Connecting) {
                t.phase = Phase::Ended;
            }
            // A reset from the peer (not one asked for here) is an error of its own.
            if let EventKind::Reset { reason } = kind
                && *reason != crate::net::ResetReason::ResetHere
            {
                x.error = Some(ErrorKind::Reset);
            }
        }
        // The network answered a source's datagram (port unreachable…): an error of
        // that source, which goes on.
        EventKind::Icmp(r) => {
            x.error = Some(match r.kind {
                crate::net::IcmpKind::PortUnreachable => ErrorKind::Refused,
                crate::net::IcmpKind::TooBig { .. } => ErrorKind::MessageTooLong,
                _ => ErrorKind::Unreachable,
            });
            // With an expectation, the answer will not come: failed at once.
            x.answered_by_network = t.first_sent_at != 0;
        }
        EventKind::Error { kind, .. } => {
            x.error = Some(*kind);
            match t.phase {
                Phase::Connecting | Phase::Unseen => {
                    t.phase = Phase::Failed;
                    x.failed = Some(*kind);
                }
                // A UDP source opened again has no connecting phase: an error once it
                // has ended is its new socket's failed bind.
                Phase::Ended | Phase::Failed if udp => {
                    t.phase = Phase::Failed;
                    x.failed = Some(*kind);
                }
                // A send's error (a UDP source's ICMP answer) leaves it open; a TCP
                // connection's read or write error ends it.
                Phase::Open if !udp => t.phase = Phase::Ended,
                _ => {}
            }
        }
        _ => return None,
    }
    Some(x)
}
