//! Tests of stepping through a sequence.

use super::*;

fn seq(text: &str) -> SequenceRun {
    SequenceRun::new(Sequence::parse(text).unwrap())
}

#[test]
fn a_capture_feeds_a_later_send_and_a_timeout_fails_with_a_diff() {
    let mut r = seq(r#"
protocol = "tcp"
[[step]]
send = "HELLO"
[[step]]
expect_regex = "TOKEN=(?P<token>\\w+)"
[[step]]
send = "AUTH {token}"
[[step]]
expect = "OK"
timeout = "100ms"
[[step]]
send = "never"
"#);
    let t0 = Instant::now();
    assert_eq!(r.poll(t0), vec![Need::Send(b"HELLO".to_vec())]);
    assert!(r.poll(t0).is_empty(), "waiting for the token");
    r.on_rx(b"TOKEN=ab12\n", t0 + Duration::from_millis(3));
    assert_eq!(r.vars()["token"], "ab12");
    let t1 = t0 + Duration::from_millis(3);
    assert_eq!(r.poll(t1), vec![Need::Send(b"AUTH ab12".to_vec())]);
    r.on_rx(b"NO", t1);
    assert!(r.poll(t1 + Duration::from_millis(50)).is_empty());
    r.poll(t1 + Duration::from_millis(101));
    assert!(r.is_done() && !r.passed());
    let res = r.results();
    assert_eq!(res[1].latency, Some(Duration::from_millis(3)));
    assert_eq!(res[3].outcome, Outcome::Failed);
    // "contains OK" may match anywhere: what arrived is shown, not diffed from byte 0.
    assert!(
        res[3].diff.iter().any(|l| l.contains("got       4e 4f")),
        "{:#?}",
        res
    );
    assert!(!res[3].diff.iter().any(|l| l.contains("4f 4b")));
    assert!(res[3].diff.iter().any(|l| l == "got 2 bytes"));
    assert_eq!(res[3].failure, Some(Failure::NoReply { arrived: 2 }));
    assert_eq!(res[4].outcome, Outcome::Skipped);
}

#[test]
fn each_send_step_counts_its_own_seq_across_the_rounds() {
    let mut r = seq(r#"
protocol = "tcp"
[[step]]
send = "HI {seq}"
template = true
[[step]]
repeat = 3
steps = [ { send = "PING {seq}", template = true }, { send = "X{seq}", template = true } ]
"#);
    let sent: Vec<Vec<u8>> = r
        .poll(Instant::now())
        .into_iter()
        .filter_map(|n| match n {
            Need::Send(b) => Some(b),
            _ => None,
        })
        .collect();
    let want: Vec<&[u8]> = vec![
        b"HI 1", b"PING 1", b"X1", b"PING 2", b"X2", b"PING 3", b"X3",
    ];
    assert_eq!(sent, want);
    assert_eq!(r.results()[3].sent_bytes, b"PING 2");
}
