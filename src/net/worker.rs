//! What every worker shares: the context that stamps and delivers events, buffers commands,
//! and the entry point that runs a role and turns a panic into an error event.

use super::error::{ErrorKind, Op, describe};
use super::{Command, Event, EventKind, Notifier, Role, SessionConfig};
use crate::codec::{self, Encoding};
use crate::net::Payload;
use crossbeam_channel::{Receiver, Sender, TrySendError};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

pub(crate) const WAKER: mio::Token = mio::Token(0);
/// How long a worker waits in poll before looking at its channel again. The waker makes
/// commands sent through [`super::Session::send`] immediate; this bounds the rest.
pub(crate) const TICK: Duration = Duration::from_millis(50);

/// The worker's side: emits events, receives commands, remembers the encoding.
pub(crate) struct Ctx {
    pub role: Role,
    pub encoding: Encoding,
    pub local: Option<SocketAddr>,
    events: Sender<Event>,
    commands: Receiver<Command>,
    notify: Option<Notifier>,
    deferred: VecDeque<Command>,
    dirty: bool,
    /// The receiving side has gone: nobody is listening, so the worker should end.
    pub gone: bool,
    /// A Stop command was seen while waiting on a full channel.
    pub stop_seen: bool,
    /// TCP: the newest kernel sample of each open connection (see [`super::tcp_info`]).
    pub stats: super::tcp_info::StatsBoard,
}

impl Ctx {
    pub fn new(
        role: Role,
        encoding: Encoding,
        events: Sender<Event>,
        commands: Receiver<Command>,
        notify: Option<Notifier>,
    ) -> Ctx {
        Ctx {
            role,
            encoding,
            local: None,
            events,
            commands,
            notify,
            deferred: VecDeque::new(),
            dirty: false,
            gone: false,
            stop_seen: false,
            stats: Default::default(),
        }
    }

    /// Delivers an event. If the channel is full, waits (this is the back-pressure that keeps
    /// memory bounded) while still noticing Stop. Returns false if nobody is listening any more.
    pub fn emit(&mut self, peer: Option<SocketAddr>, client: Option<u64>, kind: EventKind) -> bool {
        self.emit_op(peer, client, kind, None)
    }

    /// [`Ctx::emit`] of a WebSocket message: rx/tx with its opcode.
    pub fn emit_op(
        &mut self,
        peer: Option<SocketAddr>,
        client: Option<u64>,
        kind: EventKind,
        opcode: Option<super::ws::Opcode>,
    ) -> bool {
        if self.gone {
            return false;
        }
        let mut ev = Event {
            ts_us: super::now_us(),
            role: self.role,
            local: self.local,
            peer,
            client,
            kind,
            opcode,
        };
        loop {
            match self.events.try_send(ev) {
                Ok(()) => {
                    self.dirty = true;
                    return true;
                }
                Err(TrySendError::Disconnected(_)) => {
                    self.gone = true;
                    return false;
                }
                Err(TrySendError::Full(back)) => {
                    ev = back;
                    self.notify_now();
                    match self.events.send_timeout(ev, TICK) {
                        Ok(()) => {
                            self.dirty = true;
                            return true;
                        }
                        Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => {
                            self.gone = true;
                            return false;
                        }
                        Err(crossbeam_channel::SendTimeoutError::Timeout(back)) => {
                            ev = back;
                            // Keep commands in order, but remember a Stop.
                            while let Ok(c) = self.commands.try_recv() {
                                if matches!(c, Command::Stop) {
                                    self.stop_seen = true;
                                }
                                self.deferred.push_back(c);
                            }
                        }
                    }
                }
            }
        }
    }

    pub fn error(
        &mut self,
        peer: Option<SocketAddr>,
        client: Option<u64>,
        kind: ErrorKind,
        detail: String,
    ) {
        self.emit(peer, client, EventKind::Error { kind, detail });
    }

    pub fn io_error(
        &mut self,
        peer: Option<SocketAddr>,
        client: Option<u64>,
        e: &std::io::Error,
        op: Op,
        addr: &str,
    ) {
        let (kind, detail) = describe(e, op, addr);
        if matches!(op, Op::Bind | Op::Listen)
            && let Some(advice) = super::port_owner::advice(kind, addr, self.role.is_tcp())
        {
            self.emit(peer, client, advice);
        }
        self.error(peer, client, kind, detail);
    }

    /// Emits a session-wide fact (no peer, no client).
    pub fn info(&mut self, kind: EventKind) {
        self.emit(None, None, kind);
    }

