//! The UDP crowd: N sources, each a socket on its own ephemeral port, sending to one
//! destination and showing what comes back to it; token = source id. A source may be
//! opened again ([`Command::CrowdReopen`]): its socket closes and a new one is bound (a
//! new ephemeral port), under the same number.

use super::{READ_BUF, READS_PER_TURN, Ramp, failure};
use crate::net::error::{ErrorKind, Op};
use crate::net::udp::icmp;
use crate::net::worker::{Ctx, TICK, WAKER};
use crate::net::{CloseReason, ClosedBy, Command, EventKind, SessionConfig};
use mio::{Events, Interest, Poll, Token};
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

struct Source {
    sock: Option<mio::net::UdpSocket>,
    local: Option<SocketAddr>,
}

struct Crowd<'a> {
    cfg: &'a SessionConfig,
    poll: Poll,
    dest: SocketAddr,
    sources: Vec<Source>,
    ramp: Ramp,
    buf: Vec<u8>,
    /// Sources that had more to read when their turn ended.
    again: Vec<u32>,
}

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    let Some(crowd_cfg) = cfg.crowd else {
        return;
    };
    super::raise_nofile(crowd_cfg.connections);
    let cannot = format!("destination {}", cfg.address);
    let Some(dest) = super::destination(cfg, ctx, &cannot) else {
        return;
    };
    let mut c = Crowd {
        cfg,
        poll,
        dest,
        sources: Vec::new(),
        ramp: Ramp::new(&crowd_cfg, Instant::now()),
        buf: vec![0u8; READ_BUF.max(65_536)],
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
        for _ in 0..c.ramp.due(Instant::now()) {
            c.open(ctx);
        }
        ctx.flush_notify();
        let mut wait = c.ramp.wait(Instant::now()).map_or(TICK, |w| w.min(TICK));
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
            if ev.token() != WAKER {
                c.read(ctx, ev.token().0 as u32);
            }
        }
        for id in std::mem::take(&mut c.again) {
            c.read(ctx, id);
        }
    }
}

