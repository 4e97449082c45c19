//! Binary fields: the pieces of a template that are raw bytes worked out from the message
//! itself (`{seq:u16be}`, `{len:u16be}`, `{crc16-modbus:le}`), and the checksum check of
//! received frames, which uses the same spec (`crc16-modbus:le`, `xor8:1..-2@-2`).
//!
//! | Written                 | Means                                                                 |
//! |-------------------------|-----------------------------------------------------------------------|
//! | `u8` `u16be` `u16le` `u32be` `u32le` | an unsigned integer of 1, 2 or 4 bytes, big- or little-endian |
//! | `A..B`                  | bytes A (inclusive) to B (exclusive) of the message; a negative number counts from the end; no A is 0, no B is the end |
//! | `be` / `le`             | a checksum's byte order (default: the algorithm's own, see [`Checksum`]) |
//! | `@N`                    | received frames only: where the checksum sits (default: the last bytes) |
//!
//! Every parse error is typed ([`FieldProblem`]) and names what was written.

use super::checksum::Checksum;

/// A byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ByteOrder {
    Be,
    Le,
}

/// An unsigned integer field: 1, 2 or 4 bytes in a byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IntField {
    pub bytes: usize,
    pub order: ByteOrder,
}

impl IntField {
    /// `u8`, `u16be`, `u16le`, `u32be`, `u32le`; `None` for anything else.
    pub fn parse(s: &str) -> Option<IntField> {
        let (bytes, order) = match s {
            "u8" => (1, ByteOrder::Be),
            "u16be" => (2, ByteOrder::Be),
            "u16le" => (2, ByteOrder::Le),
            "u32be" => (4, ByteOrder::Be),
            "u32le" => (4, ByteOrder::Le),
            _ => return None,
        };
        Some(IntField { bytes, order })
    }

    /// The largest value the field holds.
    pub fn max(self) -> u64 {
        (1u64 << (8 * self.bytes)) - 1
    }

    /// The low bytes of `v` (it wraps), in the field's order.
    pub fn bytes_of(self, v: u64) -> Vec<u8> {
        write_int(v, self.bytes, self.order)
    }
}

/// The low `width` bytes of `v` in `order`.
pub fn write_int(v: u64, width: usize, order: ByteOrder) -> Vec<u8> {
    let be = v.to_be_bytes();
    let mut out = be[8 - width.min(8)..].to_vec();
    if order == ByteOrder::Le {
        out.reverse();
    }
    out
}

/// A byte range of a message, as written (`0..-4`): resolved against the message's length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteRange {
    pub start: Option<i64>,
    pub end: Option<i64>,
}

impl ByteRange {
    /// `A..B` with A and B optional integers; `None` if it is not one, or if both are
    /// counted from the same side and A is after B (`5..2`, `-1..-3`).
    pub fn parse(s: &str) -> Option<ByteRange> {
        let (a, b) = s.split_once("..")?;
        let num = |t: &str| -> Option<Option<i64>> {
            let t = t.trim();
            if t.is_empty() {
                return Some(None);
            }
            let v: i64 = t.parse().ok()?;
            (v.unsigned_abs() <= u64::from(u32::MAX)).then_some(Some(v))
        };
        let r = ByteRange {
            start: num(a)?,
            end: num(b)?,
        };
        if let (Some(x), Some(y)) = (r.start, r.end)
            && (x < 0) == (y < 0)
            && x > y
        {
            return None;
        }
        Some(r)
    }

    /// The range in a message of `len` bytes, or `None` if it falls outside or is reversed.
    pub fn resolve(self, len: usize) -> Option<(usize, usize)> {
        let at = |v: i64| -> Option<usize> {
            if v < 0 {
                len.checked_sub(usize::try_from(v.unsigned_abs()).ok()?)
            } else {
                usize::try_from(v).ok().filter(|&v| v <= len)
            }
        };
        let s = self.start.map_or(Some(0), at)?;
        let e = self.end.map_or(Some(len), at)?;
        (s <= e).then_some((s, e))
    }
}

