//! One TCP connection as both TCP roles use it: non-blocking reads until the kernel is
//! empty, a queue of outgoing messages written as the socket allows, and the end of the
//! connection told apart (FIN, RST, or closed here). With TLS the same queue and shaping
//! go through [`TlsStream`]: plaintext in the events, records on the wire.

use super::error::Op;
use super::shaping::{Unit, WriteShaping};
use super::tls::{TlsStream, stream::TlsRead};
use super::worker::Ctx;
use super::{CloseReason, ClosedBy, EventKind, ResetReason};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

#[path = "conn_close.rs"]
mod close;
#[path = "ws/conn.rs"]
mod ws_hooks;

/// How long closing from this side may keep trying to send what is still queued (in
/// total, however many connections close at once). Short: Stop should take ~100 ms.
pub(crate) const CLOSE_FLUSH_BUDGET: Duration = Duration::from_millis(50);

/// The deadline for [`Conn::close_local`] calls starting now.
pub(crate) fn close_deadline() -> Instant {
    Instant::now() + CLOSE_FLUSH_BUDGET
}

pub(crate) struct Conn {
    pub stream: super::stream_sock::StreamSock,
    pub peer: SocketAddr,
    pub client: Option<u64>,
    /// Write units (one message, or several sent in one write), and how far the front
    /// one has been written.
    out: VecDeque<Unit>,
    out_off: usize,
    shaping: WriteShaping,
    /// Messages held until `shaping.coalesce` of them can go in one write.
    held: Unit,
    /// A split message's next piece waits until then.
    next_write: Option<Instant>,
    /// shutdown(SHUT_WR) once the queue is empty.
    pub shutdown_after_flush: bool,
    pub write_shut: bool,
    /// The peer sent FIN; with half-close we may keep sending.
    pub peer_fin: bool,
    /// TLS on this connection (None: plaintext).
    tls: Option<Box<TlsStream>>,
    /// Plaintext: something has been received (the first read is checked for a TLS hello).
    rx_seen: bool,
    /// Reading paused: no recv() and no read interest, so what arrives waits in the
    /// kernel's receive queue (and, once that is full, the window closes on the sender).
    paused: bool,
    /// WebSocket on this connection (None: raw TCP), and what each unit of `out` is: a
    /// message of ours (told sent with its opcode) or control bytes (None).
    ws: Option<Box<super::ws::layer::Layer>>,
    ws_tx: VecDeque<Option<(super::ws::Opcode, Vec<u8>)>>,
}

/// What one read of the connection gave.
enum Got {
    Data(usize),
    WouldBlock,
    Eof,
    Failed(super::tls::TlsProblem),
    Io(io::Error),
}

/// How a read pass ended.
pub(crate) enum ReadEnd {
    /// Drained; the connection is still open.
    Open,
    /// The connection is over and its end has been reported.
    Over,
}

impl Conn {
    pub fn new(
        stream: impl Into<super::stream_sock::StreamSock>,
        peer: SocketAddr,
        client: Option<u64>,
        shaping: WriteShaping,
    ) -> Conn {
        let stream = stream.into();
        let _ = stream.set_nodelay(shaping.nodelay);
        Conn {
            stream,
            peer,
            client,
            out: VecDeque::new(),
            out_off: 0,
            shaping,
            held: Unit::default(),
            next_write: None,
            shutdown_after_flush: false,
            write_shut: false,
            peer_fin: false,
            tls: None,
            rx_seen: false,
            paused: false,
            ws: None,
            ws_tx: VecDeque::new(),
        }
    }

    /// Pauses or resumes reading: while paused the socket is watched for writing only and
    /// nothing is read. True when this changed anything. After a resume the caller reads
    /// at once ([`Conn::read_ready`]): one recv() then returns what piled up.
    pub fn set_paused(
        &mut self,
        registry: &mio::Registry,
        token: mio::Token,
        paused: bool,
    ) -> bool {
        if self.paused == paused {
            return false;
        }
        self.paused = paused;
        let interest = if paused {
            mio::Interest::WRITABLE
        } else {
            mio::Interest::READABLE | mio::Interest::WRITABLE
        };
        // A failure leaves the old interest: paused still reads nothing, and resumed
        // reads at once anyway.
        let _ = registry.reregister(&mut self.stream, token, interest);
        true
    }

