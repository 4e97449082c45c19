//! Engine events in words: one line per non-data [`Event`], in any UI language, from the
//! `ev-*` and `err-*` messages of the Fluent files (`i18n/<lang>/socket_tester.ftl`). Every
//! message is named with `fl!`, so its id and arguments are checked when the program is
//! built. The English line ([`english`]) is also what records, headless output and exports
//! carry: their callers give it to the log, which knows no language.

use crate::i18n::{Lang, loader};
use crate::net::{CloseReason, ErrorKind, Event, EventKind, ResetReason, Role};
use i18n_embed_fl::fl;
use std::net::IpAddr;

/// Who holds `port` (where the system told) and a free port to try, in `lang`: the log's
/// row and the words under the port field.
pub fn port_advice(
    lang: Lang,
    port: u16,
    owner: &Option<crate::net::port_owner::Owner>,
    free: Option<u16>,
) -> String {
    let l = loader(lang);
    let mut parts = Vec::new();
    if let Some(o) = owner {
        let name = o.name.as_str();
        parts.push(fl!(
            l,
            "ev-port-held-by",
            port = port,
            name = name,
            pid = o.pid
        ));
    }
    match free {
        Some(f) => parts.push(fl!(l, "ev-port-free", free = f)),
        None => parts.push(fl!(l, "ev-port-no-free")),
    }
    parts.join(fl!(l, "ev-port-sep").as_str())
}

fn is_unix(a: Option<std::net::SocketAddr>) -> bool {
    a.is_some_and(|a| crate::net::unix_name::is_stand_in(&a))
}

/// The English line of `ev`: what records, exports, headless output and the rows of the
/// log say (the [`crate::log::Describe`] every caller of the log gives it).
pub fn english(ev: &Event) -> String {
    describe_in(Lang::En, ev)
}