impl std::fmt::Display for ByteRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(s) = self.start {
            write!(f, "{s}")?;
        }
        f.write_str("..")?;
        if let Some(e) = self.end {
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// What is wrong with a binary field's spec, typed (worded where shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldProblem {
    /// Not one of `u8 u16be u16le u32be u32le` (as written).
    UnknownInt(String),
    /// Not a byte range `A..B` (as written).
    BadRange(String),
    /// A checksum argument that is no byte order, range or position (as written).
    BadArg(String),
    /// The same kind of argument given twice (the second, as written).
    Twice(String),
    /// Not a checksum name (as written).
    UnknownChecksum(String),
    /// `{len:…}` with a third part that is not `after` (as written).
    BadLenArg(String),
    /// `@N` in a template, where the field's own place is its position.
    PositionInTemplate(String),
}

impl FieldProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        match self {
            FieldProblem::UnknownInt(s) => {
                format!("\"{s}\" is not a binary width; use u8, u16be, u16le, u32be or u32le")
            }
            FieldProblem::BadRange(s) => format!(
                "\"{s}\" is not a byte range; write A..B, e.g. 0..-2 (a negative number counts from the end)"
            ),
            FieldProblem::BadArg(s) => format!(
                "\"{s}\" is not a checksum option; use be or le, a range A..B, or @N for where it sits"
            ),
            FieldProblem::Twice(s) => format!("\"{s}\" is given twice"),
            FieldProblem::UnknownChecksum(s) => format!(
                "\"{s}\" is not a checksum; use sum8, xor8, crc16-modbus, crc16-ccitt or crc32"
            ),
            FieldProblem::BadLenArg(s) => {
                format!(
                    "\"{s}\" is not a length option; write {{len:u16be}} or {{len:u16be:after}}"
                )
            }
            FieldProblem::PositionInTemplate(s) => {
                format!("\"{s}\": a checksum in a message sits where it is written; leave out @N")
            }
        }
    }
}

/// A checksum with its byte order, the bytes it covers and (for received frames) where it
/// sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChecksumSpec {
    pub alg: Checksum,
    /// None: the algorithm's own order ([`Checksum::compute`]).
    pub order: Option<ByteOrder>,
    /// None: every byte before the checksum.
    pub range: Option<ByteRange>,
    /// Received frames: the checksum's offset (negative from the end); None: the last bytes.
    pub at: Option<i64>,
}

impl ChecksumSpec {
    /// Parses `ALG[:be|le][:A..B][:@N]` (options in any order).
    pub fn parse(s: &str) -> Result<ChecksumSpec, FieldProblem> {
        let mut parts = s.split(':');
        let name = parts.next().unwrap_or_default().trim();
        let alg = Checksum::from_name(name)
            .ok_or_else(|| FieldProblem::UnknownChecksum(name.to_string()))?;
        let mut spec = ChecksumSpec {
            alg,
            order: None,
            range: None,
            at: None,
        };
        for arg in parts {
            let a = arg.trim();
            let twice = |taken: bool| {
                if taken {
                    Err(FieldProblem::Twice(a.to_string()))
                } else {
                    Ok(())
                }
            };
            if a.eq_ignore_ascii_case("be") || a.eq_ignore_ascii_case("le") {
                twice(spec.order.is_some())?;
                spec.order = Some(if a.eq_ignore_ascii_case("be") {
                    ByteOrder::Be
                } else {
                    ByteOrder::Le
                });
            } else if a.contains("..") {
                twice(spec.range.is_some())?;
                spec.range =
                    Some(ByteRange::parse(a).ok_or_else(|| FieldProblem::BadRange(a.to_string()))?);
            } else if let Some(n) = a.strip_prefix('@') {
                twice(spec.at.is_some())?;
                let v: i64 = n
                    .trim()
                    .parse()
                    .ok()
                    .filter(|v: &i64| v.unsigned_abs() <= u64::from(u32::MAX))
                    .ok_or_else(|| FieldProblem::BadArg(a.to_string()))?;
                spec.at = Some(v);
            } else {
                return Err(FieldProblem::BadArg(a.to_string()));
            }
        }
        Ok(spec)
    }

