//! The UDP relay: one upstream socket per source address (like a NAT), each with its own
//! two directions (bounded queues; a full queue drops the datagram and says so), ended
//! after an idle timeout. Replies go back to the source their socket belongs to.

use super::pipe::{Msg, Pipe};
use super::{Dir, Hub, PairEnd, RelayConfig, RelayKind};
use crate::net::error::{ErrorKind, Op};
use crossbeam_channel::Sender;
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const STEP: Duration = Duration::from_millis(50);
const MAX_DATAGRAM: usize = 65_536;
/// The most datagrams that wait between a direction's reader and its writer…
const QUEUE_DATAGRAMS: usize = 8192;
/// …and the most bytes they hold: a writer that stalls a moment (the machine is busy, the
/// log's runtime is behind) loses nothing at 50,000 small datagrams a second, and a flood
/// of big ones is still bounded.
const QUEUE_BYTES: usize = 4 << 20;
/// The kernel's receive and send buffers of the relay's sockets (as the UDP roles'; the
/// kernel caps them at net.core.rmem_max / wmem_max).
const SOCK_BUFFER: usize = 8 << 20;

/// Sets the big buffers on a relay socket.
fn big_buffers(s: &UdpSocket) {
    let r = socket2::SockRef::from(s);
    let _ = r.set_recv_buffer_size(SOCK_BUFFER);
    let _ = r.set_send_buffer_size(SOCK_BUFFER);
}

/// Queues a datagram for a writer within [`QUEUE_BYTES`]: false (dropped) when full.
fn queue(tx: &Sender<Msg>, queued: &AtomicUsize, data: Vec<u8>) -> bool {
    let n = data.len();
    if queued.fetch_add(n, Ordering::AcqRel) + n > QUEUE_BYTES {
        queued.fetch_sub(n, Ordering::AcqRel);
        return false;
    }
    if tx.try_send(Msg::Data(data, Instant::now())).is_err() {
        queued.fetch_sub(n, Ordering::AcqRel);
        return false;
    }
    true
}

