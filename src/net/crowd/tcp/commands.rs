//! The TCP crowd's commands: sends, closes, resets, a member's reopen, Stop.

use super::{Crowd, State};
use crate::net::worker::Ctx;
use crate::net::{CloseReason, ClosedBy, Command, EventKind, ResetReason};
use std::io::Write;

impl Crowd<'_> {
    /// One command. True: stop.
    pub(super) fn on_command(&mut self, ctx: &mut Ctx, cmd: Command) -> bool {
        match cmd {
            Command::Stop => return true,
            Command::SetEncoding(e) => ctx.encoding = e,
            Command::Send { payload, to } => {
                let Some(bytes) = ctx.payload_bytes(payload) else {
                    return false;
                };
                let (n, target) = (self.slots.len() as u32, self.target);
                let none = "not sent: no connection of the crowd is open";
                super::super::send_to_members(ctx, to, n, target, none, |ctx, id| {
                    self.send_one(ctx, id, &bytes)
                });
            }
            Command::Disconnect(id) => {
                let closed = EventKind::Closed {
                    by: ClosedBy::Local,
                    reason: CloseReason::Kicked,
                };
                self.end(ctx, id as u32, Some(closed));
            }
            Command::Reset(which) => {
                let ids: Vec<u32> = match which {
                    Some(id) => vec![id as u32],
                    None => (1..=self.slots.len() as u32).collect(),
                };
                for id in ids {
                    self.abort(ctx, id);
                }
            }
            Command::CrowdReopen(id) => self.reopen(ctx, id),
            Command::CrowdHold(on) => self.hold = on,
            // A crowd closes on the peer's FIN (its replies go out as they are made).
            Command::HoldFin(_) | Command::FinishHalfClose(_) => {}
            _ => ctx.info(EventKind::NotApplicable),
        }
        false
    }

    /// Member `id` again: what it has open (or is connecting) closes, then a new connect
    /// starts in its slot (its number, its token). Only members the ramp has opened; one
    /// socket a member at any time, so the descriptors a crowd needs do not grow.
    fn reopen(&mut self, ctx: &mut Ctx, id: u64) {
        let Some(id) = u32::try_from(id)
            .ok()
            .filter(|&k| k >= 1 && k as usize <= self.slots.len())
        else {
            return ctx.info(EventKind::NotApplicable);
        };
        let reason = match self.slot(id).map(|s| s.state) {
            Some(State::Connecting) => Some(CloseReason::ConnectCancelled),
            Some(State::Open) => Some(CloseReason::LocalClose),
            _ => None,
        };
        if let Some(reason) = reason {
            let closed = EventKind::Closed {
                by: ClosedBy::Local,
                reason,
            };
            self.end(ctx, id, Some(closed));
        }
        self.connect(ctx, id);
    }

    /// RST instead of FIN (SO_LINGER 0, then close).
    fn abort(&mut self, ctx: &mut Ctx, id: u32) {
        if let Some(slot) = self.slot(id)
            && slot.state == State::Open
            && let Some(s) = &slot.sock
        {
            let _ = socket2::SockRef::from(s).set_linger(Some(std::time::Duration::ZERO));
            let reset = EventKind::Reset {
                reason: ResetReason::ResetHere,
            };
            self.end(ctx, id, Some(reset));
        }
    }

    /// Stop: every connection closes (a connect under way is cancelled).
    pub(super) fn close_all(&mut self, ctx: &mut Ctx) {
        for id in 1..=self.slots.len() as u32 {
            let reason = match self.slot(id).map(|s| s.state) {
                Some(State::Connecting) => CloseReason::ConnectCancelled,
                Some(State::Open) => CloseReason::LocalClose,
                _ => continue,
            };
            if let Some(s) = self.slot(id)
                && let Some(sock) = s.sock.as_mut()
            {
                let _ = sock.flush();
            }
            let closed = EventKind::Closed {
                by: ClosedBy::Local,
                reason,
            };
            self.end(ctx, id, Some(closed));
            if ctx.gone {
                return;
            }
        }
        ctx.flush_notify();
    }
}