    /// Speaks TLS on this connection; a client's hello goes out at once.
    pub fn with_tls(mut self, tls: TlsStream) -> Conn {
        let mut tls = Box::new(tls);
        let _ = tls.write_out(&mut self.stream);
        self.tls = Some(tls);
        self
    }

    /// One read: plaintext from the socket, or from TLS (which reads records as needed).
    fn read_some(&mut self, ctx: &mut Ctx, buf: &mut [u8]) -> Got {
        let Some(tls) = self.tls.as_mut() else {
            loop {
                return match self.stream.read(buf) {
                    Ok(0) => Got::Eof,
                    Ok(n) => Got::Data(n),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => Got::WouldBlock,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => Got::Io(e),
                };
            }
        };
        let got = match tls.read(&mut self.stream, buf) {
            TlsRead::Data(n) => Got::Data(n),
            TlsRead::WouldBlock => Got::WouldBlock,
            TlsRead::Eof => Got::Eof,
            TlsRead::Failed(p) => Got::Failed(p),
            TlsRead::Io(e) => Got::Io(e),
        };
        if let Some(info) = tls.just_ready() {
            ctx.emit(
                Some(self.peer),
                self.client,
                EventKind::TlsReady(Box::new(info)),
            );
        }
        got
    }

    /// TLS: the handshake failed or took too long. Tells why; the caller drops the
    /// connection (a server's client is told closed here).
    fn tls_failed(&mut self, ctx: &mut Ctx, p: super::tls::TlsProblem) -> ReadEnd {
        self.report_unsent(ctx);
        if let Some(cert) = self.tls.as_mut().and_then(|t| t.take_refused()) {
            let refused = EventKind::TlsRefusedCert(Box::new(cert));
            ctx.emit(Some(self.peer), self.client, refused);
        }
        ctx.emit(Some(self.peer), self.client, EventKind::TlsFailed(p));
        if self.client.is_some() {
            let _ = self.stream.shutdown(Shutdown::Both);
            ctx.emit(
                Some(self.peer),
                self.client,
                EventKind::Closed {
                    by: ClosedBy::Local,
                    reason: CloseReason::TlsFailed,
                },
            );
        }
        ReadEnd::Over
    }

    /// TLS: ends the connection if its handshake has taken too long.
    pub fn check_handshake(&mut self, ctx: &mut Ctx, now: Instant) -> ReadEnd {
        match self.tls.as_ref().and_then(|t| t.timed_out(now)) {
            Some(p) => self.tls_failed(ctx, p),
            None => self.ws_check_timeout(ctx, now),
        }
    }

