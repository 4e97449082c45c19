//! What the first received text of each peer says about the tab's encoding: when its
//! bytes are not text in the tab's encoding but are in one a class meets (see
//! [`crate::codec::sniff::suggest`]), the tab offers that one, with the text as it would
//! read. Decided once per peer (a UDP sender, a server's client, a crowd's member), from
//! its first received message with bytes beyond ASCII (at most
//! [`crate::codec::sniff::SNIFF_MAX`] of its bytes), until one offer is made in the
//! session; at most [`PEERS_WATCHED`] peers a session. No GUI here.

use crate::codec::{Encoding, StreamDecoder, sniff};
use crate::net::{Event, EventKind, Role};

/// Most characters of the preview.
pub const PREVIEW_CHARS: usize = 40;

/// Peers whose first text is looked at, a session (a class of 40 students fits; kept
/// small: the status that holds it is copied for the window).
pub const PEERS_WATCHED: usize = 64;

/// An encoding the received bytes look like.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The tab's encoding the bytes were read in (the offer stands while it is this one).
    pub from: Encoding,
    pub to: Encoding,
    /// The first such message read in `to` (at most [`PREVIEW_CHARS`] characters).
    pub preview: String,
}

/// The session's watch: undecided until a message beyond ASCII arrives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EncodingWatch {
    /// Counts the sessions started, so a window can tell a new offer from one it hid.
    pub session: u64,
    /// The peers whose first text has been looked at (bounded).
    decided: std::collections::BTreeSet<(Option<std::net::SocketAddr>, Option<u64>)>,
    suggestion: Option<Suggestion>,
}

impl EncodingWatch {
    /// A session starts: the next message decides again.
    pub fn on_start(&mut self) {
        self.session = self.session.wrapping_add(1);
        self.decided.clear();
        self.suggestion = None;
    }

    /// The offer, if the session's first text did not fit its encoding.
    pub fn suggestion(&self) -> Option<&Suggestion> {
        self.suggestion.as_ref()
    }

    /// Follows a received message (`enc`: the tab's encoding now).
    pub fn on_event(&mut self, role: Role, ev: &Event, enc: Encoding) {
        if self.suggestion.is_some() || self.decided.len() >= PEERS_WATCHED {
            return;
        }
        let EventKind::Rx(bytes) = &ev.kind else {
            return;
        };
        let cut = &bytes[..bytes.len().min(sniff::SNIFF_MAX)];
        // Each peer's first text decides for that peer (a crowd of UTF-8 students, then
        // one GBK program, still brings the offer).
        if cut.is_ascii() || !self.decided.insert((ev.peer, ev.client)) {
            return;
        }
        // A datagram is whole; a TCP read may end inside a character.
        let whole = !role.is_tcp();
        self.suggestion = sniff::suggest(enc, bytes, whole).map(|to| {
            let text = StreamDecoder::new(to).feed(cut);
            Suggestion {
                from: enc,
                to,
                preview: crate::codec::escape::visible(&text)
                    .chars()
                    .take(PREVIEW_CHARS)
                    .collect(),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rx(bytes: &[u8]) -> Event {
        Event {
            ts_us: 0,
            role: Role::UdpReceiver,
            local: None,
            peer: None,
            client: None,
            kind: EventKind::Rx(bytes.to_vec()),
            opcode: None,
        }
    }

    #[test]
    fn the_first_message_beyond_ascii_decides_once_per_session() {
        let r = Role::UdpReceiver;
        let mut w = EncodingWatch::default();
        w.on_start();
        w.on_event(r, &rx(b"hello"), Encoding::UTF_8);
        assert!(w.decided.is_empty(), "ASCII says nothing");
        let gbk = crate::codec::encode(Encoding::GBK, "收到啦我反馈").unwrap();
        w.on_event(r, &rx(&gbk), Encoding::UTF_8);
        let s = w.suggestion().expect("an offer");
        assert_eq!((s.from, s.to), (Encoding::UTF_8, Encoding::GBK));
        assert_eq!(s.preview, "收到啦我反馈");
        // Decided: later messages change nothing until the next session.
        w.on_event(r, &rx("好".as_bytes()), Encoding::UTF_8);
        assert!(w.suggestion().is_some());
        w.on_start();
        assert!(w.suggestion().is_none());
        w.on_event(r, &rx("好".as_bytes()), Encoding::UTF_8);
        assert!(!w.decided.is_empty() && w.suggestion().is_none(), "it fits");
    }

    #[test]
    fn each_peers_first_text_decides_for_it() {
        let r = Role::UdpReceiver;
        let mut w = EncodingWatch::default();
        w.on_start();
        let from = |port: u16, bytes: &[u8]| {
            let mut e = rx(bytes);
            e.peer = Some(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
            e
        };
        // Twenty UTF-8 students fit; a GBK program after them brings the offer.
        for p in 0..20 {
            w.on_event(r, &from(40000 + p, "你好".as_bytes()), Encoding::UTF_8);
        }
        assert!(w.suggestion().is_none());
        let gbk = crate::codec::encode(Encoding::GBK, "收到啦我反馈").unwrap();
        w.on_event(r, &from(7890, &gbk), Encoding::UTF_8);
        assert_eq!(w.suggestion().map(|s| s.to), Some(Encoding::GBK));
    }
}
