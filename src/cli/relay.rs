//! `socket-tester relay`: the arguments, and their checking into a [`RelayConfig`]. Each
//! fault takes an optional direction prefix, `up:` (client → server) or `down:`
//! (server → client); without one it applies both ways. Every fault is off unless given.

use super::args::{parse_duration, parse_inet_addr, parse_inet_bind, parse_pem_file, parse_pin};
use crate::net::relay::{DirFaults, InterceptSettings, RelayConfig, Trigger};
use crate::net::tls::TlsOptions;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct RelayArgs {
    /// Where clients connect (TCP) or send (UDP): ADDR:PORT.
    #[arg(long, value_name = "ADDR:PORT", value_parser = parse_inet_bind)]
    pub listen: String,
    /// The server to forward to: HOST:PORT.
    #[arg(long, value_name = "HOST:PORT", value_parser = parse_inet_addr)]
    pub to: String,
    /// Relay UDP datagrams (one upstream socket per source) instead of TCP.
    #[arg(long)]
    pub udp: bool,
    /// Print events on stdout (no window); without it the window opens on the Relay tab.
    #[arg(long)]
    pub headless: bool,
    /// Write every event, both directions, as JSON Lines to FILE; FILE.pcapng: both legs
    /// of each pair as their own streams, for Wireshark.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Stop after this long (default: run until Ctrl-C).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// UDP: a source's mapping ends after this long without traffic.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub idle_timeout: Duration,
    /// The seed of the random faults, to repeat a run (default: a new one, printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Which way the faults without an up:/down: prefix apply: both (default), up
    /// (client → server) or down (server → client).
    #[arg(long, value_name = "both|up|down", default_value = "both", value_parser = ["both", "up", "down"])]
    pub direction: String,
    /// [up:|down:]MS[±JITTER]: hold each chunk this long (e.g. 100, 100ms±20ms, up:2s).
    #[arg(long, value_name = "DELAY")]
    pub latency: Vec<String>,
    /// [up:|down:]BYTES: at most this many bytes per second.
    #[arg(long, value_name = "BYTES_PER_S")]
    pub bandwidth: Vec<String>,
    /// TCP, [up:|down:]N:GAP_MS: write each chunk in N-byte pieces GAP_MS apart (拆包).
    #[arg(long, value_name = "N:GAP_MS")]
    pub slice: Vec<String>,
    /// TCP, [up:|down:]T_MS: hold what arrives for T ms and write it as one (粘包).
    #[arg(long, value_name = "T_MS")]
    pub merge: Vec<String>,
    /// UDP, [up:|down:]PERCENT: drop datagrams with this probability.
    #[arg(long, value_name = "PERCENT")]
    pub drop: Vec<String>,
    /// UDP, [up:|down:]PERCENT: send datagrams twice with this probability.
    #[arg(long, value_name = "PERCENT")]
    pub duplicate: Vec<String>,
    /// UDP, [up:|down:]WINDOW: let up to WINDOW later datagrams pass a held one.
    #[arg(long, value_name = "WINDOW")]
    pub reorder: Vec<String>,
    /// [up:|down:]PERCENT: change one byte of a chunk with this probability.
    #[arg(long, value_name = "PERCENT")]
    pub corrupt: Vec<String>,
    /// TCP, [up:|down:]BYTES|DURATION: reset both sides (RST) after this many bytes went
    /// this way, or this long after the pair started (e.g. 1000, 5s).
    #[arg(long, value_name = "BYTES|DURATION")]
    pub reset_after: Vec<String>,
    /// TCP, [up:|down:]BYTES|DURATION: close both sides (FIN).
    #[arg(long, value_name = "BYTES|DURATION")]
    pub close_after: Vec<String>,
    /// [up:|down:]BYTES|DURATION: stop forwarding this way, keeping the connection open.
    #[arg(long, value_name = "BYTES|DURATION")]
    pub blackhole_after: Vec<String>,
    /// Change client → server messages: 'MATCH => REPLACEMENT' (MATCH as --rule's:
    /// contains:, regex:, hex:…; the replacement may use {1}, {name} and \r \n \xNN) or
    /// 'MATCH => patch:OFFSET:HEX'. Repeat for more rules; they apply in order.
    #[arg(long, value_name = "RULE")]
    pub rewrite_up: Vec<String>,
    /// Change server → client messages, as --rewrite-up.
    #[arg(long, value_name = "RULE")]
    pub rewrite_down: Vec<String>,
    /// The window: hold each message going this way (up, down or both) in the Relay tab's
    /// Intercept queue until it is forwarded, edited or dropped (not with --headless).
    #[arg(long, value_name = "up|down|both")]
    pub intercept: Option<String>,
    /// Intercept: a held message goes on unchanged after this long (default 30s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub intercept_timeout: Option<Duration>,
    #[command(flatten)]
    pub tls: RelayTlsArgs,
}

