//! A test sequence on the session runtime (the thread the window's tab uses), against a
//! std::net device on 127.0.0.1 with an OS-assigned port: run whole, it captures a token
//! and passes, including a close and a reconnect that restarts the TCP client; in step
//! mode it starts one step per Step; Stop ends it with the rest skipped.

use crate::support as common;

use common::*;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::sequence::Sequence;
use socket_tester::sequence::run::{Outcome, SequenceRun};
use socket_tester::session::Control;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// Per connection: "HELLO" → "TOKEN=<n>" (n = the connection's number), "AUTH <n>" → "OK".
fn device() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for (n, s) in l.incoming().enumerate() {
            let Ok(s) = s else { return };
            std::thread::spawn(move || {
                let mut w = s.try_clone().unwrap();
                for line in BufReader::new(s).lines().map_while(Result::ok) {
                    let reply = match line.as_str() {
                        "HELLO" => format!("TOKEN={}\n", n + 1),
                        l if l == format!("AUTH {}", n + 1) => "OK\n".into(),
                        _ => "NO\n".into(),
                    };
                    if w.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

const SEQ: &str = r#"
protocol = "tcp"
[[step]]
send = "HELLO\n"
[[step]]
expect_regex = "TOKEN=(?P<n>\\d+)"
[[step]]
send = "AUTH {n}\n"
[[step]]
expect = "OK"
[[step]]
close = true
[[step]]
connect = true
[[step]]
send = "HELLO\n"
[[step]]
expect_regex = "TOKEN=(?P<n>\\d+)"
[[step]]
send = "AUTH {n}\n"
[[step]]
expect = "OK"
"#;

fn connected_runtime(port: u16) -> socket_tester::session::Runtime {
    let rt = runtime(Role::TcpClient, None);
    rt.start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")),
        Default::default(),
        None,
    );
    wait_runtime(&rt, "connected", |st, _| {
        st.state == socket_tester::session::ConnState::Connected
    });
    rt
}

#[test]
fn a_sequence_runs_on_the_runtime_with_a_reconnect() {
    let rt = connected_runtime(device());
    let run = SequenceRun::new(Sequence::parse(SEQ).unwrap());
    rt.send(Control::StartSequence {
        run: Box::new(run),
        step: false,
    });
    let st = wait_runtime(&rt, "the sequence", |st, _| {
        st.sequence.as_ref().is_some_and(|s| !s.running)
    });
    let s = st.sequence.unwrap();
    assert!(s.passed, "{:#?}", s.results);
    assert_eq!(s.results.len(), 10);
    // The second connection's token: the device counted a new connection.
    assert_eq!(s.vars, vec![("n".to_string(), "2".to_string())]);
}

#[test]
fn step_mode_starts_one_step_per_step_and_stop_skips_the_rest() {
    let rt = connected_runtime(device());
    let run = SequenceRun::new(Sequence::parse(SEQ).unwrap());
    rt.send(Control::StartSequence {
        run: Box::new(run),
        step: true,
    });
    // The first step goes at once; then it waits for Step.
    let st = wait_runtime(&rt, "one step", |st, _| {
        st.sequence
            .as_ref()
            .is_some_and(|s| s.results.len() == 1 && s.paused)
    });
    assert_eq!(st.sequence.unwrap().results[0].outcome, Outcome::Passed);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(rt.view().status.sequence.as_ref().unwrap().results.len(), 1);
    rt.send(Control::StepSequence);
    wait_runtime(&rt, "the expect", |st, _| {
        st.sequence
            .as_ref()
            .is_some_and(|s| s.results.len() == 2 && s.paused)
    });
    rt.send(Control::StopSequence);
    let st = wait_runtime(&rt, "stopped", |st, _| {
        st.sequence.as_ref().is_some_and(|s| !s.running)
    });
    let s = st.sequence.unwrap();
    assert!(s.stopped && !s.passed);
    assert_eq!(s.results[2].outcome, Outcome::Failed);
    assert!(s.results[3..].iter().all(|r| r.outcome == Outcome::Skipped));
}
