//! A rule written on one line, as the command line's `--rule 'MATCH => REPLY'` takes it.
//!
//! MATCH is a kind and its text: `contains:TEXT`, `equals:TEXT`, `regex:RE` (a regex on
//! the decoded text), `bytes:RE` (a byte regex, `(?s-u)^\x01\x03(..)`), `hex:01 03` (the
//! bytes start with these), `contains-hex:0d 0a`, or `any`. The first `=>` ends it (one
//! space before and after is part of the separator); REPLY is the rest, a reply template
//! that may use the regex's groups (`{1}`, `{name}`). Errors name the character (0-based
//! here, 1-based when worded) in the whole argument.

use super::{Matcher, Rule, RuleError};

/// The match kinds by their prefix, in the order an error lists them.
const KINDS: [&str; 7] = [
    "contains",
    "equals",
    "regex",
    "bytes",
    "hex",
    "contains-hex",
    "any",
];

/// A rule read from one line, with where its match text and its reply start in the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    pub rule: Rule,
    /// The character index of the match text (after `kind:`).
    pub match_at: usize,
    /// The character index of the reply.
    pub reply_at: usize,
}

/// Why a line is no rule, and where (0-based character index in the line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSpecError {
    pub position: usize,
    pub problem: RuleSpecProblem,
}

/// What is wrong with a one-line rule, typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleSpecProblem {
    /// No `=>` between the match and the reply.
    NoArrow,
    /// The match does not start with a known kind (what it starts with).
    UnknownKind(String),
    /// `any` followed by text.
    AnyTakesNothing,
    /// Nothing after the `=>`.
    EmptyReply,
    /// A kind with nothing to match (`contains:` alone would match every message: say
    /// `any` for that).
    EmptyMatch(String),
}

impl RuleSpecProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        match self {
            RuleSpecProblem::NoArrow => {
                "no \"=>\" between the match and the reply; write MATCH => REPLY".into()
            }
            RuleSpecProblem::UnknownKind(k) => format!(
                "\"{k}\" is no match kind; start with {}",
                KINDS
                    .iter()
                    .map(|k| if *k == "any" {
                        "any".into()
                    } else {
                        format!("{k}:")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RuleSpecProblem::AnyTakesNothing => "\"any\" takes no text".into(),
            RuleSpecProblem::EmptyReply => "the reply after \"=>\" is empty".into(),
            RuleSpecProblem::EmptyMatch(k) => format!(
                "nothing to match after \"{k}:\"; give the text, or write \"any\" to answer everything"
            ),
        }
    }
}

impl RuleSpecProblem {
    /// The English sentence for a relay's rewrite rule (a replacement, not a reply).
    pub fn english_rewrite(&self) -> String {
        match self {
            RuleSpecProblem::NoArrow => "no \"=>\" between the match and the replacement; write MATCH => REPLACEMENT or MATCH => patch:OFFSET:HEX".into(),
            RuleSpecProblem::EmptyReply => "the replacement after \"=>\" is empty".into(),
            RuleSpecProblem::EmptyMatch(k) => format!(
                "nothing to match after \"{k}:\"; give the text, or write \"any\" to match every message"
            ),
            other => other.english(),
        }
    }
}

impl std::fmt::Display for RuleSpecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "position {}: {}",
            self.position + 1,
            self.problem.english()
        )
    }
}

impl std::error::Error for RuleSpecError {}

impl RuleSpec {
    /// Reads `MATCH => REPLY`. Only the form is checked here; the regex, the hex, the
    /// reply and its groups are checked with the rule set ([`super::Responder::new`]),
    /// whose error [`RuleSpec::position_of`] places in the line.
    pub fn parse(line: &str) -> Result<RuleSpec, RuleSpecError> {
        let err = |position: usize, problem| RuleSpecError { position, problem };
        let chars = |s: &str| s.chars().count();
        let Some(arrow) = line.find("=>") else {
            return Err(err(chars(line), RuleSpecProblem::NoArrow));
        };
        let head = &line[..arrow];
        let head = head.strip_suffix(' ').unwrap_or(head);
        let rest = &line[arrow + 2..];
        let reply = rest.strip_prefix(' ').unwrap_or(rest);
        let reply_at = chars(&line[..line.len() - reply.len()]);
        if reply.is_empty() {
            return Err(err(reply_at, RuleSpecProblem::EmptyReply));
        }
        let lead = head.len() - head.trim_start().len();
        let body = &head[lead..];
        let (kind, text, match_at) = match body.split_once(':') {
            Some((k, t)) => (k, t, chars(&head[..lead]) + chars(k) + 1),
            None => (body.trim_end(), "", chars(head)),
        };
        let text = text.to_string();
        if text.is_empty() && kind != "any" && KINDS.contains(&kind) {
            return Err(err(match_at, RuleSpecProblem::EmptyMatch(kind.to_string())));
        }
        let matcher = match kind {
            "contains" => Matcher::Contains(text),
            "equals" => Matcher::Equals(text),
            "regex" => Matcher::Regex(text),
            "bytes" => Matcher::BytesRegex(text),
            "hex" => Matcher::StartsWithHex(text),
            "contains-hex" => Matcher::ContainsHex(text),
            "any" if text.is_empty() && !body.contains(':') => Matcher::Any,
            "any" => return Err(err(match_at, RuleSpecProblem::AnyTakesNothing)),
            other => {
                let shown: String = other.chars().take(40).collect();
                let at = chars(&head[..lead]);
                return Err(err(at, RuleSpecProblem::UnknownKind(shown)));
            }
        };
        Ok(RuleSpec {
            rule: Rule::new(matcher, reply),
            match_at,
            reply_at,
        })
    }

