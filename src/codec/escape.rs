//! Escape sequences in typed text payloads: `\r \n \t \\ \0 \xNN`.
//! Text between escapes is encoded in the session's encoding; `\xNN` is a raw byte.
//!
//! And the other way, [`visible`]: a peer's text made inert for a terminal or a text
//! viewer, the one escaping used by headless output, the txt, csv and html exports and
//! the window's Copy / Copy all.

use super::text::{EncodeError, Encoding, encode};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeError {
    /// A backslash sequence that is not understood, at this character index (0-based).
    Bad {
        position: usize,
        problem: EscapeProblem,
    },
    Encode(EncodeError),
}

/// What is wrong with a backslash sequence, typed (the window words it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeProblem {
    /// A backslash with nothing after it.
    LoneBackslash,
    /// `\x` without two hex digits after it.
    ShortHex,
    /// `\` followed by this character, which is no escape.
    Unknown(char),
}

impl EscapeProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        match self {
            EscapeProblem::LoneBackslash => {
                "a lone backslash at the end; write \\\\ for a backslash".into()
            }
            EscapeProblem::ShortHex => "\\x needs exactly two hex digits, as in \\x0D".into(),
            EscapeProblem::Unknown(c) => format!(
                "unknown escape \\{}; use \\r \\n \\t \\\\ \\0 or \\xNN",
                c.escape_debug()
            ),
        }
    }
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EscapeError::Bad { position, problem } => {
                write!(f, "position {}: {}", position + 1, problem.english())
            }
            EscapeError::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for EscapeError {}

/// Encodes `text`, interpreting escape sequences, into bytes.
pub fn parse_escapes(text: &str, enc: Encoding) -> Result<Vec<u8>, EscapeError> {
    let mut out = Vec::with_capacity(text.len());
    let mut plain = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let flush = |plain: &mut String, out: &mut Vec<u8>| -> Result<(), EscapeError> {
        if !plain.is_empty() {
            out.extend(encode(enc, plain).map_err(EscapeError::Encode)?);
            plain.clear();
        }
        Ok(())
    };
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' {
            plain.push(c);
            i += 1;
            continue;
        }
        let Some(&next) = chars.get(i + 1) else {
            return Err(EscapeError::Bad {
                position: i,
                problem: EscapeProblem::LoneBackslash,
            });
        };
        match next {
            'r' => plain.push('\r'),
            'n' => plain.push('\n'),
            't' => plain.push('\t'),
            '\\' => plain.push('\\'),
            '0' => plain.push('\0'),
            'x' | 'X' => {
                let hi = chars.get(i + 2).and_then(|c| c.to_digit(16));
                let lo = chars.get(i + 3).and_then(|c| c.to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        flush(&mut plain, &mut out)?;
                        out.push((h * 16 + l) as u8);
                        i += 4;
                        continue;
                    }
                    _ => {
                        return Err(EscapeError::Bad {
                            position: i,
                            problem: EscapeProblem::ShortHex,
                        });
                    }
                }
            }
            other => {
                return Err(EscapeError::Bad {
                    position: i,
                    problem: EscapeProblem::Unknown(other),
                });
            }
        }
        i += 2;
    }
    flush(&mut plain, &mut out)?;
    Ok(out)
}

/// True for a character a terminal or viewer would act on instead of showing: control
/// characters (C0 such as ESC and BEL, DEL, and C1 such as U+009B CSI, which some
/// terminals take as ESC `[`), the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069, which reorder what is shown after them) and the line
/// and paragraph separators U+2028, U+2029 (a line break in some viewers).
pub fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// Appends `c`, escaped if [`is_hostile`]: `\r \n \t \0`, `\xNN` for the other C0
/// characters and DEL, `\u{N}` (hex) for the rest.
pub fn push_visible(out: &mut String, c: char) {
    use std::fmt::Write;
    match c {
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_hostile(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// `text` with every [`is_hostile`] character escaped (see [`push_visible`]), so the
/// result holds no control or bidi character at all. Backslashes are left as they are.
pub fn visible(text: &str) -> Cow<'_, str> {
    visible_keeping(text, |_| false)
}

/// [`visible`], but keeping the characters `keep` says (the CSV export keeps tab, CR and
/// LF, which its quoting holds).
pub fn visible_keeping(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hostile(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if keep(c) {
            out.push(c);
        } else {
            push_visible(&mut out, c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_leaves_no_control_or_bidi_character() {
        let hostile = "a\x1b[31mred\x07\r\n\t\0\x7f\u{9b}2J\u{202e}txt.exe\u{2066}\u{2028}z";
        let v = visible(hostile);
        assert_eq!(
            v,
            "a\\x1b[31mred\\x07\\r\\n\\t\\0\\x7f\\u{9b}2J\\u{202e}txt.exe\\u{2066}\\u{2028}z"
        );
        assert!(!v.chars().any(is_hostile));
        assert!(matches!(visible("plain 收到 😀 \\x41"), Cow::Borrowed(_)));
        // Joiners in emoji and right-to-left letters are text, not controls.
        assert_eq!(visible("👩\u{200d}💻 שלום"), "👩\u{200d}💻 שלום");
        let csv = visible_keeping("a\tb\r\n\x1b", |c| matches!(c, '\t' | '\r' | '\n'));
        assert_eq!(csv, "a\tb\r\n\\x1b");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            parse_escapes(r"a\r\n\t\\\0\x41\xff", Encoding::UTF_8).unwrap(),
            b"a\r\n\t\\\0A\xff".to_vec()
        );
        assert_eq!(
            parse_escapes(r"收\x00", Encoding::GBK).unwrap(),
            vec![0xca, 0xd5, 0]
        );
    }

    #[test]
    fn bad_escapes_name_position() {
        match parse_escapes(r"ab\q", Encoding::UTF_8) {
            Err(EscapeError::Bad { position, problem }) => {
                assert_eq!(position, 2);
                assert_eq!(problem, EscapeProblem::Unknown('q'));
            }
            other => panic!("{other:?}"),
        }
        let e = parse_escapes(r"\x4", Encoding::UTF_8).unwrap_err();
        assert_eq!(
            e,
            EscapeError::Bad {
                position: 0,
                problem: EscapeProblem::ShortHex
            }
        );
        let e = parse_escapes("ab\\", Encoding::UTF_8).unwrap_err();
        assert_eq!(
            e.to_string(),
            r"position 3: a lone backslash at the end; write \\ for a backslash"
        );
        match parse_escapes("a收", Encoding::LATIN_1) {
            Err(EscapeError::Encode(e)) => assert_eq!((e.position, e.ch), (1, '收')),
            other => panic!("{other:?}"),
        }
    }
}
