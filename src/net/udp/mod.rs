//! The UDP sender and UDP receiver. Both are one datagram socket: the sender binds an
//! optional local address and sends to its destination; the receiver binds a known
//! address and can reply to whoever sent to it. Every datagram is one event.

use super::addr;
use super::error::{ErrorKind, Op, describe, resolve_failure_kind};
use super::file_send::{self, FileSend, Step};
use super::rxbatch::RecvBatch;
use super::worker::{Ctx, TICK};
use super::{CloseReason, ClosedBy, Command, EventKind, Payload, Role, SessionConfig, Target};
use mio::{Events, Interest, Poll, Token};
use socket2::Socket;
use std::io;
use std::net::SocketAddr;
use std::ops::ControlFlow::{self, Break, Continue};
use std::time::Instant;

pub(crate) mod icmp;
mod multicast;
mod sock;

use sock::{any_v4, bind_address, file_target, open, send_to};

const SOCK: Token = Token(1);

pub(crate) fn run(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) {
    let Some(mut udp) = Udp::start(cfg, poll, ctx) else {
        return;
    };
    if let Some(closing) = udp.serve(ctx) {
        udp.close(ctx, closing);
    }
}

/// The sender's or receiver's worker: the socket and what the loop remembers.
struct Udp {
    sender: bool,
    poll: Poll,
    socket: mio::net::UdpSocket,
    /// Sender: where datagrams go (None until one is named).
    dest: Option<SocketAddr>,
    /// Receiver: who sent last (replies go there).
    last_sender: Option<SocketAddr>,
    /// The read buffers, each large enough for any datagram (several per call on Linux).
    batch: RecvBatch,
    drops: super::rxq::Drops,
    file: Option<FileSend>,
    file_to: SocketAddr,
    /// Where the last datagram went (what an ICMP error with no address is about).
    last_to: Option<SocketAddr>,
    /// Datagrams the last drain read, and the flood pacing they feed.
    drained: usize,
    pace: super::pace::Pace,
}

impl Udp {
    /// Resolves the destination (sender), binds, joins or sets up multicast, watches the
    /// socket and says so; None when any of that failed (told).
    fn start(cfg: &SessionConfig, poll: Poll, ctx: &mut Ctx) -> Option<Udp> {
        let sender = cfg.role == Role::UdpSender;
        // Resolve the destination (sender) first: it decides IPv4 or IPv6 for the bind.
        let mut dest: Option<SocketAddr> = None;
        // A sender may bind with no destination yet (SetDestination names one later).
        if sender && !cfg.address.trim().is_empty() {
            match addr::resolve(&cfg.address) {
                Ok(v) => dest = v.first().copied(),
                Err(e) => {
                    ctx.error(
                        None,
                        None,
                        resolve_failure_kind(&cfg.address),
                        format!("destination {}: {e}", cfg.address),
                    );
                    return None;
                }
            }
        }
        let bind_text = if sender {
            cfg.bind.clone().unwrap_or_default()
        } else {
            cfg.address.clone()
        };
        if let Some(m) = &cfg.multicast
            && let Err(message) = multicast::check_multicast(m)
        {
            ctx.error(None, None, ErrorKind::BadAddress, message);
            return None;
        }
        let mut bind_addr = match bind_address(&bind_text, dest) {
            Ok(a) => a,
            Err(e) => {
                // A name that does not resolve is that, not a malformed address.
                ctx.error(
                    None,
                    None,
                    resolve_failure_kind(&bind_text),
                    format!("local address {bind_text}: {e}"),
                );
                return None;
            }
        };
        // A multicast receiver binds the wildcard address of the group's family on the
        // port: datagrams to the group carry the group as destination, not an interface
        // address.
        if !sender && let Some(m) = &cfg.multicast {
            bind_addr = SocketAddr::new(multicast::wildcard(m.group), bind_addr.port());
        }
        let socket = bind(cfg, sender, bind_addr, ctx)?;
        let socket: std::net::UdpSocket = socket.into();
        let mut socket = mio::net::UdpSocket::from_std(socket);
        if let Err(e) = poll
            .registry()
            .register(&mut socket, SOCK, Interest::READABLE)
        {
            ctx.error(
                None,
                None,
                ErrorKind::Internal,
                format!("cannot watch the socket: {e}"),
            );
            return None;
        }
        ctx.local = socket.local_addr().ok();
        ctx.emit(None, None, EventKind::Bound);
        if !cfg.sockopts.is_empty() {
            let r = socket2::SockRef::from(&socket);
            let v6 = bind_addr.is_ipv6();
            let report = super::sockopts::report(&r, &cfg.sockopts, false, v6);
            ctx.info(EventKind::SocketOptions(Box::new(report)));
        }
        if cfg.broadcast {
            ctx.info(EventKind::BroadcastOn);
        }
        let drops = super::rxq::Drops::new(&socket);
        Some(Udp {
            sender,
            poll,
            socket,
            dest,
            last_sender: None,
            batch: RecvBatch::new(),
            drops,
            file: None,
            file_to: any_v4(),
            last_to: dest,
            drained: 0,
            pace: super::pace::Pace::default(),
        })
    }

