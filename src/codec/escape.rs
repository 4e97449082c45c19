//! Escape sequences in typed text payloads: `\r \n \t \\ \0 \xNN`.
//! Text between escapes is encoded in the session's encoding; `\xNN` is a raw byte.

use super::text::{EncodeError, Encoding, encode};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeError {
    /// A backslash sequence that is not understood, at this character index (0-based).
    Bad {
        position: usize,
        reason: String,
    },
    Encode(EncodeError),
}

impl fmt::Display for EscapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EscapeError::Bad { position, reason } => {
                write!(f, "position {}: {}", position + 1, reason)
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
                reason: "a lone backslash at the end; write \\\\ for a backslash".into(),
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
                            reason: "\\x needs exactly two hex digits, as in \\x0D".into(),
                        });
                    }
                }
            }
            other => {
                return Err(EscapeError::Bad {
                    position: i,
                    reason: format!(
                        "unknown escape \\{}; use \\r \\n \\t \\\\ \\0 or \\xNN",
                        other.escape_debug()
                    ),
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
            Err(EscapeError::Bad { position, .. }) => assert_eq!(position, 2),
            other => panic!("{other:?}"),
        }
        assert!(parse_escapes(r"\x4", Encoding::UTF_8).is_err());
        assert!(parse_escapes("\\", Encoding::UTF_8).is_err());
    }
}
