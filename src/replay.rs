//! `socket-tester replay`: sends a recorded session's payloads again, to HOST:PORT, with
//! their original spacing (or faster), over the recorded protocol (TCP or UDP), through
//! the same engine as everything else. With `--check` each reply is compared with the
//! reply in the record, and a difference is shown as a hex diff: a capture becomes a
//! regression test (exit 0 all matched, 1 a difference or a failure, 2 bad usage).

use crate::codec::diff::hex_diff;
use crate::log::input::open_records;
use crate::net::{Command, Event, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::path::Path;
use std::time::{Duration, Instant};

/// How fast to replay.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Speed {
    /// The original spacing divided by this.
    Times(f64),
    /// No waiting between messages.
    Max,
}

/// Which recorded direction to send again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Side {
    /// What the recorded session sent (its replies are what came back).
    Tx,
    /// What the recorded session received (a peer's requests; its replies were the tx).
    Rx,
}

/// One message to send, when, and the reply the record holds for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub at_us: i64,
    pub send: Vec<u8>,
    pub reply: Vec<u8>,
}

/// The recorded role and the steps of `side` (a TCP server's record: one client, the
/// first that sent or received data unless `client` names one).
pub fn steps(events: &[Event], side: Side, client: Option<u64>) -> Option<(Role, Vec<Step>)> {
    let role = events.first()?.role;
    let client = client.or_else(|| {
        events
            .iter()
            .find(|e| e.kind.data().is_some() && e.client.is_some())
            .and_then(|e| e.client)
    });
    let mut steps: Vec<Step> = Vec::new();
    for e in events
        .iter()
        .filter(|e| e.client == client || role != Role::TcpServer)
    {
        let (mine, theirs) = match (&e.kind, side) {
            (EventKind::Tx(d), Side::Tx) | (EventKind::Rx(d), Side::Rx) => (Some(d), None),
            (EventKind::Rx(d), Side::Tx) | (EventKind::Tx(d), Side::Rx) => (None, Some(d)),
            _ => (None, None),
        };
        if let Some(d) = mine {
            steps.push(Step {
                at_us: e.ts_us,
                send: d.clone(),
                reply: Vec::new(),
            });
        } else if let (Some(d), Some(last)) = (theirs, steps.last_mut()) {
            last.reply.extend_from_slice(d);
        }
    }
    Some((role, steps))
}

/// What `socket-tester replay` was asked.
pub struct ReplayArgs<'a> {
    pub input: &'a Path,
    pub to: &'a str,
    pub speed: Speed,
    pub side: Side,
    pub check: bool,
    pub client: Option<u64>,
    /// How long to wait for each reply (with --check).
    pub timeout: Duration,
}

fn read_events(path: &Path) -> Result<Vec<Event>, String> {
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let records = open_records(f, u64::MAX, false)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut events = Vec::new();
    for r in records {
        let r = r.map_err(|e| format!("{}: {e}", path.display()))?;
        events.extend(r.to_event());
    }
    Ok(events)
}

/// What a replay reports, message by message, then once at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The record cannot be used (exit 2).
    BadRecord(String),
    /// The session failed (exit 1): the OS's words.
    Failed(String),
    Sent {
        n: usize,
        bytes: usize,
    },
    Matched {
        n: usize,
        bytes: usize,
        reply: usize,
        micros: u64,
    },
    Differs {
        n: usize,
        expected: Vec<u8>,
        got: Vec<u8>,
    },
    NoReply {
        n: usize,
        why: String,
    },
    Done {
        messages: usize,
        bytes: u64,
        tcp: bool,
        micros: u64,
        checked: bool,
        matched: u64,
        differed: u64,
    },
}

