//! Test sequences: an ordered list of steps — send (text, hex or a template), wait,
//! expect (any matcher an auto-reply rule has, with a timeout; a regex can capture named
//! groups into variables that later sends use as `{name}`), repeat N { … }, and on TCP
//! connect / close — read from TOML, checked with the line of each problem, and flattened
//! into what [`run::SequenceRun`] steps through. `socket-tester run` hosts it headless
//! (`cli`), with a JUnit report for CI.
//!
//! ```toml
//! name = "login"
//! protocol = "tcp"          # or "udp"
//! to = "127.0.0.1:7891"     # --to overrides
//! encoding = "utf-8"
//!
//! [[step]]
//! send = "HELLO"
//! [[step]]
//! expect_regex = "TOKEN=(?P<token>\\w+)"
//! timeout = "1s"
//! [[step]]
//! send = "AUTH {token}\n"
//! [[step]]
//! repeat = 3
//! steps = [ { send = "PING\n" }, { expect = "PONG" } ]
//! ```

pub mod cli;
pub mod crowd_cli;
pub mod outcome;
pub mod outline;
pub mod run;

use crate::auto::rules::Matcher;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use toml::Spanned;

/// The transport a sequence talks over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    /// The role that runs a sequence over it: a TCP client, or a UDP sender.
    pub fn role(self) -> crate::net::Role {
        match self {
            Proto::Tcp => crate::net::Role::TcpClient,
            Proto::Udp => crate::net::Role::UdpSender,
        }
    }
}

/// A sequence file as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileDef {
    pub(crate) name: Option<String>,
    pub(crate) protocol: Proto,
    pub(crate) to: Option<Spanned<String>>,
    pub(crate) encoding: Option<Spanned<String>>,
    #[serde(rename = "step", default)]
    pub(crate) steps: Vec<Spanned<StepDef>>,
}

/// One step as written: exactly one action.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StepDef {
    pub(crate) name: Option<String>,
    pub(crate) send: Option<String>,
    #[serde(default)]
    pub(crate) hex: bool,
    #[serde(default)]
    pub(crate) template: bool,
    pub(crate) wait: Option<String>,
    pub(crate) expect: Option<String>,
    pub(crate) expect_equals: Option<String>,
    pub(crate) expect_hex: Option<String>,
    pub(crate) expect_regex: Option<String>,
    pub(crate) expect_bytes_regex: Option<String>,
    #[serde(default)]
    pub(crate) expect_any: bool,
    pub(crate) timeout: Option<String>,
    pub(crate) repeat: Option<u32>,
    pub(crate) steps: Option<Vec<Spanned<StepDef>>>,
    #[serde(default)]
    pub(crate) connect: bool,
    #[serde(default)]
    pub(crate) close: bool,
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Text (or hex) to send; `{name}` takes a captured variable; `template` also
    /// expands `{seq}`, `{time}`…
    Send {
        text: String,
        hex: bool,
        template: bool,
    },
    Wait(Duration),
    Expect {
        matcher: Matcher,
        timeout: Duration,
    },
    Connect,
    Close,
}

/// A step of the flattened sequence: its label ("3", "4.2 (round 2)"), its line in the
/// file, and its action.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub label: String,
    pub name: Option<String>,
    pub line: usize,
    pub action: Action,
    /// Which step as written this is (its place in the file): the rounds of a repeat
    /// share it, so each send step keeps its own `{seq}` counter across them.
    pub origin: usize,
}

/// A checked sequence, repeats unrolled.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    pub name: String,
    pub proto: Proto,
    pub to: Option<String>,
    pub encoding: crate::codec::Encoding,
    pub steps: Vec<Step>,
}

/// A bad sequence file: the line (1-based, 0 when unknown) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SeqError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for SeqError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: {}", self.line, self.message)
        } else {
            f.write_str(&self.message)
        }
    }
}

/// No more steps than this after repeats are unrolled.
pub const MAX_STEPS: usize = 100_000;

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The longest wait or timeout a step may give. humantime reads up to ~584 billion years,
/// and a run adds the step's duration to the instant it began: past ~292 billion years
/// that addition overflows (a panic in the runner; found by the `sequence` fuzz target).
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 60 * 60);

fn duration(s: &str, line: usize, what: &str) -> Result<Duration, SeqError> {
    let d = humantime::parse_duration(s.trim()).map_err(|e| SeqError {
        line,
        message: format!("{what} \"{s}\": {e} (write it as 500ms, 2s, 1m)"),
    })?;
    if d > MAX_DURATION {
        return Err(SeqError {
            line,
            message: format!("{what} \"{s}\": longer than 365 days"),
        });
    }
    Ok(d)
}

