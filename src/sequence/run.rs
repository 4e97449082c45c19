//! Stepping through a sequence, with no socket of its own: the host (headless `run`, or
//! a session runtime) feeds it what happened — received bytes, connected, closed, a
//! failure — and does the I/O it asks for ([`Need`]). Each step ends passed, failed or
//! skipped, with its latency; a failed expect carries a hex diff of what was expected
//! against what arrived. The first failure ends the run (the rest are skipped).

use super::{Action, Sequence, Step};
use crate::auto::rules::{CompiledMatcher, Matcher};
use crate::codec::diff::hex_diff_in;
use crate::codec::window::MatchWindow;
use crate::codec::{Template, TemplateCtx, encode, parse_hex};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use super::outcome::{Failure, Need, Outcome, SENT_SHOWN, StepResult};

/// Each expect step's matcher (and capture regex), compiled once for every run that
/// shares the sequence (a crowd's members): by step index, None for other steps.
pub type Compiled = Arc<Vec<Option<(CompiledMatcher, Option<regex::Regex>)>>>;

/// Compiles the expect steps of `seq` once (see [`SequenceRun::shared`]).
pub fn compile(seq: &Sequence) -> Compiled {
    Arc::new(
        seq.steps
            .iter()
            .map(|st| match &st.action {
                Action::Expect { matcher, .. } => {
                    let m = matcher.compile().ok()?;
                    let re = match matcher {
                        Matcher::Regex(r) => regex::Regex::new(r).ok(),
                        _ => None,
                    };
                    Some((m, re))
                }
                _ => None,
            })
            .collect(),
    )
}

/// How long a connect or a close may take.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SequenceRun {
    /// Shared by every run of the same sequence (a crowd's members): never copied.
    seq: Arc<Sequence>,
    /// The expect steps compiled once for all runs that share them.
    compiled: Option<Compiled>,
    next: usize,
    /// The step under way (waiting on time or on the peer) and when it began.
    current: Option<(usize, Instant)>,
    /// Bytes received since the last expect matched: the newest 64 KiB, whatever the
    /// peer sends (a match is looked for in them, so each chunk costs at most that).
    rx: MatchWindow,
    /// The expect step under way, compiled once: its index, matcher and capture regex.
    expecting: Option<(usize, CompiledMatcher, Option<regex::Regex>)>,
    last_send: Option<Instant>,
    vars: BTreeMap<String, String>,
    /// Each send step's own template state (its `{seq}` counts 1, 2, 3 … across the rounds
    /// of a repeat), by the step's [`Step::origin`].
    ctxs: BTreeMap<usize, TemplateCtx>,
    /// `{conn}` in its sends: a crowd's member number (1 for a single connection).
    conn: u64,
    results: Vec<StepResult>,
    done: bool,
}

impl SequenceRun {
    pub fn new(seq: Sequence) -> SequenceRun {
        SequenceRun::shared(Arc::new(seq), None, crate::codec::window::WINDOW)
    }

    /// A run of a sequence others run too (a crowd's members): the sequence and its
    /// compiled matchers are shared; expects look at the newest `window` bytes.
    pub fn shared(seq: Arc<Sequence>, compiled: Option<Compiled>, window: usize) -> SequenceRun {
        SequenceRun {
            seq,
            compiled,
            next: 0,
            current: None,
            rx: MatchWindow::new(window),
            expecting: None,
            last_send: None,
            vars: BTreeMap::new(),
            ctxs: BTreeMap::new(),
            conn: 1,
            results: Vec::new(),
            done: false,
        }
    }

    /// The run of a crowd's member `id`: its sends' `{conn}` is `id`.
    pub fn with_conn(mut self, id: u64) -> SequenceRun {
        self.conn = id;
        self
    }

    pub fn sequence(&self) -> &Sequence {
        &self.seq
    }

    pub fn results(&self) -> &[StepResult] {
        &self.results
    }

    /// Takes the results so far (a host that keeps its own short account of them: a
    /// crowd's member keeps none). [`SequenceRun::passed`] then looks at what is left.
    pub fn take_results(&mut self) -> Vec<StepResult> {
        std::mem::take(&mut self.results)
    }

    /// The step a run is at (the index of the step under way, or the next to start).
    pub fn at(&self) -> usize {
        self.current.map_or(self.next, |(i, _)| i)
    }

    pub fn is_done(&self) -> bool {
        self.done
    }

    /// True when every step passed (once done).
    pub fn passed(&self) -> bool {
        self.done && self.results.iter().all(|r| r.outcome == Outcome::Passed)
    }

    /// Variables captured so far.
    pub fn vars(&self) -> &BTreeMap<String, String> {
        &self.vars
    }

