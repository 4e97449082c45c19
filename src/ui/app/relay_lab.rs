//! The relay lab (TCP 可靠 / UDP 不可靠): the lesson's comparison table made visible. Two
//! chains on 127.0.0.1, every port picked by the system: a UDP sender → a UDP relay (10 %
//! loss, 100 ms latency each way, a fixed seed) → a UDP receiver, and a TCP client → a TCP
//! relay (100 ms each way) → a TCP server. Each sender auto-sends 20 numbered messages.
//!
//! The relay cannot drop a TCP segment: it reads and writes byte streams, and the kernels'
//! TCP under it would resend anything lost on a real link. The lab says so, and shows what
//! TCP's reliability costs instead: every message arrives, in order, late — with the TCP
//! client's TCP_INFO (retransmits, RTT) beside it. The counts come from the receiving ends'
//! logs (see [`super::relay_lab_count`]), never from the lab's own plan.
//!
//! The lab runs on fresh panels (as the loopback labs do): the user's five tabs are put
//! aside and come back untouched when it closes; the TCP relay is a sixth panel, the lab's.

use super::App;
use super::lab::{close_split, fresh, put_aside};
use crate::net::{Notifier, Role};
use crate::ui::tabs::status_words::ConnState;
use crate::ui::tabs::tab::SessionPanel;

/// Numbered messages each sender sends.
pub const LAB_COUNT: u64 = 20;
/// Milliseconds between two of them.
pub const LAB_EVERY_MS: u64 = 100;
/// The relays' latency, each way.
pub const LAB_LATENCY_MS: u64 = 100;
/// The UDP relay's loss, each way.
pub const LAB_DROP_PCT: u64 = 10;
/// The UDP relay's seed: the same datagrams are lost at every run.
pub const LAB_SEED: u64 = 26;

/// Where one chain (sender → relay → receiving end) is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chain {
    /// The receiving end is starting: its port is not known yet.
    WaitEnd,
    /// The relay is starting, pointed at the receiving end.
    WaitRelay,
    /// The sender is starting, pointed at the relay.
    WaitSender,
    /// The sender auto-sends the numbered messages.
    Sending,
    /// A step failed (what failed is in that tab's status).
    Failed,
}

/// The relay lab's state: the two chains and the TCP relay's panel (the UDP relay is in
/// the Relay tab's place).
pub struct RelayLab {
    pub tcp_relay: SessionPanel,
    pub udp: Chain,
    pub tcp: Chain,
}

/// The ends of one chain: (receiving end, sender).
fn ends(udp: bool) -> (Role, Role) {
    if udp {
        (Role::UdpReceiver, Role::UdpSender)
    } else {
        (Role::TcpServer, Role::TcpClient)
    }
}

/// Opens the relay lab (closing any other lab first).
pub fn start_relay_lab(app: &mut App) {
    close_split(app);
    put_aside(app, &Role::EVERY);
    let tcp_relay = fresh(app, Role::Relay);
    app.relay_lab = Some(Box::new(RelayLab {
        tcp_relay,
        udp: Chain::WaitEnd,
        tcp: Chain::WaitEnd,
    }));
    app.classroom.split = Some((Role::UdpReceiver, Role::TcpServer));
    app.classroom.notice = None;
    let notify = app.notifier();
    for udp in [true, false] {
        let (end, _) = ends(udp);
        let p = app.panel_mut(end);
        p.settings.host = "127.0.0.1".into();
        p.settings.port = "0".into();
        if !udp {
            // One row per message: the server cuts its stream at each line feed.
            p.settings.framing.mode = crate::ui::pickers::framing_picker::FramingMode::Lf;
        }
        let started = p.start_from_fields(notify.clone());
        if !started && let Some(l) = app.relay_lab.as_mut() {
            *chain(l, udp) = Chain::Failed;
        }
    }
}

fn chain(l: &mut RelayLab, udp: bool) -> &mut Chain {
    if udp { &mut l.udp } else { &mut l.tcp }
}

/// The relay panel of a chain.
pub(super) fn relay_panel(app: &mut App, udp: bool) -> Option<&mut SessionPanel> {
    if udp {
        Some(app.panel_mut(Role::Relay))
    } else {
        app.relay_lab.as_mut().map(|l| &mut l.tcp_relay)
    }
}

