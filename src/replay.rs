//! `socket-tester replay`: sends a recorded session's payloads again, to HOST:PORT, with
//! their original spacing (or faster), over the recorded protocol (TCP or UDP), through
//! the session runtime as everything else (`session::replay_host`). With `--check` each reply is compared with the
//! reply in the record, and a difference is shown as a hex diff: a capture becomes a
//! regression test (exit 0 all matched, 1 a difference or a failure, 2 bad usage).

use crate::codec::diff::hex_diff;
use crate::log::input::open_records;
use crate::log::record::ReadError;
use crate::net::{Event, EventKind, Role};
use crate::session::replay_host::ReplayJob;
use crate::session::{Control, Output, Runtime, RuntimeOptions};
use std::path::Path;
use std::time::Duration;

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
    let role = match events.first()?.role {
        // A relay's record: one pair, as the server side of its client's leg (rx is what
        // the client sent, up); TCP or UDP as the relay said when it started.
        Role::Relay => relay_role(events),
        r => r,
    };
    let client = client.or_else(|| {
        events
            .iter()
            .find(|e| e.kind.data().is_some() && e.client.is_some())
            .and_then(|e| e.client)
    });
    let mut steps: Vec<Step> = Vec::new();
    for e in events
        .iter()
        .filter(|e| e.client == client || (role != Role::TcpServer && e.role != Role::Relay))
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

/// The role a relay's record replays as: a TCP server's (a UDP receiver's for a UDP relay).
fn relay_role(events: &[Event]) -> Role {
    let udp = events.iter().any(|e| {
        matches!(&e.kind, EventKind::Relay(k)
            if matches!(**k, crate::net::relay::RelayKind::Listening { udp: true, .. }))
    });
    if udp {
        Role::UdpReceiver
    } else {
        Role::TcpServer
    }
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
    /// Replay a record with unreadable lines without them (each is named); without it
    /// such a record is refused.
    pub skip_bad: bool,
}

/// Why a record cannot be replayed (exit 2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordProblem {
    /// It cannot be read: the file and the system's (or the reader's) words.
    Unreadable { path: String, detail: String },
    /// A line of it cannot be read (without --skip-bad): the first, and how many.
    BadLines {
        path: String,
        first: String,
        count: usize,
    },
    /// Not one line of it can be read: it is no record.
    NotARecord { path: String, first: String },
    /// It holds no session events.
    NoEvents(String),
    /// It holds no data in the direction asked for.
    NothingToReplay { path: String, side: Side },
}

impl RecordProblem {
    pub fn english(&self) -> String {
        match self {
            RecordProblem::Unreadable { path, detail } => format!("cannot read {path}: {detail}"),
            RecordProblem::BadLines { path, first, count } => format!(
                "{path}: {count} unreadable record(s), the first {first}; nothing was sent (give --skip-bad to replay the rest and name what was skipped)"
            ),
            RecordProblem::NotARecord { path, first } => {
                format!("{path} is not a record: no line of it could be read ({first})")
            }
            RecordProblem::NoEvents(path) => format!("{path} holds no session events"),
            RecordProblem::NothingToReplay { path, side } => format!(
                "nothing to replay: {path} has no {} data",
                if *side == Side::Tx {
                    "sent"
                } else {
                    "received"
                }
            ),
        }
    }
}

/// Why a reply (or the whole replay) did not come.
#[derive(Clone, Debug, PartialEq)]
pub enum NoReply {
    /// The session failed: its event (worded where it is shown).
    Session(Box<Event>),
    /// The connection ended after `got` of the `want` reply bytes.
    Ended { got: usize, want: usize },
    /// The session did not connect (or bind) within this many seconds.
    NotReady(u64),
    /// Stopped by the user.
    Stopped,
}

impl NoReply {
    pub fn english(&self) -> String {
        match self {
            NoReply::Session(ev) => crate::i18n::english(ev),
            NoReply::Ended { got, want } => {
                format!("the connection ended after {got} of {want} reply bytes")
            }
            NoReply::NotReady(s) => format!("the session was not ready within {s} s"),
            NoReply::Stopped => "stopped".into(),
        }
    }
}