impl Sequence {
    /// Reads and checks a sequence file's text.
    pub fn parse(text: &str) -> Result<Sequence, SeqError> {
        let def: FileDef = toml::from_str(text).map_err(|e| SeqError {
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
        let encoding = match &def.encoding {
            Some(label) => {
                crate::codec::Encoding::parse(label.get_ref()).map_err(|m| SeqError {
                    line: line_of(text, label.span().start),
                    message: format!("encoding: {m}"),
                })?
            }
            None => crate::codec::Encoding::UTF_8,
        };
        // The address is checked now too: a file that loads is one `run` can start.
        if let Some(to) = &def.to
            && let Err(e) = crate::net::addr::split_host_port(to.get_ref())
        {
            return Err(SeqError {
                line: line_of(text, to.span().start),
                message: format!("to = \"{}\": {e}", to.get_ref()),
            });
        }
        let mut steps = Vec::new();
        flatten(text, &def.steps, "", def.protocol, &mut steps)?;
        if steps.is_empty() {
            return Err(SeqError {
                line: 0,
                message: "the sequence has no [[step]]".into(),
            });
        }
        check_sends(&steps, encoding)?;
        Ok(Sequence {
            name: def.name.unwrap_or_else(|| "sequence".into()),
            proto: def.protocol,
            to: def.to.map(Spanned::into_inner),
            encoding,
            steps,
        })
    }
}

/// Checks every send before anything connects (a bad file is exit 2, not a failed test):
/// a `{name}` must be captured by an earlier `expect_regex`, hex must parse, a template
/// must parse, and text must be writable in the encoding.
fn check_sends(steps: &[Step], enc: crate::codec::Encoding) -> Result<(), SeqError> {
    let mut captured: Vec<String> = Vec::new();
    for st in steps {
        let err = |message: String| SeqError {
            line: st.line,
            message: format!("step {}: {message}", st.label),
        };
        match &st.action {
            Action::Expect {
                matcher: Matcher::Regex(r),
                ..
            } => {
                if let Ok(re) = regex::Regex::new(r) {
                    captured.extend(re.capture_names().flatten().map(String::from));
                }
            }
            Action::Send {
                text,
                hex,
                template,
            } => {
                // Captured values are known only when the step runs: stand-ins here.
                let mut t = text.clone();
                for name in &captured {
                    t = t.replace(&format!("{{{name}}}"), if *hex { "" } else { "x" });
                }
                if *template {
                    let parsed = if *hex {
                        crate::codec::Template::parse_hex(&t)
                    } else {
                        crate::codec::Template::parse(&t)
                    };
                    parsed.map_err(|e| err(e.to_string()))?;
                } else if let Some(name) = unknown_variable(&t).filter(|_| *hex) {
                    return Err(err(format!(
                        "{{{name}}} is not captured by an earlier expect_regex (a named group (?P<{name}>…))"
                    )));
                } else if *hex {
                    crate::codec::parse_hex(&t).map_err(|e| err(format!("hex: {e}")))?;
                } else {
                    if let Some(name) = unknown_variable(&t) {
                        return Err(err(format!(
                            "{{{name}}} is not captured by an earlier expect_regex (a named group (?P<{name}>…))"
                        )));
                    }
                    crate::codec::encode(enc, &t).map_err(|e| err(e.to_string()))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The first `{name}` left in a send's text (a letter, digit or `_` name): checked when
/// the file is read, and refused by the runner if a capture did not fill it.
pub(crate) fn unknown_variable(t: &str) -> Option<&str> {
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if let Some(len) = after.find('}') {
            let name = &after[..len];
            if crate::codec::is_var_name(name) {
                return Some(name);
            }
        }
        rest = after;
    }
    None
}

fn flatten(
    text: &str,
    defs: &[Spanned<StepDef>],
    prefix: &str,
    proto: Proto,
    out: &mut Vec<Step>,
) -> Result<(), SeqError> {
    for (i, d) in defs.iter().enumerate() {
        let line = line_of(text, d.span().start);
        let s = d.get_ref();
        let label = format!("{prefix}{}", i + 1);
        let err = |message: String| SeqError { line, message };
        let expects = [
            s.expect.clone().map(Matcher::Contains),
            s.expect_equals.clone().map(Matcher::Equals),
            s.expect_hex.clone().map(Matcher::ContainsHex),
            s.expect_regex.clone().map(Matcher::Regex),
            s.expect_bytes_regex.clone().map(Matcher::BytesRegex),
            s.expect_any.then_some(Matcher::Any),
        ];
        let n_expect = expects.iter().flatten().count();
        let actions = s.send.is_some() as usize
            + s.wait.is_some() as usize
            + n_expect
            + s.repeat.is_some() as usize
            + s.connect as usize
            + s.close as usize;
        if actions != 1 {
            return Err(err(format!(
                "step {label}: give exactly one of send, wait, expect (expect, expect_equals, expect_hex, expect_regex, expect_bytes_regex, expect_any), repeat, connect, close; found {actions}"
            )));
        }
        if (s.connect || s.close) && proto == Proto::Udp {
            return Err(err(format!(
                "step {label}: connect and close are for TCP (UDP has no connection)"
            )));
        }
        if s.timeout.is_some() && n_expect == 0 {
            return Err(err(format!(
                "step {label}: timeout belongs to an expect step"
            )));
        }
        if s.steps.is_some() && s.repeat.is_none() {
            return Err(err(format!("step {label}: steps belong to a repeat step")));
        }
        if let Some(times) = s.repeat {
            let inner = s.steps.as_deref().unwrap_or_default();
            if inner.is_empty() || times == 0 {
                return Err(err(format!(
                    "step {label}: repeat needs a count of 1 or more and steps = [ … ]"
                )));
            }
            for round in 1..=times {
                let at = out.len();
                flatten(text, inner, &format!("{label}."), proto, out)?;
                for st in &mut out[at..] {
                    st.label = format!("{} (round {round})", st.label);
                }
                if out.len() > MAX_STEPS {
                    return Err(err(format!(
                        "step {label}: more than {MAX_STEPS} steps once repeated"
                    )));
                }
            }
            continue;
        }
        let action = if let Some(text) = &s.send {
            Action::Send {
                text: text.clone(),
                hex: s.hex,
                template: s.template,
            }
        } else if let Some(w) = &s.wait {
            Action::Wait(duration(w, line, "wait")?)
        } else if s.connect {
            Action::Connect
        } else if s.close {
            Action::Close
        } else {
            let matcher = expects.into_iter().flatten().next().unwrap_or(Matcher::Any);
            if let Err(e) = matcher.compile() {
                return Err(err(format!("step {label}: {}", e)));
            }
            let timeout = match &s.timeout {
                Some(t) => duration(t, line, "timeout")?,
                None => Duration::from_secs(1),
            };
            Action::Expect { matcher, timeout }
        };
        out.push(Step {
            label,
            name: s.name.clone(),
            line,
            action,
            origin: d.span().start,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sequence_parses_and_repeats_unroll() {
        let s = Sequence::parse(
            r#"
name = "t"
protocol = "tcp"
[[step]]
send = "HI"
[[step]]
expect_regex = "T=(?P<t>\\d+)"
timeout = "300ms"
[[step]]
repeat = 2
steps = [ { send = "P" }, { expect = "Q" } ]
[[step]]
close = true
"#,
        )
        .unwrap();
        assert_eq!(s.steps.len(), 1 + 1 + 4 + 1);
        assert_eq!(s.steps[3].label, "3.2 (round 1)");
        assert_eq!(s.steps[5].label, "3.2 (round 2)");
        assert_eq!(s.steps[1].line, 6);
        assert_eq!(
            s.steps[1].action,
            Action::Expect {
                matcher: Matcher::Regex("T=(?P<t>\\d+)".into()),
                timeout: Duration::from_millis(300)
            }
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        let e = Sequence::parse("protocol = \"tcp\"\n[[step]]\nsend = \"a\"\nwait = \"1s\"\n")
            .unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("exactly one"), "{e}");
        let e = Sequence::parse("protocol = \"udp\"\n\n[[step]]\nclose = true\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = Sequence::parse("protocol = \"tcp\"\n[[step]]\nwait = \"soon\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e =
            Sequence::parse("protocol = \"tcp\"\n[[step]]\nsend = 'x'\nbogus = 1\n").unwrap_err();
        assert!(e.line >= 2 && e.message.contains("bogus"), "{e}");
        let e =
            Sequence::parse("protocol = \"tcp\"\n[[step]]\nexpect_regex = \"(\"\n").unwrap_err();
        assert_eq!(e.line, 2);
    }
}
