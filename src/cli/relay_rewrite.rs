//! `relay --rewrite-up RULE` / `--rewrite-down RULE`: a rewrite rule on one line, as
//! `--rule` writes an auto-reply rule. `MATCH => REPLACEMENT` replaces each match (MATCH
//! is `--rule`'s: `contains:TEXT`, `equals:TEXT`, `regex:RE`, `bytes:RE`, `hex:01 03` for
//! "starts with", `contains-hex:0d 0a`, or `any`); the replacement is a template with the
//! regex's groups (`{1}`, `{name}`), escapes (`\r \n \xNN`) and `{hex:…}`.
//! `MATCH => patch:OFFSET:HEX` instead overwrites the message's bytes from OFFSET (counted
//! from the message's start) with HEX when MATCH matches. Errors name the rule and the
//! character (1-based) in it.

use crate::auto::rules::RuleSpec;
use crate::net::relay::rewrite::RewriteProblem;
use crate::net::relay::{CheckedRewrites, Dir, RewriteAction, RewriteRule, Rewrites};

const PATCH: &str = "patch:";

/// One line read: the rule, and where its fields start (character indexes).
struct Read {
    rule: RewriteRule,
    spec: RuleSpec,
    /// Where the patch's hex starts.
    hex_at: usize,
}

fn read(line: &str) -> Result<Read, String> {
    let spec = RuleSpec::parse(line).map_err(|e| {
        format!(
            "position {}: {}",
            e.position + 1,
            e.problem.english_rewrite()
        )
    })?;
    let reply = spec.rule.reply.clone();
    let matcher = spec.rule.matcher.clone();
    let Some(rest) = reply.strip_prefix(PATCH) else {
        return Ok(Read {
            rule: RewriteRule::replace(matcher, reply),
            spec,
            hex_at: 0,
        });
    };
    let off_at = spec.reply_at + PATCH.len();
    let Some((offset, hex)) = rest.split_once(':') else {
        return Err(format!(
            "position {}: write patch:OFFSET:HEX, e.g. patch:2:ff 00",
            off_at + 1
        ));
    };
    let offset: usize = offset.trim().parse().map_err(|_| {
        format!(
            "position {}: \"{}\" is not an offset (a whole number of bytes from the message's start)",
            off_at + 1,
            offset.trim()
        )
    })?;
    let hex_at = off_at + rest.chars().take_while(|c| *c != ':').count() + 1;
    Ok(Read {
        rule: RewriteRule::patch(matcher, offset, hex),
        spec,
        hex_at,
    })
}

/// The rules of `--rewrite-up` and `--rewrite-down`, checked as the relay will run them.
pub fn rewrites(up: &[String], down: &[String]) -> Result<CheckedRewrites, String> {
    let mut r = Rewrites::default();
    let mut places: Vec<(Dir, Vec<Read>)> = Vec::new();
    for (dir, lines) in [(Dir::Up, up), (Dir::Down, down)] {
        let mut read_all = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let x = read(line).map_err(|e| format!("{} {}: {e}", flag(dir), i + 1))?;
            match dir {
                Dir::Up => r.up.push(x.rule.clone()),
                Dir::Down => r.down.push(x.rule.clone()),
            }
            read_all.push(x);
        }
        places.push((dir, read_all));
    }
    r.check().map_err(|e| {
        let at = places
            .iter()
            .find(|(d, _)| *d == e.dir)
            .and_then(|(_, v)| v.get(e.rule));
        let (field, place, reason) = match (&e.problem, at) {
            (RewriteProblem::Rule(re), Some(x)) => {
                let field = if re.field() == "reply" {
                    "replacement"
                } else {
                    "match"
                };
                (field, Some(x.spec.position_of(re)), re.reason())
            }
            (RewriteProblem::Patch { position, problem }, Some(x)) => {
                ("patch", position.map(|p| x.hex_at + p), problem.english())
            }
            (RewriteProblem::EmptyMatch, Some(x)) => (
                "match",
                Some(x.spec.match_at),
                "nothing to match; give the text, or write any".to_string(),
            ),
            _ => return format!("{} {e}", flag(e.dir)),
        };
        match place {
            Some(p) => format!(
                "{} {}: position {}: {reason} (in the {field})",
                flag(e.dir),
                e.rule + 1,
                p + 1
            ),
            None => format!("{} {}: {reason} (in the {field})", flag(e.dir), e.rule + 1),
        }
    })
}

fn flag(d: Dir) -> &'static str {
    match d {
        Dir::Up => "--rewrite-up",
        Dir::Down => "--rewrite-down",
    }
}

/// A rule on one line again (the inverse of the parse, for the window's fields).
pub fn to_line(r: &RewriteRule) -> String {
    let m = &r.matcher;
    use crate::auto::rules::Matcher;
    let head = match m {
        Matcher::Any => "any".to_string(),
        Matcher::Contains(t) => format!("contains:{t}"),
        Matcher::Equals(t) => format!("equals:{t}"),
        Matcher::Regex(t) => format!("regex:{t}"),
        Matcher::BytesRegex(t) => format!("bytes:{t}"),
        Matcher::StartsWithHex(t) => format!("hex:{t}"),
        Matcher::ContainsHex(t) => format!("contains-hex:{t}"),
    };
    match &r.action {
        RewriteAction::Replace { with } => format!("{head} => {with}"),
        RewriteAction::Patch { offset, hex } => format!("{head} => {PATCH}{offset}:{hex}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auto::rules::Matcher;

    fn one(line: &str) -> Result<RewriteRule, String> {
        let c = rewrites(&[line.to_string()], &[])?;
        Ok(c.rules().up[0].clone())
    }

    #[test]
    fn lines_become_rules_and_errors_say_where() {
        let r = one(r"regex:ID=(\d+) => ID={1}0").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.matcher, Matcher::Regex(r"ID=(\d+)".into()));
        assert_eq!(
            r.action,
            RewriteAction::Replace {
                with: "ID={1}0".into()
            }
        );
        let r = one("hex:01 03 => patch:2:ff 00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.action,
            RewriteAction::Patch {
                offset: 2,
                hex: "ff 00".into()
            }
        );
        assert_eq!(to_line(&r), "hex:01 03 => patch:2:ff 00");
        let e = one("regex:a(b => x").unwrap_err();
        assert!(
            e.starts_with("--rewrite-up 1: position 8: bad regex"),
            "{e}"
        );
        let e = rewrites(&[], &["any => patch:1:0g".into()]).unwrap_err();
        assert!(
            e.starts_with("--rewrite-down 1: position 17: bad hex"),
            "{e}"
        );
        assert!(e.ends_with("(in the patch)"), "{e}");
        let e = one("any => patch:99999:00").unwrap_err();
        assert!(e.contains("offset is past 65535"), "{e}");
        let e = one("any => patch:x:00").unwrap_err();
        assert!(e.contains("\"x\" is not an offset"), "{e}");
        let e = one("contains:a => {1}").unwrap_err();
        assert!(e.contains("(in the replacement)"), "{e}");
        assert!(
            one("PING => PONG")
                .unwrap_err()
                .contains("is no match kind")
        );
    }
}
