//! A class roster on the TCP Server: the teacher's exercise as an expected exchange
//! ("send your student number and 你好, in GBK, and take the reply"), checked for every
//! client that connects, on the runtime thread. Each client gets a row: its address, the
//! student number captured from its message (the regex's `id` group), pass or fail with
//! the reason, how long it took, and its bytes. The table exports to CSV.

use crate::auto::rules::{CompiledMatcher, Matcher};
use crate::codec::window::MatchWindow;
use crate::codec::{Encoding, encode};
use crate::net::{Command, Event, EventKind, Payload, Session, Target};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The exercise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterSpec {
    /// What each client must send (a text regex's `id` group is the student number).
    pub expect: Matcher,
    /// The reply each client that sent it must take (None: passing on the message alone).
    pub reply: Option<String>,
    /// How long after connecting a client has.
    pub within: Duration,
}

/// Where a client stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Connected; nothing matching yet.
    Waiting,
    /// Sent the message; the reply is on its way.
    Replying,
    Passed,
    /// No matching message within the time limit.
    TimedOut,
    /// Closed (or reset) before the exchange was done.
    LeftEarly,
}

/// One client's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub client: u64,
    pub peer: Option<SocketAddr>,
    /// The student number, from the message.
    pub student: Option<String>,
    pub verdict: Verdict,
    /// From connecting to the verdict.
    pub took: Option<Duration>,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    /// Microseconds since the epoch when it connected.
    pub connected_us: i64,
}

/// The roster as the window shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterView {
    pub running: bool,
    pub rows: Vec<RosterRow>,
}

impl RosterView {
    pub fn passed(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict == Verdict::Passed)
            .count()
    }

    /// The table as CSV: one line per client.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("client,address,student,result,seconds,rx_bytes,tx_bytes,connected\n");
        for r in &self.rows {
            let result = match r.verdict {
                Verdict::Waiting => "waiting",
                Verdict::Replying => "replying",
                Verdict::Passed => "passed",
                Verdict::TimedOut => "failed: no matching message in time",
                Verdict::LeftEarly => "failed: closed before the exchange was done",
            };
            let when = chrono::DateTime::from_timestamp_micros(r.connected_us)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                .unwrap_or_default();
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                r.client,
                r.peer.map(|p| p.to_string()).unwrap_or_default(),
                crate::log::export::csv_cell(r.student.as_deref().unwrap_or("")),
                result,
                r.took
                    .map(|d| format!("{:.3}", d.as_secs_f64()))
                    .unwrap_or_default(),
                r.rx_bytes,
                r.tx_bytes,
                when
            ));
        }
        out
    }
}

/// What is matched of a waiting client: its newest 16 KiB (an answer is a line or two;
/// a thousand clients flooding cost at most 32 MiB).
const ROSTER_WINDOW: usize = 16 * 1024;

struct Client {
    row: RosterRow,
    since: Instant,
    /// What a waiting client sent: its newest 64 KiB (a peer cannot grow it further).
    buf: MatchWindow,
    /// The reply's bytes, while it is on its way.
    reply: Option<Vec<u8>>,
}

/// The running roster.
pub struct Roster {
    spec: RosterSpec,
    matcher: CompiledMatcher,
    id_regex: Option<regex::Regex>,
    enc: Encoding,
    clients: BTreeMap<u64, Client>,
    pub dirty: bool,
}

impl Roster {
    pub fn new(spec: RosterSpec, enc: Encoding) -> Result<Roster, crate::auto::rules::MatchError> {
        let matcher = spec.expect.compile()?;
        let id_regex = match &spec.expect {
            Matcher::Regex(r) => regex::Regex::new(r)
                .ok()
                .filter(|re| re.capture_names().flatten().any(|n| n == "id")),
            _ => None,
        };
        Ok(Roster {
            spec,
            matcher,
            id_regex,
            enc,
            clients: BTreeMap::new(),
            dirty: true,
        })
    }

    fn done(row: &mut RosterRow, v: Verdict, since: Instant, now: Instant) {
        row.verdict = v;
        row.took = Some(now.saturating_duration_since(since));
    }

    pub fn on_event(&mut self, ev: &Event, session: &Session, now: Instant) {
        let Some(id) = ev.client else { return };
        match &ev.kind {
            EventKind::Accepted => {
                self.clients.insert(
                    id,
                    Client {
                        row: RosterRow {
                            client: id,
                            peer: ev.peer,
                            student: None,
                            verdict: Verdict::Waiting,
                            took: None,
                            rx_bytes: 0,
                            tx_bytes: 0,
                            connected_us: ev.ts_us,
                        },
                        since: now,
                        buf: MatchWindow::new(ROSTER_WINDOW),
                        reply: None,
                    },
                );
            }
            EventKind::Rx(d) => {
                let Some(c) = self.clients.get_mut(&id) else {
                    return;
                };
                c.row.rx_bytes += d.len() as u64;
                if c.row.verdict != Verdict::Waiting {
                    self.dirty = true;
                    return;
                }
                c.buf.push(d);
                if self.matcher.is_match(c.buf.bytes(), self.enc) {
                    if let Some(re) = &self.id_regex {
                        let text = crate::codec::decode(self.enc, c.buf.bytes());
                        c.row.student = re
                            .captures(&text)
                            .and_then(|m| m.name("id"))
                            .map(|m| m.as_str().to_string());
                    }
                    match self.spec.reply.as_deref().map(|r| encode(self.enc, r)) {
                        Some(Ok(bytes)) => {
                            c.row.verdict = Verdict::Replying;
                            c.reply = Some(bytes.clone());
                            session.send(Command::Send {
                                payload: Payload::Bytes(bytes),
                                to: Target::Client(id),
                            });
                        }
                        _ => Self::done(&mut c.row, Verdict::Passed, c.since, now),
                    }
                }
            }
            EventKind::Tx(d) => {
                let Some(c) = self.clients.get_mut(&id) else {
                    return;
                };
                c.row.tx_bytes += d.len() as u64;
                if c.row.verdict == Verdict::Replying && c.reply.as_deref() == Some(&d[..]) {
                    c.reply = None;
                    Self::done(&mut c.row, Verdict::Passed, c.since, now);
                }
            }
            EventKind::Closed { .. } | EventKind::Reset { .. } | EventKind::TlsFailed(_) => {
                let Some(c) = self.clients.get_mut(&id) else {
                    return;
                };
                if matches!(c.row.verdict, Verdict::Waiting | Verdict::Replying) {
                    Self::done(&mut c.row, Verdict::LeftEarly, c.since, now);
                }
            }
            _ => return,
        }
        self.dirty = true;
    }

    /// Times clients out; returns when to be called again.
    pub fn tick(&mut self, now: Instant) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        for c in self.clients.values_mut() {
            if c.row.verdict != Verdict::Waiting {
                continue;
            }
            let due = c.since + self.spec.within;
            if now >= due {
                Self::done(&mut c.row, Verdict::TimedOut, c.since, now);
                self.dirty = true;
            } else {
                next = Some(next.map_or(due, |n: Instant| n.min(due)));
            }
        }
        next
    }

    pub fn view(&self) -> RosterView {
        RosterView {
            running: true,
            rows: self.clients.values().map(|c| c.row.clone()).collect(),
        }
    }
}
