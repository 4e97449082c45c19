//! Auto-reply rules: match what a session receives and answer it, after an optional delay.
//!
//! A [`Matcher`] tests received bytes ("contains text", "equals text", "starts with hex",
//! "contains hex", a regex on the decoded text, or a byte regex). A [`Rule`] pairs a
//! matcher with a reply [`Template`] (so replies can use `{seq}`, `{time}`, …). A
//! [`RuleSet`] holds the rules in order plus the echo switch, and is what the GUI saves.
//!
//! [`Responder`] runs a rule set without owning a thread or a session: give it every
//! received event with [`Responder::on_rx`] and it returns the replies with the instant
//! each is due, addressed to where the message came from (UDP: the sender; TCP server:
//! that client; TCP client: the server). [`Outbox`] holds them until they are due.
//!
//! Rules are tried in order and the first enabled rule that matches answers. With echo on,
//! a message that no rule answered is sent back as it came. On TCP the stream can be cut
//! into frames first ([`RuleSet::framing`]), so a rule sees whole lines rather than chunks.

mod outbox;
mod spec;

pub(crate) use crate::codec::rule::Compiled;
pub use crate::codec::rule::{
    Captures, CompiledMatcher, MatchError, MatchProblem, Matcher, Rule, RuleError, RuleProblem,
    brief_hex, text_as_hex,
};
pub use outbox::Outbox;
pub use spec::{RuleSpec, RuleSpecError, RuleSpecProblem};

use crate::codec::{Encoding, Framer, Framing, TemplateCtx};
use crate::net::{Command, Event, EventKind, Payload, Role, Target};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Everything the auto-reply panel holds: the echo switch, the rules in order, framing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Send back every message that no rule answered, as it came.
    #[serde(default)]
    pub echo: bool,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// TCP: cut the stream into frames before matching (default: each received chunk).
    #[serde(default)]
    pub framing: Framing,
}

impl RuleSet {
    pub fn echo() -> RuleSet {
        RuleSet {
            echo: true,
            ..RuleSet::default()
        }
    }

    /// True if nothing would ever be answered.
    pub fn is_idle(&self) -> bool {
        !self.echo && !self.rules.iter().any(|r| r.enabled)
    }
}

/// Runs a [`RuleSet`] against received events. Owns no thread and no session.
#[derive(Debug)]
pub struct Responder {
    set: RuleSet,
    compiled: Vec<Compiled>,
    fired: Vec<u64>,
    echoed: u64,
    ctx: TemplateCtx,
    framers: HashMap<Option<u64>, Framer>,
    /// The last reply that could not be rendered (an encoding change after the check).
    pub last_error: Option<String>,
}

impl Responder {
    /// Checks every rule (also the disabled ones, so the GUI can flag them) and compiles it.
    pub fn new(set: RuleSet, enc: Encoding) -> Result<Responder, RuleError> {
        let mut compiled = Vec::with_capacity(set.rules.len());
        for (i, r) in set.rules.iter().enumerate() {
            compiled.push(Self::check(i, r, enc)?);
        }
        Ok(Responder {
            fired: vec![0; set.rules.len()],
            set,
            compiled,
            echoed: 0,
            ctx: TemplateCtx::new(enc, false),
            framers: HashMap::new(),
            last_error: None,
        })
    }

    /// Checks and compiles rule `i` (see [`crate::codec::rule::check`]).
    pub(crate) fn check(i: usize, r: &Rule, enc: Encoding) -> Result<Compiled, RuleError> {
        crate::codec::rule::check(i, r, enc)
    }

    pub fn rule_set(&self) -> &RuleSet {
        &self.set
    }

    pub fn encoding(&self) -> Encoding {
        self.ctx.enc
    }

    /// The session's encoding changed.
    pub fn set_encoding(&mut self, enc: Encoding) {
        self.ctx.enc = enc;
    }

    /// Turns rule `i` on or off (keeps its count). Out-of-range indexes are ignored.
    pub fn set_enabled(&mut self, i: usize, on: bool) {
        if let Some(r) = self.set.rules.get_mut(i) {
            r.enabled = on;
        }
    }

    pub fn set_echo(&mut self, on: bool) {
        self.set.echo = on;
    }

    /// How many times each rule fired, by index.
    pub fn fired(&self) -> &[u64] {
        &self.fired
    }