fn read_events(path: &Path, skip_bad: bool) -> Result<(Vec<Event>, Vec<ReadError>), RecordProblem> {
    let p = path.display().to_string();
    let problem = |detail: String| RecordProblem::Unreadable {
        path: p.clone(),
        detail,
    };
    let f = std::fs::File::open(path).map_err(|e| problem(e.to_string()))?;
    let records = open_records(f, u64::MAX, false, crate::i18n::english)
        .map_err(|e| problem(e.to_string()))?;
    let (mut events, mut bad, mut read) = (Vec::new(), Vec::new(), 0usize);
    for r in records {
        match r {
            Ok(r) => {
                read += 1;
                events.extend(r.to_event());
            }
            // The file itself cannot be read further: what was read is not the record.
            Err(e) if e.fatal => return Err(problem(e.to_string())),
            Err(e) => bad.push(e),
        }
    }
    if let Some(first) = bad.first() {
        let first = first.to_string();
        if read == 0 {
            return Err(RecordProblem::NotARecord { path: p, first });
        }
        if !skip_bad {
            return Err(RecordProblem::BadLines {
                path: p,
                first,
                count: bad.len(),
            });
        }
    }
    Ok((events, bad))
}

/// What a replay reports, message by message, then once at the end.
#[derive(Clone, Debug, PartialEq)]
pub enum Report {
    /// The record cannot be used (exit 2).
    BadRecord(RecordProblem),
    /// The session failed (exit 1).
    Failed(NoReply),
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
        why: NoReply,
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
            Report::BadRecord(e) => vec![format!("error: {}", e.english())],
            Report::Failed(e) => vec![format!("error: {}", e.english())],
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
            Report::NoReply { n, why } => vec![format!("#{n} FAIL {}", why.english())],
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

/// Reads the record and makes the job: what to send, where and how.
pub fn load(a: &ReplayArgs) -> Result<ReplayJob, RecordProblem> {
    load_skipping(a).map(|(job, _)| job)
}

/// [`load`], and the unreadable lines it skipped (only with `skip_bad`).
pub fn load_skipping(a: &ReplayArgs) -> Result<(ReplayJob, Vec<ReadError>), RecordProblem> {
    let (events, skipped) = read_events(a.input, a.skip_bad)?;
    let path = a.input.display().to_string();
    let Some((role, steps)) = steps(&events, a.side, a.client) else {
        return Err(RecordProblem::NoEvents(path));
    };
    if steps.is_empty() {
        return Err(RecordProblem::NothingToReplay { path, side: a.side });
    }
    let job = ReplayJob {
        role,
        steps,
        to: a.to.to_string(),
        speed: a.speed,
        check: a.check,
        timeout: a.timeout,
    };
    Ok((job, skipped))
}

/// Prints each report as the runtime hands it over (none is lost to a slow reader).
struct Printer {
    to: String,
}

impl Output for Printer {
    fn event(&mut self, _ev: &Event) {}

    fn replay_report(&mut self, r: &Report) {
        for line in r.english(&self.to) {
            if matches!(r, Report::Failed(_)) {
                eprintln!("{line}");
            } else {
                crate::headless::print_line(&line);
            }
        }
    }
}

/// Runs the replay on a session runtime, printing one line per message; returns the
/// exit code (0 all well, 1 a difference or a failure, 2 a bad record).
pub fn run_cli(a: &ReplayArgs) -> i32 {
    let job = match load_skipping(a) {
        Ok((job, skipped)) => {
            for b in &skipped {
                eprintln!("skipped {b}");
            }
            if !skipped.is_empty() {
                eprintln!("skipped {} unreadable record(s)", skipped.len());
            }
            job
        }
        Err(e) => {
            eprintln!("error: {}", e.english());
            return 2;
        }
    };
    let (opts, woken) = RuntimeOptions::woken(None);
    let mut rt = Runtime::with_output(
        job.role,
        opts,
        Some(Box::new(Printer {
            to: a.to.to_string(),
        })),
    );
    rt.send(Control::StartReplay(Box::new(job)));
    let code = loop {
        let _ = woken.recv_timeout(Duration::from_millis(200));
        if let Some(code) = rt.status().replay.and_then(|v| v.code) {
            break code;
        }
        if rt.is_finished() {
            break 1;
        }
    };
    rt.shutdown();
    code
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
            opcode: None,
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
