//! WebSocket events in words: the opening handshake, refusals, ping/pong, close frames
//! and their codes, in any UI language (`ws-*` messages of the Fluent files, checked at
//! build time by `fl!`).

use crate::i18n::{Lang, loader};
use crate::net::ClosedBy;
use crate::net::ws::{Handshake, Refusal, WsEvent};
use i18n_embed_fl::fl;

/// One WebSocket event in `lang`.
pub fn event(lang: Lang, ev: &WsEvent) -> String {
    let l = loader(lang);
    match ev {
        WsEvent::Open(hs) => open(lang, hs),
        WsEvent::Refused(why) => {
            let why = refusal(lang, why);
            fl!(l, "ws-refused", why = why)
        }
        WsEvent::PingSent { len } => fl!(l, "ws-ping-sent", len = len),
        WsEvent::Ping { len } => fl!(l, "ws-ping", len = len),
        WsEvent::Pong { rtt_us: Some(us) } => {
            let ms = format!("{:.3}", *us as f64 / 1000.0);
            fl!(l, "ws-pong-rtt", ms = ms)
        }
        WsEvent::Pong { rtt_us: None } => fl!(l, "ws-pong"),
        WsEvent::Close { by, code, reason } => {
            let code = match code {
                Some(c) => close_code(lang, *c),
                None => fl!(l, "ws-code-none"),
            };
            let reason = reason.as_str();
            match (by, reason.is_empty()) {
                (ClosedBy::Peer, true) => fl!(l, "ws-close-peer", code = code),
                (ClosedBy::Local, true) => fl!(l, "ws-close-local", code = code),
                (ClosedBy::Peer, false) => {
                    fl!(l, "ws-close-peer-reason", code = code, reason = reason)
                }
                (ClosedBy::Local, false) => {
                    fl!(l, "ws-close-local-reason", code = code, reason = reason)
                }
            }
        }
        WsEvent::TooBig { size, limit } => fl!(l, "ws-too-big", size = size, limit = limit),
        WsEvent::Protocol { detail, code } => {
            let code = close_code(lang, *code);
            let detail = detail.as_str();
            fl!(l, "ws-protocol", detail = detail, code = code)
        }
    }
}

/// "WebSocket open: /chat, subprotocol chat".
fn open(lang: Lang, hs: &Handshake) -> String {
    let l = loader(lang);
    let path = hs.path.as_str();
    match &hs.subprotocol {
        Some(p) => fl!(l, "ws-open-sub", path = path, sub = p.as_str()),
        None => fl!(l, "ws-open", path = path),
    }
}

/// A close code with its name: "1009 (message too big)".
pub fn close_code(lang: Lang, code: u16) -> String {
    let l = loader(lang);
    let name = match code {
        1000 => fl!(l, "ws-code-1000"),
        1001 => fl!(l, "ws-code-1001"),
        1002 => fl!(l, "ws-code-1002"),
        1003 => fl!(l, "ws-code-1003"),
        1005 => fl!(l, "ws-code-1005"),
        1006 => fl!(l, "ws-code-1006"),
        1007 => fl!(l, "ws-code-1007"),
        1008 => fl!(l, "ws-code-1008"),
        1009 => fl!(l, "ws-code-1009"),
        1010 => fl!(l, "ws-code-1010"),
        1011 => fl!(l, "ws-code-1011"),
        3000..=4999 => fl!(l, "ws-code-app"),
        _ => fl!(l, "ws-code-other"),
    };
    format!("{code} ({name})")
}

/// Why a handshake was refused, in `lang`.
pub fn refusal(lang: Lang, why: &Refusal) -> String {
    let l = loader(lang);
    match why {
        Refusal::NotHttp => fl!(l, "ws-why-not-http"),
        Refusal::NotUpgrade => fl!(l, "ws-why-not-upgrade"),
        Refusal::BadVersion { version } => {
            fl!(l, "ws-why-bad-version", version = version.as_str())
        }
        Refusal::NoKey => fl!(l, "ws-why-no-key"),
        Refusal::PathNotAllowed { path } => {
            fl!(l, "ws-why-path", path = path.as_str())
        }
        Refusal::TooLarge => fl!(l, "ws-why-too-large"),
        Refusal::Timeout { secs } => fl!(l, "ws-why-timeout", secs = secs),
        Refusal::ClosedEarly => fl!(l, "ws-why-closed-early"),
        Refusal::Status { code } => fl!(l, "ws-why-status", code = code),
        Refusal::BadAccept => fl!(l, "ws-why-bad-accept"),
        Refusal::BadSubprotocol { name } => {
            fl!(l, "ws-why-bad-subprotocol", name = name.as_str())
        }
    }
}
