//! The runtime's writers: the spool (made on the first event, capped with all the others),
//! the `--record` file and the live pcapng feed, each fed once per batch, their progress
//! read back, and a failure kept as a typed [`WriterError`].

use super::*;
use crate::files::WriteStop;
use crate::net::{FileStopped, StoppedFile};

/// Shortest time between two hand-overs to the writers under a flood (a crash loses at
/// most this much more than it would anyway), unless [`HANDOFF_EVENTS`] wait.
pub(super) const HANDOFF_EVERY: Duration = Duration::from_millis(2);
pub(super) const HANDOFF_EVENTS: usize = 4096;
/// ... or this many payload bytes wait (a flood of large TCP reads stays bounded).
pub(super) const HANDOFF_BYTES: usize = 4 << 20;

impl Runner {
    pub(super) fn writers_behind(&self) -> bool {
        self.spool.as_ref().is_some_and(Spool::is_behind)
            || self.recorder.as_ref().is_some_and(Spool::is_behind)
    }

    /// The record is complete: its writer finishes; a write that failed is said.
    pub(super) fn finish_record(&mut self) {
        self.write_out();
        if let Some(mut r) = self.recorder.take() {
            r.finish();
            let path = r.path().to_path_buf();
            if let (_, Some(stop)) = r.poll() {
                let stop = stop.clone();
                self.record_stopped(&path, stop);
            }
        }
    }

    /// The record stopped part way: said in the status and as a row of the log (which the
    /// spool keeps), with where the rest starts in the spool if it still holds it.
    fn record_stopped(&mut self, path: &std::path::Path, stop: WriteStop) {
        let mut e = stopped_error(StoppedFile::Record, path, stop);
        let kept = e.stopped.as_ref().and_then(|f| f.stop.kept);
        if let Some(kept) = kept
            && self.spool.is_some()
            && self.spool_error.is_none()
        {
            e.rest_from = Some((kept as i64 + self.record_offset).max(0) as u64);
        }
        self.stopped_row(&e);
        self.record_error = Some(e);
        self.recorder = None;
        self.record_path = None;
        self.to_record.clear();
        self.dirty = true;
    }

