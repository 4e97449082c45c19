//! The TCP relay: accept, open one upstream connection per client, and run the two
//! directions (a reader and a writer each, joined by a bounded queue) until both have
//! carried their FIN, or one side resets.

use super::pipe::{Cut, End, Msg, Pipe, QUEUE};
use super::side::{Got, Leg, Side};
use super::tls::{TlsSides, tls_sides, wrap};
use super::{Dir, FaultDone, Hub, PairEnd, RelayConfig, RelayKind};
use crate::net::ResetReason;
use crate::net::error::{ErrorKind, Op, describe};
use crossbeam_channel::{SendTimeoutError, Sender};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_millis(50);

/// How many connections may wait to be accepted: a burst of clients (a class, a load test)
/// fits.
const BACKLOG: i32 = 1024;

/// A listener on `a` with room for a burst of clients.
fn listen_on(a: SocketAddr) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let s = Socket::new(Domain::for_address(a), Type::STREAM, Some(Protocol::TCP))?;
    // As std's bind: a stopped relay listens again at once (TIME_WAIT).
    #[cfg(unix)]
    s.set_reuse_address(true)?;
    s.bind(&a.into())?;
    s.listen(BACKLOG)?;
    Ok(s.into())
}

/// Binds `listen`, returning the listener or telling why not.
fn bind(config: &RelayConfig, hub: &Hub) -> Option<TcpListener> {
    let addrs = match crate::net::addr::resolve(&config.listen) {
        Ok(a) => a,
        Err(e) => {
            hub.emit(
                None,
                None,
                RelayKind::Error {
                    kind: ErrorKind::BadAddress,
                    detail: format!("cannot listen on {}: {}", config.listen, e),
                },
            );
            return None;
        }
    };
    let mut last = None;
    for a in addrs {
        match listen_on(a) {
            Ok(l) => return Some(l),
            Err(e) => last = Some(e),
        }
    }
    if let Some(e) = last {
        hub.error(None, None, &e, Op::Listen, &config.listen);
    }
    None
}

/// What every pair of a relay shares.
struct PairCtx {
    config: RelayConfig,
    hub: Hub,
    seed: u64,
    tls: TlsSides,
}