/// TCP: TLS on the relay's listening side and/or to the server, so the log shows the
/// plaintext a TLS client and server exchange.
#[derive(Args, Debug, Clone, Default)]
pub struct RelayTlsArgs {
    /// End TLS from clients: the relay is their TLS server (with --cert/--key, or a
    /// self-signed certificate made on first use and kept in the data folder).
    #[arg(long)]
    pub tls_listen: bool,
    /// --tls-listen: the certificate chain shown to clients (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_listen", value_parser = parse_pem_file)]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) for --cert (default: the --cert file itself).
    #[arg(long, value_name = "FILE", requires = "cert", value_parser = parse_pem_file)]
    pub key: Option<PathBuf>,
    /// Start TLS to the server: the relay is its TLS client (SNI: the host of --to).
    #[arg(long)]
    pub tls_upstream: bool,
    /// --tls-upstream: trust these CA certificates (PEM) instead of the system's; a
    /// certificate of the file presented as it is is trusted directly.
    #[arg(long, value_name = "FILE", requires = "tls_upstream", value_parser = parse_pem_file)]
    pub ca: Option<PathBuf>,
    /// --tls-upstream: accept exactly the server certificate with this SHA-256 fingerprint.
    #[arg(long, value_name = "sha256:HEX", requires = "tls_upstream", conflicts_with_all = ["ca", "insecure"], value_parser = parse_pin)]
    pub pin: Option<crate::net::tls::Pin>,
    /// --tls-upstream: accept any server certificate. Still encrypted, but nobody checks
    /// who is on the other end.
    #[arg(long, requires = "tls_upstream", conflicts_with = "ca")]
    pub insecure: bool,
    /// --tls-upstream: the server name to send (SNI) and check (default: the host of --to).
    #[arg(long, value_name = "NAME", requires = "tls_upstream")]
    pub sni: Option<String>,
}

impl RelayTlsArgs {
    /// The TLS of the listening side and of the upstream side (None: plain).
    pub fn options(&self) -> (Option<TlsOptions>, Option<TlsOptions>) {
        let listen = self.tls_listen.then(|| TlsOptions {
            cert: self.cert.clone(),
            key: self.key.clone(),
            self_signed_dir: Some(crate::files::default_data_dir()),
            ..Default::default()
        });
        let upstream = self.tls_upstream.then(|| TlsOptions {
            ca: self.ca.clone(),
            pin: self.pin,
            insecure: self.insecure,
            sni: self.sni.clone(),
            ..Default::default()
        });
        (listen, upstream)
    }
}

/// The directions a value's prefix picks ([up, down]) and the value without it; without
/// a prefix, `default` (`--direction`).
fn split_dir(s: &str, default: [bool; 2]) -> ([bool; 2], &str) {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix("up:") {
        ([true, false], rest)
    } else if let Some(rest) = s.strip_prefix("down:") {
        ([false, true], rest)
    } else if let Some(rest) = s.strip_prefix("both:") {
        ([true, true], rest)
    } else {
        (default, s)
    }
}

/// Milliseconds as a bare number, or a duration with its unit (`250ms`, `1s`).
fn millis(arg: &str, s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(ms) = s.parse::<u64>() {
        return Ok(Duration::from_millis(ms));
    }
    humantime::parse_duration(s)
        .map_err(|_| format!("{arg}: \"{s}\" is not a time; write milliseconds (100) or 100ms, 2s"))
}

fn percent(arg: &str, s: &str) -> Result<f64, String> {
    let s = s.trim().trim_end_matches('%');
    match s.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p / 100.0),
        _ => Err(format!("{arg}: \"{s}\" is not a percentage from 0 to 100")),
    }
}

fn count(arg: &str, s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{arg}: \"{s}\" is not a whole number above 0")),
    }
}

