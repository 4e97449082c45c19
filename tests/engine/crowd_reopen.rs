//! A crowd's member opened again (`Command::CrowdReopen`, a sequence's `connect` step) on
//! the session runtime, against std::net and Python peers: the other members and their
//! counts are left alone, a UDP source gets a new port, a connect step while open opens a
//! new connection, and a reconnect that is refused fails that member.

use crate::support::{PyLines, runtime, wait_runtime};
use socket_tester::net::crowd::CrowdConfig;
use socket_tester::net::{Command, ErrorKind, Payload, Role, SessionConfig, Target};
use socket_tester::sequence::Sequence;
use socket_tester::sequence::run::SequenceRun;
use socket_tester::session::crowd::CrowdView;
use socket_tester::session::crowd::seq::{FailKind, MemberOutcome};
use socket_tester::session::{Control, Runtime, Status};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

fn crowd_of(st: &Status) -> CrowdView {
    st.crowd.as_deref().cloned().unwrap_or_default()
}

fn send_to(rt: &Runtime, id: u64, bytes: &[u8]) {
    rt.send(Control::Worker(Command::Send {
        payload: Payload::Bytes(bytes.to_vec()),
        to: Target::Client(id),
    }));
}

fn read_n(s: &mut TcpStream, n: usize) -> Vec<u8> {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut b = vec![0u8; n];
    s.read_exact(&mut b).unwrap();
    b
}

#[test]
fn reopening_member_three_leaves_member_four_alone() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let rt = runtime(Role::TcpClient, None);
    // Paced: the listener accepts them in the order they open (the k-th is member k).
    let crowd = CrowdConfig::new(5, Some(20.0)).unwrap();
    rt.start(
        SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd),
        Default::default(),
        None,
    );
    let mut peers: Vec<TcpStream> = (0..5).map(|_| l.accept().unwrap().0).collect();
    wait_runtime(&rt, "five open", |st, _| crowd_of(st).open == 5);
    // Member 4 sends and is answered before member 3 opens again.
    send_to(&rt, 4, b"four");
    assert_eq!(read_n(&mut peers[3], 4), b"four");
    let port4 = peers[3].peer_addr().unwrap().port();
    peers[3].write_all(b"back").unwrap();
    wait_runtime(&rt, "member 4's reply", |st, _| crowd_of(st).replies == 1);

    rt.send(Control::Worker(Command::CrowdReopen(3)));
    let (mut new3, _) = l.accept().unwrap();
    // The old connection of member 3 was closed (the new one is the accept above).
    let mut buf = [0u8; 8];
    peers[2]
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(
        peers[2].read(&mut buf).unwrap(),
        0,
        "member 3's old connection"
    );
    let st = wait_runtime(&rt, "member 3 open again", |st, _| {
        let c = crowd_of(st);
        c.opened == 6 && c.open == 5
    });
    let c = crowd_of(&st);
    assert_eq!(
        (c.opened, c.closed, c.open, c.max_open, c.reopens),
        (6, 1, 5, 5, 1),
        "{c:?}"
    );
    assert_eq!((c.failed.total(), c.errors.total()), (0, 0), "{c:?}");
    assert_eq!((c.sends, c.replies), (1, 1), "{c:?}");

    // Member 4's connection is the same one, and still carries bytes both ways.
    assert_eq!(peers[3].peer_addr().unwrap().port(), port4);
    send_to(&rt, 4, b"still");
    assert_eq!(read_n(&mut peers[3], 5), b"still");
    peers[3].write_all(b"yes").unwrap();
    wait_runtime(&rt, "member 4's second reply", |st, _| {
        crowd_of(st).replies == 2
    });
    // Member 3's bytes go to its new connection alone.
    send_to(&rt, 3, b"three");
    assert_eq!(read_n(&mut new3, 5), b"three");
    for (i, p) in peers.iter_mut().enumerate().filter(|(i, _)| *i != 2) {
        p.set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        assert!(p.read(&mut buf).is_err(), "member {} read bytes", i + 1);
    }
    let c = crowd_of(&wait_runtime(&rt, "three sends", |st, _| {
        crowd_of(st).sends == 3
    }));
    assert_eq!((c.opened, c.closed, c.open), (6, 1, 5), "{c:?}");
    rt.send(Control::Stop);
}

/// A UDP echo that prints how many distinct source ports it saw once none came for a
/// second.
const UDP_PORTS: &str = r#"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print("PORT", s.getsockname()[1], flush=True)
s.settimeout(1.0); ports = set()
try:
    while True:
        d, a = s.recvfrom(65536); ports.add(a[1]); s.sendto(d, a)
except socket.timeout: pass
print("PORTS", len(ports), flush=True)
"#;

