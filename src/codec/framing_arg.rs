//! The `--framing` argument: `raw`, `lines` (or `lf`), `crlf`, `delimiter:HEX`, `fixed:N`,
//! `length:OFFSET:WIDTH:be|le[:ADJ]` (a length field, see [`Framing::LengthField`]) and
//! `mbap` (Modbus/TCP, the same as `length:4:2:be`). A bad one is a typed error that says
//! which part is wrong.

use super::framing::{DEFAULT_MAX_FRAME, Framing, MAX_ADJUST, MAX_FIELD_OFFSET, PrefixWidth};
use super::hex::HexError;
use std::fmt;

/// What is wrong with a `--framing` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FramingArgError {
    /// Not one of the kinds.
    UnknownKind(String),
    /// The kind needs more parts (`fixed` without `:N`).
    Missing(&'static str),
    /// Parts after the last one the kind takes.
    Extra(String),
    BadDelimiter(HexError),
    BadFixed(String),
    BadOffset(String),
    BadWidth(String),
    BadOrder(String),
    BadAdjust(String),
}

impl fmt::Display for FramingArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FramingArgError::*;
        match self {
            UnknownKind(k) => write!(
                f,
                "\"{k}\" is not a framing; use raw, lines, crlf, delimiter:HEX, fixed:N, length:OFFSET:WIDTH:be|le[:ADJ] or mbap"
            ),
            Missing(what) => write!(f, "missing {what}"),
            Extra(rest) => write!(f, "unexpected \":{rest}\" at the end"),
            BadDelimiter(e) => write!(f, "delimiter: {e}"),
            BadFixed(n) => write!(
                f,
                "fixed length \"{n}\": a number of bytes from 1 to {DEFAULT_MAX_FRAME}"
            ),
            BadOffset(n) => write!(
                f,
                "offset \"{n}\": a number of bytes from 0 to {MAX_FIELD_OFFSET}"
            ),
            BadWidth(n) => write!(f, "width \"{n}\": 1, 2 or 4 bytes"),
            BadOrder(o) => write!(
                f,
                "byte order \"{o}\": be (big-endian) or le (little-endian)"
            ),
            BadAdjust(n) => write!(
                f,
                "adjustment \"{n}\": a whole number from -{MAX_ADJUST} to {MAX_ADJUST}"
            ),
        }
    }
}

impl std::error::Error for FramingArgError {}

/// The width of a length field from its digits.
pub fn parse_width(s: &str) -> Option<PrefixWidth> {
    match s.trim() {
        "1" => Some(PrefixWidth::One),
        "2" => Some(PrefixWidth::Two),
        "4" => Some(PrefixWidth::Four),
        _ => None,
    }
}

/// A length field's offset from its digits (0 to [`MAX_FIELD_OFFSET`]).
pub fn parse_offset(s: &str) -> Option<usize> {
    s.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n <= MAX_FIELD_OFFSET)
}

/// An adjustment (`6`, `+6`, `-2`) within ±[`MAX_ADJUST`].
pub fn parse_adjust(s: &str) -> Option<i32> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse::<i32>()
        .ok()
        .filter(|n| (-MAX_ADJUST..=MAX_ADJUST).contains(n))
}

impl Framing {
    /// Reads a `--framing` value (see the module's documentation).
    pub fn parse_arg(arg: &str) -> Result<Framing, FramingArgError> {
        use FramingArgError::*;
        let (kind, rest) = match arg.split_once(':') {
            Some((k, r)) => (k, Some(r)),
            None => (arg, None),
        };
        let kind = kind.trim().to_ascii_lowercase();
        let no_more = |f: Framing| match rest {
            Some(r) => Err(Extra(r.to_string())),
            None => Ok(f),
        };
        match kind.as_str() {
            "raw" => no_more(Framing::Raw),
            "lines" | "lf" => no_more(Framing::lf()),
            "crlf" => no_more(Framing::crlf()),
            "mbap" | "modbus" => no_more(Framing::mbap()),
            "delimiter" => {
                let hex = rest.ok_or(Missing("the delimiter's hex bytes (delimiter:0d0a)"))?;
                Framing::delimiter_hex(hex).map_err(BadDelimiter)
            }
            "fixed" => {
                let n = rest.ok_or(Missing("the length (fixed:N)"))?;
                let len = n
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|v| (1..=DEFAULT_MAX_FRAME).contains(v))
                    .ok_or_else(|| BadFixed(n.to_string()))?;
                Ok(Framing::FixedLength { len })
            }
            "length" => {
                let rest = rest.ok_or(Missing("OFFSET:WIDTH:be|le (length:4:2:be)"))?;
                let mut parts = rest.splitn(4, ':');
                let offset = parts.next().unwrap_or_default();
                let offset = parse_offset(offset).ok_or_else(|| BadOffset(offset.into()))?;
                let width = parts.next().ok_or(Missing("the width (1, 2 or 4)"))?;
                let width = parse_width(width).ok_or_else(|| BadWidth(width.into()))?;
                let order = parts.next().ok_or(Missing("the byte order (be or le)"))?;
                let big_endian = match order.trim().to_ascii_lowercase().as_str() {
                    "be" => true,
                    "le" => false,
                    _ => return Err(BadOrder(order.into())),
                };
                let adjust = match parts.next() {
                    None => 0,
                    Some(a) => {
                        if let Some((n, extra)) = a.split_once(':') {
                            parse_adjust(n).ok_or_else(|| BadAdjust(n.into()))?;
                            return Err(Extra(extra.to_string()));
                        }
                        parse_adjust(a).ok_or_else(|| BadAdjust(a.into()))?
                    }
                };
                Ok(Framing::LengthField {
                    offset,
                    width,
                    big_endian,
                    adjust,
                })
            }
            _ => Err(UnknownKind(kind)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_arguments() {
        assert_eq!(Framing::parse_arg("lines"), Ok(Framing::lf()));
        assert_eq!(Framing::parse_arg("CRLF"), Ok(Framing::crlf()));
        assert_eq!(Framing::parse_arg("mbap"), Ok(Framing::mbap()));
        assert_eq!(Framing::parse_arg("length:4:2:be"), Ok(Framing::mbap()));
        assert_eq!(Framing::parse_arg("length:4:2:BE:+0"), Ok(Framing::mbap()));
        assert_eq!(
            Framing::parse_arg("length:0:4:le:-4"),
            Ok(Framing::LengthField {
                offset: 0,
                width: PrefixWidth::Four,
                big_endian: false,
                adjust: -4
            })
        );
        assert_eq!(Framing::parse_arg("delimiter:0d0a"), Ok(Framing::crlf()));
        assert_eq!(
            Framing::parse_arg("fixed:8"),
            Ok(Framing::FixedLength { len: 8 })
        );
        for (bad, says) in [
            ("frames", "\"frames\" is not a framing"),
            ("fixed", "missing the length"),
            ("fixed:0", "fixed length \"0\""),
            ("delimiter:zz", "delimiter: "),
            ("delimiter:", "delimiter: "),
            ("length:4:3:be", "width \"3\""),
            ("length:4:2:middle", "byte order \"middle\""),
            ("length:x:2:be", "offset \"x\""),
            ("length:4:2", "missing the byte order"),
            ("length:4:2:be:6x", "adjustment \"6x\""),
            ("length:4:2:be:6:7", "unexpected \":7\""),
            ("lines:x", "unexpected \":x\""),
            ("length:99999:2:be", "offset \"99999\""),
        ] {
            let e = Framing::parse_arg(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
