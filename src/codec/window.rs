//! What a waiting expectation has received, bounded: the newest `cap` bytes of a stream,
//! with a count of all that arrived. Whatever a peer sends, the memory is at most twice
//! the cap, each push costs what it adds (older bytes are let go in amortised steps), and
//! a matcher run over [`MatchWindow::bytes`] after each chunk costs at most the cap.
//!
//! Used by the sequence's expect steps, the Expect tool's tries and the class roster.

/// The default cap: the newest 64 KiB are matched.
pub const WINDOW: usize = 64 * 1024;

/// How much of what arrived a failed expectation keeps to show (its hex diff: 16 rows).
pub const KEEP_SHOWN: usize = 256;

#[derive(Clone, Debug)]
pub struct MatchWindow {
    buf: Vec<u8>,
    cap: usize,
    total: u64,
}

impl Default for MatchWindow {
    fn default() -> MatchWindow {
        MatchWindow::new(WINDOW)
    }
}

impl MatchWindow {
    /// A window of the newest `cap` bytes (at least 1).
    pub fn new(cap: usize) -> MatchWindow {
        MatchWindow {
            buf: Vec::new(),
            cap: cap.max(1),
            total: 0,
        }
    }

    /// Adds a chunk; bytes older than the newest `cap` are let go.
    pub fn push(&mut self, data: &[u8]) {
        self.total += data.len() as u64;
        if data.len() >= self.cap {
            self.buf.clear();
            self.buf.extend_from_slice(&data[data.len() - self.cap..]);
            return;
        }
        // Keep up to twice the cap, then drop the oldest in one move: each byte is moved
        // at most once, so pushing stays linear in what arrives.
        if self.buf.len() + data.len() > 2 * self.cap {
            let keep = self.cap - data.len();
            let from = self.buf.len() - keep.min(self.buf.len());
            self.buf.drain(..from);
        }
        self.buf.extend_from_slice(data);
    }

    /// The newest bytes, at most the cap.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[self.buf.len().saturating_sub(self.cap)..]
    }

    /// Bytes that arrived since the last clear, kept or not.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Bytes that arrived but left the window.
    pub fn dropped(&self) -> u64 {
        self.total - self.bytes().len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Starts over (a match consumed what arrived).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.total = 0;
    }

    /// The start of the window, at most [`KEEP_SHOWN`] bytes: what a failure shows.
    pub fn shown(&self) -> Vec<u8> {
        let b = self.bytes();
        b[..b.len().min(KEEP_SHOWN)].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_bytes_and_counts_all() {
        let mut w = MatchWindow::new(8);
        for i in 0u8..100 {
            w.push(&[i]);
            assert!(w.bytes().len() <= 8);
            assert!(w.buf.len() <= 16);
        }
        assert_eq!(w.bytes(), &[92, 93, 94, 95, 96, 97, 98, 99]);
        assert_eq!(w.total(), 100);
        assert_eq!(w.dropped(), 92);
        w.push(&[7u8; 20]);
        assert_eq!(w.bytes(), &[7u8; 8]);
        w.push(b"abc");
        assert_eq!(w.bytes(), &[7, 7, 7, 7, 7, b'a', b'b', b'c']);
        w.clear();
        assert!(w.is_empty() && w.bytes().is_empty());
    }

    #[test]
    fn a_chunk_that_fits_keeps_what_came_before() {
        let mut w = MatchWindow::new(10);
        w.push(b"hello ");
        w.push(b"you");
        assert_eq!(w.bytes(), b"hello you");
        w.push(b"!!");
        assert_eq!(w.bytes(), b"ello you!!");
    }
}
