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