    /// The next command, if any, without waiting.
    pub fn next_command(&mut self) -> Option<Command> {
        if let Some(c) = self.deferred.pop_front() {
            return Some(c);
        }
        match self.commands.try_recv() {
            Ok(c) => Some(c),
            Err(crossbeam_channel::TryRecvError::Empty) => None,
            Err(crossbeam_channel::TryRecvError::Disconnected) => {
                // The handle was dropped without Stop: treat as Stop.
                Some(Command::Stop)
            }
        }
    }

    /// Moves every waiting command into the queue (keeping order) and says whether any
    /// of them matches `stop`.
    pub fn pull_commands(&mut self, stop: impl Fn(&Command) -> bool) -> bool {
        while let Ok(c) = self.commands.try_recv() {
            self.deferred.push_back(c);
        }
        self.stop_seen || self.deferred.iter().any(stop)
    }

    /// Tells the GUI to repaint if events were sent since the last call.
    pub fn flush_notify(&mut self) {
        if self.dirty {
            self.notify_now();
        }
    }

    fn notify_now(&mut self) {
        self.dirty = false;
        if let Some(n) = &self.notify {
            n();
        }
    }

    /// Builds the bytes of a payload in the session's encoding.
    pub fn payload_bytes(&mut self, payload: Payload) -> Option<Vec<u8>> {
        match payload {
            Payload::Bytes(b) => Some(b),
            Payload::Text(t) => match codec::encode(self.encoding, &t) {
                Ok(b) => Some(b),
                Err(e) => {
                    self.error(None, None, ErrorKind::BadPayload, format!("not sent: {e}"));
                    None
                }
            },
        }
    }
}

/// Thread entry point: runs the role, catching a panic so a bug never takes the app down.
pub(crate) fn run(config: SessionConfig, poll: std::io::Result<mio::Poll>, mut ctx: Ctx) {
    let poll = match poll {
        Ok(p) => p,
        Err(e) => {
            ctx.error(
                None,
                None,
                ErrorKind::Internal,
                format!("cannot start the session: {e}"),
            );
            ctx.flush_notify();
            return;
        }
    };
    let notify = ctx.notify.clone();
    let events = ctx.events.clone();
    let role = ctx.role;
    let stats = ctx.stats.clone();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut ctx = ctx;
        if let Some(names) = super::unix_name::unix_names(&config) {
            match names {
                Ok(names) => unix_run(&config, names, poll, &mut ctx),
                Err(msg) => ctx.error(None, None, ErrorKind::BadAddress, msg),
            }
            ctx.flush_notify();
            return;
        }
        match config.role {
            Role::TcpClient if config.crowd.is_some() => {
                super::crowd::run_tcp(&config, poll, &mut ctx)
            }
            Role::UdpSender if config.crowd.is_some() => {
                super::crowd::run_udp(&config, poll, &mut ctx)
            }
            Role::UdpSender | Role::UdpReceiver => super::udp::run(&config, poll, &mut ctx),
            Role::TcpClient => super::tcp_client::run(&config, poll, &mut ctx),
            Role::TcpServer => super::tcp_server::run(&config, poll, &mut ctx),
            // A relay session runs `relay::host` instead (see `Session::start`).
            Role::Relay => {}
        }
        ctx.flush_notify();
    }));
    // No connection is open any more.
    super::tcp_info::publish(&stats, Default::default());
    if let Err(panic) = result {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let _ = events.send_timeout(
            Event {
                ts_us: super::now_us(),
                role,
                local: None,
                peer: None,
                client: None,
                kind: EventKind::Error {
                    kind: ErrorKind::Internal,
                    detail: format!(
                        "internal error (a bug; please report it): the worker stopped: {what}"
                    ),
                },
                opcode: None,
            },
            Duration::from_secs(1),
        );
        if let Some(n) = notify {
            n();
        }
    }
}

/// A session on unix sockets (see [`super::unix_name::unix_names`]).
#[cfg(unix)]
fn unix_run(
    config: &SessionConfig,
    names: super::unix_name::Names,
    poll: mio::Poll,
    ctx: &mut Ctx,
) {
    super::unix::run(config, names, poll, ctx);
}

/// No unix sockets here: [`super::unix_name::unix_names`] has already said so.
#[cfg(not(unix))]
fn unix_run(_: &SessionConfig, _: super::unix_name::Names, _: mio::Poll, _: &mut Ctx) {}
