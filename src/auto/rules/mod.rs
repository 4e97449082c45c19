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

mod matcher;
mod outbox;

pub use matcher::{CompiledMatcher, MatchError, MatchProblem, Matcher, brief_hex, text_as_hex};
pub use outbox::Outbox;

use crate::codec::template::TemplateProblem;
use crate::codec::{Encoding, Framer, Framing, Template, TemplateCtx};
use crate::net::{Command, Event, EventKind, Payload, Role, Target};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

fn yes() -> bool {
    true
}

/// One auto-reply rule, as saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    #[serde(default)]
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub matcher: Matcher,
    /// The reply, a template (`OK {seq}\r\n`, or hex with `reply_hex`).
    pub reply: String,
    /// The reply is hex bytes (variables still work: `01 {rand:2}`).
    #[serde(default)]
    pub reply_hex: bool,
    /// The reply text understands `\r \n \t \\ \0 \xNN`.
    #[serde(default)]
    pub escapes: bool,
    /// Wait this long before answering.
    #[serde(default)]
    pub delay_ms: u64,
}

impl Rule {
    /// An enabled rule answering `reply` (text) to what `matcher` matches.
    pub fn new(matcher: Matcher, reply: impl Into<String>) -> Rule {
        Rule {
            name: String::new(),
            enabled: true,
            matcher,
            reply: reply.into(),
            reply_hex: false,
            escapes: false,
            delay_ms: 0,
        }
    }

    pub fn delay(mut self, d: Duration) -> Rule {
        self.delay_ms = d.as_millis().min(u128::from(u64::MAX)) as u64;
        self
    }

    pub fn hex(mut self) -> Rule {
        self.reply_hex = true;
        self
    }

    pub fn escapes(mut self) -> Rule {
        self.escapes = true;
        self
    }

    /// The reply as a template.
    pub fn template(&self) -> Result<Template, crate::codec::TemplateError> {
        if self.reply_hex {
            Template::parse_hex(&self.reply)
        } else {
            Template::parse(&self.reply)
        }
    }
}

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

/// A rule that cannot be used, and which one (0-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleError {
    pub rule: usize,
    /// 0-based character position in the field, when known.
    pub position: Option<usize>,
    pub problem: RuleProblem,
}

/// What is wrong with a rule, and in which field, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleProblem {
    /// The match field.
    Match(MatchProblem),
    /// The reply field (a template).
    Reply(TemplateProblem),
}

impl RuleError {
    /// Which field: "match" or "reply".
    pub fn field(&self) -> &'static str {
        match self.problem {
            RuleProblem::Match(_) => "match",
            RuleProblem::Reply(_) => "reply",
        }
    }

    /// What is wrong, in English, without the rule and position.
    pub fn reason(&self) -> String {
        match &self.problem {
            RuleProblem::Match(m) => m.english(),
            RuleProblem::Reply(t) => t.english(),
        }
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rule {}, {}: ", self.rule + 1, self.field())?;
        match self.position {
            Some(p) => write!(f, "position {}: {}", p + 1, self.reason()),
            None => f.write_str(&self.reason()),
        }
    }
}

impl std::error::Error for RuleError {}

#[derive(Debug)]
struct Compiled {
    matcher: CompiledMatcher,
    reply: Template,
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
            let matcher = r.matcher.compile().map_err(|e| RuleError {
                rule: i,
                position: e.position,
                problem: RuleProblem::Match(e.problem),
            })?;
            let reply = r.template().map_err(|e| RuleError {
                rule: i,
                position: Some(e.position),
                problem: RuleProblem::Reply(e.problem),
            })?;
            // A trial render catches text the encoding cannot write.
            reply
                .render(&mut TemplateCtx::new(enc, r.escapes))
                .map_err(|e| RuleError {
                    rule: i,
                    position: Some(e.position),
                    problem: RuleProblem::Reply(e.problem),
                })?;
            compiled.push(Compiled { matcher, reply });
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

