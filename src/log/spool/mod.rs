//! The on-disk side of a session log: a writer thread that streams every event to a file
//! as it happens, so the in-memory view can stay bounded while nothing is lost.
//! The automatic spool (removed when the session is cleared or the app exits normally,
//! recoverable after a crash) is the compact binary format of [`super::spool_format`];
//! `--record FILE` (kept) is the documented JSON Lines record.
//!
//! Here: [`Spool`], the owner's handle (queue, backlog, sync, status). Its parts:
//! `sink` (the writer of each format over a counted file), `writer` (the thread's loop,
//! and the cut when a write fails), `fifo` (named pipes wait for their reader), and
//! `recovery` (reading a spool back, and the spools a dead process left).

mod fifo;
mod recovery;
mod sink;
#[cfg(test)]
mod tests;
mod writer;

pub use super::spool_format::{Cut, Header, SpoolReader, is_spool};
pub use recovery::{SpoolRead, orphans, read_events};

use super::Describe;
use crate::codec::Encoding;
use crate::net::{Event, Role};
use crossbeam_channel::{Receiver, Sender, unbounded};
use fifo::{is_fifo, wait_for_reader};
use sink::Sink;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use writer::{give_up, writer_loop};

/// The file name extension of binary spools.
pub const EXTENSION: &str = "stspool";

/// What the owner sends the writer thread.
enum Msg {
    Event(Box<Event>),
    /// A batch of events (one wake-up of the writer for many).
    Events(Vec<Event>),
    SetEncoding(Encoding),
    /// Flush to disk, then answer.
    Sync(Sender<()>),
    /// Drop everything written so far (the user cleared the log).
    Truncate,
}

/// What the writer reports back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpoolStatus {
    /// Events written so far (sent after each batch).
    Written(u64),
    /// Writing failed; nothing more will be written. Says why, and what the file keeps.
    Stopped(crate::files::WriteStop),
}

/// Which format a writer thread writes.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// JSON Lines (`--record`), its messages worded by the function.
    Jsonl(Describe),
    /// The binary spool; the role written in its header, if known.
    Binary(Option<Role>),
    /// pcapng for Wireshark (`--record FILE.pcapng`), into a file or a FIFO.
    Pcapng,
}

/// A file that receives every event of a session.
pub struct Spool {
    path: PathBuf,
    tx: Option<Sender<Msg>>,
    /// Payload bytes of batches queued and not yet written.
    queued: Arc<AtomicUsize>,
    status: Receiver<SpoolStatus>,
    thread: Option<JoinHandle<()>>,
    remove_on_drop: bool,
    written: u64,
    error: Option<crate::files::WriteStop>,
}