    /// The loop: commands, the file's next datagrams, then wait and read every datagram
    /// waiting. The reason to tell when it ends, or None when the session is gone.
    fn serve(&mut self, ctx: &mut Ctx) -> Option<CloseReason> {
        let mut events = Events::with_capacity(64);
        loop {
            // Commands first.
            while let Some(cmd) = ctx.next_command() {
                if let Command::Stop = cmd {
                    return Some(CloseReason::SocketClosed);
                }
                self.on_command(ctx, cmd);
                if ctx.gone {
                    return None;
                }
            }
            ctx.flush_notify();
            if ctx.stop_seen || ctx.gone {
                return Some(CloseReason::SocketClosed);
            }
            self.send_file_chunks(ctx);
            let timeout = self
                .file
                .as_ref()
                .map_or(TICK, |f| f.wait(Instant::now(), true, TICK));
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                ctx.error(None, None, ErrorKind::Internal, format!("poll failed: {e}"));
                return Some(CloseReason::InternalError);
            }
            // One socket: whatever woke the poll (the socket, the waker or the timeout),
            // every datagram waiting is read.
            if self.drain(ctx).is_break() {
                return None;
            }
            // In a flood, let datagrams gather in the socket's buffer before waiting on it
            // again (see `pace`); a file being sent is not held up.
            let now = Instant::now();
            self.pace.taken(self.drained as u64, now);
            if self.drained > 0
                && self.file.is_none()
                && let Some(p) = self.pace.pause(now)
            {
                ctx.flush_notify();
                std::thread::sleep(p);
            }
            // Idle (or a tick): the counter is read directly, so the total is exact soon
            // after a flood ends even if no datagram follows it.
            if let Some(total) = self.drops.due(&self.socket, Instant::now(), false) {
                ctx.info(EventKind::KernelDrops { total });
            }
            ctx.flush_notify();
        }
    }

    /// The last drop count, then the end.
    fn close(&mut self, ctx: &mut Ctx, closing: CloseReason) {
        if let Some(total) = self.drops.due(&self.socket, Instant::now(), true) {
            ctx.info(EventKind::KernelDrops { total });
        }
        ctx.emit(
            None,
            None,
            EventKind::Closed {
                by: ClosedBy::Local,
                reason: closing,
            },
        );
    }

    /// One command from the session other than Stop.
    fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) {
        match cmd {
            Command::Stop => {}
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::SetDestination(d) => match addr::resolve(&d) {
                Ok(v) => {
                    self.dest = v.first().copied();
                    ctx.info(EventKind::Destination { to: d });
                }
                // No destination rather than the old one: nothing goes where the field no
                // longer says (a send says there is no destination until a good one).
                Err(e) => {
                    self.dest = None;
                    ctx.error(
                        None,
                        None,
                        resolve_failure_kind(&d),
                        format!("destination {d}: {e}"),
                    );
                }
            },
            Command::Send { payload, to } => self.send(ctx, payload, to),
            Command::SendFile(spec) => {
                let spec = *spec;
                let fallback = if self.sender {
                    self.dest
                } else {
                    self.last_sender
                };
                match file_target(&spec.to, fallback) {
                    Ok(t) => {
                        file_send::start(ctx, &mut self.file, spec);
                        self.file_to = t;
                    }
                    Err(m) => file_send::start_failed(ctx, spec, m),
                }
            }
            Command::CancelFile => file_send::cancel(ctx, &mut self.file),
            Command::ShutdownWrite
            | Command::Disconnect(_)
            | Command::Reset(_)
            | Command::SetShaping(_)
            | Command::PauseReading(_)
            | Command::StopListening
            | Command::SetFaults(_)
            | Command::WsPing(_)
            | Command::HoldFin(_)
            | Command::FinishHalfClose(_)
            | Command::SetRewrites(_)
            | Command::Intercept(_)
            | Command::CrowdReopen(_)
            | Command::CrowdHold(_) => {
                ctx.info(EventKind::NotApplicable);
            }
        }
    }

    /// Sends one datagram: to the address given, else the destination (sender) or whoever
    /// sent last (receiver).
    fn send(&mut self, ctx: &mut Ctx, payload: Payload, to: Target) {
        let target = match to {
            Target::Peer(a) => Some(a),
            Target::Host(h) => match addr::resolve(&h) {
                Ok(v) => v.first().copied(),
                Err(e) => {
                    ctx.error(
                        None,
                        None,
                        resolve_failure_kind(&h),
                        format!("not sent: {e}"),
                    );
                    return;
                }
            },
            Target::Default | Target::AllClients | Target::Client(_) => {
                if self.sender {
                    self.dest
                } else {
                    self.last_sender
                }
            }
        };
        let Some(target) = target else {
            let why = if self.sender {
                "not sent: no destination yet: enter a destination host and port"
            } else {
                "not sent: nobody has sent a datagram to this receiver yet, so there is no one to reply to"
            };
            ctx.error(None, None, ErrorKind::NotConnected, why.into());
            return;
        };
        let Some(bytes) = ctx.payload_bytes(payload) else {
            return;
        };
        match self.send_to(ctx, &bytes, target) {
            Ok(()) => {
                ctx.emit(Some(target), None, EventKind::Tx(bytes));
            }
            Err(e) => ctx.io_error(Some(target), None, &e, Op::Send, &target.to_string()),
        }
    }

    /// Sends one datagram. An ICMP error drawn by an earlier datagram can fail this send
    /// (the system reports it on the next call, and this datagram did not go): it is told,
    /// and the datagram sent again, once.
    fn send_to(&mut self, ctx: &mut Ctx, bytes: &[u8], to: SocketAddr) -> io::Result<()> {
        let r = match send_to(&self.socket, bytes, to) {
            Err(e) if icmp::is_icmp_error(&e) => {
                self.report_icmp(ctx, &e);
                send_to(&self.socket, bytes, to)
            }
            r => r,
        };
        self.last_to = Some(to);
        r
    }

    /// Tells the ICMP errors waiting (Linux: read from the error queue, with their
    /// addresses); with none there, what the error number `e` says about the last
    /// destination.
    fn report_icmp(&mut self, ctx: &mut Ctx, e: &io::Error) {
        let reports = icmp::read_queue(&self.socket);
        if reports.is_empty() {
            let r = icmp::from_errno(e, self.last_to);
            ctx.emit(r.to, None, EventKind::Icmp(r));
        }
        for r in reports {
            ctx.emit(r.to, None, EventKind::Icmp(r));
        }
    }

    /// A file: up to 64 datagrams per pass, so commands (Cancel, Stop) stay responsive.
    fn send_file_chunks(&mut self, ctx: &mut Ctx) {
        for _ in 0..64 {
            let Some(f) = self.file.as_mut() else { break };
            let step = f.step(ctx, Instant::now(), true);
            match step {
                Step::Chunk(bytes) => match self.send_to_file(ctx, &bytes) {
                    Ok(()) => {
                        ctx.emit(Some(self.file_to), None, EventKind::Tx(bytes));
                    }
                    Err(e) => {
                        let (_, m) = describe(&e, Op::Send, &self.file_to.to_string());
                        if let Some(f) = self.file.as_mut() {
                            f.fail(ctx, format!("file send stopped: {m}"));
                        }
                        self.file = None;
                    }
                },
                Step::Wait => break,
                Step::Over => self.file = None,
            }
        }
    }

    /// A file's datagram to its target ([`Udp::send_to`]; the file is not borrowed).
    fn send_to_file(&mut self, ctx: &mut Ctx, bytes: &[u8]) -> io::Result<()> {
        let to = self.file_to;
        self.send_to(ctx, bytes, to)
    }

    /// Reads every datagram waiting (edge-triggered), a batch per call, each one an event
    /// in the order received. Break: the session is gone.
    fn drain(&mut self, ctx: &mut Ctx) -> ControlFlow<()> {
        let mut icmp_told = 0;
        self.drained = 0;
        loop {
            match self.batch.recv(&self.socket, &mut self.drops) {
                Ok(n) => {
                    self.drained += n;
                    for i in 0..n {
                        let Some((bytes, from)) = self.batch.get(i) else {
                            break;
                        };
                        match from {
                            Ok(from) => {
                                self.last_sender = Some(*from);
                                let rx = EventKind::Rx(bytes.to_vec());
                                if !ctx.emit(Some(*from), None, rx) {
                                    return Break(());
                                }
                            }
                            Err(e) => {
                                let dest_text =
                                    self.dest.map(|d| d.to_string()).unwrap_or_default();
                                ctx.io_error(self.dest, None, e, Op::Recv, &dest_text);
                            }
                        }
                        // Stop: the rest of the batch goes, as the socket's queue does.
                        if ctx.stop_seen {
                            return Continue(());
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // An ICMP answer to an earlier datagram, reported on this call: told, and
                // reading goes on (datagrams may be waiting behind it).
                Err(e) if icmp::is_icmp_error(&e) && icmp_told < icmp::MAX_PER_READ => {
                    icmp_told += 1;
                    self.report_icmp(ctx, &e);
                }
                Err(e) => {
                    // e.g. ICMP port unreachable reported on a later call: not fatal for UDP.
                    let dest_text = self.dest.map(|d| d.to_string()).unwrap_or_default();
                    ctx.io_error(self.dest, None, &e, Op::Recv, &dest_text);
                    break;
                }
            }
        }
        Continue(())
    }
}

/// The socket bound to `bind_addr` with the session's options, multicast set up (told);
/// None when that failed (told).
fn bind(cfg: &SessionConfig, sender: bool, bind_addr: SocketAddr, ctx: &mut Ctx) -> Option<Socket> {
    let socket = match open(
        bind_addr,
        cfg.broadcast,
        !sender && cfg.multicast.is_some(),
        &cfg.sockopts,
    ) {
        Ok(s) => s,
        Err(e) => {
            ctx.io_error(None, None, &e, Op::Bind, &bind_addr.to_string());
            return None;
        }
    };
    if let Some(m) = &cfg.multicast {
        let res = if sender {
            multicast::set_sender_options(&socket, m)
        } else {
            multicast::join(&socket, m)
        };
        match res {
            Ok(note) => ctx.info(note),
            Err((e, what)) => {
                let (kind, _) = describe(&e, Op::Bind, &bind_addr.to_string());
                ctx.error(None, None, kind, format!("{what}: {e}"));
                return None;
            }
        }
    }
    Some(socket)
}
