//! The options the role subcommands share (TLS, writes, sends, Expect, common, socket
//! options) and the parsers clap checks each value with.

use super::launch::ArgError;
use crate::codec::{ChecksumSpec, Encoding};
use crate::net::Role;
use crate::net::addr;
use clap::Args;
use std::path::PathBuf;
use std::time::Duration;

/// TCP: speak TLS (rustls) on the connection.
#[derive(Args, Debug, Clone, Default)]
pub struct TlsArgs {
    /// Speak TLS. A server without --cert uses a self-signed certificate made on first
    /// use and kept in the data folder (its SHA-256 fingerprint is printed).
    #[arg(long)]
    pub tls: bool,
    /// Server: its certificate chain (PEM). Client: a certificate for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "tls", value_parser = parse_pem_file)]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) for --cert (default: the --cert file itself).
    #[arg(long, value_name = "FILE", requires = "cert", value_parser = parse_pem_file)]
    pub key: Option<PathBuf>,
    /// Client: trust these CA certificates (PEM) instead of the system's. Server: require
    /// a client certificate issued by them (mutual TLS). A certificate of the file that the
    /// peer presents as it is (a device's self-signed one, CA:TRUE or not) is trusted
    /// directly, as OpenSSL does, between its dates.
    #[arg(long, value_name = "FILE", requires = "tls", value_parser = parse_pem_file)]
    pub ca: Option<PathBuf>,
    /// Client: the server name to send (SNI) and check (default: the host of --connect).
    #[arg(long, value_name = "NAME", requires = "tls")]
    pub sni: Option<String>,
    /// ALPN protocols, comma-separated, in order of preference (e.g. h2,http/1.1).
    #[arg(long, value_name = "LIST", requires = "tls", value_delimiter = ',')]
    pub alpn: Vec<String>,
    /// Client: accept any server certificate (a device with a self-signed one). The
    /// traffic is still encrypted, but nobody checks who is on the other end.
    #[arg(long, requires = "tls", conflicts_with = "ca")]
    pub insecure: bool,
    /// Client: accept exactly the server certificate with this SHA-256 fingerprint (of its
    /// DER) and nothing else: sha256:HEX, with or without colons, any case (what `openssl
    /// x509 -noout -fingerprint -sha256` prints). No CA, name or date is checked; the
    /// server must still hold the certificate's key.
    #[arg(long, value_name = "sha256:HEX", requires = "tls", conflicts_with_all = ["ca", "insecure"], value_parser = parse_pin)]
    pub pin: Option<crate::net::tls::Pin>,
}

impl TlsArgs {
    /// The engine's TLS options (None without --tls).
    pub fn options(&self) -> Option<crate::net::tls::TlsOptions> {
        self.tls.then(|| crate::net::tls::TlsOptions {
            cert: self.cert.clone(),
            key: self.key.clone(),
            ca: self.ca.clone(),
            sni: self.sni.clone(),
            alpn: self
                .alpn
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            insecure: self.insecure,
            pin: self.pin,
            self_signed_dir: Some(crate::files::default_data_dir()),
        })
    }
}

/// TCP: how this side cuts its messages into write() calls (TCP is a stream: 拆包 / 粘包).
#[derive(Args, Debug, Clone, Default)]
pub struct WritesArgs {
    /// Leave Nagle's algorithm on (TCP_NODELAY off): small writes may wait and merge.
    #[arg(long)]
    pub nagle: bool,
    /// Split each message into writes of at most BYTES (拆包).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub split: Option<u32>,
    /// The pause between the pieces of a split message (needs --split).
    #[arg(long, value_name = "DURATION", value_parser = parse_split_gap, requires = "split")]
    pub split_gap: Option<Duration>,
    /// Send K messages in one write (粘包); they are held until K are queued.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..=1000))]
    pub coalesce: Option<u32>,
}