    /// Something is still to be written: messages, TLS records, or a FIN.
    pub fn wants_flush(&self) -> bool {
        self.has_pending()
            || self.shutdown_after_flush
            || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    /// Reads everything the kernel holds, one event per read.
    pub fn read_ready(
        &mut self,
        ctx: &mut Ctx,
        buf: &mut [u8],
        keep_open_after_fin: bool,
    ) -> ReadEnd {
        if self.peer_fin || self.paused {
            return ReadEnd::Open;
        }
        loop {
            match self.read_some(ctx, buf) {
                Got::Eof => {
                    self.peer_fin = true;
                    self.ws_closed_early(ctx);
                    if keep_open_after_fin && !self.write_shut {
                        ctx.emit(Some(self.peer), self.client, EventKind::PeerFinHalfOpen);
                        return ReadEnd::Open;
                    }
                    self.report_unsent(ctx);
                    ctx.emit(
                        Some(self.peer),
                        self.client,
                        EventKind::Closed {
                            by: ClosedBy::Peer,
                            reason: if self.write_shut {
                                CloseReason::BothFin
                            } else {
                                CloseReason::PeerFin
                            },
                        },
                    );
                    return ReadEnd::Over;
                }
                Got::Data(n) => {
                    if self.tls.is_none() && !self.rx_seen {
                        self.rx_seen = true;
                        if super::tls::looks_like_tls(&buf[..n]) {
                            ctx.emit(Some(self.peer), self.client, EventKind::TlsOnPlainPort);
                        }
                    }
                    if self.ws.is_some() {
                        if let ReadEnd::Over = self.ws_feed(ctx, &buf[..n]) {
                            return ReadEnd::Over;
                        }
                    } else if !ctx.emit(
                        Some(self.peer),
                        self.client,
                        EventKind::Rx(buf[..n].to_vec()),
                    ) {
                        return ReadEnd::Over;
                    }
                    if ctx.stop_seen {
                        return ReadEnd::Open;
                    }
                }
                Got::WouldBlock => return ReadEnd::Open,
                Got::Failed(p) => return self.tls_failed(ctx, p),
                Got::Io(e) => {
                    self.report_failure(ctx, &e, Op::Recv);
                    return ReadEnd::Over;
                }
            }
        }
    }

    /// The connection ended from the other side (or failed) with messages still queued or
    /// held: says how many will never be sent.
    fn report_unsent(&mut self, ctx: &mut Ctx) {
        self.release_held();
        if self.has_pending() {
            let messages = self.unsent_count();
            if messages > 0 {
                ctx.emit(Some(self.peer), self.client, EventKind::Unsent { messages });
            }
            self.out.clear();
            self.ws_tx.clear();
            self.out_off = 0;
        }
    }

    /// Reports a failed read or write as a reset or an error.
    pub fn report_failure(&mut self, ctx: &mut Ctx, e: &io::Error, op: Op) {
        self.report_unsent(ctx);
        let reason = match e.kind() {
            io::ErrorKind::ConnectionReset => ResetReason::PeerReset,
            io::ErrorKind::ConnectionAborted => ResetReason::Aborted,
            io::ErrorKind::BrokenPipe => ResetReason::BrokenPipe,
            _ => {
                ctx.io_error(Some(self.peer), self.client, e, op, &self.peer.to_string());
                return;
            }
        };
        ctx.emit(Some(self.peer), self.client, EventKind::Reset { reason });
    }

    /// Messages still queued (WebSocket: control frames not counted).
    fn unsent_count(&self) -> u64 {
        if self.ws.is_some() {
            return self.ws_unsent();
        }
        self.out.iter().map(|u| u.lens.len() as u64).sum()
    }

    /// Queues one message: in its own write, or held until the batch of
    /// `shaping.coalesce` is full. WebSocket: one frame, framed now.
    pub fn queue(&mut self, ctx: &mut Ctx, bytes: Vec<u8>) {
        if self.ws.is_some() {
            return self.ws_queue(ctx, bytes);
        }
        if self.shaping.batch() <= 1 {
            self.out.push_back(Unit::one(bytes));
            return;
        }
        self.held.push(&bytes);
        if self.held.lens.len() >= self.shaping.batch() {
            self.release_held();
        }
    }

    /// Queues a file's chunk in its own write, after any held messages (order is kept).
    pub fn queue_chunk(&mut self, ctx: &mut Ctx, bytes: Vec<u8>) {
        if self.ws.is_some() {
            return self.ws_queue(ctx, bytes);
        }
        self.release_held();
        let mut unit = Unit::one(bytes);
        unit.whole = true;
        self.out.push_back(unit);
    }

    /// Sends the held messages as one write, however many there are.
    fn release_held(&mut self) {
        if !self.held.lens.is_empty() {
            let unit = std::mem::take(&mut self.held);
            self.out.push_back(unit);
        }
    }

    /// New shaping: TCP_NODELAY set now; held messages released when batches shrink.
    pub fn set_shaping(&mut self, shaping: WriteShaping) {
        let _ = self.stream.set_nodelay(shaping.nodelay);
        self.shaping = shaping;
        if self.held.lens.len() >= shaping.batch() {
            self.release_held();
        }
        if shaping.split == 0 || shaping.split_gap.is_zero() {
            self.next_write = None;
        } else if let Some(t) = self.next_write {
            // A shorter pause applies to the piece already waiting.
            let sooner = Instant::now().checked_add(shaping.split_gap);
            self.next_write = sooner.map_or(Some(t), |s| Some(t.min(s)));
        }
    }

    pub fn has_pending(&self) -> bool {
        !self.out.is_empty()
    }

    /// How long until a split message's next piece is due (None: nothing waits on time).
    pub fn next_write_in(&self, now: Instant) -> Option<Duration> {
        self.next_write
            .filter(|_| !self.out.is_empty())
            .map(|t| t.saturating_duration_since(now))
    }

    /// Writes as much of the queue as the socket (and the shaping) allows. A message is
    /// reported as sent once all its bytes are handed to the kernel. Returns Over if the
    /// connection failed.
    pub fn flush(&mut self, ctx: &mut Ctx) -> ReadEnd {
        let now = Instant::now();
        if self.next_write.is_some_and(|t| t > now) {
            return ReadEnd::Open;
        }
        self.next_write = None;
        // TLS: messages wait for the handshake, so each is told sent once it is on its way
        // (encrypted), after the handshake's row; only the handshake's records go now.
        if let Some(t) = self.tls.as_mut()
            && t.handshaking()
        {
            if let Err(e) = t.write_out(&mut self.stream) {
                self.report_failure(ctx, &e, Op::Send);
                return ReadEnd::Over;
            }
            return ReadEnd::Open;
        }
        // A FIN waits for nothing: what is held goes out first.
        if self.shutdown_after_flush {
            self.release_held();
        }
        while let Some(front) = self.out.front() {
            let rest = &front.bytes[self.out_off..];
            let split = if front.whole { 0 } else { self.shaping.split };
            let piece = match split {
                0 => rest,
                n => &rest[..rest.len().min(n)],
            };
            let wrote = match self.tls.as_mut() {
                Some(t) => t.write(&mut self.stream, piece),
                None => self.stream.write(piece),
            };
            match wrote {
                Ok(0) if !piece.is_empty() => break,
                Ok(n) => {
                    self.out_off += n;
                    let done = self.out_off == front.bytes.len();
                    if done {
                        self.out_off = 0;
                        if self.ws.is_some() {
                            self.out.pop_front();
                            self.ws_sent(ctx);
                        } else if let Some(unit) = self.out.pop_front() {
                            for msg in unit.into_messages() {
                                ctx.emit(Some(self.peer), self.client, EventKind::Tx(msg));
                            }
                        }
                    }
                    // A split message pauses between its pieces (and before the next one).
                    if split > 0 && !self.shaping.split_gap.is_zero() {
                        if !self.out.is_empty() {
                            self.next_write = Instant::now().checked_add(self.shaping.split_gap);
                        }
                        return ReadEnd::Open;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return ReadEnd::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.report_failure(ctx, &e, Op::Send);
                    return ReadEnd::Over;
                }
            }
        }
        // TLS records still waiting for the socket.
        if let Some(t) = self.tls.as_mut()
            && let Err(e) = t.write_out(&mut self.stream)
        {
            self.report_failure(ctx, &e, Op::Send);
            return ReadEnd::Over;
        }
        if self.out.is_empty() && self.shutdown_after_flush && !self.write_shut {
            self.shutdown_after_flush = false;
            self.write_shut = true;
            if let Some(t) = self.tls.as_mut() {
                t.close_notify(&mut self.stream);
            }
            let _ = self.stream.shutdown(Shutdown::Write);
            ctx.emit(Some(self.peer), self.client, EventKind::FinSent);
            if self.peer_fin {
                ctx.emit(
                    Some(self.peer),
                    self.client,
                    EventKind::Closed {
                        by: ClosedBy::Local,
                        reason: CloseReason::BothFin,
                    },
                );
                return ReadEnd::Over;
            }
        }
        ReadEnd::Open
    }
}
