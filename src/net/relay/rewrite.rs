//! Rewrite rules: the relay changes messages on the way, per direction.
//!
//! A rule matches with the auto-reply rules' [`Matcher`] (contains, equals, starts with
//! hex, contains hex, a regex) and either replaces each match with a template (the reply
//! templates': regex groups `{1}`, `{name}`, escapes `\r \n \xNN`, `{hex:…}`) or patches
//! bytes at an offset from the start of the message (the length stays). Rules apply to
//! each chunk (TCP read) or datagram (UDP), in order, each to what the one before made.
//! Text is UTF-8; a text regex runs on the bytes (the regex crate's byte regex with
//! Unicode on: the same matches on UTF-8 text, and binary bytes in between do no harm).
//! Matching is linear; what a message may grow to is capped ([`MAX_CHUNK`],
//! [`MAX_DATAGRAM`]): a rule that would pass the cap leaves the message as it was and
//! says so.

use super::Dir;
use crate::codec::rule::{Matcher, Rule, RuleError, RuleProblem, text_as_hex};
use crate::codec::{Encoding, HexProblem, TemplateCtx, parse_hex};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The farthest offset a patch may start at.
pub const MAX_OFFSET: usize = 65_535;
/// The most bytes one patch writes.
pub const MAX_PATCH: usize = 1024;
/// The most a TCP chunk may grow to by rewriting.
pub const MAX_CHUNK: usize = 256 * 1024;
/// The most a UDP datagram may grow to (the largest IPv4 UDP payload).
pub const MAX_DATAGRAM: usize = 65_507;

fn yes() -> bool {
    true
}

/// What a rule does where it matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RewriteAction {
    /// Replace each match with this template.
    Replace { with: String },
    /// Overwrite the message's bytes from `offset` (from the message's start) with these
    /// hex bytes; bytes past the message's end are not written.
    Patch { offset: usize, hex: String },
}

/// One rewrite rule, as saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewriteRule {
    #[serde(default = "yes")]
    pub enabled: bool,
    pub matcher: Matcher,
    pub action: RewriteAction,
}

impl RewriteRule {
    pub fn replace(matcher: Matcher, with: impl Into<String>) -> RewriteRule {
        RewriteRule {
            enabled: true,
            matcher,
            action: RewriteAction::Replace { with: with.into() },
        }
    }

    pub fn patch(matcher: Matcher, offset: usize, hex: impl Into<String>) -> RewriteRule {
        RewriteRule {
            enabled: true,
            matcher,
            action: RewriteAction::Patch {
                offset,
                hex: hex.into(),
            },
        }
    }
}

/// The rules of both directions. Up: client → server; down: server → client.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rewrites {
    #[serde(default)]
    pub up: Vec<RewriteRule>,
    #[serde(default)]
    pub down: Vec<RewriteRule>,
}

impl Rewrites {
    pub fn dir(&self, d: Dir) -> &[RewriteRule] {
        match d {
            Dir::Up => &self.up,
            Dir::Down => &self.down,
        }
    }

    /// Checks every rule (the disabled ones too, so the window can flag them).
    pub fn check(&self) -> Result<CheckedRewrites, RewriteError> {
        let compile = |d: Dir| -> Result<Arc<[Step]>, RewriteError> {
            let steps: Result<Vec<Step>, RewriteError> = self
                .dir(d)
                .iter()
                .enumerate()
                .map(|(i, r)| check_rule(d, i, r))
                .collect();
            Ok(steps?.into())
        };
        Ok(CheckedRewrites {
            up: compile(Dir::Up)?,
            down: compile(Dir::Down)?,
            source: self.clone(),
        })
    }
}

/// A rule that cannot be used: which direction, which rule (0-based), and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RewriteError {
    pub dir: Dir,
    pub rule: usize,
    pub problem: RewriteProblem,
}

/// What is wrong with a rewrite rule, typed (the window words it in its language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RewriteProblem {
    /// The match, or the replacement (a template), as an auto-reply rule's would be.
    Rule(Box<RuleError>),
    /// A kind other than "anything" with nothing to match (a rule just added): it would
    /// match every message, so say "anything" for that.
    EmptyMatch,
    /// The patch's bytes or offset; `position` in the hex.
    Patch {
        position: Option<usize>,
        problem: PatchProblem,
    },
}

