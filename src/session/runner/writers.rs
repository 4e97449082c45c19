//! The runtime's writers: the spool (made on the first event, capped with all the others),
//! the `--record` file and the live pcapng feed, each fed once per batch, their progress
//! read back, and a failure kept as a typed [`WriterError`].

use super::*;

impl Runner {
    pub(super) fn writers_behind(&self) -> bool {
        self.spool.as_ref().is_some_and(Spool::is_behind)
            || self.recorder.as_ref().is_some_and(Spool::is_behind)
    }

    /// The record is complete: its writer finishes; a write that failed is said.
    pub(super) fn finish_record(&mut self) {
        if let Some(mut r) = self.recorder.take() {
            r.finish();
            let path = r.path().to_path_buf();
            if let (_, Some(e)) = r.poll() {
                self.record_error = Some(writer_error(WriterFailure::Stopped, &path, e));
            }
        }
    }

    /// `--record FILE`: a new record for a new session.
    pub(super) fn open_record(&mut self, record: Option<PathBuf>) {
        self.record_error = None;
        self.record_path = None;
        self.recorded = 0;
        self.record_written = 0;
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
        // A spool that stopped (disk full, or the cap) takes nothing more: `spooled` is
        // then exactly what was handed to it.
        if self.spool.is_some() && self.spool_error.is_none() {
            self.to_spool.push(ev.clone());
            self.spooled += 1;
        }
        if self.recorder.is_some() {
            self.to_record.push(ev.clone());
        }
        if self.live.is_some() {
            self.to_live.push(ev.clone());
            self.recorded += 1;
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

    /// Hands this batch's events to the writers (one message each).
    pub(super) fn write_out(&mut self) {
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
            if let Some(e) = err
                && self.spool_error.is_none()
            {
                let e = writer_error(WriterFailure::Stopped, &path, e);
                self.spool_error = Some(e);
                self.dirty = true;
            }
            self.check_budget(&path);
        }
        if let Some(r) = &mut self.recorder {
            let path = r.path().to_path_buf();
            let (written, err) = r.poll();
            self.record_written = written;
            let Some(e) = err else { return };
            self.record_error = Some(writer_error(WriterFailure::Stopped, &path, e));
            self.recorder = None;
            self.record_path = None;
            self.dirty = true;
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
    }
}
