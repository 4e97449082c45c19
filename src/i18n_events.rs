//! Engine events in words: one line per non-data [`Event`], in any UI language, from the
//! `ev.*` keys of the [`crate::i18n`] tables. The English line is also what records,
//! headless output and exports carry (`crate::log::store::describe`).

use crate::i18n::{Lang, error_sentence, tr, trf};
use crate::net::{CloseReason, Event, EventKind, ResetReason, Role};
use std::net::IpAddr;

/// The one-line description of `ev` in `lang` (empty for rx/tx: their text is the data).
pub fn describe_in(lang: Lang, ev: &Event) -> String {
    let peer = ev.peer.map(|p| p.to_string()).unwrap_or_default();
    let local = ev.local.map(|p| p.to_string()).unwrap_or_default();
    let f = |key: &'static str, args: &[(&str, &str)]| trf(lang, key, args);
    match &ev.kind {
        EventKind::Bound => f("ev.bound", &[("local", &local)]),
        EventKind::Listening { backlog } => f(
            "ev.listening",
            &[("backlog", &backlog.to_string()), ("local", &local)],
        ),
        EventKind::Connecting => f("ev.connecting", &[("peer", &peer)]),
        EventKind::Connected => f("ev.connected", &[("local", &local), ("peer", &peer)]),
        EventKind::Accepted => match ev.client {
            Some(id) => f(
                "ev.accepted_client",
                &[("id", &id.to_string()), ("peer", &peer)],
            ),
            None => f("ev.accepted", &[("peer", &peer)]),
        },
        EventKind::Rx(_) | EventKind::Tx(_) => String::new(),
        EventKind::Closed { reason, .. } => close_reason(lang, *reason),
        EventKind::Reset { reason } => tr(lang, reset_key(*reason)).to_string(),
        // The detail is the worker's English explanation: in English it says it all; other
        // languages lead with their own sentence for the kind.
        EventKind::Error { detail, .. } if lang == Lang::En => detail.clone(),
        EventKind::Error { kind, detail } => f(
            "ev.error",
            &[
                ("sentence", error_sentence(lang, *kind)),
                ("detail", detail),
            ],
        ),
        EventKind::Refused { limit, total } => f(
            "ev.refused",
            &[("limit", &limit.to_string()), ("total", &total.to_string())],
        ),
        EventKind::KernelDrops { total } => f("ev.kernel_drops", &[("total", &total.to_string())]),
        EventKind::PeerFinHalfOpen => tr(lang, "ev.peer_fin_half_open").to_string(),
        EventKind::FinSent => tr(lang, "ev.fin_sent").to_string(),
        EventKind::Unsent { messages } => f("ev.unsent", &[("n", &messages.to_string())]),
        EventKind::StoppedListening { clients } => {
            f("ev.stopped_listening", &[("n", &clients.to_string())])
        }
        EventKind::NotApplicable => tr(
            lang,
            match ev.role {
                Role::TcpClient => "ev.not_applicable.tcp_client",
                Role::TcpServer => "ev.not_applicable.tcp_server",
                Role::UdpSender | Role::UdpReceiver => "ev.not_applicable.udp",
            },
        )
        .to_string(),
        EventKind::BroadcastOn => tr(lang, "ev.broadcast_on").to_string(),
        EventKind::Destination { to } => f("ev.destination", &[("to", to)]),
        EventKind::MulticastJoined {
            group,
            interface,
            index,
        } => f(
            "ev.mc_joined",
            &[
                ("group", &group.to_string()),
                ("on", &iface(lang, *group, *interface, *index)),
            ],
        ),
        EventKind::MulticastOptions {
            group,
            interface,
            index,
            ttl,
            loopback,
        } => f(
            "ev.mc_options",
            &[
                ("group", &group.to_string()),
                ("on", &iface(lang, *group, *interface, *index)),
                ("ttl", &ttl.to_string()),
                ("loop", tr(lang, if *loopback { "ev.on" } else { "ev.off" })),
            ],
        ),
        EventKind::FileStarted {
            name,
            bytes,
            chunk,
            delay_ms,
        } => {
            let args = [
                ("name", name.as_str()),
                ("bytes", &bytes.to_string()),
                ("chunk", &chunk.to_string()),
                ("ms", &delay_ms.to_string()),
            ];
            if *delay_ms == 0 {
                f("ev.file_started", &args)
            } else {
                f("ev.file_started_delay", &args)
            }
        }
        EventKind::FileSent {
            bytes,
            chunks,
            micros,
        } => f(
            "ev.file_sent",
            &[
                ("bytes", &bytes.to_string()),
                ("chunks", &chunks.to_string()),
                ("secs", &format!("{:.2}", *micros as f64 / 1e6)),
            ],
        ),
        EventKind::FileCancelled { sent, total } => f(
            "ev.file_cancelled",
            &[("sent", &sent.to_string()), ("total", &total.to_string())],
        ),
        EventKind::NoFileBeingSent => tr(lang, "ev.no_file").to_string(),
        EventKind::Info(m) | EventKind::Note(m) => m.clone(),
    }
}

