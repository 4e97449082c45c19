//! The on-disk side of a session log: a writer thread that streams every event to a file
//! as it happens, so the in-memory view can stay bounded while nothing is lost.
//! The automatic spool (removed when the session is cleared or the app exits normally,
//! recoverable after a crash) is the compact binary format of [`super::spool_format`];
//! `--record FILE` (kept) is the documented JSON Lines record.

use super::Describe;
use super::cut::{Counting, Progress};
use super::record::RecordWriter;
use super::spool_format::SpoolWriter;
pub use super::spool_format::{Cut, Header, SpoolReader, is_spool};
use crate::codec::Encoding;
use crate::net::{Event, Role};
use crossbeam_channel::{Receiver, Sender, TryRecvError, unbounded};
use std::fs::File;
use std::io::{self, BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The file name extension of binary spools.
pub const EXTENSION: &str = "stspool";

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

/// A writer of one of the formats, owned by the writer thread, over a file whose bytes it
/// counts (so a failed write can be cut back to the last whole event: [`super::cut`]).
struct Sink {
    fmt: Fmt,
    /// Bytes handed to the file so far (its logical length).
    at: Arc<AtomicU64>,
    /// Where each event ends, since the last flush.
    progress: Progress,
    /// The role and local address of the last event (for the mark a cut record ends with).
    last: Option<(Role, Option<std::net::SocketAddr>)>,
}

type Out = Counting<BufWriter<File>>;

enum Fmt {
    Jsonl(RecordWriter<Out>),
    Binary(SpoolWriter<Out>),
    /// pcapng keeps no text: the encoding is only remembered.
    Pcapng(super::pcap::PcapWriter<Out>, Encoding),
}

impl Sink {
    /// Creates (truncates) `path`, private to the user (mode 0600 when new), and writes
    /// the binary header.
    fn open(kind: Kind, path: &Path, enc: Encoding) -> io::Result<Sink> {
        Sink::on(kind, crate::files::private::create_file(path)?, enc)
    }

    /// A writer of `kind` on a file already open (and empty).
    fn on(kind: Kind, f: File, enc: Encoding) -> io::Result<Sink> {
        let f = Counting::new(BufWriter::with_capacity(1 << 20, f));
        let at = f.counter();
        let fmt = match kind {
            Kind::Jsonl(describe) => {
                let mut w = RecordWriter::new(f, enc, describe);
                w.flush_each = false;
                Fmt::Jsonl(w)
            }
            Kind::Binary(role) => {
                let mut w = SpoolWriter::new(f, enc, role, crate::net::now_us())?;
                w.flush()?;
                Fmt::Binary(w)
            }
            Kind::Pcapng => {
                let mut w = super::pcap::PcapWriter::new(f)?;
                w.flush()?;
                Fmt::Pcapng(w, enc)
            }
        };
        let header = at.load(Ordering::Relaxed);
        Ok(Sink {
            fmt,
            at,
            progress: Progress::new(header),
            last: None,
        })
    }

    fn write_event(&mut self, ev: &Event) -> io::Result<()> {
        self.progress.before(ev.ts_us);
        match &mut self.fmt {
            Fmt::Jsonl(w) => w.write_event(ev),
            Fmt::Binary(w) => w.write_event(ev),
            Fmt::Pcapng(w, _) => w.write_event(ev),
        }?;
        self.last = Some((ev.role, ev.local));
        let at = self.at.load(Ordering::Relaxed);
        self.progress.after(at, self.written());
        if self.progress.is_long() {
            self.flush()?;
        }
        Ok(())
    }

    fn set_encoding(&mut self, enc: Encoding) -> io::Result<()> {
        match &mut self.fmt {
            Fmt::Jsonl(w) => {
                w.set_encoding(enc);
                Ok(())
            }
            Fmt::Binary(w) => w.set_encoding(enc),
            Fmt::Pcapng(_, e) => {
                *e = enc;
                Ok(())
            }
        }
    }

    fn encoding(&self) -> Encoding {
        match &self.fmt {
            Fmt::Jsonl(w) => w.encoding(),
            Fmt::Binary(w) => w.encoding(),
            Fmt::Pcapng(_, e) => *e,
        }
    }

    /// Flushes to the file; what was written so far is then on disk.
    fn flush(&mut self) -> io::Result<()> {
        match &mut self.fmt {
            Fmt::Jsonl(w) => w.flush(),
            Fmt::Binary(w) => w.flush(),
            Fmt::Pcapng(w, _) => w.flush(),
        }?;
        self.progress.flushed();
        Ok(())
    }

    fn written(&self) -> u64 {
        match &self.fmt {
            Fmt::Jsonl(w) => w.written,
            Fmt::Binary(w) => w.written,
            Fmt::Pcapng(w, _) => w.written,
        }
    }
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

/// A write failed (a full disk, a file-size limit): the writer goes, the file is cut back
/// to end after its last whole event (a reader never meets a torn one; a live feed into a
/// pipe cannot be cut), a JSON Lines record ends with a line saying so where the space
/// allows, and the owner is told how many events the file keeps.
fn stop_writing(
    w: Sink,
    kind: Kind,
    path: &Path,
    e: io::Error,
    rx: &Receiver<Msg>,
    status: &Sender<SpoolStatus>,
) {
    let mut stop = crate::files::WriteStop::of(&e);
    let Sink {
        fmt,
        progress,
        last,
        ..
    } = w;
    let enc = match &fmt {
        Fmt::Jsonl(w) => w.encoding(),
        _ => Encoding::UTF_8,
    };
    // Dropped first: its buffer's last try to write lands before the cut, not after it.
    drop(fmt);
    // Only a file is cut (never a pipe, a device like /dev/full, or a terminal).
    let regular = std::fs::metadata(path).is_ok_and(|m| m.is_file());
    if regular && let Ok(cut) = progress.cut(path) {
        stop.kept = Some(cut.kept);
        stop.first_missing_us = cut.first_missing_us;
        match (kind, last) {
            (Kind::Jsonl(describe), Some(last)) => {
                mark_the_cut(path, describe, enc, last, &stop, cut.len);
            }
            (Kind::Pcapng, _) => mark_the_pcapng_cut(path, &stop, cut.len),
            _ => {}
        }
    }
    give_up(stop, rx, status);
}

/// Ends a cut JSON Lines record with a line that says it was cut, and why (an `info`
/// record with `stopped`). If even that does not fit, the file is left as cut.
fn mark_the_cut(
    path: &Path,
    describe: Describe,
    enc: Encoding,
    (role, local): (Role, Option<std::net::SocketAddr>),
    stop: &crate::files::WriteStop,
    len: u64,
) {
    use crate::net::{EventKind, FileStopped, StoppedFile};
    let ev = Event {
        ts_us: crate::net::now_us(),
        role,
        local,
        peer: None,
        client: None,
        kind: EventKind::WriteStopped(Box::new(FileStopped {
            file: StoppedFile::Record,
            path: path.display().to_string(),
            stop: stop.clone(),
        })),
        opcode: None,
    };
    let mut line = Vec::new();
    if RecordWriter::new(&mut line, enc, describe)
        .write_event(&ev)
        .is_err()
    {
        return;
    }
    append_or_leave(path, &line, len);
}

/// Ends a cut pcapng with a section whose comment says it was cut, why and how many
/// events it keeps (`capinfos` shows it). If even that does not fit, the file is left as cut.
fn mark_the_pcapng_cut(path: &Path, stop: &crate::files::WriteStop, len: u64) {
    let comment = format!(
        "socket-tester: the record stopped here: {}; it holds the first {} events whole; \
         everything after them is missing ({})",
        stop.problem.english(),
        stop.kept.unwrap_or(0),
        stop.detail
    );
    let Ok(block) = super::pcap::comment_section(&comment) else {
        return;
    };
    append_or_leave(path, &block, len);
}

/// Appends `mark` to a file cut to `len` bytes, or leaves it as cut when the mark does not
/// fit (a torn mark is taken back).
fn append_or_leave(path: &Path, mark: &[u8], len: u64) {
    use std::io::Write;
    let Ok(mut f) = std::fs::OpenOptions::new().append(true).open(path) else {
        return;
    };
    if f.write_all(mark).and_then(|_| f.sync_data()).is_err() {
        let _ = f.set_len(len);
    }
}

/// Tells the owner writing stopped, then drains the queue (answering syncs so nobody
/// waits forever).
fn give_up(stop: crate::files::WriteStop, rx: &Receiver<Msg>, status: &Sender<SpoolStatus>) {
    // The system's words only: the owner says which file and what stopped (it did so twice
    // when this said it too).
    let _ = status.send(SpoolStatus::Stopped(stop));
    for m in rx.iter() {
        if let Msg::Sync(ack) = m {
            let _ = ack.send(());
        }
    }
}

/// A FIFO keeps at most this many payload bytes of messages while it waits for a reader.
#[cfg(target_os = "linux")]
const MAX_EARLY_BYTES: usize = 16 << 20;

#[cfg(target_os = "linux")]
fn msg_bytes(m: &Msg) -> usize {
    match m {
        Msg::Event(ev) => ev.kind.data().map_or(64, |d| d.len() + 64),
        Msg::Events(evs) => batch_bytes(evs) + 64 * evs.len(),
        _ => 64,
    }
}

/// True for a named pipe (mkfifo).
fn is_fifo(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Opens a FIFO for writing once a reader has opened it, keeping the messages that
/// arrive meanwhile (None: the session ended first). Linux: polls a non-blocking open
/// (ENXIO while nobody reads); elsewhere a plain, blocking open.
fn wait_for_reader(path: &Path, rx: &Receiver<Msg>) -> io::Result<Option<(File, Vec<Msg>)>> {
    let mut early = std::collections::VecDeque::new();
    #[cfg(target_os = "linux")]
    let mut early_bytes = 0usize;
    #[cfg(target_os = "linux")]
    loop {
        use std::os::unix::fs::OpenOptionsExt;
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match opened {
            Ok(f) => {
                use std::os::fd::AsRawFd;
                // Blocking from now on: a slow reader slows the writer, never drops.
                // SAFETY: fcntl on a descriptor this function owns.
                unsafe {
                    let fd = f.as_raw_fd();
                    let flags = libc::fcntl(fd, libc::F_GETFL);
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
                return Ok(Some((f, early.into())));
            }
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                match rx.recv_timeout(std::time::Duration::from_millis(100)) {
                    // A live feed keeps the newest batches until a reader comes (the
                    // session's own log keeps everything).
                    Ok(m) => {
                        early_bytes += msg_bytes(&m);
                        early.push_back(m);
                        while early_bytes > MAX_EARLY_BYTES {
                            match early.pop_front() {
                                Some(old) => early_bytes -= msg_bytes(&old),
                                None => break,
                            }
                        }
                    }
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return Ok(None),
                }
            }
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = rx;
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        Ok(Some((f, std::mem::take(&mut early).into())))
    }
}

fn writer_loop(
    mut w: Sink,
    early: Vec<Msg>,
    kind: Kind,
    path: PathBuf,
    rx: Receiver<Msg>,
    status: Sender<SpoolStatus>,
    queued: Arc<AtomicUsize>,
) {
    let mut early = early.into_iter();
    loop {
        // Block for the first message, then take everything queued, then flush once:
        // a kill loses at most what was still in the channel.
        let first = match early.next() {
            Some(m) => m,
            None => match rx.recv() {
                Ok(m) => m,
                Err(_) => break,
            },
        };
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            let r = match msg {
                Msg::Event(ev) => w.write_event(&ev),
                Msg::Events(evs) => {
                    let r = evs.iter().try_for_each(|ev| w.write_event(ev));
                    queued.fetch_sub(batch_bytes(&evs), Ordering::Relaxed);
                    r
                }
                Msg::SetEncoding(e) => w.set_encoding(e),
                Msg::Sync(ack) => {
                    let r = w.flush();
                    let _ = ack.send(());
                    r
                }
                // A live feed cannot be taken back: pcapng goes on after a Clear.
                Msg::Truncate if matches!(kind, Kind::Pcapng) => w.flush(),
                Msg::Truncate => w.flush().and_then(|_| {
                    w = Sink::open(kind, &path, w.encoding())?;
                    Ok(())
                }),
            };
            if let Err(e) = r {
                return stop_writing(w, kind, &path, e, &rx, &status);
            }
            next = match early.next().map(Ok).unwrap_or_else(|| rx.try_recv()) {
                Ok(m) => Some(m),
                Err(TryRecvError::Empty) | Err(TryRecvError::Disconnected) => None,
            };
        }
        if let Err(e) = w.flush() {
            return stop_writing(w, kind, &path, e, &rx, &status);
        }
        let _ = status.send(SpoolStatus::Written(w.written()));
    }
    if let Err(e) = w.flush() {
        stop_writing(w, kind, &path, e, &rx, &status);
    } else {
        let _ = status.send(SpoolStatus::Written(w.written()));
    }
}

/// A binary spool being read: its events in order (an iterator), then
/// [`SpoolReader::cut`] says whether the end was torn or damaged and what was left out.
pub type SpoolRead = SpoolReader<BufReader<File>>;

/// Opens a binary spool for reading. An error if the file cannot be opened or is not a
/// spool; a torn or damaged tail is not an error (see [`SpoolReader::cut`]).
pub fn read_events(path: &Path) -> io::Result<SpoolRead> {
    SpoolReader::new(BufReader::with_capacity(1 << 20, File::open(path)?))
}

/// Spool files in `dir` left by a process that is no longer running (a crash or a kill).
pub fn orphans(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                return false;
            };
            let Some(rest) = name.strip_prefix("spool-") else {
                return false;
            };
            // Binary spools, and JSON Lines ones from versions before the binary format.
            if !name.ends_with(&format!(".{EXTENSION}")) && !name.ends_with(".jsonl") {
                return false;
            }
            let pid: Option<u32> = rest.split('-').next().and_then(|s| s.parse().ok());
            match pid {
                Some(pid) if pid == me => false,
                Some(pid) => !process_alive(pid),
                None => false,
            }
        })
        .collect();
    v.sort();
    v
}

fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without a cheap check, treat only old files as orphans (see `orphans` callers).
        let _ = pid;
        false
    }
}

/// What a batch holds, for the writer's backlog: payload bytes plus a little per event.
fn batch_bytes(evs: &[Event]) -> usize {
    evs.iter()
        .map(|e| e.kind.data().map_or(0, <[u8]>::len) + 64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::record::read_records;
    use crate::net::EventKind;

    fn ev(i: u8) -> Event {
        Event {
            ts_us: 1_000_000 + i as i64,
            role: Role::UdpReceiver,
            local: None,
            peer: Some("127.0.0.1:9".parse().unwrap()),
            client: None,
            kind: EventKind::Rx(vec![i; 3]),
            opcode: None,
        }
    }

    #[test]
    fn writes_everything_and_removes_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spool::in_dir(dir.path(), "udp-recv", Encoding::UTF_8).unwrap();
        assert!(s.path().to_string_lossy().ends_with(".stspool"));
        for i in 0..100 {
            s.write(&ev(i));
        }
        assert!((s.syncer())());
        let path = s.path().to_path_buf();
        let evs: Vec<Event> = read_events(&path).unwrap().collect();
        assert_eq!(evs, (0..100).map(ev).collect::<Vec<_>>());
        s.set_encoding(Encoding::GBK);
        s.truncate();
        s.write(&ev(7));
        assert!((s.syncer())());
        let mut r = read_events(&path).unwrap();
        assert_eq!(
            r.header().encoding_label,
            "gbk",
            "truncate keeps the encoding"
        );
        assert_eq!(r.next(), Some(ev(7)));
        assert_eq!(r.next(), None);
        assert!(r.cut().is_none());
        assert_eq!(s.poll().0, 1);
        drop(s);
        assert!(!path.exists());
    }

    #[test]
    fn the_jsonl_record_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rec.jsonl");
        let mut s =
            Spool::record_with(&path, Encoding::UTF_8, crate::log::store::tests::words).unwrap();
        for i in 0..10 {
            s.write(&ev(i));
        }
        drop(s);
        let recs: Vec<_> = read_records(File::open(&path).unwrap()).collect();
        assert_eq!(recs.len(), 10);
        assert_eq!(
            recs[3].as_ref().unwrap().to_event(),
            Some(ev(3)),
            "bytes 03 03 03 are no text: only hex, still read back"
        );
        assert!(recs[3].as_ref().unwrap().text.is_none());
    }

    #[test]
    fn disk_full_is_reported() {
        if !Path::new("/dev/full").exists() {
            return;
        }
        let mut s = Spool::create(
            Path::new("/dev/full"),
            Encoding::UTF_8,
            true,
            crate::log::store::tests::words,
        )
        .unwrap();
        s.write(&ev(1));
        let _ = (s.syncer())();
        s.finish();
        let (_, err) = s.poll();
        assert!(
            err.is_some_and(|e| e.detail.contains("No space left on device")
                && e.problem == crate::files::WriteProblem::DiskFull),
            "{err:?}"
        );
        // The binary spool writes its header at once: a full disk fails at the start.
        assert!(Spool::binary_at(Path::new("/dev/full"), Encoding::UTF_8, None).is_err());
    }

    #[test]
    fn orphans_are_files_of_dead_processes() {
        let dir = tempfile::tempdir().unwrap();
        // pid 0 never names a user process, and u32::MAX is never alive.
        std::fs::write(
            dir.path()
                .join(format!("spool-{}-tcp-client-1.jsonl", u32::MAX)),
            "{}\n",
        )
        .unwrap();
        let mine = Spool::in_dir(dir.path(), "udp-send", Encoding::UTF_8).unwrap();
        std::fs::write(
            dir.path()
                .join(format!("spool-{}-udp-recv-2.stspool", u32::MAX)),
            super::super::spool_format::MAGIC,
        )
        .unwrap();
        std::fs::write(dir.path().join("other.jsonl"), "").unwrap();
        std::fs::write(dir.path().join("other.stspool"), "").unwrap();
        let o = orphans(dir.path());
        assert_eq!(o.len(), 2, "{o:?}");
        assert!(o[0].to_string_lossy().contains("tcp-client"));
        assert!(o[1].to_string_lossy().ends_with("udp-recv-2.stspool"));
        drop(mine);
    }
}