/// The one-line description of `ev` in `lang` (empty for rx/tx: their text is the data).
pub fn describe_in(lang: Lang, ev: &Event) -> String {
    let l = loader(lang);
    let peer = ev
        .peer
        .map(|p| crate::i18n::addr_in(lang, &p))
        .unwrap_or_default();
    let local = ev
        .local
        .map(|p| crate::i18n::addr_in(lang, &p))
        .unwrap_or_default();
    match &ev.kind {
        EventKind::Relay(k) => crate::i18n_relay::describe(lang, k, ev.local),
        EventKind::Bound => fl!(l, "ev-bound", local = local),
        EventKind::Listening { backlog } => {
            fl!(l, "ev-listening", backlog = backlog, local = local)
        }
        // A unix stream socket has no SYN and no handshake to speak of.
        EventKind::Connecting if is_unix(ev.peer) => fl!(l, "ev-connecting-unix", peer = peer),
        EventKind::Connected if is_unix(ev.peer) => fl!(l, "ev-connected-unix", peer = peer),
        EventKind::Connecting => fl!(l, "ev-connecting", peer = peer),
        EventKind::Connected => fl!(l, "ev-connected", local = local, peer = peer),
        EventKind::Accepted => match ev.client {
            Some(id) => fl!(l, "ev-accepted-client", id = id, peer = peer),
            None => fl!(l, "ev-accepted", peer = peer),
        },
        EventKind::Rx(_) | EventKind::Tx(_) => String::new(),
        // AF_UNIX has no FIN segments: a close is an end of file.
        EventKind::Closed {
            reason: CloseReason::PeerFin,
            ..
        } if is_unix(ev.peer) => fl!(l, "ev-closed-peer-eof-unix"),
        EventKind::Closed {
            reason: CloseReason::BothFin,
            ..
        } if is_unix(ev.peer) => fl!(l, "ev-closed-both-eof-unix"),
        EventKind::Closed { reason, .. } => close_reason(lang, *reason),
        EventKind::Reset { reason } => reset_reason(lang, *reason),
        // The detail is the worker's English explanation: in English it says it all; other
        // languages say their own sentence for the kind (records keep the detail).
        EventKind::Error { detail, .. } if lang == Lang::En => detail.clone(),
        EventKind::Error { kind, .. } => error_sentence(lang, *kind),
        EventKind::Refused { limit, total } => {
            fl!(l, "ev-refused", limit = limit, total = total)
        }
        EventKind::KernelDrops { total } => fl!(l, "ev-kernel-drops", total = total),
        EventKind::PeerFinHalfOpen if is_unix(ev.peer) => fl!(l, "ev-peer-eof-half-open-unix"),
        EventKind::FinSent if is_unix(ev.peer) => fl!(l, "ev-shut-wr-unix"),
        EventKind::PeerFinHalfOpen => fl!(l, "ev-peer-fin-half-open"),
        EventKind::FinSent => fl!(l, "ev-fin-sent"),
        EventKind::ReadingPaused => fl!(l, "ev-reading-paused"),
        EventKind::ReadingResumed => fl!(l, "ev-reading-resumed"),
        EventKind::PortAdvice { port, owner, free } => port_advice(lang, *port, owner, *free),
        EventKind::Unsent { messages } => fl!(l, "ev-unsent", n = messages),
        EventKind::TlsReady(info) => crate::i18n_tls::ready(lang, info),
        EventKind::TlsServerCert { cert, source } => {
            crate::i18n_tls::server_cert(lang, cert, source)
        }
        EventKind::TlsFailed(p) => crate::i18n_tls::problem(lang, p),
        EventKind::TlsRefusedCert(c) => crate::i18n_tls::refused_cert(lang, c),
        EventKind::TlsOnPlainPort => fl!(l, "ev-tls-on-plain-port"),
        EventKind::Ws(w) => crate::i18n_ws::event(lang, w),
        EventKind::SocketOptions(r) => crate::i18n_sockopts::report(lang, r),
        EventKind::StoppedListening { clients } => fl!(l, "ev-stopped-listening", n = clients),
        EventKind::Icmp(r) => crate::i18n_icmp::report(lang, r),
        EventKind::NotApplicable => match ev.role {
            Role::TcpClient => fl!(l, "ev-not-applicable-tcp-client"),
            Role::TcpServer => fl!(l, "ev-not-applicable-tcp-server"),
            Role::UdpSender | Role::UdpReceiver => fl!(l, "ev-not-applicable-udp"),
            Role::Relay => fl!(l, "ev-not-applicable-relay"),
        },
        EventKind::BroadcastOn => fl!(l, "ev-broadcast-on"),
        EventKind::Destination { to } => fl!(l, "ev-destination", to = to),
        EventKind::MulticastJoined {
            group,
            interface,
            index,
        } => {
            let on = iface(lang, *group, *interface, *index);
            fl!(l, "ev-mc-joined", group = group.to_string(), on = on)
        }
        EventKind::MulticastOptions {
            group,
            interface,
            index,
            ttl,
            loopback,
        } => {
            let on = iface(lang, *group, *interface, *index);
            let looped = if *loopback {
                fl!(l, "ev-on")
            } else {
                fl!(l, "ev-off")
            };
            let group = group.to_string();
            fl!(
                l,
                "ev-mc-options",
                group = group,
                on = on,
                ttl = ttl,
                looped = looped
            )
        }
        EventKind::FileStarted {
            name,
            bytes,
            chunk,
            delay_ms,
        } => {
            if *delay_ms == 0 {
                fl!(
                    l,
                    "ev-file-started",
                    name = name,
                    bytes = bytes,
                    chunk = chunk
                )
            } else {
                fl!(
                    l,
                    "ev-file-started-delay",
                    name = name,
                    bytes = bytes,
                    chunk = chunk,
                    ms = delay_ms
                )
            }
        }
        EventKind::FileSent {
            bytes,
            chunks,
            micros,
        } => {
            let secs = format!("{:.2}", *micros as f64 / 1e6);
            fl!(
                l,
                "ev-file-sent",
                bytes = bytes,
                chunks = chunks,
                secs = secs
            )
        }
        EventKind::FileCancelled { sent, total } => {
            fl!(l, "ev-file-cancelled", sent = sent, total = total)
        }
        EventKind::NoFileBeingSent => fl!(l, "ev-no-file"),
        EventKind::Info(m) | EventKind::Note(m) => m.clone(),
        EventKind::WriteStopped(f) => file_stopped(lang, f),
        EventKind::PeerCredentials(c) => peer_credentials(lang, c),
        EventKind::StaleSocketRemoved { path } => {
            fl!(l, "ev-unix-stale-removed", path = path.as_str())
        }
    }
}

