//! Display framing of received TCP data: one [`Framer`] per connection (keyed by client id)
//! turns each received chunk into the frames it completes, so the log view shows one row
//! per frame. Only the in-memory view is framed: the spool and the `--record` file keep the
//! raw chunks exactly as the socket delivered them.

use crate::codec::{Framer, Framing};
use crate::net::{Event, EventKind};
use std::collections::HashMap;

/// The most bytes of one frame a view keeps (the rest is counted and the row is marked
/// truncated): with up to a thousand TCP clients each holding an unfinished frame, the
/// view's buffers stay within about 128 MiB even when every peer sends endless data.
pub const VIEW_MAX_FRAME: usize = 64 * 1024;

/// One row to show: an event (for a frame, an Rx event carrying the frame's bytes with the
/// chunk's time, peer and client) and whether the frame was cut at the frame cap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewRow {
    pub event: Event,
    pub truncated: bool,
    /// True when this row is a frame cut from a received chunk (the chunk is counted, the
    /// row is not).
    pub frame: bool,
    /// How its checksum came out, when the session checks received frames.
    pub check: Option<crate::codec::CheckOutcome>,
}

impl ViewRow {
    fn plain(event: Event) -> ViewRow {
        ViewRow {
            event,
            truncated: false,
            frame: false,
            check: None,
        }
    }
}

/// Splits a TCP session's received data into display frames.
#[derive(Debug, Default)]
pub struct ViewFramer {
    framing: Framing,
    framers: HashMap<Option<u64>, Framer>,
    max_frame: Option<usize>,
}

impl ViewFramer {
    pub fn new(framing: Framing) -> ViewFramer {
        ViewFramer {
            framing,
            framers: HashMap::new(),
            max_frame: None,
        }
    }

    /// A splitter keeping at most `max_frame` bytes of any frame (default [`VIEW_MAX_FRAME`]).
    pub fn with_max_frame(framing: Framing, max_frame: usize) -> ViewFramer {
        ViewFramer {
            max_frame: Some(max_frame),
            ..ViewFramer::new(framing)
        }
    }

    pub fn framing(&self) -> &Framing {
        &self.framing
    }

    /// Changes the framing; unfinished frames of the old one are forgotten.
    pub fn set_framing(&mut self, framing: Framing) {
        if framing != self.framing {
            self.framing = framing;
            self.framers.clear();
        }
    }

    /// True when events pass through unchanged (raw chunks, or nothing to frame).
    pub fn is_raw(&self) -> bool {
        self.framing == Framing::Raw
    }

    /// The rows one event becomes. Rx data of a TCP session is cut into frames (none while
    /// a frame is unfinished); a connection's close or reset first shows its unfinished
    /// frame; everything else is one row as it is.
    pub fn split(&mut self, ev: Event) -> Vec<ViewRow> {
        if self.is_raw() || !ev.role.is_tcp() {
            return vec![ViewRow::plain(ev)];
        }
        let key = ev.client;
        match &ev.kind {
            EventKind::Rx(data) => {
                let framer = self.framer(key);
                let frames = framer.push(data);
                frames
                    .into_iter()
                    .map(|f| ViewRow {
                        event: Event {
                            kind: EventKind::Rx(f.data),
                            ..ev.clone()
                        },
                        truncated: f.truncated,
                        frame: true,
                        check: None,
                    })
                    .collect()
            }
            EventKind::Closed { .. } | EventKind::Reset { .. } => {
                let mut rows = Vec::new();
                if let Some(mut f) = self.framers.remove(&key)
                    && let Some(tail) = f.flush()
                {
                    rows.push(ViewRow {
                        event: Event {
                            kind: EventKind::Rx(tail.data),
                            ..ev.clone()
                        },
                        truncated: tail.truncated,
                        frame: true,
                        check: None,
                    });
                }
                rows.push(ViewRow::plain(ev));
                rows
            }
            EventKind::Connected | EventKind::Accepted => {
                self.framers.remove(&key);
                vec![ViewRow::plain(ev)]
            }
            _ => vec![ViewRow::plain(ev)],
        }
    }

