//! The command line (clap): no arguments opens the window; a role subcommand opens it on
//! that tab with the session configured and already started, or runs it `--headless`.
//! Every argument is checked here, so a bad one exits with code 2 before any window opens.

use crate::codec::{self, Encoding};
use crate::codec::{Template, TemplateCtx};
use crate::launch::Launch;
use crate::net::addr;
use crate::net::auto::{AutoPlan, AutoTemplates};
use crate::net::expect::{Expect, ExpectPlan};
use crate::net::rules::Matcher;
use crate::net::{Payload, Role, SessionConfig};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

const EXAMPLES: &str = "\
Examples (the seed notes' four programs):
  socket-tester udp-recv   --bind 127.0.0.1:8080 --encoding gbk
  socket-tester udp-send   --to 127.0.0.1:8080 --bind 7890 --send 你好 --encoding gbk
  socket-tester tcp-server --listen 0.0.0.0:7891 --reply 收到啦我反馈 --encoding gbk
  socket-tester tcp-client --connect 127.0.0.1:7891 --send 你好 --encoding gbk

More:
  socket-tester tcp-client --connect 127.0.0.1:502 --hex --send '00 01 00 00 00 06 01 03 00 00 00 0a' --every 1s
  socket-tester udp-recv --bind 0.0.0.0:9000 --headless --record session.jsonl
  socket-tester udp-send --to 127.0.0.1:9000 --send 'ping' --every 100ms --count 50 --headless
  socket-tester tcp-client --connect 127.0.0.1:7 --send 'PING {seq}' --template --expect PING --count 100 --headless
  socket-tester udp-send --to 192.168.1.20:502 --hex --send '01 03 00 00 00 0a c5 cd' --expect '01 03' --expect-timeout 500ms --count 10 --headless";

