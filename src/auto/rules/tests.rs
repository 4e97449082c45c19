//! Tests of the auto-reply responder.

use super::*;
use crate::codec::TemplateProblem;
use std::net::SocketAddr;

fn rx(role: Role, data: &[u8]) -> Event {
    let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
    Event {
        ts_us: 0,
        role,
        local: None,
        peer: Some(peer),
        client: if role == Role::TcpServer {
            Some(7)
        } else {
            None
        },
        kind: EventKind::Rx(data.to_vec()),
        opcode: None,
    }
}

fn sent(out: &[(Instant, Command)]) -> Vec<(Vec<u8>, Target)> {
    out.iter()
        .map(|(_, c)| match c {
            Command::Send {
                payload: Payload::Bytes(b),
                to,
            } => (b.clone(), to.clone()),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn bad_rules_say_why() {
    let set = RuleSet {
        rules: vec![
            Rule::new(Matcher::Any, "ok"),
            Rule::new(Matcher::Any, "x{nope}"),
        ],
        ..RuleSet::default()
    };
    let e = Responder::new(set, Encoding::UTF_8).unwrap_err();
    assert_eq!((e.rule, e.field(), e.position), (1, "reply", Some(2)));
    assert_eq!(
        e.problem,
        RuleProblem::Reply(TemplateProblem::UnknownVariable("nope".into()))
    );
    assert!(
        e.to_string().starts_with("rule 2, reply: position 3"),
        "{e}"
    );
    let set = RuleSet {
        rules: vec![Rule::new(Matcher::Any, "收")],
        ..RuleSet::default()
    };
    assert!(Responder::new(set, Encoding::LATIN_1).is_err());
}

#[test]
fn first_enabled_rule_answers_and_counts() {
    let set = RuleSet {
        echo: true,
        rules: vec![
            Rule::new(Matcher::Contains("PING".into()), "PONG {seq}"),
            Rule::new(Matcher::Regex(r"^GET \w+$".into()), "VALUE")
                .delay(Duration::from_millis(50)),
            Rule::new(Matcher::Any, "never"),
        ],
        framing: Framing::Raw,
    };
    let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
    r.set_enabled(2, false);
    let now = Instant::now();
    let out = r.on_rx(&rx(Role::UdpReceiver, b"PING"), now);
    let peer: SocketAddr = "127.0.0.1:5000".parse().unwrap();
    assert_eq!(sent(&out), vec![(b"PONG 1".to_vec(), Target::Peer(peer))]);
    assert_eq!(out[0].0, now);
    let out = r.on_rx(&rx(Role::TcpServer, b"GET temp"), now);
    assert_eq!(sent(&out), vec![(b"VALUE".to_vec(), Target::Client(7))]);
    assert_eq!(out[0].0, now + Duration::from_millis(50));
    let out = r.on_rx(&rx(Role::TcpClient, b"other"), now);
    assert_eq!(sent(&out), vec![(b"other".to_vec(), Target::Default)]);
    let out = r.on_rx(&rx(Role::UdpReceiver, b"PING again"), now);
    // One counter for the whole responder: VALUE took 2.
    assert_eq!(sent(&out)[0].0, b"PONG 3");
    assert_eq!(r.fired(), &[2, 1, 0]);
    assert_eq!(r.echoed(), 1);
    r.set_echo(false);
    assert!(r.on_rx(&rx(Role::UdpReceiver, b"zzz"), now).is_empty());
    r.reset_counts();
    assert_eq!(r.fired(), &[0, 0, 0]);
}

#[test]
fn tcp_framing_before_matching() {
    let set = RuleSet {
        echo: false,
        rules: vec![Rule::new(Matcher::Equals("PING".into()), r"PONG\r\n").escapes()],
        framing: Framing::crlf(),
    };
    let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
    let now = Instant::now();
    assert!(r.on_rx(&rx(Role::TcpClient, b"PI"), now).is_empty());
    let out = r.on_rx(&rx(Role::TcpClient, b"NG\r\nPING\r\nX\r\n"), now);
    assert_eq!(sent(&out).len(), 2);
    assert_eq!(sent(&out)[0].0, b"PONG\r\n");
}

#[test]
fn hex_reply_with_variables() {
    let set = RuleSet {
        rules: vec![
            Rule::new(
                Matcher::StartsWithHex("01 03".into()),
                "01 03 02 {hex:00 2A}",
            )
            .hex(),
        ],
        ..RuleSet::default()
    };
    let mut r = Responder::new(set, Encoding::UTF_8).unwrap();
    let out = r.on_rx(&rx(Role::UdpReceiver, &[1, 3, 0, 0]), Instant::now());
    assert_eq!(sent(&out)[0].0, vec![1, 3, 2, 0, 0x2a]);
}

#[test]
fn rules_serialise() {
    let set = RuleSet {
        echo: true,
        rules: vec![
            Rule::new(Matcher::Regex(r"\d+".into()), "n={seq}").delay(Duration::from_secs(1)),
            Rule::new(Matcher::StartsWithHex("7e".into()), "7e").hex(),
        ],
        framing: Framing::lf(),
    };
    let j = serde_json::to_string_pretty(&set).unwrap();
    assert_eq!(serde_json::from_str::<RuleSet>(&j).unwrap(), set);
    let minimal: RuleSet =
        serde_json::from_str(r#"{"rules":[{"matcher":{"kind":"any"},"reply":"hi"}]}"#).unwrap();
    assert!(minimal.rules[0].enabled);
    assert_eq!(minimal.framing, Framing::Raw);
}

#[test]
fn replies_use_the_regex_groups() {
    let set = RuleSet {
        rules: vec![
            Rule::new(
                Matcher::Regex(r"^REQ (?P<n>\d+)".into()),
                "ACK {n} ({1}, {0})",
            ),
            Rule::new(
                Matcher::BytesRegex(r"(?s-u)^\x01\x03(..)".into()),
                "01 83 {1}",
            )
            .hex(),
            Rule::new(Matcher::Regex(r"^T(\d)?$".into()), "[{1}]"),
        ],
        ..RuleSet::default()
    };
    let mut r = Responder::new(set, Encoding::GBK).unwrap();
    let now = Instant::now();
    let out = r.on_rx(&rx(Role::UdpReceiver, b"REQ 1001 x"), now);
    assert_eq!(sent(&out)[0].0, b"ACK 1001 (1001, REQ 1001)");
    let out = r.on_rx(&rx(Role::TcpServer, &[1, 3, 0xff, 0x0a, 7]), now);
    assert_eq!(sent(&out)[0].0, vec![1, 0x83, 0xff, 0x0a]);
    // A group that took no part is empty.
    let out = r.on_rx(&rx(Role::UdpReceiver, b"T"), now);
    assert_eq!(sent(&out)[0].0, b"[]");
    // Text groups are written in the session's encoding.
    let set = RuleSet {
        rules: vec![Rule::new(Matcher::Regex("^(.)".into()), "{1}")],
        ..RuleSet::default()
    };
    let mut r = Responder::new(set, Encoding::GBK).unwrap();
    let out = r.on_rx(&rx(Role::UdpReceiver, &[0xca, 0xd5, b'!']), now);
    assert_eq!(sent(&out)[0].0, vec![0xca, 0xd5]);
}

#[test]
fn a_group_the_regex_lacks_is_refused_at_its_place() {
    let check = |m: Matcher, reply: &str| {
        let set = RuleSet {
            rules: vec![Rule::new(Matcher::Any, "ok"), Rule::new(m, reply)],
            ..RuleSet::default()
        };
        Responder::new(set, Encoding::UTF_8).unwrap_err()
    };
    let e = check(Matcher::Regex(r"REQ (\d+)".into()), "ACK {n}");
    assert_eq!((e.rule, e.field(), e.position), (1, "reply", Some(5)));
    assert_eq!(e.problem, RuleProblem::NoGroup("n".into()));
    assert_eq!(
        e.to_string(),
        "rule 2, reply: position 6: the regex has no group {n}"
    );
    let e = check(Matcher::BytesRegex(r"(a)".into()), "{1}{2}");
    assert_eq!(
        (e.position, e.problem),
        (Some(4), RuleProblem::NoGroup("2".into()))
    );
    let e = check(Matcher::Contains("REQ".into()), "x{1}");
    assert_eq!(
        (e.position, e.problem),
        (Some(2), RuleProblem::NotARegex("1".into()))
    );
    // Built-ins are not groups; a wrong built-in on a regex rule is named as a group.
    let e = check(Matcher::Regex("(a)".into()), "{seq:x}");
    assert!(matches!(e.problem, RuleProblem::Reply(_)), "{e}");
    let e = check(Matcher::Regex("(a)".into()), "{seqq}");
    assert_eq!(e.problem, RuleProblem::NoGroup("seqq".into()));
}
