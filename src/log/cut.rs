//! Where each event ends in a file being written, so that when a write fails (a full disk,
//! a quota, a file-size limit) the file is cut back to end after its last whole event and
//! the owner is told exactly how many events it holds and from which one on it misses.
//!
//! The writer counts the bytes it hands to its buffer ([`Counting`]); after each event it
//! marks the count ([`Progress::after`]). Marks before the last successful flush are
//! dropped, so the list stays short. When a write fails, the file's length on disk tells
//! which marks made it: [`Progress::cut`] shortens the file to the last of them (shortening
//! needs no space) and reports it.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A writer that counts the bytes it accepted (its logical offset from the start), on a
/// counter its owner keeps a handle to (the format writer wrapping it owns the writer).
pub struct Counting<W> {
    inner: W,
    bytes: Arc<AtomicU64>,
}

impl<W: Write> Counting<W> {
    pub fn new(inner: W) -> Counting<W> {
        Counting {
            inner,
            bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A handle on the count: where the next byte goes in the file.
    pub fn counter(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// Bytes accepted so far.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The end of one whole event in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mark {
    /// Offset just past the event.
    end: u64,
    /// Events whole up to here.
    events: u64,
    /// When the event after this mark happened, once known (µs since the epoch).
    next_ts: Option<i64>,
}

/// The marks of a file being written.
#[derive(Debug)]
pub struct Progress {
    marks: Vec<Mark>,
}

/// What a cut left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Events whole in the file.
    pub kept: u64,
    /// Where the file now ends.
    pub len: u64,
    /// When the first event missing from it happened, if known.
    pub first_missing_us: Option<i64>,
}

/// Past this many marks the writer flushes (which drops them), keeping the list small.
pub const MAX_MARKS: usize = 1 << 16;

impl Progress {
    /// A file that starts with `header` bytes (a format's header) and no events yet.
    pub fn new(header: u64) -> Progress {
        Progress {
            marks: vec![Mark {
                end: header,
                events: 0,
                next_ts: None,
            }],
        }
    }

    /// An event stamped `ts_us` is about to be written.
    pub fn before(&mut self, ts_us: i64) {
        if let Some(m) = self.marks.last_mut()
            && m.next_ts.is_none()
        {
            m.next_ts = Some(ts_us);
        }
    }

    /// An event was written: the file has `events` whole events in `end` bytes.
    pub fn after(&mut self, end: u64, events: u64) {
        self.marks.push(Mark {
            end,
            events,
            next_ts: None,
        });
    }

    /// Everything so far is on disk: only the last mark is still needed.
    pub fn flushed(&mut self) {
        let n = self.marks.len();
        if n > 1 {
            self.marks.drain(..n - 1);
        }
    }

    /// True when the writer should flush to keep the list short.
    pub fn is_long(&self) -> bool {
        self.marks.len() >= MAX_MARKS
    }

    /// After a failed write: shortens the file at `path` to end after the last event it
    /// holds whole, and says how many that is and when the first missing one happened.
    pub fn cut(&self, path: &Path) -> io::Result<Cut> {
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        let len = f.metadata()?.len();
        let whole = self.marks.iter().rev().find(|m| m.end <= len);
        let (end, kept, next_ts) = match whole {
            Some(m) => (m.end, m.events, m.next_ts),
            // Not even the oldest mark made it (the header was lost): nothing is whole.
            None => (0, 0, self.marks.first().and_then(|m| m.next_ts)),
        };
        if end < len {
            f.set_len(end)?;
        }
        Ok(Cut {
            kept,
            len: end,
            first_missing_us: next_ts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that took `ok` bytes of the writes made to it, then failed.
    fn written(dir: &Path, bytes: &[u8]) -> std::path::PathBuf {
        let p = dir.join("f");
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn the_file_is_cut_after_its_last_whole_event() {
        let dir = tempfile::tempdir().unwrap();
        let mut pr = Progress::new(4);
        let mut w = Counting::new(Vec::new());
        w.write_all(b"HEAD").unwrap();
        for (i, line) in ["one\n", "two\n", "three\n"].iter().enumerate() {
            pr.before(100 + i as i64);
            w.write_all(line.as_bytes()).unwrap();
            pr.after(w.bytes(), i as u64 + 1);
        }
        let all = w.inner.clone();
        // The disk took "HEADone\ntw": one event whole, the second torn.
        let p = written(dir.path(), &all[..10]);
        let c = pr.cut(&p).unwrap();
        assert_eq!(
            c,
            Cut {
                kept: 1,
                len: 8,
                first_missing_us: Some(101)
            }
        );
        assert_eq!(std::fs::read(&p).unwrap(), b"HEADone\n");
        // All of it: nothing cut, nothing missing that is known.
        let p = written(dir.path(), &all);
        let c = pr.cut(&p).unwrap();
        assert_eq!((c.kept, c.len, c.first_missing_us), (3, 18, None));
        // Not even the header.
        let p = written(dir.path(), &all[..2]);
        assert_eq!(pr.cut(&p).unwrap().kept, 0);
        assert_eq!(std::fs::read(&p).unwrap(), b"");
    }

    #[test]
    fn a_flush_keeps_only_the_last_mark() {
        let mut pr = Progress::new(0);
        for i in 1..=10 {
            pr.before(i);
            pr.after(i as u64 * 10, i as u64);
        }
        pr.flushed();
        assert_eq!(pr.marks.len(), 1);
        assert_eq!(pr.marks[0].events, 10);
        pr.before(11);
        let dir = tempfile::tempdir().unwrap();
        // The file has all 100 bytes; the 11th event never arrived.
        let p = written(dir.path(), &[b'x'; 100]);
        let c = pr.cut(&p).unwrap();
        assert_eq!((c.kept, c.first_missing_us), (10, Some(11)));
    }
}
