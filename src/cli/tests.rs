use super::*;
use crate::auto::rules::Matcher;
use crate::codec;
use crate::launch::Launch;
use crate::net::Payload;
use clap::CommandFactory;

#[test]
fn cli_is_consistent() {
    Cli::command().debug_assert();
}

fn launch(args: &[&str]) -> Result<Launch, String> {
    let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
    cli.command
        .ok_or("no command".to_string())?
        .to_launch()
        .map_err(|e| e.0)
}

#[test]
fn seed_programs_parse() {
    let l = launch(&[
        "st",
        "tcp-server",
        "--listen",
        "0.0.0.0:7891",
        "--reply",
        "收到啦我反馈",
        "--encoding",
        "gbk",
    ])
    .unwrap();
    assert_eq!(l.config.role, Role::TcpServer);
    assert_eq!(
        l.auto.reply,
        Some(Payload::Bytes(
            codec::parse_hex("cad5b5bdc0b2ced2b7b4c0a1").unwrap()
        ))
    );
    let l = launch(&[
        "st",
        "udp-send",
        "--to",
        "127.0.0.1:8080",
        "--bind",
        "7890",
        "--send",
        "hi",
        "--every",
        "500ms",
        "--count",
        "3",
    ])
    .unwrap();
    assert_eq!(l.config.bind.as_deref(), Some("7890"));
    assert_eq!(l.auto.every, Some(Duration::from_millis(500)));
    assert_eq!(l.auto.count, Some(3));
}

#[test]
fn templates_and_expect_parse() {
    let l = launch(&[
        "st",
        "tcp-client",
        "--connect",
        "a:1",
        "--send",
        "n={seq:02}",
        "--template",
        "--reply",
        "r{seq}",
    ])
    .unwrap();
    assert_eq!(l.auto.send, Some(Payload::Bytes(b"n=01".to_vec())));
    let t = l.auto.templates.unwrap();
    assert_eq!(t.send.unwrap().source(), "n={seq:02}");
    assert_eq!(t.reply.unwrap().source(), "r{seq}");
    // Without --template, braces are plain text.
    let l = launch(&["st", "tcp-client", "--connect", "a:1", "--send", "{seq}"]).unwrap();
    assert_eq!(l.auto.send, Some(Payload::Bytes(b"{seq}".to_vec())));
    assert!(l.auto.templates.is_none());
    let l = launch(&[
        "st",
        "udp-send",
        "--to",
        "h:1",
        "--send",
        "PING",
        "--expect",
        "PONG",
        "--count",
        "7",
        "--every",
        "5ms",
        "--expect-timeout",
        "250ms",
    ])
    .unwrap();
    assert_eq!(l.auto.send, None, "the expectation run sends");
    let x = l.auto.expect.unwrap();
    assert_eq!(
        (x.count, x.gap, x.timeout),
        (7, Duration::from_millis(5), Duration::from_millis(250))
    );
    assert_eq!(x.expect, Matcher::Contains("PONG".into()));
    let l = launch(&[
        "st",
        "udp-send",
        "--to",
        "h:1",
        "--escapes",
        "--send",
        "a",
        "--expect",
        r"OK\r\n",
    ])
    .unwrap();
    assert_eq!(
        l.auto.expect.unwrap().expect,
        Matcher::ContainsHex("4f4b0d0a".into())
    );
    assert!(
        launch(&[
            "st",
            "udp-send",
            "--to",
            "h:1",
            "--template",
            "--send",
            "{x}"
        ])
        .is_err()
    );
    assert!(launch(&["st", "udp-send", "--to", "h:1", "--expect", "x"]).is_err());
}

