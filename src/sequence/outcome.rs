//! What a sequence run says: the I/O it needs from its host ([`Need`]), each step's
//! outcome with its latency, detail and bytes ([`StepResult`]), and why a step failed
//! ([`Failure`], typed; worded where shown).

use super::{Action, Step};
use std::time::Duration;

/// I/O the host must do now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    Send(Vec<u8>),
    Connect,
    Close,
}

/// Why a step failed, typed: the command line and JUnit word it in English
/// ([`Failure::english`]), the window in its own language.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// Stopped by the user before it ended.
    Stopped,
    /// An expect's time ran out; `arrived`: bytes that came while it waited.
    NoReply { arrived: u64 },
    /// A connect or a close had no answer within 10 s.
    NoAnswer,
    /// A send step's bytes could not be made.
    BadPayload(crate::codec::PayloadError),
    /// A send step names `{name}` before anything captured it.
    NotCaptured(String),
    /// Nothing to send through: no session runs (it ended, or never started).
    NoSession,
    /// `connect` and `close` are for the TCP client.
    NotTcpClient,
    /// The session said it failed (the event, worded where it is shown).
    Session(Box<crate::net::Event>),
    /// The session did not become ready (connected, bound) within this many seconds.
    NotReady(u64),
}

impl Failure {
    /// The English sentence (the command line, JUnit reports).
    pub fn english(&self) -> String {
        match self {
            Failure::Stopped => "stopped".into(),
            Failure::NoReply { arrived: 0 } => "no reply in time (nothing arrived)".into(),
            Failure::NoReply { arrived } => {
                format!("no matching reply in time ({arrived} bytes arrived)")
            }
            Failure::NoAnswer => "no answer within 10 s".into(),
            Failure::BadPayload(e) => e.to_string(),
            Failure::NotCaptured(name) => format!("{{{name}}} is not a captured variable (yet)"),
            Failure::NoSession => "not sent: no session runs".into(),
            Failure::NotTcpClient => "connect and close are for the TCP client".into(),
            Failure::Session(ev) => crate::i18n::english(ev),
            Failure::NotReady(s) => format!("the session did not become ready in {s} s"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// How one step went.
#[derive(Clone, Debug)]
pub struct StepResult {
    pub label: String,
    pub name: Option<String>,
    pub line: usize,
    /// "send \"PING\"", "expect contains \"PONG\" within 1s", "wait 500ms" (English): the
    /// same for the step in every run (a JUnit case name).
    pub what: String,
    /// A send step: how many bytes it put on the wire.
    pub sent: Option<usize>,
    /// A send step: the first [`SENT_SHOWN`] of those bytes (after `{name}`s and the
    /// template were filled in), for `run` to print what really went.
    pub sent_bytes: Vec<u8>,
    /// The step's action (a window words it in its own language).
    pub action: Action,
    pub outcome: Outcome,
    /// How long the step took.
    pub took: Duration,
    /// Expect: from the last send to the matching bytes.
    pub latency: Option<Duration>,
    /// Why it failed.
    pub failure: Option<Failure>,
    /// A failed expect: expected against received, as hex (English).
    pub diff: Vec<String>,
    /// A failed expect: the bytes its matcher names (None for a regex) and the start of
    /// what it was matched against (at most [`crate::codec::window::KEEP_SHOWN`] bytes).
    pub expected: Option<Vec<u8>>,
    pub received: Vec<u8>,
    /// A failed expect: how many bytes arrived while it waited (kept or not).
    pub received_total: u64,
}

impl StepResult {
    /// A result for `st` with nothing yet said about latency, detail or bytes.
    pub(super) fn new(st: Step, outcome: Outcome, took: Duration) -> StepResult {
        StepResult {
            what: describe(&st.action),
            sent: None,
            sent_bytes: Vec::new(),
            action: st.action,
            label: st.label,
            name: st.name,
            line: st.line,
            outcome,
            took,
            latency: None,
            failure: None,
            diff: Vec::new(),
            expected: None,
            received: Vec::new(),
            received_total: 0,
        }
    }
}

/// How many bytes of each send a result keeps to show.
pub const SENT_SHOWN: usize = 256;

/// A step in English, for the result's `what` (the command line's lines and JUnit).
fn describe(a: &Action) -> String {
    match a {
        Action::Send { text, hex, .. } => {
            if *hex {
                format!("send hex {text}")
            } else {
                format!("send {text:?}")
            }
        }
        Action::Wait(d) => format!("wait {}", humantime::format_duration(*d)),
        // On one line whatever the matcher holds (a regex may hold a newline).
        Action::Expect { matcher, timeout } => format!(
            "expect {} within {}",
            crate::codec::visible(&matcher.describe()),
            humantime::format_duration(*timeout)
        ),
        Action::Connect => "connect".into(),
        Action::Close => "close".into(),
    }
}
