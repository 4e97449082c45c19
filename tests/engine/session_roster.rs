//! The class roster on the TCP Server's runtime, on 127.0.0.1 with an OS-assigned port:
//! 40 std::net clients at once, in GBK — 30 send their student number and 你好 and read
//! the reply 收到啦我反馈, 4 send the wrong text, 3 say nothing, 3 leave at once. Each gets
//! its row: the 30 pass with their numbers, the 7 time out, the 3 left early; the CSV
//! export has them all.

use crate::support as common;

use common::*;
use socket_tester::auto::rules::Matcher;
use socket_tester::codec::Encoding;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::Control;
use socket_tester::session::roster::{RosterSpec, Verdict};
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
        expect: Matcher::Regex(r"^(?P<id>\d{6})\s*你好".into()),
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
    assert_eq!(count(Verdict::TimedOut), 7);
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
    let csv = roster.csv();
    assert_eq!(csv.lines().count(), 41);
    assert_eq!(csv.matches(",passed,").count(), 30);
    assert!(csv.contains(",failed: no matching message in time,"));
    rt.send(Control::StopRoster);
    wait_runtime(&rt, "stopped", |st, _| {
        st.roster
            .as_ref()
            .is_some_and(|r| !r.running && r.rows.len() == 40)
    });
}
