//! Escape sequences in typed text payloads: `\r \n \t \\ \0 \xNN`.
//! Text between escapes is encoded in the session's encoding; `\xNN` is a raw byte.

use super::text::{EncodeError, Encoding, encode};
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

#[cfg(test)]
mod tests {
    use super::*;

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