#[test]
fn bad_arguments_are_refused() {
    assert!(
        launch(&["st", "udp-recv", "--bind", "127.0.0.1:70000"])
            .unwrap_err()
            .contains("65535")
    );
    assert!(launch(&["st", "tcp-client", "--connect", "127.0.0.1"]).is_err());
    assert!(
        launch(&["st", "udp-recv", "--bind", ":1", "--encoding", "klingon"])
            .unwrap_err()
            .contains("unknown encoding")
    );
    assert!(
        launch(&[
            "st",
            "tcp-client",
            "--connect",
            "a:1",
            "--hex",
            "--send",
            "4G"
        ])
        .unwrap_err()
        .contains("not a hex digit")
    );
    assert!(
        launch(&[
            "st",
            "tcp-client",
            "--connect",
            "a:1",
            "--encoding",
            "latin1",
            "--send",
            "收"
        ])
        .unwrap_err()
        .contains("cannot be written")
    );
    assert!(
        launch(&[
            "st",
            "tcp-client",
            "--connect",
            "a:1",
            "--send",
            "x",
            "--every",
            "soon"
        ])
        .is_err()
    );
    assert!(launch(&["st", "tcp-client", "--connect", "a:1", "--every", "1s"]).is_err());
}

#[test]
fn rules_parse_in_order_with_reply_last() {
    let l = launch(&[
        "st",
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--rule",
        r"regex:REQ (?P<n>\d+) => ACK {n}",
        "--rule",
        "contains:PING => PONG",
        "--reply",
        "{x}",
    ])
    .unwrap();
    let set = l.auto.rules.unwrap();
    assert_eq!(l.auto.reply, None);
    let m: Vec<_> = set.rules.iter().map(|r| r.matcher.clone()).collect();
    assert_eq!(
        m,
        [
            Matcher::Regex(r"REQ (?P<n>\d+)".into()),
            Matcher::Contains("PING".into()),
            Matcher::Any
        ]
    );
    // Without --template, --reply is literal: its braces are not a variable.
    assert_eq!(set.rules[2].reply, "{hex:7B 78 7D}");
    // --hex makes the replies hex; every receiving role takes --rule.
    for role in [
        &["udp-send", "--to", "127.0.0.1:9"][..],
        &["tcp-client", "--connect", "127.0.0.1:9"],
        &["tcp-server", "--listen", "127.0.0.1:0"],
    ] {
        let mut args = vec!["st"];
        args.extend_from_slice(role);
        args.extend(["--hex", "--rule", r"bytes:(?s-u)^\x01(.) => 02 {1}"]);
        let l = launch(&args).unwrap();
        let r = &l.auto.rules.unwrap().rules[0];
        assert!(r.reply_hex, "{role:?}");
    }
}

#[test]
fn bad_rules_name_the_rule_and_the_place() {
    let bad = |rule: &str| {
        launch(&[
            "st",
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--rule",
            "any => ok",
            "--rule",
            rule,
        ])
        .unwrap_err()
    };
    assert_eq!(
        bad(r"regex:REQ (\d+) => ACK {n}"),
        "--rule 2: position 25: the regex has no group {n} (in the reply)"
    );
    assert!(bad("PING => PONG").starts_with("--rule 2: position 1: \"PING\" is no match kind"));
    assert!(bad("contains:PING").starts_with("--rule 2: position 14: no \"=>\""));
    assert!(bad("regex:a( => b").starts_with("--rule 2: position 8: bad regex"));
    assert!(bad("contains:x => {1}").contains("does not match with a regex"));
}

#[test]
fn framing_reaches_the_launch_and_the_rules() {
    let l = launch(&[
        "st",
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--framing",
        "mbap",
        "--rule",
        "any => ok",
    ])
    .unwrap();
    assert_eq!(l.framing, Some(codec::Framing::mbap()));
    assert_eq!(l.auto.rules.unwrap().framing, codec::Framing::mbap());
    let l = launch(&["st", "tcp-client", "--connect", "127.0.0.1:1"]).unwrap();
    assert_eq!(l.framing, None);
    let e = launch(&[
        "st",
        "tcp-client",
        "--connect",
        "127.0.0.1:1",
        "--framing",
        "length:2:2:up",
    ])
    .unwrap_err();
    assert!(
        e.contains("--framing") && e.contains("byte order \"up\""),
        "{e}"
    );
    // UDP keeps message boundaries: no --framing there.
    assert!(
        launch(&[
            "st",
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--framing",
            "lines"
        ])
        .is_err()
    );
}
