//! The relay's events in words, in any UI language (`ev-relay-*` and `ev-fault-*`): the
//! log's rows, records' messages and headless lines say what a pair did, which way, and
//! what a fault did to it.

use crate::i18n::{Lang, loader};
use crate::net::relay::{Dir, FaultDone, Leg, PairEnd, RelayKind, Released};
use i18n_embed_fl::fl;
use std::net::SocketAddr;

/// "client → server" or "server → client" in `lang`.
pub fn arrow(lang: Lang, d: Dir) -> String {
    let l = loader(lang);
    match d {
        Dir::Up => fl!(l, "ev-relay-up"),
        Dir::Down => fl!(l, "ev-relay-down"),
    }
}

/// "client side" or "server side" in `lang`.
pub fn leg_name(lang: Lang, leg: Leg) -> String {
    let l = loader(lang);
    match leg {
        Leg::Client => fl!(l, "ev-relay-leg-client"),
        Leg::Server => fl!(l, "ev-relay-leg-server"),
    }
}

/// What a fault did, in `lang`.
pub fn fault(lang: Lang, what: &FaultDone) -> String {
    let l = loader(lang);
    match what {
        FaultDone::Delayed { ms, .. } => fl!(l, "ev-fault-delayed", ms = ms.to_string()),
        FaultDone::Dropped { len } => fl!(l, "ev-fault-dropped", len = len.to_string()),
        FaultDone::Duplicated { len } => fl!(l, "ev-fault-duplicated", len = len.to_string()),
        FaultDone::Reordered { behind } => {
            fl!(l, "ev-fault-reordered", behind = behind.to_string())
        }
        FaultDone::Corrupted { offset, was, now } => fl!(
            l,
            "ev-fault-corrupted",
            offset = offset.to_string(),
            was = format!("{was:02x}"),
            now = format!("{now:02x}")
        ),
        FaultDone::Sliced { pieces } => fl!(l, "ev-fault-sliced", pieces = pieces.to_string()),
        FaultDone::Merged { chunks } => fl!(l, "ev-fault-merged", chunks = chunks.to_string()),
        FaultDone::Throttled { ms } => fl!(l, "ev-fault-throttled", ms = ms.to_string()),
        FaultDone::Reset => fl!(l, "ev-fault-reset"),
        FaultDone::Closed => fl!(l, "ev-fault-closed"),
        FaultDone::BlackHoled => fl!(l, "ev-fault-blackholed"),
        FaultDone::Swallowed { len } => fl!(l, "ev-fault-swallowed", len = len.to_string()),
    }
}

/// The line of a relay event other than data (`local`: the relay's listening address).
pub fn describe(lang: Lang, kind: &RelayKind, local: Option<SocketAddr>) -> String {
    let l = loader(lang);
    let local = local.map(|a| a.to_string()).unwrap_or_default();
    match kind {
        RelayKind::Listening { to, udp } => {
            let proto = if *udp { "UDP" } else { "TCP" };
            fl!(
                l,
                "ev-relay-listening",
                local = local,
                proto = proto,
                to = to.as_str()
            )
        }
        RelayKind::Seed { seed } => fl!(l, "ev-relay-seed", seed = seed.to_string()),
        RelayKind::Accepted => fl!(l, "ev-accepted", peer = ""),
        RelayKind::Upstream { from, upstream } => fl!(
            l,
            "ev-relay-upstream",
            from = from.to_string(),
            upstream = upstream.to_string()
        ),
        RelayKind::UpstreamFailed { kind, detail } => {
            let why = if lang == Lang::En {
                detail.clone()
            } else {
                crate::i18n_events::error_sentence(lang, *kind)
            };
            fl!(l, "ev-relay-upstream-failed", why = why)
        }
        RelayKind::TlsCert { cert, source } => crate::i18n_tls::server_cert(lang, cert, source),
        RelayKind::TlsReady { leg, info } => fl!(
            l,
            "ev-relay-tls-ready",
            leg = leg_name(lang, *leg),
            what = crate::i18n_tls::ready(lang, info)
        ),
        RelayKind::TlsFailed { leg, problem } => fl!(
            l,
            "ev-relay-tls-failed",
            leg = leg_name(lang, *leg),
            what = crate::i18n_tls::problem(lang, problem)
        ),
        RelayKind::Data { dir, bytes } => format!("{} {} B", arrow(lang, *dir), bytes.len()),
        RelayKind::Fin { dir, .. } => fl!(l, "ev-relay-fin", arrow = arrow(lang, *dir)),
        RelayKind::Reset { dir, reason } => fl!(
            l,
            "ev-relay-reset",
            arrow = arrow(lang, *dir),
            why = crate::i18n_events::reset_reason(lang, *reason)
        ),
        RelayKind::Fault { dir, what } => fl!(
            l,
            "ev-relay-fault",
            arrow = arrow(lang, *dir),
            what = fault(lang, what)
        ),
        RelayKind::FaultsChanged { off: false } => fl!(l, "ev-relay-faults-changed"),
        RelayKind::FaultsChanged { off: true } => fl!(l, "ev-relay-faults-off"),
        RelayKind::RewritesChanged { .. }
        | RelayKind::Rewritten { .. }
        | RelayKind::RewriteTooLarge { .. }
        | RelayKind::PatchPastEnd { .. }
        | RelayKind::InterceptChanged { .. }
        | RelayKind::Held { .. }
        | RelayKind::Released { .. }
        | RelayKind::InterceptFull { .. } => change(lang, kind),
        RelayKind::TooManySources { limit } => {
            fl!(l, "ev-relay-too-many-sources", limit = limit.to_string())
        }
        RelayKind::QueueFull { dir, len } => fl!(
            l,
            "ev-relay-queue-full",
            arrow = arrow(lang, *dir),
            len = len.to_string()
        ),
        RelayKind::Expired { idle_ms } => fl!(l, "ev-relay-expired", ms = idle_ms.to_string()),
        RelayKind::PairClosed { why } => {
            let why = match why {
                PairEnd::BothFin => fl!(l, "ev-relay-end-both-fin"),
                PairEnd::Reset => fl!(l, "ev-relay-end-reset"),
                PairEnd::Cut => fl!(l, "ev-relay-end-cut"),
                PairEnd::UpstreamFailed => fl!(l, "ev-relay-end-upstream-failed"),
                PairEnd::Idle => fl!(l, "ev-relay-end-idle"),
                PairEnd::TlsFailed => fl!(l, "ev-relay-end-tls-failed"),
                PairEnd::Stopped => fl!(l, "ev-relay-end-stopped"),
            };
            fl!(l, "ev-relay-pair-closed", why = why)
        }
        RelayKind::Error { kind, detail } => {
            if lang == Lang::En {
                detail.clone()
            } else {
                crate::i18n_events::error_sentence(lang, *kind)
            }
        }
        RelayKind::Stopped => fl!(l, "ev-relay-stopped"),
    }
}

