//! WebSocket on the TCP commands: `tcp-client --connect ws://HOST:PORT/PATH` (or wss://),
//! `tcp-server --websocket`, and the options both share.

use super::launch::ArgError;
use crate::net::SessionConfig;
use crate::net::ws::{self, SendAs, WsOptions};
use clap::Args;

/// WebSocket options (client: with a ws:// or wss:// --connect; server: with --websocket).
#[derive(Args, Debug, Clone, Default)]
pub struct WsArgs {
    /// Server: accept WebSocket upgrades (with --tls: wss). Plain-TCP clients and bad
    /// handshakes are refused with the reason.
    #[arg(long)]
    pub websocket: bool,
    /// Server: accept upgrades on this path only (repeat for more; default: any path).
    #[arg(long = "ws-path", value_name = "PATH", value_parser = parse_path)]
    pub ws_paths: Vec<String>,
    /// An extra header: the client's request, or the server's 101 answer (repeat).
    #[arg(long = "header", value_name = "NAME: VALUE", value_parser = parse_header)]
    pub headers: Vec<(String, String)>,
    /// Client: offer this subprotocol; server: accept it (repeat, in order of preference).
    #[arg(long = "subprotocol", value_name = "NAME", value_parser = parse_token)]
    pub subprotocols: Vec<String>,
    /// The bound on one received message: bytes, or with K/M (KiB, MiB); up to 64M.
    #[arg(long = "max-message", value_name = "SIZE", default_value = "64K", value_parser = parse_max)]
    pub max_message: usize,
    /// Send every message as binary (default: text when it is UTF-8, else binary).
    #[arg(long = "ws-binary")]
    pub binary: bool,
}

impl WsArgs {
    fn any_set(&self) -> bool {
        !self.ws_paths.is_empty()
            || !self.headers.is_empty()
            || !self.subprotocols.is_empty()
            || self.binary
            || self.max_message != ws::DEFAULT_MAX_MESSAGE
    }

    fn options(&self) -> WsOptions {
        WsOptions {
            paths: self.ws_paths.clone(),
            headers: self.headers.clone(),
            subprotocols: self.subprotocols.clone(),
            max_message: self.max_message,
            send_as: if self.binary {
                SendAs::Binary
            } else {
                SendAs::Auto
            },
            ..WsOptions::default()
        }
    }

    /// Client: a ws:// or wss:// --connect sets the address, the path and (wss) TLS.
    pub fn apply_client(&self, cfg: &mut SessionConfig) -> Result<(), ArgError> {
        if self.websocket || !self.ws_paths.is_empty() {
            return Err(ArgError(
                "--websocket and --ws-path are for tcp-server; a client connects to a ws:// or wss:// URL".into(),
            ));
        }
        if !ws::url::is_ws_url(&cfg.address) {
            if self.any_set() {
                return Err(ArgError(
                    "--header, --subprotocol, --max-message and --ws-binary need --connect ws://HOST:PORT/PATH (or wss://)".into(),
                ));
            }
            return Ok(());
        }
        let url = ws::url::parse(&cfg.address).map_err(|e| ArgError(format!("--connect: {e}")))?;
        if cfg.tls.is_some() && !url.tls {
            return Err(ArgError(
                "--connect ws:// with --tls: write wss:// for WebSocket over TLS".into(),
            ));
        }
        if url.tls && cfg.tls.is_none() {
            cfg.tls = Some(crate::net::tls::TlsOptions::default());
        }
        cfg.address = url.address;
        cfg.ws = Some(WsOptions {
            path: url.path,
            host: url.host_header,
            ..self.options()
        });
        Ok(())
    }

    /// Server: --websocket turns it on; the other options need it.
    pub fn apply_server(&self, cfg: &mut SessionConfig) -> Result<(), ArgError> {
        if self.websocket {
            cfg.ws = Some(self.options());
            Ok(())
        } else if self.any_set() {
            Err(ArgError(
                "--ws-path, --header, --subprotocol, --max-message and --ws-binary need --websocket".into(),
            ))
        } else {
            Ok(())
        }
    }
}

/// `--connect`: HOST:PORT, or a ws:// / wss:// URL.
pub(super) fn parse_connect(s: &str) -> Result<String, String> {
    if ws::url::is_ws_url(s) {
        ws::url::parse(s).map_err(|e| e.to_string())?;
        return Ok(s.trim().to_string());
    }
    super::args::parse_addr(s)
}

fn parse_path(s: &str) -> Result<String, String> {
    if !ws::parse::is_path(s) {
        return Err(format!(
            "{s:?} is not a path: it starts with / and has no spaces and no #fragment"
        ));
    }
    Ok(s.to_string())
}

fn parse_token(s: &str) -> Result<String, String> {
    let t = s.trim();
    if !ws::parse::is_token(t) {
        return Err(format!(
            "{s:?} is not a token: letters, digits and !#$%&'*+-.^_`|~ only"
        ));
    }
    Ok(t.to_string())
}

fn parse_header(s: &str) -> Result<(String, String), String> {
    ws::parse::header(s).ok_or_else(|| {
        format!("{s:?}: write NAME: VALUE, as in \"Authorization: Bearer x\" (the name letters, digits and -; no line breaks)")
    })
}

fn parse_max(s: &str) -> Result<usize, String> {
    ws::parse::size(s).ok_or_else(|| {
        format!("{s:?} is not a size from 1 byte to 64M: write e.g. 65536, 64K or 1M")
    })
}
