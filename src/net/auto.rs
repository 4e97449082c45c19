//! Automatic sending, shared by the window and headless mode: send once when the session
//! is ready (for a server, once per accepted client), repeat every interval up to a count,
//! and answer every received message. Driven by events and a clock; it owns no thread.

use super::{Command, Event, EventKind, Payload, Role, Session, Target};
use std::time::{Duration, Instant};

/// What to send by itself.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AutoPlan {
    /// Sent once the session is ready, and then every `every` if set.
    pub send: Option<Payload>,
    pub every: Option<Duration>,
    /// Stop after this many sends of `send` (None: once without `every`, forever with it).
    pub count: Option<u64>,
    /// Sent back to the sender of every received message.
    pub reply: Option<Payload>,
}

/// Runs an [`AutoPlan`] against a session.
#[derive(Debug)]
pub struct Auto {
    pub plan: AutoPlan,
    ready: bool,
    sent: u64,
    next_at: Option<Instant>,
    pub replies: u64,
}

impl Auto {
    pub fn new(plan: AutoPlan) -> Auto {
        Auto {
            plan,
            ready: false,
            sent: 0,
            next_at: None,
            replies: 0,
        }
    }

    /// How many times `send` went out.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// True when all planned sends are done (or none were planned).
    pub fn sends_done(&self) -> bool {
        match (&self.plan.send, self.plan.every, self.plan.count) {
            (None, _, _) => true,
            (Some(_), None, None) => self.sent >= 1,
            (Some(_), _, Some(n)) => self.sent >= n,
            (Some(_), Some(_), None) => false,
        }
    }

    fn limit_reached(&self) -> bool {
        self.plan.send.is_some() && self.sends_done()
    }

    /// Looks at an event; may send.
    pub fn on_event(&mut self, ev: &Event, session: &Session, now: Instant) {
        match &ev.kind {
            EventKind::Bound | EventKind::Connected
                if ev.client.is_none() && ev.role != Role::UdpReceiver =>
            {
                self.ready = true;
                self.fire(session, Target::Default, now);
            }
            EventKind::Accepted => {
                if let (Some(p), Some(id)) = (&self.plan.send, ev.client)
                    && self.plan.every.is_none()
                    && !self.limit_reached()
                {
                    session.send(Command::Send {
                        payload: p.clone(),
                        to: Target::Client(id),
                    });
                    if self.plan.count.is_some() {
                        self.sent += 1;
                    }
                    return;
                }
                if !self.ready {
                    self.ready = true;
                    self.fire(session, Target::AllClients, now);
                }
            }
            EventKind::Rx(_) => {
                if let Some(r) = &self.plan.reply {
                    let to = match (ev.role, ev.client, ev.peer) {
                        (Role::TcpServer, Some(id), _) => Target::Client(id),
                        (Role::UdpSender | Role::UdpReceiver, _, Some(p)) => Target::Peer(p),
                        _ => Target::Default,
                    };
                    session.send(Command::Send {
                        payload: r.clone(),
                        to,
                    });
                    self.replies += 1;
                }
            }
            EventKind::Closed { .. } | EventKind::Reset { .. } | EventKind::Error { .. }
                if ev.client.is_none() && ev.role != Role::TcpServer =>
            {
                if matches!(ev.kind, EventKind::Error { .. }) {
                    return;
                }
                self.ready = false;
                self.next_at = None;
            }
            _ => {}
        }
    }

    fn fire(&mut self, session: &Session, to: Target, now: Instant) {
        let Some(p) = &self.plan.send else { return };
        if self.limit_reached() {
            return;
        }
        session.send(Command::Send {
            payload: p.clone(),
            to,
        });
        self.sent += 1;
        self.next_at = match self.plan.every {
            Some(d) if !self.limit_reached() => Some(now + d),
            _ => None,
        };
    }

    /// Call regularly; sends what is due. Returns when it next wants to be called.
    pub fn tick(&mut self, session: &Session, now: Instant) -> Option<Instant> {
        while let Some(at) = self.next_at {
            if at > now || !self.ready {
                break;
            }
            let to = if session.role() == Role::TcpServer {
                Target::AllClients
            } else {
                Target::Default
            };
            let every = self.plan.every.unwrap_or(Duration::ZERO);
            self.fire(session, to, now);
            // Keep the schedule (no drift) unless far behind.
            if let (Some(n), true) = (self.next_at, every > Duration::ZERO) {
                let planned = at + every;
                self.next_at = Some(if planned + every < now { n } else { planned });
            }
        }
        self.next_at
    }

    /// Stops repeating.
    pub fn cancel(&mut self) {
        self.next_at = None;
        self.plan.send = None;
    }
}
