//! The command line (clap): no arguments opens the window; a role subcommand opens it on
//! that tab with the session configured and already started, or runs it `--headless`.
//! Every argument is checked here, so a bad one exits with code 2 before any window opens.

use crate::codec::Encoding;
use crate::net::Role;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

mod args;
mod crowd_args;
mod launch;
pub mod relay;
pub mod relay_rewrite;
#[cfg(test)]
mod tests;
mod ws_args;

pub use args::*;
use args::{parse_addr, parse_bind, parse_duration, parse_encoding};
pub use crowd_args::CrowdArgs;
pub use ws_args::WsArgs;

/// `--lang en|zh-CN` (also zh, zh_CN, en-US …).
fn parse_lang(s: &str) -> Result<crate::i18n::Lang, String> {
    let l = s.trim().to_ascii_lowercase();
    if l.starts_with("zh") {
        Ok(crate::i18n::Lang::Zh)
    } else if l.starts_with("en") {
        Ok(crate::i18n::Lang::En)
    } else {
        Err(format!("\"{s}\": give en or zh-CN"))
    }
}
pub use launch::ArgError;

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
  socket-tester udp-send --to 192.168.1.20:502 --hex --send '01 03 00 00 00 0a c5 cd' --expect '01 03' --expect-timeout 500ms --count 10 --headless
  socket-tester tcp-client --connect 127.0.0.1:7891 --connections 1000 --ramp 200 --send 'hi {conn}' --template --expect hi --headless --quiet
  socket-tester udp-recv --bind 0.0.0.0:9000 --rule 'regex:REQ (?P<id>\\d+) => ACK {id}' --rule 'contains:PING => PONG {seq}' --reply ERR
  socket-tester tcp-server --listen 0.0.0.0:502 --hex --rule 'bytes:(?s-u)^(..)\\x00\\x00 => {1} 00 00 00 03 01 83 02'

