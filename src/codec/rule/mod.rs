//! Rules that match bytes and answer with a template: the [`Matcher`] ("contains text",
//! "equals text", "starts with hex", "contains hex", a regex on the decoded text, or a byte
//! regex), a [`Rule`] pairing a matcher with a reply [`Template`], and [`check`], which
//! compiles a rule and makes sure each regex group its reply names exists. Used by the
//! sessions' auto-reply (`crate::auto::rules`) and by the relay's rewrite rules; no
//! sockets, no words of the window.

mod error;
mod matcher;

pub use error::{RuleError, RuleProblem};
pub use matcher::{
    Captures, CompiledMatcher, MatchError, MatchProblem, Matcher, brief_hex, text_as_hex,
};

use crate::codec::{Encoding, Template, TemplateCtx};
use serde::{Deserialize, Serialize};
use std::time::Duration;

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

    /// The reply as a template (no regex groups).
    pub fn template(&self) -> Result<Template, crate::codec::TemplateError> {
        self.template_with(&|_| false)
    }

    /// The reply as a template in which `{name}`s that `known` allows are regex groups.
    pub fn template_with(
        &self,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Template, crate::codec::TemplateError> {
        Template::parse_with(&self.reply, self.reply_hex, known)
    }
}

/// A checked rule: its matcher, its reply, and the regex groups the reply uses.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub matcher: CompiledMatcher,
    pub reply: Template,
    /// The regex groups the reply uses, each once.
    pub groups: Vec<String>,
}

/// Checks and compiles rule `i`: its matcher, its reply, and that each regex group the
/// reply names is one the rule's regex has.
pub fn check(i: usize, r: &Rule, enc: Encoding) -> Result<Compiled, RuleError> {
    let at = |position: Option<usize>, problem: RuleProblem| RuleError {
        rule: i,
        position,
        problem,
    };
    let matcher = r
        .matcher
        .compile()
        .map_err(|e| at(e.position, RuleProblem::Match(e.problem)))?;
    let names = matcher.group_names();
    // Any group-like name parses, so a wrong one is named as such below; without a
    // regex, only numbers do (a mistyped `{seqq}` stays an unknown variable).
    let known = |n: &str| names.is_some() || n.parse::<usize>().is_ok();
    let reply = r
        .template_with(&known)
        .map_err(|e| at(Some(e.position), RuleProblem::Reply(e.problem)))?;
    let mut groups: Vec<String> = Vec::new();
    for (name, pos) in reply.vars() {
        match &names {
            None => return Err(at(Some(pos), RuleProblem::NotARegex(name.into()))),
            Some(g) if !g.iter().any(|x| x == name) => {
                return Err(at(Some(pos), RuleProblem::NoGroup(name.into())));
            }
            Some(_) if !groups.iter().any(|x| x == name) => groups.push(name.into()),
            Some(_) => {}
        }
    }
    // A trial render catches text the encoding cannot write.
    reply
        .render(&mut TemplateCtx::new(enc, r.escapes))
        .map_err(|e| at(Some(e.position), RuleProblem::Reply(e.problem)))?;
    Ok(Compiled {
        matcher,
        reply,
        groups,
    })
}