    /// The unfinished frame of every connection (the session ended without a close event).
    pub fn flush_all(&mut self, template: &Event) -> Vec<ViewRow> {
        let mut keys: Vec<Option<u64>> = self.framers.keys().copied().collect();
        keys.sort();
        let mut rows = Vec::new();
        for key in keys {
            if let Some(mut f) = self.framers.remove(&key)
                && let Some(tail) = f.flush()
            {
                rows.push(ViewRow {
                    event: Event {
                        client: key,
                        kind: EventKind::Rx(tail.data),
                        ..template.clone()
                    },
                    truncated: tail.truncated,
                    frame: true,
                    check: None,
                });
            }
        }
        rows
    }

    /// Forgets every unfinished frame (a new session).
    pub fn reset(&mut self) {
        self.framers.clear();
    }

    fn framer(&mut self, key: Option<u64>) -> &mut Framer {
        let framing = &self.framing;
        let max = self.max_frame;
        self.framers.entry(key).or_insert_with(|| {
            Framer::with_max_frame(framing.clone(), max.unwrap_or(VIEW_MAX_FRAME))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{ClosedBy, Role};

    fn ev(client: Option<u64>, kind: EventKind) -> Event {
        Event {
            ts_us: 7,
            role: Role::TcpServer,
            local: None,
            peer: None,
            client,
            kind,
            opcode: None,
        }
    }

    fn datas(rows: &[ViewRow]) -> Vec<Vec<u8>> {
        rows.iter()
            .filter_map(|r| r.event.kind.data().map(<[u8]>::to_vec))
            .collect()
    }

    #[test]
    fn lines_per_client_and_flush_on_close() {
        let mut v = ViewFramer::new(Framing::lf());
        assert!(
            v.split(ev(Some(1), EventKind::Rx(b"a".to_vec())))
                .is_empty()
        );
        assert!(v.split(ev(Some(2), EventKind::Rx(b"x\ny".to_vec()))).len() == 1);
        let rows = v.split(ev(Some(1), EventKind::Rx(b"\nbb\nc".to_vec())));
        assert_eq!(datas(&rows), vec![b"a".to_vec(), b"bb".to_vec()]);
        assert!(rows.iter().all(|r| r.frame && r.event.client == Some(1)));
        let closed = EventKind::Closed {
            by: ClosedBy::Peer,
            reason: crate::net::CloseReason::PeerFin,
        };
        let rows = v.split(ev(Some(1), closed));
        assert_eq!(rows.len(), 2);
        assert_eq!(datas(&rows), vec![b"c".to_vec()]);
        assert!(!rows[1].frame);
        let rest = v.flush_all(&ev(None, EventKind::Info(String::new())));
        assert_eq!(datas(&rest), vec![b"y".to_vec()]);
        assert_eq!(rest[0].event.client, Some(2));
    }

    #[test]
    fn raw_and_udp_pass_through_and_truncation_is_flagged() {
        let mut raw = ViewFramer::new(Framing::Raw);
        let rows = raw.split(ev(None, EventKind::Rx(b"a\nb".to_vec())));
        assert_eq!(rows.len(), 1);
        assert!(!rows[0].frame);
        let mut v = ViewFramer::with_max_frame(Framing::lf(), 2);
        let mut udp = ev(None, EventKind::Rx(b"a\nb".to_vec()));
        udp.role = Role::UdpReceiver;
        assert_eq!(v.split(udp).len(), 1);
        let rows = v.split(ev(None, EventKind::Rx(b"abcd\nok\n".to_vec())));
        assert_eq!(datas(&rows), vec![b"ab".to_vec(), b"ok".to_vec()]);
        assert_eq!((rows[0].truncated, rows[1].truncated), (true, false));
        let mut store = crate::log::LogStore::new(
            crate::codec::Encoding::UTF_8,
            crate::log::store::tests::words,
        );
        for r in rows {
            store.push_row(r.event, r.truncated);
        }
        let texts: Vec<&str> = store.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, vec!["ab (truncated)", "ok"]);
        assert_eq!(store.counters.rx_msgs, 0, "rows are not counted twice");
    }
}
