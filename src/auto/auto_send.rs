//! Automatic sending, shared by the window and headless mode: send once when the session
//! is ready (for a server, once per accepted client), repeat every interval up to a count,
//! and answer every received message. Driven by events and a clock; it owns no thread.
//! With [`AutoTemplates`], the send and the reply are templates rendered at each send
//! (`{seq}`, `{time}`, …); an expectation run ([`AutoPlan::expect`]) is driven by the caller.

use super::expect::ExpectPlan;
use crate::codec::{Template, TemplateCtx};
use crate::net::{Command, Event, EventKind, Payload, Role, Session, Target};
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
    /// Render `send`/`reply` from templates at each send (`send`/`reply` then hold a preview
    /// and still say whether there is anything to send).
    pub templates: Option<AutoTemplates>,
    /// Send, expect a reply, repeat (headless `--expect`); run by the caller with
    /// [`super::expect::Expect`], not by [`Auto`].
    pub expect: Option<ExpectPlan>,
    /// Auto-reply rules (`--rule`) the session starts with, run by a
    /// [`super::rules::Responder`] like the window's rules (they replace `reply`).
    pub rules: Option<super::rules::RuleSet>,
    /// A crowd (`--connections` with `--expect`): what each connection must receive after
    /// its first send, checked by the runtime's crowd tally.
    pub crowd_expect: Option<crate::net::crowd::CrowdExpect>,
}

/// Templates for [`AutoPlan::send`] and [`AutoPlan::reply`], with the context they render in
/// (one `{seq}` counter for both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoTemplates {
    pub send: Option<Template>,
    pub reply: Option<Template>,
    pub ctx: TemplateCtx,
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
            // A server's client, or a crowd's connection (source): each gets the send.
            EventKind::Accepted | EventKind::Connected | EventKind::Bound
                if ev.client.is_some() =>
            {
                if let (Some(_), Some(id)) = (&self.plan.send, ev.client)
                    && self.plan.every.is_none()
                    && !self.limit_reached()
                    && let Some(payload) = self.next_send()
                {
                    session.send(Command::Send {
                        payload,
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
                if let Some(r) = self.next_reply() {
                    let to = match (ev.role, ev.client, ev.peer) {
                        (Role::TcpServer | Role::TcpClient | Role::UdpSender, Some(id), _) => {
                            Target::Client(id)
                        }
                        (Role::UdpSender | Role::UdpReceiver, _, Some(p)) => Target::Peer(p),
                        _ => Target::Default,
                    };
                    session.send(Command::Send { payload: r, to });
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

    /// The next `send` payload: rendered from its template, or the fixed one.
    fn next_send(&mut self) -> Option<Payload> {
        if let Some(t) = self.plan.templates.as_mut()
            && let Some(tpl) = &t.send
        {
            // Checked when the plan was made; a failure here (encoding changed) skips the send.
            return tpl.render(&mut t.ctx).ok().map(Payload::Bytes);
        }
        self.plan.send.clone()
    }

    /// Whether the plan answers each message (`--reply`).
    pub fn answers(&self) -> bool {
        self.plan.reply.is_some()
            || self
                .plan
                .templates
                .as_ref()
                .is_some_and(|t| t.reply.is_some())
    }

    /// The next `reply` payload: rendered from its template, or the fixed one.
    fn next_reply(&mut self) -> Option<Payload> {
        if let Some(t) = self.plan.templates.as_mut()
            && let Some(tpl) = &t.reply
        {
            return tpl.render(&mut t.ctx).ok().map(Payload::Bytes);
        }
        self.plan.reply.clone()
    }

    fn fire(&mut self, session: &Session, to: Target, now: Instant) {
        if self.plan.send.is_none() || self.limit_reached() {
            return;
        }
        let Some(payload) = self.next_send() else {
            return;
        };
        session.send(Command::Send { payload, to });
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
