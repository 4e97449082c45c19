//! Payload templates: variables that expand each time a payload is sent.
//!
//! | Written        | Sends                                                              |
//! |----------------|--------------------------------------------------------------------|
//! | `{seq}`        | the per-session send counter in decimal (`{seq:04}` zero-pads to 4, `{seq:4}` space-pads) |
//! | `{seq:u16be}`  | the counter as raw bytes, wrapping: `u8`, `u16be`, `u16le`, `u32be`, `u32le` |
//! | `{len:u16be}`  | the length of the whole message, as raw bytes (`{len:u16be:after}`: of the bytes after the field) |
//! | `{crc16-modbus}` | a checksum of the bytes before it, in the algorithm's order; `{crc32:be}`, `{xor8:1..}`, `{sum8:0..-2}` choose the order and the bytes (see [`super::binfield`]) |
//! | `{time}`       | local time `HH:MM:SS.mmm`                                          |
//! | `{unix_ms}`    | milliseconds since the Unix epoch                                  |
//! | `{rand:N}`     | N random bytes (N ≤ 65535)                                         |
//! | `{hex:01 02}`  | the bytes written in hex (any form [`parse_hex`] accepts)          |
//! | `{{` and `}}`  | a literal `{` and `}`                                              |
//!
//! A caller may allow more names ([`Template::parse_with`]): an auto-reply rule's `{1}` or
//! `{name}` is a regex group of the message it answers, whose value the render takes from
//! [`TemplateCtx::vars`] (a name with no value renders as nothing). The parser knows
//! nothing of regexes: it only asks the caller which names it allows.
//!
//! Text between variables is encoded in the session's encoding, with escape sequences
//! (`\r \n \t \\ \0 \xNN`) when the context asks for them. In hex mode
//! ([`Template::parse_hex`]) the text between variables is itself hex.
//! Every error names its position (1-based character column in messages).
//!
//! Length and checksum fields are filled in once every other byte is known: lengths first,
//! then checksums, each after the checksums inside its range (so an outer CRC covers an
//! inner one as sent). A range that falls outside the message, or covers its own field,
//! fails the render naming the field.

use super::binfield::{ChecksumSpec, FieldProblem, IntField};
use super::escape::{EscapeError, EscapeProblem, parse_escapes};
use super::hex::{HexProblem, parse_hex};
use super::text::{EncodeError, Encoding, encode};
use std::fmt;

/// The most one `{rand:N}` may ask for.
pub const MAX_RAND: usize = 65_535;
/// The most bytes a template may produce, so a typo cannot make a 4 GiB payload.
pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;
/// The widest `{seq:N}` padding.
pub const MAX_WIDTH: usize = 64;
/// The most length and checksum fields one template may have.
pub const MAX_FILLED: usize = 32;

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

/// Plain text between variables: the text with `{{`/`}}` folded, where it starts in the
/// template, and the text indexes at which a doubled brace was folded (to map positions back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TextPart {
    text: String,
    start: usize,
    folds: Vec<usize>,
}

impl TextPart {
    /// The template position of character `i` of this part's text.
    fn source_pos(&self, i: usize) -> usize {
        self.start + i + self.folds.iter().filter(|&&f| f < i).count()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    Text(TextPart),
    Bytes(Vec<u8>),
    Seq {
        width: usize,
        zero: bool,
    },
    Time,
    UnixMs,
    Rand(usize),
    /// `{seq:u16be}`: the counter as raw bytes.
    SeqBin(IntField),
    /// `{len:…}`: filled in once the message is known.
    Len {
        field: IntField,
        after: bool,
        at: usize,
        token: String,
    },
    /// A checksum: filled in once the message is known.
    Check {
        spec: ChecksumSpec,
        at: usize,
        token: String,
    },
    /// A caller's variable (a regex group), with the template position of its name.
    Var {
        name: String,
        at: usize,
    },
}

/// A caller's variable's value for one render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VarValue {
    /// Text, written in the render's encoding (a text regex's group).
    Text(String),
    /// Bytes, inserted as they are (a byte regex's group).
    Bytes(Vec<u8>),
}

/// True for a name a caller's variable may have: letters, digits and `_` (`1`, `id`).
pub fn is_var_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A parsed payload template. Parse once, render on every send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    hex_mode: bool,
    parts: Vec<Part>,
}

/// What a render needs: the counter (advanced by one per render), the encoding, and
/// whether text parts understand escape sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCtx {
    /// The value `{seq}` renders as next.
    pub seq: u64,
    pub enc: Encoding,
    pub escapes: bool,
    /// The values of the caller's variables for the next render (a rule's regex groups),
    /// by name; a name not here renders as nothing.
    pub vars: Vec<(String, VarValue)>,
}

