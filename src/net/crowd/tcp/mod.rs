//! The TCP crowd: N non-blocking connections on one mio poll, token = client id. A member
//! may be opened again ([`Command::CrowdReopen`]): the same slot, number and token, a new
//! socket.

use super::{OUT_CAP, READ_BUF, READS_PER_TURN, Ramp, failure};

mod commands;
use crate::net::error::{ErrorKind, Op};
use crate::net::worker::{Ctx, TICK, WAKER};
use crate::net::{CloseReason, ClosedBy, EventKind, ResetReason, SessionConfig};
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
    /// How many connects this member has started (a connect deadline names the one it
    /// is for: a reopen's connect is not timed out by the first one's deadline).
    turn: u32,
}

struct Crowd<'a> {
    cfg: &'a SessionConfig,
    poll: Poll,
    target: SocketAddr,
    slots: Vec<Slot>,
    /// Connect deadlines (when, member, its turn), in the order the connects started
    /// (the timeout is one for all).
    deadlines: VecDeque<(Instant, u32, u32)>,
    ramp: Ramp,
    buf: Vec<u8>,
    /// Connections still connecting or open.
    live: u32,
    /// Connections that had more to read when their turn ended (read again next turn, so
    /// one busy connection does not starve the others).
    again: Vec<u32>,
    /// Keep running when every connection has ended ([`Command::CrowdHold`]).
    hold: bool,
}

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    let Some(crowd_cfg) = cfg.crowd else {
        return;
    };
    super::raise_nofile(crowd_cfg.connections);
    let cannot = format!("cannot connect to {}", cfg.address);
    let Some(target) = super::destination(cfg, ctx, &cannot) else {
        return;
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
        hold: false,
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
        if c.ramp.done() && c.live == 0 && !c.hold {
            return;
        }
        let now = Instant::now();
        let mut wait = TICK;
        if let Some(w) = c.ramp.wait(now) {
            wait = wait.min(w);
        }
        if let Some((at, ..)) = c.deadlines.front() {
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
        self.slots.push(Slot {
            sock: None,
            local: None,
            state: State::Done,
            out: Vec::new(),
            turn: 0,
        });
        self.connect(ctx, self.slots.len() as u32);
    }

    /// Starts a connect for member `id`, whose slot has ended (or was just made): told
    /// Connecting, then the failure at once, or later Connected or the failure.
    fn connect(&mut self, ctx: &mut Ctx, id: u32) {
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
        let deadline = Instant::now() + self.cfg.connect_timeout;
        let Some(slot) = self.slot(id) else {
            return;
        };
        match made {
            Ok(s) => {
                slot.sock = Some(s);
                slot.local = None;
                slot.state = State::Connecting;
                slot.turn = slot.turn.wrapping_add(1);
                let turn = slot.turn;
                self.live += 1;
                self.deadlines.push_back((deadline, id, turn));
            }
            Err(e) => {
                let (kind, detail) = failure(&e, Op::Connect, &self.target.to_string());
                ctx.error(peer, client, kind, detail);
            }
        }
    }

    /// Connects that took longer than the timeout fail.
    fn time_out(&mut self, ctx: &mut Ctx, now: Instant) {
        while let Some(&(at, id, turn)) = self.deadlines.front() {
            if at > now {
                break;
            }
            self.deadlines.pop_front();
            if self
                .slot(id)
                .is_some_and(|s| s.state == State::Connecting && s.turn == turn)
            {
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