impl WritesArgs {
    /// The engine's write shaping these flags describe.
    pub fn shaping(&self) -> crate::net::shaping::WriteShaping {
        crate::net::shaping::WriteShaping {
            nodelay: !self.nagle,
            split: self.split.map_or(0, |n| n as usize),
            split_gap: self.split_gap.unwrap_or(Duration::ZERO),
            coalesce: self.coalesce.map_or(1, |k| k as usize),
        }
    }
}

/// A PEM file given on the command line (`--ca`, `--cert`, `--key`): it must be readable
/// and hold a PEM block, so a wrong path is bad usage (exit 2) before anything connects.
pub(super) fn parse_pem_file(s: &str) -> Result<PathBuf, String> {
    let p = PathBuf::from(s);
    let bytes = std::fs::read(&p).map_err(|e| format!("cannot read {s}: {e}"))?;
    if !bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        return Err(format!("{s} holds no PEM block (-----BEGIN …)"));
    }
    Ok(p)
}

/// TCP: Pause reading (暂停接收): no recv() until resumed, so the peer's writes pile up in
/// the kernel and come out of one read.
#[derive(Args, Debug, Clone, Default)]
pub struct ReadArgs {
    /// Start with reading paused: no recv() is called; what arrives waits in the kernel's
    /// receive queue (on a server: for every client). In the window, Resume reading reads it.
    #[arg(long)]
    pub pause_reading: bool,
    /// Start with reading paused and resume by itself after DURATION (from the connection,
    /// or from listen() on a server): one recv() then returns what piled up.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "pause_reading")]
    pub pause_reading_for: Option<Duration>,
}

impl ReadArgs {
    /// Sets the session's pause from these flags.
    pub fn apply(&self, cfg: &mut crate::net::SessionConfig) {
        cfg.pause_reading = self.pause_reading || self.pause_reading_for.is_some();
        cfg.resume_reading_after = self.pause_reading_for;
    }
}

/// TCP: how received data is cut into rows (display only: `--record` keeps the raw chunks).
#[derive(Args, Debug, Clone, Default)]
pub struct FramingArgs {
    /// Cut received TCP data into frames, one row each: raw, lines, crlf, delimiter:HEX,
    /// fixed:N, length:OFFSET:WIDTH:be|le[:ADJ] (a length field of 1, 2 or 4 bytes at
    /// OFFSET; the frame is the header and then length + ADJ bytes), or mbap (Modbus/TCP,
    /// the same as length:4:2:be).
    #[arg(long, value_name = "FRAMING", value_parser = parse_framing)]
    pub framing: Option<crate::codec::Framing>,
}

pub(super) fn parse_framing(s: &str) -> Result<crate::codec::Framing, String> {
    crate::codec::Framing::parse_arg(s).map_err(|e| e.to_string())
}

#[derive(Args, Debug, Clone)]
pub struct SendArgs {
    /// Send TEXT once the session is ready (a server: to each client as it connects).
    #[arg(long, value_name = "TEXT")]
    pub send: Option<String>,
    /// Repeat --send every DURATION (e.g. 500ms, 2s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "send")]
    pub every: Option<Duration>,
    /// Send --send N times (every --every, or back to back without it), then stop sending.
    #[arg(long, value_name = "N", requires = "send", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
}

