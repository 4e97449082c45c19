//! A session's life on the runtime: starting a worker (the view and the automation start
//! over, the record opens), starting it again for a sequence's connect step, taking what
//! a stopping worker still sends, and the end (the worker's, then the runtime's).

use super::*;

impl Runner {
    /// Stops the worker and takes its last events as they come, written and handed to the
    /// view in batches, never piled up: a peer that floods until the worker's close gives up
    /// costs no more memory than a running session. The session is kept for `worker_ended`.
    pub(super) fn drain_and_stop(&mut self, mut s: Session) {
        s.send(Command::Stop);
        let events = s.events().clone();
        let mut taken = 0usize;
        let waited_since = Instant::now();
        loop {
            // Writers behind: wait for them (the worker waits on its full queue, the peer on
            // TCP), but not forever.
            if self.writers_behind() && waited_since.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(RETRY);
                self.poll_writers();
                continue;
            }
            match events.recv_timeout(Duration::from_millis(20)) {
                Ok(ev) => {
                    self.on_event(ev, Instant::now());
                    taken += 1;
                    if taken.is_multiple_of(BATCH) || self.pending_bytes > PENDING_BYTES {
                        self.write_out();
                        self.flush(false);
                    }
                }
                Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
                Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            }
        }
        // The channel is closed: nothing is left to take; the thread is joined.
        let _ = s.stop_and_join();
        self.session = Some(s);
    }

    /// Starts a worker (unless one runs): the view and the automation start over, the
    /// `--record` file opens. The config is kept for a sequence's connect step.
    pub(super) fn start(
        &mut self,
        config: Box<SessionConfig>,
        plan: Box<AutoPlan>,
        record: Option<PathBuf>,
    ) {
        if self.session.is_some() {
            return;
        }
        if config.encoding != self.enc {
            self.set_encoding(config.encoding);
        }
        // `Runtime::start` already said `Starting`; say it again after the last
        // session's queued events (its end among them) have reached the view.
        self.flush(true);
        {
            let mut v = lock(&self.view);
            v.status.on_start();
            v.store.new_session();
            if self.role == Role::Relay {
                v.store.forget_clients();
            }
        }
        self.framer.reset();
        self.local = None;
        let mut plan = *plan;
        self.crowd_seq = None;
        self.crowd = config.crowd.map(|c| {
            let udp = self.role == Role::UdpSender;
            crate::session::crowd::CrowdTally::new(c.connections, udp, plan.crowd_expect.take())
        });
        if let Some(rules) = plan.rules.take() {
            self.tools.set_rules(&rules, self.enc);
        }
        self.tools.on_start(plan);
        let mut config = config;
        config.hold_fin_for_replies = config.role.is_tcp() && self.tools.answers_peers();
        self.tools
            .fin
            .on_start(config.hold_fin_for_replies, config.keep_open_after_peer_fin);
        // A sequence's reconnect goes on with the record as it is: the one still open, or
        // the failure to make it (which must still be said at the end, and exit 1).
        let reconnect = record.is_none() && self.tools.seq.is_running();
        if !reconnect {
            self.finish_record();
            self.open_record(record);
        }
        self.last_config = Some(config.clone());
        let session = Session::start(*config, None);
        lock(&self.view).tcp_stats = session.tcp_stats();
        self.session = Some(session);
    }

    /// A sequence's connect step: the same session again (after the running one ends).
    pub(super) fn restart(&mut self) {
        let Some(cfg) = self.last_config.clone() else {
            return;
        };
        if let Some(s) = &self.session {
            s.send(Command::Stop);
            self.restart_pending = true;
        } else {
            self.start(cfg, Box::default(), None);
        }
    }

    pub(super) fn worker_ended(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        self.write_out();
        drop(session);
        self.tools.on_ended();
        if let Some(c) = &mut self.crowd {
            c.ended();
        }
        if let Some(c) = &mut self.crowd_seq {
            c.ended();
        }
        let restart = std::mem::take(&mut self.restart_pending);
        let template = Event {
            ts_us: crate::net::now_us(),
            role: self.role,
            local: self.local,
            peer: None,
            client: None,
            kind: EventKind::Info(String::new()),
            opcode: None,
        };
        let mut rows = self.framer.flush_all(&template);
        self.check_rows(&mut rows);
        if !rows.is_empty() {
            self.queue(Item::Rows(rows));
        }
        // A running sequence may connect again (a `connect` step): its record goes on.
        if !restart && !self.tools.seq.is_running() {
            self.finish_record();
        }
        self.queue(Item::Ended);
        self.dirty = true;
        // Only now: the view must see this session end before the next one starts (else
        // it would take the new session for ended, and the tab would drift from its socket).
        if restart && let Some(cfg) = self.last_config.clone() {
            self.start(cfg, Box::default(), None);
        }
    }

    /// The runtime ends: the worker's last events are taken, the writers finish.
    pub(super) fn finish(&mut self) {
        if let Some(s) = self.session.take() {
            self.drain_and_stop(s);
            self.worker_ended();
        }
        self.write_out();
        self.recorder = None;
        self.spool = None;
        if let Some(b) = &self.budget {
            b.release();
        }
        self.print_expect();
        if let Some(o) = &mut self.output {
            o.batch_done();
        }
        self.flush(true);
        if let Some(n) = &self.opts.notify {
            n();
        }
    }
}
