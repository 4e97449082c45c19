//! Handing the runtime's news to the view: queued items applied in one short critical
//! section, the status copied from the tools and the writers, the window woken at most
//! about 60 times a second; Expect tries printed for headless mode.

use super::*;

impl Runner {
    pub(super) fn print_expect(&mut self) {
        let (Some(o), Some(x)) = (&mut self.output, self.tools.expect()) else {
            return;
        };
        for r in x.results().iter().skip(self.expect_printed) {
            o.expect_try(r);
        }
        self.expect_printed = x.results().len();
    }

    /// Hands what is queued to the view: at once if it is free, else later, unless so much
    /// is queued (or `force`) that the runtime waits for it.
    pub(super) fn flush(&mut self, force: bool) {
        if self.pending.is_empty() && !self.dirty && !self.tools.needs_publish() {
            self.retry_at = None;
            return;
        }
        let must =
            force || self.pending_bytes > PENDING_BYTES || self.pending.len() > PENDING_ITEMS;
        let now = Instant::now();
        if !must
            && let Some(t) = self.last_flush
            && now.saturating_duration_since(t) < FLUSH_EVERY
        {
            self.retry_at = Some(t + FLUSH_EVERY);
            return;
        }
        let view = self.view.clone();
        let mut guard = if must {
            lock(&view)
        } else {
            match view.try_lock() {
                Ok(g) => g,
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    self.retry_at = Some(Instant::now() + RETRY);
                    return;
                }
            }
        };
        self.retry_at = None;
        self.last_flush = Some(now);
        let v: &mut View = &mut guard;
        for item in self.pending.drain(..) {
            apply(v, item);
        }
        self.pending_bytes = 0;
        let st = &mut v.status;
        self.tools.publish(st);
        self.replay.publish(st);
        st.spooled = self.spooled;
        st.spool_written = self.spool_written;
        if st.spool_error != self.spool_error {
            st.spool_error = self.spool_error.clone();
        }
        if st.spool_path.as_deref() != self.spool.as_ref().map(|s| s.path()) {
            st.spool_path = self.spool.as_ref().map(|s| s.path().to_path_buf());
        }
        if st.recording != self.record_path {
            st.recording = self.record_path.clone();
        }
        let live = self.live.as_ref().map(|l| l.path().to_path_buf());
        if st.live != live {
            st.live = live;
        }
        if st.record_error != self.record_error {
            st.record_error = self.record_error.clone();
        }
        st.last_event = self.last_event;
        if let Some(c) = &mut self.crowd
            && c.dirty
        {
            st.crowd = Some(std::sync::Arc::new(c.view()));
        }
        if let Some(c) = &mut self.crowd_seq
            && c.dirty
        {
            st.crowd_sequence = Some(std::sync::Arc::new(c.view()));
        }
        if let Some(a) = self.tools.auto() {
            st.plan_sent = a.sent();
            st.plan_done = a.sends_done();
        }
        st.generation += 1;
        self.dirty = false;
        self.news = true;
    }

    /// Wakes the window if the view changed, at most every [`NOTIFY_EVERY`].
    pub(super) fn wake_window(&mut self, now: Instant) {
        if !self.news {
            return;
        }
        if self
            .last_notify
            .is_some_and(|t| now.saturating_duration_since(t) < NOTIFY_EVERY)
        {
            return;
        }
        self.news = false;
        self.last_notify = Some(now);
        if let Some(n) = &self.opts.notify {
            n();
        }
    }
}

/// Applies one queued item to the view.
pub(super) fn apply(v: &mut View, item: Item) {
    match item {
        Item::Event(ev, check) => {
            v.status.on_event(&ev);
            let (role, enc) = (v.status.role, v.store.encoding());
            v.status.enc_watch.on_event(role, &ev, enc);
            v.store.push(ev);
            if let Some(c) = check {
                v.store.mark_check(c);
            }
        }
        Item::Framed { raw, rows } => {
            v.status.on_event(&raw);
            let (role, enc) = (v.status.role, v.store.encoding());
            v.status.enc_watch.on_event(role, &raw, enc);
            if matches!(raw.kind, EventKind::Rx(_)) {
                v.store.count_rx(&raw);
            }
            push_rows(v, rows);
        }
        Item::Rows(rows) => push_rows(v, rows),
        Item::Ended => v.status.on_ended(),
        Item::Replay(ev) => v.store.push(ev),
    }
}

pub(super) fn push_rows(v: &mut View, rows: Vec<ViewRow>) {
    for row in rows {
        if row.frame {
            v.store.push_row(row.event, row.truncated);
        } else {
            v.store.push(row.event);
        }
        if let Some(c) = row.check {
            v.store.mark_check(c);
        }
    }
}
