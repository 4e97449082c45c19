//! Payload templates: variables that expand each time a payload is sent.
//!
//! | Written        | Sends                                                              |
//! |----------------|--------------------------------------------------------------------|
//! | `{seq}`        | the per-session send counter in decimal (`{seq:04}` zero-pads to 4, `{seq:4}` space-pads) |
//! | `{seq:u16be}`  | the counter as raw bytes, wrapping: `u8`, `u16be`, `u16le`, `u32be`, `u32le` |
//! | `{conn}`       | the connection's number in a crowd (1 for a single client); `{conn:03}`, `{conn:u16be}` as `{seq}` |
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

use super::binfield::{ChecksumSpec, IntField};
use super::escape::{EscapeError, parse_escapes};
use super::hex::parse_hex;
use super::text::{EncodeError, Encoding, encode};
use std::fmt;

pub use super::template_error::{TemplateError, TemplateProblem};

/// The most one `{rand:N}` may ask for.
pub const MAX_RAND: usize = 65_535;
/// The most bytes a template may produce, so a typo cannot make a 4 GiB payload.
pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;
/// The widest `{seq:N}` padding.
pub const MAX_WIDTH: usize = 64;
/// The most length and checksum fields one template may have.
pub const MAX_FILLED: usize = 32;

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
    /// `{conn}`: the connection's number (a crowd's #k; 1 for one client).
    Conn {
        width: usize,
        zero: bool,
    },
    /// `{conn:u16be}`: the connection's number as raw bytes.
    ConnBin(IntField),
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
    /// The connection's number `{conn}` renders as: a crowd's #k, 1 for a single client.
    pub conn: u64,
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
            conn: 1,
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
                    let part = match super::template_vars::variable(&body, i + 1) {
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
                        Part::Seq { width, .. } | Part::Conn { width, .. } => *width,
                        Part::SeqBin(f) | Part::ConnBin(f) | Part::Len { field: f, .. } => f.bytes,
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
                Part::Seq { width, zero } => out.extend(padded(ctx, ctx.seq, *width, *zero)),
                Part::Conn { width, zero } => out.extend(padded(ctx, ctx.conn, *width, *zero)),
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
                Part::ConnBin(f) => out.extend(f.bytes_of(ctx.conn)),
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

/// A number in decimal, `width` wide (zero- or space-padded), in the context's encoding.
fn padded(ctx: &TemplateCtx, n: u64, width: usize, zero: bool) -> Vec<u8> {
    let s = if zero {
        format!("{n:0width$}")
    } else {
        format!("{n:width$}")
    };
    ascii(ctx.enc, &s)
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