/// One source's mapping, as the main loop holds it.
struct Mapping {
    id: u64,
    tx: Sender<Msg>,
    /// The bytes waiting in `tx`'s queue.
    queued: Arc<AtomicUsize>,
    /// Milliseconds since `base` of the last datagram either way.
    last: Arc<AtomicU64>,
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn first_bound(text: &str, hub: &Hub) -> Option<UdpSocket> {
    let addrs = match crate::net::addr::resolve(text) {
        Ok(a) => a,
        Err(e) => {
            hub.emit(
                None,
                None,
                RelayKind::Error {
                    kind: ErrorKind::BadAddress,
                    detail: format!("cannot bind {text}: {}", e),
                },
            );
            return None;
        }
    };
    let mut last = None;
    for a in addrs {
        match UdpSocket::bind(a) {
            Ok(s) => return Some(s),
            Err(e) => last = Some(e),
        }
    }
    if let Some(e) = last {
        hub.error(None, None, &e, Op::Bind, text);
    }
    None
}

/// Runs until the relay stops; the address it listened on (None if it could not).
pub(super) fn run(config: RelayConfig, mut hub: Hub) -> Option<SocketAddr> {
    if config.tls_listen.is_some() || config.tls_upstream.is_some() {
        let detail = "TLS is for a TCP relay: a UDP relay forwards datagrams as they are".into();
        let kind = crate::net::ErrorKind::BadPayload;
        hub.emit(None, None, RelayKind::Error { kind, detail });
        return None;
    }
    let to = super::resolve_upstream(&config, &hub)?;
    let sock = first_bound(&config.listen, &hub)?;
    big_buffers(&sock);
    let _ = sock.set_read_timeout(Some(STEP));
    hub.local = sock.local_addr().ok();
    let seed = config.seed.unwrap_or_else(|| fastrand::u64(..));
    hub.emit(None, None, RelayKind::Seed { seed });
    hub.emit(
        None,
        None,
        RelayKind::Listening {
            to: config.to.clone(),
            udp: true,
        },
    );
    let listener = Arc::new(sock);
    let base = Instant::now();
    let mut map: HashMap<SocketAddr, Mapping> = HashMap::new();
    let mut next = 0u64;
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut swept = Instant::now();
    while !hub.stopping() {
        // Ended mappings go, at most every STEP (not per datagram: a flood stays linear).
        if swept.elapsed() >= STEP {
            swept = Instant::now();
            sweep(&mut map);
        }
        let (n, src) = match listener.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) =>
            {
                continue;
            }
            Err(e) => {
                hub.error(None, None, &e, Op::Recv, &config.listen);
                std::thread::sleep(STEP);
                continue;
            }
        };
        // A mapping that just ended is replaced by a new one (the source starts afresh).
        if map
            .get(&src)
            .is_some_and(|m| m.done.load(Ordering::Relaxed))
            && let Some(m) = map.remove(&src)
        {
            let Mapping { tx, thread, .. } = m;
            // The up writer wakes at once (its queue is gone), then the thread ends.
            drop(tx);
            if let Some(t) = thread {
                let _ = t.join();
            }
        }
        if !map.contains_key(&src) {
            if map.len() >= config.max_sources {
                hub.emit(
                    None,
                    Some(src),
                    RelayKind::TooManySources {
                        limit: config.max_sources,
                    },
                );
                continue;
            }
            next += 1;
            match open(&config, &hub, &listener, src, to, next, seed, base) {
                Some(m) => {
                    map.insert(src, m);
                }
                None => continue,
            }
        }
        let Some(m) = map.get(&src) else { continue };
        m.last
            .store(base.elapsed().as_millis() as u64, Ordering::Relaxed);
        if !queue(&m.tx, &m.queued, buf[..n].to_vec()) {
            hub.emit(
                Some(m.id),
                Some(src),
                RelayKind::QueueFull {
                    dir: Dir::Up,
                    len: n,
                },
            );
        }
    }
    for (_, mut m) in map.drain() {
        m.done.store(true, Ordering::Relaxed);
        drop(m.tx);
        if let Some(t) = m.thread.take() {
            let _ = t.join();
        }
    }
    hub.local
}

/// Forgets the mappings that ended (idle), joining their threads.
fn sweep(map: &mut HashMap<SocketAddr, Mapping>) {
    map.retain(|_, m| {
        let keep = !m.done.load(Ordering::Relaxed);
        if !keep {
            // The up writer wakes at once (its queue is gone), then the thread ends.
            m.tx = crossbeam_channel::bounded(0).0;
        }
        if !keep && let Some(t) = m.thread.take() {
            let _ = t.join();
        }
        keep
    });
}

