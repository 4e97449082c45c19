//! Exports never destroy data: `socket-tester export` (the real binary) refuses an output
//! that is its own input (the same path, a symlink or a hard link to it) with exit code 2
//! and leaves the input byte for byte as it was; an export that fails half way (a file-size
//! limit, a read error in the input) leaves an existing output as it was and no temporary
//! file behind; a successful one replaces it. Save log… (the window's path) refuses its own
//! spool the same way.

use socket_tester::codec::Encoding;
use socket_tester::log::RecordWriter;
use socket_tester::log::export::{Format, export};
use socket_tester::log::record::read_records;
use socket_tester::net::{Event, EventKind, Role};
use socket_tester::ui::{ExportSource as Source, export_session};
use std::path::Path;
use std::process::{Command, Output};

/// A JSON Lines record of `n` received datagrams, each naming its number.
fn record(path: &Path, n: u32) {
    let mut w = RecordWriter::create(path, Encoding::UTF_8, socket_tester::i18n::english).unwrap();
    for i in 0..n {
        w.write_event(&Event {
            ts_us: 1_700_000_000_000_000 + i64::from(i),
            role: Role::UdpReceiver,
            local: Some("127.0.0.1:9000".parse().unwrap()),
            peer: Some("127.0.0.1:9001".parse().unwrap()),
            client: None,
            kind: EventKind::Rx(format!("datagram {i:05} ").repeat(20).into_bytes()),
            opcode: None,
        })
        .unwrap();
    }
}

fn export_cmd(input: &Path, output: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_socket-tester"));
    // English whatever the machine's language (the words are checked below).
    c.arg("export").arg(input).arg("--to").arg(output);
    c.env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LC_MESSAGES");
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Names in `dir` that are not in `expected` (temporary files left behind).
fn extra_files(dir: &Path, expected: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !expected.contains(&n.as_str()))
        .collect()
}

#[test]
fn exporting_a_file_onto_itself_is_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    record(&input, 50);
    let before = std::fs::read(&input).unwrap();
    assert!(before.len() > 10_000);
    let via_dots = dir.path().join(".").join("x.jsonl");
    for out in [&input, &via_dots] {
        let o = export_cmd(&input, out).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("is the input file") && e.contains("x.jsonl"),
            "{e}"
        );
        assert!(!e.contains("exported"), "{e}");
        assert_eq!(
            std::fs::read(&input).unwrap(),
            before,
            "the input is untouched"
        );
    }
    assert!(extra_files(dir.path(), &["x.jsonl"]).is_empty());
}

#[cfg(unix)]
#[test]
fn symlinks_and_hard_links_to_the_input_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    record(&input, 50);
    let before = std::fs::read(&input).unwrap();
    let soft = dir.path().join("soft.jsonl");
    std::os::unix::fs::symlink("x.jsonl", &soft).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    // Each link as the output, and as the input with the real name as the output.
    for (i, o) in [
        (&input, &soft),
        (&input, &hard),
        (&soft, &input),
        (&hard, &input),
    ] {
        let out = export_cmd(i, o).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{i:?} -> {o:?}: {}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("is the input file"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&input).unwrap(), before);
    }
    assert!(
        std::fs::symlink_metadata(&soft)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(extra_files(dir.path(), &["x.jsonl", "soft.jsonl", "hard.jsonl"]).is_empty());
}

#[test]
fn a_successful_export_replaces_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    record(&input, 30);
    let out = dir.path().join("out.csv");
    std::fs::write(&out, "stale contents that must go\n").unwrap();
    let o = export_cmd(&input, &out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("exported 30 events"), "{}", stderr(&o));
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(!csv.contains("stale"));
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 31, "a header and one row per event");
    // A byte-order mark first, so Excel reads the file as UTF-8.
    assert!(
        lines[0].starts_with("\u{feff}ts,session,event,"),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("datagram 00000"));
    assert!(lines[30].contains("datagram 00029"));
    assert!(extra_files(dir.path(), &["in.jsonl", "out.csv"]).is_empty());
}

/// The export runs under a 64 KiB file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored), so the
/// write that crosses it fails with EFBIG half way through, as a full quota would.
#[cfg(target_os = "linux")]
#[test]
fn an_export_that_fails_half_way_leaves_the_old_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    record(&input, 2000);
    for name in ["out.txt", "out.csv", "out.jsonl", "out.pcapng", "out.html"] {
        let out = dir.path().join(name);
        let old = format!("the previous {name}, which must survive\n").repeat(100);
        std::fs::write(&out, &old).unwrap();
        let mut c = export_cmd(&input, &out);
        crate::support::limit_file_size(&mut c, 64 * 1024);
        let o = c.output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(e.contains("failed") && e.contains(name), "{name}: {e}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), old, "{name}");
        assert!(
            extra_files(dir.path(), &["in.jsonl", name]).is_empty(),
            "no temporary file is left: {:?}",
            extra_files(dir.path(), &["in.jsonl", name])
        );
        std::fs::remove_file(&out).unwrap();
    }
    // Without the limit the same export succeeds (the limit was the only cause).
    let out = dir.path().join("out.txt");
    let o = export_cmd(&input, &out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::metadata(&out).unwrap().len() > 64 * 1024);
}