impl Report {
    /// The command line's English.
    pub fn english(&self, to: &str) -> Vec<String> {
        match self {
            Report::BadRecord(e) | Report::Failed(e) => vec![format!("error: {e}")],
            Report::Sent { n, bytes } => vec![format!("#{n} sent {bytes} bytes")],
            Report::Matched {
                n,
                bytes,
                reply,
                micros,
            } => vec![format!(
                "#{n} ok {bytes} bytes sent, reply as recorded ({reply} bytes, {:.1} ms)",
                *micros as f64 / 1000.0
            )],
            Report::Differs { n, expected, got } => {
                let mut v = vec![format!("#{n} DIFF the reply is not as recorded")];
                v.extend(
                    hex_diff(expected, got)
                        .into_iter()
                        .map(|l| format!("    {l}")),
                );
                v
            }
            Report::NoReply { n, why } => vec![format!("#{n} FAIL {why}")],
            Report::Done {
                messages,
                bytes,
                tcp,
                micros,
                checked,
                matched,
                differed,
            } => {
                let proto = if *tcp { "TCP" } else { "UDP" };
                let secs = *micros as f64 / 1e6;
                let mut line = format!(
                    "replayed {messages} messages ({bytes} bytes) to {to} over {proto} in {secs:.2} s"
                );
                if *checked {
                    line.push_str(&format!(": {matched} replies as recorded, {differed} not"));
                }
                vec![line]
            }
        }
    }
}

/// Runs the replay, printing one line per message; returns the exit code.
pub fn run_cli(a: &ReplayArgs) -> i32 {
    run(a, &mut |r| {
        for line in r.english(a.to) {
            if matches!(r, Report::BadRecord(_) | Report::Failed(_)) {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
        }
    })
}

/// Runs the replay, reporting as it goes; returns the exit code (0 all well, 1 a
/// difference or a failure, 2 a bad record).
pub fn run(a: &ReplayArgs, say: &mut dyn FnMut(&Report)) -> i32 {
    let events = match read_events(a.input) {
        Ok(e) => e,
        Err(e) => {
            say(&Report::BadRecord(e));
            return 2;
        }
    };
    let Some((role, steps)) = steps(&events, a.side, a.client) else {
        say(&Report::BadRecord(format!(
            "{} holds no session events",
            a.input.display()
        )));
        return 2;
    };
    if steps.is_empty() {
        say(&Report::BadRecord(format!(
            "nothing to replay: {} has no {} data",
            a.input.display(),
            if a.side == Side::Tx {
                "sent"
            } else {
                "received"
            }
        )));
        return 2;
    }
    let cfg = if role.is_tcp() {
        SessionConfig::new(Role::TcpClient, a.to)
    } else {
        SessionConfig::new(Role::UdpSender, a.to)
    };
    let session = Session::start(cfg, None);
    // Ready: connected or bound; an error ends it.
    loop {
        match session.events().recv_timeout(Duration::from_secs(30)) {
            Ok(ev) => match ev.kind {
                EventKind::Connected | EventKind::Bound => break,
                EventKind::Error { detail, .. } => {
                    say(&Report::Failed(detail));
                    return 1;
                }
                _ => {}
            },
            Err(_) => {
                say(&Report::Failed(
                    "the session ended before it was ready".into(),
                ));
                return 1;
            }
        }
    }
    let start = Instant::now();
    let first = steps[0].at_us;
    let (mut matched, mut differed, mut bytes) = (0u64, 0u64, 0u64);
    for (i, step) in steps.iter().enumerate() {
        if let Speed::Times(k) = a.speed {
            let due = Duration::from_secs_f64(((step.at_us - first).max(0) as f64 / 1e6) / k);
            if let Some(wait) = due.checked_sub(start.elapsed()) {
                std::thread::sleep(wait);
            }
        }
        session.send(Command::Send {
            payload: Payload::Bytes(step.send.clone()),
            to: Target::Default,
        });
        bytes += step.send.len() as u64;
        let sent = Instant::now();
        let got = collect(&session, a.check.then_some((step.reply.len(), a.timeout)));
        let n = i + 1;
        if !a.check {
            say(&Report::Sent {
                n,
                bytes: step.send.len(),
            });
            continue;
        }
        match got {
            Err(why) => {
                say(&Report::NoReply { n, why });
                differed += 1;
                break;
            }
            Ok(got) if got == step.reply => {
                matched += 1;
                say(&Report::Matched {
                    n,
                    bytes: step.send.len(),
                    reply: got.len(),
                    micros: sent.elapsed().as_micros() as u64,
                });
            }
            Ok(got) => {
                differed += 1;
                say(&Report::Differs {
                    n,
                    expected: step.reply.clone(),
                    got,
                });
            }
        }
    }
    say(&Report::Done {
        messages: steps.len(),
        bytes,
        tcp: role.is_tcp(),
        micros: start.elapsed().as_micros() as u64,
        checked: a.check,
        matched,
        differed,
    });
    if differed > 0 { 1 } else { 0 }
}

/// Drains the session's events; with `want` = (bytes, timeout), gathers received bytes
/// until there are that many (or more), the timeout passes, or the connection ends.
fn collect(session: &Session, want: Option<(usize, Duration)>) -> Result<Vec<u8>, String> {
    let mut got = Vec::new();
    let Some((len, timeout)) = want else {
        while session.events().try_recv().is_ok() {}
        return Ok(got);
    };
    let deadline = Instant::now() + timeout;
    // A reply recorded as empty: wait briefly for anything unexpected.
    let deadline = if len == 0 {
        Instant::now() + timeout.min(Duration::from_millis(200))
    } else {
        deadline
    };
    while got.len() < len || len == 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match session.events().recv_timeout(left) {
            Ok(ev) => match ev.kind {
                EventKind::Rx(d) => got.extend_from_slice(&d),
                EventKind::Error { detail, .. } => return Err(detail),
                EventKind::Closed { .. } | EventKind::Reset { .. } if got.len() < len => {
                    return Err(format!(
                        "the connection ended after {} of {len} reply bytes",
                        got.len()
                    ));
                }
                _ => {}
            },
            Err(_) => break,
        }
    }
    Ok(got)
}