Exit codes (--headless): 0 done; 1 a check failed (an --expect try, a wrong --check-sum, the session failed, a --connections connection failed, or the
--record file stopped early, e.g. a full disk); 2 bad usage or input (said before anything starts).";

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
        after_help = "Examples:\n  socket-tester export session.jsonl --to session.pcapng\n  socket-tester export session.jsonl --to 课堂.csv --lang zh-CN\n\nExit codes: 0 exported; 1 the output could not be written (an existing output is left as it was); 2 bad input or usage: the input cannot be read, a line of it is unreadable (unless --skip-bad) or none is, the output's ending names no format, or the output is the input file itself (also through a link)."
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
        /// Export a record with unreadable lines without them, naming each one skipped
        /// (without it such a record is refused, exit 2, and nothing is written).
        #[arg(long)]
        skip_bad: bool,
        /// The language of the events' words and the headers in .txt, .csv and .html: en
        /// or zh-CN (default: the system's language). JSON Lines stays English-keyed.
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<crate::i18n::Lang>,
        /// Times in UTC, as recorded (default: local time with its UTC offset, e.g.
        /// 2026-12-06 20:27:12.123456 +08:00). JSON Lines and pcapng are always UTC.
        #[arg(long)]
        utc: bool,
        /// No UTF-8 byte-order mark at the start of a .csv (default: one, so Excel on a
        /// Chinese or Japanese Windows reads the text as UTF-8).
        #[arg(long)]
        no_bom: bool,
    },
    /// Send a recorded session's payloads again to HOST:PORT, with their original spacing;
    /// with --check, compare each reply with the recorded one (a regression test).
    #[command(
        after_help = "Examples:\n  socket-tester replay session.jsonl --to 192.168.1.20:502 --check\n  socket-tester replay capture.stspool --to 127.0.0.1:7891 --speed max\n\nExit codes: 0 replayed (with --check: every reply as recorded); 1 a reply differed or the connection failed; 2 bad usage or an unreadable record (a line of it, unless --skip-bad)."
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
        /// Replay a record with unreadable lines without them, naming each one skipped
        /// (without it such a record is refused, exit 2, and nothing is sent).
        #[arg(long)]
        skip_bad: bool,
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
        /// Record the session as the roles do: JSON Lines, or pcapng if FILE ends in .pcapng.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Run the sequence once per connection of a crowd of N (udp: N sources): counts
        /// once a second and a summary; the JUnit report has one test case per connection
        /// (#k). A connect step opens that connection again. 1 to 100000 (1: one connection).
        #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = crowd_args::parse_connections)]
        connections: Option<u64>,
        /// With --connections: open this many a second (0: as fast as the system takes them).
        #[arg(long, value_name = "PER_SECOND", requires = "connections", allow_hyphen_values = true, value_parser = crowd_args::parse_ramp)]
        ramp: Option<f64>,
    },
    /// Relay: listen on ADDR:PORT, forward each client (TCP) or source (UDP) to HOST:PORT,
    /// print both directions, and bend the traffic on purpose (latency, loss, resets…).
    #[command(
        after_help = "Examples:\n  socket-tester relay --listen 127.0.0.1:9000 --to 127.0.0.1:7 --headless\n  socket-tester relay --listen 0.0.0.0:5020 --to 192.168.1.20:502 --latency up:100ms±20ms --record relay.jsonl\n  socket-tester relay --udp --listen 0.0.0.0:9000 --to 127.0.0.1:9001 --drop 10 --seed 1\n\nEach fault takes an optional up: (client → server) or down: (server → client) prefix;\nwithout one it applies both ways.\n\nExit codes: 0 stopped (Ctrl-C or --duration); 1 the relay could not start (a port in use) or the record stopped; 2 bad usage."
    )]
    Relay(relay::RelayArgs),
    /// UDP sender: send datagrams to HOST:PORT (and show replies).
    #[command(name = "udp-send", after_help = EXAMPLES)]
    UdpSend {
        /// Destination, HOST:PORT (IPv6 as [::1]:8080), or a unix datagram socket:
        /// unix:/path, or on Linux unix:@name.
        #[arg(long, value_name = "HOST:PORT", value_parser = parse_addr)]
        to: String,
        /// Local address or port to send from (the seed uses 7890). Default: the OS picks.
        /// With a unix destination: unix:/path to bind, so replies can come back (Linux
        /// without it: an abstract name the kernel picks).
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
        crowd: CrowdArgs,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        common: Common,
    },
    /// UDP receiver: bind ADDR:PORT and show every datagram.
    #[command(name = "udp-recv", after_help = EXAMPLES)]
    UdpRecv {
        /// Address to bind, ADDR:PORT (0.0.0.0 = all interfaces; 127.0.0.1 = this machine only),
        /// or a unix datagram socket: unix:/path (unix:@name on Linux).
        #[arg(long, value_name = "ADDR:PORT", value_parser = parse_bind)]
        bind: String,
        /// Answer every datagram with TEXT.
        #[arg(long, value_name = "TEXT")]
        reply: Option<String>,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        common: Common,
    },
    /// TCP client: connect to HOST:PORT.
    #[command(
        name = "tcp-client",
        after_help = EXAMPLES,
        mut_arg("websocket", |a| a.hide(true)),
        mut_arg("ws_paths", |a| a.hide(true))
    )]
    TcpClient {
        /// Server to connect to: HOST:PORT, ws://HOST:PORT/PATH (wss:// with TLS), or a unix
        /// stream socket: unix:/path (unix:@name on Linux).
        #[arg(long, value_name = "HOST:PORT|ws://HOST:PORT/PATH|unix:/path", value_parser = ws_args::parse_connect)]
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
        crowd: CrowdArgs,
        #[command(flatten)]
        writes: WritesArgs,
        #[command(flatten)]
        reading: ReadArgs,
        #[command(flatten)]
        framing: FramingArgs,
        #[command(flatten)]
        tls: TlsArgs,
        #[command(flatten)]
        ws: WsArgs,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        common: Common,
    },
    /// TCP server: listen on ADDR:PORT and accept any number of clients.
    // The client-only TLS options stay accepted (and refused with a reason, exit 2) but
    // are not listed in the server's --help.
    #[command(
        name = "tcp-server",
        after_help = EXAMPLES,
        mut_arg("insecure", |a| a.hide(true)),
        mut_arg("pin", |a| a.hide(true)),
        mut_arg("sni", |a| a.hide(true))
    )]
    TcpServer {
        /// Address to listen on, ADDR:PORT (the seed uses port 7891 on all interfaces), or a
        /// unix stream socket: unix:/path (a stale socket file there is removed; anything
        /// else is left alone, with an error) or, on Linux, unix:@name.
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
        reading: ReadArgs,
        #[command(flatten)]
        framing: FramingArgs,
        #[command(flatten)]
        tls: TlsArgs,
        #[command(flatten)]
        ws: WsArgs,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        common: Common,
    },
}
