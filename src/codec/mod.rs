//! Turning text into bytes and bytes into text: the encodings a user can pick,
//! hex parsing and formatting, escape sequences and variables in typed payloads,
//! checksums to append, and framing of received TCP streams for display.
//!
//! Nothing here touches a socket; the workers and the log both build on it.

pub mod binfield;
pub mod checksum;
pub mod diff;
mod digits;
pub mod escape;
pub mod framing;
pub mod framing_arg;
pub mod hex;
pub mod payload;
pub mod rule;
pub mod sniff;
pub mod template;
mod template_error;
mod template_fill;
mod template_vars;
pub mod text;
pub mod window;

pub use binfield::{ByteOrder, ByteRange, CheckOutcome, ChecksumSpec, FieldProblem, IntField};
pub use checksum::Checksum;
pub use escape::{EscapeError, EscapeProblem};
pub use escape::{parse_escapes, visible};
pub use framing::{Frame, Framer, Framing};
pub use hex::{HexError, HexProblem, parse_hex, to_hex, to_hex_spaced};
pub use payload::PayloadError;
pub use template::{Template, TemplateCtx, TemplateError, TemplateProblem, VarValue, is_var_name};
pub use text::{
    EncodeError, Encoding, StreamDecoder, decode, decode_checked, decode_escaped, encode,
};
