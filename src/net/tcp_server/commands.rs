//! The server's commands from the session: send to one client or all, kick or reset
//! one or all, stop listening, shape writes, send a file (and its next chunk), stop.

use super::Server;
use crate::net::conn::{Conn, close_deadline};
use crate::net::error::ErrorKind;
use crate::net::file_send::{self, Step};
use crate::net::worker::Ctx;
use crate::net::{CloseReason, ClosedBy, Command, EventKind, Target};
use mio::Token;
use std::ops::ControlFlow::{self, Break, Continue};
use std::time::Instant;

impl Server<'_> {
    /// One command from the session.
    pub(super) fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) -> ControlFlow<()> {
        match cmd {
            Command::Stop => {
                let n = self.clients.len();
                let deadline = close_deadline();
                for (_, c) in std::mem::take(&mut self.clients) {
                    c.close_local(ctx, CloseReason::ServerStopped, deadline);
                }
                ctx.emit(
                    None,
                    None,
                    EventKind::Closed {
                        by: ClosedBy::Local,
                        reason: CloseReason::ServerEnded { clients: n as u64 },
                    },
                );
                return Break(());
            }
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::Send { payload, to } => {
                if let Some(bytes) = ctx.payload_bytes(payload) {
                    self.send(ctx, bytes, to);
                }
            }
            Command::Disconnect(id) => match self.take_client(id) {
                Some(mut c) => {
                    let _ = self.poll.registry().deregister(&mut c.stream);
                    c.close_local(ctx, CloseReason::Kicked, close_deadline());
                }
                None => not_connected(ctx, id),
            },
            Command::Reset(Some(id)) => match self.take_client(id) {
                Some(mut c) => {
                    let _ = self.poll.registry().deregister(&mut c.stream);
                    c.abort(ctx);
                }
                None => not_connected(ctx, id),
            },
            Command::SetShaping(s) => {
                self.shaping = s;
                for c in self.clients.values_mut() {
                    c.set_shaping(s);
                }
            }
            Command::Reset(None) => {
                self.by_id.clear();
                for (_, mut c) in std::mem::take(&mut self.clients) {
                    let _ = self.poll.registry().deregister(&mut c.stream);
                    c.abort(ctx);
                }
            }
            Command::StopListening => {
                if let Some(mut l) = self.listener.take() {
                    let _ = self.poll.registry().deregister(&mut l);
                    drop(l);
                    let clients = self.clients.len() as u64;
                    ctx.info(EventKind::StoppedListening { clients });
                }
            }
            Command::ShutdownWrite => {
                for c in self.clients.values_mut() {
                    c.shutdown_after_flush = true;
                }
            }
            Command::HoldFin(hold) => self.hold_fin = hold,
            Command::FinishHalfClose(id) => {
                // Only a client that half-closed: the host's answers to it are queued.
                let keep_open = self.cfg.keep_open_after_peer_fin;
                if let Some(c) = id
                    .and_then(|id| self.by_id.get(&id))
                    .and_then(|t| self.clients.get_mut(t))
                    && c.peer_fin
                    && !keep_open
                {
                    c.shutdown_after_flush = true;
                }
            }
            Command::SetDestination(_)
            | Command::SetFaults(_)
            | Command::SetRewrites(_)
            | Command::Intercept(_)
            | Command::CrowdReopen(_)
            | Command::CrowdHold(_) => ctx.info(EventKind::NotApplicable),
            Command::SendFile(spec) => {
                if self.clients.is_empty() {
                    file_send::start_failed(ctx, *spec, "no client is connected".into());
                } else {
                    file_send::start(ctx, &mut self.file, *spec);
                }
            }
            Command::CancelFile => file_send::cancel(ctx, &mut self.file),
            Command::PauseReading(paused) => return self.pause_reading(ctx, paused),
            Command::WsPing(to) => self.ws_ping(ctx, to),
        }
        Continue(())
    }

    /// Pauses or resumes reading on every client (and those accepted while paused); on
    /// resume each client's queue is read at once.
    fn pause_reading(&mut self, ctx: &mut Ctx, paused: bool) -> ControlFlow<()> {
        // The user's choice (or the timer's) ends a timed pause.
        self.resume_at = None;
        if self.paused == paused {
            return Continue(());
        }
        self.paused = paused;
        let registry = self.poll.registry();
        for (t, c) in self.clients.iter_mut() {
            c.set_paused(registry, *t, paused);
        }
        if paused {
            ctx.info(EventKind::ReadingPaused);
            return Continue(());
        }
        ctx.info(EventKind::ReadingResumed);
        let tokens: Vec<Token> = self.by_id.values().copied().collect();
        self.on_ready(ctx, tokens)
    }

    /// Queues `bytes` for one client, or for every client.
    fn send(&mut self, ctx: &mut Ctx, bytes: Vec<u8>, to: Target) {
        match to {
            Target::Client(id) => match self.by_id.get(&id).and_then(|t| self.clients.get_mut(t)) {
                Some(c) => c.queue(ctx, bytes),
                None => ctx.error(
                    None,
                    Some(id),
                    ErrorKind::NotConnected,
                    format!("not sent: client #{id} is not connected"),
                ),
            },
            _ => {
                if self.clients.is_empty() {
                    ctx.error(
                        None,
                        None,
                        ErrorKind::NotConnected,
                        "not sent: no client is connected".into(),
                    );
                }
                for t in self.by_id.values() {
                    if let Some(c) = self.clients.get_mut(t) {
                        c.queue(ctx, bytes.clone());
                    }
                }
            }
        }
    }

    /// WebSocket: pings one client, or every client.
    fn ws_ping(&mut self, ctx: &mut Ctx, to: Option<u64>) {
        match to {
            Some(id) => match self.by_id.get(&id).and_then(|t| self.clients.get_mut(t)) {
                Some(c) => c.ws_ping(ctx),
                None => not_connected(ctx, id),
            },
            None => {
                for t in self.by_id.values() {
                    if let Some(c) = self.clients.get_mut(t) {
                        c.ws_ping(ctx);
                    }
                }
            }
        }
    }

    /// Removes client `id` from the tables (the caller closes it).
    fn take_client(&mut self, id: u64) -> Option<Conn> {
        self.by_id.remove(&id).and_then(|t| self.clients.remove(&t))
    }

    /// A file: the next chunk once every target client's queue is empty.
    pub(super) fn step_file(&mut self, ctx: &mut Ctx) {
        let Some(f) = self.file.as_mut() else {
            return;
        };
        let targets: Vec<Token> = match f.spec.to {
            Target::Client(id) => self.by_id.get(&id).copied().into_iter().collect(),
            _ => self.by_id.values().copied().collect(),
        };
        if targets.is_empty() {
            f.fail(
                ctx,
                "file send stopped: the client it was going to is gone".into(),
            );
            self.file = None;
            return;
        }
        let idle = targets
            .iter()
            .all(|t| self.clients.get(t).is_none_or(|c| !c.has_pending()));
        match f.step(ctx, Instant::now(), idle) {
            Step::Chunk(b) => {
                for t in &targets {
                    if let Some(c) = self.clients.get_mut(t) {
                        c.queue_chunk(ctx, b.clone());
                    }
                }
            }
            Step::Wait => {}
            Step::Over => self.file = None,
        }
    }
}

fn not_connected(ctx: &mut Ctx, id: u64) {
    ctx.error(
        None,
        Some(id),
        ErrorKind::NotConnected,
        format!("client #{id} is not connected"),
    );
}
