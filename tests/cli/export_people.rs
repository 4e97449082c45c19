//! `socket-tester export` for people: a TCP session with GBK text recorded against a
//! std::net peer, exported as a teacher opens it — the events' words in the
//! chosen language, local time with its UTC offset (TZ=CST-8, a POSIX zone string that needs no tzdata: +08:00), and a
//! UTF-8 BOM on CSV — and with `--utc` and `--no-bom` as recorded.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_socket-tester"));
    c.env("TZ", "CST-8").env("LC_ALL", "C.UTF-8");
    c
}

/// Records a TCP client saying 你好 (GBK) to a peer that answers 收到啦我反馈 and closes.
fn record(dir: &Path) -> PathBuf {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut buf = [0u8; 4];
        s.read_exact(&mut buf).unwrap();
        s.write_all(&[
            0xca, 0xd5, 0xb5, 0xbd, 0xc0, 0xb2, 0xce, 0xd2, 0xb7, 0xb4, 0xc0, 0xa1,
        ])
        .unwrap();
        buf
    });
    let rec = dir.join("lesson.jsonl");
    let o = bin()
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args([
            "--send",
            "你好",
            "--encoding",
            "gbk",
            "--count",
            "1",
            "--headless",
        ])
        .arg("--record")
        .arg(&rec)
        .output()
        .unwrap();
    assert_eq!(
        peer.join().unwrap(),
        [0xc4, 0xe3, 0xba, 0xc3],
        "你好 in GBK"
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    rec
}

fn export(rec: &Path, out: &Path, extra: &[&str]) -> String {
    let o = bin()
        .arg("export")
        .arg(rec)
        .arg("--to")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(std::fs::read(out).unwrap()).unwrap()
}

/// The `ts` of the record's first line.
fn first_ts(rec: &Path) -> String {
    let text = std::fs::read_to_string(rec).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    v["ts"].as_str().unwrap().to_string()
}

#[test]
fn chinese_csv_has_a_bom_chinese_headers_words_and_local_time() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record(dir.path());
    let csv = export(&rec, &dir.path().join("课堂.csv"), &["--lang", "zh-CN"]);
    assert!(csv.starts_with("\u{feff}时间,会话,事件,"), "{csv}");
    assert!(csv.contains("收到啦我反馈"), "{csv}");
    assert!(
        csv.contains("已连接"),
        "the connect is worded in Chinese: {csv}"
    );
    assert!(!csv.contains("connected "), "{csv}");
    // Local time with its offset, the same instant as the record's UTC.
    let utc = chrono::DateTime::parse_from_rfc3339(&first_ts(&rec)).unwrap();
    let row = csv.lines().nth(1).unwrap();
    let shown = row.split(',').next().unwrap();
    assert!(shown.ends_with(" +08:00"), "{shown}");
    let back = chrono::DateTime::parse_from_str(shown, "%Y-%m-%d %H:%M:%S%.6f %:z").unwrap();
    assert_eq!(back, utc);
}

#[test]
fn chinese_txt_words_events_and_keeps_the_gbk_text() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record(dir.path());
    let txt = export(&rec, &dir.path().join("课堂.txt"), &["--lang", "zh-CN"]);
    assert!(
        txt.contains("你好") && txt.contains("收到啦我反馈"),
        "{txt}"
    );
    assert!(txt.contains("已连接"), "{txt}");
    assert!(
        !txt.contains("[connected]") && !txt.contains("Z  "),
        "{txt}"
    );
    assert!(
        txt.lines()
            .all(|l| l.starts_with("20") && l.contains(" +08:00  ")),
        "{txt}"
    );
}

#[test]
fn utc_and_no_bom_give_the_record_s_own_time_and_plain_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record(dir.path());
    let csv = export(
        &rec,
        &dir.path().join("o.csv"),
        &["--lang", "en", "--utc", "--no-bom"],
    );
    assert!(csv.starts_with("ts (UTC),session,event,"), "{csv}");
    let row = csv.lines().nth(1).unwrap();
    assert_eq!(row.split(',').next().unwrap(), first_ts(&rec));
    assert!(csv.contains("connected "), "English words: {csv}");
}

#[test]
fn json_lines_stays_english_and_utc_whatever_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let rec = record(dir.path());
    let out = export(&rec, &dir.path().join("o.jsonl"), &["--lang", "zh-CN"]);
    assert!(!out.starts_with('\u{feff}'));
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["ts"].as_str().unwrap(), first_ts(&rec));
    assert!(!out.contains("已连接"), "{out}");
}

#[test]
fn a_bad_language_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("none.jsonl");
    let o = bin()
        .arg("export")
        .arg(&rec)
        .args(["--to", "x.txt", "--lang", "fr"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give en or zh-CN"));
}
