//! The layers of `src/` hold by rule, not by convention (issue 22): each module uses only
//! the crate modules below it. From the bottom: `files` and `clock` (nothing), `codec`
//! (text <-> bytes), `net` (socket workers only), `log`, `auto` (reply rules, Expect,
//! auto-send, pacing); the command line uses nothing of the window. Read from the source:
//! every `crate::NAME` path and `use crate::{…}` group outside comments, tests included.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A module (a folder or a file under `src/`) and the crate modules it may use besides itself.
const BELOW: &[(&str, &[&str])] = &[
    ("files", &[]),
    ("clock.rs", &[]),
    ("codec", &["clock"]),
    ("net", &["clock", "codec", "files"]),
    ("log", &["clock", "codec", "files", "net"]),
    ("auto", &["clock", "codec", "files", "log", "net"]),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(p: &Path, out: &mut Vec<PathBuf>) {
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            rust_files(&e.unwrap().path(), out);
        }
    } else if p.extension().is_some_and(|e| e == "rs") {
        out.push(p.to_path_buf());
    }
}

/// The code of a file without its comments (whole-line and trailing `//` comments).
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| l.split(" // ").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The crate modules `text` names: `crate::a::…`, and each item of `crate::{a, b::c, …}`.
fn used(text: &str) -> BTreeSet<String> {
    let code = code(text);
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = code[at + "crate::".len()..].trim_start();
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.insert(ident(item.trim()).to_string());
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                item.push(c);
            }
            out.insert(ident(item.trim()).to_string());
        } else {
            out.insert(ident(rest).to_string());
        }
    }
    out.remove("");
    out
}

fn module_of(name: &str) -> &str {
    name.strip_suffix(".rs").unwrap_or(name)
}

#[test]
fn each_layer_uses_only_the_layers_below_it() {
    let mut wrong = Vec::new();
    for (name, below) in BELOW {
        let mut files = Vec::new();
        rust_files(&src().join(name), &mut files);
        assert!(!files.is_empty(), "src/{name} has no Rust files");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for m in used(&text) {
                if m != module_of(name) && !below.contains(&m.as_str()) {
                    wrong.push(format!("{} uses crate::{m}", f.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that go up a layer:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_command_line_uses_nothing_of_the_window() {
    let dir = src().join("cli");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(
        files.len() >= 3,
        "src/cli/ holds the command line: {files:?}"
    );
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !used(&text).contains("ui"),
            "{} uses crate::ui",
            f.display()
        );
    }
}

#[test]
fn the_reader_of_imports_sees_paths_and_groups() {
    let text = "use crate::{codec::{self, Encoding}, net};\n// crate::ui in a comment\n\
                let x = crate::log::store::message(ev); // crate::i18n\n";
    let got: Vec<String> = used(text).into_iter().collect();
    assert_eq!(got, ["codec", "log", "net"]);
}