    /// Where in the line a check of this rule failed: the field's start plus the
    /// error's position in the field (the field's start when the error has none).
    pub fn position_of(&self, e: &RuleError) -> usize {
        let start = match e.field() {
            "match" => self.match_at,
            _ => self.reply_at,
        };
        start + e.position.unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auto::rules::{Responder, RuleSet};
    use crate::codec::Encoding;

    fn rule(line: &str) -> (Matcher, String) {
        let s = RuleSpec::parse(line).unwrap();
        (s.rule.matcher, s.rule.reply)
    }

    #[test]
    fn kinds_and_replies() {
        assert_eq!(
            rule(r"regex:REQ (?P<n>\d+) => ACK {n}"),
            (Matcher::Regex(r"REQ (?P<n>\d+)".into()), "ACK {n}".into())
        );
        assert_eq!(
            rule("contains:PING=>PONG"),
            (Matcher::Contains("PING".into()), "PONG".into())
        );
        assert_eq!(
            rule("equals:a b =>  two spaces"),
            (Matcher::Equals("a b".into()), " two spaces".into())
        );
        assert_eq!(
            rule("hex:01 03 => 01 83 02"),
            (Matcher::StartsWithHex("01 03".into()), "01 83 02".into())
        );
        assert_eq!(
            rule("contains-hex:0d0a => ok"),
            (Matcher::ContainsHex("0d0a".into()), "ok".into())
        );
        assert_eq!(
            rule(r"bytes:(?s-u)^\x01(.) => {1}"),
            (Matcher::BytesRegex(r"(?s-u)^\x01(.)".into()), "{1}".into())
        );
        assert_eq!(rule("any => hi"), (Matcher::Any, "hi".into()));
        // The first => separates; the reply may hold more.
        assert_eq!(
            rule("contains:x => a => b"),
            (Matcher::Contains("x".into()), "a => b".into())
        );
        // Colons after the kind's belong to the text.
        assert_eq!(
            rule("contains:T: 1 => ok"),
            (Matcher::Contains("T: 1".into()), "ok".into())
        );
        let s = RuleSpec::parse("收:x => y").unwrap_err();
        assert_eq!(s.position, 0);
    }

    #[test]
    fn errors_name_the_place() {
        let e = |line: &str| RuleSpec::parse(line).unwrap_err();
        assert_eq!(
            e("contains: => X").problem,
            RuleSpecProblem::EmptyMatch("contains".into())
        );
        assert_eq!(e("contains: => X").position, 9);
        assert_eq!(e("contains:x").problem, RuleSpecProblem::NoArrow);
        assert_eq!(e("contains:x").position, 10);
        assert_eq!(e("contains:x =>").problem, RuleSpecProblem::EmptyReply);
        assert_eq!(e("contains:x => ").position, 14);
        let x = e("  regx:a => b");
        assert_eq!(
            (x.position, x.problem.clone()),
            (2, RuleSpecProblem::UnknownKind("regx".into()))
        );
        assert!(
            x.to_string()
                .starts_with("position 3: \"regx\" is no match kind; start with contains:, "),
            "{x}"
        );
        assert_eq!(
            e("PING => PONG").problem,
            RuleSpecProblem::UnknownKind("PING".into())
        );
        assert_eq!(e("any:x => y").problem, RuleSpecProblem::AnyTakesNothing);
        // A check of the rule set is placed in the line.
        let line = r"regex:REQ (\d+) => ACK {n}";
        let s = RuleSpec::parse(line).unwrap();
        let set = RuleSet {
            rules: vec![s.rule.clone()],
            ..RuleSet::default()
        };
        let err = Responder::new(set, Encoding::UTF_8).unwrap_err();
        let at = s.position_of(&err);
        assert_eq!(line.chars().nth(at), Some('n'), "{err}");
        let line = "hex:01 0G => x";
        let s = RuleSpec::parse(line).unwrap();
        let set = RuleSet {
            rules: vec![s.rule.clone()],
            ..RuleSet::default()
        };
        let err = Responder::new(set, Encoding::UTF_8).unwrap_err();
        assert_eq!(line.chars().nth(s.position_of(&err)), Some('G'), "{err}");
    }
}