/// Auto-reply rules, tried in order.
#[derive(Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Answer what MATCH matches with REPLY, e.g. 'regex:REQ (?P<id>\d+) => ACK {id}'.
    /// Repeatable: tried in order, the first match answers (--reply then answers what
    /// no rule did). MATCH: contains:TEXT, equals:TEXT, regex:RE (on the decoded text),
    /// bytes:RE (a byte regex, e.g. (?s-u)^\x01\x03(..)), hex:HEX (starts with these
    /// bytes), contains-hex:HEX, or any. REPLY expands {seq} {time} … and the regex's
    /// groups, {1} {2} … or {name} for (?P<name>…); a byte regex's group goes in as
    /// its bytes. With --hex the reply is hex (01 83 {1}); with --escapes it takes \r \n.
    #[arg(long = "rule", value_name = "MATCH => REPLY")]
    pub rules: Vec<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ExpectArgs {
    /// After each --send, expect a reply containing TEXT (hex bytes with --hex). With
    /// --count N it runs N tries (--every is the pause between them), prints a summary
    /// line and exits 0 only if every try passed.
    #[arg(long, value_name = "TEXT", requires = "send")]
    pub expect: Option<String>,
    /// How long each try waits for the expected reply.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub expect_timeout: Duration,
    /// Write the --expect report (one row per try) to FILE as CSV.
    #[arg(long, value_name = "FILE", requires = "expect")]
    pub expect_report: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Text encoding, any WHATWG label: utf-8, gbk, gb18030, big5, shift_jis, euc-kr, utf-16le, latin1, …
    #[arg(long, value_name = "LABEL", default_value = "utf-8", value_parser = parse_encoding)]
    pub encoding: Encoding,
    /// TEXT arguments are hex bytes, e.g. "48 65 6c 6c 6f".
    #[arg(long)]
    pub hex: bool,
    /// TEXT arguments understand escapes: \r \n \t \\ \0 \xNN.
    #[arg(long, conflicts_with = "hex")]
    pub escapes: bool,
    /// TEXT arguments (--send, --reply) expand variables at each send: {seq} {seq:04}
    /// {conn} (a crowd's connection number) {time} {unix_ms} {rand:N} {hex:..}, binary fields {seq:u16be} {len:u16be}
    /// {len:u16be:after} and checksums {crc16-modbus} {crc32:be:0..-4}; write {{ and }}
    /// for literal braces. With --hex the text between them is hex.
    #[arg(long)]
    pub template: bool,
    /// Check each received row against the checksum in it: ALG[:be|le][:A..B][:@N], e.g.
    /// crc16-modbus (the last 2 bytes, low byte first, over every byte before them),
    /// crc32:be, xor8:1..-2:@-2. A wrong one is marked on its row and counted.
    #[arg(long = "check-sum", value_name = "SPEC", value_parser = parse_check)]
    pub check_sum: Option<ChecksumSpec>,
    /// Stream this session's events to FILE as JSON Lines, from the first event on.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// No window: print events to stdout, one line each, until Ctrl-C or SIGTERM, --duration, or
    /// until --count sends are done and 1 s has passed with nothing received.
    #[arg(long)]
    pub headless: bool,
    /// Headless: stop after DURATION.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
    /// Headless: print every byte of each rx/tx row (default: the first 256 bytes, then
    /// "… (N more bytes)"). A stdout slower than the peer then slows the session.
    #[arg(long, requires = "headless")]
    pub full: bool,
    /// Headless: print no rx/tx rows, only state changes (accept, connect, close,
    /// errors), and at the end a summary: events, bytes in and out, duration.
    #[arg(long, requires = "headless", conflicts_with = "full")]
    pub quiet: bool,
    #[command(flatten)]
    pub sock: SockArgs,
}

/// Socket options, set before bind / connect / listen and read back from the kernel
/// (the window's log and headless output show what it really set).
#[derive(Args, Debug, Clone, Default)]
pub struct SockArgs {
    /// SO_RCVBUF in bytes (Linux doubles it and caps it at net.core.rmem_max).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub rcvbuf: Option<u32>,
    /// SO_SNDBUF in bytes (Linux doubles it and caps it at net.core.wmem_max).
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u32).range(1..=1_073_741_824))]
    pub sndbuf: Option<u32>,
    /// IP TTL (IPv6: the unicast hop limit), 1–255.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=255))]
    pub ttl: Option<u32>,
    /// TCP keep-alive: the first probe after SECS of silence.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u32).range(1..=32767))]
    pub keepalive: Option<u32>,
    /// TCP keep-alive: seconds between probes (needs --keepalive; default 75).
    #[arg(long, value_name = "SECS", requires = "keepalive", value_parser = clap::value_parser!(u32).range(1..=32767))]
    pub keepalive_interval: Option<u32>,
    /// TCP keep-alive: unanswered probes before the connection is dropped (needs
    /// --keepalive; default 9).
    #[arg(long, value_name = "N", requires = "keepalive", value_parser = clap::value_parser!(u32).range(1..=127))]
    pub keepalive_count: Option<u32>,
}