    /// How many bytes the checksum takes.
    pub fn width(&self) -> usize {
        self.alg.width()
    }

    /// The checksum of `data` in this spec's byte order.
    pub fn bytes_of(&self, data: &[u8]) -> Vec<u8> {
        match self.order {
            None => self.alg.compute(data),
            Some(o) => write_int(u64::from(self.alg.value(data)), self.width(), o),
        }
    }

    /// The value the checksum bytes stand for (read in this spec's byte order).
    pub fn read(&self, b: &[u8]) -> u32 {
        let order = self.order.unwrap_or(self.natural_order());
        let mut v = 0u32;
        let mut put = |x: u8| v = (v << 8) | u32::from(x);
        match order {
            ByteOrder::Be => b.iter().for_each(|&x| put(x)),
            ByteOrder::Le => b.iter().rev().for_each(|&x| put(x)),
        }
        v
    }

    /// The order [`Checksum::compute`] writes it in.
    fn natural_order(&self) -> ByteOrder {
        match self.alg {
            Checksum::Crc16Ccitt | Checksum::Sum8 | Checksum::Xor8 => ByteOrder::Be,
            Checksum::Crc16Modbus | Checksum::Crc32 => ByteOrder::Le,
        }
    }

    /// Checks a received frame.
    pub fn check(&self, frame: &[u8]) -> CheckOutcome {
        let w = self.width();
        let len = frame.len();
        let at = match self.at {
            None => len.checked_sub(w),
            Some(a) if a < 0 => usize::try_from(a.unsigned_abs())
                .ok()
                .and_then(|n| len.checked_sub(n)),
            Some(a) => usize::try_from(a).ok(),
        };
        let Some(at) = at.filter(|&at| at.saturating_add(w) <= len) else {
            return CheckOutcome::TooShort;
        };
        let (s, e) = match self.range {
            None => (0, at),
            Some(r) => match r.resolve(len) {
                Some(x) => x,
                None => return CheckOutcome::TooShort,
            },
        };
        let got = self.read(&frame[at..at + w]);
        let expected = self.alg.value(&frame[s..e]);
        if got == expected {
            CheckOutcome::Good
        } else {
            CheckOutcome::Bad {
                got,
                expected,
                width: w as u8,
            }
        }
    }
}

impl std::fmt::Display for ChecksumSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.alg.id())?;
        match self.order {
            Some(ByteOrder::Be) => f.write_str(":be")?,
            Some(ByteOrder::Le) => f.write_str(":le")?,
            None => {}
        }
        if let Some(r) = self.range {
            write!(f, ":{r}")?;
        }
        if let Some(a) = self.at {
            write!(f, ":@{a}")?;
        }
        Ok(())
    }
}

/// How a received frame's checksum came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckOutcome {
    Good,
    /// The checksum in the frame (`got`) is not the one its bytes give (`expected`);
    /// `width` is the checksum's size in bytes (for showing the values).
    Bad {
        got: u32,
        expected: u32,
        width: u8,
    },
    /// The frame is shorter than the checksum and its range need.
    TooShort,
}

impl CheckOutcome {
    /// True unless the checksum is right.
    pub fn is_bad(self) -> bool {
        self != CheckOutcome::Good
    }

    /// `0x` and the value in as many hex digits as the checksum has.
    pub fn hex(v: u32, width: u8) -> String {
        format!("0x{:0w$X}", v, w = usize::from(width) * 2)
    }

    /// The English words (headless rows).
    pub fn english(self) -> String {
        match self {
            CheckOutcome::Good => "checksum ok".into(),
            CheckOutcome::Bad {
                got,
                expected,
                width,
            } => format!(
                "checksum wrong: got {}, expected {}",
                Self::hex(got, width),
                Self::hex(expected, width)
            ),
            CheckOutcome::TooShort => "checksum wrong: the row is too short for it".into(),
        }
    }
}

#[cfg(test)]
#[path = "binfield_tests.rs"]
mod tests;