/// A unix stream peer's credentials (SO_PEERCRED), in `lang`.
pub fn peer_credentials(lang: Lang, c: &crate::net::PeerCred) -> String {
    let l = loader(lang);
    let unknown = || fl!(l, "ev-unix-cred-unknown");
    let pid = c.pid.map_or_else(unknown, |p| p.to_string());
    let uid = c.uid.map_or_else(unknown, |u| u.to_string());
    match &c.program {
        Some(p) => fl!(
            l,
            "ev-unix-cred-program",
            pid = pid,
            uid = uid,
            program = p.as_str()
        ),
        None => fl!(l, "ev-unix-cred", pid = pid, uid = uid),
    }
}

/// A file that stopped, in `lang`: which, why, and from which event on it misses what
/// the session took (the event's local time with milliseconds).
pub fn file_stopped(lang: Lang, f: &crate::net::FileStopped) -> String {
    use crate::net::StoppedFile;
    let l = loader(lang);
    let why = write_problem(lang, f.stop.problem, &f.stop.detail);
    let path = f.path.as_str();
    let head = match f.file {
        StoppedFile::Record => fl!(l, "stopped-record", why = why, path = path),
        StoppedFile::Spool => fl!(l, "stopped-spool", why = why, path = path),
    };
    let Some(kept) = f.stop.kept else {
        return head;
    };
    let n = thousands(kept);
    let next = thousands(kept + 1);
    let tail = match f.stop.first_missing_us.and_then(local_time) {
        Some(at) => fl!(l, "stopped-missing-from", kept = n, next = next, at = at),
        None => fl!(l, "stopped-missing", kept = n, next = next),
    };
    format!("{head}; {tail}")
}

/// Why a write failed, in `lang`: a full disk, a quota, a size limit or a device error in
/// the UI's words, anything else in the system's (`detail`).
pub fn write_problem(lang: Lang, problem: crate::files::WriteProblem, detail: &str) -> String {
    use crate::files::WriteProblem;
    let l = loader(lang);
    match problem {
        WriteProblem::DiskFull => fl!(l, "why-disk-full"),
        WriteProblem::QuotaExceeded => fl!(l, "why-quota"),
        WriteProblem::FileTooLarge => fl!(l, "why-too-large"),
        WriteProblem::DeviceError => fl!(l, "why-device"),
        WriteProblem::Other => fl!(l, "why-other", err = detail),
    }
}

/// Local time of day with milliseconds, as the log shows it.
fn local_time(ts_us: i64) -> Option<String> {
    let t = chrono::DateTime::from_timestamp_micros(ts_us)?.with_timezone(&chrono::Local);
    Some(t.format("%H:%M:%S%.3f").to_string())
}

/// `3412118` → `3,412,118`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An engine error kind as one sentence in `lang`.
pub fn error_sentence(lang: Lang, kind: ErrorKind) -> String {
    let l = loader(lang);
    match kind {
        ErrorKind::AddrInUse => fl!(l, "err-addr-in-use"),
        ErrorKind::AddrNotAvailable => fl!(l, "err-addr-not-available"),
        ErrorKind::PermissionDenied => fl!(l, "err-permission-denied"),
        ErrorKind::Refused => fl!(l, "err-refused"),
        ErrorKind::TimedOut => fl!(l, "err-timed-out"),
        ErrorKind::HostNotFound => fl!(l, "err-host-not-found"),
        ErrorKind::Unreachable => fl!(l, "err-unreachable"),
        ErrorKind::Reset => fl!(l, "err-reset"),
        ErrorKind::BadAddress => fl!(l, "err-bad-address"),
        ErrorKind::BadPayload => fl!(l, "err-bad-payload"),
        ErrorKind::NotConnected => fl!(l, "err-not-connected"),
        ErrorKind::MessageTooLong => fl!(l, "err-message-too-long"),
        ErrorKind::UnixPathTaken => fl!(l, "err-unix-path-taken"),
        ErrorKind::UnixSocketLive => fl!(l, "err-unix-socket-live"),
        ErrorKind::UnixNoSocket => fl!(l, "err-unix-no-socket"),
        ErrorKind::UnixNoFolder => fl!(l, "err-unix-no-folder"),
        ErrorKind::TooManyOpenFiles => fl!(l, "err-too-many-open-files"),
        ErrorKind::Internal => fl!(l, "err-internal"),
        ErrorKind::Io => fl!(l, "err-io"),
    }
}

