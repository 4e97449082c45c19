//! A crowd's test sequence on the session runtime, against std::net peers: each member
//! runs its own sequence, fed only its own bytes, sending and closing only itself.

use crate::support::{runtime, wait_runtime};
use socket_tester::net::crowd::CrowdConfig;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::sequence::Sequence;
use socket_tester::sequence::run::{Failure, SequenceRun};
use socket_tester::session::Control;
use socket_tester::session::crowd::seq::{FailKind, MemberOutcome};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpListener;
use std::time::Duration;

const SEQ: &str = r#"
name = "isolated"
protocol = "tcp"
[[step]]
send = "HI\n"
[[step]]
expect = "GO"
timeout = "1500ms"
[[step]]
close = true
"#;

#[test]
fn a_reply_to_one_member_advances_only_that_member() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let rt = runtime(Role::TcpClient, None);
    // Paced: the listener accepts them in the order they open (the k-th is member k).
    let crowd = CrowdConfig::new(4, Some(10.0)).unwrap();
    rt.start(
        SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd),
        Default::default(),
        None,
    );
    rt.send(Control::StartSequence {
        run: Box::new(SequenceRun::new(Sequence::parse(SEQ).unwrap())),
        step: false,
    });
    let mut peers = Vec::new();
    for _ in 0..4 {
        let (mut s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut hi = [0u8; 3];
        s.read_exact(&mut hi).unwrap();
        assert_eq!(&hi, b"HI\n");
        peers.push(s);
    }
    // Only member 3 is answered.
    peers[2].write_all(b"GO").unwrap();
    let st = wait_runtime(&rt, "every member's end", |st, _| {
        st.crowd_sequence.as_ref().is_some_and(|s| s.failed == 3)
    });
    let v = st.crowd_sequence.unwrap();
    assert_eq!((v.passed, v.failed, v.running), (1, 3, 0), "{v:?}");
    assert_eq!(v.by_step.len(), 1, "{:?}", v.by_step);
    let row = &v.by_step[0];
    assert_eq!((row.step, row.kind, row.count), (1, FailKind::TimedOut, 3));
    // Member 3's close step closed it alone; the others stay open.
    let mut buf = [0u8; 8];
    assert_eq!(peers[2].read(&mut buf).unwrap(), 0, "member 3 closed");
    for (i, p) in peers.iter_mut().enumerate().filter(|(i, _)| *i != 2) {
        p.set_read_timeout(Some(Duration::from_millis(150)))
            .unwrap();
        match p.read(&mut buf) {
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            other => panic!("member {} was not left open: {other:?}", i + 1),
        }
    }
    rt.send(Control::Stop);
    let st = wait_runtime(&rt, "the report", |st, _| {
        st.crowd_sequence
            .as_ref()
            .is_some_and(|s| s.members.is_some())
    });
    let members = st.crowd_sequence.unwrap().members.clone().unwrap();
    assert_eq!(members[2], MemberOutcome::Passed);
    // Member 4 saw none of member 3's bytes.
    assert_eq!(
        members[3],
        MemberOutcome::Failed(1, Failure::NoReply { arrived: 0 })
    );
}

#[test]
fn members_that_never_open_do_not_finish() {
    // A port nobody listens on: every connect is refused.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let rt = runtime(Role::TcpClient, None);
    let crowd = CrowdConfig::new(5, None).unwrap();
    rt.start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).crowd(crowd),
        Default::default(),
        None,
    );
    rt.send(Control::StartSequence {
        run: Box::new(SequenceRun::new(Sequence::parse(SEQ).unwrap())),
        step: false,
    });
    let st = wait_runtime(&rt, "done", |st, _| {
        st.crowd_sequence.as_ref().is_some_and(|s| s.done)
    });
    let v = st.crowd_sequence.unwrap();
    assert_eq!((v.passed, v.failed, v.not_finished), (0, 0, 5), "{v:?}");
    assert!(!v.all_passed());
}