    /// How many messages echo sent back.
    pub fn echoed(&self) -> u64 {
        self.echoed
    }

    /// Takes over the counts of `old` for every rule that is unchanged (enabled or not;
    /// the same place first, else where it moved), and the echo count: an edit of one
    /// rule, or a rebuild for any other reason, does not zero the others.
    pub fn carry_counts(&mut self, old: &Responder) {
        let same = |a: &Rule, b: &Rule| {
            a.name == b.name
                && a.matcher == b.matcher
                && a.reply == b.reply
                && a.reply_hex == b.reply_hex
                && a.escapes == b.escapes
                && a.delay_ms == b.delay_ms
        };
        let mut used = vec![false; old.set.rules.len()];
        for (i, rule) in self.set.rules.iter().enumerate() {
            let at = |j: usize| used.get(j) == Some(&false) && same(&old.set.rules[j], rule);
            let j = if i < old.set.rules.len() && at(i) {
                Some(i)
            } else {
                (0..old.set.rules.len()).find(|&j| at(j))
            };
            if let Some(j) = j {
                used[j] = true;
                self.fired[i] = old.fired.get(j).copied().unwrap_or(0);
            }
        }
        self.echoed = old.echoed;
    }

    pub fn reset_counts(&mut self) {
        self.fired.iter_mut().for_each(|c| *c = 0);
        self.echoed = 0;
    }

    /// Where a reply to this event goes (a crowd's connection or source answers from itself).
    pub fn reply_target(ev: &Event) -> Target {
        match (ev.role, ev.client, ev.peer) {
            (Role::TcpServer | Role::TcpClient | Role::UdpSender, Some(id), _) => {
                Target::Client(id)
            }
            (Role::UdpSender | Role::UdpReceiver, _, Some(p)) => Target::Peer(p),
            _ => Target::Default,
        }
    }

    /// Looks at an event. For received data returns the replies to send, each with the
    /// instant it is due (`now` plus the rule's delay). Other events only tidy up
    /// (a closed connection forgets its unfinished frame).
    pub fn on_rx(&mut self, ev: &Event, now: Instant) -> Vec<(Instant, Command)> {
        let data = match &ev.kind {
            EventKind::Rx(d) => d,
            EventKind::Closed { .. } | EventKind::Reset { .. } | EventKind::Connected => {
                self.framers.remove(&ev.client);
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        if self.set.is_idle() {
            return Vec::new();
        }
        let to = Self::reply_target(ev);
        let messages: Vec<Vec<u8>> = if ev.role.is_tcp() && self.set.framing != Framing::Raw {
            let framing = self.set.framing.clone();
            let framer = self
                .framers
                .entry(ev.client)
                .or_insert_with(|| Framer::new(framing));
            framer.push(data).into_iter().map(|f| f.data).collect()
        } else {
            vec![data.clone()]
        };
        let mut out = Vec::new();
        for msg in messages {
            if let Some(reply) = self.answer(&msg, now, &to) {
                out.push(reply);
            }
        }
        out
    }

    fn answer(&mut self, msg: &[u8], now: Instant, to: &Target) -> Option<(Instant, Command)> {
        let enc = self.ctx.enc;
        let hit = self
            .set
            .rules
            .iter()
            .zip(&self.compiled)
            .position(|(r, c)| r.enabled && c.matcher.is_match(msg, enc));
        if let Some(i) = hit {
            let rule = &self.set.rules[i];
            let c = &self.compiled[i];
            self.ctx.escapes = rule.escapes;
            if !c.groups.is_empty() {
                self.ctx.vars = c.matcher.captures(msg, enc, &c.groups).unwrap_or_default();
            }
            let rendered = c.reply.render(&mut self.ctx);
            self.ctx.vars.clear();
            let bytes = match rendered {
                Ok(b) => b,
                Err(e) => {
                    self.last_error = Some(format!("rule {}, reply: {e}", i + 1));
                    return None;
                }
            };
            self.fired[i] += 1;
            let at = now + Duration::from_millis(rule.delay_ms);
            return Some((
                at,
                Command::Send {
                    payload: Payload::Bytes(bytes),
                    to: to.clone(),
                },
            ));
        }
        if self.set.echo {
            self.echoed += 1;
            return Some((
                now,
                Command::Send {
                    payload: Payload::Bytes(msg.to_vec()),
                    to: to.clone(),
                },
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests;
