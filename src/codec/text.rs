//! Encodings by WHATWG label, strict encoding of outgoing text and lossless-or-U+FFFD
//! decoding of incoming bytes, including a streaming decoder for TCP byte streams.

use std::fmt;

/// An encoding a session can use. A thin, copyable wrapper over `encoding_rs`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding(&'static encoding_rs::Encoding);

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encoding({})", self.label())
    }
}

impl Default for Encoding {
    fn default() -> Self {
        Encoding::UTF_8
    }
}

/// Every encoding offered in the picker, in the order shown, with a friendly name.
pub const ALL: &[(Encoding, &str)] = &[
    (Encoding(encoding_rs::UTF_8), "UTF-8"),
    (Encoding(encoding_rs::GBK), "GBK (简体中文)"),
    (Encoding(encoding_rs::GB18030), "GB18030 (简体中文)"),
    (Encoding(encoding_rs::BIG5), "Big5 (繁體中文)"),
    (Encoding(encoding_rs::SHIFT_JIS), "Shift_JIS (日本語)"),
    (Encoding(encoding_rs::EUC_JP), "EUC-JP (日本語)"),
    (Encoding(encoding_rs::ISO_2022_JP), "ISO-2022-JP (日本語)"),
    (Encoding(encoding_rs::EUC_KR), "EUC-KR (한국어)"),
    (Encoding(encoding_rs::UTF_16LE), "UTF-16LE"),
    (Encoding(encoding_rs::UTF_16BE), "UTF-16BE"),
    (
        Encoding(encoding_rs::WINDOWS_1252),
        "Latin-1 (windows-1252)",
    ),
    (
        Encoding(encoding_rs::ISO_8859_2),
        "ISO-8859-2 (Central European)",
    ),
    (
        Encoding(encoding_rs::ISO_8859_3),
        "ISO-8859-3 (South European)",
    ),
    (Encoding(encoding_rs::ISO_8859_4), "ISO-8859-4 (Baltic)"),
    (Encoding(encoding_rs::ISO_8859_5), "ISO-8859-5 (Cyrillic)"),
    (Encoding(encoding_rs::ISO_8859_6), "ISO-8859-6 (Arabic)"),
    (Encoding(encoding_rs::ISO_8859_7), "ISO-8859-7 (Greek)"),
    (Encoding(encoding_rs::ISO_8859_8), "ISO-8859-8 (Hebrew)"),
    (Encoding(encoding_rs::ISO_8859_8_I), "ISO-8859-8-I (Hebrew)"),
    (Encoding(encoding_rs::ISO_8859_10), "ISO-8859-10 (Nordic)"),
    (Encoding(encoding_rs::ISO_8859_13), "ISO-8859-13 (Baltic)"),
    (Encoding(encoding_rs::ISO_8859_14), "ISO-8859-14 (Celtic)"),
    (Encoding(encoding_rs::ISO_8859_15), "ISO-8859-15 (Latin-9)"),
    (Encoding(encoding_rs::ISO_8859_16), "ISO-8859-16 (Latin-10)"),
    (Encoding(encoding_rs::KOI8_R), "KOI8-R (Russian)"),
    (Encoding(encoding_rs::KOI8_U), "KOI8-U (Ukrainian)"),
    (Encoding(encoding_rs::IBM866), "IBM866 (DOS Cyrillic)"),
    (Encoding(encoding_rs::MACINTOSH), "Macintosh (Mac Roman)"),
    (Encoding(encoding_rs::X_MAC_CYRILLIC), "x-mac-cyrillic"),
    (Encoding(encoding_rs::WINDOWS_874), "windows-874 (Thai)"),
    (
        Encoding(encoding_rs::WINDOWS_1250),
        "windows-1250 (Central European)",
    ),
    (
        Encoding(encoding_rs::WINDOWS_1251),
        "windows-1251 (Cyrillic)",
    ),
    (Encoding(encoding_rs::WINDOWS_1253), "windows-1253 (Greek)"),
    (
        Encoding(encoding_rs::WINDOWS_1254),
        "windows-1254 (Turkish)",
    ),
    (Encoding(encoding_rs::WINDOWS_1255), "windows-1255 (Hebrew)"),
    (Encoding(encoding_rs::WINDOWS_1256), "windows-1256 (Arabic)"),
    (Encoding(encoding_rs::WINDOWS_1257), "windows-1257 (Baltic)"),
    (
        Encoding(encoding_rs::WINDOWS_1258),
        "windows-1258 (Vietnamese)",
    ),
    (
        Encoding(encoding_rs::X_USER_DEFINED),
        "x-user-defined (bytes 80–FF as private use)",
    ),
];