/// Runs until the relay stops; the address it listened on (None if it could not).
pub(super) fn run(config: RelayConfig, mut hub: Hub) -> Option<SocketAddr> {
    // Each client's upstream connection resolves the name again; this says a name that
    // never will at the start.
    super::resolve_upstream(&config, &hub)?;
    let tls = tls_sides(&config, &hub)?;
    let listener = bind(&config, &hub)?;
    // accept() waits (a burst of clients is taken as fast as they come, not one sleep
    // apart, which let the backlog overflow and cost a SYN retransmit of 1 s), giving up
    // each STEP to look at the stop flag (Linux applies SO_RCVTIMEO to accept).
    if let Err(e) = socket2::SockRef::from(&listener).set_read_timeout(Some(STEP)) {
        hub.error(None, None, &e, Op::Listen, &config.listen);
        return None;
    }
    hub.local = listener.local_addr().ok();
    let seed = config.seed.unwrap_or_else(|| fastrand::u64(..));
    hub.emit(None, None, RelayKind::Seed { seed });
    hub.emit(
        None,
        None,
        RelayKind::Listening {
            to: config.to.clone(),
            udp: false,
        },
    );
    let max_pairs = config.max_pairs;
    let ctx = Arc::new(PairCtx {
        config,
        hub: hub.clone(),
        seed,
        tls,
    });
    let live = Arc::new(AtomicUsize::new(0));
    let mut next = 0u64;
    while !hub.stopping() {
        match listener.accept() {
            Ok((c, peer)) => {
                next += 1;
                if live.load(Ordering::Relaxed) >= max_pairs {
                    hub.emit(
                        Some(next),
                        Some(peer),
                        RelayKind::Error {
                            kind: ErrorKind::Refused,
                            detail: format!(
                                "client {peer} closed at once: {max_pairs} pairs are open already"
                            ),
                        },
                    );
                    continue;
                }
                live.fetch_add(1, Ordering::Relaxed);
                let (ctx, l, id) = (ctx.clone(), live.clone(), next);
                let spawned = std::thread::Builder::new()
                    .name(format!("relay-pair-{id}"))
                    .spawn(move || {
                        pair(c, peer, id, &ctx);
                        l.fetch_sub(1, Ordering::Relaxed);
                    });
                if spawned.is_err() {
                    live.fetch_sub(1, Ordering::Relaxed);
                    hub.emit(
                        Some(id),
                        Some(peer),
                        RelayKind::Error {
                            kind: ErrorKind::Internal,
                            detail: "cannot start a thread for this client; closed".into(),
                        },
                    );
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                hub.error(None, None, &e, Op::Accept, &ctx.config.listen);
                std::thread::sleep(STEP);
            }
        }
    }
    drop(listener);
    let until = Instant::now() + Duration::from_secs(3);
    while live.load(Ordering::Relaxed) > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    hub.local
}

/// Opens the upstream connection: each address `to` resolves to, in turn.
fn connect(to: &str, timeout: Duration) -> Result<TcpStream, (ErrorKind, String)> {
    let addrs = crate::net::addr::resolve(to).map_err(|e| {
        (
            crate::net::error::resolve_failure_kind(to),
            format!("cannot connect to {to}: {}", e),
        )
    })?;
    let mut last = None;
    for a in addrs {
        match TcpStream::connect_timeout(&a, timeout) {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrNotAvailable));
    Err(describe(&e, Op::Connect, to))
}

/// The upstream connection, told; None (told, with the pair closed) if it failed.
fn upstream(peer: SocketAddr, id: u64, config: &RelayConfig, hub: &Hub) -> Option<TcpStream> {
    let s = match connect(&config.to, config.connect_timeout) {
        Ok(s) => s,
        Err((kind, detail)) => {
            hub.emit(
                Some(id),
                Some(peer),
                RelayKind::UpstreamFailed { kind, detail },
            );
            let why = PairEnd::UpstreamFailed;
            hub.emit(Some(id), Some(peer), RelayKind::PairClosed { why });
            return None;
        }
    };
    if let (Ok(local), Ok(upstream)) = (s.local_addr(), s.peer_addr()) {
        hub.emit(
            Some(id),
            Some(peer),
            RelayKind::Upstream {
                from: local,
                upstream,
            },
        );
    }
    Some(s)
}

/// One client and its upstream, from accept to the end of both directions.
fn pair(c: TcpStream, peer: SocketAddr, id: u64, ctx: &PairCtx) {
    let hub = &ctx.hub;
    hub.emit(Some(id), Some(peer), RelayKind::Accepted);
    let Some(s) = upstream(peer, id, &ctx.config, hub) else {
        return;
    };
    for sock in [&c, &s] {
        let _ = sock.set_nonblocking(false);
        let _ = sock.set_nodelay(true);
        // A reader waits for its side as long as it is quiet (a closing pair wakes it, see
        // `Side::wake_reader`), looking at the relay's stop flag each IDLE.
        let _ = sock.set_read_timeout(Some(super::pipe::IDLE));
        let _ = sock.set_write_timeout(Some(STEP));
    }
    let Some((c, early_up)) = wrap(c, ctx.tls.listen.as_ref(), Leg::Client, (id, peer), hub) else {
        return;
    };
    let Some((s, early_down)) = wrap(s, ctx.tls.upstream.as_ref(), Leg::Server, (id, peer), hub)
    else {
        return;
    };
    let closing = AtomicBool::new(false);
    // Four jobs a pair: a reader and a writer per direction. The down writer runs on this
    // (the pair's) thread, which would otherwise only wait: three threads more, not four.
    let ends: Vec<Option<PairEnd>> = std::thread::scope(|scope| {
        let mut writers = Vec::new();
        let mut here = None;
        for (dir, early) in [(Dir::Up, early_up), (Dir::Down, early_down)] {
            let (src, dst) = match dir {
                Dir::Up => (&c, &s),
                Dir::Down => (&s, &c),
            };
            let (tx, rx) = crossbeam_channel::bounded(QUEUE);
            let closing = &closing;
            let leg = match dir {
                Dir::Up => Leg::Client,
                Dir::Down => Leg::Server,
            };
            let ids = (id, peer);
            scope.spawn(move || read_side(src, early, &tx, hub, closing, (leg, ids)));
            let mut pipe = Pipe::new(dir, id, peer, hub.clone(), ctx.seed, false);
            let writer = move || {
                let gone = || closing.load(Ordering::Relaxed) || hub.stopping();
                let mut write = |b: &[u8]| dst.write_all(b, &gone);
                let end = pipe.run(&rx, &mut write, closing);
                let why = end_reason(&end);
                finish(&pipe, end, src, dst, closing);
                if closing.load(Ordering::Relaxed) {
                    // The other direction's reader may wait in a quiet read: wake both.
                    src.wake_reader();
                    dst.wake_reader();
                }
                why
            };
            match dir {
                Dir::Up => writers.push(scope.spawn(writer)),
                Dir::Down => here = Some(writer),
            }
        }
        let mut ends = Vec::new();
        if let Some(writer) = here {
            // A bug in it must not take the pair's thread (and its count) with it.
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(writer));
            if run.is_err() {
                closing.store(true, Ordering::Relaxed);
                c.wake_reader();
                s.wake_reader();
            }
            ends.push(run.ok().flatten());
        }
        ends.extend(writers.into_iter().map(|w| w.join().ok().flatten()));
        ends
    });
    let why = if ends.contains(&Some(PairEnd::Cut)) {
        PairEnd::Cut
    } else if ends.contains(&Some(PairEnd::TlsFailed)) {
        PairEnd::TlsFailed
    } else if ends.contains(&Some(PairEnd::Reset)) {
        PairEnd::Reset
    } else if hub.stopping() {
        PairEnd::Stopped
    } else {
        PairEnd::BothFin
    };
    if why == PairEnd::Stopped {
        // The relay stops: each side is told in order (TLS close_notify, then FIN).
        c.shutdown_write();
        s.shutdown_write();
    }
    // Both sockets close here (with SO_LINGER 0 where a reset is carried: RST).
    drop((c, s));
    hub.emit(Some(id), Some(peer), RelayKind::PairClosed { why });
}

