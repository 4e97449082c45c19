//! Tests of the rewrite rules: checking, replacing with groups, patching.

use super::*;

fn run(rules: Vec<RewriteRule>, data: &[u8]) -> (Vec<u8>, Vec<Done>) {
    let r = Rewrites {
        up: rules,
        down: Vec::new(),
    };
    let checked = r.check().unwrap_or_else(|e| panic!("{e}"));
    Rewriter::new(&checked, Dir::Up, false).apply(data.to_vec())
}

#[test]
fn replace_with_groups_and_patch() {
    let rule = RewriteRule::replace(Matcher::Regex(r"ID=(?P<n>\d+)".into()), "id:{n}\\n");
    let (out, done) = run(vec![rule], b"a ID=12 b ID=7");
    assert_eq!(out, b"a id:12\n b id:7\n");
    assert_eq!(
        done,
        [Done::Rewritten {
            rule: 0,
            from: 14,
            to: 16
        }]
    );
    let (out, _) = run(
        vec![RewriteRule::replace(Matcher::Contains("OK".into()), "NO")],
        b"OK, OK",
    );
    assert_eq!(out, b"NO, NO");
    // A patch writes within the message only.
    let p = RewriteRule::patch(Matcher::StartsWithHex("01 03".into()), 2, "ff ee dd");
    let (out, done) = run(vec![p.clone()], &[1, 3, 0, 0]);
    assert_eq!(out, [1, 3, 0xff, 0xee]);
    assert_eq!(
        done,
        [Done::Rewritten {
            rule: 0,
            from: 4,
            to: 4
        }]
    );
    assert_eq!(run(vec![p.clone()], &[1, 4, 0, 0]).0, [1, 4, 0, 0]);
    // A match too short for the offset is said, and left as it was.
    let (out, done) = run(vec![p], &[1, 3]);
    assert_eq!(out, [1, 3]);
    assert_eq!(
        done,
        [Done::PastEnd {
            rule: 0,
            offset: 2,
            len: 2
        }]
    );
    // Binary bytes around the text do not stop a regex.
    let rule = RewriteRule::replace(Matcher::Regex("T=(\\d)".into()), "T={1}{1}");
    assert_eq!(run(vec![rule], b"\xff\x00T=5\xfe").0, b"\xff\x00T=55\xfe");
}

#[test]
fn growth_is_capped_and_bad_rules_are_typed() {
    let big = RewriteRule::replace(Matcher::Any, "{rand:60000}{rand:60000}");
    let checked = Rewrites {
        up: vec![big],
        down: Vec::new(),
    }
    .check()
    .unwrap_or_else(|e| panic!("{e}"));
    let (out, done) = Rewriter::new(&checked, Dir::Up, true).apply(b"x".to_vec());
    assert_eq!(out, b"x");
    assert_eq!(
        done,
        [Done::TooLarge {
            rule: 0,
            max: MAX_DATAGRAM
        }]
    );
    let bad = |r: RewriteRule| {
        Rewrites {
            up: Vec::new(),
            down: vec![RewriteRule::replace(Matcher::Any, "ok"), r],
        }
        .check()
        .unwrap_err()
    };
    let e = bad(RewriteRule::replace(Matcher::Regex("a(b".into()), "x"));
    assert_eq!((e.dir, e.rule), (Dir::Down, 1));
    assert!(
        e.to_string().starts_with("down rule 2, match: position"),
        "{e}"
    );
    let e = bad(RewriteRule::patch(Matcher::Any, 0, "0 1"));
    assert!(matches!(
        e.problem,
        RewriteProblem::Patch {
            problem: PatchProblem::Hex(_),
            ..
        }
    ));
    let e = bad(RewriteRule::patch(Matcher::Any, MAX_OFFSET + 1, "01"));
    assert!(e.to_string().contains("offset is past 65535"), "{e}");
    let e = bad(RewriteRule::replace(Matcher::Contains(String::new()), ""));
    assert_eq!(e.problem, RewriteProblem::EmptyMatch);
    let e = bad(RewriteRule::replace(Matcher::Contains("a".into()), "{1}"));
    assert!(e.to_string().contains("replacement"), "{e}");
}