#[test]
fn a_reopened_udp_source_sends_from_a_new_port() {
    let mut py = std::process::Command::new("python3")
        .args(["-c", UDP_PORTS])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let mut lines = PyLines::new(py.stdout.take().expect("stdout"));
    let port = lines.until("PORT ")["PORT ".len()..].to_string();
    let rt = runtime(Role::UdpSender, None);
    let crowd = CrowdConfig::new(10, None).unwrap();
    rt.start(
        SessionConfig::new(Role::UdpSender, format!("127.0.0.1:{port}")).crowd(crowd),
        Default::default(),
        None,
    );
    wait_runtime(&rt, "ten bound", |st, _| crowd_of(st).open == 10);
    let all = |rt: &Runtime| {
        rt.send(Control::Worker(Command::Send {
            payload: Payload::Bytes(b"hi".to_vec()),
            to: Target::AllClients,
        }))
    };
    all(&rt);
    wait_runtime(&rt, "ten replies", |st, _| crowd_of(st).replies == 10);
    for id in 1..=10 {
        rt.send(Control::Worker(Command::CrowdReopen(id)));
    }
    wait_runtime(&rt, "ten bound again", |st, _| {
        let c = crowd_of(st);
        c.opened == 20 && c.open == 10
    });
    all(&rt);
    // The echo answers each new port: its reply reaches the new socket.
    let st = wait_runtime(&rt, "ten more replies", |st, _| crowd_of(st).replies == 20);
    let c = crowd_of(&st);
    assert_eq!(
        (c.opened, c.closed, c.open, c.max_open, c.reopens),
        (20, 10, 10, 10, 10),
        "{c:?}"
    );
    assert_eq!(c.failed.total(), 0, "{c:?}");
    // Two ports a source: its first, and the one it was bound to again.
    assert_eq!(lines.until("PORTS "), "PORTS 20");
    rt.send(Control::Stop);
    let _ = py.wait();
}

/// A sequence that opens its connection again at once (connect while open), then talks.
const CONNECT_FIRST: &str = r#"
name = "again"
protocol = "tcp"
[[step]]
connect = true
[[step]]
send = "HI\n"
[[step]]
expect = "HI"
timeout = "3s"
"#;

#[test]
fn a_connect_step_while_open_opens_a_new_connection() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let rt = runtime(Role::TcpClient, None);
    let crowd = CrowdConfig::new(3, None).unwrap();
    rt.start(
        SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd),
        Default::default(),
        None,
    );
    let first: Vec<TcpStream> = (0..3).map(|_| l.accept().unwrap().0).collect();
    wait_runtime(&rt, "three open", |st, _| crowd_of(st).open == 3);
    rt.send(Control::StartSequence {
        run: Box::new(SequenceRun::new(Sequence::parse(CONNECT_FIRST).unwrap())),
        step: false,
    });
    // Each member's connect closes its first connection and opens a new one, which gets
    // the send; the first ones get nothing and are closed.
    let mut again: Vec<TcpStream> = (0..3).map(|_| l.accept().unwrap().0).collect();
    for s in &mut again {
        assert_eq!(read_n(s, 3), b"HI\n");
        s.write_all(b"HI\n").unwrap();
    }
    for mut s in first {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(s.read(&mut buf).unwrap(), 0, "the first connection closed");
    }
    let st = wait_runtime(&rt, "every member's end", |st, _| {
        st.crowd_sequence.as_ref().is_some_and(|s| s.done)
    });
    let v = st.crowd_sequence.clone().unwrap();
    assert_eq!((v.passed, v.failed, v.not_finished), (3, 0, 0), "{v:?}");
    let c = crowd_of(&st);
    assert_eq!(
        (c.opened, c.closed, c.open, c.reopens),
        (6, 3, 3, 3),
        "{c:?}"
    );
    rt.send(Control::Stop);
}

/// Close, then connect to a server that has gone: the connect step fails that member
/// (`did not connect`), counted among the crowd's failed opens.
const CLOSE_CONNECT: &str = r#"
name = "gone"
protocol = "tcp"
[[step]]
close = true
[[step]]
connect = true
[[step]]
send = "HI\n"
"#;

#[test]
fn a_refused_reconnect_fails_that_member() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let rt = runtime(Role::TcpClient, None);
    let crowd = CrowdConfig::new(2, None).unwrap();
    rt.start(
        SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd),
        Default::default(),
        None,
    );
    let first: Vec<TcpStream> = (0..2).map(|_| l.accept().unwrap().0).collect();
    wait_runtime(&rt, "two open", |st, _| crowd_of(st).open == 2);
    // Nobody listens any more: the reconnects are refused.
    drop(l);
    rt.send(Control::StartSequence {
        run: Box::new(SequenceRun::new(Sequence::parse(CLOSE_CONNECT).unwrap())),
        step: false,
    });
    let st = wait_runtime(&rt, "every member's end", |st, _| {
        st.crowd_sequence
            .as_ref()
            .is_some_and(|s| s.members.is_some())
    });
    let v = st.crowd_sequence.clone().unwrap();
    assert_eq!((v.passed, v.failed), (0, 2), "{v:?}");
    assert_eq!(v.by_step.len(), 1, "{:?}", v.by_step);
    let row = &v.by_step[0];
    assert_eq!(
        (row.step, row.kind, row.count),
        (1, FailKind::NotConnected, 2)
    );
    assert_eq!(row.english(), "step 2 connect did not connect");
    let members = v.members.clone().unwrap();
    assert!(
        members
            .iter()
            .all(|m| matches!(m, MemberOutcome::Failed(1, _))),
        "{members:?}"
    );
    let c = crowd_of(&wait_runtime(&rt, "the failed opens counted", |st, _| {
        crowd_of(st).failed.total() == 2
    }));
    assert_eq!(c.failed.get(ErrorKind::Refused), 2, "{c:?}");
    assert_eq!((c.opened, c.closed, c.reopens), (2, 2, 2), "{c:?}");
    assert!(c.any_failed());
    drop(first);
    rt.send(Control::Stop);
}