fn trigger(arg: &str, s: &str) -> Result<Trigger, String> {
    let s = s.trim();
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return count(arg, s).map(Trigger::Bytes);
    }
    match humantime::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(Trigger::After(d)),
        _ => Err(format!(
            "{arg}: \"{s}\" is neither a byte count (1000) nor a duration (5s)"
        )),
    }
}

fn latency(s: &str) -> Result<(Duration, Duration), String> {
    let (base, jitter) = match s.split_once('±').or_else(|| s.split_once("+-")) {
        Some((b, j)) => (b, Some(j)),
        None => (s, None),
    };
    let base = millis("--latency", base)?;
    let jitter = jitter.map(|j| millis("--latency", j)).transpose()?;
    Ok((base, jitter.unwrap_or_default()))
}

type Apply = fn(&mut DirFaults, &str) -> Result<(), String>;

impl RelayArgs {
    /// `--intercept` and `--intercept-timeout`, for the window only.
    fn intercept_settings(&self) -> Result<InterceptSettings, String> {
        let mut s = InterceptSettings::default();
        if let Some(t) = self.intercept_timeout {
            if !(Duration::from_secs(1)..=Duration::from_secs(3600)).contains(&t) {
                return Err("--intercept-timeout: give 1s to 1h".into());
            }
            s.timeout = t;
        }
        let Some(dir) = &self.intercept else {
            return Ok(s);
        };
        if self.headless {
            return Err(
                "--intercept is for the window: with --headless nobody would forward, \
                 edit or drop the held messages"
                    .into(),
            );
        }
        (s.up, s.down) = match dir.trim() {
            "up" => (true, false),
            "down" => (false, true),
            "both" => (true, true),
            other => return Err(format!("--intercept: \"{other}\" is not up, down or both")),
        };
        Ok(s)
    }

    /// The window's launch: the Relay tab with these fields, started at once.
    pub fn to_launch(&self) -> Result<crate::launch::Launch, String> {
        Ok(crate::launch::Launch {
            config: crate::net::SessionConfig::relay(self.to_config()?),
            auto: Default::default(),
            record: self.record.clone(),
            hex: false,
            framing: None,
            duration: None,
            print: Default::default(),
            check: None,
        })
    }

    /// The relay's configuration, or what is wrong (exit 2).
    pub fn to_config(&self) -> Result<RelayConfig, String> {
        let mut cfg = RelayConfig::new(self.listen.clone(), self.to.clone());
        cfg.udp = self.udp;
        cfg.seed = self.seed;
        cfg.idle_timeout = self.idle_timeout;
        cfg.rewrites = super::relay_rewrite::rewrites(&self.rewrite_up, &self.rewrite_down)?;
        cfg.intercept = self.intercept_settings()?;
        (cfg.tls_listen, cfg.tls_upstream) = self.tls.options();
        if self.udp && (self.tls.tls_listen || self.tls.tls_upstream) {
            return Err(
                "--tls-listen and --tls-upstream are for a TCP relay; leave them out with --udp"
                    .into(),
            );
        }
        if let Some(name) = &self.tls.sni
            && !crate::net::tls::valid_server_name(name)
        {
            return Err(format!(
                "--sni: \"{name}\" is not a valid server name (a DNS name or an IP address)"
            ));
        }
        let tcp_only = [
            ("--slice", &self.slice),
            ("--merge", &self.merge),
            ("--reset-after", &self.reset_after),
            ("--close-after", &self.close_after),
        ];
        let udp_only = [
            ("--drop", &self.drop),
            ("--duplicate", &self.duplicate),
            ("--reorder", &self.reorder),
        ];
        for (name, v) in tcp_only {
            if self.udp && !v.is_empty() {
                return Err(format!(
                    "{name} is for a TCP relay; leave it out with --udp"
                ));
            }
        }
        for (name, v) in udp_only {
            if !self.udp && !v.is_empty() {
                return Err(format!("{name} is for a UDP relay; add --udp"));
            }
        }
        let all: [(&Vec<String>, Apply); 11] = [
            (&self.latency, |f, s| {
                (f.latency, f.jitter) = latency(s)?;
                Ok(())
            }),
            (&self.bandwidth, |f, s| {
                f.bandwidth = Some(count("--bandwidth", s)?);
                Ok(())
            }),
            (&self.slice, |f, s| {
                let (n, gap) = s
                    .split_once(':')
                    .ok_or_else(|| format!("--slice: \"{s}\" should be N:GAP_MS, e.g. 4:10"))?;
                f.slice = Some((count("--slice", n)? as usize, millis("--slice", gap)?));
                Ok(())
            }),
            (&self.merge, |f, s| {
                f.merge = Some(millis("--merge", s)?).filter(|d| !d.is_zero());
                Ok(())
            }),
            (&self.drop, |f, s| {
                f.drop = percent("--drop", s)?;
                Ok(())
            }),
            (&self.duplicate, |f, s| {
                f.duplicate = percent("--duplicate", s)?;
                Ok(())
            }),
            (&self.reorder, |f, s| {
                f.reorder = count("--reorder", s)?.min(1024) as usize;
                Ok(())
            }),
            (&self.corrupt, |f, s| {
                f.corrupt = percent("--corrupt", s)?;
                Ok(())
            }),
            (&self.reset_after, |f, s| {
                f.reset_after = Some(trigger("--reset-after", s)?);
                Ok(())
            }),
            (&self.close_after, |f, s| {
                f.close_after = Some(trigger("--close-after", s)?);
                Ok(())
            }),
            (&self.blackhole_after, |f, s| {
                f.blackhole_after = Some(trigger("--blackhole-after", s)?);
                Ok(())
            }),
        ];
        let default = match self.direction.as_str() {
            "up" => [true, false],
            "down" => [false, true],
            _ => [true, true],
        };
        for (values, apply) in all {
            for v in values {
                let (dirs, rest) = split_dir(v, default);
                if dirs[0] {
                    apply(&mut cfg.faults.up, rest)?;
                }
                if dirs[1] {
                    apply(&mut cfg.faults.down, rest)?;
                }
            }
        }
        Ok(cfg)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: RelayArgs,
    }

