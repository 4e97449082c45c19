//! Why typed text could not become a payload: one error over the parsers a payload goes
//! through (hex, escapes, variables, the encoding). Each keeps its typed kind and
//! position; `Display` is the English the command line prints, and the window words it
//! in its own language (`ui::payload_words`).

use super::escape::EscapeError;
use super::hex::HexError;
use super::template::TemplateError;
use super::text::EncodeError;
use std::fmt;

/// Why a payload could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The hex does not parse.
    Hex(HexError),
    /// An escape sequence is bad, or the text between them cannot be encoded.
    Escape(EscapeError),
    /// The text with variables does not parse or render.
    Template(TemplateError),
    /// The text (or the line ending) cannot be written in the encoding.
    Encode(EncodeError),
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::Hex(e) => write!(f, "hex: {e}"),
            PayloadError::Escape(e) => e.fmt(f),
            PayloadError::Template(e) => write!(f, "variables: {e}"),
            PayloadError::Encode(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for PayloadError {}

impl From<HexError> for PayloadError {
    fn from(e: HexError) -> Self {
        PayloadError::Hex(e)
    }
}

impl From<EscapeError> for PayloadError {
    fn from(e: EscapeError) -> Self {
        PayloadError::Escape(e)
    }
}

impl From<TemplateError> for PayloadError {
    fn from(e: TemplateError) -> Self {
        PayloadError::Template(e)
    }
}

impl From<EncodeError> for PayloadError {
    fn from(e: EncodeError) -> Self {
        PayloadError::Encode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encoding, Template, encode, parse_escapes, parse_hex};

    #[test]
    fn display_is_the_english_the_command_line_prints() {
        let e = PayloadError::from(parse_hex("48 6").unwrap_err());
        assert_eq!(
            e.to_string(),
            "hex: column 4: odd number of hex digits in \"6\": every byte needs two digits"
        );
        let e = PayloadError::from(Template::parse("ab{nope}").unwrap_err());
        assert!(
            e.to_string()
                .starts_with("variables: position 4: unknown variable {nope}")
        );
        let e = PayloadError::from(parse_escapes(r"a\q", Encoding::UTF_8).unwrap_err());
        assert!(
            e.to_string().starts_with(r"position 2: unknown escape \q"),
            "{e}"
        );
        let e = PayloadError::from(encode(Encoding::GBK, "ab😀").unwrap_err());
        assert!(
            e.to_string()
                .starts_with("character '😀' (U+1F600) at position 3 cannot be written in GBK"),
            "{e}"
        );
    }
}
