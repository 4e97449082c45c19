//! The writer thread's body: it takes queued events in batches and flushes once a batch;
//! when a write fails it cuts the file back to its last whole event, marks the cut where
//! the format allows, and tells the owner what the file keeps.

use super::sink::{Fmt, Sink};
use super::{Kind, Msg, SpoolStatus, batch_bytes};
use crate::codec::Encoding;
use crate::log::Describe;
use crate::log::record::RecordWriter;
use crate::net::{Event, Role};
use crossbeam_channel::{Receiver, Sender, TryRecvError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes what arrives (first the messages kept while a FIFO waited for its reader) until
/// the owner hangs up, reporting the count after each batch.
pub(super) fn writer_loop(
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
    let Ok(block) = crate::log::pcap::comment_section(&comment) else {
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
pub(super) fn give_up(
    stop: crate::files::WriteStop,
    rx: &Receiver<Msg>,
    status: &Sender<SpoolStatus>,
) {
    // The system's words only: the owner says which file and what stopped (it did so twice
    // when this said it too).
    let _ = status.send(SpoolStatus::Stopped(stop));
    for m in rx.iter() {
        if let Msg::Sync(ack) = m {
            let _ = ack.send(());
        }
    }
}
