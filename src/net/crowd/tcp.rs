//! The TCP crowd: N non-blocking connections on one mio poll, token = client id.

use super::{OUT_CAP, READ_BUF, READS_PER_TURN, Ramp, failure};
use crate::net::addr;
use crate::net::error::{ErrorKind, Op, resolve_failure_kind};
use crate::net::worker::{Ctx, TICK, WAKER};
use crate::net::{CloseReason, ClosedBy, Command, EventKind, ResetReason, SessionConfig};
use mio::{Events, Interest, Poll, Token};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Connecting,
    Open,
    Done,
}

/// One connection: its socket while it lives, and what the kernel did not take yet.
struct Slot {
    sock: Option<mio::net::TcpStream>,
    local: Option<SocketAddr>,
    state: State,
    out: Vec<u8>,
}

struct Crowd<'a> {
    cfg: &'a SessionConfig,
    poll: Poll,
    target: SocketAddr,
    slots: Vec<Slot>,
    /// Connect deadlines, in the order the connects started (the timeout is one for all).
    deadlines: VecDeque<(Instant, u32)>,
    ramp: Ramp,
    buf: Vec<u8>,
    /// Connections still connecting or open.
    live: u32,
    /// Connections that had more to read when their turn ended (read again next turn, so
    /// one busy connection does not starve the others).
    again: Vec<u32>,
}

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    let Some(crowd_cfg) = cfg.crowd else {
        return;
    };
    super::raise_nofile(crowd_cfg.connections);
    let target = match addr::resolve(&cfg.address) {
        Ok(v) if !v.is_empty() => v[0],
        Ok(_) | Err(_) => {
            ctx.error(
                None,
                None,
                resolve_failure_kind(&cfg.address),
                format!(
                    "cannot connect to {}: the address does not resolve",
                    cfg.address
                ),
            );
            return;
        }
    };
    let mut c = Crowd {
        cfg,
        poll,
        target,
        slots: Vec::new(),
        deadlines: VecDeque::new(),
        ramp: Ramp::new(&crowd_cfg, Instant::now()),
        buf: vec![0u8; READ_BUF],
        live: 0,
        again: Vec::new(),
    };
    let mut events = Events::with_capacity(1024);
    loop {
        while let Some(cmd) = ctx.next_command() {
            if c.on_command(ctx, cmd) {
                c.close_all(ctx);
                return;
            }
        }
        if ctx.gone {
            return;
        }
        let now = Instant::now();
        for _ in 0..c.ramp.due(now) {
            c.open(ctx);
        }
        c.time_out(ctx, now);
        ctx.flush_notify();
        if c.ramp.done() && c.live == 0 {
            return;
        }
        let now = Instant::now();
        let mut wait = TICK;
        if let Some(w) = c.ramp.wait(now) {
            wait = wait.min(w);
        }
        if let Some((at, _)) = c.deadlines.front() {
            wait = wait.min(at.saturating_duration_since(now));
        }
        if !c.again.is_empty() {
            wait = std::time::Duration::ZERO;
        }
        if let Err(e) = c.poll.poll(&mut events, Some(wait)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            ctx.error(None, None, ErrorKind::Internal, format!("poll failed: {e}"));
            c.close_all(ctx);
            return;
        }
        for ev in events.iter() {
            if ev.token() == WAKER {
                continue;
            }
            let id = ev.token().0 as u32;
            c.ready(ctx, id, ev.is_writable());
        }
        for id in std::mem::take(&mut c.again) {
            c.read(ctx, id);
        }
    }
}