/// What a direction's end says of the pair's (None: a FIN, or the other side ended it).
fn end_reason(end: &End) -> Option<PairEnd> {
    match end {
        End::Cut(_) => Some(PairEnd::Cut),
        End::Reset(_) | End::Failed(_) => Some(PairEnd::Reset),
        End::Tls => Some(PairEnd::TlsFailed),
        End::Fin(_) | End::Gone => None,
    }
}

/// Carries out how a direction ended onto the sockets, and tells it.
fn finish(pipe: &Pipe, end: End, src: &Side, dst: &Side, closing: &AtomicBool) {
    let tell = |kind| pipe.hub.emit(Some(pipe.pair), Some(pipe.peer), kind);
    match end {
        // A FIN read as the pair closes is not carried (the close is).
        End::Fin(_) if closing.load(Ordering::Relaxed) => {}
        End::Fin(at) => {
            dst.shutdown_write();
            let read_us = crate::net::now_us() - at.elapsed().as_micros() as i64;
            tell(RelayKind::Fin {
                dir: pipe.dir,
                read_us,
            });
        }
        End::Reset(reason) => {
            if !closing.swap(true, Ordering::Relaxed) {
                dst.reset_on_close();
                tell(RelayKind::Reset {
                    dir: pipe.dir,
                    reason,
                });
            }
        }
        End::Tls => {
            // Told by the reader (TlsFailed): the other side is reset.
            if !closing.swap(true, Ordering::Relaxed) {
                dst.reset_on_close();
            }
        }
        End::Cut(cut) => {
            if !closing.swap(true, Ordering::Relaxed) {
                let what = match cut {
                    Cut::Reset => {
                        src.reset_on_close();
                        dst.reset_on_close();
                        FaultDone::Reset
                    }
                    Cut::Close => {
                        src.shutdown_write();
                        dst.shutdown_write();
                        FaultDone::Closed
                    }
                };
                tell(RelayKind::Fault {
                    dir: pipe.dir,
                    what,
                });
            }
        }
        End::Failed(e) => {
            // The far side is gone (reset): carried back to the side this data came from.
            if !closing.swap(true, Ordering::Relaxed) {
                src.reset_on_close();
                let reason = reset_reason(&e);
                let back = match pipe.dir {
                    Dir::Up => Dir::Down,
                    Dir::Down => Dir::Up,
                };
                tell(RelayKind::Reset { dir: back, reason });
            }
        }
        End::Gone => {}
    }
}

fn reset_reason(e: &io::Error) -> ResetReason {
    match e.kind() {
        io::ErrorKind::ConnectionReset => ResetReason::PeerReset,
        io::ErrorKind::ConnectionAborted => ResetReason::Aborted,
        io::ErrorKind::BrokenPipe => ResetReason::BrokenPipe,
        _ => ResetReason::Unknown,
    }
}

/// Hands a message to the writer, waiting while its queue is full (back-pressure).
fn hand(tx: &Sender<Msg>, mut m: Msg, closing: &AtomicBool, hub: &Hub) -> bool {
    loop {
        match tx.send_timeout(m, STEP) {
            Ok(()) => return true,
            Err(SendTimeoutError::Disconnected(_)) => return false,
            Err(SendTimeoutError::Timeout(back)) => {
                if closing.load(Ordering::Relaxed) || hub.stopping() {
                    return false;
                }
                m = back;
            }
        }
    }
}

/// Reads one side until FIN, a reset, or the pair closing; `early`: plaintext that came
/// with the end of the TLS handshake, handed on first.
fn read_side(
    src: &Side,
    early: Vec<u8>,
    tx: &Sender<Msg>,
    hub: &Hub,
    closing: &AtomicBool,
    (leg, (id, peer)): (Leg, (u64, SocketAddr)),
) {
    if !early.is_empty() && !hand(tx, Msg::Data(early, Instant::now()), closing, hub) {
        return;
    }
    let mut buf = vec![0u8; super::side::RAW];
    loop {
        if closing.load(Ordering::Relaxed) || hub.stopping() {
            return;
        }
        let got = src.read(&mut buf);
        if closing.load(Ordering::Relaxed) {
            // Woken because the pair closes (`Side::wake_reader`): what the read says
            // (an EOF of our own making) is not the peer's.
            return;
        }
        let msg = match got {
            Got::Fin => Msg::Fin(Instant::now()),
            Got::Data(d) if d.is_empty() => continue,
            Got::Data(d) => Msg::Data(d, Instant::now()),
            Got::Wait => continue,
            Got::Failed(e) => Msg::Reset(reset_reason(&e)),
            Got::Tls(problem) => {
                hub.emit(Some(id), Some(peer), RelayKind::TlsFailed { leg, problem });
                Msg::Tls
            }
        };
        let last = !matches!(msg, Msg::Data(..));
        if !hand(tx, msg, closing, hub) || last {
            return;
        }
    }
}
