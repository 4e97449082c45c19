//! What the runtime is asked to do ([`Control`]), applied on its thread.

use super::*;

impl Runner {
    pub(super) fn on_control(&mut self, c: Control) {
        // What the writers have not been handed yet goes first, in order, before a
        // control changes them (record, encoding, clear).
        self.write_out();
        let now = Instant::now();
        match c {
            Control::Start {
                config,
                plan,
                record,
            } => self.start(config, plan, record),
            Control::Worker(cmd) => {
                if let Some(s) = &self.session {
                    s.send(cmd);
                }
            }
            Control::Stop => {
                if let Some(s) = &self.session {
                    s.send(Command::Stop);
                }
                self.tools.stop_auto_send();
            }
            Control::SetEncoding(enc) => self.set_encoding(enc),
            Control::SetFraming(f) => {
                if self.framer.framing() != &f {
                    self.framer.set_framing(f);
                }
            }
            Control::SetRxCheck(c) => self.rx_check = c,
            Control::SetRules(rules) => {
                self.tools.set_rules(&rules, self.enc);
                if let Some(s) = &self.session {
                    self.tools.sync_fin_hold(s);
                }
            }
            Control::ResetRuleCounts => self.tools.reset_rule_counts(),
            Control::StartExpect(x) => {
                self.expect_printed = 0;
                self.tools.start_expect(*x);
            }
            Control::CancelExpect => self.tools.cancel_expect(now),
            Control::StartSequence { run, .. } if self.crowd.is_some() => {
                self.start_crowd_seq(&run, now);
            }
            Control::StartSequence { run, step } => {
                self.tools.seq.start(*run, step);
                self.after_sequence(now);
            }
            Control::StepSequence => {
                self.tools.seq.step();
                self.after_sequence(now);
            }
            Control::StopSequence => {
                self.tools.seq.stop();
                if let Some(c) = &mut self.crowd_seq {
                    c.ended();
                    c.hold(self.session.as_ref());
                }
            }
            Control::StartReplay(job) => self.replay.start(*job, now, self.output.as_mut()),
            Control::StopReplay => self.replay.stop(self.output.as_mut()),
            Control::StartRoster(spec) => {
                let _ = self.tools.start_roster(*spec, self.enc);
            }
            Control::StopRoster => self.tools.stop_roster(),
            Control::StartLive(p) => self.start_live(p),
            Control::StopLive => {
                if let Some(mut l) = self.live.take() {
                    l.finish();
                }
                self.dirty = true;
            }
            Control::StartAutoSend(plan, make) => {
                if let Some(s) = &self.session {
                    self.tools.start_auto_send(s, plan, make);
                }
            }
            Control::StopAutoSend => self.tools.stop_auto_send(),
            Control::Note(text) => self.note(text, now),
            Control::Clear => self.clear(),
            Control::SetCaps { rows, bytes } => {
                self.flush(true);
                lock(&self.view).store.set_caps(rows, bytes);
                self.news = true;
            }
            Control::SyncSpool(ack) => self.sync_spool(ack),
            Control::ClearSenders => {
                lock(&self.view).status.udp_senders.clear();
                self.news = true;
            }
            Control::SetSpoolDir(dir) => {
                if self.spool.is_none() {
                    self.opts.spool_dir = Some(dir);
                    self.spool_error = None;
                }
            }
            Control::SetNotify(n) => self.opts.notify = Some(n),
            Control::SetSpoolBudget(b) => self.budget = Some(b.share()),
            Control::Shutdown => {}
        }
        self.dirty = true;
    }

    /// Forget the log: rows, counters and the spool's contents (a spool stopped at the
    /// cap records again).
    fn clear(&mut self) {
        self.pending.clear();
        self.pending_bytes = 0;
        if let Some(s) = &self.spool {
            s.truncate();
        }
        if let Some(b) = &self.budget {
            b.report(0);
        }
        // An empty spool is under the cap again: recording goes on.
        if matches!(
            self.spool_error,
            Some(WriterError {
                what: WriterFailure::CapReached(_),
                ..
            })
        ) {
            self.spool_error = None;
            self.dirty = true;
        }
        // The spool starts again: the record's next event is the spool's first.
        self.record_offset = -(self.recorded as i64);
        self.spooled = 0;
        self.spool_written = 0;
        self.framer.reset();
        let mut v = lock(&self.view);
        v.store.clear();
        v.status.on_clear();
        v.status.generation += 1;
        self.news = true;
    }

    /// Answers `ack` once everything queued is on disk (on a thread of its own).
    fn sync_spool(&mut self, ack: crossbeam_channel::Sender<bool>) {
        match &self.spool {
            Some(s) => {
                let sync = s.syncer();
                let spawned =
                    std::thread::Builder::new()
                        .name("spool-sync".into())
                        .spawn(move || {
                            let _ = ack.send(sync());
                        });
                if let Err(e) = spawned {
                    self.spool_error = Some(writer_error(WriterFailure::CannotWait, s.path(), e));
                }
            }
            None => {
                let _ = ack.send(self.spool_error.is_none());
            }
        }
    }

    /// Wireshark (live): every event from now on, as pcapng, into `p`.
    fn start_live(&mut self, p: std::path::PathBuf) {
        match Spool::record_with(&p, self.enc, crate::i18n::english) {
            Ok(s) => {
                self.live = Some(s);
                self.dirty = true;
            }
            Err(e) => {
                self.record_error = Some(writer_error(WriterFailure::CannotCreateRecord, &p, e));
                self.dirty = true;
            }
        }
    }

    /// A note the user attached to this moment: an event like the others.
    fn note(&mut self, text: String, now: Instant) {
        let ev = Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::Note(text),
            opcode: None,
        };
        self.on_event(ev, now);
    }
}

/// The checksum check of received rows (set by [`Control::SetRxCheck`]).
impl Runner {
    /// The checksum check of a received event, when the session checks them.
    pub(super) fn check(&self, ev: &Event) -> Option<CheckOutcome> {
        crate::session::rx_check(self.rx_check.as_ref(), ev)
    }

    pub(super) fn check_rows(&self, rows: &mut [ViewRow]) {
        if self.rx_check.is_none() {
            return;
        }
        for r in rows {
            r.check = self.check(&r.event);
        }
    }
}
