//! The relay as a session worker (role [`Role::Relay`]): it runs a [`Relay`], turns each
//! [`RelayEvent`] into a session [`Event`] for the runtime (which stores, spools and
//! records it like any role's), and takes the session's [`Command`]s: `Stop`, and
//! `SetFaults` to change the faults live.
//!
//! The mapping: the event's `client` is the pair, its `peer` the pair's client (or UDP
//! source), its `local` the listening address. Data going up (client → server) is `Rx`
//! (what the relay received from the client), data going down is `Tx`; a new pair is
//! `Accepted`, a failure `Error`, and everything else the relay tells is typed as
//! [`EventKind::Relay`]. [`to_relay`] turns such an event back (headless lines, pcapng).

use super::{Dir, InterceptCommand, Relay, RelayConfig, RelayEvent, RelayKind};
use crate::net::{Command, ErrorKind, Event, EventKind, Notifier, Role, SessionConfig};
use crossbeam_channel::{Receiver, Sender};
use std::time::Duration;

/// A relay event as the session's event.
pub fn to_event(ev: RelayEvent) -> Event {
    let kind = match ev.kind {
        RelayKind::Data {
            dir: Dir::Up,
            bytes,
        } => EventKind::Rx(bytes),
        RelayKind::Data {
            dir: Dir::Down,
            bytes,
        } => EventKind::Tx(bytes),
        RelayKind::Accepted => EventKind::Accepted,
        RelayKind::Error { kind, detail } => EventKind::Error { kind, detail },
        other => EventKind::Relay(Box::new(other)),
    };
    Event {
        ts_us: ev.ts_us,
        role: Role::Relay,
        local: ev.local,
        peer: ev.peer,
        client: ev.pair,
        kind,
        opcode: None,
    }
}

/// A relay session's event as the relay told it (None for any other role's, and for
/// events the runtime adds, such as notes).
pub fn to_relay(ev: &Event) -> Option<RelayEvent> {
    if ev.role != Role::Relay {
        return None;
    }
    let kind = match &ev.kind {
        EventKind::Rx(b) => RelayKind::Data {
            dir: Dir::Up,
            bytes: b.clone(),
        },
        EventKind::Tx(b) => RelayKind::Data {
            dir: Dir::Down,
            bytes: b.clone(),
        },
        EventKind::Accepted => RelayKind::Accepted,
        EventKind::Error { kind, detail } => RelayKind::Error {
            kind: *kind,
            detail: detail.clone(),
        },
        EventKind::Relay(k) => (**k).clone(),
        _ => return None,
    };
    Some(RelayEvent {
        ts_us: ev.ts_us,
        pair: ev.client,
        peer: ev.peer,
        local: ev.local,
        kind,
    })
}

/// The direction of a relay session's data event (rx: up, tx: down).
pub fn data_dir(ev: &Event) -> Option<Dir> {
    match (&ev.kind, ev.role) {
        (EventKind::Rx(_), Role::Relay) => Some(Dir::Up),
        (EventKind::Tx(_), Role::Relay) => Some(Dir::Down),
        _ => None,
    }
}

/// Hands an event to the runtime, waiting while its queue is full (the relay's threads
/// then wait too: back-pressure). False once the runtime is gone.
fn hand(events: &Sender<Event>, ev: Event, notify: &Option<Notifier>) -> bool {
    let ok = events.send(ev).is_ok();
    if let Some(n) = notify {
        n();
    }
    ok
}