    fn cfg(args: &[&str]) -> Result<RelayConfig, String> {
        let mut v = vec!["t", "--listen", "127.0.0.1:0", "--to", "127.0.0.1:9"];
        v.extend_from_slice(args);
        T::try_parse_from(v)
            .map_err(|e| e.to_string())?
            .a
            .to_config()
    }

    #[test]
    fn faults_take_a_direction_and_bad_ones_are_named() {
        let c = cfg(&["--latency", "up:100±20", "--corrupt", "down:50"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.faults.up.latency, Duration::from_millis(100));
        assert_eq!(c.faults.up.jitter, Duration::from_millis(20));
        assert!(c.faults.down.latency.is_zero());
        assert_eq!(c.faults.down.corrupt, 0.5);
        assert_eq!(c.faults.up.corrupt, 0.0);
        // --direction: where the values without a prefix go (a prefix still wins).
        let c = cfg(&[
            "--latency",
            "50",
            "--corrupt",
            "down:10",
            "--direction",
            "up",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.faults.up.latency, Duration::from_millis(50));
        assert!(c.faults.down.latency.is_zero());
        assert_eq!(c.faults.down.corrupt, 0.1);
        assert!(cfg(&["--latency", "50", "--direction", "sideways"]).is_err());
        let c = cfg(&["--reset-after", "1000", "--close-after", "down:2s"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.faults.up.reset_after, Some(Trigger::Bytes(1000)));
        assert_eq!(
            c.faults.down.close_after,
            Some(Trigger::After(Duration::from_secs(2)))
        );
        assert!(cfg(&["--drop", "10"]).unwrap_err().contains("--udp"));
        assert!(
            cfg(&["--udp", "--slice", "4:10"])
                .unwrap_err()
                .contains("--slice")
        );
        assert!(
            cfg(&["--udp", "--drop", "150"])
                .unwrap_err()
                .contains("percentage")
        );
        assert!(cfg(&["--slice", "4"]).unwrap_err().contains("N:GAP_MS"));
        assert!(
            cfg(&["--reset-after", "soon"])
                .unwrap_err()
                .contains("--reset-after")
        );
        assert!(cfg(&[]).is_ok_and(|c| c.faults.up.is_off() && c.faults.down.is_off()));
        let c = cfg(&["--intercept", "down", "--intercept-timeout", "5s"])
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!c.intercept.up && c.intercept.down);
        assert_eq!(c.intercept.timeout, Duration::from_secs(5));
        assert!(
            cfg(&["--intercept", "up", "--headless"])
                .unwrap_err()
                .contains("for the window")
        );
        assert!(
            cfg(&["--intercept", "sideways"])
                .unwrap_err()
                .contains("up, down or both")
        );
    }
}
