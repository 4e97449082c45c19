//! Expectations: send X, expect a reply matching Y within T, repeat N times, and report
//! pass or fail and the latency of each try, with min/p50/p95/max and a CSV export.
//!
//! Like [`super::auto_send::Auto`] it owns no thread: feed it every event with
//! [`Expect::on_event`] and call [`Expect::tick`] when it asks to be called; both return
//! the commands to give the session. The window's Expect panel and headless
//! `--expect` drive it the same way.
//!
//! A try's latency runs from the worker's `tx` event of the request to the `rx` event of
//! the matching reply (both stamped by the worker). On TCP the reply may arrive in pieces,
//! so the bytes received since the request are matched together; on UDP each datagram is
//! matched alone. A reply that comes after its try timed out is not counted for it.
//! The report (each try, the summary, the CSV) is in `report.rs`.

mod report;
mod tries;

pub use report::{Summary, TryFailure, TryResult, fmt_ms, summary_path};
pub use tries::Tries;

use super::rules::{CompiledMatcher, MatchError, Matcher};
use crate::codec::window::MatchWindow;
use crate::codec::{Encoding, Template, TemplateCtx, TemplateError};
use crate::log::Describe;
use crate::net::{Command, Event, EventKind, Payload, Role, Target};
use std::fmt;
use std::time::{Duration, Instant};

/// At most this many bytes of a reply are kept in each try's result.
pub const KEEP_REPLY: usize = 256;

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectPlan {
    /// The request (may use `{seq}` and the other variables).
    pub send: Template,
    /// Text parts of the request understand escapes.
    pub escapes: bool,
    /// What a good reply looks like.
    pub expect: Matcher,
    /// How long to wait for it.
    pub timeout: Duration,
    /// How many tries.
    pub count: u64,
    /// Pause between the end of one try and the next request.
    pub gap: Duration,
    /// Where the request goes.
    pub to: Target,
    /// Headless: write the CSV report here when the run ends.
    pub report: Option<std::path::PathBuf>,
}

impl ExpectPlan {
    pub fn new(send: Template, expect: Matcher) -> ExpectPlan {
        ExpectPlan {
            send,
            escapes: false,
            expect,
            timeout: Duration::from_secs(1),
            count: 1,
            gap: Duration::ZERO,
            to: Target::Default,
            report: None,
        }
    }
}

/// Why a plan cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectError {
    Send(TemplateError),
    Expect(MatchError),
}

impl fmt::Display for ExpectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectError::Send(e) => write!(f, "send: {e}"),
            ExpectError::Expect(e) => write!(f, "expect: {e}"),
        }
    }
}

impl std::error::Error for ExpectError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    /// The session is not ready yet.
    Waiting,
    /// The next request goes out at this instant.
    Idle(Instant),
    /// A request is out.
    Pending {
        issued: Instant,
        issued_us: i64,
        deadline: Instant,
        tx_us: Option<i64>,
    },
    Done,
}

/// Runs an [`ExpectPlan`].
#[derive(Clone, Debug)]
pub struct Expect {
    plan: ExpectPlan,
    matcher: CompiledMatcher,
    ctx: TemplateCtx,
    state: State,
    results: Tries,
    /// The start of what the current try received (at most [`KEEP_REPLY`] bytes, shown).
    got: Vec<u8>,
    /// TCP: the newest bytes of the current try, matched as they come (bounded, so a
    /// peer's flood costs at most the window per chunk).
    window: MatchWindow,
    got_len: usize,
    /// Why the run ended early, if it did.
    stopped: Option<TryFailure>,
    /// The words for the close or reset that ends a run early.
    describe: Describe,
}

impl Expect {
    /// Checks the plan: the request must render in `enc`, the matcher must compile.
    /// `describe` words the close or reset that stops a run (the report says why).
    pub fn new(plan: ExpectPlan, enc: Encoding, describe: Describe) -> Result<Expect, ExpectError> {
        let matcher = plan.expect.compile().map_err(ExpectError::Expect)?;
        let ctx = TemplateCtx::new(enc, plan.escapes);
        plan.send
            .render(&mut ctx.clone())
            .map_err(ExpectError::Send)?;
        let state = if plan.count == 0 {
            State::Done
        } else {
            State::Waiting
        };
        Ok(Expect {
            plan,
            matcher,
            ctx,
            state,
            results: Tries::default(),
            got: Vec::new(),
            window: MatchWindow::default(),
            got_len: 0,
            stopped: None,
            describe,
        })
    }

    pub fn plan(&self) -> &ExpectPlan {
        &self.plan
    }

