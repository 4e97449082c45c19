//! The hooks that put a WebSocket [`Layer`] on a [`Conn`]: what is read goes through it
//! (one rx event per message, with its opcode), what is sent is framed by it (one tx event
//! per message once its frame is in the kernel), and closing sends a close frame.

use super::{Conn, Got, ReadEnd};
use crate::net::shaping::Unit;
use crate::net::worker::Ctx;
use crate::net::ws::layer::{Layer, Out};
use crate::net::ws::{Opcode, Refusal, WsEvent};
use crate::net::{CloseReason, ClosedBy, EventKind};
use std::io::Write;
use std::net::Shutdown;
use std::time::{Duration, Instant};

/// How long a WebSocket client, once its close frame is out, waits for the server's close
/// frame and for the server to end the TCP connection (RFC 6455 7.1.1: the server closes
/// first). Stop takes at most this long more against a server that never answers.
const WS_CLOSE_WAIT: Duration = Duration::from_secs(1);

/// How a client's wait for the close handshake ended.
pub(crate) enum CloseWait {
    /// Not a WebSocket client that sent a close frame: nothing to wait for.
    NotWaiting,
    /// The server ended the stream (its close frame, if any, is told).
    PeerEnded,
    /// The wait ran out, or the read failed: the client closes now.
    GaveUp,
    /// The connection's end has been reported already.
    Over,
}

impl Conn {
    /// Speaks WebSocket on this connection (after TLS, if any). A client's request is
    /// queued at once (it goes out when TLS is ready).
    pub fn with_ws(mut self, layer: Layer, first: Option<Vec<u8>>) -> Conn {
        self.ws = Some(Box::new(layer));
        if let Some(req) = first {
            self.queue_wire(req);
        }
        self
    }

    /// Bytes that are not a message of ours: written in order, told as nothing.
    fn queue_wire(&mut self, wire: Vec<u8>) {
        let mut unit = Unit::one(wire);
        unit.whole = true;
        self.out.push_back(unit);
        self.ws_tx.push_back(None);
    }

    /// A message framed: told sent (with its opcode) once its frame is written.
    fn queue_frame(&mut self, op: Opcode, payload: Vec<u8>, wire: Vec<u8>) {
        self.out.push_back(Unit::one(wire));
        self.ws_tx.push_back(Some((op, payload)));
    }

    /// Sends one message (held until the opening handshake is done).
    pub(crate) fn ws_queue(&mut self, ctx: &mut Ctx, bytes: Vec<u8>) {
        let Some(layer) = self.ws.as_mut() else {
            return;
        };
        match layer.message(bytes) {
            Ok(Some((op, payload, wire))) => self.queue_frame(op, payload, wire),
            Ok(None) => {}
            Err(detail) => self.ws_not_sent(ctx, detail),
        }
    }

    fn ws_not_sent(&mut self, ctx: &mut Ctx, detail: String) {
        let kind = crate::net::ErrorKind::NotConnected;
        ctx.error(Some(self.peer), self.client, kind, detail);
    }

    /// A unit left: its message told sent, with its opcode (none for control bytes).
    pub(crate) fn ws_sent(&mut self, ctx: &mut Ctx) {
        if let Some(Some((op, payload))) = self.ws_tx.pop_front() {
            ctx.emit_op(
                Some(self.peer),
                self.client,
                EventKind::Tx(payload),
                Some(op),
            );
        }
    }

    /// Messages queued and not yet written (control bytes not counted).
    pub(crate) fn ws_unsent(&self) -> u64 {
        self.ws_tx.iter().filter(|m| m.is_some()).count() as u64
    }

    /// Sends a ping; says why not when the connection is not (yet) a WebSocket.
    pub(crate) fn ws_ping(&mut self, ctx: &mut Ctx) {
        match self.ws.as_mut().and_then(|l| l.ping()) {
            Some(wire) => {
                let len = 8;
                self.queue_wire(wire);
                ctx.emit(
                    Some(self.peer),
                    self.client,
                    EventKind::Ws(WsEvent::PingSent { len }),
                );
            }
            None => {
                ctx.info(EventKind::NotApplicable);
            }
        }
    }

    /// Closing from this side: a close frame (1000) before the FIN.
    pub(crate) fn ws_close(&mut self, ctx: &mut Ctx) {
        if let Some(wire) = self.ws.as_mut().and_then(|l| l.close(1000, "")) {
            self.queue_wire(wire);
            let ev = WsEvent::Close {
                by: ClosedBy::Local,
                code: Some(1000),
                reason: String::new(),
            };
            ctx.emit(Some(self.peer), self.client, EventKind::Ws(ev));
        }
    }