/// The worker thread of a relay session: until `Stop` (or the relay ends by itself).
pub(crate) fn run(
    config: SessionConfig,
    commands: Receiver<Command>,
    events: Sender<Event>,
    notify: Option<Notifier>,
) {
    let Some(mut rc) = config.relay.map(|b| *b) else {
        let ev = Event {
            ts_us: crate::net::now_us(),
            role: Role::Relay,
            local: None,
            peer: None,
            client: None,
            kind: EventKind::Error {
                kind: ErrorKind::BadAddress,
                detail: "the relay has no upstream to forward to".into(),
            },
            opcode: None,
        };
        hand(&events, ev, &notify);
        return;
    };
    rc.listen = config.address;
    let (listen, tcp) = (rc.listen.clone(), !rc.udp);
    let mut relay = Relay::start(rc);
    let from_relay = relay.events().clone();
    loop {
        crossbeam_channel::select! {
            recv(from_relay) -> m => match m {
                Ok(ev) => {
                    // It cannot listen (the port is in use…): who holds the port, and a
                    // free one, as the roles tell it (shown under the port field).
                    if let (None, RelayKind::Error { kind, .. }) = (ev.pair, &ev.kind)
                        && let Some(advice) = crate::net::port_owner::advice(*kind, &listen, tcp)
                    {
                        let mut told = to_event(ev.clone());
                        told.kind = advice;
                        if !hand(&events, told, &notify) {
                            break;
                        }
                    }
                    if !hand(&events, to_event(ev), &notify) {
                        break;
                    }
                }
                // The relay ended by itself (it could not listen): its last event is told.
                Err(_) => return,
            },
            recv(commands) -> c => match c {
                Ok(Command::Stop) | Err(_) => break,
                Ok(Command::SetFaults(f)) => {
                    let off = f.up.is_off() && f.down.is_off();
                    relay.set_faults(*f);
                    let ev = RelayEvent {
                        ts_us: crate::net::now_us(),
                        pair: None,
                        peer: None,
                        local: None,
                        kind: RelayKind::FaultsChanged { off },
                    };
                    if !hand(&events, to_event(ev), &notify) {
                        break;
                    }
                }
                Ok(Command::SetRewrites(r)) => {
                    let [up, down] = r.enabled();
                    relay.set_rewrites(*r);
                    let ev = own_event(RelayKind::RewritesChanged { up, down });
                    if !hand(&events, to_event(ev), &notify) {
                        break;
                    }
                }
                Ok(Command::Intercept(c)) => {
                    let told = match &*c {
                        InterceptCommand::Set(s) => Some(RelayKind::InterceptChanged {
                            up: s.up,
                            down: s.down,
                            timeout_ms: s.timeout.as_millis().min(u128::from(u64::MAX)) as u64,
                        }),
                        // The writer holding it tells how it left (or it left already).
                        InterceptCommand::Decide { .. } => None,
                    };
                    relay.intercept(*c);
                    if let Some(k) = told
                        && !hand(&events, to_event(own_event(k)), &notify)
                    {
                        break;
                    }
                }
                // The relay forwards bytes as they are: the encoding is the runtime's and
                // the view's (the tab's encoding picker and banner), nothing to do here.
                Ok(Command::SetEncoding(_)) => {}
                Ok(_) => {
                    let ev = Event {
                        ts_us: crate::net::now_us(),
                        role: Role::Relay,
                        local: None,
                        peer: None,
                        client: None,
                        kind: EventKind::NotApplicable,
                        opcode: None,
                    };
                    if !hand(&events, ev, &notify) {
                        break;
                    }
                }
            },
            default(Duration::from_millis(200)) => {}
        }
    }
    for ev in relay.stop_and_join() {
        if !hand(&events, to_event(ev), &notify) {
            return;
        }
    }
}

/// An event of the relay itself (no pair), stamped now.
fn own_event(kind: RelayKind) -> RelayEvent {
    RelayEvent {
        ts_us: crate::net::now_us(),
        pair: None,
        peer: None,
        local: None,
        kind,
    }
}

/// A relay config listening on `listen` and forwarding to `to`, with no faults.
pub fn config(listen: &str, to: &str, udp: bool) -> SessionConfig {
    let mut rc = RelayConfig::new(listen, to);
    rc.udp = udp;
    SessionConfig::relay(rc)
}
