//! The shape of `src/ui/`: its modules import each other without a circle (each layer
//! only uses the ones below it), no file grows past about 500 lines, and every module
//! starts with a doc comment saying what it is for. Read from the sources themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `ui`'s modules: a file `x.rs` is module `x`; a folder `x/` (with its files) is module `x`.
fn modules() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            let mut text = String::new();
            for f in std::fs::read_dir(&path).unwrap() {
                text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
            }
            out.insert(name, text);
        } else if name != "mod" {
            out.insert(name, std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

/// The sibling modules a module's code names (`super::x`, `crate::ui::x`), comments left out.
fn uses(text: &str, names: &BTreeSet<String>, own: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for prefix in ["super::", "crate::ui::"] {
        for (i, _) in code.match_indices(prefix) {
            let rest = &code[i + prefix.len()..];
            // `super::{a, b::C}` or `super::a`.
            let list = match rest.strip_prefix('{') {
                Some(r) => r.split('}').next().unwrap_or(""),
                None => rest,
            };
            for part in list.split(',') {
                let word: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if names.contains(&word) && word != own {
                    found.insert(word);
                }
                if rest.starts_with(|c: char| c != '{') {
                    break;
                }
            }
        }
    }
    found
}

#[test]
fn ui_modules_import_each_other_without_a_circle() {
    let mods = modules();
    let names: BTreeSet<String> = mods.keys().cloned().collect();
    let graph: BTreeMap<String, BTreeSet<String>> = mods
        .iter()
        .filter(|(n, _)| n.as_str() != "app")
        .map(|(n, t)| (n.clone(), uses(t, &names, n)))
        .collect();
    assert!(graph.len() > 20, "too few modules found: {graph:?}");
    // The app is the top: nothing below it names it.
    for (m, deps) in &graph {
        assert!(!deps.contains("app"), "ui/{m}.rs uses the app");
    }
    // A layer order exists: repeatedly take the modules whose uses are all taken.
    let mut placed: BTreeSet<String> = BTreeSet::new();
    loop {
        let next: Vec<String> = graph
            .iter()
            .filter(|(m, deps)| !placed.contains(*m) && deps.iter().all(|d| placed.contains(d)))
            .map(|(m, _)| m.clone())
            .collect();
        if next.is_empty() {
            break;
        }
        placed.extend(next);
    }
    let circle: Vec<_> = graph
        .iter()
        .filter(|(m, _)| !placed.contains(*m))
        .map(|(m, d)| format!("{m} -> {d:?}"))
        .collect();
    assert!(
        circle.is_empty(),
        "modules in a circle:\n{}",
        circle.join("\n")
    );
}

#[test]
fn ui_widgets_do_not_take_the_whole_tab() {
    // Only the tab itself, its drawing, the classroom's side panels and the app know the
    // tab's type; widgets get their own state and return actions.
    let allowed = [
        "tab",
        "tab_tools",
        "session_panel",
        "classroom",
        "app",
        "action",
    ];
    for (m, text) in modules() {
        if !allowed.contains(&m.as_str()) {
            assert!(
                !text.contains("SessionPanel"),
                "ui/{m}.rs takes the whole tab"
            );
        }
    }
}

#[test]
fn ui_files_stay_small_and_say_what_they_are_for() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = vec![];
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(std::fs::read_dir(&p).unwrap().map(|f| f.unwrap().path()));
        } else {
            files.push(p);
        }
    }
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines = text.lines().count();
        assert!(lines <= 560, "{} has {lines} lines", f.display());
        assert!(
            text.starts_with("//!"),
            "{} has no module doc comment",
            f.display()
        );
    }
}