impl Encoding {
    pub const UTF_8: Encoding = Encoding(encoding_rs::UTF_8);
    pub const GBK: Encoding = Encoding(encoding_rs::GBK);
    pub const GB18030: Encoding = Encoding(encoding_rs::GB18030);
    pub const BIG5: Encoding = Encoding(encoding_rs::BIG5);
    pub const SHIFT_JIS: Encoding = Encoding(encoding_rs::SHIFT_JIS);
    pub const EUC_KR: Encoding = Encoding(encoding_rs::EUC_KR);
    pub const UTF_16LE: Encoding = Encoding(encoding_rs::UTF_16LE);
    pub const UTF_16BE: Encoding = Encoding(encoding_rs::UTF_16BE);
    pub const LATIN_1: Encoding = Encoding(encoding_rs::WINDOWS_1252);

    /// Looks an encoding up by any WHATWG label (`gbk`, `GB2312`, `latin1`, `utf-16le`, `sjis`, …).
    pub fn for_label(label: &str) -> Option<Encoding> {
        encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .filter(|e| *e != encoding_rs::REPLACEMENT)
            .map(Encoding)
    }

    /// Like [`Encoding::for_label`], with an error message that lists a few valid labels.
    pub fn parse(label: &str) -> Result<Encoding, String> {
        Self::for_label(label).ok_or_else(|| {
            format!(
                "unknown encoding \"{}\"; try utf-8, gbk, gb18030, big5, shift_jis, euc-kr, utf-16le or latin1",
                label.trim()
            )
        })
    }

    /// The canonical WHATWG name in lower case, as written to records (`gbk`, `utf-8`).
    pub fn label(self) -> String {
        self.0.name().to_ascii_lowercase()
    }

    /// The friendly name shown in the picker.
    pub fn display_name(self) -> &'static str {
        ALL.iter()
            .find(|(e, _)| *e == self)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| self.0.name())
    }

    /// The picker's name without its note: "GBK", not "GBK (简体中文)".
    pub fn short_name(self) -> &'static str {
        let n = self.display_name();
        n.split(" (").next().unwrap_or(n)
    }

    pub fn inner(self) -> &'static encoding_rs::Encoding {
        self.0
    }

    fn is_utf16(self) -> bool {
        self.0 == encoding_rs::UTF_16LE || self.0 == encoding_rs::UTF_16BE
    }
}

/// A character that the chosen encoding cannot represent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// Character index (0-based) of the first unrepresentable character.
    pub position: usize,
    pub ch: char,
    pub encoding: String,
    /// Set when the encoding does write the character, but as bytes that read back as
    /// something else (Shift_JIS writes `¥` as 0x5C, which reads back as `\`): the bytes
    /// in hex and the text they read back as.
    pub becomes: Option<(String, String)>,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "character '{}' (U+{:04X}) at position {} {}",
            self.ch,
            self.ch as u32,
            self.position + 1,
            self.reason()
        )
    }
}

impl EncodeError {
    /// The reason without the position: "cannot be written in …", or what it would become.
    pub fn reason(&self) -> String {
        match &self.becomes {
            None => format!("cannot be written in {}", self.encoding),
            Some((hex, back)) => format!(
                "would be sent in {} as {hex}, which reads back as '{back}'; \
                 send those bytes as hex if that is what you mean",
                self.encoding
            ),
        }
    }
}

impl std::error::Error for EncodeError {}

/// Encodes text strictly: an unrepresentable character is an error, never a silent `?` or `&#…;`.
pub fn encode(enc: Encoding, text: &str) -> Result<Vec<u8>, EncodeError> {
    if enc.is_utf16() {
        let be = enc.0 == encoding_rs::UTF_16BE;
        let mut out = Vec::with_capacity(text.len() * 2);
        for unit in text.encode_utf16() {
            let b = if be {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            };
            out.extend_from_slice(&b);
        }
        return Ok(out);
    }
    if enc.0 == encoding_rs::UTF_8 {
        return Ok(text.as_bytes().to_vec());
    }
    let mut encoder = enc.0.new_encoder();
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut consumed = 0usize;
    loop {
        let rest = &text[consumed..];
        let need = encoder
            .max_buffer_length_from_utf8_without_replacement(rest.len())
            .unwrap_or(rest.len() * 4 + 16);
        out.reserve(need);
        let (result, read) =
            encoder.encode_from_utf8_to_vec_without_replacement(rest, &mut out, true);
        consumed += read;
        match result {
            encoding_rs::EncoderResult::InputEmpty => return check_round_trip(enc, text, out),
            encoding_rs::EncoderResult::OutputFull => continue,
            encoding_rs::EncoderResult::Unmappable(ch) => {
                // The unmappable character is the last one read. Take it from the text:
                // ISO-2022-JP reports U+FFFD for SO, SI and ESC, so `ch` may differ from it
                // (and be longer: subtracting its length underflowed; found by fuzzing).
                let read_part = text.get(..consumed).unwrap_or(text);
                let (upto, ch) = read_part.char_indices().next_back().unwrap_or((0, ch));
                return Err(EncodeError {
                    position: read_part[..upto].chars().count(),
                    ch,
                    encoding: enc.display_name().to_string(),
                    becomes: None,
                });
            }
        }
    }
}

