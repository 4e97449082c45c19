//! Replies to a peer that half-closes right after its request.
//!
//! A client that sends a request and then `shutdown(SHUT_WR)` (HTTP/1.0 style, `nc -N`,
//! Python's `sock.shutdown(SHUT_WR)`) still reads the answer. The worker reads the request
//! and the FIN together, but the answer is made here, on the runtime's thread, a moment
//! later. So while this session answers peers (auto-reply rules, echo, or `--reply`), the
//! worker keeps such a connection half-open and waits for [`Command::FinishHalfClose`],
//! which is sent once every reply to it has been handed to the worker (delayed ones too).
//! The worker then writes the replies, sends its FIN, and the connection closes both ways.

use crate::auto::rules::Outbox;
use crate::net::{Command, Event, EventKind, Session, Target};

/// What the worker was told, and the half-closed connections still waiting for replies.
#[derive(Debug, Default)]
pub struct FinHold {
    /// The worker holds connections after the peer's FIN (last `HoldFin`).
    told: bool,
    /// The user keeps connections half-open (never closed here).
    keep_open: bool,
    /// Connections the peer half-closed (None: the TCP client's own), in order.
    waiting: Vec<Option<u64>>,
}

impl FinHold {
    /// A new session: what its worker starts with.
    pub fn on_start(&mut self, hold: bool, keep_open: bool) {
        self.told = hold;
        self.keep_open = keep_open;
        self.waiting.clear();
    }

    /// Tells the worker when answering starts or stops.
    pub fn set(&mut self, session: &Session, hold: bool) {
        if hold != self.told && session.role().is_tcp() {
            self.told = hold;
            session.send(Command::HoldFin(hold));
        }
    }

    /// Notes a connection the worker keeps half-open for us.
    pub fn on_event(&mut self, ev: &Event) {
        if matches!(ev.kind, EventKind::PeerFinHalfOpen) && !self.keep_open {
            self.waiting.push(ev.client);
        }
    }

    /// Lets each waiting connection close once no reply to it waits in `outbox`.
    pub fn release(&mut self, session: &Session, outbox: &Outbox) {
        if self.waiting.is_empty() {
            return;
        }
        self.waiting.retain(|&client| {
            let waits = outbox.commands().any(|c| addressed_to(c, client));
            if !waits {
                session.send(Command::FinishHalfClose(client));
            }
            waits
        });
    }

    /// The session ended: nothing waits any more.
    pub fn on_ended(&mut self) {
        self.waiting.clear();
    }
}

/// Whether `cmd` sends to `client` (a server's client id; None: the client's connection).
fn addressed_to(cmd: &Command, client: Option<u64>) -> bool {
    match cmd {
        Command::Send { to, .. } => match (to, client) {
            (_, None) => true,
            (Target::Client(id), Some(c)) => *id == c,
            (Target::Default | Target::AllClients, Some(_)) => true,
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Payload;

    fn send(to: Target) -> Command {
        Command::Send {
            payload: Payload::Text("x".into()),
            to,
        }
    }

    #[test]
    fn a_reply_holds_only_its_own_client() {
        assert!(addressed_to(&send(Target::Client(3)), Some(3)));
        assert!(!addressed_to(&send(Target::Client(3)), Some(4)));
        assert!(addressed_to(&send(Target::AllClients), Some(4)));
        assert!(addressed_to(&send(Target::Default), None));
        assert!(!addressed_to(&Command::Stop, Some(3)));
    }
}