/// What is wrong with a patch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchProblem {
    Hex(HexProblem),
    /// No bytes to write.
    Empty,
    OffsetTooFar {
        max: usize,
    },
    TooLong {
        max: usize,
    },
}

impl PatchProblem {
    pub fn english(&self) -> String {
        match self {
            PatchProblem::Hex(h) => format!("bad hex: {}", h.english()),
            PatchProblem::Empty => "the patch has no bytes".into(),
            PatchProblem::OffsetTooFar { max } => format!("the offset is past {max}"),
            PatchProblem::TooLong { max } => format!("a patch writes at most {max} bytes"),
        }
    }
}

impl std::fmt::Display for RewriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} rule {}, ", self.dir.as_str(), self.rule + 1)?;
        let (field, position, reason) = match &self.problem {
            RewriteProblem::Rule(e) => (e.field(), e.position, e.reason()),
            RewriteProblem::Patch { position, problem } => ("patch", *position, problem.english()),
            RewriteProblem::EmptyMatch => (
                "match",
                None,
                "nothing to match; give the text, or choose \"anything\"".to_string(),
            ),
        };
        let field = if field == "reply" {
            "replacement"
        } else {
            field
        };
        match position {
            Some(p) => write!(f, "{field}: position {}: {reason}", p + 1),
            None => write!(f, "{field}: {reason}"),
        }
    }
}

impl std::error::Error for RewriteError {}

/// A rule checked and compiled.
#[derive(Debug)]
struct Step {
    enabled: bool,
    op: Op,
}

#[derive(Debug)]
enum Op {
    Replace(crate::codec::rule::Compiled),
    Patch {
        matcher: crate::codec::rule::CompiledMatcher,
        offset: usize,
        bytes: Vec<u8>,
    },
}

/// Text matchers as byte matchers: a relay's bytes are not decoded.
fn byte_matcher(m: &Matcher) -> Matcher {
    match m {
        Matcher::Regex(r) => Matcher::BytesRegex(r.clone()),
        Matcher::Contains(t) => {
            Matcher::ContainsHex(text_as_hex(t, Encoding::UTF_8).unwrap_or_default())
        }
        other => other.clone(),
    }
}

fn check_rule(dir: Dir, i: usize, r: &RewriteRule) -> Result<Step, RewriteError> {
    let fail = |problem| RewriteError {
        dir,
        rule: i,
        problem,
    };
    if r.matcher != Matcher::Any && r.matcher.value().is_empty() {
        return Err(fail(RewriteProblem::EmptyMatch));
    }
    let op = match &r.action {
        RewriteAction::Replace { with } => {
            let rule = Rule::new(byte_matcher(&r.matcher), with.clone()).escapes();
            Op::Replace(
                crate::codec::rule::check(i, &rule, Encoding::UTF_8).map_err(|e| {
                    // A text "contains" is checked as hex: never a hex error to report.
                    fail(RewriteProblem::Rule(Box::new(e)))
                })?,
            )
        }
        RewriteAction::Patch { offset, hex } => {
            let matcher = byte_matcher(&r.matcher).compile().map_err(|e| {
                fail(RewriteProblem::Rule(Box::new(RuleError {
                    rule: i,
                    position: e.position,
                    problem: RuleProblem::Match(e.problem),
                })))
            })?;
            let patch = |position, problem| fail(RewriteProblem::Patch { position, problem });
            let bytes = parse_hex(hex)
                .map_err(|e| patch(Some(e.position), PatchProblem::Hex(e.problem)))?;
            if bytes.is_empty() {
                return Err(patch(None, PatchProblem::Empty));
            }
            if bytes.len() > MAX_PATCH {
                return Err(patch(None, PatchProblem::TooLong { max: MAX_PATCH }));
            }
            if *offset > MAX_OFFSET {
                return Err(patch(None, PatchProblem::OffsetTooFar { max: MAX_OFFSET }));
            }
            Op::Patch {
                matcher,
                offset: *offset,
                bytes,
            }
        }
    };
    Ok(Step {
        enabled: r.enabled,
        op,
    })
}

/// Rules that passed [`Rewrites::check`], ready for the relay (cheap to clone).
#[derive(Clone, Debug, Default)]
pub struct CheckedRewrites {
    up: Arc<[Step]>,
    down: Arc<[Step]>,
    source: Rewrites,
}

