//! Why a payload template is refused: a typed problem with its position. `english` is
//! the command line's sentence; the window words the same kinds in its language
//! (`ui::common::payload_words`).

use super::binfield::FieldProblem;
use super::escape::EscapeProblem;
use super::hex::HexProblem;
use super::text::EncodeError;
use std::fmt;

const VARIABLES: &str = "use {seq}, {seq:04}, {seq:u16be}, {conn}, {conn:03}, {len:u16be}, {crc16-modbus}, {time}, {unix_ms}, {rand:N}, {hex:..}, or {{ and }} for literal braces";

/// What is wrong with a template, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// 0-based character index into the template text.
    pub position: usize,
    pub problem: TemplateProblem,
}

/// What is wrong with a template, typed (the window words it in its language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// A `}` with no `{` before it.
    LoneClose,
    /// A `{` that is never closed.
    Unclosed,
    /// The fixed parts alone would be more than this many bytes.
    TooLarge { max: usize },
    /// `{seq:…}` with an argument that is not a width (as written).
    BadWidth(String),
    /// `{seq:N}` wider than `max`.
    WidthTooBig { width: usize, max: usize },
    /// `{rand:…}` with an argument that is not a byte count (as written).
    BadCount(String),
    /// `{rand:N}` asking for more than `max` bytes.
    RandTooBig { n: usize, max: usize },
    /// `{rand}` without a count.
    RandNeedsCount,
    /// A variable that takes no argument was given one (its name).
    NoArgument(String),
    /// A `{…}` that is no variable (what was inside the braces).
    UnknownVariable(String),
    /// Hex (in hex mode, or in `{hex:…}`) that does not parse.
    Hex(HexProblem),
    /// A bad escape sequence.
    Escape(EscapeProblem),
    /// Text the encoding cannot write; the error's position is the template's.
    Encode(EncodeError),
    /// A binary field (`{seq:u16be}`, `{len:…}`, a checksum) written wrong.
    Field(FieldProblem),
    /// `{len}` without a width.
    LenNeedsWidth,
    /// The length (of the field's token) does not fit its width.
    LenTooBig { token: String, len: usize, max: u64 },
    /// The checksum's range (of the field's token) falls outside a message of `len` bytes.
    RangeOutside { token: String, len: usize },
    /// The checksum's range covers the checksum itself (the field's token).
    RangeCoversField(String),
    /// Checksums whose ranges cover each other (the first such field's token).
    ChecksumLoop(String),
    /// More than `max` length and checksum fields.
    TooManyFields { max: usize },
}

impl TemplateProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        use TemplateProblem::*;
        match self {
            LoneClose => "a lone '}'; write }} for a literal brace".into(),
            Unclosed => "'{' is never closed; write {{ for a literal brace".into(),
            TooLarge { max } => format!("the payload would be larger than {max} bytes"),
            BadWidth(a) => format!("\"{a}\" is not a width; write {{seq:04}} for 0001"),
            WidthTooBig { width, max } => format!("width {width} is more than {max}"),
            BadCount(a) => format!("\"{a}\" is not a byte count; write e.g. {{rand:4}}"),
            RandTooBig { n, max } => format!("{{rand:{n}}} asks for more than {max} bytes"),
            RandNeedsCount => "{rand} needs a byte count, as in {rand:4}".into(),
            NoArgument(name) => format!("{{{name}}} takes no argument"),
            UnknownVariable(body) => format!("unknown variable {{{body}}}; {VARIABLES}"),
            Hex(h) => format!("bad hex: {}", h.english()),
            Escape(e) => e.english(),
            Encode(e) => format!(
                "character '{}' (U+{:04X}) {}",
                e.ch,
                e.ch as u32,
                e.reason()
            ),
            Field(f) => f.english(),
            LenNeedsWidth => "{len} needs a width, as in {len:u16be} or {len:u16be:after}".into(),
            LenTooBig { token, len, max } => {
                format!("{{{token}}}: the length {len} does not fit (at most {max})")
            }
            RangeOutside { token, len } => {
                format!("{{{token}}}: the range falls outside the {len}-byte message")
            }
            RangeCoversField(token) => {
                format!("{{{token}}}: the range covers the checksum itself")
            }
            ChecksumLoop(token) => format!("{{{token}}}: checksums whose ranges cover each other"),
            TooManyFields { max } => format!("more than {max} length and checksum fields"),
        }
    }
}

impl TemplateError {
    /// What is wrong, in English, without the position.
    pub fn reason(&self) -> String {
        self.problem.english()
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "position {}: {}", self.position + 1, self.reason())
    }
}

impl std::error::Error for TemplateError {}
