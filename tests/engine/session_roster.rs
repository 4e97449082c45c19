//! The class roster on the TCP Server's runtime, on 127.0.0.1 with an OS-assigned port:
//! 40 std::net clients at once, in GBK — 30 send their student number and 你好 and read
//! the reply 收到啦我反馈, 4 send the wrong text, 3 say nothing, 3 leave at once. Each gets
//! its row: the 30 pass with their numbers, the 4 failed with the wrong text (and what they
//! sent), the 3 time out, the 3 left early; the CSV export has them all. Then the simple
//! form against what students really type.

use crate::support as common;

use common::*;
use socket_tester::codec::Encoding;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::Control;
use socket_tester::session::roster::{RosterCheck, RosterSpec, Verdict};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn forty_clients_are_checked_at_once() {
    let rt = socket_tester::session::Runtime::new(
        Role::TcpServer,
        socket_tester::session::RuntimeOptions {
            spool_dir: None,
            notify: None,
            encoding: Some(Encoding::GBK),
        },
    );
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").encoding(Encoding::GBK),
        Default::default(),
        None,
    );
    let st = wait_runtime(&rt, "listening", |st, _| st.local.is_some());
    let port = st.local.unwrap().port();
    rt.send(Control::StartRoster(Box::new(RosterSpec {
        check: RosterCheck::Regex(r"^(?P<id>\d{6})\s*你好".into()),
        reply: Some("收到啦我反馈".into()),
        within: Duration::from_secs(2),
    })));
    let (reply, _, _) = encoding_rs::GBK.encode("收到啦我反馈");
    let reply = reply.into_owned();
    let mut threads = Vec::new();
    for i in 0..40u32 {
        let reply = reply.clone();
        threads.push(std::thread::spawn(move || {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            match i {
                0..30 => {
                    let text = format!("2026{i:02} 你好");
                    let (m, _, _) = encoding_rs::GBK.encode(&text);
                    s.write_all(&m).unwrap();
                    let mut got = vec![0u8; reply.len()];
                    s.read_exact(&mut got).unwrap();
                    assert_eq!(got, reply);
                }
                30..34 => {
                    s.write_all(b"hello").unwrap();
                    std::thread::sleep(Duration::from_millis(2500));
                }
                34..37 => std::thread::sleep(Duration::from_millis(2500)),
                _ => {}
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    let st = wait_runtime(&rt, "every verdict", |st, _| {
        st.roster.as_ref().is_some_and(|r| {
            r.rows.len() == 40
                && r.rows
                    .iter()
                    .all(|x| !matches!(x.verdict, Verdict::Waiting | Verdict::Replying))
        })
    });
    let roster = st.roster.unwrap();
    let count = |v: Verdict| roster.rows.iter().filter(|r| r.verdict == v).count();
    assert_eq!(count(Verdict::Passed), 30);
    assert_eq!(count(Verdict::WrongText), 4);
    assert_eq!(count(Verdict::TimedOut), 3);
    assert_eq!(count(Verdict::LeftEarly), 3);
    let mut students: Vec<String> = roster
        .rows
        .iter()
        .filter_map(|r| r.student.clone())
        .collect();
    students.sort();
    assert_eq!(students.len(), 30);
    assert_eq!(students[0], "202600");
    assert_eq!(students[29], "202629");
    for r in roster.rows.iter().filter(|r| r.verdict == Verdict::Passed) {
        assert_eq!(r.tx_bytes, 12, "the reply, once");
        assert!(r.took.is_some_and(|d| d < Duration::from_secs(2)));
    }
    for r in roster
        .rows
        .iter()
        .filter(|r| r.verdict == Verdict::WrongText)
    {
        assert_eq!(r.message.as_deref(), Some("hello"), "what the student sent");
    }
    let csv = socket_tester::i18n_export::roster_csv(&roster, socket_tester::i18n::Lang::En);
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    assert_eq!(csv.lines().count(), 41);
    assert_eq!(csv.matches(",passed,").count(), 30);
    assert_eq!(
        csv.matches(",hello,failed: wrong text,").count(),
        4,
        "{csv}"
    );
    assert!(csv.contains(",failed: sent nothing in time,"));
    let zh = socket_tester::i18n_export::roster_csv(&roster, socket_tester::i18n::Lang::Zh);
    assert!(
        zh.starts_with("\u{feff}客户端,地址,学号,发送的内容,结果,"),
        "{zh}"
    );
    assert_eq!(zh.matches(",通过,").count(), 30);
    assert_eq!(zh.matches("未通过：文字不对").count(), 4);
    rt.send(Control::StopRoster);
    wait_runtime(&rt, "stopped", |st, _| {
        st.roster
            .as_ref()
            .is_some_and(|r| !r.running && r.rows.len() == 40)
    });
}

/// A GBK roster runtime with the simple form (你好 with a student number, 2 s each).
fn simple_roster() -> (socket_tester::session::Runtime, u16) {
    let rt = socket_tester::session::Runtime::new(
        Role::TcpServer,
        socket_tester::session::RuntimeOptions {
            spool_dir: None,
            notify: None,
            encoding: Some(Encoding::GBK),
        },
    );
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").encoding(Encoding::GBK),
        Default::default(),
        None,
    );
    let st = wait_runtime(&rt, "listening", |st, _| st.local.is_some());
    rt.send(Control::StartRoster(Box::new(RosterSpec {
        check: RosterCheck::Text {
            text: "你好".into(),
            number: true,
        },
        reply: None,
        within: Duration::from_secs(2),
    })));
    wait_runtime(&rt, "checking", |st, _| st.roster.is_some());
    (rt, st.local.unwrap().port())
}

#[test]
fn the_simple_form_takes_what_students_type_and_tells_failures_apart() {
    let (rt, port) = simple_roster();
    // In connection order: (what the student sends, close at once after sending).
    let students: [(Option<&str>, bool); 7] = [
        (Some("学号:2024001 你好"), false),
        (Some("2024002 你好"), false),
        (Some("2024003你好"), false),
        (Some("2024004 hello"), false),
        (Some("你好"), false),
        (None, true),
        (None, false),
    ];
    let mut held = Vec::new();
    for (i, (msg, leave)) in students.iter().enumerate() {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        // Each accepted in turn, so client ids follow this order.
        wait_runtime(&rt, "accepted", |st, _| {
            st.roster.as_ref().is_some_and(|r| r.rows.len() > i)
        });
        if let Some(m) = msg {
            let (b, _, _) = encoding_rs::GBK.encode(m);
            s.write_all(&b).unwrap();
        }
        if *leave {
            drop(s);
        } else {
            held.push(s);
        }
    }
    let st = wait_runtime(&rt, "every verdict", |st, _| {
        st.roster.as_ref().is_some_and(|r| {
            r.rows.len() == 7 && r.rows.iter().all(|x| x.verdict != Verdict::Waiting)
        })
    });
    let rows = &st.roster.unwrap().rows;
    let got: Vec<(Verdict, Option<&str>, Option<&str>)> = rows
        .iter()
        .map(|r| {
            (
                r.verdict.clone(),
                r.student.as_deref(),
                r.message.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Verdict::Passed, Some("2024001"), Some("学号:2024001 你好")),
            (Verdict::Passed, Some("2024002"), Some("2024002 你好")),
            (Verdict::Passed, Some("2024003"), Some("2024003你好")),
            (Verdict::WrongText, Some("2024004"), Some("2024004 hello")),
            (Verdict::NoNumber, None, Some("你好")),
            (Verdict::LeftEarly, None, None),
            (Verdict::TimedOut, None, None),
        ]
    );
    // A student who got it wrong may send again and pass.
    let (b, _, _) = encoding_rs::GBK.encode(" 你好");
    held[3].write_all(&b).unwrap();
    let st = wait_runtime(&rt, "the second try", |st, _| {
        st.roster
            .as_ref()
            .is_some_and(|r| r.rows[3].verdict == Verdict::Passed)
    });
    assert_eq!(
        st.roster.unwrap().rows[3].student.as_deref(),
        Some("2024004")
    );
}

/// A GBK class on a UTF-8 tab: students fail as wrong text; the teacher switches the tab
/// to GBK and the roster reads what they sent again: they pass and get the reply in GBK.
#[test]
fn switching_the_encoding_reads_the_students_again() {
    let rt = socket_tester::session::Runtime::new(
        Role::TcpServer,
        socket_tester::session::RuntimeOptions {
            spool_dir: None,
            notify: None,
            encoding: Some(Encoding::UTF_8),
        },
    );
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        Default::default(),
        None,
    );
    let st = wait_runtime(&rt, "listening", |st, _| st.local.is_some());
    let port = st.local.unwrap().port();
    rt.send(Control::StartRoster(Box::new(RosterSpec {
        check: RosterCheck::Text {
            text: "你好".into(),
            number: true,
        },
        reply: Some("收到啦我反馈".into()),
        within: Duration::from_secs(20),
    })));
    wait_runtime(&rt, "checking", |st, _| st.roster.is_some());
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let (b, _, _) = encoding_rs::GBK.encode("学号:2024001 你好");
    s.write_all(&b).unwrap();
    wait_runtime(&rt, "wrong text in UTF-8", |st, _| {
        st.roster.as_ref().is_some_and(|r| {
            r.rows
                .first()
                .is_some_and(|x| x.verdict == Verdict::WrongText)
        })
    });
    rt.send(Control::SetEncoding(Encoding::GBK));
    let st = wait_runtime(&rt, "passed in GBK", |st, _| {
        st.roster
            .as_ref()
            .is_some_and(|r| r.rows.first().is_some_and(|x| x.verdict == Verdict::Passed))
    });
    let row = st.roster.unwrap().rows[0].clone();
    assert_eq!(row.student.as_deref(), Some("2024001"));
    assert_eq!(row.message.as_deref(), Some("学号:2024001 你好"));
    let want = encoding_rs::GBK.encode("收到啦我反馈").0.into_owned();
    let mut got = vec![0u8; want.len()];
    s.read_exact(&mut got).unwrap();
    assert_eq!(got, want, "the reply in GBK");
}
