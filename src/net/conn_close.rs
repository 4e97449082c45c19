//! Ending a [`Conn`] from this side: an abort (SO_LINGER 0: RST, what is queued told as
//! unsent), or a close that first tries, within a shared deadline, to send what is queued,
//! ends a WebSocket's close handshake and TLS's close_notify, then shuts the socket.

use super::{Conn, ReadEnd, close_deadline, ws_hooks};
use crate::net::worker::Ctx;
use crate::net::{CloseReason, ClosedBy, EventKind, ResetReason};
use std::net::Shutdown;
use std::time::{Duration, Instant};

impl Conn {
    /// Aborts from this side: SO_LINGER 0, then close() sends RST instead of FIN and drops
    /// whatever is still queued (told as unsent).
    pub fn abort(mut self, ctx: &mut Ctx) {
        if socket2::SockRef::from(&self.stream)
            .set_linger(Some(Duration::ZERO))
            .is_err()
        {
            // Without SO_LINGER 0 close() would send FIN: close normally and say so.
            return self.close_local(ctx, CloseReason::LocalClose, close_deadline());
        }
        self.release_held();
        let messages = self.unsent_count();
        if messages > 0 {
            ctx.emit(Some(self.peer), self.client, EventKind::Unsent { messages });
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
        self.ws_close(ctx);
        // What is held or split goes out now, whole: closing does not wait for the shaping.
        self.release_held();
        self.shaping.split = 0;
        self.next_write = None;
        loop {
            if let ReadEnd::Over = self.flush(ctx) {
                return;
            }
            let tls_waits = self.tls.as_ref().is_some_and(|t| t.wants_write());
            if (!self.has_pending() && !tls_waits) || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let messages = self.unsent_count();
        if messages > 0 {
            ctx.emit(Some(self.peer), self.client, EventKind::Unsent { messages });
        }
        let waited = self.ws_await_close(ctx);
        if let ws_hooks::CloseWait::Over = waited {
            return;
        }
        // A WebSocket client's close: the server ended TCP first, as the RFC has it (its
        // FIN came before ours: the diagram and the log say so).
        let (by, reason) = match waited {
            ws_hooks::CloseWait::PeerEnded => (ClosedBy::Peer, CloseReason::PeerFin),
            _ => (ClosedBy::Local, reason),
        };
        if let Some(t) = self.tls.as_mut()
            && !self.write_shut
        {
            t.close_notify(&mut self.stream);
        }
        let _ = self.stream.shutdown(Shutdown::Both);
        ctx.emit(
            Some(self.peer),
            self.client,
            EventKind::Closed { by, reason },
        );
    }
}