/// Strict also means no silent change: a few WHATWG encoders write a character as
/// bytes that decode to a different one (Shift_JIS and EUC-JP write `¥` as `\\` and
/// `‾` as `~`, and `−` as the full-width `－`). The text must read back as it was written.
fn check_round_trip(enc: Encoding, text: &str, out: Vec<u8>) -> Result<Vec<u8>, EncodeError> {
    if enc.0.decode_without_bom_handling(&out).0 == text {
        return Ok(out);
    }
    // Find the first character that does not survive on its own.
    for (position, ch) in text.chars().enumerate() {
        let mut buf = [0u8; 4];
        let one = ch.encode_utf8(&mut buf);
        let (bytes, _, _) = enc.0.encode(one);
        let back = enc.0.decode_without_bom_handling(&bytes).0;
        if back != *one {
            return Err(EncodeError {
                position,
                ch,
                encoding: enc.display_name().to_string(),
                becomes: Some((super::hex::to_hex_spaced(&bytes), back.into_owned())),
            });
        }
    }
    // Every character survives alone and only neighbours together read back differently:
    // no WHATWG encoder does that (the `encoding` fuzz target checks), so keep the bytes.
    Ok(out)
}

/// Decodes a whole message (a datagram, or a chunk seen on its own). Never fails:
/// invalid bytes become U+FFFD. No BOM sniffing: the user's choice of encoding wins.
pub fn decode(enc: Encoding, bytes: &[u8]) -> String {
    decode_checked(enc, bytes).0
}

/// [`decode`], and whether any byte sequence was not valid in `enc` (an invalid sequence
/// or a character cut short at the end): found in the same pass, for a reader that shows
/// such data as bytes rather than as U+FFFD.
pub fn decode_checked(enc: Encoding, bytes: &[u8]) -> (String, bool) {
    if enc.0 == encoding_rs::UTF_8 {
        let mut out = String::with_capacity(bytes.len());
        let mut bad = false;
        if !utf8_into(bytes, &mut out, false, &mut bad).is_empty() {
            // A whole message: a character cut short at its end is one invalid sequence.
            out.push('\u{fffd}');
            bad = true;
        }
        return (out, bad);
    }
    let (text, bad) = enc.0.decode_without_bom_handling(bytes);
    (text.into_owned(), bad)
}

/// UTF-8 with each invalid sequence (its maximal subpart, as WHATWG says) as U+FFFD,
/// appended to `out`; returns the incomplete character at the end, if any, for the caller
/// to carry over (a stream) or replace (a whole message).
///
/// encoding_rs gives the same text, but restarts its vector check after every invalid
/// byte: on binary data (an invalid sequence every few bytes) that ran at about 70 MiB/s
/// and was most of the cost of recording a binary TCP stream. Text takes the fast check
/// once; only the bytes after its first error are walked sequence by sequence.
///
/// With `escape`, each invalid byte is written as `\xNN` instead. `bad_seen` is set when an
/// invalid sequence was met.
fn utf8_into<'a>(bytes: &'a [u8], out: &mut String, escape: bool, bad_seen: &mut bool) -> &'a [u8] {
    let rest = match std::str::from_utf8(bytes) {
        Ok(s) => {
            out.push_str(s);
            return &[];
        }
        Err(e) => {
            let (ok, rest) = bytes.split_at(e.valid_up_to());
            // The first `valid_up_to` bytes are valid UTF-8: this cannot fail.
            out.push_str(std::str::from_utf8(ok).unwrap_or_default());
            rest
        }
    };
    let mut chunks = rest.utf8_chunks().peekable();
    while let Some(c) = chunks.next() {
        out.push_str(c.valid());
        let bad = c.invalid();
        if bad.is_empty() {
            continue;
        }
        // The last piece may be a character cut short by the end of the input.
        let cut_short = chunks.peek().is_none()
            && std::str::from_utf8(bad).is_err_and(|e| e.error_len().is_none());
        if cut_short {
            return bad;
        }
        *bad_seen = true;
        if escape {
            push_escaped(out, bad);
        } else {
            out.push('\u{fffd}');
        }
    }
    &[]
}

/// Each byte as `\xNN` (bytes that are not text in the encoding, shown as what they are).
fn push_escaped(out: &mut String, bytes: &[u8]) {
    use std::fmt::Write as _;
    for b in bytes {
        let _ = write!(out, "\\x{b:02x}");
    }
}