impl PartialEq for CheckedRewrites {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl CheckedRewrites {
    /// The rules as written.
    pub fn rules(&self) -> &Rewrites {
        &self.source
    }

    /// How many rules are on in each direction: [up, down].
    pub fn enabled(&self) -> [usize; 2] {
        [&self.up, &self.down].map(|s| s.iter().filter(|s| s.enabled).count())
    }

    fn steps(&self, d: Dir) -> Arc<[Step]> {
        match d {
            Dir::Up => self.up.clone(),
            Dir::Down => self.down.clone(),
        }
    }
}

/// What a rule did to one message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Done {
    /// Rule `rule` (0-based) changed `from` bytes into `to` bytes.
    Rewritten { rule: usize, from: usize, to: usize },
    /// Rule `rule` would have made the message larger than `max`: left as it was.
    TooLarge { rule: usize, max: usize },
    /// Patch rule `rule` matched, but its offset is past the end of the `len` bytes.
    PastEnd {
        rule: usize,
        offset: usize,
        len: usize,
    },
}

/// The rules one direction of one pair runs, with their template counter.
pub(crate) struct Rewriter {
    steps: Arc<[Step]>,
    ctx: TemplateCtx,
    cap: usize,
}

impl Rewriter {
    pub fn new(rules: &CheckedRewrites, dir: Dir, datagrams: bool) -> Rewriter {
        Rewriter {
            steps: rules.steps(dir),
            ctx: TemplateCtx::new(Encoding::UTF_8, true),
            cap: if datagrams { MAX_DATAGRAM } else { MAX_CHUNK },
        }
    }

    /// Takes new rules (the template counter goes on).
    pub fn set(&mut self, rules: &CheckedRewrites, dir: Dir) {
        self.steps = rules.steps(dir);
    }

    pub fn is_empty(&self) -> bool {
        !self.steps.iter().any(|s| s.enabled)
    }

    /// Runs every enabled rule on `data` in order; what each one did.
    pub fn apply(&mut self, mut data: Vec<u8>) -> (Vec<u8>, Vec<Done>) {
        let mut done = Vec::new();
        let steps = self.steps.clone();
        for (rule, step) in steps.iter().enumerate().filter(|(_, s)| s.enabled) {
            let from = data.len();
            match &step.op {
                Op::Replace(c) => match self.replace(c, &data) {
                    Ok(Some(out)) => {
                        done.push(Done::Rewritten {
                            rule,
                            from,
                            to: out.len(),
                        });
                        data = out;
                    }
                    Ok(None) => {}
                    Err(()) => done.push(Done::TooLarge {
                        rule,
                        max: self.cap,
                    }),
                },
                Op::Patch {
                    matcher,
                    offset,
                    bytes,
                } => {
                    if !matcher.is_match(&data, Encoding::UTF_8) {
                        continue;
                    }
                    if *offset >= data.len() {
                        let (offset, len) = (*offset, data.len());
                        done.push(Done::PastEnd { rule, offset, len });
                        continue;
                    }
                    let end = (*offset + bytes.len()).min(data.len());
                    data[*offset..end].copy_from_slice(&bytes[..end - offset]);
                    done.push(Done::Rewritten {
                        rule,
                        from,
                        to: from,
                    });
                }
            }
        }
        (data, done)
    }

    /// Each match replaced: None when nothing matched; Err when it would pass the cap.
    fn replace(
        &mut self,
        c: &crate::codec::rule::Compiled,
        data: &[u8],
    ) -> Result<Option<Vec<u8>>, ()> {
        let spans = c.matcher.spans(data, Encoding::UTF_8, &c.groups);
        if spans.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(data.len());
        let mut at = 0;
        for (range, vars) in spans {
            out.extend_from_slice(&data[at..range.start]);
            self.ctx.vars = vars;
            let piece = c.reply.render(&mut self.ctx);
            self.ctx.vars.clear();
            out.extend(piece.map_err(|_| ())?);
            at = range.end;
            if out.len() > self.cap {
                return Err(());
            }
        }
        out.extend_from_slice(&data[at..]);
        if out.len() > self.cap {
            return Err(());
        }
        Ok(Some(out))
    }
}

#[cfg(test)]
#[path = "rewrite_tests.rs"]
mod tests;
