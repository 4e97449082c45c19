//! Text for each rx/tx event in the session's encoding. UDP datagrams decode on their own
//! (message boundaries); a TCP direction is one stream, so a character split across two
//! reads is carried over to the next event instead of turning into U+FFFD.

use crate::codec::{self, Encoding, StreamDecoder};
use crate::net::{Event, EventKind, Role};
use std::collections::HashMap;
use std::net::SocketAddr;

/// True if any byte matches `f`: a branch-free fold over 64-byte blocks, so the compiler
/// can vectorise it (the record writer scans every byte received). `f` should combine its
/// comparisons with `&` and `|`, not `&&` and `||`.
#[inline]
pub(crate) fn any_byte(d: &[u8], f: impl Fn(u8) -> bool) -> bool {
    let mut blocks = d.chunks_exact(64);
    for c in &mut blocks {
        if c.iter().fold(false, |acc, &b| acc | f(b)) {
            return true;
        }
    }
    blocks.remainder().iter().any(|&b| f(b))
}

/// A control byte other than tab, LF and CR.
#[inline]
pub(crate) fn is_ctl(b: u8) -> bool {
    (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r')
}

/// Decoded data is not text: it held a sequence that is not valid in the encoding
/// (`malformed`), or it decoded to a control character other than tab, CR and LF (C0 or
/// DEL). One linear pass over the text; the log shows such a row as hex.
pub fn not_text(text: &str, malformed: bool) -> bool {
    malformed || any_byte(text.as_bytes(), |b| is_ctl(b) | (b == 0x7f))
}

type StreamKey = (Option<u64>, Option<SocketAddr>, bool);

/// Decoding state for one session.
#[derive(Debug)]
pub struct Decoders {
    encoding: Encoding,
    streams: HashMap<StreamKey, StreamDecoder>,
    /// Bytes that are not text read as `\xNN`, not U+FFFD.
    escape: bool,
}

impl Decoders {
    pub fn new(encoding: Encoding) -> Self {
        Decoders {
            encoding,
            streams: HashMap::new(),
            escape: false,
        }
    }

    /// Decoders that write each byte that is not text as `\xNN` (the command line's rows,
    /// where bytes 80–FF must not all read as one U+FFFD).
    pub fn escaping(encoding: Encoding) -> Self {
        Decoders {
            escape: true,
            ..Decoders::new(encoding)
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Switches encoding; open streams start afresh.
    pub fn set_encoding(&mut self, enc: Encoding) {
        self.encoding = enc;
        self.streams.clear();
    }

    /// Like [`Decoders::text`], but None for data that cannot read as text because it holds
    /// a control byte (other than tab, CR, LF) in an encoding where such a byte is always
    /// that control character (every ASCII-compatible one): its decoding is skipped, which
    /// is what lets the record keep up with binary data. The stream stays in step: a control
    /// byte is a character boundary there, so the decoder restarts after the last one.
    pub fn text_unless_binary(&mut self, ev: &Event) -> Option<String> {
        let (EventKind::Rx(d) | EventKind::Tx(d)) = &ev.kind else {
            return self.text(ev);
        };
        if !self.encoding.inner().is_ascii_compatible() {
            return self.text(ev);
        }
        if !any_byte(d, is_ctl) {
            return self.text(ev);
        }
        let Some(last) = d.iter().rposition(|&b| is_ctl(b)) else {
            return self.text(ev);
        };
        if ev.role.is_tcp() {
            let key = (ev.client, ev.peer, matches!(ev.kind, EventKind::Rx(_)));
            let mut dec = StreamDecoder::new(self.encoding);
            let _ = dec.feed(&d[last + 1..]);
            self.streams.insert(key, dec);
        }
        None
    }

    /// Forgets the stream `ev` belongs to (a TCP direction): its next event decodes from a
    /// fresh start. For a reader that skipped some of the stream's bytes (a preview).
    pub fn end_stream(&mut self, ev: &Event) {
        let key = (ev.client, ev.peer, matches!(ev.kind, EventKind::Rx(_)));
        self.streams.remove(&key);
    }

    /// Forgets every stream (rows were skipped).
    pub fn end_streams(&mut self) {
        self.streams.clear();
    }

    /// The text of an rx/tx event (None for other events). Also ends streams on
    /// connection boundaries so one connection's leftovers never leak into the next.
    pub fn text(&mut self, ev: &Event) -> Option<String> {
        self.text_checked(ev).map(|(t, _)| t)
    }

    /// [`Decoders::text`], and whether the event's bytes are not text in the encoding
    /// (see [`not_text`]): decided once, in the same pass as the decoding.
    pub fn text_checked(&mut self, ev: &Event) -> Option<(String, bool)> {
        match &ev.kind {
            EventKind::Rx(d) | EventKind::Tx(d) => {
                if !ev.role.is_tcp() {
                    return Some(if self.escape {
                        let t = codec::decode_escaped(self.encoding, d);
                        let bad = not_text(&t, false);
                        (t, bad)
                    } else {
                        let (t, malformed) = codec::decode_checked(self.encoding, d);
                        let bad = not_text(&t, malformed);
                        (t, bad)
                    });
                }
                let key = (ev.client, ev.peer, matches!(ev.kind, EventKind::Rx(_)));
                let (enc, escape) = (self.encoding, self.escape);
                let dec = self.streams.entry(key).or_insert_with(|| {
                    if escape {
                        StreamDecoder::escaping(enc)
                    } else {
                        StreamDecoder::new(enc)
                    }
                });
                let t = dec.feed(d);
                let bad = not_text(&t, dec.malformed());
                Some((t, bad))
            }
            EventKind::Closed { .. }
            | EventKind::Reset { .. }
            | EventKind::Connected
            | EventKind::Accepted => {
                if ev.role == Role::TcpServer && ev.client.is_some() {
                    self.streams.retain(|k, _| k.0 != ev.client);
                } else {
                    self.streams.clear();
                }
                None
            }
            _ => None,
        }
    }
}