impl Spool {
    fn start(path: &Path, kind: Kind, enc: Encoding, keep: bool) -> io::Result<Spool> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            crate::files::private::create_dir_all(dir)?;
        }
        // A FIFO opens only once a reader (Wireshark) does: the writer thread waits for
        // that, and events queue meanwhile. Anything else opens now, so a bad path fails
        // at once.
        let sink = if is_fifo(path) {
            None
        } else {
            Some(Sink::open(kind, path, enc)?)
        };
        let (tx, rx) = unbounded::<Msg>();
        let (st_tx, st_rx) = unbounded();
        let p = path.to_path_buf();
        let queued = Arc::new(AtomicUsize::new(0));
        let q = queued.clone();
        let thread = std::thread::Builder::new()
            .name("spool-writer".into())
            .spawn(move || {
                let (sink, early) = match sink {
                    Some(s) => (s, Vec::new()),
                    None => match wait_for_reader(&p, &rx) {
                        Ok(Some((f, early))) => match Sink::on(kind, f, enc) {
                            Ok(s) => (s, early),
                            Err(e) => return give_up(crate::files::WriteStop::of(&e), &rx, &st_tx),
                        },
                        // The session ended before anyone read the pipe.
                        Ok(None) => return,
                        Err(e) => return give_up(crate::files::WriteStop::of(&e), &rx, &st_tx),
                    },
                };
                writer_loop(sink, early, kind, p, rx, st_tx, q)
            })?;
        Ok(Spool {
            path: path.to_path_buf(),
            tx: Some(tx),
            queued,
            status: st_rx,
            thread: Some(thread),
            remove_on_drop: !keep,
            written: 0,
            error: None,
        })
    }

    /// Starts a record at `path` (created or truncated), kept when dropped: what
    /// `--record FILE` writes. JSON Lines, or pcapng for a `.pcapng` name or a FIFO (a
    /// live feed into `wireshark -k -i FIFO`), flushed after every batch of events.
    /// `describe` words the JSON Lines messages.
    pub fn record_with(path: &Path, enc: Encoding, describe: Describe) -> io::Result<Spool> {
        let pcapng = is_fifo(path)
            || path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"));
        let kind = if pcapng {
            Kind::Pcapng
        } else {
            Kind::Jsonl(describe)
        };
        Spool::start(path, kind, enc, true)
    }

    /// Starts a JSON Lines file at `path` (created or truncated). `keep`: leave the file
    /// when dropped; otherwise it is removed on drop. Prefer [`Spool::record_with`] (JSONL) or
    /// [`Spool::in_dir`] (the binary spool). `describe` words the messages.
    pub fn create(path: &Path, enc: Encoding, keep: bool, describe: Describe) -> io::Result<Spool> {
        Spool::start(path, Kind::Jsonl(describe), enc, keep)
    }

    /// Starts a binary spool at exactly `path` (created or truncated), removed on drop.
    /// `role`: the session's role for the header, if known.
    pub fn binary_at(path: &Path, enc: Encoding, role: Option<Role>) -> io::Result<Spool> {
        Spool::start(path, Kind::Binary(role), enc, false)
    }

    /// Creates a new binary spool file for a session in `dir`, named so a later start can
    /// tell whether its writer is still alive (`spool-<pid>-<name>-<millis>.stspool`).
    /// `dir` is the data directory: made (or tightened to) mode 0700 first.
    pub fn in_dir(dir: &Path, name: &str, enc: Encoding) -> io::Result<Spool> {
        crate::files::private::secure_data_dir(dir)?;
        let ms = crate::net::now_us() / 1000;
        let path = dir.join(format!(
            "spool-{}-{}-{}.{EXTENSION}",
            std::process::id(),
            name,
            ms
        ));
        Spool::binary_at(&path, enc, Role::from_name(name))
    }
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Queues an event for writing. Never blocks.
    pub fn write(&mut self, ev: &Event) {
        if let Some(tx) = &self.tx
            && tx.send(Msg::Event(Box::new(ev.clone()))).is_err()
        {
            self.tx = None;
        }
    }

    pub fn set_encoding(&self, enc: Encoding) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::SetEncoding(enc));
        }
    }

    /// Messages queued and not yet written. Readers of a session should stop taking new
    /// events while this is high, so the worker (and, for TCP, the peer) slows down instead
    /// of memory growing: see [`Spool::BACKLOG_LIMIT`].
    pub fn backlog(&self) -> usize {
        self.tx.as_ref().map_or(0, |t| t.len())
    }

    /// Above this backlog a reader should pause taking events.
    pub const BACKLOG_LIMIT: usize = 64;

    /// Above this many payload bytes queued in batches a reader should pause too.
    pub const BACKLOG_BYTES: usize = 8 << 20;

    /// True while the writer is far behind (see [`Spool::backlog`]).
    pub fn is_behind(&self) -> bool {
        // A writer that stopped (an error) holds nothing back.
        self.tx.is_some()
            && (self.backlog() > Self::BACKLOG_LIMIT
                || self.queued.load(Ordering::Relaxed) > Self::BACKLOG_BYTES)
    }

    /// Queues a batch of events for writing, in order, as one message. Never blocks.
    pub fn write_all(&mut self, evs: Vec<Event>) {
        if evs.is_empty() {
            return;
        }
        let bytes = batch_bytes(&evs);
        self.queued.fetch_add(bytes, Ordering::Relaxed);
        if let Some(tx) = &self.tx
            && tx.send(Msg::Events(evs)).is_err()
        {
            self.tx = None;
        }
    }

    /// Empties the file (the log was cleared).
    pub fn truncate(&self) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(Msg::Truncate);
        }
    }

    /// A handle that waits until everything queued so far is on disk (for exports,
    /// run from a background thread). Returns false if the writer has stopped.
    pub fn syncer(&self) -> impl FnOnce() -> bool + Send + 'static {
        let tx = self.tx.clone();
        move || {
            let Some(tx) = tx else { return false };
            let (ack_tx, ack_rx) = crossbeam_channel::bounded(1);
            if tx.send(Msg::Sync(ack_tx)).is_err() {
                return false;
            }
            ack_rx.recv_timeout(Duration::from_secs(60)).is_ok()
        }
    }

    /// Reads status reports; returns (events written, why and what was kept if writing
    /// stopped).
    pub fn poll(&mut self) -> (u64, Option<&crate::files::WriteStop>) {
        while let Ok(s) = self.status.try_recv() {
            match s {
                SpoolStatus::Written(n) => self.written = n,
                SpoolStatus::Stopped(e) => {
                    self.error = Some(e);
                    self.tx = None;
                }
            }
        }
        (self.written, self.error.as_ref())
    }

    /// Stops the writer after it has written everything queued, and waits for it.
    pub fn finish(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.poll();
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        self.finish();
        if self.remove_on_drop {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// What a batch holds, for the writer's backlog: payload bytes plus a little per event.
fn batch_bytes(evs: &[Event]) -> usize {
    evs.iter()
        .map(|e| e.kind.data().map_or(0, <[u8]>::len) + 64)
        .sum()
}