impl SockArgs {
    /// The engine's options for `role` (keep-alive is TCP's).
    pub fn opts(&self, role: Role) -> Result<crate::net::sockopts::SockOpts, ArgError> {
        if self.keepalive.is_some() && !role.is_tcp() {
            return Err(ArgError(
                "--keepalive is for tcp-client and tcp-server".into(),
            ));
        }
        Ok(crate::net::sockopts::SockOpts {
            rcvbuf: self.rcvbuf,
            sndbuf: self.sndbuf,
            ttl: self.ttl,
            keepalive: self
                .keepalive
                .map(|idle_s| crate::net::sockopts::Keepalive {
                    idle_s,
                    interval_s: self.keepalive_interval.unwrap_or(75),
                    count: self.keepalive_count.unwrap_or(9),
                }),
        })
    }
}

pub(super) fn parse_addr(s: &str) -> Result<String, String> {
    match addr::unix(s) {
        Some(r) => r.map(|_| s.trim().to_string()).map_err(|e| e.to_string()),
        None => parse_inet_addr(s),
    }
}

/// `HOST:PORT` only (the relay has no unix sockets).
pub(super) fn parse_inet_addr(s: &str) -> Result<String, String> {
    if addr::is_unix(s) {
        return Err("the relay speaks TCP and UDP only: give HOST:PORT".into());
    }
    let (host, port) = addr::split_host_port(s).map_err(|e| e.to_string())?;
    if host.is_empty() {
        return Err("give a host too, as in 127.0.0.1:8080".into());
    }
    if port == 0 {
        return Err("port 0 cannot be a destination; use 1–65535".into());
    }
    Ok(s.trim().to_string())
}

pub(super) fn parse_bind(s: &str) -> Result<String, String> {
    match addr::unix(s) {
        Some(r) => r.map(|_| s.trim().to_string()).map_err(|e| e.to_string()),
        None => parse_inet_bind(s),
    }
}

/// `ADDR:PORT` only (the relay has no unix sockets).
pub(super) fn parse_inet_bind(s: &str) -> Result<String, String> {
    if addr::is_unix(s) {
        return Err("the relay speaks TCP and UDP only: give ADDR:PORT".into());
    }
    addr::split_host_port(s).map_err(|e| e.to_string())?;
    Ok(s.trim().to_string())
}

pub(super) fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("\"{s}\" is not a duration ({e}); write e.g. 500ms, 2s, 1m"))?;
    if d.is_zero() {
        return Err("the duration must be more than zero".into());
    }
    Ok(d)
}

/// A split message's pause: a duration of at most a minute (what the window allows too).
pub(super) fn parse_split_gap(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d > Duration::from_secs(60) {
        return Err(format!("\"{s}\" is too long: the pause is at most 60s"));
    }
    Ok(d)
}

pub(super) fn parse_pin(s: &str) -> Result<crate::net::tls::Pin, String> {
    use crate::net::tls::{Pin, PinProblem};
    Pin::parse(s).map_err(|e| match e {
        PinProblem::NotHex => {
            "only hex digits (and colons) may follow sha256:, as in sha256:AB:CD:…".to_string()
        }
        PinProblem::Length { digits } => {
            format!("{digits} hex digits: a SHA-256 fingerprint has 64")
        }
    })
}

/// `--check-sum`: a checksum spec; the error names what is wrong in it.
fn parse_check(s: &str) -> Result<ChecksumSpec, String> {
    ChecksumSpec::parse(s).map_err(|e| e.english())
}

pub(super) fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::parse(s)
}
