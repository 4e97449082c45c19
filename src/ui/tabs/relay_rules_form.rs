//! The Relay tab's rewrite rules and Intercept switches as saved with the tab and in
//! presets ([`RewriteForm`], inside [`super::relay_form::RelaySettings`]), turned into the
//! relay's checked rules and settings here, and what the tab last handed a running relay
//! ([`RulesLive`]: changed live with `Command::SetRewrites` and `Command::Intercept`).

use crate::i18n::{Lang, loader};
use crate::net::relay::rewrite::{PatchProblem, RewriteProblem};
use crate::net::relay::{
    CheckedRewrites, Dir, InterceptSettings, RewriteError, RewriteRule, Rewrites,
};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Duration;

/// One rule of the list: its direction and the rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRow {
    pub dir: Dir,
    pub rule: RewriteRule,
}

/// The most seconds the Intercept timeout takes.
pub const MAX_TIMEOUT_S: u64 = 3600;

/// The rules (in the order shown; each direction runs its own in this order) and
/// Intercept's switches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RewriteForm {
    pub rules: Vec<RuleRow>,
    pub intercept_up: bool,
    pub intercept_down: bool,
    /// A held message goes on unchanged after this many seconds.
    pub timeout_s: u64,
    /// The section is open.
    pub open: bool,
}

impl Default for RewriteForm {
    fn default() -> Self {
        RewriteForm {
            rules: Vec::new(),
            intercept_up: false,
            intercept_down: false,
            timeout_s: crate::net::relay::intercept::DEFAULT_TIMEOUT.as_secs(),
            open: false,
        }
    }
}

/// A rule that cannot be used: its row in the list, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub row: usize,
    pub error: RewriteError,
}

impl RewriteForm {
    /// The rules of each direction, and which row each one is.
    fn split(&self) -> (Rewrites, [Vec<usize>; 2]) {
        let mut r = Rewrites::default();
        let mut rows = [Vec::new(), Vec::new()];
        for (i, row) in self.rules.iter().enumerate() {
            match row.dir {
                Dir::Up => r.up.push(row.rule.clone()),
                Dir::Down => r.down.push(row.rule.clone()),
            }
            rows[row.dir.index()].push(i);
        }
        (r, rows)
    }

    pub fn rewrites(&self) -> Rewrites {
        self.split().0
    }

    /// The rules checked, or the first bad one's row and problem.
    pub fn check(&self) -> Result<CheckedRewrites, RowError> {
        let (r, rows) = self.split();
        r.check().map_err(|error| RowError {
            row: rows[error.dir.index()]
                .get(error.rule)
                .copied()
                .unwrap_or(0),
            error,
        })
    }

    pub fn intercept(&self) -> InterceptSettings {
        InterceptSettings {
            up: self.intercept_up,
            down: self.intercept_down,
            timeout: Duration::from_secs(self.timeout_s.clamp(1, MAX_TIMEOUT_S)),
        }
    }

    /// The fields of a relay launched from the command line.
    pub fn from_config(rc: &crate::net::relay::RelayConfig) -> RewriteForm {
        let r = rc.rewrites.rules();
        let rows = |dir: Dir, rules: &[RewriteRule]| {
            rules
                .iter()
                .map(|rule| RuleRow {
                    dir,
                    rule: rule.clone(),
                })
                .collect::<Vec<_>>()
        };
        let mut rules = rows(Dir::Up, &r.up);
        rules.extend(rows(Dir::Down, &r.down));
        RewriteForm {
            open: !rules.is_empty() || rc.intercept.up || rc.intercept.down,
            rules,
            intercept_up: rc.intercept.up,
            intercept_down: rc.intercept.down,
            timeout_s: rc.intercept.timeout.as_secs().clamp(1, MAX_TIMEOUT_S),
        }
    }
}

/// What is wrong with a rule, in `lang`: "rule N, match: position P: …".
pub fn error_text(lang: Lang, e: &RowError) -> String {
    let l = loader(lang);
    match &e.error.problem {
        RewriteProblem::Rule(re) => {
            let mut re = (**re).clone();
            re.rule = e.row;
            crate::ui::common::payload_words::rule_error_text(lang, &re)
        }
        RewriteProblem::EmptyMatch => {
            let n = e.row + 1;
            let (field, err) = (fl!(l, "parse-rule-match"), fl!(l, "relay-rw-empty-match"));
            fl!(l, "parse-rule", n = n, field = field, err = err)
        }
        RewriteProblem::Patch { position, problem } => {
            let what = match problem {
                PatchProblem::Hex(h) => fl!(
                    l,
                    "parse-bad-hex",
                    err = crate::ui::common::payload_words::hex_problem_text(lang, h)
                ),
                PatchProblem::Empty => fl!(l, "relay-rw-patch-empty"),
                PatchProblem::OffsetTooFar { max } => {
                    fl!(l, "relay-rw-offset-too-far", max = max.to_string())
                }
                PatchProblem::TooLong { max } => {
                    fl!(l, "relay-rw-patch-too-long", max = max.to_string())
                }
            };
            let err = match position {
                Some(p) => {
                    let pos = p + 1;
                    fl!(l, "parse-at-position", pos = pos, what = what)
                }
                None => what,
            };
            let field = fl!(l, "relay-rw-patch");
            let n = e.row + 1;
            fl!(l, "parse-rule", n = n, field = field, err = err)
        }
    }
}

/// A held message's editor: its text (escapes) or hex, and what is wrong with it.
#[derive(Clone, Debug, Default)]
pub struct HeldEdit {
    pub text: String,
    pub hex: bool,
    pub error: Option<String>,
}

/// What the tab last handed the running relay, and the held messages' editors.
#[derive(Debug, Default)]
pub struct RulesLive {
    pub rules: Option<Rewrites>,
    pub intercept: Option<InterceptSettings>,
    pub edits: HashMap<u64, HeldEdit>,
    /// The rules last checked, and the outcome.
    pub checked: Option<(Vec<RuleRow>, Result<CheckedRewrites, RowError>)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auto::rules::Matcher;

    #[test]
    fn rows_go_to_their_direction_and_errors_name_the_row() {
        let mut f = RewriteForm::default();
        assert_eq!(f.intercept().timeout, Duration::from_secs(30));
        let row = |dir, rule| RuleRow { dir, rule };
        f.rules = vec![
            row(Dir::Down, RewriteRule::replace(Matcher::Any, "x")),
            row(
                Dir::Up,
                RewriteRule::replace(Matcher::Contains("a".into()), "b"),
            ),
            row(Dir::Down, RewriteRule::patch(Matcher::Any, 0, "0g")),
        ];
        let r = f.rewrites();
        assert_eq!((r.up.len(), r.down.len()), (1, 2));
        let e = f.check().unwrap_err();
        assert_eq!((e.row, e.error.dir, e.error.rule), (2, Dir::Down, 1));
        let en = error_text(Lang::En, &e);
        assert!(en.starts_with("rule 3, patch: position 2:"), "{en}");
        let zh = error_text(Lang::Zh, &e);
        assert!(zh.contains('3') && zh != en, "{zh}");
        f.rules.pop();
        assert!(f.check().is_ok());
    }
}
