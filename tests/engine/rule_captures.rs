//! Auto-reply rules that answer with what arrived (issue 24), run by the session runtime
//! with no window against std::net peers on loopback: a text regex's group re-encoded in
//! the session's encoding, a byte regex's group inserted as its raw bytes, TCP lines cut
//! before matching, and a reply naming a group the regex lacks refused when loaded.

use socket_tester::auto::auto_send::AutoPlan;
use socket_tester::auto::rules::{Matcher, Rule, RuleProblem, RuleSet};
use socket_tester::codec::{Encoding, Framing};
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::{ConnState, Control, Runtime, RuntimeOptions};
use std::io::{Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::time::Duration;

use crate::support as common;
use common::{bound_udp_receiver, runtime, wait_runtime as wait};

fn set(rules: Vec<Rule>) -> RuleSet {
    RuleSet {
        rules,
        ..RuleSet::default()
    }
}

fn ask(peer: &UdpSocket, to: std::net::SocketAddr, req: &[u8]) -> Vec<u8> {
    peer.send_to(req, to).unwrap();
    let mut buf = [0u8; 256];
    let (n, from) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(from, to);
    buf[..n].to_vec()
}

#[test]
fn a_udp_device_is_answered_with_its_own_number() {
    let rt = runtime(Role::UdpReceiver, None);
    rt.send(Control::SetRules(Box::new(set(vec![
        Rule::new(Matcher::Regex(r"^REQ (?P<n>\d+)$".into()), "ACK {n}"),
        Rule::new(
            Matcher::BytesRegex(r"(?s-u)^\x01\x03(..)".into()),
            "01 83 {1}",
        )
        .hex(),
    ]))));
    let to = bound_udp_receiver(&rt, None);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ask(&peer, to, b"REQ 7"), b"ACK 7");
    assert_eq!(ask(&peer, to, b"REQ 1001"), b"ACK 1001");
    // Bytes that are no text come back as they came.
    assert_eq!(
        ask(&peer, to, &[1, 3, 0xff, 0x00, 9]),
        [1, 0x83, 0xff, 0x00]
    );
    let st = wait(&rt, "the counts", |st, _| st.rules.fired == [2, 1]);
    assert!(st.rules.error.is_none());
}

#[test]
fn a_text_group_is_written_in_the_sessions_encoding() {
    let rt = Runtime::new(
        Role::UdpReceiver,
        RuntimeOptions {
            spool_dir: None,
            notify: None,
            encoding: Some(Encoding::GBK),
        },
    );
    rt.send(Control::SetRules(Box::new(set(vec![Rule::new(
        Matcher::Regex("^你好(?P<who>.+)$".into()),
        "收到 {who}",
    )]))));
    rt.start(
        SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0").encoding(Encoding::GBK),
        AutoPlan::default(),
        None,
    );
    let st = wait(&rt, "bound", |st, _| st.state == ConnState::Bound);
    let to = st.local.unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let gbk = |s: &str| encoding_rs::GBK.encode(s).0.into_owned();
    assert_eq!(ask(&peer, to, &gbk("你好老王")), gbk("收到 老王"));
}

#[test]
fn a_tcp_client_is_answered_line_by_line() {
    // The rules come with the launch plan (as `--rule` gives them); lines are cut at LF
    // (the delimiter is not part of the line a rule sees).
    let mut rules = set(vec![
        Rule::new(Matcher::Regex(r"^REQ (\d+)$".into()), r"ACK {1}\n").escapes(),
    ]);
    rules.framing = Framing::lf();
    let rt = runtime(Role::TcpServer, None);
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        AutoPlan {
            rules: Some(rules),
            ..AutoPlan::default()
        },
        None,
    );
    let st = wait(&rt, "listening", |st, _| st.state == ConnState::Listening);
    let mut s = TcpStream::connect(st.local.unwrap()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // One request in two writes, and two in one.
    s.write_all(b"REQ 10").unwrap();
    s.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    s.write_all(b"01\nREQ 7\n").unwrap();
    let want = b"ACK 1001\nACK 7\n";
    let mut got = vec![0u8; want.len()];
    s.read_exact(&mut got).unwrap();
    assert_eq!(got, want);
}

#[test]
fn a_group_the_regex_lacks_is_refused_when_loaded() {
    let rt = runtime(Role::UdpReceiver, None);
    rt.send(Control::SetRules(Box::new(set(vec![Rule::new(
        Matcher::Regex(r"^REQ (?P<id>\d+)$".into()),
        "ACK {n}",
    )]))));
    let to = bound_udp_receiver(&rt, None);
    let st = wait(&rt, "the rule's error", |st, _| st.rules.error.is_some());
    let e = st.rules.error.unwrap();
    assert_eq!((e.rule, e.position), (0, Some(5)));
    assert_eq!(e.problem, RuleProblem::NoGroup("n".into()));
    // Nothing answers.
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    peer.send_to(b"REQ 7", to).unwrap();
    let mut buf = [0u8; 16];
    assert!(peer.recv_from(&mut buf).is_err());
}

/// Sends `req`, half-closes, and reads to the server's FIN: what came back and how long
/// it took.
fn ask_and_half_close(to: std::net::SocketAddr, req: &[u8]) -> (Vec<u8>, Duration) {
    let mut s = TcpStream::connect(to).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let t = std::time::Instant::now();
    s.write_all(req).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).expect("the server's FIN");
    (got, t.elapsed())
}

/// Rules set while the server runs: a delayed reply to a client that half-closed right
/// after its request still goes out (the FIN waits for it), then the server closes; with
/// the rules off again a half-close is answered by a FIN at once.
#[test]
fn a_delayed_reply_reaches_a_client_that_half_closed() {
    let rt = runtime(Role::TcpServer, None);
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        AutoPlan::default(),
        None,
    );
    let st = wait(&rt, "listening", |st, _| st.state == ConnState::Listening);
    let to = st.local.unwrap();
    rt.send(Control::SetRules(Box::new(set(vec![
        Rule::new(Matcher::Regex(r"^REQ (\d+)$".into()), "ACK {1}")
            .delay(Duration::from_millis(300)),
    ]))));
    wait(&rt, "the rules", |st, _| st.rules.active);
    // The worker hears of the rules through the runtime: give the command a moment.
    std::thread::sleep(Duration::from_millis(100));
    let (got, took) = ask_and_half_close(to, b"REQ 42");
    assert_eq!(got, b"ACK 42");
    assert!(
        took >= Duration::from_millis(250),
        "the reply's delay: {took:?}"
    );
    rt.send(Control::SetRules(Box::default()));
    wait(&rt, "the rules off", |st, _| !st.rules.active);
    std::thread::sleep(Duration::from_millis(100));
    let (got, took) = ask_and_half_close(to, b"REQ 43");
    assert_eq!(got, b"");
    assert!(took < Duration::from_secs(2), "a FIN at once: {took:?}");
}