/// Why a connection ended, in `lang`.
pub fn close_reason(lang: Lang, reason: CloseReason) -> String {
    let key = match reason {
        CloseReason::PeerFin => "ev.closed.peer_fin",
        CloseReason::BothFin => "ev.closed.both_fin",
        CloseReason::LocalClose => "ev.closed.local_close",
        CloseReason::ServerStopped => "ev.closed.server_stopped",
        CloseReason::Kicked => "ev.closed.kicked",
        CloseReason::ConnectCancelled => "ev.closed.connect_cancelled",
        CloseReason::ServerEnded { clients } => {
            return trf(
                lang,
                "ev.closed.server_ended",
                &[("n", &clients.to_string())],
            );
        }
        CloseReason::SocketClosed => "ev.closed.socket_closed",
        CloseReason::InternalError => "ev.closed.internal_error",
        CloseReason::Unknown => "ev.closed.unknown",
    };
    tr(lang, key).to_string()
}

fn reset_key(reason: ResetReason) -> &'static str {
    match reason {
        ResetReason::PeerReset => "ev.reset.peer",
        ResetReason::Aborted => "ev.reset.aborted",
        ResetReason::BrokenPipe => "ev.reset.broken_pipe",
        ResetReason::Unknown => "ev.reset.unknown",
    }
}

/// The interface a multicast group is used on: IPv4 by address, IPv6 by index.
fn iface(lang: Lang, group: IpAddr, interface: Option<IpAddr>, index: u32) -> String {
    match (group, interface) {
        (IpAddr::V4(_), Some(i)) => trf(lang, "ev.iface", &[("i", &i.to_string())]),
        (IpAddr::V6(_), _) if index != 0 => {
            trf(lang, "ev.iface_index", &[("i", &index.to_string())])
        }
        _ => tr(lang, "ev.iface_default").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(role: Role, kind: EventKind) -> Event {
        Event {
            ts_us: 0,
            role,
            local: None,
            peer: None,
            client: None,
            kind,
        }
    }

    #[test]
    fn reasons_are_words_once() {
        let closed = ev(
            Role::TcpClient,
            EventKind::Closed {
                by: crate::net::ClosedBy::Peer,
                reason: CloseReason::PeerFin,
            },
        );
        assert_eq!(
            describe_in(Lang::En, &closed),
            "closed by peer (FIN received)"
        );
        assert!(describe_in(Lang::Zh, &closed).contains("FIN"));
        let refused = ev(Role::TcpServer, EventKind::Refused { limit: 2, total: 7 });
        assert_eq!(
            describe_in(Lang::En, &refused),
            "refused a client: the limit of 2 clients is reached (7 refused so far)"
        );
        let zh = describe_in(Lang::Zh, &refused);
        assert!(
            zh.contains('2') && zh.contains('7') && !zh.contains("refused"),
            "{zh}"
        );
    }

    #[test]
    fn every_kind_has_words_in_every_language() {
        use EventKind as K;
        let g: IpAddr = "239.1.2.3".parse().unwrap();
        let kinds = [
            K::Bound,
            K::Listening { backlog: 5 },
            K::Connecting,
            K::Connected,
            K::Accepted,
            K::Closed {
                by: crate::net::ClosedBy::Local,
                reason: CloseReason::ServerEnded { clients: 3 },
            },
            K::Reset {
                reason: ResetReason::BrokenPipe,
            },
            K::Error {
                kind: crate::net::ErrorKind::Refused,
                detail: "cannot connect to x".into(),
            },
            K::KernelDrops { total: 9 },
            K::PeerFinHalfOpen,
            K::FinSent,
            K::Unsent { messages: 4 },
            K::StoppedListening { clients: 1 },
            K::NotApplicable,
            K::BroadcastOn,
            K::Destination { to: "h:1".into() },
            K::MulticastJoined {
                group: g,
                interface: None,
                index: 0,
            },
            K::MulticastOptions {
                group: g,
                interface: Some("127.0.0.1".parse().unwrap()),
                index: 0,
                ttl: 1,
                loopback: true,
            },
            K::FileStarted {
                name: "f".into(),
                bytes: 10,
                chunk: 5,
                delay_ms: 3,
            },
            K::FileSent {
                bytes: 10,
                chunks: 2,
                micros: 1_500_000,
            },
            K::FileCancelled { sent: 1, total: 2 },
            K::NoFileBeingSent,
        ];
        for k in kinds {
            for lang in Lang::ALL {
                let s = describe_in(lang, &ev(Role::TcpServer, k.clone()));
                assert!(
                    !s.is_empty() && !s.contains("ev.") && !s.contains('{'),
                    "{lang:?} {k:?}: {s}"
                );
            }
        }
    }
}
