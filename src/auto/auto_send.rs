//! Automatic sending, shared by the window and headless mode: send once when the session
//! is ready (for a server, once per accepted client), repeat every interval up to a count,
//! and answer every received message. Driven by events and a clock; it owns no thread.
//! With [`AutoTemplates`], the send and the reply are templates rendered at each send
//! (`{seq}`, `{time}`, …); an expectation run ([`AutoPlan::expect`]) is driven by the caller.

use super::expect::ExpectPlan;
use crate::codec::{Template, TemplateCtx};
use crate::net::{Command, Event, EventKind, Payload, Role, Session, Target};
use std::collections::{HashMap, VecDeque};
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
    /// A crowd's members (TCP client connections, UDP sender sources), each sending as a
    /// single client would: `--send` as it opens, then every `every`, `count` times.
    members: Members,
}

/// Each open member's own send count, and when each is next due (in time order: every
/// member repeats at the same interval, so the queue stays sorted).
#[derive(Debug, Default)]
struct Members {
    seen: bool,
    sent: HashMap<u64, u64>,
    due: VecDeque<(Instant, u64)>,
}

impl Auto {
    pub fn new(plan: AutoPlan) -> Auto {
        Auto {
            plan,
            ready: false,
            sent: 0,
            next_at: None,
            replies: 0,
            members: Members::default(),
        }
    }

    /// How many times `send` went out.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// True when all planned sends are done (or none were planned).
    pub fn sends_done(&self) -> bool {
        if self.members.seen && self.plan.every.is_some() && self.plan.send.is_some() {
            // A crowd: done when no member has a send left (forever without a count).
            return self.plan.count.is_some() && self.members.due.is_empty();
        }
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
            // A crowd's connection (source): it sends as one client would.
            EventKind::Connected | EventKind::Bound if ev.client.is_some() && is_crowd(ev.role) => {
                if let Some(id) = ev.client {
                    self.member_opened(session, id, now);
                }
            }
            EventKind::Closed { .. } | EventKind::Reset { .. }
                if ev.client.is_some() && is_crowd(ev.role) =>
            {
                if let Some(id) = ev.client {
                    self.members.sent.remove(&id);
                }
            }
            // A server's client: each gets the send.
            EventKind::Accepted if ev.client.is_some() => {
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
                let conn = ev.client.filter(|_| is_crowd(ev.role));
                if let Some(r) = self.next_reply(conn) {
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

    /// The next `reply` payload: rendered from its template (`{conn}`: the crowd's member
    /// that received, else 1), or the fixed one.
    fn next_reply(&mut self, conn: Option<u64>) -> Option<Payload> {
        if let Some(t) = self.plan.templates.as_mut()
            && let Some(tpl) = &t.reply
        {
            t.ctx.conn = conn.unwrap_or(1);
            return tpl.render(&mut t.ctx).ok().map(Payload::Bytes);
        }
        self.plan.reply.clone()
    }

    /// Member `id`'s send number `n`: `{conn}` is `id`, `{seq}` is `n` (its own count).
    fn member_send(&self, id: u64, n: u64) -> Option<Payload> {
        if let Some(t) = &self.plan.templates
            && let Some(tpl) = &t.send
        {
            let mut ctx = t.ctx.clone();
            ctx.seq = n;
            ctx.conn = id;
            return tpl.render(&mut ctx).ok().map(Payload::Bytes);
        }
        self.plan.send.clone()
    }

    /// A crowd's member opened: its first send now, the next after `every`.
    fn member_opened(&mut self, session: &Session, id: u64, now: Instant) {
        self.members.seen = true;
        if self.plan.send.is_none() || self.members.sent.contains_key(&id) {
            return;
        }
        self.members.sent.insert(id, 0);
        self.member_fire(session, id, now, now);
    }

    /// Member `id` sends its next (if it is open and has one left), due at `at`.
    fn member_fire(&mut self, session: &Session, id: u64, at: Instant, now: Instant) {
        let Some(&n) = self.members.sent.get(&id) else {
            return;
        };
        if self.plan.count.is_some_and(|c| n >= c) {
            return;
        }
        if let Some(payload) = self.member_send(id, n + 1) {
            session.send(Command::Send {
                payload,
                to: Target::Client(id),
            });
            self.sent += 1;
        }
        self.members.sent.insert(id, n + 1);
        let more = self.plan.count.is_none_or(|c| n + 1 < c);
        if let Some(every) = self.plan.every
            && more
        {
            // Keep the schedule (no drift) unless far behind.
            let planned = at + every;
            let next = if planned + every < now {
                now + every
            } else {
                planned
            };
            self.members.due.push_back((next, id));
        }
    }

    /// The crowd's members whose next send is due.
    fn members_tick(&mut self, session: &Session, now: Instant) -> Option<Instant> {
        while let Some(&(at, id)) = self.members.due.front() {
            if at > now {
                return Some(at);
            }
            self.members.due.pop_front();
            self.member_fire(session, id, at, now);
        }
        None
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
        if self.members.seen {
            return self.members_tick(session, now);
        }
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
        self.members.due.clear();
    }
}

/// The roles whose events with a client id are a crowd's members.
fn is_crowd(role: Role) -> bool {
    matches!(role, Role::TcpClient | Role::UdpSender)
}