/// Decodes a whole message with each byte that is not text in `enc` written as `\xNN`
/// (where [`decode`] writes U+FFFD): for output that must tell bytes apart (the command
/// line's rows).
pub fn decode_escaped(enc: Encoding, bytes: &[u8]) -> String {
    let mut d = StreamDecoder::escaping(enc);
    let mut s = d.feed(bytes);
    s.push_str(&d.finish());
    s
}

/// Decodes a byte stream that arrives in pieces (TCP), carrying a character that
/// is split across two pieces over to the next call.
pub struct StreamDecoder {
    enc: Encoding,
    inner: encoding_rs::Decoder,
    /// UTF-8: the start of a character cut by the end of the last piece (at most 3 bytes).
    carry: Vec<u8>,
    /// Bytes that are not text become `\xNN`, not U+FFFD.
    escape: bool,
    /// The last piece held a sequence that is not valid in the encoding.
    malformed: bool,
}

impl fmt::Debug for StreamDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StreamDecoder({})", self.enc.label())
    }
}

impl StreamDecoder {
    pub fn new(enc: Encoding) -> Self {
        StreamDecoder {
            enc,
            inner: enc.0.new_decoder_without_bom_handling(),
            carry: Vec::new(),
            escape: false,
            malformed: false,
        }
    }

    /// A decoder that writes each byte that is not text as `\xNN` (see [`decode_escaped`]).
    pub fn escaping(enc: Encoding) -> Self {
        StreamDecoder {
            escape: true,
            ..StreamDecoder::new(enc)
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.enc
    }

    /// Decodes the next piece. Bytes of an unfinished character are kept for the next call.
    pub fn feed(&mut self, bytes: &[u8]) -> String {
        self.run(bytes, false)
    }

    /// Ends the stream: an unfinished character left over becomes U+FFFD.
    pub fn finish(&mut self) -> String {
        let s = self.run(&[], true);
        self.inner = self.enc.0.new_decoder_without_bom_handling();
        self.carry.clear();
        s
    }

    /// The last [`StreamDecoder::feed`] or [`StreamDecoder::finish`] met a sequence that is
    /// not valid in the encoding (shown as U+FFFD or `\xNN`); a character cut by the end of
    /// a piece and finished in the next one is valid.
    pub fn malformed(&self) -> bool {
        self.malformed
    }

    fn run(&mut self, bytes: &[u8], last: bool) -> String {
        self.malformed = false;
        if self.enc.0 == encoding_rs::UTF_8 {
            return self.run_utf8(bytes, last);
        }
        if self.escape {
            return self.run_escaped(bytes, last);
        }
        let cap = self
            .inner
            .max_utf8_buffer_length(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16);
        let mut out = String::with_capacity(cap);
        let mut read_total = 0;
        loop {
            let (result, read, replaced) =
                self.inner
                    .decode_to_string(&bytes[read_total..], &mut out, last);
            read_total += read;
            self.malformed |= replaced;
            match result {
                encoding_rs::CoderResult::InputEmpty => return out,
                encoding_rs::CoderResult::OutputFull => {
                    out.reserve(bytes.len() - read_total + 16);
                }
            }
        }
    }

    /// UTF-8 (see [`utf8_into`]): the carried start of a character first.
    fn run_utf8(&mut self, bytes: &[u8], last: bool) -> String {
        let mut out = String::with_capacity(bytes.len() + self.carry.len());
        let joined;
        let input: &[u8] = if self.carry.is_empty() {
            bytes
        } else {
            let mut j = std::mem::take(&mut self.carry);
            j.extend_from_slice(bytes);
            joined = j;
            &joined
        };
        let cut = utf8_into(input, &mut out, self.escape, &mut self.malformed);
        if !cut.is_empty() {
            if !last {
                self.carry = cut.to_vec();
                return out;
            }
            self.malformed = true;
            if self.escape {
                push_escaped(&mut out, cut);
            } else {
                out.push('\u{fffd}');
            }
        }
        out
    }

    /// Any other encoding, each malformed sequence written as `\xNN` bytes (those of it
    /// in this piece; one begun in the piece before is written from here on).
    fn run_escaped(&mut self, bytes: &[u8], last: bool) -> String {
        use encoding_rs::DecoderResult;
        let mut out = String::with_capacity(bytes.len() * 2 + 16);
        let mut pos = 0;
        loop {
            let (result, read) =
                self.inner
                    .decode_to_string_without_replacement(&bytes[pos..], &mut out, last);
            pos += read;
            match result {
                DecoderResult::InputEmpty => return out,
                DecoderResult::OutputFull => out.reserve(bytes.len() - pos + 16),
                DecoderResult::Malformed(bad, extra) => {
                    self.malformed = true;
                    let end = pos.saturating_sub(usize::from(extra));
                    let start = end.saturating_sub(usize::from(bad));
                    push_escaped(&mut out, &bytes[start..end]);
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "text_tests.rs"]
mod tests;

pub use super::digits::ascii_digits;
