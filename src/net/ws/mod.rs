//! WebSocket (RFC 6455) on the TCP tabs: the opening handshake (ours, in
//! [`handshake`]), then frames through tungstenite's [`WebSocketContext`] driven by our
//! workers' own non-blocking loop ([`layer`]). Each message is one rx/tx event whose
//! [`Opcode`] rides on the event; control frames, the handshake and refusals are typed
//! [`WsEvent`]s, worded above this layer (`i18n_ws`).
//!
//! [`WebSocketContext`]: tungstenite::protocol::WebSocketContext

pub mod handshake;
pub(crate) mod layer;
pub mod parse;
pub mod url;
pub mod wire;

use super::ClosedBy;
use serde::{Deserialize, Serialize};

/// The default bound on one message (and one frame): 64 KiB.
pub const DEFAULT_MAX_MESSAGE: usize = 64 * 1024;
/// The largest bound that may be set: 64 MiB.
pub const MAX_MAX_MESSAGE: usize = 64 * 1024 * 1024;
/// An opening handshake (request or response) longer than this is refused.
pub const MAX_HANDSHAKE: usize = 16 * 1024;

/// A data message's kind: the record's `opcode` field and the log's opcode column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Opcode {
    Text,
    Binary,
}

impl Opcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Opcode::Text => "text",
            Opcode::Binary => "binary",
        }
    }

    pub fn from_name(s: &str) -> Option<Opcode> {
        match s {
            "text" => Some(Opcode::Text),
            "binary" => Some(Opcode::Binary),
            _ => None,
        }
    }
}

/// How a send's bytes go out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SendAs {
    /// A text message when the bytes are UTF-8, else binary.
    #[default]
    Auto,
    /// Always a binary message.
    Binary,
}

/// WebSocket on a TCP session (with TLS on, `wss`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsOptions {
    /// Client: the request's path and query (`/chat?room=1`).
    pub path: String,
    /// Client: the Host header (the URL's host, with its port when not the default).
    pub host: String,
    /// Server: accept upgrades on these paths only (empty: any path).
    pub paths: Vec<String>,
    /// Extra headers: the client's request, or the server's 101 response.
    pub headers: Vec<(String, String)>,
    /// Client: offered, in order. Server: accepted, the client's first one in this list
    /// is chosen.
    pub subprotocols: Vec<String>,
    /// The bound on one incoming message (and frame), bytes.
    pub max_message: usize,
    pub send_as: SendAs,
}

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            path: "/".into(),
            host: String::new(),
            paths: Vec::new(),
            headers: Vec::new(),
            subprotocols: Vec::new(),
            max_message: DEFAULT_MAX_MESSAGE,
            send_as: SendAs::Auto,
        }
    }
}

/// Why an opening handshake was refused (by our server, or by our client of the peer's
/// answer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// The first bytes are not an HTTP request/response (a plain-TCP or TLS peer).
    NotHttp,
    /// HTTP, but not a GET with `Upgrade: websocket` and `Connection: Upgrade`.
    NotUpgrade,
    /// `Sec-WebSocket-Version` is not 13.
    BadVersion { version: String },
    /// No `Sec-WebSocket-Key`.
    NoKey,
    /// The path is not one of the server's listed paths.
    PathNotAllowed { path: String },
    /// The request or response is longer than [`MAX_HANDSHAKE`].
    TooLarge,
    /// Not finished in time.
    Timeout { secs: u64 },
    /// The peer closed before the handshake finished.
    ClosedEarly,
    /// Client: the server answered with this status instead of 101.
    Status { code: u16 },
    /// Client: `Sec-WebSocket-Accept` does not match our key.
    BadAccept,
    /// Client: the server chose a subprotocol we did not offer.
    BadSubprotocol { name: String },
}

/// The finished opening handshake: what each side said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handshake {
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subprotocol: Option<String>,
    /// The peer's headers (the request's on a server, the response's on a client).
    pub headers: Vec<(String, String)>,
    /// The request and the response, as sent (CRLFs and all).
    pub request: String,
    pub response: String,
}

/// A WebSocket happening that is not a data message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WsEvent {
    /// The opening handshake finished.
    Open(Box<Handshake>),
    /// The opening handshake was refused (the connection is then closed).
    Refused(Refusal),
    /// A ping went out (`len` bytes of payload).
    PingSent { len: usize },
    /// The peer pinged (a pong went back at once).
    Ping { len: usize },
    /// A pong came; `rtt_us` when it answers our ping.
    Pong { rtt_us: Option<u64> },
    /// A close frame: sent here (Local) or received (Peer).
    Close {
        by: ClosedBy,
        code: Option<u16>,
        reason: String,
    },
    /// A message longer than the bound: the connection is closed with 1009.
    TooBig { size: usize, limit: usize },
    /// The peer broke the protocol (bad UTF-8 in a text message, an unmasked client
    /// frame…): the connection is closed with 1002 or 1007.
    Protocol { detail: String, code: u16 },
}

impl WsEvent {
    /// True for the kinds a record calls `error`.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            WsEvent::Refused(_) | WsEvent::TooBig { .. } | WsEvent::Protocol { .. }
        )
    }
}

/// The well-known close codes (RFC 6455 7.4.1), for words.
pub fn close_code_name(code: u16) -> Option<&'static str> {
    Some(match code {
        1000 => "normal",
        1001 => "going-away",
        1002 => "protocol-error",
        1003 => "unsupported-data",
        1005 => "no-status",
        1006 => "abnormal",
        1007 => "invalid-data",
        1008 => "policy-violation",
        1009 => "message-too-big",
        1010 => "mandatory-extension",
        1011 => "internal-error",
        1012 => "service-restart",
        1013 => "try-again-later",
        1015 => "tls-handshake",
        _ => return None,
    })
}