/// The line of a rewrite or Intercept event (other events: empty).
fn change(lang: Lang, kind: &RelayKind) -> String {
    let l = loader(lang);
    let onoff = |on: bool| {
        if on {
            fl!(l, "ev-relay-on")
        } else {
            fl!(l, "ev-relay-off")
        }
    };
    match kind {
        RelayKind::RewritesChanged { up, down } => fl!(
            l,
            "ev-relay-rewrites-changed",
            up = up.to_string(),
            down = down.to_string()
        ),
        RelayKind::Rewritten {
            dir,
            rule,
            from,
            to,
        } => fl!(
            l,
            "ev-relay-rewritten",
            arrow = arrow(lang, *dir),
            rule = (rule + 1).to_string(),
            from = from.to_string(),
            to = to.to_string()
        ),
        RelayKind::RewriteTooLarge { dir, rule, max } => fl!(
            l,
            "ev-relay-rewrite-too-large",
            arrow = arrow(lang, *dir),
            rule = (rule + 1).to_string(),
            max = max.to_string()
        ),
        RelayKind::PatchPastEnd {
            dir,
            rule,
            offset,
            len,
        } => fl!(
            l,
            "ev-relay-patch-past-end",
            arrow = arrow(lang, *dir),
            rule = (rule + 1).to_string(),
            offset = offset.to_string(),
            len = len.to_string()
        ),
        RelayKind::InterceptChanged {
            up,
            down,
            timeout_ms,
        } => fl!(
            l,
            "ev-relay-intercept-changed",
            up = onoff(*up),
            down = onoff(*down),
            secs = (timeout_ms / 1000).to_string()
        ),
        RelayKind::Held { id, dir, bytes } => fl!(
            l,
            "ev-relay-held",
            arrow = arrow(lang, *dir),
            id = id.to_string(),
            len = bytes.len().to_string()
        ),
        RelayKind::Released { id, dir, how } => released(lang, *id, *dir, how),
        RelayKind::InterceptFull { dir, len } => fl!(
            l,
            "ev-relay-intercept-full",
            arrow = arrow(lang, *dir),
            len = len.to_string()
        ),
        _ => String::new(),
    }
}

fn released(lang: Lang, id: u64, dir: Dir, how: &Released) -> String {
    let l = loader(lang);
    let (arrow, id) = (arrow(lang, dir), id.to_string());
    match how {
        Released::Forwarded => fl!(l, "ev-relay-released-forwarded", arrow = arrow, id = id),
        Released::Edited { from, to } => fl!(
            l,
            "ev-relay-released-edited",
            arrow = arrow,
            id = id,
            from = from.to_string(),
            to = to.to_string()
        ),
        Released::Dropped { len } => fl!(
            l,
            "ev-relay-released-dropped",
            arrow = arrow,
            id = id,
            len = len.to_string()
        ),
        Released::TimedOut => fl!(l, "ev-relay-released-timed-out", arrow = arrow, id = id),
        Released::SwitchedOff => {
            fl!(l, "ev-relay-released-switched-off", arrow = arrow, id = id)
        }
        Released::PairGone => fl!(l, "ev-relay-released-pair-gone", arrow = arrow, id = id),
    }
}