/// Gives `good` bytes, then fails as a dying disk does (EIO), every time it is asked again.
struct FailsAfter {
    good: std::io::Cursor<Vec<u8>>,
    asked_after: u32,
}

impl std::io::Read for FailsAfter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.good.read(buf)?;
        if n > 0 {
            return Ok(n);
        }
        self.asked_after += 1;
        assert!(self.asked_after < 100, "the reader is asked forever");
        Err(std::io::Error::from_raw_os_error(5))
    }
}

#[test]
fn a_read_error_in_the_input_ends_the_records_and_marks_the_export_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    record(&input, 10);
    let text = std::fs::read(&input).unwrap();
    // Seven whole lines, then the disk fails.
    let cut = text
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(6)
        .map(|(i, _)| i + 1)
        .unwrap();
    let r = FailsAfter {
        good: std::io::Cursor::new(text[..cut].to_vec()),
        asked_after: 0,
    };
    let mut out = Vec::new();
    let report = export(read_records(r), &mut out, Format::Csv, None).unwrap();
    assert_eq!(report.events, 7);
    assert_eq!(report.bad_lines.len(), 1, "one error, then the records end");
    let bad = report.unreadable().expect("the read error is fatal");
    assert_eq!(bad.line, 8);
    // A bad line is not fatal: the rest still converts.
    let mut mixed = text[..cut].to_vec();
    mixed.extend_from_slice(b"{not json\n");
    mixed.extend_from_slice(&text[cut..]);
    let report = export(read_records(&mixed[..]), &mut Vec::new(), Format::Csv, None).unwrap();
    assert_eq!((report.events, report.bad_lines.len()), (10, 1));
    assert!(report.unreadable().is_none());
}

#[cfg(unix)]
#[test]
fn save_log_refuses_to_write_over_its_own_spool() {
    let dir = tempfile::tempdir().unwrap();
    let spool = dir.path().join("udp-recv.jsonl");
    record(&spool, 20);
    let before = std::fs::read(&spool).unwrap();
    let link = dir.path().join("chosen.jsonl");
    std::os::unix::fs::symlink(&spool, &link).unwrap();
    for out in [&spool, &link] {
        let r = export_session(
            Source::Spool {
                path: spool.clone(),
                sync: Box::new(|| true),
                skip: 0,
            },
            out,
            Encoding::UTF_8,
            socket_tester::i18n::Lang::En,
        );
        let e = r.unwrap_err();
        assert!(e.contains("is this session's own log file"), "{e}");
        assert_eq!(std::fs::read(&spool).unwrap(), before);
    }
    // To another file it saves every event.
    let other = dir.path().join("saved.jsonl");
    std::fs::write(&other, "old\n").unwrap();
    let r = export_session(
        Source::Spool {
            path: spool.clone(),
            sync: Box::new(|| true),
            skip: 0,
        },
        &other,
        Encoding::UTF_8,
        socket_tester::i18n::Lang::En,
    );
    assert!(r.unwrap().contains("saved 20 events"));
    let saved = std::fs::read_to_string(&other).unwrap();
    assert_eq!(saved.lines().count(), 20);
    assert!(saved.contains("datagram 00019"));
}

/// Bad input or usage is exit 2, like `run` and `replay`: a missing input, an output whose
/// name gives no format. Nothing is written.
#[test]
fn a_missing_input_or_an_unknown_format_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let out = dir.path().join("out.csv");
    let o = export_cmd(&missing, &out).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    assert!(!out.exists());
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "").unwrap();
    let xyz = dir.path().join("out.xyz");
    let o = export_cmd(&input, &xyz).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot tell the format"),
        "{}",
        stderr(&o)
    );
    assert!(!xyz.exists());
}

#[test]
fn a_damaged_record_is_refused_naming_the_line_unless_skip_bad() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("r.jsonl");
    record(&rec, 5);
    // One line's hex damaged, as a user's editor might.
    let text = std::fs::read_to_string(&rec).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines.iter().position(|l| l.contains("\"hex\":\"")).unwrap();
    let h = lines[at].find("\"hex\":\"").unwrap() + 7;
    lines[at].replace_range(h..h + 2, "zz");
    std::fs::write(&rec, lines.join("\n") + "\n").unwrap();
    let out = dir.path().join("out.csv");
    let o = export_cmd(&rec, &out).output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("line {}", at + 1)),
        "names the line: {err}"
    );
    assert!(!out.exists(), "nothing written");
    let o = export_cmd(&rec, &out).arg("--skip-bad").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("skipped 1 unreadable"), "{err}");
    assert!(out.exists());
    // Random bytes are no record, even with --skip-bad: nothing written.
    let junk = dir.path().join("junk.jsonl");
    std::fs::write(
        &junk,
        (0..4096u32)
            .map(|i| (i * 7919 % 251) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let out2 = dir.path().join("junk.csv");
    let o = export_cmd(&junk, &out2).arg("--skip-bad").output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("is not a record"), "{err}");
    assert!(!out2.exists(), "no empty file left");
}