    /// A client that sent a close frame waits (at most [`WS_CLOSE_WAIT`]) for the server's
    /// close frame and end of stream, passing on what arrives meanwhile, so the close
    /// handshake completes and the server closes TCP first. A server's client is not
    /// waited for: a server stopping with many clients must not wait on each.
    pub(crate) fn ws_await_close(&mut self, ctx: &mut Ctx) -> CloseWait {
        if self.client.is_some() || self.peer_fin || !self.ws.as_ref().is_some_and(|l| l.closing())
        {
            return CloseWait::NotWaiting;
        }
        let deadline = Instant::now() + WS_CLOSE_WAIT;
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            match self.read_some(ctx, &mut buf) {
                Got::Data(n) => {
                    if let ReadEnd::Over = self.ws_feed(ctx, &buf[..n]) {
                        return CloseWait::Over;
                    }
                    if self.has_pending()
                        && let ReadEnd::Over = self.flush(ctx)
                    {
                        return CloseWait::Over;
                    }
                }
                Got::Eof => {
                    self.peer_fin = true;
                    return CloseWait::PeerEnded;
                }
                Got::WouldBlock if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Got::WouldBlock | Got::Failed(_) | Got::Io(_) => return CloseWait::GaveUp,
            }
        }
    }

    /// The peer closed while the opening handshake was still going.
    pub(crate) fn ws_closed_early(&mut self, ctx: &mut Ctx) {
        if self.ws.as_ref().is_some_and(|l| l.opening()) {
            let ev = WsEvent::Refused(Refusal::ClosedEarly);
            ctx.emit(Some(self.peer), self.client, EventKind::Ws(ev));
        }
    }

    /// The opening handshake took too long: refused and closed.
    pub(crate) fn ws_check_timeout(&mut self, ctx: &mut Ctx, now: std::time::Instant) -> ReadEnd {
        match self.ws.as_mut().and_then(|l| l.timed_out(now)) {
            Some(why) => self.ws_refused(ctx, why, None),
            None => ReadEnd::Open,
        }
    }

    /// What was read goes through the layer. Over when the connection ends here.
    pub(crate) fn ws_feed(&mut self, ctx: &mut Ctx, data: &[u8]) -> ReadEnd {
        let mut outs = Vec::new();
        if let Some(layer) = self.ws.as_mut() {
            layer.feed(data, &mut outs);
        }
        for out in outs {
            match out {
                Out::Event(e) => {
                    ctx.emit(Some(self.peer), self.client, EventKind::Ws(e));
                }
                Out::Message(op, data) => {
                    let kind = EventKind::Rx(data);
                    if !ctx.emit_op(Some(self.peer), self.client, kind, Some(op)) {
                        return ReadEnd::Over;
                    }
                }
                Out::Wire(w) => self.queue_wire(w),
                Out::Send(op, payload, wire) => self.queue_frame(op, payload, wire),
                Out::Finish => self.shutdown_after_flush = true,
                Out::NotSent(detail) => self.ws_not_sent(ctx, detail),
                Out::Refused(why, answer) => return self.ws_refused(ctx, why, answer),
            }
        }
        ReadEnd::Open
    }

    /// Refuses the opening handshake: the HTTP answer (best effort), the typed reason,
    /// and (a server's client) closed.
    fn ws_refused(&mut self, ctx: &mut Ctx, why: Refusal, answer: Option<Vec<u8>>) -> ReadEnd {
        if let Some(a) = answer {
            match self.tls.as_mut() {
                Some(t) => {
                    let _ = t.write(&mut self.stream, &a);
                    let _ = t.write_out(&mut self.stream);
                }
                None => {
                    let _ = self.stream.write(&a);
                }
            }
        }
        self.out.clear();
        self.ws_tx.clear();
        self.out_off = 0;
        ctx.emit(
            Some(self.peer),
            self.client,
            EventKind::Ws(WsEvent::Refused(why)),
        );
        let _ = self.stream.shutdown(Shutdown::Both);
        ctx.emit(
            Some(self.peer),
            self.client,
            EventKind::Closed {
                by: ClosedBy::Local,
                reason: CloseReason::WsRefused,
            },
        );
        ReadEnd::Over
    }
}