/// Why a connection ended, in `lang`.
pub fn close_reason(lang: Lang, reason: CloseReason) -> String {
    let l = loader(lang);
    match reason {
        CloseReason::PeerFin => fl!(l, "ev-closed-peer-fin"),
        CloseReason::BothFin => fl!(l, "ev-closed-both-fin"),
        CloseReason::LocalClose => fl!(l, "ev-closed-local-close"),
        CloseReason::ServerStopped => fl!(l, "ev-closed-server-stopped"),
        CloseReason::Kicked => fl!(l, "ev-closed-kicked"),
        CloseReason::ConnectCancelled => fl!(l, "ev-closed-connect-cancelled"),
        CloseReason::TlsFailed => fl!(l, "ev-closed-tls-failed"),
        CloseReason::WsRefused => fl!(l, "ev-closed-ws-refused"),
        CloseReason::ServerEnded { clients } => fl!(l, "ev-closed-server-ended", n = clients),
        CloseReason::SocketClosed => fl!(l, "ev-closed-socket-closed"),
        CloseReason::InternalError => fl!(l, "ev-closed-internal-error"),
        CloseReason::Unknown => fl!(l, "ev-closed-unknown"),
    }
}

pub(crate) fn reset_reason(lang: Lang, reason: ResetReason) -> String {
    let l = loader(lang);
    match reason {
        ResetReason::PeerReset => fl!(l, "ev-reset-peer"),
        ResetReason::Aborted => fl!(l, "ev-reset-aborted"),
        ResetReason::BrokenPipe => fl!(l, "ev-reset-broken-pipe"),
        ResetReason::ResetHere => fl!(l, "ev-reset-here"),
        ResetReason::Unknown => fl!(l, "ev-reset-unknown"),
    }
}

/// The interface a multicast group is used on: IPv4 by address, IPv6 by index.
fn iface(lang: Lang, group: IpAddr, interface: Option<IpAddr>, index: u32) -> String {
    let l = loader(lang);
    match (group, interface) {
        (IpAddr::V4(_), Some(i)) => fl!(l, "ev-iface", i = i.to_string()),
        (IpAddr::V6(_), _) if index != 0 => fl!(l, "ev-iface-index", i = index),
        _ => fl!(l, "ev-iface-default"),
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
            opcode: None,
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
            K::ReadingPaused,
            K::ReadingResumed,
            K::PortAdvice {
                port: 7891,
                owner: Some(crate::net::port_owner::Owner {
                    pid: 42,
                    name: "python3".into(),
                }),
                free: Some(40000),
            },
            K::PortAdvice {
                port: 80,
                owner: None,
                free: None,
            },
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
            K::TlsOnPlainPort,
            K::PeerCredentials(Box::new(crate::net::PeerCred {
                pid: Some(42),
                uid: Some(1000),
                program: Some("socat".into()),
            })),
            K::PeerCredentials(Box::default()),
            K::StaleSocketRemoved {
                path: "/tmp/x.sock".into(),
            },
            K::Ws(crate::net::ws::WsEvent::Refused(
                crate::net::ws::Refusal::PathNotAllowed { path: "/x".into() },
            )),
            K::Ws(crate::net::ws::WsEvent::Close {
                by: crate::net::ClosedBy::Peer,
                code: Some(1009),
                reason: "too big".into(),
            }),
            K::Ws(crate::net::ws::WsEvent::Pong { rtt_us: Some(1500) }),
            K::Ws(crate::net::ws::WsEvent::TooBig { size: 9, limit: 8 }),
            K::TlsFailed(crate::net::tls::TlsProblem::NotTls),
            K::TlsRefusedCert(Box::new(crate::net::tls::CertInfo {
                subject: "CN=gateway.local".into(),
                issuer: "CN=gateway.local".into(),
                not_before: "2026-01-01T00:00:00Z".into(),
                not_after: "2026-02-01T00:00:00Z".into(),
                sha256: "AB:CD".into(),
                names: vec![],
            })),
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