#[derive(Parser, Debug)]
#[command(
    name = "socket-tester",
    version,
    about = "Try out UDP and TCP sockets: send, receive, listen, record — with a window or headless.",
    long_about = "Socket Tester opens a window with four tabs: UDP Sender, UDP Receiver, TCP Client and TCP Server.\n\
With no arguments it opens with the remembered settings. With a role subcommand it opens on that tab\n\
with the session configured and already started (or, with --headless, prints events to stdout).",
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<RoleCommand>,
    /// Open the window set up from a preset (TOML: tabs, addresses, encodings, payloads).
    #[arg(long, value_name = "FILE", global = true)]
    pub preset: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum RoleCommand {
    /// Convert a JSON Lines record or a binary spool to txt, csv, jsonl, pcapng (Wireshark) or html.
    #[command(
        after_help = "Example:\n  socket-tester export session.jsonl --to session.pcapng\n\nExit codes: 0 exported; 1 the input could not be read or the output not written (an existing output is left as it was); 2 bad usage, e.g. the output is the input file itself (also through a link); 3 exported, but some lines were unreadable and skipped."
    )]
    Export {
        /// The log to read: a JSON Lines record (written by --record, or by Save log… as
        /// .jsonl) or a session's binary spool (.stspool); told apart by the spool's magic.
        #[arg(value_name = "RECORD")]
        input: PathBuf,
        /// Output file; its extension picks the format: .txt .csv .jsonl .pcapng .html.
        /// Written whole or not at all: an existing file is replaced only once the export
        /// is complete. Never the input file itself.
        #[arg(long, value_name = "OUT")]
        to: PathBuf,
        /// Decode text again from the raw bytes in this encoding (default: as recorded).
        #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
        encoding: Option<Encoding>,
    },
    /// Send a recorded session's payloads again to HOST:PORT, with their original spacing;
    /// with --check, compare each reply with the recorded one (a regression test).
    #[command(
        after_help = "Examples:\n  socket-tester replay session.jsonl --to 192.168.1.20:502 --check\n  socket-tester replay capture.stspool --to 127.0.0.1:7891 --speed max\n\nExit codes: 0 replayed (with --check: every reply as recorded); 1 a reply differed or the connection failed; 2 bad usage or an unreadable record."
    )]
    Replay {
        /// A JSON Lines record (--record, Save log… as .jsonl) or a binary spool.
        #[arg(value_name = "RECORD")]
        input: PathBuf,
        /// Where to send: HOST:PORT (TCP or UDP, as recorded).
        #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
        to: String,
        /// 1x keeps the recorded spacing, 2x halves it, max sends without waiting.
        #[arg(long, value_name = "SPEED", default_value = "1x", value_parser = crate::replay::parse_speed)]
        speed: crate::replay::Speed,
        /// tx: what the recorded session sent; rx: what it received (a peer's requests).
        #[arg(long, value_enum, default_value = "tx")]
        side: crate::replay::Side,
        /// Compare each reply with the recorded reply; differences as a hex diff.
        #[arg(long)]
        check: bool,
        /// How long to wait for each reply with --check.
        #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration, requires = "check")]
        reply_timeout: Duration,
        /// A TCP server's record: replay this client (default: the first with data).
        #[arg(long, value_name = "ID")]
        client: Option<u64>,
    },
    /// Run a test sequence (TOML: send, wait, expect with captures, repeat, connect,
    /// close) against a device; one line per step, a JUnit report for CI.
    #[command(
        after_help = "Example:\n  socket-tester run login.toml --to 192.168.1.20:7891 --junit report.xml\n\nExit codes: 0 every step passed; 1 a step failed (the rest are skipped); 2 a bad file (its line is named) or bad arguments."
    )]
    Run {
        /// The sequence file (TOML).
        #[arg(value_name = "SEQ.toml")]
        file: PathBuf,
        /// Where to connect or send: HOST:PORT (default: the file's `to`).
        #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
        to: Option<String>,
        /// Write a JUnit XML report (one test case per step) to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// UDP sender: send datagrams to HOST:PORT (and show replies).
    #[command(name = "udp-send", after_help = EXAMPLES)]
    UdpSend {
        /// Destination, HOST:PORT (IPv6 as [::1]:8080).
        #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
        to: String,
        /// Local address or port to send from (the seed uses 7890). Default: the OS picks.
        #[arg(long, value_name = "ADDR:PORT", value_parser = parse_bind)]
        bind: Option<String>,
        /// Allow sending to broadcast addresses (SO_BROADCAST).
        #[arg(long)]
        broadcast: bool,
        #[command(flatten)]
        send: SendArgs,
        #[command(flatten)]
        expect: ExpectArgs,
        #[command(flatten)]
        common: Common,
    },
    /// UDP receiver: bind ADDR:PORT and show every datagram.
    #[command(name = "udp-recv", after_help = EXAMPLES)]
    UdpRecv {
        /// Address to bind, ADDR:PORT (0.0.0.0 = all interfaces; 127.0.0.1 = this machine only).
        #[arg(long, value_name = "ADDR:PORT", value_parser = parse_bind)]
        bind: String,
        /// Answer every datagram with TEXT.
        #[arg(long, value_name = "TEXT")]
        reply: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// TCP client: connect to HOST:PORT.
    #[command(name = "tcp-client", after_help = EXAMPLES)]
    TcpClient {
        /// Server to connect to, HOST:PORT.
        #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
        connect: String,
        /// Give up connecting after this long.
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
        timeout: Duration,
        /// Answer every message received with TEXT.
        #[arg(long, value_name = "TEXT")]
        reply: Option<String>,
        #[command(flatten)]
        send: SendArgs,
        #[command(flatten)]
        expect: ExpectArgs,
        #[command(flatten)]
        writes: WritesArgs,
        #[command(flatten)]
        tls: TlsArgs,
        #[command(flatten)]
        common: Common,
    },
    /// TCP server: listen on ADDR:PORT and accept any number of clients.
    #[command(name = "tcp-server", after_help = EXAMPLES)]
    TcpServer {
        /// Address to listen on, ADDR:PORT (the seed uses port 7891 on all interfaces).
        #[arg(long, value_name = "ADDR:PORT", value_parser = parse_bind)]
        listen: String,
        /// Answer every message with TEXT (the seed's server answers 收到啦我反馈 in GBK).
        #[arg(long, value_name = "TEXT")]
        reply: Option<String>,
        /// listen() backlog.
        #[arg(long, default_value_t = 128, value_parser = clap::value_parser!(i32).range(1..=65535))]
        backlog: i32,
        /// Refuse clients beyond this many.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..))]
        max_clients: u32,
        #[command(flatten)]
        send: SendArgs,
        #[command(flatten)]
        writes: WritesArgs,
        #[command(flatten)]
        tls: TlsArgs,
        #[command(flatten)]
        common: Common,
    },
}

/// TCP: speak TLS (rustls) on the connection.
#[derive(Args, Debug, Clone, Default)]
pub struct TlsArgs {
    /// Speak TLS. A server without --cert uses a self-signed certificate made on first
    /// use and kept in the data folder (its SHA-256 fingerprint is printed).
    #[arg(long)]
    pub tls: bool,
    /// Server: its certificate chain (PEM). Client: a certificate for mutual TLS.
    #[arg(long, value_name = "FILE", requires = "tls")]
    pub cert: Option<PathBuf>,
    /// The private key (PEM) for --cert (default: the --cert file itself).
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Client: trust these CA certificates (PEM) instead of the system's. Server: require
    /// a client certificate issued by them (mutual TLS).
    #[arg(long, value_name = "FILE", requires = "tls")]
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
            self_signed_dir: Some(crate::ui::default_data_dir()),
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

#[derive(Args, Debug, Clone)]
pub struct SendArgs {
    /// Send TEXT once the session is ready (a server: to each client as it connects).
    #[arg(long, value_name = "TEXT")]
    pub send: Option<String>,
    /// Repeat --send every DURATION (e.g. 500ms, 2s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "send")]
    pub every: Option<Duration>,
    /// Send --send N times (with --every), then stop sending.
    #[arg(long, value_name = "N", requires = "send", value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
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
    /// {time} {unix_ms} {rand:N} {hex:..}; write {{ and }} for literal braces.
    #[arg(long)]
    pub template: bool,
    /// Stream this session's events to FILE as JSON Lines, from the first event on.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// No window: print events to stdout, one line each, until Ctrl-C, --duration, or
    /// until --count sends are done and 1 s has passed with nothing received.
    #[arg(long)]
    pub headless: bool,
    /// Headless: stop after DURATION.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub duration: Option<Duration>,
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

fn parse_addr(s: &str) -> Result<String, String> {
    let (host, port) = addr::split_host_port(s).map_err(|e| e.to_string())?;
    if host.is_empty() {
        return Err("give a host too, as in 127.0.0.1:8080".into());
    }
    if port == 0 {
        return Err("port 0 cannot be a destination; use 1–65535".into());
    }
    Ok(s.trim().to_string())
}

fn parse_bind(s: &str) -> Result<String, String> {
    addr::split_host_port(s).map_err(|e| e.to_string())?;
    Ok(s.trim().to_string())
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|e| format!("\"{s}\" is not a duration ({e}); write e.g. 500ms, 2s, 1m"))?;
    if d.is_zero() {
        return Err("the duration must be more than zero".into());
    }
    Ok(d)
}

/// A split message's pause: a duration of at most a minute (what the window allows too).
fn parse_split_gap(s: &str) -> Result<Duration, String> {
    let d = parse_duration(s)?;
    if d > Duration::from_secs(60) {
        return Err(format!("\"{s}\" is too long: the pause is at most 60s"));
    }
    Ok(d)
}

fn parse_encoding(s: &str) -> Result<Encoding, String> {
    Encoding::parse(s)
}

/// A validation error that clap did not catch (payload text vs encoding, hex digits).
#[derive(Debug)]
pub struct ArgError(pub String);

fn payload(arg: &str, text: &str, c: &Common) -> Result<Payload, ArgError> {
    let bytes = if c.hex {
        codec::parse_hex(text).map_err(|e| ArgError(format!("{arg}: bad hex, {e}")))?
    } else if c.escapes {
        codec::parse_escapes(text, c.encoding).map_err(|e| ArgError(format!("{arg}: {e}")))?
    } else {
        codec::encode(c.encoding, text).map_err(|e| ArgError(format!("{arg}: {e}")))?
    };
    Ok(Payload::Bytes(bytes))
}

/// A TEXT argument as a template (with --template), checked by rendering it once.
fn template(arg: &str, text: &str, c: &Common) -> Result<Template, ArgError> {
    let t = if c.template {
        if c.hex {
            Template::parse_hex(text)
        } else {
            Template::parse(text)
        }
        .map_err(|e| ArgError(format!("{arg}: {e}")))?
    } else {
        match payload(arg, text, c)? {
            Payload::Bytes(b) => Template::literal_bytes(&b),
            Payload::Text(t) => Template::literal_text(&t),
        }
    };
    t.render(&mut TemplateCtx::new(c.encoding, c.escapes))
        .map_err(|e| ArgError(format!("{arg}: {e}")))?;
    Ok(t)
}

/// What --expect TEXT matches: the bytes with --hex or --escapes, else the decoded text.
fn expect_matcher(text: &str, c: &Common) -> Result<Matcher, ArgError> {
    let m = if c.hex {
        Matcher::ContainsHex(text.to_string())
    } else if c.escapes {
        let b = codec::parse_escapes(text, c.encoding)
            .map_err(|e| ArgError(format!("--expect: {e}")))?;
        Matcher::ContainsHex(codec::to_hex(&b))
    } else {
        Matcher::Contains(text.to_string())
    };
    m.compile()
        .map_err(|e| ArgError(format!("--expect: {e}")))?;
    Ok(m)
}

impl RoleCommand {
    /// The options shared by the role subcommands (None for `export`).
    pub fn common(&self) -> Option<&Common> {
        Some(match self {
            RoleCommand::Export { .. } | RoleCommand::Replay { .. } | RoleCommand::Run { .. } => {
                return None;
            }
            RoleCommand::UdpSend { common, .. }
            | RoleCommand::UdpRecv { common, .. }
            | RoleCommand::TcpClient { common, .. }
            | RoleCommand::TcpServer { common, .. } => common,
        })
    }

    /// Turns the arguments into a launch, checking payloads against the encoding.
    pub fn to_launch(&self) -> Result<Launch, ArgError> {
        let Some(c) = self.common() else {
            return Err(ArgError("export does not start a session".into()));
        };
        // With --template the payload is a preview (the first render); Auto renders each send.
        let opt = |arg: &str, t: &Option<String>| -> Result<Option<Payload>, ArgError> {
            t.as_deref()
                .map(|t| {
                    if c.template {
                        template(arg, t, c)?
                            .render(&mut TemplateCtx::new(c.encoding, c.escapes))
                            .map(Payload::Bytes)
                            .map_err(|e| ArgError(format!("{arg}: {e}")))
                    } else {
                        payload(arg, t, c)
                    }
                })
                .transpose()
        };
        let mut expect_args: Option<&ExpectArgs> = None;
        let (config, send, reply) = match self {
            RoleCommand::Export { .. } | RoleCommand::Replay { .. } | RoleCommand::Run { .. } => {
                return Err(ArgError("export, replay and run do not open a tab".into()));
            }
            RoleCommand::UdpSend {
                to,
                bind,
                broadcast,
                send,
                expect,
                ..
            } => {
                expect_args = Some(expect);
                let mut cfg = SessionConfig::new(Role::UdpSender, to.clone());
                cfg.bind = bind.clone();
                cfg.broadcast = *broadcast;
                (cfg, Some(send), None)
            }
            RoleCommand::UdpRecv { bind, reply, .. } => (
                SessionConfig::new(Role::UdpReceiver, bind.clone()),
                None,
                opt("--reply", reply)?,
            ),
            RoleCommand::TcpClient {
                connect,
                timeout,
                reply,
                send,
                expect,
                writes,
                tls,
                ..
            } => {
                expect_args = Some(expect);
                let mut cfg = SessionConfig::new(Role::TcpClient, connect.clone());
                cfg.connect_timeout = *timeout;
                cfg.shaping = writes.shaping();
                cfg.tls = tls.options();
                (cfg, Some(send), opt("--reply", reply)?)
            }
            RoleCommand::TcpServer {
                listen,
                reply,
                backlog,
                max_clients,
                send,
                writes,
                tls,
                ..
            } => {
                if tls.insecure || tls.sni.is_some() {
                    return Err(ArgError(
                        "--insecure and --sni are for tcp-client: a server checks client certificates only with --ca".into(),
                    ));
                }
                let mut cfg = SessionConfig::new(Role::TcpServer, listen.clone());
                cfg.shaping = writes.shaping();
                cfg.tls = tls.options();
                cfg.backlog = *backlog;
                cfg.max_clients = *max_clients as usize;
                (cfg, Some(send), opt("--reply", reply)?)
            }
        };
        let mut config = config;
        config.sockopts = c.sock.opts(config.role)?;
        let mut auto = AutoPlan {
            reply,
            ..AutoPlan::default()
        };
        if let Some(s) = send {
            auto.send = opt("--send", &s.send)?;
            auto.every = s.every;
            auto.count = s.count;
        }
        if c.template {
            let tpl = |arg: &str, t: &Option<String>| -> Result<Option<Template>, ArgError> {
                t.as_deref().map(|t| template(arg, t, c)).transpose()
            };
            let templates = AutoTemplates {
                send: tpl("--send", &send.and_then(|s| s.send.clone()))?,
                reply: match self {
                    RoleCommand::UdpRecv { reply, .. }
                    | RoleCommand::TcpClient { reply, .. }
                    | RoleCommand::TcpServer { reply, .. } => tpl("--reply", reply)?,
                    _ => None,
                },
                ctx: TemplateCtx::new(c.encoding, c.escapes),
            };
            auto.templates = Some(templates);
        }
        if let (Some(x), Some(s)) = (expect_args, send)
            && let (Some(want), Some(text)) = (&x.expect, &s.send)
        {
            let mut plan = ExpectPlan::new(template("--send", text, c)?, expect_matcher(want, c)?);
            plan.escapes = c.template && c.escapes;
            plan.timeout = x.expect_timeout;
            plan.count = s.count.unwrap_or(1);
            plan.gap = s.every.unwrap_or(Duration::ZERO);
            plan.report = x.expect_report.clone();
            Expect::new(plan.clone(), c.encoding).map_err(|e| ArgError(e.to_string()))?;
            // The expectation run does the sending.
            auto.send = None;
            auto.every = None;
            auto.count = None;
            if let Some(t) = auto.templates.as_mut() {
                t.send = None;
            }
            auto.expect = Some(plan);
        }
        Ok(Launch {
            config: config.encoding(c.encoding),
            auto,
            record: c.record.clone(),
            hex: c.hex,
            duration: c.duration,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    fn launch(args: &[&str]) -> Result<Launch, String> {
        let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
        cli.command
            .ok_or("no command".to_string())?
            .to_launch()
            .map_err(|e| e.0)
    }

    #[test]
    fn seed_programs_parse() {
        let l = launch(&[
            "st",
            "tcp-server",
            "--listen",
            "0.0.0.0:7891",
            "--reply",
            "收到啦我反馈",
            "--encoding",
            "gbk",
        ])
        .unwrap();
        assert_eq!(l.config.role, Role::TcpServer);
        assert_eq!(
            l.auto.reply,
            Some(Payload::Bytes(
                codec::parse_hex("cad5b5bdc0b2ced2b7b4c0a1").unwrap()
            ))
        );
        let l = launch(&[
            "st",
            "udp-send",
            "--to",
            "127.0.0.1:8080",
            "--bind",
            "7890",
            "--send",
            "hi",
            "--every",
            "500ms",
            "--count",
            "3",
        ])
        .unwrap();
        assert_eq!(l.config.bind.as_deref(), Some("7890"));
        assert_eq!(l.auto.every, Some(Duration::from_millis(500)));
        assert_eq!(l.auto.count, Some(3));
    }

    #[test]
    fn templates_and_expect_parse() {
        let l = launch(&[
            "st",
            "tcp-client",
            "--connect",
            "a:1",
            "--send",
            "n={seq:02}",
            "--template",
            "--reply",
            "r{seq}",
        ])
        .unwrap();
        assert_eq!(l.auto.send, Some(Payload::Bytes(b"n=01".to_vec())));
        let t = l.auto.templates.unwrap();
        assert_eq!(t.send.unwrap().source(), "n={seq:02}");
        assert_eq!(t.reply.unwrap().source(), "r{seq}");
        // Without --template, braces are plain text.
        let l = launch(&["st", "tcp-client", "--connect", "a:1", "--send", "{seq}"]).unwrap();
        assert_eq!(l.auto.send, Some(Payload::Bytes(b"{seq}".to_vec())));
        assert!(l.auto.templates.is_none());
        let l = launch(&[
            "st",
            "udp-send",
            "--to",
            "h:1",
            "--send",
            "PING",
            "--expect",
            "PONG",
            "--count",
            "7",
            "--every",
            "5ms",
            "--expect-timeout",
            "250ms",
        ])
        .unwrap();
        assert_eq!(l.auto.send, None, "the expectation run sends");
        let x = l.auto.expect.unwrap();
        assert_eq!(
            (x.count, x.gap, x.timeout),
            (7, Duration::from_millis(5), Duration::from_millis(250))
        );
        assert_eq!(x.expect, Matcher::Contains("PONG".into()));
        let l = launch(&[
            "st",
            "udp-send",
            "--to",
            "h:1",
            "--escapes",
            "--send",
            "a",
            "--expect",
            r"OK\r\n",
        ])
        .unwrap();
        assert_eq!(
            l.auto.expect.unwrap().expect,
            Matcher::ContainsHex("4f4b0d0a".into())
        );
        assert!(
            launch(&[
                "st",
                "udp-send",
                "--to",
                "h:1",
                "--template",
                "--send",
                "{x}"
            ])
            .is_err()
        );
        assert!(launch(&["st", "udp-send", "--to", "h:1", "--expect", "x"]).is_err());
    }

    #[test]
    fn bad_arguments_are_refused() {
        assert!(
            launch(&["st", "udp-recv", "--bind", "127.0.0.1:70000"])
                .unwrap_err()
                .contains("65535")
        );
        assert!(launch(&["st", "tcp-client", "--connect", "127.0.0.1"]).is_err());
        assert!(
            launch(&["st", "udp-recv", "--bind", ":1", "--encoding", "klingon"])
                .unwrap_err()
                .contains("unknown encoding")
        );
        assert!(
            launch(&[
                "st",
                "tcp-client",
                "--connect",
                "a:1",
                "--hex",
                "--send",
                "4G"
            ])
            .unwrap_err()
            .contains("not a hex digit")
        );
        assert!(
            launch(&[
                "st",
                "tcp-client",
                "--connect",
                "a:1",
                "--encoding",
                "latin1",
                "--send",
                "收"
            ])
            .unwrap_err()
            .contains("cannot be written")
        );
        assert!(
            launch(&[
                "st",
                "tcp-client",
                "--connect",
                "a:1",
                "--send",
                "x",
                "--every",
                "soon"
            ])
            .is_err()
        );
        assert!(launch(&["st", "tcp-client", "--connect", "a:1", "--every", "1s"]).is_err());
    }
}