    /// Where a reply to this event goes.
    pub fn reply_target(ev: &Event) -> Target {
        match (ev.role, ev.client, ev.peer) {
            (Role::TcpServer, Some(id), _) => Target::Client(id),
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
            self.ctx.escapes = rule.escapes;
            let bytes = match self.compiled[i].reply.render(&mut self.ctx) {
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
mod tests {
    use super::*;
    use std::net::SocketAddr;

    fn rx(role: Role, data: &[u8]) -> Event {
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        Event {
            ts_us: 0,
            role,
            local: None,
            peer: Some(peer),
            client: if role == Role::TcpServer {
                Some(7)
            } else {
                None
            },
            kind: EventKind::Rx(data.to_vec()),
        }
    }

    fn sent(out: &[(Instant, Command)]) -> Vec<(Vec<u8>, Target)> {
        out.iter()
            .map(|(_, c)| match c {
                Command::Send {
                    payload: Payload::Bytes(b),
                    to,
                } => (b.clone(), to.clone()),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn bad_rules_say_why() {
        let set = RuleSet {
            rules: vec![
                Rule::new(Matcher::Any, "ok"),
                Rule::new(Matcher::Any, "x{nope}"),
            ],
            ..RuleSet::default()
        };
        let e = Responder::new(set, Encoding::UTF_8).unwrap_err();
        assert_eq!((e.rule, e.field(), e.position), (1, "reply", Some(2)));
        assert_eq!(
            e.problem,
            RuleProblem::Reply(TemplateProblem::UnknownVariable("nope".into()))
        );
        assert!(
            e.to_string().starts_with("rule 2, reply: position 3"),
            "{e}"
        );
        let set = RuleSet {
            rules: vec![Rule::new(Matcher::Any, "收")],
            ..RuleSet::default()
        };
        assert!(Responder::new(set, Encoding::LATIN_1).is_err());
    }

    #[test]
    fn first_enabled_rule_answers_and_counts() {
        let set = RuleSet {
            echo: true,
            rules: vec![
                Rule::new(Matcher::Contains("PING".into()), "PONG {seq}"),
                Rule::new(Matcher::Regex(r"^GET \w+$".into()), "VALUE")
                    .delay(Duration::from_millis(50)),
                Rule::new(Matcher::Any, "never"),
            ],
            framing: Framing::Raw,
        };
        let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
        r.set_enabled(2, false);
        let now = Instant::now();
        let out = r.on_rx(&rx(Role::UdpReceiver, b"PING"), now);
        let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        assert_eq!(sent(&out), vec![(b"PONG 1".to_vec(), Target::Peer(peer))]);
        assert_eq!(out[0].0, now);
        let out = r.on_rx(&rx(Role::TcpServer, b"GET temp"), now);
        assert_eq!(sent(&out), vec![(b"VALUE".to_vec(), Target::Client(7))]);
        assert_eq!(out[0].0, now + Duration::from_millis(50));
        let out = r.on_rx(&rx(Role::TcpClient, b"other"), now);
        assert_eq!(sent(&out), vec![(b"other".to_vec(), Target::Default)]);
        let out = r.on_rx(&rx(Role::UdpReceiver, b"PING again"), now);
        // One counter for the whole responder: VALUE took 2.
        assert_eq!(sent(&out)[0].0, b"PONG 3");
        assert_eq!(r.fired(), &[2, 1, 0]);
        assert_eq!(r.echoed(), 1);
        r.set_echo(false);
        assert!(r.on_rx(&rx(Role::UdpReceiver, b"zzz"), now).is_empty());
        r.reset_counts();
        assert_eq!(r.fired(), &[0, 0, 0]);
    }

    #[test]
    fn tcp_framing_before_matching() {
        let set = RuleSet {
            echo: false,
            rules: vec![Rule::new(Matcher::Equals("PING".into()), r"PONG\r\n").escapes()],
            framing: Framing::crlf(),
        };
        let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
        let now = Instant::now();
        assert!(r.on_rx(&rx(Role::TcpClient, b"PI"), now).is_empty());
        let out = r.on_rx(&rx(Role::TcpClient, b"NG\r\nPING\r\nX\r\n"), now);
        assert_eq!(sent(&out).len(), 2);
        assert_eq!(sent(&out)[0].0, b"PONG\r\n");
    }

    #[test]
    fn hex_reply_with_variables() {
        let set = RuleSet {
            rules: vec![
                Rule::new(
                    Matcher::StartsWithHex("01 03".into()),
                    "01 03 02 {hex:00 2A}",
                )
                .hex(),
            ],
            ..RuleSet::default()
        };
        let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
        let out = r.on_rx(&rx(Role::UdpReceiver, &[1, 3, 0, 0]), Instant::now());
        assert_eq!(sent(&out)[0].0, vec![1, 3, 2, 0, 0x2a]);
    }

    #[test]
    fn rules_serialise() {
        let set = RuleSet {
            echo: true,
            rules: vec![
                Rule::new(Matcher::Regex(r"\d+".into()), "n={seq}").delay(Duration::from_secs(1)),
                Rule::new(Matcher::StartsWithHex("7e".into()), "7e").hex(),
            ],
            framing: Framing::lf(),
        };
        let j = serde_json::to_string_pretty(&set).unwrap();
        assert_eq!(serde_json::from_str::<RuleSet>(&j).unwrap(), set);
        let minimal: RuleSet =
            serde_json::from_str(r#"{"rules":[{"matcher":{"kind":"any"},"reply":"hi"}]}"#).unwrap();
        assert!(minimal.rules[0].enabled);
        assert_eq!(minimal.framing, Framing::Raw);
    }
}