    /// The session is already connected (the window starts a run on a live session):
    /// the first request goes out at the next tick.
    pub fn start(&mut self, now: Instant) {
        if self.state == State::Waiting {
            self.state = State::Idle(now);
        }
    }

    /// Ends the run; the try in progress, if any, fails as cancelled.
    pub fn cancel(&mut self, now: Instant) {
        if matches!(self.state, State::Pending { .. }) {
            self.finish_try(false, None, Some(TryFailure::Cancelled), now);
        }
        self.stopped.get_or_insert(TryFailure::Cancelled);
        self.state = State::Done;
    }

    /// The session is gone (its event channel closed): the try in progress fails, the
    /// rest do not run.
    pub fn session_ended(&mut self, why: TryFailure, now: Instant) {
        if matches!(self.state, State::Pending { .. }) {
            self.finish_try(false, None, Some(why.clone()), now);
        }
        if self.state != State::Done {
            self.stopped = Some(why);
            self.state = State::Done;
        }
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Why the run ended before all tries ran (session closed, cancelled), if it did.
    pub fn stopped(&self) -> Option<&TryFailure> {
        self.stopped.as_ref()
    }

    /// The words the run was given for a session's events (English in records).
    pub fn describer(&self) -> Describe {
        self.describe
    }

    /// A copy for the window to read: the run without the bytes the current try is
    /// matching (the tries are shared, not copied: see [`Tries`]).
    pub fn snapshot(&self) -> Expect {
        Expect {
            plan: self.plan.clone(),
            matcher: self.matcher.clone(),
            ctx: self.ctx.clone(),
            state: self.state.clone(),
            results: self.results.clone(),
            got: self.got.clone(),
            window: MatchWindow::new(1),
            got_len: self.got_len,
            stopped: self.stopped.clone(),
            describe: self.describe,
        }
    }

    pub fn results(&self) -> &Tries {
        &self.results
    }

    /// True when every planned try ran and passed.
    pub fn all_passed(&self) -> bool {
        self.summary().all_passed()
    }

    /// Looks at an event; returns the commands to send (the first request once ready).
    pub fn on_event(&mut self, ev: &Event, now: Instant) -> Vec<Command> {
        match &ev.kind {
            EventKind::Bound | EventKind::Connected
                if ev.client.is_none() && ev.role != Role::UdpReceiver =>
            {
                self.start(now);
            }
            EventKind::Accepted => self.start(now),
            EventKind::Tx(_) => {
                if let State::Pending {
                    tx_us: t @ None, ..
                } = &mut self.state
                {
                    *t = Some(ev.ts_us);
                }
            }
            EventKind::Rx(data) => self.on_rx(ev, data, now),
            EventKind::Error { .. } => {
                // A failed send fails the try; the run goes on (a UDP peer may come back).
                // If the session itself ended, the caller says so with `session_ended`.
                if matches!(self.state, State::Pending { .. }) {
                    let why = TryFailure::SendFailed(Box::new(ev.clone()));
                    self.finish_try(false, None, Some(why), now);
                }
            }
            EventKind::Icmp(_) => {
                // The network said the request cannot arrive: no need to wait for a reply.
                if matches!(self.state, State::Pending { .. }) {
                    let why = TryFailure::NetworkAnswered(Box::new(ev.clone()));
                    self.finish_try(false, None, Some(why), now);
                }
            }
            EventKind::Closed { .. } | EventKind::Reset { .. }
                if ev.client.is_none() || ev.role != Role::TcpServer =>
            {
                let why = TryFailure::SessionEnded(Some(Box::new(ev.clone())));
                self.session_ended(why, now);
            }
            _ => {}
        }
        self.tick(now).0
    }

    fn on_rx(&mut self, ev: &Event, data: &[u8], now: Instant) {
        let State::Pending {
            issued,
            issued_us,
            tx_us,
            ..
        } = self.state
        else {
            return;
        };
        self.got_len += data.len();
        if self.got.len() < KEEP_REPLY {
            let room = KEEP_REPLY - self.got.len();
            self.got.extend_from_slice(&data[..room.min(data.len())]);
        }
        let matched = if ev.role.is_tcp() {
            self.window.push(data);
            self.matcher.is_match(self.window.bytes(), self.ctx.enc)
        } else {
            self.matcher.is_match(data, self.ctx.enc)
        };
        if matched {
            let from = tx_us.unwrap_or(issued_us);
            let latency = match u64::try_from(ev.ts_us - from) {
                Ok(us) if tx_us.is_some() => Duration::from_micros(us),
                _ => now.saturating_duration_since(issued),
            };
            self.finish_try(true, Some(latency), None, now);
        }
    }

    fn finish_try(
        &mut self,
        passed: bool,
        latency: Option<Duration>,
        failure: Option<TryFailure>,
        now: Instant,
    ) {
        let State::Pending { issued_us, .. } = self.state else {
            return;
        };
        let mut reply = std::mem::take(&mut self.got);
        reply.truncate(KEEP_REPLY);
        self.window.clear();
        self.results.push(TryResult {
            n: self.results.len() as u64 + 1,
            sent_us: issued_us,
            passed,
            latency,
            reply,
            reply_len: std::mem::take(&mut self.got_len),
            failure,
        });
        self.state = if self.results.len() as u64 >= self.plan.count {
            State::Done
        } else {
            State::Idle(now + self.plan.gap)
        };
    }

    /// Sends what is due and times out a try whose deadline passed. Returns the commands
    /// to give the session and when to call again (None: done, or waiting for an event).
    pub fn tick(&mut self, now: Instant) -> (Vec<Command>, Option<Instant>) {
        let mut out = Vec::new();
        loop {
            match self.state {
                State::Waiting | State::Done => return (out, None),
                State::Idle(at) if at > now => return (out, Some(at)),
                State::Idle(_) => {
                    let payload = match self.plan.send.render(&mut self.ctx) {
                        Ok(b) => b,
                        Err(e) => {
                            // Only if the encoding changed since the check; stop rather than loop.
                            self.stopped = Some(TryFailure::BadRequest(e));
                            self.state = State::Done;
                            return (out, None);
                        }
                    };
                    self.got.clear();
                    self.window.clear();
                    self.got_len = 0;
                    self.state = State::Pending {
                        issued: now,
                        issued_us: crate::clock::now_us(),
                        deadline: now + self.plan.timeout,
                        tx_us: None,
                    };
                    out.push(Command::Send {
                        payload: Payload::Bytes(payload),
                        to: self.plan.to.clone(),
                    });
                }
                State::Pending { deadline, .. } if deadline > now => {
                    return (out, Some(deadline));
                }
                State::Pending { .. } => {
                    let within = self.plan.timeout;
                    let why = if self.got_len == 0 {
                        TryFailure::NoReply { within }
                    } else {
                        TryFailure::NoMatch {
                            within,
                            got: self.got_len,
                            start: self.got.clone(),
                        }
                    };
                    self.finish_try(false, None, Some(why), now);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stand-in words for the event that ends a run (the caller gives English ones).
    fn words(ev: &Event) -> String {
        format!("<{}>", ev.kind.name())
    }

    fn ev(role: Role, kind: EventKind, ts_us: i64) -> Event {
        Event {
            ts_us,
            role,
            local: None,
            peer: None,
            client: None,
            kind,
            opcode: None,
        }
    }

    fn plan(count: u64) -> ExpectPlan {
        let mut p = ExpectPlan::new(
            Template::parse("PING {seq}").unwrap(),
            Matcher::Contains("PONG".into()),
        );
        p.count = count;
        p.timeout = Duration::from_millis(100);
        p
    }

    fn payload(cmds: &[Command]) -> Vec<u8> {
        match cmds {
            [
                Command::Send {
                    payload: Payload::Bytes(b),
                    ..
                },
            ] => b.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn passes_fails_and_summarises() {
        let mut x = Expect::new(plan(3), Encoding::UTF_8, words).unwrap();
        let t0 = Instant::now();
        let role = Role::TcpClient;
        assert!(x.tick(t0).0.is_empty());
        let cmds = x.on_event(&ev(role, EventKind::Connected, 0), t0);
        assert_eq!(payload(&cmds), b"PING 1");
        x.on_event(&ev(role, EventKind::Tx(b"PING 1".to_vec()), 1_000), t0);
        // The reply arrives in two pieces; matched together.
        assert!(
            x.on_event(&ev(role, EventKind::Rx(b"PO".to_vec()), 1_200), t0)
                .is_empty()
        );
        let cmds = x.on_event(&ev(role, EventKind::Rx(b"NG\n".to_vec()), 1_500), t0);
        assert_eq!(payload(&cmds), b"PING 2");
        assert_eq!(x.results()[0].latency, Some(Duration::from_micros(500)));
        // Try 2 gets a wrong answer and times out.
        x.on_event(&ev(role, EventKind::Rx(b"ERR".to_vec()), 2_000), t0);
        let (cmds, next) = x.tick(t0 + Duration::from_millis(50));
        assert!(cmds.is_empty());
        assert_eq!(next, Some(t0 + Duration::from_millis(100)));
        let (cmds, _) = x.tick(t0 + Duration::from_millis(100));
        assert_eq!(payload(&cmds), b"PING 3");
        let r2 = &x.results()[1];
        assert!(!r2.passed);
        let note = r2.note(x.describer());
        assert!(note.contains("got 3 bytes: 45 52 52"), "{note}");
        // Try 3 passes with no tx seen: latency from the clock.
        let t1 = t0 + Duration::from_millis(100);
        x.on_event(
            &ev(role, EventKind::Rx(b"PONG".to_vec()), 9_000),
            t1 + Duration::from_millis(2),
        );
        assert!(x.is_done());
        let s = x.summary();
        assert_eq!((s.tries, s.passed, s.failed), (3, 2, 1));
        assert_eq!(s.min, Some(Duration::from_micros(500)));
        assert_eq!(s.max, Some(Duration::from_millis(2)));
        assert!(!x.all_passed());
        assert!(
            s.to_string()
                .starts_with("FAIL 2/3 passed, 1 failed; latency min 0.500 ms"),
            "{s}"
        );
        let csv = x.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "try,sent_at,result,latency_ms,reply_bytes,reply_hex,note"
        );
        assert!(lines[1].contains(",pass,0.500,5,504f4e470a,"), "{csv}");
        assert!(
            lines[2].contains(",fail,,3,455252,no matching reply"),
            "{csv}"
        );
        // Only rows: the header and one per try (no comment lines a spreadsheet reads).
        assert_eq!(lines.len(), 4, "{csv}");
        assert!(!csv.contains('#'), "{csv}");
        let summary = x.summary_text();
        assert!(summary.starts_with("FAIL 2/3"), "{summary}");
        assert!(
            summary
                .lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("send "))
        );
    }

    #[test]
    fn udp_matches_each_datagram_and_closing_stops() {
        let mut p = plan(5);
        p.expect = Matcher::Equals("PONG".into());
        let mut x = Expect::new(p, Encoding::UTF_8, words).unwrap();
        let t0 = Instant::now();
        let role = Role::UdpSender;
        x.on_event(&ev(role, EventKind::Bound, 0), t0);
        x.on_event(&ev(role, EventKind::Rx(b"PO".to_vec()), 0), t0);
        x.on_event(&ev(role, EventKind::Rx(b"NG".to_vec()), 0), t0);
        assert!(x.results().is_empty());
        let cmds = x.on_event(&ev(role, EventKind::Rx(b"PONG".to_vec()), 0), t0);
        assert_eq!(payload(&cmds), b"PING 2");
        let err = EventKind::Error {
            kind: crate::net::ErrorKind::Refused,
            detail: "refused".into(),
        };
        let cmds = x.on_event(&ev(role, err, 0), t0);
        assert_eq!(payload(&cmds), b"PING 3");
        assert!(
            x.results()[1]
                .note(x.describer())
                .contains("error: refused")
        );
        let closed = EventKind::Closed {
            by: crate::net::ClosedBy::Local,
            reason: crate::net::CloseReason::SocketClosed,
        };
        x.on_event(&ev(role, closed, 0), t0);
        assert!(x.is_done());
        assert_eq!(x.results().len(), 3);
        assert!(x.results()[2].note(x.describer()).contains("<closed>"));
        let s = x.summary();
        assert!(s.to_string().contains("2 not run"), "{s}");
        assert!(
            x.summary_text()
                .contains("\nstopped: session ended: <closed>\n")
        );
        assert!(!x.to_csv().contains("stopped"));
    }

    #[test]
    fn gap_and_cancel() {
        let mut p = plan(2);
        p.gap = Duration::from_millis(30);
        let mut x = Expect::new(p, Encoding::UTF_8, words).unwrap();
        let t0 = Instant::now();
        x.start(t0);
        assert_eq!(payload(&x.tick(t0).0), b"PING 1");
        let (cmds, _) = x.tick(t0 + Duration::from_millis(100));
        assert!(cmds.is_empty());
        let (cmds, next) = x.tick(t0 + Duration::from_millis(100));
        assert!(cmds.is_empty());
        assert_eq!(next, Some(t0 + Duration::from_millis(130)));
        x.cancel(t0 + Duration::from_millis(110));
        assert!(x.is_done());
        assert_eq!(x.stopped(), Some(&TryFailure::Cancelled));
    }

    #[test]
    fn bad_plans() {
        let mut p = plan(1);
        p.expect = Matcher::Regex("(".into());
        assert!(matches!(
            Expect::new(p, Encoding::UTF_8, words),
            Err(ExpectError::Expect(_))
        ));
        let mut p = plan(1);
        p.send = Template::parse("收").unwrap();
        assert!(matches!(
            Expect::new(p, Encoding::LATIN_1, words),
            Err(ExpectError::Send(_))
        ));
    }
}
