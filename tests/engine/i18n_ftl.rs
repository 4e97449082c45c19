//! The Fluent files agree: both parse without an error, every message of the English file
//! is in the Chinese one and the other way round, with the same `$arguments`, and no
//! message is empty. (`fl!` checks each call site against the English file when the
//! program is built; this keeps the other languages in step with it.)

use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};

const LANGS: [&str; 2] = ["en", "zh-CN"];

fn path(lang: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("i18n")
        .join(lang)
        .join("socket_tester.ftl")
}

/// Every message's id with the variables its value uses.
fn messages(lang: &str) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(path(lang)).expect("the .ftl file is readable");
    let res = match fluent_syntax::parser::parse(text.as_str()) {
        Ok(r) => r,
        Err((_, errors)) => panic!("{lang}: {errors:?}"),
    };
    let mut out = BTreeMap::new();
    for entry in res.body {
        match entry {
            Entry::Message(m) => {
                let value = m
                    .value
                    .unwrap_or_else(|| panic!("{lang}: {} is empty", m.id.name));
                let mut vars = BTreeSet::new();
                pattern_vars(&value, &mut vars);
                assert!(
                    out.insert(m.id.name.to_string(), vars).is_none(),
                    "{lang}: {} twice",
                    m.id.name
                );
            }
            Entry::Junk { content } => panic!("{lang}: cannot parse {content:?}"),
            _ => {}
        }
    }
    out
}

fn pattern_vars(p: &Pattern<&str>, vars: &mut BTreeSet<String>) {
    for e in &p.elements {
        if let PatternElement::Placeable { expression } = e {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(e: &Expression<&str>, vars: &mut BTreeSet<String>) {
    match e {
        Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for v in variants {
                pattern_vars(&v.value, vars);
            }
        }
        Expression::Inline(i) => inline_vars(i, vars),
    }
}

fn inline_vars(i: &InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match i {
        InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        InlineExpression::Placeable { expression } => expression_vars(expression, vars),
        _ => {}
    }
}

#[test]
fn both_languages_have_the_same_messages_and_arguments() {
    let en = messages("en");
    let zh = messages("zh-CN");
    assert!(en.len() > 500, "{} messages", en.len());
    let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "not in zh-CN: {only_en:?}");
    assert!(only_zh.is_empty(), "not in en: {only_zh:?}");
    for (id, vars) in &en {
        assert_eq!(Some(vars), zh.get(id), "the arguments of {id}");
    }
}

#[test]
fn ids_follow_the_naming_convention() {
    // area-thing-detail: lower case words joined by '-' (Fluent ids cannot hold '.').
    for lang in LANGS {
        for id in messages(lang).keys() {
            let ok = id.split('-').all(|w| {
                !w.is_empty()
                    && w.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            });
            assert!(ok, "{lang}: {id}");
        }
    }
}