impl Crowd<'_> {
    fn slot(&mut self, id: u32) -> Option<&mut Slot> {
        self.slots.get_mut((id as usize).checked_sub(1)?)
    }

    /// Opens the next connection (its connect under way, or failed at once: told).
    fn open(&mut self, ctx: &mut Ctx) {
        self.ramp.opened();
        let id = self.slots.len() as u32 + 1;
        let client = Some(u64::from(id));
        let peer = Some(self.target);
        ctx.local = None;
        ctx.emit(peer, client, EventKind::Connecting);
        let made = open(self.target, &self.cfg.sockopts).and_then(|mut s| {
            self.poll.registry().register(
                &mut s,
                Token(id as usize),
                Interest::READABLE | Interest::WRITABLE,
            )?;
            Ok(s)
        });
        match made {
            Ok(s) => {
                self.slots.push(Slot {
                    sock: Some(s),
                    local: None,
                    state: State::Connecting,
                    out: Vec::new(),
                });
                self.live += 1;
                let deadline = Instant::now() + self.cfg.connect_timeout;
                self.deadlines.push_back((deadline, id));
            }
            Err(e) => {
                self.slots.push(Slot {
                    sock: None,
                    local: None,
                    state: State::Done,
                    out: Vec::new(),
                });
                let (kind, detail) = failure(&e, Op::Connect, &self.target.to_string());
                ctx.error(peer, client, kind, detail);
            }
        }
    }

    /// Connects that took longer than the timeout fail.
    fn time_out(&mut self, ctx: &mut Ctx, now: Instant) {
        while let Some(&(at, id)) = self.deadlines.front() {
            if at > now {
                break;
            }
            self.deadlines.pop_front();
            if self.slot(id).is_some_and(|s| s.state == State::Connecting) {
                let secs = self.cfg.connect_timeout.as_secs_f64();
                let detail = format!(
                    "cannot connect to {}: timed out after {secs:.1} s with no answer to the SYN",
                    self.target
                );
                self.end(ctx, id, None);
                ctx.error(
                    Some(self.target),
                    Some(u64::from(id)),
                    ErrorKind::TimedOut,
                    detail,
                );
            }
        }
    }

    /// The socket of `id` is ready.
    fn ready(&mut self, ctx: &mut Ctx, id: u32, writable: bool) {
        let target = self.target;
        let Some(slot) = self.slot(id) else {
            return;
        };
        let Some(sock) = slot.sock.as_ref() else {
            return;
        };
        if slot.state == State::Connecting {
            // Writable with no SO_ERROR: the handshake is done (no getpeername needed).
            let err = match sock.take_error() {
                Ok(Some(e)) | Err(e) => Some(e),
                Ok(None) if writable => None,
                Ok(None) => match sock.peer_addr() {
                    Ok(_) => None,
                    Err(e) if e.kind() == io::ErrorKind::NotConnected => return,
                    Err(e) => Some(e),
                },
            };
            if let Some(e) = err {
                let (kind, detail) = failure(&e, Op::Connect, &target.to_string());
                self.end(ctx, id, None);
                ctx.error(Some(target), Some(u64::from(id)), kind, detail);
                return;
            }
            slot.state = State::Open;
            slot.local = sock.local_addr().ok();
            ctx.local = slot.local;
            ctx.emit(Some(target), Some(u64::from(id)), EventKind::Connected);
        }
        if writable {
            self.flush(ctx, id);
        }
        self.read(ctx, id);
    }

    /// Reads what waits on `id`, until the kernel has no more (edge-triggered).
    fn read(&mut self, ctx: &mut Ctx, id: u32) {
        let target = self.target;
        let client = Some(u64::from(id));
        let Some(i) = (id as usize).checked_sub(1) else {
            return;
        };
        for _ in 0..READS_PER_TURN {
            let Some(slot) = self.slots.get_mut(i) else {
                return;
            };
            let Some(sock) = slot.sock.as_mut() else {
                return;
            };
            ctx.local = slot.local;
            match sock.read(&mut self.buf) {
                Ok(0) => {
                    let closed = EventKind::Closed {
                        by: ClosedBy::Peer,
                        reason: CloseReason::PeerFin,
                    };
                    self.end(ctx, id, Some(closed));
                    return;
                }
                Ok(n) => {
                    ctx.emit(Some(target), client, EventKind::Rx(self.buf[..n].to_vec()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return self.broken(ctx, id, &e, Op::Recv),
            }
        }
        self.again.push(id);
    }

    /// A read or write failed: a reset, or an error.
    fn broken(&mut self, ctx: &mut Ctx, id: u32, e: &io::Error, op: Op) {
        let reason = match e.kind() {
            io::ErrorKind::ConnectionReset => Some(ResetReason::PeerReset),
            io::ErrorKind::ConnectionAborted => Some(ResetReason::Aborted),
            io::ErrorKind::BrokenPipe => Some(ResetReason::BrokenPipe),
            _ => None,
        };
        match reason {
            Some(reason) => self.end(ctx, id, Some(EventKind::Reset { reason })),
            None => {
                let (kind, detail) = failure(e, op, &self.target.to_string());
                self.end(ctx, id, None);
                ctx.error(Some(self.target), Some(u64::from(id)), kind, detail);
            }
        }
    }

    /// Ends `id`: the socket closes (dropped), `told` is said.
    fn end(&mut self, ctx: &mut Ctx, id: u32, told: Option<EventKind>) {
        let target = self.target;
        let Some(slot) = self.slot(id) else {
            return;
        };
        if slot.state == State::Done {
            return;
        }
        let local = slot.local;
        if let Some(mut s) = slot.sock.take() {
            let _ = self.poll.registry().deregister(&mut s);
        }
        let Some(slot) = self.slot(id) else {
            return;
        };
        slot.state = State::Done;
        slot.out = Vec::new();
        self.live = self.live.saturating_sub(1);
        if let Some(kind) = told {
            ctx.local = local;
            ctx.emit(Some(target), Some(u64::from(id)), kind);
        }
    }

    /// Writes what `id` holds, as far as the kernel takes it.
    fn flush(&mut self, ctx: &mut Ctx, id: u32) {
        let Some(slot) = self.slot(id) else {
            return;
        };
        let (Some(sock), State::Open) = (slot.sock.as_mut(), slot.state) else {
            return;
        };
        while !slot.out.is_empty() {
            match sock.write(&slot.out) {
                Ok(n) => {
                    slot.out.drain(..n);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return self.broken(ctx, id, &e, Op::Send),
            }
        }
        if slot.out.capacity() > 4096 && slot.out.is_empty() {
            slot.out = Vec::new();
        }
    }

    /// One message for `id`: queued and written now as far as the kernel takes it.
    fn send_one(&mut self, ctx: &mut Ctx, id: u32, bytes: &[u8]) -> bool {
        let target = self.target;
        let Some(slot) = self.slot(id) else {
            return false;
        };
        if slot.state != State::Open {
            return false;
        }
        let local = slot.local;
        if slot.out.len() + bytes.len() > OUT_CAP {
            ctx.local = local;
            ctx.error(
                Some(target),
                Some(u64::from(id)),
                ErrorKind::Io,
                format!(
                    "not sent: connection {id} holds {} bytes the server has not taken (at most {OUT_CAP})",
                    slot.out.len()
                ),
            );
            return true;
        }
        slot.out.extend_from_slice(bytes);
        ctx.local = local;
        ctx.emit(
            Some(target),
            Some(u64::from(id)),
            EventKind::Tx(bytes.to_vec()),
        );
        self.flush(ctx, id);
        true
    }

    /// One command. True: stop.
    fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) -> bool {
        match cmd {
            Command::Stop => return true,
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::Send { payload, to } => {
                let Some(bytes) = ctx.payload_bytes(payload) else {
                    return false;
                };
                let (n, target) = (self.slots.len() as u32, self.target);
                let none = "not sent: no connection of the crowd is open";
                super::send_to_members(ctx, to, n, target, none, |ctx, id| {
                    self.send_one(ctx, id, &bytes)
                });
            }
            Command::Disconnect(id) => {
                let closed = EventKind::Closed {
                    by: ClosedBy::Local,
                    reason: CloseReason::Kicked,
                };
                self.end(ctx, id as u32, Some(closed));
            }
            Command::Reset(which) => {
                let ids: Vec<u32> = match which {
                    Some(id) => vec![id as u32],
                    None => (1..=self.slots.len() as u32).collect(),
                };
                for id in ids {
                    self.abort(ctx, id);
                }
            }
            // A crowd closes on the peer's FIN (its replies go out as they are made).
            Command::HoldFin(_) | Command::FinishHalfClose(_) => {}
            _ => ctx.info(EventKind::NotApplicable),
        }
        false
    }

    /// RST instead of FIN (SO_LINGER 0, then close).
    fn abort(&mut self, ctx: &mut Ctx, id: u32) {
        if let Some(slot) = self.slot(id)
            && slot.state == State::Open
            && let Some(s) = &slot.sock
        {
            let _ = socket2::SockRef::from(s).set_linger(Some(std::time::Duration::ZERO));
            let reset = EventKind::Reset {
                reason: ResetReason::ResetHere,
            };
            self.end(ctx, id, Some(reset));
        }
    }

    /// Stop: every connection closes (a connect under way is cancelled).
    fn close_all(&mut self, ctx: &mut Ctx) {
        for id in 1..=self.slots.len() as u32 {
            let reason = match self.slot(id).map(|s| s.state) {
                Some(State::Connecting) => CloseReason::ConnectCancelled,
                Some(State::Open) => CloseReason::LocalClose,
                _ => continue,
            };
            if let Some(s) = self.slot(id)
                && let Some(sock) = s.sock.as_mut()
            {
                let _ = sock.flush();
            }
            let closed = EventKind::Closed {
                by: ClosedBy::Local,
                reason,
            };
            self.end(ctx, id, Some(closed));
            if ctx.gone {
                return;
            }
        }
        ctx.flush_notify();
    }
}

/// A non-blocking socket with the user's options, its connect() under way.
fn open(
    target: SocketAddr,
    opts: &crate::net::sockopts::SockOpts,
) -> io::Result<mio::net::TcpStream> {
    use socket2::{Domain, Protocol, Socket, Type};
    // Linux: non-blocking from the start (one call less per connection).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let s = Socket::new(
        Domain::for_address(target),
        Type::STREAM.nonblocking(),
        Some(Protocol::TCP),
    )?;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let s = {
        let s = Socket::new(
            Domain::for_address(target),
            Type::STREAM,
            Some(Protocol::TCP),
        )?;
        s.set_nonblocking(true)?;
        s
    };
    crate::net::sockopts::apply(&socket2::SockRef::from(&s), opts, true, target.is_ipv6());
    let _ = s.set_tcp_nodelay(true);
    match s.connect(&target.into()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        #[cfg(unix)]
        Err(e) if e.raw_os_error() == Some(crate::net::tcp_client::EINPROGRESS) => {}
        Err(e) => return Err(e),
    }
    Ok(mio::net::TcpStream::from_std(s.into()))
}
