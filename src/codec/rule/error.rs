//! Why a rule cannot be used: which rule, which field, where, and what is wrong, typed
//! (the window words it in its language; [`RuleError`]'s `Display` is the English).

use super::MatchProblem;
use crate::codec::template::TemplateProblem;
use std::fmt;

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
    /// The reply names a group (`{n}`, `{2}`) that the rule's regex does not have.
    NoGroup(String),
    /// The reply names a group (`{1}`) but the rule does not match with a regex.
    NotARegex(String),
}

impl RuleError {
    /// Which field: "match" or "reply".
    pub fn field(&self) -> &'static str {
        match self.problem {
            RuleProblem::Match(_) => "match",
            RuleProblem::Reply(_) | RuleProblem::NoGroup(_) | RuleProblem::NotARegex(_) => "reply",
        }
    }

    /// What is wrong, in English, without the rule and position.
    pub fn reason(&self) -> String {
        match &self.problem {
            RuleProblem::Match(m) => m.english(),
            RuleProblem::Reply(t) => t.english(),
            RuleProblem::NoGroup(n) => format!("the regex has no group {{{n}}}"),
            RuleProblem::NotARegex(n) => {
                format!("{{{n}}} is a regex group, but this rule does not match with a regex")
            }
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