/// `--speed 1x`, `2x`, `0.5x` or `max`.
pub fn parse_speed(s: &str) -> Result<Speed, String> {
    if s.eq_ignore_ascii_case("max") {
        return Ok(Speed::Max);
    }
    let n = s.strip_suffix(['x', 'X']).unwrap_or(s);
    match n.parse::<f64>() {
        Ok(k) if k > 0.0 && k.is_finite() => Ok(Speed::Times(k)),
        _ => Err(format!(
            "\"{s}\": give a factor such as 1x, 2x, 0.5x, or max"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Role;

    fn ev(ts: i64, kind: EventKind, client: Option<u64>) -> Event {
        Event {
            ts_us: ts,
            role: Role::TcpServer,
            local: None,
            peer: None,
            client,
            kind,
        }
    }

    #[test]
    fn steps_pair_each_message_with_the_reply_that_followed() {
        let evs = vec![
            ev(0, EventKind::Accepted, Some(2)),
            ev(1, EventKind::Rx(b"a".to_vec()), Some(2)),
            ev(2, EventKind::Tx(b"A".to_vec()), Some(2)),
            ev(3, EventKind::Rx(b"other".to_vec()), Some(3)),
            ev(4, EventKind::Rx(b"b".to_vec()), Some(2)),
            ev(5, EventKind::Tx(b"B1".to_vec()), Some(2)),
            ev(6, EventKind::Tx(b"B2".to_vec()), Some(2)),
        ];
        let (role, s) = steps(&evs, Side::Rx, None).unwrap();
        assert_eq!(role, Role::TcpServer);
        assert_eq!(s.len(), 2, "client #2 only");
        assert_eq!(
            (s[1].at_us, &s[1].send[..], &s[1].reply[..]),
            (4, &b"b"[..], &b"B1B2"[..])
        );
        let (_, s) = steps(&evs, Side::Rx, Some(3)).unwrap();
        assert_eq!(s[0].send, b"other");
    }

    #[test]
    fn speeds_parse() {
        assert_eq!(parse_speed("2x"), Ok(Speed::Times(2.0)));
        assert_eq!(parse_speed("max"), Ok(Speed::Max));
        assert!(parse_speed("0x").is_err());
    }
}
