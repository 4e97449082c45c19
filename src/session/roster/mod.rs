//! A class roster on the TCP Server: the teacher's exercise as an expected exchange
//! ("send your student number and 你好, in GBK, and take the reply"), checked for every
//! client that connects, on the runtime thread. Each client gets a row: its address, the
//! student number found in its message, what it sent, pass or fail with the reason (wrong
//! text, no number, timed out, left early), how long it took, and its bytes. The window
//! exports the table to CSV in its language.

mod check;

pub use check::{CheckError, Compiled, Judged, RosterCheck};

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
    /// What each client must send.
    pub check: RosterCheck,
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
    /// Sent something other than the exercise's text (the row's `message` says what).
    /// It may still pass by sending the right text.
    WrongText,
    /// Sent the text without a student number. It may still pass.
    NoNumber,
    /// No matching message within the time limit.
    TimedOut,
    /// Closed (or reset) before the exchange was done.
    LeftEarly,
}

impl Verdict {
    /// Not yet passed and not over: what the client sends (or sent) is still judged.
    fn may_still_pass(&self) -> bool {
        matches!(
            self,
            Verdict::Waiting | Verdict::WrongText | Verdict::NoNumber
        )
    }
}

/// One client's row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRow {
    pub client: u64,
    pub peer: Option<SocketAddr>,
    /// The student number, from the message (also on failure, where one was found).
    pub student: Option<String>,
    /// What the student sent, as text (its newest [`MESSAGE_CHARS`] characters,
    /// control characters shown escaped).
    pub message: Option<String>,
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
}

/// What is judged of a client that has not passed: its newest 4 KiB (an answer is a line
/// or two; a thousand clients flooding cost at most 8 MiB, and each judgement is linear
/// in at most this much).
const ROSTER_WINDOW: usize = 4 * 1024;

/// How much of what a student sent the row keeps.
pub const MESSAGE_CHARS: usize = 200;

struct Client {
    row: RosterRow,
    since: Instant,
    /// What a waiting client sent: its newest 64 KiB (a peer cannot grow it further).
    buf: MatchWindow,
    /// The reply's bytes, while it is on its way.
    reply: Option<Vec<u8>>,
    /// The connection ended (nothing more can be sent to it).
    ended: bool,
}

/// The running roster.
pub struct Roster {
    spec: RosterSpec,
    check: Compiled,
    enc: Encoding,
    clients: BTreeMap<u64, Client>,
    pub dirty: bool,
}

impl Roster {
    pub fn new(spec: RosterSpec, enc: Encoding) -> Result<Roster, CheckError> {
        let check = spec.check.compile()?;
        Ok(Roster {
            spec,
            check,
            enc,
            clients: BTreeMap::new(),
            dirty: true,
        })
    }

    /// The tab's encoding changed: what each student not yet passed has sent is read
    /// again in it (a wrong text may now pass and get its reply, in the new encoding).
    pub fn set_encoding(&mut self, enc: Encoding, session: Option<&Session>, now: Instant) {
        if enc == self.enc {
            return;
        }
        self.enc = enc;
        let Some(session) = session else { return };
        for c in self.clients.values_mut() {
            if c.row.verdict.may_still_pass() && !c.ended && c.row.rx_bytes > 0 {
                judge(c, &[], &self.check, &self.spec, enc, session, now);
            }
        }
        self.dirty = true;
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
                            message: None,
                            verdict: Verdict::Waiting,
                            took: None,
                            rx_bytes: 0,
                            tx_bytes: 0,
                            connected_us: ev.ts_us,
                        },
                        since: now,
                        buf: MatchWindow::new(ROSTER_WINDOW),
                        reply: None,
                        ended: false,
                    },
                );
            }
            EventKind::Rx(d) => {
                let Some(c) = self.clients.get_mut(&id) else {
                    return;
                };
                c.row.rx_bytes += d.len() as u64;
                if c.row.verdict.may_still_pass() {
                    judge(c, d, &self.check, &self.spec, self.enc, session, now);
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
                c.ended = true;
                // A wrong text or a missing number stays the reason: it says more than
                // that the student left.
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

/// Judges a client's newest bytes `d` (with what it sent before, up to the window): a
/// pass sends the reply (or passes at once without one); a failure is told, and the
/// client may still pass with a later message.
fn judge(
    c: &mut Client,
    d: &[u8],
    check: &Compiled,
    spec: &RosterSpec,
    enc: Encoding,
    session: &Session,
    now: Instant,
) {
    c.buf.push(d);
    let text = crate::codec::decode(enc, c.buf.bytes());
    let shown = crate::codec::visible(text.trim_end_matches(['\r', '\n']));
    let skip = shown.chars().count().saturating_sub(MESSAGE_CHARS);
    c.row.message = Some(shown.chars().skip(skip).collect());
    match check.judge(&text) {
        Judged::Pass(student) => {
            c.row.student = student.or(c.row.student.take());
            match spec.reply.as_deref().map(|r| encode(enc, r)) {
                Some(Ok(bytes)) => {
                    c.row.verdict = Verdict::Replying;
                    c.reply = Some(bytes.clone());
                    session.send(Command::Send {
                        payload: Payload::Bytes(bytes),
                        to: Target::Client(c.row.client),
                    });
                }
                _ => Roster::done(&mut c.row, Verdict::Passed, c.since, now),
            }
        }
        Judged::WrongText(student) => {
            if student.is_some() {
                c.row.student = student;
            }
            Roster::done(&mut c.row, Verdict::WrongText, c.since, now);
        }
        Judged::NoNumber => Roster::done(&mut c.row, Verdict::NoNumber, c.since, now),
        // Still typing: it waits (its time limit still runs).
        Judged::Typing(student) => {
            if student.is_some() {
                c.row.student = student;
            }
            c.row.verdict = Verdict::Waiting;
        }
    }
}
