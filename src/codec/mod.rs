//! Turning text into bytes and bytes into text: the encodings a user can pick,
//! hex parsing and formatting, and escape sequences in typed payloads.
//!
//! Nothing here touches a socket; the workers and the log both build on it.

pub mod escape;
pub mod hex;
pub mod text;

pub use escape::parse_escapes;
pub use hex::{HexError, parse_hex, to_hex, to_hex_spaced};
pub use text::{EncodeError, Encoding, StreamDecoder, decode, encode};
