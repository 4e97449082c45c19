//! The replies a [`super::Responder`] gave, held until each is due.

use crate::net::Command;
use std::time::Instant;

/// Replies waiting for their time. Call [`Outbox::due`] when [`Outbox::next_at`] passes.
#[derive(Debug, Default)]
pub struct Outbox {
    queue: Vec<(Instant, u64, Command)>,
    order: u64,
}

impl Outbox {
    pub fn new() -> Outbox {
        Outbox::default()
    }

    pub fn schedule(&mut self, items: impl IntoIterator<Item = (Instant, Command)>) {
        for (at, cmd) in items {
            self.queue.push((at, self.order, cmd));
            self.order += 1;
        }
    }

    /// Takes the commands due at `now`, earliest first (same instant: in scheduling order).
    pub fn due(&mut self, now: Instant) -> Vec<Command> {
        let mut ready: Vec<(Instant, u64, Command)> = Vec::new();
        let mut i = 0;
        while i < self.queue.len() {
            if self.queue[i].0 <= now {
                ready.push(self.queue.swap_remove(i));
            } else {
                i += 1;
            }
        }
        ready.sort_by_key(|(at, n, _)| (*at, *n));
        ready.into_iter().map(|(_, _, c)| c).collect()
    }

    /// When the next command is due.
    pub fn next_at(&self) -> Option<Instant> {
        self.queue.iter().map(|(at, _, _)| *at).min()
    }

    /// The commands waiting, in no particular order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.queue.iter().map(|(_, _, c)| c)
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    pub fn clear(&mut self) {
        self.queue.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Payload, Target};
    use std::time::Duration;

    #[test]
    fn outbox_releases_in_order() {
        let mut o = Outbox::new();
        let t = Instant::now();
        let cmd = |s: &str| Command::Send {
            payload: Payload::Text(s.into()),
            to: Target::Default,
        };
        o.schedule([
            (t + Duration::from_millis(20), cmd("late")),
            (t, cmd("a")),
            (t, cmd("b")),
        ]);
        assert_eq!(o.next_at(), Some(t));
        let due = o.due(t);
        assert_eq!(due.len(), 2);
        assert!(matches!(&due[0], Command::Send { payload: Payload::Text(s), .. } if s == "a"));
        assert_eq!(o.len(), 1);
        assert!(o.due(t + Duration::from_millis(19)).is_empty());
        assert_eq!(o.due(t + Duration::from_millis(20)).len(), 1);
        assert!(o.is_empty());
    }
}