/// A new source: its upstream socket and the thread that runs its two directions.
#[allow(clippy::too_many_arguments)]
fn open(
    config: &RelayConfig,
    hub: &Hub,
    listener: &Arc<UdpSocket>,
    src: SocketAddr,
    to: SocketAddr,
    id: u64,
    seed: u64,
    base: Instant,
) -> Option<Mapping> {
    hub.emit(Some(id), Some(src), RelayKind::Accepted);
    let any: IpAddr = if to.is_ipv4() {
        Ipv4Addr::UNSPECIFIED.into()
    } else {
        Ipv6Addr::UNSPECIFIED.into()
    };
    let up = match UdpSocket::bind((any, 0)).and_then(|s| s.connect(to).map(|_| s)) {
        Ok(s) => s,
        Err(e) => {
            hub.error(Some(id), Some(src), &e, Op::Connect, &config.to);
            let why = PairEnd::UpstreamFailed;
            hub.emit(Some(id), Some(src), RelayKind::PairClosed { why });
            return None;
        }
    };
    big_buffers(&up);
    // The replies' reader looks at the idle clock (and the stop flag) this often.
    let look = (config.idle_timeout / 4).clamp(STEP, super::pipe::IDLE);
    let _ = up.set_read_timeout(Some(look));
    if let Ok(local) = up.local_addr() {
        hub.emit(
            Some(id),
            Some(src),
            RelayKind::Upstream {
                from: local,
                upstream: to,
            },
        );
    }
    let (tx, rx) = crossbeam_channel::bounded(QUEUE_DATAGRAMS);
    let (queued, up_queued) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let down_queued = up_queued.clone();
    let mine = queued.clone();
    let last = Arc::new(AtomicU64::new(base.elapsed().as_millis() as u64));
    let done = Arc::new(AtomicBool::new(false));
    let (h, l, d, lis) = (hub.clone(), last.clone(), done.clone(), listener.clone());
    let idle = config.idle_timeout;
    let to_text = config.to.clone();
    let thread = std::thread::Builder::new()
        .name(format!("relay-udp-{id}"))
        .spawn(move || {
            std::thread::scope(|scope| {
                let (up, h, d) = (&up, &h, &*d);
                let (dtx, drx) = crossbeam_channel::bounded(QUEUE_DATAGRAMS);
                scope.spawn(move || {
                    let mut pipe = Pipe::new(Dir::Up, id, src, h.clone(), seed, true);
                    pipe.budget = Some(mine);
                    let mut write = |b: &[u8]| {
                        if let Err(e) = up.send(b) {
                            h.error(Some(id), Some(src), &e, Op::Send, &to_text);
                        }
                        Ok(())
                    };
                    pipe.run(&rx, &mut write, d);
                });
                scope.spawn(move || {
                    let mut pipe = Pipe::new(Dir::Down, id, src, h.clone(), seed, true);
                    pipe.budget = Some(down_queued);
                    let mut write = |b: &[u8]| lis.send_to(b, src).map(|_| ());
                    pipe.run(&drx, &mut write, d);
                });
                let queue = (&dtx, &*up_queued);
                read_replies(up, queue, h, d, &l, base, idle, id, src);
                // The down writer wakes at once (its queue is gone).
                drop(dtx);
            });
            let why = if h.stopping() {
                PairEnd::Stopped
            } else {
                PairEnd::Idle
            };
            h.emit(Some(id), Some(src), RelayKind::PairClosed { why });
        });
    match thread {
        Ok(t) => Some(Mapping {
            id,
            tx,
            queued,
            last,
            done,
            thread: Some(t),
        }),
        Err(_) => {
            hub.emit(
                Some(id),
                Some(src),
                RelayKind::Error {
                    kind: ErrorKind::Internal,
                    detail: "cannot start a thread for this source; its datagram was dropped"
                        .into(),
                },
            );
            None
        }
    }
}

/// Reads the server's replies for one source until the mapping is idle too long.
#[allow(clippy::too_many_arguments)]
fn read_replies(
    up: &UdpSocket,
    (dtx, queued): (&Sender<Msg>, &AtomicUsize),
    hub: &Hub,
    done: &AtomicBool,
    last: &AtomicU64,
    base: Instant,
    idle: Duration,
    id: u64,
    src: SocketAddr,
) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    while !done.load(Ordering::Relaxed) && !hub.stopping() {
        match up.recv(&mut buf) {
            Ok(n) => {
                last.store(base.elapsed().as_millis() as u64, Ordering::Relaxed);
                if !queue(dtx, queued, buf[..n].to_vec()) {
                    hub.emit(
                        Some(id),
                        Some(src),
                        RelayKind::QueueFull {
                            dir: Dir::Down,
                            len: n,
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
                ) =>
            {
                let quiet = (base.elapsed().as_millis() as u64)
                    .saturating_sub(last.load(Ordering::Relaxed));
                if quiet >= idle.as_millis() as u64 {
                    hub.emit(Some(id), Some(src), RelayKind::Expired { idle_ms: quiet });
                    done.store(true, Ordering::Relaxed);
                }
            }
            // An ICMP port unreachable from the server: told, and the mapping stays.
            Err(e) => {
                hub.error(Some(id), Some(src), &e, Op::Recv, "the server");
                std::thread::sleep(STEP);
            }
        }
    }
}
