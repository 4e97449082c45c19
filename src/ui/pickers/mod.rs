//! The forms of a session's options, each a menu or section of its own: the encoding,
//! the TCP framing of the log, the checksum check of received rows, multicast, socket options, TLS (and a refused certificate to trust), how writes
//! are cut, and the protocol (raw TCP or WebSocket).

pub(super) mod check_picker;
pub(super) mod crowd_picker;
pub(super) mod encoding_picker;
pub(super) mod framing_picker;
pub(super) mod multicast;
pub(super) mod sockopts_picker;
pub(super) mod tls_picker;
pub(super) mod tls_refused;
pub(super) mod writes_picker;
pub(super) mod ws_picker;
