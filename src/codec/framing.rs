//! Splitting a TCP byte stream into frames for display: raw chunks, a delimiter
//! (LF, CRLF or any bytes), a fixed length, a 1-, 2- or 4-byte length prefix, or a length
//! field inside a header (at an offset, any byte order, with an adjustment: Modbus/TCP's MBAP).
//!
//! [`Framer`] is streaming: feed it chunks as they arrive and it returns whole frames.
//! Memory stays bounded by twice the maximum frame size (1 MiB by default): a longer frame
//! keeps its first `max_frame` bytes, is emitted with `truncated: true` at its boundary,
//! and the rest of it is counted and skipped — even a 100 MiB "line" costs 1 MiB.
//! Framing is for display only; the raw bytes are still what is recorded.

use super::hex::{HexError, HexProblem, parse_hex, to_hex_spaced};
use serde::{Deserialize, Serialize};

/// The default maximum frame size.
pub const DEFAULT_MAX_FRAME: usize = 1024 * 1024;

/// Width of a length prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PrefixWidth {
    #[serde(rename = "1")]
    One,
    #[serde(rename = "2")]
    Two,
    #[serde(rename = "4")]
    Four,
}

impl PrefixWidth {
    pub fn bytes(self) -> usize {
        match self {
            PrefixWidth::One => 1,
            PrefixWidth::Two => 2,
            PrefixWidth::Four => 4,
        }
    }
}

/// How to cut the stream.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Framing {
    /// Each received chunk is one frame, as the socket delivered it.
    #[default]
    Raw,
    /// Frames end with these bytes (not included in the frame).
    Delimiter { bytes: Vec<u8> },
    /// Every frame is exactly this many bytes.
    FixedLength { len: usize },
    /// Each frame starts with its length. The frame is the payload after the prefix.
    LengthPrefix {
        width: PrefixWidth,
        big_endian: bool,
        /// The length counts the prefix itself (some protocols do, most do not).
        #[serde(default)]
        includes_prefix: bool,
    },
    /// A length field inside a header, as real protocols have it (the fields of Netty's
    /// `LengthFieldBasedFrameDecoder`): `offset` bytes, then the `width`-byte length in
    /// either byte order, then `length + adjust` bytes. The frame is all of it, header
    /// included. Modbus/TCP (MBAP): offset 4, 2 bytes big-endian, adjust 0, so a frame is
    /// 6 + length bytes. A length that with its adjustment is below 0 gives an empty body.
    LengthField {
        offset: usize,
        width: PrefixWidth,
        big_endian: bool,
        adjust: i32,
    },
}

/// The largest offset of a length field (the header held while it fills stays small).
pub const MAX_FIELD_OFFSET: usize = 1024;

/// The largest adjustment, either way.
pub const MAX_ADJUST: i32 = 1 << 24;

impl Framing {
    /// Modbus/TCP: the MBAP header's length field (bytes 4 and 5, big-endian) counts the
    /// bytes after it.
    pub fn mbap() -> Framing {
        Framing::LengthField {
            offset: 4,
            width: PrefixWidth::Two,
            big_endian: true,
            adjust: 0,
        }
    }

    /// Split at `\n`.
    pub fn lf() -> Framing {
        Framing::Delimiter { bytes: vec![b'\n'] }
    }

    /// Split at `\r\n`.
    pub fn crlf() -> Framing {
        Framing::Delimiter {
            bytes: vec![b'\r', b'\n'],
        }
    }

    /// Split at the bytes written in hex (`03`, `0D 0A`, `7E`).
    pub fn delimiter_hex(hex: &str) -> Result<Framing, HexError> {
        let bytes = parse_hex(hex)?;
        if bytes.is_empty() {
            return Err(HexError {
                position: 0,
                line: 1,
                column: 1,
                problem: HexProblem::NoBytes,
            });
        }
        Ok(Framing::Delimiter { bytes })
    }

    /// A short description for the log view header.
    pub fn describe(&self) -> String {
        match self {
            Framing::Raw => "raw chunks".into(),
            Framing::Delimiter { bytes } if bytes == b"\n" => "lines (LF)".into(),
            Framing::Delimiter { bytes } if bytes == b"\r\n" => "lines (CRLF)".into(),
            Framing::Delimiter { bytes } => format!("split at {}", to_hex_spaced(bytes)),
            Framing::FixedLength { len } => format!("{len}-byte frames"),
            Framing::LengthPrefix {
                width,
                big_endian,
                includes_prefix,
            } => format!(
                "{}-byte {} length prefix{}",
                width.bytes(),
                if *big_endian {
                    "big-endian"
                } else {
                    "little-endian"
                },
                if *includes_prefix {
                    " (counts itself)"
                } else {
                    ""
                }
            ),
            f @ Framing::LengthField { .. } if *f == Framing::mbap() => "Modbus/TCP (MBAP)".into(),
            Framing::LengthField {
                offset,
                width,
                big_endian,
                adjust,
            } => format!(
                "{}-byte {} length at byte {offset}, {adjust:+}",
                width.bytes(),
                if *big_endian {
                    "big-endian"
                } else {
                    "little-endian"
                },
            ),
        }
    }
}

