//! The TCP relay: accept, open one upstream connection per client, and run the two
//! directions (a reader and a writer each, joined by a bounded queue) until both have
//! carried their FIN, or one side resets.

use super::pipe::{Cut, End, Msg, Pipe, QUEUE};
use super::{Dir, FaultDone, Hub, PairEnd, RelayConfig, RelayKind};
use crate::net::ResetReason;
use crate::net::error::{ErrorKind, Op, describe};
use crossbeam_channel::{SendTimeoutError, Sender};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_millis(50);
const CHUNK: usize = 16 * 1024;

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
        match TcpListener::bind(a) {
            Ok(l) => return Some(l),
            Err(e) => last = Some(e),
        }
    }
    if let Some(e) = last {
        hub.error(None, None, &e, Op::Listen, &config.listen);
    }
    None
}

/// Runs until the relay stops; the address it listened on (None if it could not).
pub(super) fn run(config: RelayConfig, mut hub: Hub) -> Option<SocketAddr> {
    // Each client's upstream connection resolves the name again; this says a name that
    // never will at the start.
    super::resolve_upstream(&config, &hub)?;
    let listener = bind(&config, &hub)?;
    if let Err(e) = listener.set_nonblocking(true) {
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
    let config = Arc::new(config);
    let live = Arc::new(AtomicUsize::new(0));
    let mut next = 0u64;
    while !hub.stopping() {
        match listener.accept() {
            Ok((c, peer)) => {
                next += 1;
                if live.load(Ordering::Relaxed) >= config.max_pairs {
                    hub.emit(
                        Some(next),
                        Some(peer),
                        RelayKind::Error {
                            kind: ErrorKind::Refused,
                            detail: format!(
                                "client {peer} closed at once: {} pairs are open already",
                                config.max_pairs
                            ),
                        },
                    );
                    continue;
                }
                live.fetch_add(1, Ordering::Relaxed);
                let (cfg, h, l, id) = (config.clone(), hub.clone(), live.clone(), next);
                let spawned = std::thread::Builder::new()
                    .name(format!("relay-pair-{id}"))
                    .spawn(move || {
                        pair(c, peer, id, &cfg, &h, seed);
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
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => {
                hub.error(None, None, &e, Op::Accept, &config.listen);
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

/// One client and its upstream, from accept to the end of both directions.
fn pair(c: TcpStream, peer: SocketAddr, id: u64, config: &RelayConfig, hub: &Hub, seed: u64) {
    hub.emit(Some(id), Some(peer), RelayKind::Accepted);
    let s = match connect(&config.to, config.connect_timeout) {
        Ok(s) => s,
        Err((kind, detail)) => {
            hub.emit(
                Some(id),
                Some(peer),
                RelayKind::UpstreamFailed { kind, detail },
            );
            drop(c);
            let why = PairEnd::UpstreamFailed;
            hub.emit(Some(id), Some(peer), RelayKind::PairClosed { why });
            return;
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
    for sock in [&c, &s] {
        let _ = sock.set_nonblocking(false);
        let _ = sock.set_nodelay(true);
        let _ = sock.set_read_timeout(Some(STEP));
        let _ = sock.set_write_timeout(Some(STEP));
    }
    let closing = AtomicBool::new(false);
    let ends: Vec<Option<PairEnd>> = std::thread::scope(|scope| {
        let mut writers = Vec::new();
        for dir in [Dir::Up, Dir::Down] {
            let (src, dst) = match dir {
                Dir::Up => (&c, &s),
                Dir::Down => (&s, &c),
            };
            let (tx, rx) = crossbeam_channel::bounded(QUEUE);
            let closing = &closing;
            scope.spawn(move || read_side(src, &tx, hub, closing));
            let mut pipe = Pipe::new(dir, id, peer, hub.clone(), seed, false);
            writers.push(scope.spawn(move || {
                let mut write = |b: &[u8]| write_all(dst, b, closing, hub);
                let end = pipe.run(&rx, &mut write, closing);
                let why = end_reason(&end);
                finish(&pipe, end, src, dst, closing);
                why
            }));
        }
        writers
            .into_iter()
            .map(|w| w.join().ok().flatten())
            .collect()
    });
    // Both sockets close here (with SO_LINGER 0 where a reset is carried: RST).
    drop((c, s));
    let why = if ends.contains(&Some(PairEnd::Cut)) {
        PairEnd::Cut
    } else if ends.contains(&Some(PairEnd::Reset)) {
        PairEnd::Reset
    } else if hub.stopping() {
        PairEnd::Stopped
    } else {
        PairEnd::BothFin
    };
    hub.emit(Some(id), Some(peer), RelayKind::PairClosed { why });
}

/// What a direction's end says of the pair's (None: a FIN, or the other side ended it).
fn end_reason(end: &End) -> Option<PairEnd> {
    match end {
        End::Cut(_) => Some(PairEnd::Cut),
        End::Reset(_) | End::Failed(_) => Some(PairEnd::Reset),
        End::Fin | End::Gone => None,
    }
}

/// Carries out how a direction ended onto the sockets, and tells it.
fn finish(pipe: &Pipe, end: End, src: &TcpStream, dst: &TcpStream, closing: &AtomicBool) {
    let tell = |kind| pipe.hub.emit(Some(pipe.pair), Some(pipe.peer), kind);
    let rst = |s: &TcpStream| {
        let _ = socket2::SockRef::from(s).set_linger(Some(Duration::ZERO));
    };
    match end {
        End::Fin => {
            let _ = dst.shutdown(Shutdown::Write);
            tell(RelayKind::Fin { dir: pipe.dir });
        }
        End::Reset(reason) => {
            if !closing.swap(true, Ordering::Relaxed) {
                rst(dst);
                tell(RelayKind::Reset {
                    dir: pipe.dir,
                    reason,
                });
            }
        }
        End::Cut(cut) => {
            if !closing.swap(true, Ordering::Relaxed) {
                let what = match cut {
                    Cut::Reset => {
                        rst(src);
                        rst(dst);
                        FaultDone::Reset
                    }
                    Cut::Close => {
                        let _ = src.shutdown(Shutdown::Write);
                        let _ = dst.shutdown(Shutdown::Write);
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
                rst(src);
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

fn waiting(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Writes all of `b`, a step at a time, giving up (quietly) once the pair closes.
fn write_all(mut s: &TcpStream, mut b: &[u8], closing: &AtomicBool, hub: &Hub) -> io::Result<()> {
    while !b.is_empty() {
        if closing.load(Ordering::Relaxed) || hub.stopping() {
            return Ok(());
        }
        match s.write(b) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => b = &b[n..],
            Err(e) if waiting(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
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

/// Reads one side until FIN, a reset, or the pair closing.
fn read_side(mut src: &TcpStream, tx: &Sender<Msg>, hub: &Hub, closing: &AtomicBool) {
    let mut buf = vec![0u8; CHUNK];
    loop {
        if closing.load(Ordering::Relaxed) || hub.stopping() {
            return;
        }
        let msg = match src.read(&mut buf) {
            Ok(0) => Msg::Fin,
            Ok(n) => Msg::Data(buf[..n].to_vec(), Instant::now()),
            Err(e) if waiting(&e) => continue,
            Err(e) => Msg::Reset(reset_reason(&e)),
        };
        let last = !matches!(msg, Msg::Data(..));
        if !hand(tx, msg, closing, hub) || last {
            return;
        }
    }
}