    fn step(&self, i: usize) -> &Step {
        &self.seq.steps[i]
    }

    fn finish(
        &mut self,
        i: usize,
        outcome: Outcome,
        began: Instant,
        now: Instant,
    ) -> &mut StepResult {
        let took = now.saturating_duration_since(began);
        self.results
            .push(StepResult::new(self.step(i).clone(), outcome, took));
        self.current = None;
        let at = self.results.len() - 1;
        if outcome == Outcome::Failed {
            self.skip_rest(i + 1);
        }
        &mut self.results[at]
    }

    fn skip_rest(&mut self, from: usize) {
        for j in from..self.seq.steps.len() {
            let st = self.step(j).clone();
            self.results
                .push(StepResult::new(st, Outcome::Skipped, Duration::ZERO));
        }
        self.next = self.seq.steps.len();
        self.done = true;
    }

    /// The host lost the connection or could not do what was asked.
    pub fn on_failure(&mut self, why: Failure, now: Instant) {
        if self.done {
            return;
        }
        let (i, began) = match self.current {
            Some(c) => c,
            None if self.next < self.seq.steps.len() => (self.next, now),
            None => {
                self.done = true;
                return;
            }
        };
        self.next = i + 1;
        let r = self.finish(i, Outcome::Failed, began, now);
        r.failure = Some(why);
    }

    pub fn on_rx(&mut self, data: &[u8], now: Instant) {
        self.rx.push(data);
        self.check_expect(now);
    }

    pub fn on_connected(&mut self, now: Instant) {
        if let Some((i, began)) = self.current
            && self.step(i).action == Action::Connect
        {
            self.rx.clear();
            self.finish(i, Outcome::Passed, began, now);
        }
    }

    pub fn on_closed(&mut self, now: Instant) {
        if let Some((i, began)) = self.current
            && self.step(i).action == Action::Close
        {
            self.finish(i, Outcome::Passed, began, now);
        }
    }

    /// When the host should call [`SequenceRun::poll`] again at the latest.
    pub fn deadline(&self) -> Option<Instant> {
        let (i, began) = self.current?;
        Some(match &self.step(i).action {
            Action::Wait(d) => began + *d,
            Action::Expect { timeout, .. } => began + *timeout,
            _ => began + IO_TIMEOUT,
        })
    }

    fn check_expect(&mut self, now: Instant) {
        let Some((i, began)) = self.current else {
            return;
        };
        if self.expecting.as_ref().is_none_or(|(at, ..)| *at != i)
            && let Some(Some((m, re))) = self.compiled.as_ref().and_then(|c| c.get(i))
        {
            self.expecting = Some((i, m.clone(), re.clone()));
        }
        let Action::Expect { matcher, .. } = &self.step(i).action else {
            return;
        };
        if self.expecting.as_ref().is_none_or(|(at, ..)| *at != i) {
            // Checked when the file was read, so it compiles; compiled once per step.
            let Ok(m) = matcher.compile() else {
                return;
            };
            let re = match matcher {
                Matcher::Regex(r) => regex::Regex::new(r).ok(),
                _ => None,
            };
            self.expecting = Some((i, m, re));
        }
        let Some((_, m, re)) = &self.expecting else {
            return;
        };
        let enc = self.seq.encoding;
        if !m.is_match(self.rx.bytes(), enc) {
            return;
        }
        // Captures: a text regex's named groups become variables.
        if let Some(re) = re {
            let text = crate::codec::decode(enc, self.rx.bytes());
            if let Some(c) = re.captures(&text) {
                for name in re.capture_names().flatten() {
                    if let Some(v) = c.name(name) {
                        self.vars.insert(name.to_string(), v.as_str().to_string());
                    }
                }
            }
        }
        self.rx.clear();
        self.expecting = None;
        let since = self.last_send.unwrap_or(began);
        let r = self.finish(i, Outcome::Passed, began, now);
        r.latency = Some(now.saturating_duration_since(since));
    }

