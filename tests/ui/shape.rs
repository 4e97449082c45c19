//! The shape of `src/ui/`: its modules import each other without a circle (each layer
//! only uses the ones below it), and so do its folders; no file grows past about 500
//! lines, and every module starts with a doc comment saying what it is for. Read from
//! the sources themselves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module of `ui`: its folder (`""` at the top) and its text.
struct Module {
    folder: String,
    text: String,
}

/// `ui`'s modules: a file `x.rs` (at the top or in a folder) is module `x`; the `app/`
/// folder (with its files) is module `app`. A folder's `mod.rs` only declares its files.
fn modules() -> BTreeMap<String, Module> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut out = BTreeMap::new();
    let add = |folder: &str, path: &Path, out: &mut BTreeMap<String, Module>| {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name != "mod" {
            let text = std::fs::read_to_string(path).unwrap();
            let folder = folder.to_string();
            assert!(
                out.insert(name.clone(), Module { folder, text }).is_none(),
                "two modules named {name}"
            );
        }
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && name == "app" {
            let mut text = String::new();
            for f in std::fs::read_dir(&path).unwrap() {
                text.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
            }
            let folder = String::new();
            out.insert(name, Module { folder, text });
        } else if path.is_dir() {
            for f in std::fs::read_dir(&path).unwrap() {
                add(&name, &f.unwrap().path(), &mut out);
            }
        } else {
            add("", &path, &mut out);
        }
    }
    out
}

/// The modules a module's code names (`super::x`, `crate::ui::x`, `crate::ui::folder::x`),
/// comments left out.
fn uses(
    text: &str,
    names: &BTreeSet<String>,
    folders: &BTreeSet<String>,
    own: &str,
) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    for prefix in ["super::", "crate::ui::"] {
        for (i, _) in code.match_indices(prefix) {
            let mut rest = &code[i + prefix.len()..];
            // `crate::ui::folder::x`: the folder is a path to the module, not a module.
            let folder = rest.split("::").next().unwrap_or("");
            if prefix == "crate::ui::" && folders.contains(folder) && rest.len() > folder.len() {
                rest = &rest[folder.len() + 2..];
            }
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

/// The modules each module uses, the app left out (it is the top).
fn graph(mods: &BTreeMap<String, Module>) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = mods.keys().cloned().collect();
    let folders: BTreeSet<String> = mods.values().map(|m| m.folder.clone()).collect();
    mods.iter()
        .filter(|(n, _)| n.as_str() != "app")
        .map(|(n, m)| (n.clone(), uses(&m.text, &names, &folders, n)))
        .collect()
}

/// The nodes of a graph that sit in a circle (or use one): none when a layer order exists.
fn in_a_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    // Repeatedly take the nodes whose uses are all taken.
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
    graph
        .iter()
        .filter(|(m, _)| !placed.contains(*m))
        .map(|(m, d)| format!("{m} -> {d:?}"))
        .collect()
}

#[test]
fn ui_modules_import_each_other_without_a_circle() {
    let mods = modules();
    let graph = graph(&mods);
    assert!(graph.len() > 20, "too few modules found: {graph:?}");
    // The app is the top: nothing below it names it.
    for (m, deps) in &graph {
        assert!(!deps.contains("app"), "ui/{m}.rs uses the app");
    }
    let circle = in_a_circle(&graph);
    assert!(
        circle.is_empty(),
        "modules in a circle:\n{}",
        circle.join("\n")
    );
}

#[test]
fn ui_folders_are_layers_without_a_circle() {
    // Each folder uses only folders below it: the modules' uses, folder to folder.
    let mods = modules();
    let mut folders: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, deps) in graph(&mods) {
        let from = &mods[&m].folder;
        let into = folders.entry(from.clone()).or_default();
        into.extend(
            deps.iter()
                .map(|d| mods[d].folder.clone())
                .filter(|f| f != from),
        );
    }
    assert!(folders.len() > 5, "too few folders found: {folders:?}");
    let circle = in_a_circle(&folders);
    assert!(
        circle.is_empty(),
        "folders in a circle:\n{}",
        circle.join("\n")
    );
}

#[test]
fn ui_widgets_do_not_take_the_whole_tab() {
    // Only the tab itself (with its tools' requests, Save log… and Search whole session), its drawing (and its
    // top, `tabs/controls.rs`), the
    // classroom's side panels (`classroom/mode.rs`) and the app know the tab's type;
    // widgets get their own state and return actions.
    let allowed = [
        "tab",
        "tab_tools",
        "tab_save",
        "tab_search",
        "tab_dest",
        "session_panel",
        // The tab's top (fields and controls) and its encoding banner, split from its
        // drawing.
        "controls",
        "enc_banner",
        // The Relay tab's drawing (its fields, faults and pair list around the tab's log),
        // with its pair list and its Rewrite and Intercept section in files of their own.
        "relay_tab",
        "relay_pairs",
        "relay_rules",
        "mode",
        "app",
        "action",
    ];
    for (m, Module { text, .. }) in modules() {
        if !allowed.contains(&m.as_str()) {
            assert!(
                !text.contains("SessionPanel"),
                "ui/{m}.rs takes the whole tab"
            );
        }
    }
}

/// Every file under `src/ui/` (its folders one deep).
fn ui_files() -> Vec<std::path::PathBuf> {
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
    files
}

#[test]
fn ui_files_stay_small_and_say_what_they_are_for() {
    let files = ui_files();
    assert!(files.len() > 20);
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines = text.lines().count();
        assert!(lines <= 500, "{} has {lines} lines", f.display());
        assert!(
            text.starts_with("//!"),
            "{} has no module doc comment",
            f.display()
        );
    }
}

/// The functions of a source file (as rustfmt lays them out) with their length in lines:
/// from `fn` to the `}` at the same indent.
fn functions(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = vec![];
    for (i, line) in lines.iter().enumerate() {
        let rest = line.trim_start();
        let indent = &line[..line.len() - rest.len()];
        let mut sig = rest;
        if let Some(r) = sig.strip_prefix("pub") {
            sig = match r.strip_prefix('(') {
                Some(r) => r.split_once(") ").map_or("", |(_, r)| r),
                None => r.trim_start(),
            };
        }
        sig = sig.strip_prefix("const ").unwrap_or(sig);
        let Some(name) = sig.strip_prefix("fn ") else {
            continue;
        };
        if line.ends_with('}') || line.ends_with(';') {
            continue;
        }
        let close = format!("{indent}}}");
        if let Some(n) = lines[i..].iter().position(|l| *l == close) {
            let name = name.split(['(', '<']).next().unwrap_or(name);
            out.push((name.to_string(), n + 1));
        }
    }
    out
}

#[test]
fn ui_functions_stay_short() {
    // A longer drawing function is split into named parts that return their actions.
    for f in ui_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        for (name, lines) in functions(&text) {
            assert!(lines <= 120, "{}: fn {name} has {lines} lines", f.display());
        }
    }
    let found =
        functions("pub fn a() {\n    x();\n}\npub(in crate::ui) fn b() -> u8 {\n    1\n}\n");
    assert_eq!(found, [("a".to_string(), 3), ("b".to_string(), 3)]);
}
