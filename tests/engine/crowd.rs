//! The crowd worker (`SessionConfig::crowd`) against std::net peers: the ramp paces the
//! connects, a send to one connection reaches only that one, Stop closes every one.

use crate::support::Watch;
use socket_tester::net::crowd::CrowdConfig;
use socket_tester::net::{CloseReason, Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

fn crowd(n: u64, ramp: Option<f64>) -> CrowdConfig {
    CrowdConfig::new(n, ramp).expect("a valid crowd")
}

#[test]
fn the_ramp_paces_connects_and_sends_go_to_one_connection() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd(10, Some(40.0)));
    let started = Instant::now();
    let mut w = Watch::start(cfg);
    let mut peers = Vec::new();
    for _ in 0..10 {
        let (s, _) = l.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        peers.push(s);
    }
    let connected = w.wait_n("connected", 10, |e| matches!(e.kind, EventKind::Connected));
    // Ten at 40 a second: the last may start 9/40 s = 225 ms after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    let mut ids: Vec<u64> = connected.iter().filter_map(|e| e.client).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=10).collect::<Vec<_>>());
    // Connection 4's local port is the one a peer sees as its remote port.
    let four = connected.iter().find(|e| e.client == Some(4)).unwrap();
    let port4 = four.local.expect("its local address").port();
    w.send(Command::Send {
        payload: Payload::Bytes(b"only four".to_vec()),
        to: Target::Client(4),
    });
    let tx = w.wait("tx", |e| matches!(e.kind, EventKind::Tx(_)));
    assert_eq!(tx.client, Some(4));
    for p in &mut peers {
        let mine = p.peer_addr().unwrap().port() == port4;
        p.set_read_timeout(Some(Duration::from_millis(if mine { 5000 } else { 100 })))
            .unwrap();
        let mut buf = [0u8; 32];
        match p.read(&mut buf) {
            Ok(n) if mine => assert_eq!(&buf[..n], b"only four"),
            Ok(n) => panic!("another connection got {:?}", &buf[..n]),
            Err(e) => assert!(!mine, "connection 4's peer read nothing: {e}"),
        }
    }
    w.send(Command::Stop);
    let rest = w.wait_end();
    let closed = rest
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Closed {
                    reason: CloseReason::LocalClose,
                    ..
                }
            )
        })
        .count();
    assert_eq!(closed, 10);
}

#[test]
fn the_crowd_ends_once_every_connection_has_ended() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd(5, None));
    let mut w = Watch::start(cfg);
    for _ in 0..5 {
        let (s, _) = l.accept().unwrap();
        drop(s);
    }
    w.wait_end();
    let fins = w
        .seen
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Closed {
                    reason: CloseReason::PeerFin,
                    ..
                }
            )
        })
        .count();
    assert_eq!(fins, 5);
}

/// "40 students": a crowd of 40 on one TCP Client runtime, each introducing itself by its
/// own number (`{conn} 你好`), against the TCP Server runtime's class roster: 40 rows, each
/// passed with a different student number, and 40 replies counted by the crowd.
#[test]
fn forty_students_fill_the_roster() {
    use crate::support::{runtime, wait_runtime};
    use socket_tester::auto::auto_send::{AutoPlan, AutoTemplates};
    use socket_tester::codec::{Encoding, Template, TemplateCtx};
    use socket_tester::session::Control;
    use socket_tester::session::roster::{RosterCheck, RosterSpec, Verdict};

    let server = runtime(Role::TcpServer, None);
    server.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        AutoPlan::default(),
        None,
    );
    let st = wait_runtime(&server, "listening", |st, _| st.local.is_some());
    let addr = st.local.expect("listening");
    server.send(Control::StartRoster(Box::new(RosterSpec {
        check: RosterCheck::Regex(r"(?P<id>\d+)\D*你好".into()),
        reply: Some("收到啦我反馈".into()),
        within: Duration::from_secs(20),
    })));
    let hello = Template::parse("{conn} 你好").expect("a template");
    let plan = AutoPlan {
        send: Some(Payload::Bytes(b"1 hello".to_vec())),
        templates: Some(AutoTemplates {
            send: Some(hello),
            reply: None,
            ctx: TemplateCtx::new(Encoding::UTF_8, false),
        }),
        ..AutoPlan::default()
    };
    let client = runtime(Role::TcpClient, None);
    let cfg = SessionConfig::new(Role::TcpClient, addr.to_string()).crowd(crowd(40, Some(200.0)));
    client.start(cfg, plan, None);
    let st = wait_runtime(&server, "forty passed", |st, _| {
        st.roster.as_ref().is_some_and(|r| {
            r.rows
                .iter()
                .filter(|x| x.verdict == Verdict::Passed)
                .count()
                == 40
        })
    });
    let roster = st.roster.expect("the roster");
    let mut ids: Vec<u64> = roster
        .rows
        .iter()
        .filter_map(|r| r.student.as_deref()?.parse().ok())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=40).collect::<Vec<_>>());
    let st = wait_runtime(&client, "forty replies", |st, _| {
        st.crowd.as_ref().is_some_and(|c| c.replies == 40)
    });
    let c = st.crowd.expect("the crowd's counts");
    assert_eq!((c.opened, c.sends, c.failed.total()), (40, 40, 0));
}