impl TemplateCtx {
    /// A context whose first `{seq}` is 1.
    pub fn new(enc: Encoding, escapes: bool) -> TemplateCtx {
        TemplateCtx {
            seq: 1,
            enc,
            escapes,
            vars: Vec::new(),
        }
    }
}

impl Default for TemplateCtx {
    fn default() -> Self {
        TemplateCtx::new(Encoding::UTF_8, false)
    }
}

fn err(position: usize, problem: TemplateProblem) -> TemplateError {
    TemplateError { position, problem }
}

fn field(p: FieldProblem) -> TemplateProblem {
    TemplateProblem::Field(p)
}

const VARIABLES: &str = "use {seq}, {seq:04}, {seq:u16be}, {len:u16be}, {crc16-modbus}, {time}, {unix_ms}, {rand:N}, {hex:..}, or {{ and }} for literal braces";

impl Template {
    /// Parses a text-mode template.
    pub fn parse(source: &str) -> Result<Template, TemplateError> {
        Self::parse_mode(source, false, &|_| false)
    }

    /// Parses a template (hex mode with `hex_mode`) in which a `{name}` that is no
    /// built-in variable is the caller's variable when `known(name)` says so (and
    /// [`is_var_name`] holds); its value comes from [`TemplateCtx::vars`] at each render.
    pub fn parse_with(
        source: &str,
        hex_mode: bool,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Template, TemplateError> {
        Self::parse_mode(source, hex_mode, known)
    }

    /// Parses a hex-mode template: the text between variables is hex bytes,
    /// as in `01 03 {hex:00 00} {rand:2}`.
    pub fn parse_hex(source: &str) -> Result<Template, TemplateError> {
        Self::parse_mode(source, true, &|_| false)
    }

    /// A template holding plain text with no variables (braces are not special).
    pub fn literal_text(text: &str) -> Template {
        Template {
            source: text.replace('{', "{{").replace('}', "}}"),
            hex_mode: false,
            parts: vec![Part::Text(TextPart {
                text: text.to_string(),
                start: 0,
                folds: Vec::new(),
            })],
        }
    }

    /// A template that always renders these bytes.
    pub fn literal_bytes(bytes: &[u8]) -> Template {
        Template {
            source: format!("{{hex:{}}}", super::hex::to_hex_spaced(bytes)),
            hex_mode: false,
            parts: vec![Part::Bytes(bytes.to_vec())],
        }
    }

    fn parse_mode(
        source: &str,
        hex_mode: bool,
        known: &dyn Fn(&str) -> bool,
    ) -> Result<Template, TemplateError> {
        let chars: Vec<char> = source.chars().collect();
        let mut parts = Vec::new();
        let mut text = TextPart {
            text: String::new(),
            start: 0,
            folds: Vec::new(),
        };
        let mut fixed_size = 0usize;
        let mut filled = 0usize;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '{' if chars.get(i + 1) == Some(&'{') => {
                    if text.text.is_empty() {
                        text.start = i;
                    }
                    text.folds.push(text.text.chars().count());
                    text.text.push('{');
                    i += 2;
                }
                '}' if chars.get(i + 1) == Some(&'}') => {
                    if text.text.is_empty() {
                        text.start = i;
                    }
                    text.folds.push(text.text.chars().count());
                    text.text.push('}');
                    i += 2;
                }
                '}' => {
                    return Err(err(i, TemplateProblem::LoneClose));
                }
                '{' => {
                    let Some(close) = chars[i + 1..].iter().position(|&c| c == '}') else {
                        return Err(err(i, TemplateProblem::Unclosed));
                    };
                    let close = i + 1 + close;
                    let body: String = chars[i + 1..close].iter().collect();
                    let part = match Self::variable(&body, i + 1) {
                        Err(e)
                            if matches!(e.problem, TemplateProblem::UnknownVariable(_))
                                && is_var_name(&body)
                                && known(&body) =>
                        {
                            Part::Var {
                                name: body,
                                at: i + 1,
                            }
                        }
                        other => other?,
                    };
                    fixed_size = fixed_size.saturating_add(match &part {
                        Part::Rand(n) => *n,
                        Part::Bytes(b) => b.len(),
                        Part::Seq { width, .. } => *width,
                        Part::SeqBin(f) | Part::Len { field: f, .. } => f.bytes,
                        Part::Check { spec, .. } => spec.width(),
                        _ => 0,
                    });
                    if matches!(part, Part::Len { .. } | Part::Check { .. }) {
                        filled += 1;
                        if filled > MAX_FILLED {
                            let max = MAX_FILLED;
                            return Err(err(i, TemplateProblem::TooManyFields { max }));
                        }
                    }
                    if fixed_size > MAX_OUTPUT {
                        return Err(err(i, TemplateProblem::TooLarge { max: MAX_OUTPUT }));
                    }
                    Self::push_text(&mut parts, &mut text, hex_mode)?;
                    parts.push(part);
                    i = close + 1;
                }
                _ => {
                    if text.text.is_empty() {
                        text.start = i;
                    }
                    text.text.push(c);
                    i += 1;
                }
            }
        }
        Self::push_text(&mut parts, &mut text, hex_mode)?;
        Ok(Template {
            source: source.to_string(),
            hex_mode,
            parts,
        })
    }

    fn push_text(
        parts: &mut Vec<Part>,
        text: &mut TextPart,
        hex_mode: bool,
    ) -> Result<(), TemplateError> {
        if text.text.is_empty() {
            return Ok(());
        }
        let t = std::mem::replace(
            text,
            TextPart {
                text: String::new(),
                start: 0,
                folds: Vec::new(),
            },
        );
        if hex_mode {
            let bytes = parse_hex(&t.text)
                .map_err(|e| err(t.source_pos(e.position), TemplateProblem::Hex(e.problem)))?;
            parts.push(Part::Bytes(bytes));
        } else {
            parts.push(Part::Text(t));
        }
        Ok(())
    }

    /// Parses the inside of `{...}`; `at` is the template position of its first character.
    fn variable(body: &str, at: usize) -> Result<Part, TemplateError> {
        let (name, arg) = match body.split_once(':') {
            Some((n, a)) => (n, Some(a)),
            None => (body, None),
        };
        let arg_at = at + name.chars().count() + 1;
        match (name, arg) {
            ("seq", None) => Ok(Part::Seq {
                width: 0,
                zero: false,
            }),
            ("seq", Some(a)) if a.starts_with('u') => IntField::parse(a)
                .map(Part::SeqBin)
                .ok_or_else(|| err(arg_at, field(FieldProblem::UnknownInt(a.into())))),
            ("len", None) => Err(err(at, TemplateProblem::LenNeedsWidth)),
            ("len", Some(a)) => Self::len_field(a, arg_at, body),
            (n, _) if super::Checksum::from_name(n).is_some() => ChecksumSpec::parse(body)
                .map_err(|e| err(at, field(e)))
                .and_then(|spec| match spec.at {
                    Some(p) => Err(err(
                        at,
                        field(FieldProblem::PositionInTemplate(format!("@{p}"))),
                    )),
                    None => Ok(Part::Check {
                        spec,
                        at,
                        token: body.into(),
                    }),
                }),
            ("seq", Some(a)) => {
                let zero = a.starts_with('0') && a.len() > 1;
                let width: usize = a
                    .parse()
                    .map_err(|_| err(arg_at, TemplateProblem::BadWidth(a.into())))?;
                if width > MAX_WIDTH {
                    let max = MAX_WIDTH;
                    return Err(err(arg_at, TemplateProblem::WidthTooBig { width, max }));
                }
                Ok(Part::Seq { width, zero })
            }
            ("time", None) => Ok(Part::Time),
            ("unix_ms", None) => Ok(Part::UnixMs),
            ("rand", Some(a)) => {
                let n: usize = a
                    .trim()
                    .parse()
                    .map_err(|_| err(arg_at, TemplateProblem::BadCount(a.into())))?;
                if n > MAX_RAND {
                    let max = MAX_RAND;
                    return Err(err(arg_at, TemplateProblem::RandTooBig { n, max }));
                }
                Ok(Part::Rand(n))
            }
            ("rand", None) => Err(err(at, TemplateProblem::RandNeedsCount)),
            ("hex", Some(a)) => parse_hex(a)
                .map(Part::Bytes)
                .map_err(|e| err(arg_at + e.position, TemplateProblem::Hex(e.problem))),
            ("time" | "unix_ms", Some(_)) => {
                Err(err(arg_at, TemplateProblem::NoArgument(name.into())))
            }
            _ => Err(err(at, TemplateProblem::UnknownVariable(body.into()))),
        }
    }

    /// `{len:W}` or `{len:W:after}`; `a` is what follows `len:`, at template position `at`.
    fn len_field(a: &str, at: usize, body: &str) -> Result<Part, TemplateError> {
        let (w, rest) = match a.split_once(':') {
            Some((w, r)) => (w, Some(r)),
            None => (a, None),
        };
        let f = IntField::parse(w.trim())
            .ok_or_else(|| err(at, field(FieldProblem::UnknownInt(w.into()))))?;
        let after = match rest.map(str::trim) {
            None => false,
            Some("after") => true,
            Some(r) => {
                let at = at + w.chars().count() + 1;
                return Err(err(at, field(FieldProblem::BadLenArg(r.into()))));
            }
        };
        Ok(Part::Len {
            field: f,
            after,
            at: at.saturating_sub(4),
            token: body.into(),
        })
    }

    /// The text it was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True for a template parsed with [`Template::parse_hex`].
    pub fn is_hex_mode(&self) -> bool {
        self.hex_mode
    }

    /// True if any variable changes from one render to the next.
    pub fn has_variables(&self) -> bool {
        self.parts.iter().any(|p| {
            matches!(
                p,
                Part::Seq { .. }
                    | Part::SeqBin(_)
                    | Part::Time
                    | Part::UnixMs
                    | Part::Rand(_)
                    | Part::Var { .. }
            )
        })
    }

    /// The caller's variables ([`Template::parse_with`]) in order, each with the template
    /// position of its name (after the `{`).
    pub fn vars(&self) -> impl Iterator<Item = (&str, usize)> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var { name, at } => Some((name.as_str(), *at)),
            _ => None,
        })
    }

    /// True if the template uses `{seq}`.
    pub fn uses_seq(&self) -> bool {
        self.parts
            .iter()
            .any(|p| matches!(p, Part::Seq { .. } | Part::SeqBin(_)))
    }

    /// Expands the template into bytes and advances `ctx.seq` by one.
    /// Fails only when text (a text variable's too) cannot be written in the encoding, has
    /// a bad escape, or the variables' values would make it larger than [`MAX_OUTPUT`].
    pub fn render(&self, ctx: &mut TemplateCtx) -> Result<Vec<u8>, TemplateError> {
        let mut out = Vec::new();
        let mut fills: Vec<(usize, &Part)> = Vec::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.extend(Self::render_text(t, ctx)?),
                Part::Bytes(b) => out.extend_from_slice(b),
                Part::Seq { width, zero } => {
                    let s = if *zero {
                        format!("{:0w$}", ctx.seq, w = *width)
                    } else {
                        format!("{:w$}", ctx.seq, w = *width)
                    };
                    out.extend(ascii(ctx.enc, &s));
                }
                Part::Time => {
                    let s = chrono::Local::now().format("%H:%M:%S%.3f").to_string();
                    out.extend(ascii(ctx.enc, &s));
                }
                Part::UnixMs => {
                    let ms = crate::clock::now_us().div_euclid(1000);
                    out.extend(ascii(ctx.enc, &ms.to_string()));
                }
                Part::Rand(n) => {
                    let start = out.len();
                    out.resize(start + n, 0);
                    fastrand::fill(&mut out[start..]);
                }
                Part::SeqBin(f) => out.extend(f.bytes_of(ctx.seq)),
                Part::Len { field: f, .. } => {
                    fills.push((out.len(), part));
                    out.resize(out.len() + f.bytes, 0);
                }
                Part::Check { spec, .. } => {
                    fills.push((out.len(), part));
                    out.resize(out.len() + spec.width(), 0);
                }
                Part::Var { name, at } => {
                    let value = ctx.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                    let bytes = match value {
                        None => Vec::new(),
                        Some(VarValue::Bytes(b)) => b.clone(),
                        Some(VarValue::Text(t)) => {
                            encode(ctx.enc, t).map_err(|e| encode_err(*at, e))?
                        }
                    };
                    if out.len().saturating_add(bytes.len()) > MAX_OUTPUT {
                        return Err(err(*at, TemplateProblem::TooLarge { max: MAX_OUTPUT }));
                    }
                    out.extend(bytes);
                }
            }
        }
        super::template_fill::fill(&mut out, &fills)?;
        ctx.seq = ctx.seq.wrapping_add(1);
        Ok(out)
    }

    fn render_text(t: &TextPart, ctx: &TemplateCtx) -> Result<Vec<u8>, TemplateError> {
        if ctx.escapes {
            parse_escapes(&t.text, ctx.enc).map_err(|e| match e {
                EscapeError::Bad { position, problem } => {
                    err(t.source_pos(position), TemplateProblem::Escape(problem))
                }
                EscapeError::Encode(e) => {
                    let i = t.text.chars().position(|c| c == e.ch).unwrap_or(0);
                    encode_err(t.source_pos(i), e)
                }
            })
        } else {
            encode(ctx.enc, &t.text).map_err(|e| encode_err(t.source_pos(e.position), e))
        }
    }
}

/// An encode error at template position `position` (the error's own position too).
fn encode_err(position: usize, e: EncodeError) -> TemplateError {
    err(
        position,
        TemplateProblem::Encode(EncodeError { position, ..e }),
    )
}

/// Digits and punctuation in the session's encoding (so `{seq}` is right in UTF-16 too).
/// Every encoding offered writes ASCII digits, so the fallback is never taken.
fn ascii(enc: Encoding, s: &str) -> Vec<u8> {
    encode(enc, s).unwrap_or_else(|_| s.as_bytes().to_vec())
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
