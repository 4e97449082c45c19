//! `--connections N [--ramp PER_SECOND]`: a crowd of TCP connections (tcp-client) or UDP
//! sources (udp-send) from one session (see `net::crowd`).

use super::launch::ArgError;
use super::{Common, ExpectArgs};
use crate::codec;
use crate::net::SessionConfig;
use crate::net::crowd::{CrowdConfig, MAX_CONNECTIONS};
use crate::session::crowd::CrowdExpect;
use clap::Args;

#[derive(Args, Debug, Clone, Default)]
pub struct CrowdArgs {
    /// Open N connections (udp-send: N sources, each on its own port) at once, each a
    /// client in the log; --send goes to each as it opens (--every then repeats it to every
    /// open one), --reply and --rule answer each on its own, and --expect is checked per
    /// connection. Prints live counts once a second and a summary at the end; exits 1 if
    /// any connection failed to connect or its --expect. 1 is a single client. 1 to 100000.
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = parse_connections)]
    pub connections: Option<u64>,
    /// With --connections: open this many a second (0: as fast as the system takes them).
    #[arg(long, value_name = "PER_SECOND", requires = "connections", allow_hyphen_values = true, value_parser = parse_ramp)]
    pub ramp: Option<f64>,
}

pub(super) fn parse_connections(s: &str) -> Result<u64, String> {
    let n: u64 = s.trim().parse().map_err(|_| {
        format!("\"{s}\" is not a number of connections: give a whole number from 1 to {MAX_CONNECTIONS}")
    })?;
    CrowdConfig::new(n, None).map_err(|e| e.to_string())?;
    Ok(n)
}

pub(super) fn parse_ramp(s: &str) -> Result<f64, String> {
    let r: f64 = s.trim().parse().map_err(|_| {
        format!("\"{s}\" is not a rate: give new connections a second, e.g. 100 or 0.5 (0: as fast as possible)")
    })?;
    crate::net::crowd::ramp_rate(Some(r)).map_err(|e| e.to_string())?;
    Ok(r)
}

impl CrowdArgs {
    /// The crowd (None for one connection). What a crowd cannot do yet is refused here.
    pub fn config(&self, cfg: &SessionConfig) -> Result<Option<CrowdConfig>, ArgError> {
        let Some(n) = self.connections.filter(|&n| n > 1) else {
            return Ok(None);
        };
        let refuse = |what: &str| {
            Err(ArgError(format!(
                "--connections: {what} is not available with a crowd (give --connections 1, or leave it out)"
            )))
        };
        if crate::net::addr::is_unix(&cfg.address) {
            return refuse("a unix socket");
        }
        if cfg.tls.is_some() {
            return refuse("--tls");
        }
        if cfg.ws.is_some() {
            return refuse("WebSocket (ws://)");
        }
        if cfg.bind.is_some() {
            return refuse("--bind (each source takes a port of its own)");
        }
        if cfg.pause_reading {
            return refuse("--pause-reading");
        }
        if cfg.shaping != crate::net::shaping::WriteShaping::default() {
            return refuse("--nagle, --split or --coalesce");
        }
        CrowdConfig::new(n, self.ramp)
            .map(Some)
            .map_err(|e| ArgError(format!("--connections: {e}")))
    }
}

/// `--expect` with a crowd: the bytes each connection's reply must contain.
pub(super) fn crowd_expect(c: &Common, x: &ExpectArgs) -> Result<Option<CrowdExpect>, ArgError> {
    let Some(want) = &x.expect else {
        return Ok(None);
    };
    if x.expect_report.is_some() {
        return Err(ArgError(
            "--expect-report is for one connection; a crowd prints its summary".into(),
        ));
    }
    let needle = if c.hex {
        codec::parse_hex(want).map_err(|e| ArgError(format!("--expect: bad hex, {e}")))?
    } else if c.escapes {
        codec::parse_escapes(want, c.encoding).map_err(|e| ArgError(format!("--expect: {e}")))?
    } else {
        codec::encode(c.encoding, want).map_err(|e| ArgError(format!("--expect: {e}")))?
    };
    if needle.is_empty() {
        return Err(ArgError("--expect: give something to look for".into()));
    }
    Ok(Some(CrowdExpect {
        needle,
        timeout: x.expect_timeout,
    }))
}