/// Where a length is read and what it counts.
#[derive(Clone, Copy, Debug)]
struct Field {
    offset: usize,
    width: usize,
    big_endian: bool,
    /// Added to the length to give the bytes after the field.
    adjust: i64,
    /// The frame holds the header (the bytes before the field, and the field).
    keep_header: bool,
}

/// One frame cut from the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The frame's bytes (without delimiter or length prefix), at most `max_frame` of them.
    pub data: Vec<u8>,
    /// The frame was longer than `max_frame`; `data` holds its start.
    pub truncated: bool,
    /// The frame's full length on the wire (without delimiter or prefix).
    pub len: u64,
    /// The frame is an unfinished tail returned by [`Framer::flush`].
    pub partial: bool,
}

/// The streaming splitter. One per TCP connection.
#[derive(Debug, Clone)]
pub struct Framer {
    framing: Framing,
    max_frame: usize,
    /// Delimiter: the frame so far (kept bytes, then up to `delim.len() - 1` unscanned tail).
    /// Fixed/prefix: the kept bytes of the current frame. Prefix: also the header while it fills.
    buf: Vec<u8>,
    /// Delimiter: where the next search starts in `buf`.
    scan_from: usize,
    /// Bytes of the current frame that were skipped (not kept).
    dropped: u64,
    /// Fixed/prefix: bytes of the current frame still to come; None while reading a prefix.
    remaining: Option<u64>,
    /// Prefix: the current frame's declared length.
    frame_len: u64,
}

impl Framer {
    pub fn new(framing: Framing) -> Framer {
        Framer::with_max_frame(framing, DEFAULT_MAX_FRAME)
    }

    /// A framer keeping at most `max_frame` bytes of any frame (at least 1).
    pub fn with_max_frame(framing: Framing, max_frame: usize) -> Framer {
        Framer {
            framing,
            max_frame: max_frame.max(1),
            buf: Vec::new(),
            scan_from: 0,
            dropped: 0,
            remaining: None,
            frame_len: 0,
        }
    }

    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    /// Bytes held for an unfinished frame (never more than twice `max_frame` and a delimiter).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Forgets any unfinished frame (a new connection).
    pub fn reset(&mut self) {
        self.buf = Vec::new();
        self.scan_from = 0;
        self.dropped = 0;
        self.remaining = None;
        self.frame_len = 0;
    }

    /// Feeds the next chunk; returns the frames it completed.
    pub fn push(&mut self, data: &[u8]) -> Vec<Frame> {
        let mut out = Vec::new();
        match self.framing.clone() {
            Framing::Raw => {
                if !data.is_empty() {
                    let keep = data.len().min(self.max_frame);
                    out.push(Frame {
                        data: data[..keep].to_vec(),
                        truncated: keep < data.len(),
                        len: data.len() as u64,
                        partial: false,
                    });
                }
            }
            Framing::Delimiter { bytes } => self.push_delimited(data, &bytes, &mut out),
            Framing::FixedLength { len } => self.push_fixed(data, len.max(1) as u64, &mut out),
            Framing::LengthPrefix {
                width,
                big_endian,
                includes_prefix,
            } => {
                let field = Field {
                    offset: 0,
                    width: width.bytes(),
                    big_endian,
                    // The length counts the prefix: that much less follows it.
                    adjust: if includes_prefix {
                        -(width.bytes() as i64)
                    } else {
                        0
                    },
                    keep_header: false,
                };
                self.push_prefixed(data, field, &mut out)
            }
            Framing::LengthField {
                offset,
                width,
                big_endian,
                adjust,
            } => {
                let field = Field {
                    offset: offset.min(MAX_FIELD_OFFSET),
                    width: width.bytes(),
                    big_endian,
                    adjust: i64::from(adjust.clamp(-MAX_ADJUST, MAX_ADJUST)),
                    keep_header: true,
                };
                self.push_prefixed(data, field, &mut out)
            }
        }
        out
    }

    /// Ends the stream: returns the unfinished frame, if any, marked `partial`.
    pub fn flush(&mut self) -> Option<Frame> {
        let frame = match &self.framing {
            Framing::Raw => None,
            Framing::Delimiter { .. } => {
                if self.buf.is_empty() && self.dropped == 0 {
                    None
                } else {
                    let total = self.buf.len() as u64 + self.dropped;
                    let keep = self.buf.len().min(self.max_frame);
                    self.buf.truncate(keep);
                    Some(Frame {
                        data: std::mem::take(&mut self.buf),
                        truncated: total > keep as u64,
                        len: total,
                        partial: true,
                    })
                }
            }
            Framing::FixedLength { .. }
            | Framing::LengthPrefix { .. }
            | Framing::LengthField { .. } => {
                if self.buf.is_empty() && self.dropped == 0 {
                    None
                } else {
                    // An unfinished prefix is held whole: cut it to the cap too.
                    let total = self.buf.len() as u64 + self.dropped;
                    self.buf.truncate(self.max_frame);
                    Some(Frame {
                        len: total,
                        truncated: total > self.buf.len() as u64,
                        data: std::mem::take(&mut self.buf),
                        partial: true,
                    })
                }
            }
        };
        self.reset();
        frame
    }

