//! Splitting a TCP byte stream into frames for display: raw chunks, a delimiter
//! (LF, CRLF or any bytes), a fixed length, or a 1-, 2- or 4-byte length prefix.
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
}

impl Framing {
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
        }
    }
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
            } => self.push_prefixed(data, width.bytes(), big_endian, includes_prefix, &mut out),
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
            Framing::FixedLength { .. } | Framing::LengthPrefix { .. } => {
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

    fn push_prefixed(
        &mut self,
        mut data: &[u8],
        width: usize,
        big_endian: bool,
        includes_prefix: bool,
        out: &mut Vec<Frame>,
    ) {
        loop {
            match self.remaining {
                None => {
                    if data.is_empty() {
                        return;
                    }
                    let take = (width - self.buf.len()).min(data.len());
                    self.buf.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if self.buf.len() < width {
                        return;
                    }
                    let mut v: u64 = 0;
                    for i in 0..width {
                        let b = if big_endian {
                            self.buf[i]
                        } else {
                            self.buf[width - 1 - i]
                        };
                        v = v << 8 | u64::from(b);
                    }
                    self.buf.clear();
                    if includes_prefix {
                        // A length smaller than the prefix is a broken stream; show an empty frame.
                        v = v.saturating_sub(width as u64);
                    }
                    self.frame_len = v;
                    self.remaining = Some(v);
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
mod tests {
    use super::*;

    fn datas(frames: &[Frame]) -> Vec<&[u8]> {
        frames.iter().map(|f| f.data.as_slice()).collect()
    }

    /// Feeds `input` one byte at a time and all at once; both must give the same frames.
    fn both_ways(f: &Framing, max: usize, input: &[u8]) -> Vec<Frame> {
        let mut a = Framer::with_max_frame(f.clone(), max);
        let whole = a.push(input);
        let mut b = Framer::with_max_frame(f.clone(), max);
        let mut bytewise = Vec::new();
        for byte in input {
            bytewise.extend(b.push(std::slice::from_ref(byte)));
        }
        assert_eq!(whole, bytewise, "whole vs byte-by-byte for {f:?}");
        assert_eq!(a.flush(), b.flush());
        whole
    }

    #[test]
    fn raw_chunks() {
        let mut f = Framer::new(Framing::Raw);
        assert_eq!(datas(&f.push(b"abc")), vec![b"abc"]);
        assert!(f.push(b"").is_empty());
        assert_eq!(f.flush(), None);
        let mut f = Framer::with_max_frame(Framing::Raw, 2);
        let fr = f.push(b"abc");
        assert_eq!(
            (fr[0].data.as_slice(), fr[0].truncated, fr[0].len),
            (&b"ab"[..], true, 3)
        );
    }

    #[test]
    fn lines() {
        let fr = both_ways(&Framing::lf(), 100, b"one\ntwo\n\nthree");
        assert_eq!(datas(&fr), vec![&b"one"[..], b"two", b""]);
        let mut f = Framer::new(Framing::lf());
        f.push(b"one\nthree");
        let tail = f.flush().unwrap();
        assert_eq!((tail.data.as_slice(), tail.partial), (&b"three"[..], true));
        let fr = both_ways(&Framing::crlf(), 100, b"a\r\nb\rc\r\n\r");
        assert_eq!(datas(&fr), vec![&b"a"[..], b"b\rc"]);
    }

    #[test]
    fn hex_delimiter() {
        let f = Framing::delimiter_hex("7e 7e 00").unwrap();
        let fr = both_ways(&f, 100, b"ab\x7e\x7e\x00cd\x7e\x7e\x7e\x00e");
        assert_eq!(datas(&fr), vec![&b"ab"[..], b"cd\x7e"]);
        assert!(Framing::delimiter_hex("").is_err());
        assert!(Framing::delimiter_hex("zz").is_err());
    }

    #[test]
    fn long_lines_are_truncated_and_skipped() {
        for max in [1usize, 2, 3, 5, 8] {
            let fr = both_ways(&Framing::crlf(), max, b"0123456789\r\nab\r\n0123\r");
            assert_eq!(fr.len(), 2, "max {max}");
            assert_eq!(
                fr[0].data,
                b"0123456789"[..max.min(10)].to_vec(),
                "max {max}"
            );
            assert_eq!((fr[0].truncated, fr[0].len), (max < 10, 10), "max {max}");
            assert_eq!(fr[1].data, b"ab"[..max.min(2)].to_vec());
            assert_eq!(fr[1].truncated, max < 2);
        }
    }

    #[test]
    fn a_huge_line_stays_bounded() {
        let mut f = Framer::with_max_frame(Framing::lf(), 1024);
        let chunk = vec![b'x'; 64 * 1024];
        for _ in 0..1600 {
            // 100 MiB with no newline
            assert!(f.push(&chunk).is_empty());
            assert!(f.buffered() <= 2 * 1024 + 1);
        }
        let fr = f.push(b"\nnext\n");
        assert_eq!(fr.len(), 2);
        assert!(fr[0].truncated);
        assert_eq!(fr[0].data.len(), 1024);
        assert_eq!(fr[0].len, 100 * 1024 * 1024);
        assert_eq!(fr[1].data, b"next");
    }

    #[test]
    fn fixed_length() {
        let f = Framing::FixedLength { len: 3 };
        let fr = both_ways(&f, 100, b"abcdefgh");
        assert_eq!(datas(&fr), vec![&b"abc"[..], b"def"]);
        let mut fx = Framer::new(f.clone());
        fx.push(b"abcdefgh");
        assert_eq!(fx.flush().unwrap().data, b"gh");
        let fr = both_ways(&f, 2, b"abcdef");
        assert_eq!(datas(&fr), vec![&b"ab"[..], b"de"]);
        assert!(fr.iter().all(|f| f.truncated && f.len == 3));
    }

    #[test]
    fn length_prefixes() {
        let be2 = Framing::LengthPrefix {
            width: PrefixWidth::Two,
            big_endian: true,
            includes_prefix: false,
        };
        let fr = both_ways(&be2, 100, b"\x00\x03abc\x00\x00\x00\x01z\x00");
        assert_eq!(datas(&fr), vec![&b"abc"[..], b"", b"z"]);
        let le4 = Framing::LengthPrefix {
            width: PrefixWidth::Four,
            big_endian: false,
            includes_prefix: false,
        };
        let fr = both_ways(&le4, 100, b"\x02\x00\x00\x00hi\x01\x00\x00\x00!");
        assert_eq!(datas(&fr), vec![&b"hi"[..], b"!"]);
        let one_incl = Framing::LengthPrefix {
            width: PrefixWidth::One,
            big_endian: true,
            includes_prefix: true,
        };
        let fr = both_ways(&one_incl, 100, b"\x03ab\x01\x02c");
        assert_eq!(datas(&fr), vec![&b"ab"[..], b"", b"c"]);
        // A 4 GiB declared frame is truncated, not buffered.
        let be4 = Framing::LengthPrefix {
            width: PrefixWidth::Four,
            big_endian: true,
            includes_prefix: false,
        };
        let mut f = Framer::with_max_frame(be4, 4);
        assert!(f.push(b"\xff\xff\xff\xffabcdefgh").is_empty());
        assert_eq!(f.buffered(), 4);
        let tail = f.flush().unwrap();
        assert_eq!(
            (tail.data.as_slice(), tail.truncated, tail.len),
            (&b"abcd"[..], true, 8)
        );
    }

    #[test]
    fn serde_round_trip() {
        for f in [
            Framing::Raw,
            Framing::crlf(),
            Framing::FixedLength { len: 8 },
            Framing::LengthPrefix {
                width: PrefixWidth::Two,
                big_endian: false,
                includes_prefix: true,
            },
        ] {
            let j = serde_json::to_string(&f).unwrap();
            assert_eq!(serde_json::from_str::<Framing>(&j).unwrap(), f, "{j}");
            assert!(!f.describe().is_empty());
        }
    }
}