impl Crowd<'_> {
    /// Binds the next source (told: Bound with its port, or the failure).
    fn open(&mut self, ctx: &mut Ctx) {
        self.ramp.opened();
        self.sources.push(Source {
            sock: None,
            local: None,
        });
        self.bind(ctx, self.sources.len() as u32);
    }

    /// A new socket for source `id` (on an ephemeral port), and the address it binds.
    fn fresh(&self, id: u32) -> (SocketAddr, io::Result<mio::net::UdpSocket>) {
        let bind: SocketAddr = if self.dest.is_ipv6() {
            SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0))
        } else {
            SocketAddr::from(([0, 0, 0, 0], 0))
        };
        (bind, bind_one(bind, self.cfg, &self.poll, id))
    }

    /// Binds a new socket for source `id` (whose slot holds none).
    fn bind(&mut self, ctx: &mut Ctx, id: u32) {
        let (bind, made) = self.fresh(id);
        self.install(ctx, id, bind, made);
    }

    /// Puts `made` in source `id`'s slot: told Bound with its port, or the failure.
    fn install(
        &mut self,
        ctx: &mut Ctx,
        id: u32,
        bind: SocketAddr,
        made: io::Result<mio::net::UdpSocket>,
    ) {
        let Some(src) = (id as usize)
            .checked_sub(1)
            .and_then(|i| self.sources.get_mut(i))
        else {
            return;
        };
        match made {
            Ok(s) => {
                let local = s.local_addr().ok();
                ctx.local = local;
                src.sock = Some(s);
                src.local = local;
                ctx.emit(Some(self.dest), Some(u64::from(id)), EventKind::Bound);
            }
            Err(e) => {
                src.local = None;
                let (kind, detail) = failure(&e, Op::Bind, &bind.to_string());
                ctx.local = None;
                ctx.error(Some(self.dest), Some(u64::from(id)), kind, detail);
            }
        }
    }

    /// Source `id` again: a new socket is bound while the old one still holds its port
    /// (so the new port differs), then the old one closes, told, and the new one is
    /// told. Only sources the ramp has opened; two sockets a source for that moment.
    fn reopen(&mut self, ctx: &mut Ctx, id: u64) {
        let Some(k) = u32::try_from(id)
            .ok()
            .filter(|&k| k >= 1 && k as usize <= self.sources.len())
        else {
            return ctx.info(EventKind::NotApplicable);
        };
        let (bind, made) = self.fresh(k);
        let Some(src) = self.sources.get_mut(k as usize - 1) else {
            return;
        };
        if let Some(mut s) = src.sock.take() {
            let _ = self.poll.registry().deregister(&mut s);
            ctx.local = src.local;
            let closed = EventKind::Closed {
                by: ClosedBy::Local,
                reason: CloseReason::SocketClosed,
            };
            ctx.emit(Some(self.dest), Some(id), closed);
        }
        self.install(ctx, k, bind, made);
    }

    fn read(&mut self, ctx: &mut Ctx, id: u32) {
        let Some(src) = (id as usize)
            .checked_sub(1)
            .and_then(|i| self.sources.get(i))
        else {
            return;
        };
        let Some(sock) = &src.sock else {
            return;
        };
        ctx.local = src.local;
        for _ in 0..READS_PER_TURN {
            match sock.recv_from(&mut self.buf) {
                Ok((n, from)) => {
                    let data = self.buf[..n].to_vec();
                    ctx.emit(Some(from), Some(u64::from(id)), EventKind::Rx(data));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if icmp::is_icmp_error(&e) => {
                    // An ICMP answer to an earlier datagram (port unreachable…): said with
                    // what the error queue tells, as the UDP tabs do; the source goes on.
                    let client = Some(u64::from(id));
                    let reports = icmp::read_queue(sock);
                    if reports.is_empty() {
                        let r = icmp::from_errno(&e, Some(self.dest));
                        ctx.emit(r.to, client, EventKind::Icmp(r));
                    }
                    for r in reports {
                        ctx.emit(r.to, client, EventKind::Icmp(r));
                    }
                    return;
                }
                Err(e) => {
                    let (kind, detail) = failure(&e, Op::Recv, &self.dest.to_string());
                    ctx.error(Some(self.dest), Some(u64::from(id)), kind, detail);
                    return;
                }
            }
        }
        // More may wait: read again next turn (one busy source does not starve the rest).
        self.again.push(id);
    }

    fn send_one(&mut self, ctx: &mut Ctx, id: u32, bytes: &[u8]) -> bool {
        let Some(src) = (id as usize)
            .checked_sub(1)
            .and_then(|i| self.sources.get(i))
        else {
            return false;
        };
        let Some(sock) = &src.sock else {
            return false;
        };
        ctx.local = src.local;
        let client = Some(u64::from(id));
        match sock.send_to(bytes, self.dest) {
            Ok(_) => {
                ctx.emit(Some(self.dest), client, EventKind::Tx(bytes.to_vec()));
            }
            Err(e) => {
                let (kind, detail) = failure(&e, Op::Send, &self.dest.to_string());
                ctx.error(Some(self.dest), client, kind, detail);
            }
        }
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
                let (n, dest) = (self.sources.len() as u32, self.dest);
                let none = "not sent: no source of the crowd is bound";
                super::send_to_members(ctx, to, n, dest, none, |ctx, id| {
                    self.send_one(ctx, id, &bytes)
                });
            }
            Command::CrowdReopen(id) => self.reopen(ctx, id),
            // A UDP crowd runs until it is stopped: nothing to hold.
            Command::CrowdHold(_) => {}
            _ => ctx.info(EventKind::NotApplicable),
        }
        false
    }

    fn close_all(&mut self, ctx: &mut Ctx) {
        for (i, src) in self.sources.iter_mut().enumerate() {
            if let Some(mut s) = src.sock.take() {
                let _ = self.poll.registry().deregister(&mut s);
                ctx.local = src.local;
                let closed = EventKind::Closed {
                    by: ClosedBy::Local,
                    reason: CloseReason::SocketClosed,
                };
                ctx.emit(Some(self.dest), Some(i as u64 + 1), closed);
                if ctx.gone {
                    return;
                }
            }
        }
        ctx.flush_notify();
    }
}

fn bind_one(
    bind: SocketAddr,
    cfg: &SessionConfig,
    poll: &Poll,
    id: u32,
) -> io::Result<mio::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let s = Socket::new(Domain::for_address(bind), Type::DGRAM, Some(Protocol::UDP))?;
    if cfg.broadcast {
        s.set_broadcast(true)?;
    }
    crate::net::sockopts::apply(
        &socket2::SockRef::from(&s),
        &cfg.sockopts,
        false,
        bind.is_ipv6(),
    );
    // ICMP errors (port unreachable…) are read from the socket's error queue.
    icmp::enable(&s, bind.is_ipv6());
    s.set_nonblocking(true)?;
    s.bind(&bind.into())?;
    let mut m = mio::net::UdpSocket::from_std(s.into());
    poll.registry()
        .register(&mut m, Token(id as usize), Interest::READABLE)?;
    Ok(m)
}