    fn push_delimited(&mut self, mut data: &[u8], delim: &[u8], out: &mut Vec<Frame>) {
        let dlen = delim.len().max(1);
        // Room for the kept head plus as much again, so skipping moves in big steps.
        let cap = 2 * self.max_frame + dlen;
        while !data.is_empty() {
            let take = data.len().min(cap.saturating_sub(self.buf.len()).max(1));
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
            // Cut every complete frame in the buffer; move the rest down once.
            let mut base = 0;
            loop {
                let found = if delim.is_empty() {
                    None
                } else if dlen == 1 {
                    self.buf[self.scan_from..]
                        .iter()
                        .position(|&b| b == delim[0])
                        .map(|p| p + self.scan_from)
                } else {
                    self.buf[self.scan_from..]
                        .windows(dlen)
                        .position(|w| w == delim)
                        .map(|p| p + self.scan_from)
                };
                match found {
                    Some(at) => {
                        let len = at - base;
                        let keep = len.min(self.max_frame);
                        let total = len as u64 + self.dropped;
                        out.push(Frame {
                            data: self.buf[base..base + keep].to_vec(),
                            truncated: total > keep as u64,
                            len: total,
                            partial: false,
                        });
                        base = at + dlen;
                        self.scan_from = base;
                        self.dropped = 0;
                    }
                    None => {
                        self.scan_from = self.buf.len().saturating_sub(dlen - 1).max(base);
                        break;
                    }
                }
            }
            self.buf.drain(..base);
            self.scan_from -= base;
            // Too long with no delimiter: keep the head and the bytes a delimiter may
            // start in, count the middle as skipped.
            if self.buf.len() >= cap {
                let tail_start = self.buf.len() - (dlen - 1);
                if tail_start > self.max_frame {
                    self.dropped += (tail_start - self.max_frame) as u64;
                    self.buf.drain(self.max_frame..tail_start);
                }
                self.scan_from = self.max_frame;
            }
        }
    }

    fn push_fixed(&mut self, mut data: &[u8], len: u64, out: &mut Vec<Frame>) {
        while !data.is_empty() {
            let remaining = *self.remaining.get_or_insert(len);
            let take = (data.len() as u64).min(remaining) as usize;
            self.keep(&data[..take]);
            data = &data[take..];
            let left = remaining - take as u64;
            if left == 0 {
                self.emit(len, out);
            } else {
                self.remaining = Some(left);
            }
        }
    }

    fn push_prefixed(&mut self, mut data: &[u8], f: Field, out: &mut Vec<Frame>) {
        let header = f.offset + f.width;
        loop {
            match self.remaining {
                None => {
                    if data.is_empty() {
                        return;
                    }
                    // The header (at most MAX_FIELD_OFFSET + 4 bytes) is held whole.
                    let take = (header - self.buf.len()).min(data.len());
                    self.buf.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.buf.len() < header {
                        return;
                    }
                    let field = &self.buf[f.offset..header];
                    let mut v: u64 = 0;
                    for i in 0..f.width {
                        let b = if f.big_endian {
                            field[i]
                        } else {
                            field[f.width - 1 - i]
                        };
                        v = v << 8 | u64::from(b);
                    }
                    // A length below 0 once adjusted is a broken stream: an empty body.
                    let body = (i128::from(v) + i128::from(f.adjust)).max(0) as u64;
                    if f.keep_header {
                        // The header is part of the frame, and counts against the cap.
                        let over = self.buf.len().saturating_sub(self.max_frame);
                        self.buf.truncate(self.max_frame);
                        self.dropped += over as u64;
                        self.frame_len = header as u64 + body;
                    } else {
                        self.buf.clear();
                        self.frame_len = body;
                    }
                    self.remaining = Some(body);
                }
                Some(0) => {
                    self.emit(self.frame_len, out);
                }
                Some(left) => {
                    if data.is_empty() {
                        return;
                    }
                    let take = (data.len() as u64).min(left) as usize;
                    self.keep(&data[..take]);
                    data = &data[take..];
                    self.remaining = Some(left - take as u64);
                }
            }
        }
    }

    /// Adds bytes of the current frame, keeping at most `max_frame`.
    fn keep(&mut self, bytes: &[u8]) {
        let room = self.max_frame.saturating_sub(self.buf.len());
        let k = room.min(bytes.len());
        self.buf.extend_from_slice(&bytes[..k]);
        self.dropped += (bytes.len() - k) as u64;
    }

    fn emit(&mut self, len: u64, out: &mut Vec<Frame>) {
        out.push(Frame {
            data: std::mem::take(&mut self.buf),
            truncated: self.dropped > 0,
            len,
            partial: false,
        });
        self.dropped = 0;
        self.remaining = None;
    }
}

#[cfg(test)]
#[path = "framing_tests.rs"]
mod tests;
