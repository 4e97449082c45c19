//! The words under a local port field after bind() or listen() failed on it (address in
//! use, permission denied): the reason in the UI's language, the program holding the
//! port where the system tells, and a free port on the same address — from the worker's
//! typed error and its `PortAdvice`, never from English text. Shown while the session
//! is over and the field still holds the port that failed.

use super::status_words::ConnState;
use crate::i18n::Lang;
use crate::net::{ErrorKind, EventKind};
use crate::session::Status;
use crate::ui::common::address_field::{self, PortFailure};

/// The failure to show under the port field that holds `binds` (a port, or the UDP
/// sender's `HOST:PORT`), from a tab's status `st` (`running`: its session runs).
pub fn of(lang: Lang, running: bool, st: &Status, binds: &str) -> Option<PortFailure> {
    if running {
        return None;
    }
    let ConnState::Error(ev) = &st.state else {
        return None;
    };
    let EventKind::Error { kind, .. } = &ev.kind else {
        return None;
    };
    if !matches!(kind, ErrorKind::AddrInUse | ErrorKind::PermissionDenied) {
        return None;
    }
    // The worker tells it only for bind() / listen(), on the port that failed.
    let advice = st.port_advice.as_ref()?;
    if address_field::bind_port(binds.trim()).ok() != Some(advice.port) {
        return None;
    }
    let reason = crate::i18n::error_sentence(lang, *kind);
    let more = crate::i18n::port_advice(lang, advice.port, &advice.owner, advice.free);
    // A sentence of its own after the reason (the log's row starts in lower case).
    let mut chars = more.chars();
    let more: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    Some(PortFailure {
        text: format!("{reason} {more}"),
        free: advice.free,
    })
}
