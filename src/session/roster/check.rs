//! How a student's message is judged: the simple form (a student number — a run of
//! digits, with anything before it such as `学号:` — and the exercise's text, in either
//! order, with anything between) or, under 高级, a regex whose `id` group is the number.
//! Every check is linear in the message (the regex crate, `str::contains`).

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What each student must send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RosterCheck {
    /// The simple form: `text` (ASCII letters in any case), and with `number` a student
    /// number. `学号:2024001 你好`, `2024001 你好` and `2024001你好` all pass a 你好
    /// exercise.
    Text { text: String, number: bool },
    /// A text regex (高级); its `id` group, if any, is the student number.
    Regex(String),
}

/// How a message measured up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judged {
    /// It is the exercise; the student number if one was found.
    Pass(Option<String>),
    /// It is not the exercise's text (the number if one was found).
    WrongText(Option<String>),
    /// The text is there, but no student number.
    NoNumber,
    /// Not the text yet, but what came so far may become it (`2024010 ` or `2024010 你`
    /// for 你好, with no line end): the student is still typing (its letters sent one
    /// by one). The number, if one was found.
    Typing(Option<String>),
}

/// Why a check cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CheckError {
    /// The simple form's text is empty.
    EmptyText,
    /// The regex does not compile (the regex crate's words).
    BadRegex(String),
}

/// A check ready to judge messages.
#[derive(Debug)]
pub struct Compiled {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Text {
        /// Lower-cased.
        text: String,
        number: bool,
        digits: Regex,
    },
    Regex(Regex),
}

impl RosterCheck {
    pub fn compile(&self) -> Result<Compiled, CheckError> {
        let kind = match self {
            RosterCheck::Text { text, number } => {
                let text = text.trim();
                if text.is_empty() {
                    return Err(CheckError::EmptyText);
                }
                Kind::Text {
                    text: text.to_lowercase(),
                    number: *number,
                    digits: Regex::new(r"\d+").map_err(|e| CheckError::BadRegex(e.to_string()))?,
                }
            }
            RosterCheck::Regex(r) => Kind::Regex(
                regex::RegexBuilder::new(r)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| CheckError::BadRegex(e.to_string()))?,
            ),
        };
        Ok(Compiled { kind })
    }
}

impl Compiled {
    /// Judges what a student sent (decoded text).
    pub fn judge(&self, msg: &str) -> Judged {
        match &self.kind {
            Kind::Text {
                text,
                number,
                digits,
            } => {
                // The longest run of digits is the number: `第3组 2024001` is 2024001.
                let found = digits
                    .find_iter(msg)
                    .fold(None::<regex::Match>, |best, m| match best {
                        Some(b) if b.len() >= m.len() => Some(b),
                        _ => Some(m),
                    })
                    .map(|m| m.as_str().to_string());
                let lower = msg.to_lowercase();
                if !lower.contains(text.as_str()) {
                    if still_typing(&lower, text, digits) {
                        return Judged::Typing(found);
                    }
                    Judged::WrongText(found)
                } else if *number && found.is_none() {
                    Judged::NoNumber
                } else {
                    Judged::Pass(found)
                }
            }
            Kind::Regex(re) => match re.captures(msg) {
                Some(c) => Judged::Pass(c.name("id").map(|m| m.as_str().to_string())),
                None => Judged::WrongText(None),
            },
        }
    }
}

/// What came so far, with no line end yet, may still become the text: after its last
/// run of digits (the number) there is nothing but separators, or the start of the text.
fn still_typing(msg: &str, text: &str, digits: &regex::Regex) -> bool {
    if msg.ends_with(['\n', '\r']) {
        return false;
    }
    let after = match digits.find_iter(msg).last() {
        Some(m) => &msg[m.end()..],
        None => msg,
    };
    let sep = |c: char| c.is_whitespace() || c.is_ascii_punctuation() || "，。：；、".contains(c);
    let tail = after.trim_start_matches(sep);
    (after.len() != msg.len() || !tail.is_empty()) && text.starts_with(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Compiled {
        RosterCheck::Text {
            text: "你好".into(),
            number: true,
        }
        .compile()
        .unwrap()
    }

    #[test]
    fn a_student_still_typing_waits() {
        let c = hello();
        let typing = |m: &str| matches!(c.judge(m), Judged::Typing(_));
        assert!(typing("2024010 "), "the number, then a space");
        assert!(typing("学号:2024010，你"), "half the text");
        assert!(typing("你"), "the text's start, no number yet");
        assert!(!typing("2024004 hello"), "wrong text is said at once");
        assert!(!typing("2024010 \n"), "a line end: what was sent is all");
        assert_eq!(
            c.judge("2024010 你好"),
            Judged::Pass(Some("2024010".into()))
        );
    }

    #[test]
    fn what_students_type_passes() {
        let c = hello();
        for (msg, id) in [
            ("学号:2024001 你好", "2024001"),
            ("学号：2024001，你好", "2024001"),
            ("2024001 你好", "2024001"),
            ("2024001你好", "2024001"),
            ("你好 2024001", "2024001"),
            ("第3组 2024001 你好\r\n", "2024001"),
        ] {
            assert_eq!(c.judge(msg), Judged::Pass(Some(id.into())), "{msg}");
        }
    }

    #[test]
    fn failures_are_told_apart() {
        let c = hello();
        assert_eq!(
            c.judge("2024001 hello"),
            Judged::WrongText(Some("2024001".into()))
        );
        assert_eq!(c.judge("hi"), Judged::WrongText(None));
        assert_eq!(c.judge("你好"), Judged::NoNumber);
    }

    #[test]
    fn ascii_text_matches_in_any_case_and_the_number_may_be_optional() {
        let c = RosterCheck::Text {
            text: "Hello".into(),
            number: false,
        }
        .compile()
        .unwrap();
        assert_eq!(c.judge("HELLO there"), Judged::Pass(None));
        assert_eq!(c.judge("7 hello"), Judged::Pass(Some("7".into())));
    }

    #[test]
    fn the_regex_form_takes_its_id_group() {
        let c = RosterCheck::Regex(r"^(?P<id>\d{6})\s*你好".into())
            .compile()
            .unwrap();
        assert_eq!(c.judge("202601 你好"), Judged::Pass(Some("202601".into())));
        assert_eq!(c.judge("学号:202601 你好"), Judged::WrongText(None));
    }

    #[test]
    fn bad_checks_are_refused() {
        let empty = RosterCheck::Text {
            text: "  ".into(),
            number: true,
        };
        assert_eq!(empty.compile().err(), Some(CheckError::EmptyText));
        assert!(matches!(
            RosterCheck::Regex("(".into()).compile(),
            Err(CheckError::BadRegex(_))
        ));
    }
}
