//! Intercept: a switch per direction that holds each message (a TCP chunk, a UDP
//! datagram) until it is forwarded, edited and forwarded, or dropped, or its timeout
//! forwards it unchanged.
//!
//! The writer of the direction waits on the message it holds, so the messages after it in
//! that direction wait behind it (order is kept; TCP's reader then stops reading: back-
//! pressure) while the other direction goes on. The held messages are bounded (count and
//! bytes, over the whole relay): when full, a message is forwarded unchanged and that is
//! said. Turning a direction's switch off forwards what it holds.

use super::Dir;
use crossbeam_channel::{Receiver, Sender};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// The most messages held at once (all pairs, both directions).
pub const MAX_HELD: usize = 256;
/// The most bytes held at once.
pub const MAX_HELD_BYTES: usize = 8 * 1024 * 1024;
/// The default timeout, after which a held message goes on unchanged.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The switches and the timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterceptSettings {
    pub up: bool,
    pub down: bool,
    pub timeout: Duration,
}

impl Default for InterceptSettings {
    fn default() -> Self {
        InterceptSettings {
            up: false,
            down: false,
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

impl InterceptSettings {
    pub fn on(&self, d: Dir) -> bool {
        match d {
            Dir::Up => self.up,
            Dir::Down => self.down,
        }
    }
}

/// What to do with a held message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Forward,
    /// Forward these bytes instead.
    Edit(Vec<u8>),
    Drop,
}

/// What the window (or a test) tells a running relay about Intercept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterceptCommand {
    Set(InterceptSettings),
    /// The held message `id`'s fate (ignored when it is no longer held).
    Decide {
        id: u64,
        verdict: Verdict,
    },
}

/// How a held message left the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "kebab-case")]
pub enum Released {
    Forwarded,
    /// Edited: `from` bytes became `to` bytes.
    Edited {
        from: usize,
        to: usize,
    },
    Dropped {
        len: usize,
    },
    /// Nobody decided within the timeout: forwarded unchanged.
    TimedOut,
    /// Intercept was turned off for its direction: forwarded unchanged.
    SwitchedOff,
    /// The pair closed (or the relay stopped) while it was held.
    PairGone,
}

struct Slot {
    len: usize,
    tx: Sender<Verdict>,
}

#[derive(Default)]
struct Slots {
    next: u64,
    bytes: usize,
    map: HashMap<u64, Slot>,
}

/// The held messages of a relay, and the switches.
#[derive(Default)]
pub(crate) struct Board {
    settings: Mutex<InterceptSettings>,
    slots: Mutex<Slots>,
}

/// A message held: its id, and where its verdict arrives.
pub(crate) struct Ticket {
    pub id: u64,
    pub verdict: Receiver<Verdict>,
}

impl Board {
    pub fn new(s: InterceptSettings) -> Board {
        Board {
            settings: Mutex::new(s),
            slots: Mutex::default(),
        }
    }

    pub fn settings(&self) -> InterceptSettings {
        *self.settings.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set(&self, s: InterceptSettings) {
        *self.settings.lock().unwrap_or_else(|e| e.into_inner()) = s;
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Holds a message of `len` bytes; None when the queue is full.
    pub fn hold(&self, len: usize) -> Option<Ticket> {
        let mut s = self.slots();
        if s.map.len() >= MAX_HELD || s.bytes.saturating_add(len) > MAX_HELD_BYTES {
            return None;
        }
        s.next += 1;
        let id = s.next;
        let (tx, rx) = crossbeam_channel::bounded(1);
        s.bytes += len;
        s.map.insert(id, Slot { len, tx });
        Some(Ticket { id, verdict: rx })
    }

    /// Hands a verdict to the held message `id`; false when it is no longer held.
    pub fn decide(&self, id: u64, v: Verdict) -> bool {
        match self.take(id) {
            Some(slot) => slot.tx.try_send(v).is_ok(),
            None => false,
        }
    }

    /// Forgets `id` (its writer stops waiting); false when a verdict took it first.
    pub fn release(&self, id: u64) -> bool {
        self.take(id).is_some()
    }

    fn take(&self, id: u64) -> Option<Slot> {
        let mut s = self.slots();
        let slot = s.map.remove(&id)?;
        s.bytes -= slot.len;
        Some(slot)
    }

    /// How many messages are held.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.slots().map.len()
    }
}

/// A held message as the window lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldView {
    pub id: u64,
    pub pair: Option<u64>,
    pub peer: Option<std::net::SocketAddr>,
    pub dir: Dir,
    pub bytes: Vec<u8>,
    /// When it was held (µs since the epoch).
    pub ts_us: i64,
}

/// The messages held now, kept from the relay's events (bounded by [`MAX_HELD`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeldList {
    pub items: Vec<HeldView>,
}

impl HeldList {
    /// Follows a relay session's event.
    pub fn on_event(&mut self, ev: &crate::net::Event) {
        use super::RelayKind;
        let crate::net::EventKind::Relay(k) = &ev.kind else {
            return;
        };
        match &**k {
            RelayKind::Held { id, dir, bytes } if self.items.len() < MAX_HELD => {
                self.items.push(HeldView {
                    id: *id,
                    pair: ev.client,
                    peer: ev.peer,
                    dir: *dir,
                    bytes: bytes.clone(),
                    ts_us: ev.ts_us,
                });
            }
            RelayKind::Released { id, .. } => self.items.retain(|h| h.id != *id),
            RelayKind::Stopped => self.items.clear(),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_is_bounded_and_a_verdict_reaches_its_message() {
        let b = Board::new(InterceptSettings::default());
        let t = b.hold(10).unwrap_or_else(|| panic!("room"));
        assert!(b.decide(t.id, Verdict::Drop));
        assert_eq!(t.verdict.try_recv(), Ok(Verdict::Drop));
        assert!(!b.decide(t.id, Verdict::Forward), "decided once");
        assert!(b.hold(MAX_HELD_BYTES + 1).is_none(), "too many bytes");
        let tickets: Vec<Ticket> = (0..MAX_HELD).filter_map(|_| b.hold(1)).collect();
        assert_eq!(tickets.len(), MAX_HELD);
        assert!(b.hold(1).is_none(), "too many messages");
        assert!(b.release(tickets[0].id));
        assert!(!b.release(tickets[0].id));
        assert_eq!(b.held(), MAX_HELD - 1);
        assert!(b.hold(1).is_some());
    }
}