    /// The bytes a send step puts on the wire: captured `{name}`s filled in, then hex,
    /// a template (in hex with `hex`; each send step its own `{seq}`, by `origin`), or text
    /// in the sequence's encoding.
    fn bytes(
        &mut self,
        origin: usize,
        text: &str,
        hex: bool,
        template: bool,
    ) -> Result<Vec<u8>, Failure> {
        use crate::codec::PayloadError;
        let mut t = text.to_string();
        for (k, v) in &self.vars {
            t = t.replace(&format!("{{{k}}}"), v);
        }
        if template {
            let enc = self.seq.encoding;
            let conn = self.conn;
            let ctx = self.ctxs.entry(origin).or_insert_with(|| {
                let mut c = TemplateCtx::new(enc, false);
                c.conn = conn;
                c
            });
            let parsed = if hex {
                Template::parse_hex(&t)
            } else {
                Template::parse(&t)
            };
            return parsed
                .and_then(|tp| tp.render(ctx))
                .map_err(|e| Failure::BadPayload(PayloadError::Template(e)));
        }
        if hex {
            return parse_hex(&t).map_err(|e| Failure::BadPayload(PayloadError::Hex(e)));
        }
        if let Some(name) = super::unknown_variable(&t) {
            return Err(Failure::NotCaptured(name.to_string()));
        }
        encode(self.seq.encoding, &t).map_err(|e| Failure::BadPayload(PayloadError::Encode(e)))
    }

    /// Moves on as far as it can; returns the I/O to do now, in order.
    pub fn poll(&mut self, now: Instant) -> Vec<Need> {
        self.poll_up_to(now, usize::MAX)
    }

    /// A step is under way (waiting on time or on the peer).
    pub fn waiting(&self) -> bool {
        self.current.is_some()
    }

    /// Steps started so far.
    pub fn started(&self) -> usize {
        self.next
    }

    /// Like [`SequenceRun::poll`], but starts at most `starts` new steps (step mode).
    pub fn poll_up_to(&mut self, now: Instant, mut starts: usize) -> Vec<Need> {
        let mut needs = Vec::new();
        while !self.done {
            if let Some((i, began)) = self.current {
                match self.step(i).action.clone() {
                    Action::Wait(d) if now >= began + d => {
                        self.finish(i, Outcome::Passed, began, now);
                        continue;
                    }
                    Action::Expect { matcher, timeout } if now >= began + timeout => {
                        let expected = expected_bytes(&matcher, self.seq.encoding);
                        // What is shown is bounded: the start of the window.
                        let got = self.rx.shown();
                        let total = self.rx.total();
                        self.rx.clear();
                        self.expecting = None;
                        let e = expected.as_deref().unwrap_or_default();
                        let length = match &expected {
                            Some(e) => format!("length: expected {} bytes, got {total}", e.len()),
                            None => format!("got {total} bytes"),
                        };
                        let diff = hex_diff_in(e, &got, ("expected", "got"), length);
                        let r = self.finish(i, Outcome::Failed, began, now);
                        r.failure = Some(Failure::NoReply { arrived: total });
                        r.diff = diff;
                        r.expected = expected;
                        r.received = got;
                        r.received_total = total;
                        continue;
                    }
                    Action::Connect | Action::Close if now >= began + IO_TIMEOUT => {
                        let r = self.finish(i, Outcome::Failed, began, now);
                        r.failure = Some(Failure::NoAnswer);
                        continue;
                    }
                    _ => break,
                }
            }
            if self.next >= self.seq.steps.len() {
                self.done = true;
                break;
            }
            if starts == 0 {
                break;
            }
            starts -= 1;
            let i = self.next;
            self.next += 1;
            let origin = self.step(i).origin;
            match self.step(i).action.clone() {
                Action::Send {
                    text,
                    hex,
                    template,
                } => match self.bytes(origin, &text, hex, template) {
                    Ok(b) => {
                        let n = b.len();
                        let shown = b[..n.min(SENT_SHOWN)].to_vec();
                        needs.push(Need::Send(b));
                        self.last_send = Some(now);
                        let r = self.finish(i, Outcome::Passed, now, now);
                        r.sent = Some(n);
                        r.sent_bytes = shown;
                    }
                    Err(e) => {
                        let r = self.finish(i, Outcome::Failed, now, now);
                        r.failure = Some(e);
                    }
                },
                Action::Wait(_) => self.current = Some((i, now)),
                Action::Expect { .. } => {
                    self.current = Some((i, now));
                    self.check_expect(now);
                }
                Action::Connect => {
                    self.current = Some((i, now));
                    needs.push(Need::Connect);
                }
                Action::Close => {
                    self.current = Some((i, now));
                    needs.push(Need::Close);
                }
            }
        }
        needs
    }
}

/// The bytes a matcher stands for from the first byte, where it names them (for the
/// diff). A "contains" may match anywhere, so a diff from byte 0 would mislead: the
/// received bytes are shown alone.
fn expected_bytes(m: &Matcher, enc: crate::codec::Encoding) -> Option<Vec<u8>> {
    match m {
        Matcher::Equals(t) => encode(enc, t).ok(),
        Matcher::StartsWithHex(h) => parse_hex(h).ok(),
        _ => None,
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
