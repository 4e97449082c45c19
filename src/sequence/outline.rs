//! A sequence as written, repeats kept (the window edits it), and the TOML text of one:
//! [`outline`] reads a file's steps without unrolling them; [`to_toml`] writes steps back
//! as a file [`super::Sequence::parse`] reads (so the window checks and runs exactly what
//! it would save).

use super::{Proto, SeqError, StepDef};
use serde::{Deserialize, Serialize};

/// The matcher of an expect step, by its TOML key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectKind {
    #[default]
    Contains,
    Equals,
    Hex,
    Regex,
    BytesRegex,
    Any,
}

impl ExpectKind {
    pub const ALL: [ExpectKind; 6] = [
        ExpectKind::Contains,
        ExpectKind::Equals,
        ExpectKind::Hex,
        ExpectKind::Regex,
        ExpectKind::BytesRegex,
        ExpectKind::Any,
    ];

    fn key(self) -> &'static str {
        match self {
            ExpectKind::Contains => "expect",
            ExpectKind::Equals => "expect_equals",
            ExpectKind::Hex => "expect_hex",
            ExpectKind::Regex => "expect_regex",
            ExpectKind::BytesRegex => "expect_bytes_regex",
            ExpectKind::Any => "expect_any",
        }
    }
}

/// One step as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutlineStep {
    Send {
        text: String,
        hex: bool,
        template: bool,
    },
    /// A duration as written ("500ms").
    Wait(String),
    Expect {
        kind: ExpectKind,
        value: String,
        timeout: Option<String>,
    },
    Repeat {
        times: u32,
        steps: Vec<OutlineStep>,
    },
    Connect,
    Close,
}

/// A file's name, protocol and steps, repeats kept.
pub fn outline(text: &str) -> Result<(Option<String>, Proto, Vec<OutlineStep>), SeqError> {
    // The same checks as running it, so a file that loads also runs.
    super::Sequence::parse(text)?;
    let def: super::FileDef = toml::from_str(text).map_err(|e| SeqError {
        line: 0,
        message: e.message().to_string(),
    })?;
    let steps = def.steps.iter().map(|s| convert(s.get_ref())).collect();
    Ok((def.name, def.protocol, steps))
}

fn convert(s: &StepDef) -> OutlineStep {
    if let Some(text) = &s.send {
        return OutlineStep::Send {
            text: text.clone(),
            hex: s.hex,
            template: s.template,
        };
    }
    if let Some(w) = &s.wait {
        return OutlineStep::Wait(w.clone());
    }
    if let Some(times) = s.repeat {
        return OutlineStep::Repeat {
            times,
            steps: s
                .steps
                .iter()
                .flatten()
                .map(|x| convert(x.get_ref()))
                .collect(),
        };
    }
    if s.connect {
        return OutlineStep::Connect;
    }
    if s.close {
        return OutlineStep::Close;
    }
    let (kind, value) = [
        (ExpectKind::Contains, &s.expect),
        (ExpectKind::Equals, &s.expect_equals),
        (ExpectKind::Hex, &s.expect_hex),
        (ExpectKind::Regex, &s.expect_regex),
        (ExpectKind::BytesRegex, &s.expect_bytes_regex),
    ]
    .into_iter()
    .find_map(|(k, v)| v.clone().map(|v| (k, v)))
    .unwrap_or((ExpectKind::Any, String::new()));
    OutlineStep::Expect {
        kind,
        value,
        timeout: s.timeout.clone(),
    }
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The inline table of a step (`{ send = "PING" }`), for a repeat's `steps`.
fn inline(s: &OutlineStep) -> String {
    format!("{{ {} }}", fields(s).join(", "))
}

fn fields(s: &OutlineStep) -> Vec<String> {
    match s {
        OutlineStep::Send {
            text,
            hex,
            template,
        } => {
            let mut v = vec![format!("send = {}", quote(text))];
            if *hex {
                v.push("hex = true".into());
            }
            if *template {
                v.push("template = true".into());
            }
            v
        }
        OutlineStep::Wait(w) => vec![format!("wait = {}", quote(w))],
        OutlineStep::Expect {
            kind,
            value,
            timeout,
        } => {
            let mut v = vec![if *kind == ExpectKind::Any {
                "expect_any = true".to_string()
            } else {
                format!("{} = {}", kind.key(), quote(value))
            }];
            if let Some(t) = timeout.as_ref().filter(|t| !t.trim().is_empty()) {
                v.push(format!("timeout = {}", quote(t)));
            }
            v
        }
        OutlineStep::Repeat { times, steps } => vec![
            format!("repeat = {times}"),
            format!(
                "steps = [ {} ]",
                steps.iter().map(inline).collect::<Vec<_>>().join(", ")
            ),
        ],
        OutlineStep::Connect => vec!["connect = true".into()],
        OutlineStep::Close => vec!["close = true".into()],
    }
}

/// A sequence file: name, protocol, address (if any), encoding label, then one
/// `[[step]]` per step (a repeat's steps inline).
pub fn to_toml(
    name: &str,
    proto: Proto,
    to: Option<&str>,
    encoding: &str,
    steps: &[OutlineStep],
) -> String {
    let mut out = format!(
        "# A Socket Tester sequence: socket-tester run FILE --to HOST:PORT\nname = {}\nprotocol = \"{}\"\n",
        quote(name),
        match proto {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    );
    if let Some(to) = to {
        out.push_str(&format!("to = {}\n", quote(to)));
    }
    out.push_str(&format!("encoding = {}\n", quote(encoding)));
    for s in steps {
        out.push_str("\n[[step]]\n");
        for f in fields(s) {
            out.push_str(&f);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_sequence_reads_back_the_same() {
        let steps = vec![
            OutlineStep::Send {
                text: "HELLO \"you\"\n".into(),
                hex: false,
                template: false,
            },
            OutlineStep::Expect {
                kind: ExpectKind::Regex,
                value: r"TOKEN=(?P<t>\w+)".into(),
                timeout: Some("2s".into()),
            },
            OutlineStep::Repeat {
                times: 2,
                steps: vec![
                    OutlineStep::Send {
                        text: "01 02".into(),
                        hex: true,
                        template: false,
                    },
                    OutlineStep::Expect {
                        kind: ExpectKind::Any,
                        value: String::new(),
                        timeout: None,
                    },
                ],
            },
            OutlineStep::Wait("100ms".into()),
            OutlineStep::Close,
            OutlineStep::Connect,
        ];
        let text = to_toml("t", Proto::Tcp, Some("127.0.0.1:7"), "gbk", &steps);
        let (name, proto, back) = outline(&text).unwrap();
        assert_eq!((name.as_deref(), proto), (Some("t"), Proto::Tcp));
        assert_eq!(back, steps);
        assert_eq!(
            super::super::Sequence::parse(&text).unwrap().steps.len(),
            2 + 4 + 3
        );
    }
}
