//! How a TCP sender cuts its messages into write() calls, to make the stream visible (the
//! lesson's 拆包 / 粘包): each message split into writes of N bytes, G ms apart; or the
//! next K messages in one write; and TCP_NODELAY (Nagle's algorithm off), on by default.
//! The connection ([`super::conn::Conn`]) carries it out; message boundaries stay in the
//! log (one tx row per message) whatever the writes were.

use std::time::Duration;

/// A TCP sender's write shaping. The default writes each message whole, with Nagle off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteShaping {
    /// TCP_NODELAY: send each write at once instead of waiting to fill a segment (Nagle).
    pub nodelay: bool,
    /// Split each message into writes of at most this many bytes; 0 = whole.
    pub split: usize,
    /// The pause between two pieces of a split message.
    pub split_gap: Duration,
    /// Hold messages and send this many in one write; 0 or 1 = each in its own write.
    pub coalesce: usize,
}

impl Default for WriteShaping {
    fn default() -> Self {
        WriteShaping {
            nodelay: true,
            split: 0,
            split_gap: Duration::ZERO,
            coalesce: 1,
        }
    }
}

impl WriteShaping {
    /// How many messages one write holds (at least 1).
    pub fn batch(&self) -> usize {
        self.coalesce.max(1)
    }
}

/// Messages handed to the kernel in one write() unit: their bytes back to back, and each
/// message's length, so each is still told as its own tx.
#[derive(Debug, Default)]
pub(crate) struct Unit {
    pub bytes: Vec<u8>,
    pub lens: Vec<usize>,
    /// Written whole whatever the split (a file's chunk: the file send paces itself).
    pub whole: bool,
}

impl Unit {
    pub fn one(bytes: Vec<u8>) -> Unit {
        let lens = vec![bytes.len()];
        Unit {
            bytes,
            lens,
            whole: false,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.lens.push(bytes.len());
    }

    /// The messages again, in order.
    pub fn into_messages(self) -> Vec<Vec<u8>> {
        if self.lens.len() == 1 {
            return vec![self.bytes];
        }
        let mut out = Vec::with_capacity(self.lens.len());
        let mut at = 0;
        for n in self.lens {
            out.push(self.bytes[at..at + n].to_vec());
            at += n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_gives_back_its_messages_in_order() {
        let mut u = Unit::default();
        for m in [&b"one\n"[..], b"", b"three\n"] {
            u.push(m);
        }
        assert_eq!(u.bytes, b"one\nthree\n");
        assert_eq!(
            u.into_messages(),
            vec![b"one\n".to_vec(), vec![], b"three\n".to_vec()]
        );
        assert_eq!(
            Unit::one(b"x".to_vec()).into_messages(),
            vec![b"x".to_vec()]
        );
        assert_eq!(WriteShaping::default().batch(), 1);
        assert!(WriteShaping::default().nodelay);
    }
}
