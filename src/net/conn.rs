//! One TCP connection as both TCP roles use it: non-blocking reads until the kernel is
//! empty, a queue of outgoing messages written as the socket allows, and the end of the
//! connection told apart (FIN, RST, or closed here).

use super::error::Op;
use super::worker::Ctx;
use super::{CloseReason, ClosedBy, EventKind, ResetReason};
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

/// How long closing from this side may keep trying to send what is still queued (in
/// total, however many connections close at once). Short: Stop should take ~100 ms.
pub(crate) const CLOSE_FLUSH_BUDGET: Duration = Duration::from_millis(50);

/// The deadline for [`Conn::close_local`] calls starting now.
pub(crate) fn close_deadline() -> Instant {
    Instant::now() + CLOSE_FLUSH_BUDGET
}

pub(crate) struct Conn {
    pub stream: mio::net::TcpStream,
    pub peer: SocketAddr,
    pub client: Option<u64>,
    out: VecDeque<Vec<u8>>,
    out_off: usize,
    /// shutdown(SHUT_WR) once the queue is empty.
    pub shutdown_after_flush: bool,
    pub write_shut: bool,
    /// The peer sent FIN; with half-close we may keep sending.
    pub peer_fin: bool,
}

/// How a read pass ended.
pub(crate) enum ReadEnd {
    /// Drained; the connection is still open.
    Open,
    /// The connection is over and its end has been reported.
    Over,
}

impl Conn {
    pub fn new(stream: mio::net::TcpStream, peer: SocketAddr, client: Option<u64>) -> Conn {
        Conn {
            stream,
            peer,
            client,
            out: VecDeque::new(),
            out_off: 0,
            shutdown_after_flush: false,
            write_shut: false,
            peer_fin: false,
        }
    }

    /// Reads everything the kernel holds, one event per read.
    pub fn read_ready(
        &mut self,
        ctx: &mut Ctx,
        buf: &mut [u8],
        keep_open_after_fin: bool,
    ) -> ReadEnd {
        if self.peer_fin {
            return ReadEnd::Open;
        }
        loop {
            match self.stream.read(buf) {
                Ok(0) => {
                    self.peer_fin = true;
                    if keep_open_after_fin && !self.write_shut {
                        ctx.emit(Some(self.peer), self.client, EventKind::PeerFinHalfOpen);
                        return ReadEnd::Open;
                    }
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
                Ok(n) => {
                    if !ctx.emit(
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
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return ReadEnd::Open,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.report_failure(ctx, &e, Op::Recv);
                    return ReadEnd::Over;
                }
            }
        }
    }

    /// Reports a failed read or write as a reset or an error.
    pub fn report_failure(&self, ctx: &mut Ctx, e: &io::Error, op: Op) {
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

    pub fn queue(&mut self, bytes: Vec<u8>) {
        self.out.push_back(bytes);
    }

    pub fn has_pending(&self) -> bool {
        !self.out.is_empty()
    }

    /// Writes as much of the queue as the socket takes. A message is reported as sent once
    /// all its bytes are handed to the kernel. Returns Over if the connection failed.
    pub fn flush(&mut self, ctx: &mut Ctx) -> ReadEnd {
        while let Some(front) = self.out.front() {
            match self.stream.write(&front[self.out_off..]) {
                Ok(0) => break,
                Ok(n) => {
                    self.out_off += n;
                    if self.out_off == front.len() {
                        self.out_off = 0;
                        if let Some(msg) = self.out.pop_front() {
                            ctx.emit(Some(self.peer), self.client, EventKind::Tx(msg));
                        }
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
        if self.out.is_empty() && self.shutdown_after_flush && !self.write_shut {
            self.shutdown_after_flush = false;
            self.write_shut = true;
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

    /// Aborts from this side: SO_LINGER 0, then close() sends RST instead of FIN and drops
    /// whatever is still queued (told as unsent).
    pub fn abort(self, ctx: &mut Ctx) {
        if socket2::SockRef::from(&self.stream)
            .set_linger(Some(Duration::ZERO))
            .is_err()
        {
            // Without SO_LINGER 0 close() would send FIN: close normally and say so.
            return self.close_local(ctx, CloseReason::LocalClose, close_deadline());
        }
        if self.has_pending() {
            ctx.emit(
                Some(self.peer),
                self.client,
                EventKind::Unsent {
                    messages: self.out.len() as u64,
                },
            );
        }
        let (peer, client) = (self.peer, self.client);
        drop(self.stream);
        ctx.emit(
            Some(peer),
            client,
            EventKind::Reset {
                reason: ResetReason::ResetHere,
            },
        );
    }

    /// Closes from this side after a last attempt to flush what is queued.
    ///
    /// Always tries one non-blocking flush (so a send just before Stop still goes out),
    /// then keeps trying only until `deadline`. The caller passes one deadline for all the
    /// connections it closes, so a server with many clients that stopped reading still
    /// stops within [`CLOSE_FLUSH_BUDGET`] instead of that budget once per client.
    pub fn close_local(mut self, ctx: &mut Ctx, reason: CloseReason, deadline: Instant) {
        let _ = self.stream.set_nodelay(true);
        loop {
            if let ReadEnd::Over = self.flush(ctx) {
                return;
            }
            if !self.has_pending() || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if self.has_pending() {
            ctx.emit(
                Some(self.peer),
                self.client,
                EventKind::Unsent {
                    messages: self.out.len() as u64,
                },
            );
        }
        let _ = self.stream.shutdown(Shutdown::Both);
        ctx.emit(
            Some(self.peer),
            self.client,
            EventKind::Closed {
                by: ClosedBy::Local,
                reason,
            },
        );
    }
}