/// The port a started panel was given by the system: Ok(None) while it is starting,
/// Err(()) once it has stopped or failed.
fn bound_port(p: &SessionPanel) -> Result<Option<u16>, ()> {
    let port = p.st.local.map(|a| a.port()).filter(|&p| p != 0);
    match (&p.st.state, port) {
        (ConnState::Bound | ConnState::Listening, Some(port)) => Ok(Some(port)),
        (ConnState::Starting | ConnState::Bound | ConnState::Listening, None) => Ok(None),
        _ if p.is_running() => Ok(None),
        _ => Err(()),
    }
}

/// Moves the lab on: called every frame.
pub fn pump_relay_lab(app: &mut App) {
    for udp in [true, false] {
        let Some(now) = app.relay_lab.as_mut().map(|l| *chain(l, udp)) else {
            return;
        };
        let next = step(app, udp, now);
        if let Some(l) = app.relay_lab.as_mut() {
            *chain(l, udp) = next;
        }
    }
}

fn step(app: &mut App, udp: bool, now: Chain) -> Chain {
    let (end, sender) = ends(udp);
    let notify = app.notifier();
    match now {
        Chain::WaitEnd => match bound_port(app.panel(end)) {
            Ok(Some(port)) => start_relay(app, udp, port, notify),
            Ok(None) => now,
            Err(()) => Chain::Failed,
        },
        Chain::WaitRelay => {
            let Some(relay) = relay_panel(app, udp) else {
                return Chain::Failed;
            };
            match bound_port(relay) {
                Ok(Some(port)) => start_sender(app, udp, port, notify),
                Ok(None) => now,
                Err(()) => Chain::Failed,
            }
        }
        Chain::WaitSender => {
            let p = app.panel_mut(sender);
            let ready = match &p.st.state {
                ConnState::Connected => true,
                ConnState::Bound => udp,
                _ if p.is_running() => false,
                _ => return Chain::Failed,
            };
            if !ready {
                return now;
            }
            match p.start_auto_send() {
                Ok(()) => Chain::Sending,
                Err(e) => {
                    p.kit.auto_error = Some(e);
                    Chain::Failed
                }
            }
        }
        Chain::Sending | Chain::Failed => now,
    }
}

/// Starts the relay of a chain, forwarding to the receiving end's `port`.
fn start_relay(app: &mut App, udp: bool, port: u16, notify: Option<Notifier>) -> Chain {
    let Some(p) = relay_panel(app, udp) else {
        return Chain::Failed;
    };
    p.settings.relay = lab_relay_settings(udp, port);
    p.settings.host = "127.0.0.1".into();
    p.settings.port = "0".into();
    if p.start_from_fields(notify) {
        Chain::WaitRelay
    } else {
        Chain::Failed
    }
}

/// The lab's relay: 100 ms each way; for UDP 10 % loss each way and the lab's seed.
pub fn lab_relay_settings(udp: bool, to_port: u16) -> crate::ui::tabs::relay_form::RelaySettings {
    use crate::ui::tabs::relay_form::{DirFaultForm, RelaySettings};
    let dir = DirFaultForm {
        latency_ms: LAB_LATENCY_MS,
        drop_pct: if udp { LAB_DROP_PCT } else { 0 },
        ..Default::default()
    };
    RelaySettings {
        to_host: "127.0.0.1".into(),
        to_port: to_port.to_string(),
        udp,
        up: dir.clone(),
        down: dir,
        seed: LAB_SEED,
        ..Default::default()
    }
}

/// Starts the sender of a chain, pointed at the relay's `port`, with the numbered
/// messages in its send box and the auto-send's interval and count.
fn start_sender(app: &mut App, udp: bool, port: u16, notify: Option<Notifier>) -> Chain {
    let (_, sender) = ends(udp);
    let p = app.panel_mut(sender);
    let s = &mut p.settings;
    s.host = "127.0.0.1".into();
    s.port = port.to_string();
    s.local.clear();
    s.send.hex = false;
    s.send.escapes = false;
    s.send.variables = true;
    // TCP: each message ends in a line feed (the server's framing cuts there).
    s.send.line_ending = if udp {
        crate::ui::tools::send_box::LineEnding::None
    } else {
        crate::ui::tools::send_box::LineEnding::Lf
    };
    s.send.text = if udp {
        "UDP #{seq:02}"
    } else {
        "TCP #{seq:02}"
    }
    .into();
    s.kit.auto_every = LAB_EVERY_MS.to_string();
    s.kit.auto_count = LAB_COUNT.to_string();
    if p.start_from_fields(notify) {
        Chain::WaitSender
    } else {
        Chain::Failed
    }
}