    /// A row in the log that says a file stopped.
    fn stopped_row(&mut self, e: &WriterError) {
        let Some(f) = &e.stopped else { return };
        let ev = Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::WriteStopped(f.clone()),
            opcode: None,
        };
        self.on_event(ev, Instant::now());
    }

    /// `--record FILE`: a new record for a new session.
    pub(super) fn open_record(&mut self, record: Option<PathBuf>) {
        self.record_error = None;
        self.record_path = None;
        self.recorded = 0;
        self.record_written = 0;
        self.record_offset = self.spooled as i64;
        if let Some(p) = record {
            match Spool::record_with(&p, self.enc, crate::i18n::english) {
                Ok(r) => {
                    self.recorder = Some(r);
                    self.record_path = Some(p);
                }
                Err(e) => {
                    self.record_error = Some(writer_error(WriterFailure::CannotCreateRecord, &p, e))
                }
            }
        }
    }

    /// The spool, the record and the live feed take every event, in order.
    pub(super) fn hand_to_writers(&mut self, ev: &Event) {
        self.ensure_spool();
        self.handoff_bytes += ev.kind.data().map_or(0, <[u8]>::len);
        // A spool that stopped (disk full, or the cap) takes nothing more: `spooled` is
        // then exactly what was handed to it.
        if self.spool.is_some() && self.spool_error.is_none() {
            self.to_spool.push(ev.clone());
            self.spooled += 1;
        }
        if self.recorder.is_some() {
            self.to_record.push(ev.clone());
            self.recorded += 1;
        }
        if self.live.is_some() {
            self.to_live.push(ev.clone());
        }
    }

    pub(super) fn ensure_spool(&mut self) {
        if self.spool.is_some() || self.spool_error.is_some() {
            return;
        }
        let Some(dir) = &self.opts.spool_dir else {
            return;
        };
        match Spool::in_dir(dir, self.role.as_str(), self.enc) {
            Ok(s) => self.spool = Some(s),
            Err(e) => {
                self.spool_error = Some(writer_error(WriterFailure::CannotCreate, dir, e));
            }
        }
        self.dirty = true;
    }

    /// Hands the events waiting to the writers: at once unless a flood is on (see
    /// `net::pace`); in a flood if enough wait, or the last hand-over was [`HANDOFF_EVERY`]
    /// ago, so the writers' threads wake a few hundred times a second instead of once per
    /// batch (a batch is often a handful of datagrams), which leaves the CPU to the worker
    /// and the peer.
    pub(super) fn write_out_due(&mut self, now: Instant) {
        let waiting = self.waiting_for_writers();
        let due = self.handoff_at(now).is_some_and(|at| at <= now);
        if due || waiting >= HANDOFF_EVENTS || self.handoff_bytes >= HANDOFF_BYTES {
            self.write_out();
        }
    }

    /// When the events waiting for the writers are due (None: none wait): now outside a
    /// flood or before the first hand-over, else [`HANDOFF_EVERY`] after the last one.
    pub(super) fn handoff_at(&self, now: Instant) -> Option<Instant> {
        if self.waiting_for_writers() == 0 {
            return None;
        }
        match self.handed_at {
            Some(t) if self.pace.flood() => Some(t + HANDOFF_EVERY),
            _ => Some(now),
        }
    }

    /// The most events waiting for any one writer.
    fn waiting_for_writers(&self) -> usize {
        self.to_spool
            .len()
            .max(self.to_record.len())
            .max(self.to_live.len())
    }

    /// Hands the events waiting to the writers now (one message each).
    pub(super) fn write_out(&mut self) {
        if self.waiting_for_writers() > 0 {
            self.handed_at = Some(Instant::now());
        }
        self.handoff_bytes = 0;
        if let Some(s) = &mut self.spool {
            s.write_all(std::mem::take(&mut self.to_spool));
        }
        if let Some(r) = &mut self.recorder {
            r.write_all(std::mem::take(&mut self.to_record));
        }
        if let Some(l) = &mut self.live {
            l.write_all(std::mem::take(&mut self.to_live));
        }
    }

    pub(super) fn poll_writers(&mut self) {
        // The live feed ends when its reader does (Wireshark closed): quietly.
        if let Some(l) = &mut self.live
            && l.poll().1.is_some()
        {
            self.live = None;
            self.dirty = true;
        }
        if let Some(s) = &mut self.spool {
            let path = s.path().to_path_buf();
            let (written, err) = s.poll();
            if written != self.spool_written {
                self.spool_written = written;
                self.dirty = true;
            }
            let stop = err.filter(|_| self.spool_error.is_none()).cloned();
            self.check_budget(&path);
            if let Some(stop) = stop {
                let e = stopped_error(StoppedFile::Spool, &path, stop);
                self.stopped_row(&e);
                self.spool_error = Some(e);
                self.dirty = true;
            }
        }
        if let Some(r) = &mut self.recorder {
            let path = r.path().to_path_buf();
            let (written, err) = r.poll();
            self.record_written = written;
            let Some(stop) = err.cloned() else { return };
            self.record_stopped(&path, stop);
        }
    }

    /// Reports the spool's size to the shared cap (a few times a second) and stops
    /// recording once all spools together have reached it.
    pub(super) fn check_budget(&mut self, path: &std::path::Path) {
        let Some(b) = &self.budget else { return };
        let now = Instant::now();
        if self
            .budget_checked
            .is_some_and(|t| now.duration_since(t) < BUDGET_EVERY)
        {
            return;
        }
        self.budget_checked = Some(now);
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if !b.report(size) && self.spool_error.is_none() {
            self.spool_error = Some(WriterError {
                what: WriterFailure::CapReached(b.budget().cap()),
                path: path.display().to_string(),
                detail: String::new(),
                stopped: None,
                rest_from: None,
            });
            self.dirty = true;
        }
    }
}

pub(super) fn writer_error(
    what: WriterFailure,
    path: &std::path::Path,
    e: impl std::fmt::Display,
) -> WriterError {
    WriterError {
        what,
        path: path.display().to_string(),
        detail: e.to_string(),
        stopped: None,
        rest_from: None,
    }
}

/// A writer that stopped part way (`stop` says why and what the file keeps).
fn stopped_error(file: StoppedFile, path: &std::path::Path, stop: WriteStop) -> WriterError {
    let path = path.display().to_string();
    WriterError {
        what: WriterFailure::Stopped,
        detail: stop.detail.clone(),
        stopped: Some(Box::new(FileStopped {
            file,
            path: path.clone(),
            stop,
        })),
        path,
        rest_from: None,
    }
}
