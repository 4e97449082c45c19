//! The per-format writer the writer thread owns: JSON Lines, the binary spool or pcapng,
//! over a file whose bytes it counts, so that a failed write can be cut back to the end of
//! the last whole event ([`crate::log::cut`]).

use super::Kind;
use crate::codec::Encoding;
use crate::log::cut::{Counting, Progress};
use crate::log::record::RecordWriter;
use crate::log::spool_format::SpoolWriter;
use crate::net::{Event, Role};
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// A writer of one of the formats, owned by the writer thread, over a file whose bytes it
/// counts (so a failed write can be cut back to the last whole event: [`crate::log::cut`]).
pub(super) struct Sink {
    pub(super) fmt: Fmt,
    /// Bytes handed to the file so far (its logical length).
    at: Arc<AtomicU64>,
    /// Where each event ends, since the last flush.
    pub(super) progress: Progress,
    /// The role and local address of the last event (for the mark a cut record ends with).
    pub(super) last: Option<(Role, Option<std::net::SocketAddr>)>,
}

type Out = Counting<BufWriter<File>>;

pub(super) enum Fmt {
    Jsonl(RecordWriter<Out>),
    Binary(SpoolWriter<Out>),
    /// pcapng keeps no text: the encoding is only remembered.
    Pcapng(crate::log::pcap::PcapWriter<Out>, Encoding),
}

impl Sink {
    /// Creates (truncates) `path`, private to the user (mode 0600 when new), and writes
    /// the binary header.
    pub(super) fn open(kind: Kind, path: &Path, enc: Encoding) -> io::Result<Sink> {
        Sink::on(kind, crate::files::private::create_file(path)?, enc)
    }

    /// A writer of `kind` on a file already open (and empty).
    pub(super) fn on(kind: Kind, f: File, enc: Encoding) -> io::Result<Sink> {
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
                let mut w = crate::log::pcap::PcapWriter::new(f)?;
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

    pub(super) fn write_event(&mut self, ev: &Event) -> io::Result<()> {
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

    pub(super) fn set_encoding(&mut self, enc: Encoding) -> io::Result<()> {
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

    pub(super) fn encoding(&self) -> Encoding {
        match &self.fmt {
            Fmt::Jsonl(w) => w.encoding(),
            Fmt::Binary(w) => w.encoding(),
            Fmt::Pcapng(_, e) => *e,
        }
    }

    /// Flushes to the file; what was written so far is then on disk.
    pub(super) fn flush(&mut self) -> io::Result<()> {
        match &mut self.fmt {
            Fmt::Jsonl(w) => w.flush(),
            Fmt::Binary(w) => w.flush(),
            Fmt::Pcapng(w, _) => w.flush(),
        }?;
        self.progress.flushed();
        Ok(())
    }

    pub(super) fn written(&self) -> u64 {
        match &self.fmt {
            Fmt::Jsonl(w) => w.written,
            Fmt::Binary(w) => w.written,
            Fmt::Pcapng(w, _) => w.written,
        }
    }
}
