//! The user-visible words of the classroom features, in English and 简体中文: one table
//! per language, keyed by stable ids. No GUI in here, so the tables can be tested alone.
//!
//! ```
//! use socket_tester::i18n::{Lang, tr};
//! assert_eq!(tr(Lang::Zh, "menu.view"), "视图");
//! ```

pub use crate::i18n_events::describe_in;
use crate::net::ErrorKind;
use i18n_embed::LanguageLoader;
use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::unic_langid::LanguageIdentifier;
use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's own name, as shown in the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The language a locale name (`zh_CN.UTF-8`, `zh-Hans-CN`, `en_US`) asks for.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The system's language: `LC_ALL`, `LC_MESSAGES` or `LANG` when set (the first
    /// non-empty one, as the C library reads them), else the platform's locale.
    pub fn detect() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return Lang::from_locale(&v);
            }
        }
        sys_locale::get_locale().map_or(Lang::En, |l| Lang::from_locale(&l))
    }

    /// The language's tag, the name of its folder under `i18n/`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => EN,
            Lang::Zh => ZH,
        }
    }
}

/// The Fluent files, built into the binary so that it runs from any directory.
#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Localizations;

/// The Fluent domain: every language's file is `i18n/<tag>/socket_tester.ftl`.
const DOMAIN: &str = "socket_tester";

static LOADERS: LazyLock<[FluentLanguageLoader; 2]> = LazyLock::new(|| Lang::ALL.map(build));

/// The loader of `lang`'s words, with English for any message it lacks. Use it with
/// `fl!(loader(lang), "menu-view")`, which checks the id against the English file.
pub fn loader(lang: Lang) -> &'static FluentLanguageLoader {
    &LOADERS[match lang {
        Lang::En => 0,
        Lang::Zh => 1,
    }]
}

fn langid(tag: &str) -> LanguageIdentifier {
    tag.parse().unwrap_or_default()
}

fn build(lang: Lang) -> FluentLanguageLoader {
    let loader = FluentLanguageLoader::new(DOMAIN, langid(Lang::En.tag()));
    // The files are part of the binary and checked by the tests; should one fail to load
    // anyway, its messages show as their ids.
    if let Err(e) = loader.load_languages(&Localizations, &[langid(lang.tag())]) {
        eprintln!("socket-tester: the {} texts did not load: {e}", lang.tag());
    }
    // No Unicode isolation marks (U+2068, U+2069) around arguments: fonts show them as
    // boxes, and copied addresses would carry them.
    loader.set_use_isolating(false);
    loader
}

/// The text of `key` in `lang`; the English text when that language lacks it, and the key
/// itself when no table has it (so a missing entry shows up, but nothing breaks).
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    lookup(lang, key)
        .or_else(|| lookup(Lang::En, key))
        .unwrap_or(key)
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    lang.table()
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| *v)
}

/// [`tr`] with `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> String {
    let mut s = tr(lang, key).to_string();
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Every key of a language's table.
pub fn keys(lang: Lang) -> impl Iterator<Item = &'static str> {
    lang.table().iter().map(|(k, _)| *k)
}

/// The key of the sentence that explains an engine error kind.
pub fn error_key(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::AddrInUse => "err.addr_in_use",
        ErrorKind::AddrNotAvailable => "err.addr_not_available",
        ErrorKind::PermissionDenied => "err.permission_denied",
        ErrorKind::Refused => "err.refused",
        ErrorKind::TimedOut => "err.timed_out",
        ErrorKind::HostNotFound => "err.host_not_found",
        ErrorKind::Unreachable => "err.unreachable",
        ErrorKind::Reset => "err.reset",
        ErrorKind::BadAddress => "err.bad_address",
        ErrorKind::BadPayload => "err.bad_payload",
        ErrorKind::NotConnected => "err.not_connected",
        ErrorKind::MessageTooLong => "err.message_too_long",
        ErrorKind::Internal => "err.internal",
        ErrorKind::Io => "err.io",
    }
}

/// An engine error kind as one sentence in `lang`.
pub fn error_sentence(lang: Lang, kind: ErrorKind) -> &'static str {
    tr(lang, error_key(kind))
}

const EN: &[(&str, &str)] = &[
    // Tabs and top bar.
    ("app.title", "Socket Tester"),
    ("tab.udp_sender", "UDP Sender"),
    ("tab.udp_receiver", "UDP Receiver"),
    ("tab.tcp_client", "TCP Client"),
    ("tab.tcp_server", "TCP Server"),
    ("tab.running", "{name} is running"),
    // Menus.
    ("menu.view", "View"),
    ("menu.language", "Language"),
    ("menu.labs", "Labs"),
    ("menu.network_panel", "Network panel"),
    ("menu.timeline", "Timeline"),
    ("menu.tcp_diagram", "TCP diagram"),
    ("menu.learn", "Learn: TCP and UDP"),
    ("learn.title", "Learn: TCP and UDP"),
    ("learn.aspect", "Aspect"),
    ("learn.udp", "UDP (SOCK_DGRAM)"),
    ("learn.tcp", "TCP (SOCK_STREAM)"),
    ("learn.connection", "Connection"),
    (
        "learn.udp.connection",
        "None: each sendto() names the receiver",
    ),
    (
        "learn.tcp.connection",
        "Set up first: three-way handshake (SYN, SYN+ACK, ACK)",
    ),
    ("learn.reliability", "Reliability"),
    (
        "learn.udp.reliability",
        "Best effort: a lost datagram is simply gone",
    ),
    (
        "learn.tcp.reliability",
        "Acknowledged and re-sent until it arrives",
    ),
    ("learn.ordering", "Ordering"),
    ("learn.udp.ordering", "Datagrams may arrive out of order"),
    (
        "learn.tcp.ordering",
        "Bytes arrive in the order they were sent",
    ),
    ("learn.boundaries", "Message boundaries"),
    (
        "learn.udp.boundaries",
        "Kept: one sendto() = one datagram = one row",
    ),
    (
        "learn.tcp.boundaries",
        "None: a byte stream; two sends may arrive as one chunk",
    ),
    ("learn.overhead", "Header overhead"),
    ("learn.udp.overhead", "8-byte header"),
    ("learn.tcp.overhead", "20-byte header (at least)"),
    ("learn.uses", "Typical uses"),
    ("learn.udp.uses", "DNS, streaming, games, device discovery"),
    ("learn.tcp.uses", "Web, e-mail, file transfer, remote login"),
    ("learn.calls", "Socket calls"),
    (
        "learn.udp.calls",
        "UDP: socket() → bind() → sendto() / recvfrom() → close()",
    ),
    (
        "learn.tcp.server_calls",
        "TCP server: socket() → bind() → listen(backlog) → accept() → recv()/send() → close()",
    ),
    (
        "learn.tcp.client_calls",
        "TCP client: socket() → connect() → send()/recv() → close()",
    ),
    ("learn.terms", "Terms (point at one)"),
    ("term.port", "port"),
    (
        "term.port.tip",
        "A number (0–65535) that names one program's socket on a computer; 0–1023 are well-known ports",
    ),
    ("term.bind", "bind"),
    (
        "term.bind.tip",
        "Give a socket its local address and port, so others know where to send",
    ),
    ("term.backlog", "listen backlog"),
    (
        "term.backlog.tip",
        "How many finished handshakes may wait for accept() before new ones are refused",
    ),
    ("term.datagram", "datagram"),
    (
        "term.datagram.tip",
        "One UDP message: sent whole, received whole, or lost whole",
    ),
    ("term.stream", "stream"),
    (
        "term.stream.tip",
        "TCP's data: an ordered flow of bytes with no message boundaries",
    ),
    ("term.fin", "FIN"),
    (
        "term.fin.tip",
        "\"I have finished sending\": one side's orderly close; the other may still send",
    ),
    ("term.rst", "RST"),
    (
        "term.rst.tip",
        "Reset: the connection is aborted at once, e.g. nothing listens on that port",
    ),
    ("menu.theme", "Theme"),
    ("theme.system", "Follow the system"),
    ("theme.light", "Light"),
    ("theme.dark", "Dark"),
    ("theme.high_contrast", "High contrast"),
    ("menu.zoom_in", "Zoom in (Ctrl +)"),
    ("menu.zoom_out", "Zoom out (Ctrl -)"),
    ("menu.zoom_reset", "Actual size (Ctrl 0)"),
    ("menu.zoom_now", "Zoom: {pct}%"),
    ("menu.lab_udp", "Loopback lab: UDP sender → receiver"),
    ("menu.lab_tcp", "Loopback lab: TCP client ↔ server"),
    ("menu.lab_close", "Close the split view"),
    ("menu.preset_save", "Save preset…"),
    ("menu.preset_load", "Open preset…"),
    // Network panel.
    ("net.title", "This machine's network"),
    ("net.refresh", "Refresh"),
    ("net.none", "No network interfaces were found."),
    ("net.error", "Cannot list the interfaces: {err}"),
    (
        "net.click_hint",
        "Click an address to put it into the current tab's host field.",
    ),
    ("net.filled", "{addr} → {tab}"),
    ("net.all_interfaces", "All interfaces"),
    ("class.loopback", "loopback"),
    ("class.private", "private (内网)"),
    ("class.link_local", "link-local"),
    ("class.cgnat", "CGNAT (100.64/10)"),
    ("class.public", "public (外网)"),
    ("class.unspecified", "all interfaces"),
    ("class.multicast", "multicast"),
    ("class.broadcast", "broadcast"),
    ("class.unique_local", "private (unique local)"),
    (
        "explain.loopback",
        "This machine only: programs on this computer reach it, other computers never do.",
    ),
    (
        "explain.private",
        "A private address of the local network (内网): unique on this LAN, not routed on the Internet; the router shares one public address for the whole LAN.",
    ),
    (
        "explain.link_local",
        "Valid only on this one network link, assigned automatically when nothing else is; other networks cannot reach it.",
    ),
    (
        "explain.cgnat",
        "Your provider's shared address space (carrier-grade NAT): like a private address, but on the provider's side; the Internet does not see it.",
    ),
    (
        "explain.public",
        "A public address (外网): globally unique and routed on the Internet, so other networks can reach it directly.",
    ),
    (
        "explain.unspecified",
        "Not one address but every interface of this machine: a socket bound here is reachable on all of them.",
    ),
    (
        "explain.multicast",
        "A group address: one datagram reaches every member of the group.",
    ),
    (
        "explain.broadcast",
        "Every computer on the local network segment receives datagrams sent here.",
    ),
    (
        "explain.unique_local",
        "An IPv6 private address (fc00::/7) for the local network (内网), not routed on the Internet.",
    ),
    // Address and port fields.
    ("port.well_known", "well-known port (0–1023)"),
    ("port.registered", "registered port (1024–49151)"),
    ("port.dynamic", "dynamic port (49152–65535)"),
    (
        "port.well_known_tip",
        "Ports 0–1023 belong to well-known services (80 = HTTP, 53 = DNS); binding one usually needs administrator rights.",
    ),
    (
        "port.registered_tip",
        "Ports 1024–49151 are registered for applications; any program may use a free one.",
    ),
    (
        "port.dynamic_tip",
        "Ports 49152–65535 are dynamic (ephemeral): the operating system picks from here when you leave the port empty or 0.",
    ),
    (
        "bind.loopback_warning",
        "⚠ 127.0.0.1: other computers cannot reach it",
    ),
    (
        "bind.loopback_tip",
        "Bound to 127.0.0.1 (loopback), only programs on this computer can reach the socket. Bind 0.0.0.0 (all interfaces) so that other computers can reach it.",
    ),
    ("bind.all_badge", "● reachable from the network"),
    (
        "bind.all_tip",
        "0.0.0.0 / :: (the lesson's \"\") means every interface: other computers can reach this socket through any of this machine's addresses.",
    ),
    // Timeline.
    ("tl.title", "Socket calls"),
    (
        "tl.empty",
        "Nothing yet: press the start button and the socket calls appear here.",
    ),
    ("tl.client", "client"),
    ("tl.fin_from_peer", "ended: FIN from the peer"),
    ("tl.rst", "ended: RST (reset)"),
    ("tl.closed_local", "ended: closed by this side"),
    ("tl.error", "failed"),
    ("tl.bytes", "{n} B"),
    ("tl.times", "×{n}"),
    // TCP diagram.
    ("dg.title", "TCP connection"),
    ("dg.client", "Client (host A)"),
    ("dg.server", "Server (host B)"),
    ("dg.handshake", "Three-way handshake"),
    ("dg.data", "Data"),
    ("dg.teardown", "Four-way teardown"),
    ("dg.waiting", "not connected yet"),
    ("dg.reset", "RST: the connection was aborted"),
    ("dg.syn", "\"May I send you data?\""),
    ("dg.synack", "\"Yes — when will you send?\""),
    ("dg.ack", "\"Sending now!\""),
    ("dg.fin1", "FIN: \"I am done sending\""),
    ("dg.ack1", "ACK of the FIN"),
    ("dg.fin2", "FIN in the other direction"),
    ("dg.ack2", "ACK: both directions closed"),
    ("dg.no_client", "select a client to see its connection"),
    // Presets.
    ("preset.saved", "preset saved to {path}"),
    ("preset.loaded", "preset loaded from {path}"),
    ("preset.failed", "preset not loaded: {err}"),
    ("preset.filter", "Socket Tester preset"),
    // Labs.
    (
        "lab.note",
        "Loopback lab: both ends on 127.0.0.1 port {port}. Send from one side and watch the other.",
    ),
    // Engine errors.
    (
        "err.addr_in_use",
        "The address is already in use: another program (or session) holds this port.",
    ),
    (
        "err.addr_not_available",
        "This address does not belong to this machine.",
    ),
    (
        "err.permission_denied",
        "Permission denied: well-known ports (0–1023) need administrator rights.",
    ),
    (
        "err.refused",
        "Connection refused: nothing listens on that port (the peer answered with RST).",
    ),
    (
        "err.timed_out",
        "Timed out: no answer came back (host down, or a firewall drops the packets).",
    ),
    (
        "err.host_not_found",
        "Host not found: the name cannot be resolved.",
    ),
    (
        "err.unreachable",
        "Network unreachable: no route to that address.",
    ),
    ("err.reset", "Connection reset by the peer (RST)."),
    ("err.bad_address", "The address is not well formed."),
    ("err.bad_payload", "The message cannot be encoded."),
    ("err.not_connected", "Not connected."),
    (
        "err.message_too_long",
        "Message too long for one UDP datagram.",
    ),
    ("err.internal", "Internal error."),
    ("err.io", "Input/output error."),
    ("state.idle", "idle"),
    ("state.starting", "starting…"),
    ("state.connecting", "connecting…"),
    ("state.connected", "connected"),
    ("state.bound", "bound"),
    ("state.listening", "listening"),
    ("state.stopping", "stopping…"),
    ("state.stopped", "stopped"),
    ("state.closed_by_peer", "closed by peer"),
    ("state.closed", "closed"),
    ("state.reset", "reset"),
    ("state.error", "error"),
    ("state.not_listening", "not listening (clients kept)"),
    ("send.blocked_bind", "press Bind first"),
    ("send.blocked_connect", "press Connect first"),
    ("send.blocked_listen", "press Listen first"),
    ("send.not_bound", "not bound yet"),
    (
        "send.no_sender",
        "no one has sent a datagram yet — replies go to the last sender",
    ),
    ("send.not_connected", "not connected"),
    ("send.client_not_connected", "client #{id} is not connected"),
    ("send.no_client", "no client is connected"),
    (
        "notice.record_stopped",
        "record stopped: cannot write {path}: {err}",
    ),
    ("notice.cannot_save_to", "cannot save to {dir}: {err}"),
    (
        "notice.nothing_to_save",
        "nothing to save: the log is empty",
    ),
    ("notice.saving", "saving…"),
    ("notice.save_failed", "save failed: {err}"),
    ("save.dialog_title", "Save log"),
    ("held.showing", "showing {shown} of {total} events"),
    ("held.all_saved", "all saved"),
    ("status.refused", "refused: {n}"),
    (
        "status.refused_tip",
        "Clients turned away because the \"max clients\" limit was reached",
    ),
    ("status.kernel_dropped", "kernel dropped: {n}"),
    (
        "status.kernel_dropped_since_clear",
        "kernel dropped since Clear: {n}",
    ),
    (
        "status.kernel_dropped_tip",
        "Datagrams the operating system dropped because the socket's receive buffer was full: they never reached this app",
    ),
    ("held.pending", "{n} not yet saved"),
    (
        "held.tip",
        "Rows beyond the memory cap (Settings) stay in this session's file on disk; Save log… writes every event.",
    ),
    ("status.local", "local {addr}"),
    (
        "status.counters",
        "Rx {rx_b} B / {rx_m} msgs · Tx {tx_b} B / {tx_m} msgs",
    ),
    ("status.recording", "● recording"),
    ("about.prefix", "About sockets: {hint}"),
    (
        "about.udp_sender",
        "socket(AF_INET, SOCK_DGRAM) + bind(local port), then sendto(destination) — each send is one datagram",
    ),
    (
        "about.udp_sender_more",
        "UDP has no connection: every datagram carries its own destination address. Binding a local port (7890 here) lets the receiver reply to a fixed address; leave it empty and the operating system picks a free port.",
    ),
    (
        "about.udp_receiver",
        "socket(AF_INET, SOCK_DGRAM) + bind() a port, then recvfrom() each datagram — one row per datagram",
    ),
    (
        "about.udp_receiver_more",
        "recvfrom() also tells who sent the datagram, so a reply with sendto() can go straight back. Bind 127.0.0.1 to hear only this machine, 0.0.0.0 to hear every network interface.",
    ),
    (
        "about.tcp_client",
        "socket(AF_INET, SOCK_STREAM) + connect() — a three-way handshake, then one byte stream both ways",
    ),
    (
        "about.tcp_client_more",
        "TCP is a stream, not messages: what one send() writes may arrive split or merged in several recv() calls. Disconnect closes the socket (FIN); a reset (RST) means the peer refused or aborted.",
    ),
    (
        "about.tcp_server",
        "socket(AF_INET, SOCK_STREAM) + bind() + listen(backlog), then accept() — one new socket per client",
    ),
    (
        "about.tcp_server_more",
        "The listening socket only accepts; every accept() returns a new connected socket for one client. The backlog is how many finished handshakes may wait to be accepted.",
    ),
    ("btn.bind", "Bind"),
    ("btn.unbind", "Unbind"),
    ("btn.connect", "Connect"),
    ("btn.disconnect", "Disconnect"),
    ("btn.listen", "Listen"),
    ("btn.stop", "Stop"),
    ("btn.stopping", "Stopping…"),
    ("btn.fix_fields", "fix the fields marked in red first"),
    ("btn.half_close", "Half-close (FIN)"),
    (
        "btn.half_close_tip",
        "shutdown(SHUT_WR): send FIN, keep reading",
    ),
    ("field.destination_host", "Destination host"),
    ("field.port", "Port"),
    ("field.local_port", "Local port"),
    ("field.server_host", "Server host"),
    ("field.bind_host", "Bind host"),
    ("field.listen_host", "Listen host"),
    ("field.backlog", "Backlog"),
    ("field.backlog_error", "backlog: a number from 1 to 65535"),
    ("field.all_interfaces", "all interfaces"),
    ("field.os_picks", "OS picks"),
    (
        "field.os_picks_tip",
        "Leave empty to let the operating system pick a free local port",
    ),
    ("field.os_picks_note", "(OS picks a port)"),
    (
        "field.bind_note",
        "0.0.0.0 = all interfaces (reachable from the network) · 127.0.0.1 = this machine only",
    ),
    ("addr.port_empty", "enter a port number (1–65535)"),
    (
        "addr.port_not_number",
        "\"{value}\" is not a port: use digits only, 1–65535",
    ),
    ("addr.port_zero", "port 0 is not a real port; use 1–65535"),
    (
        "addr.port_range",
        "port {value} is out of range: ports go from 1 to 65535",
    ),
    (
        "addr.host_empty",
        "enter a host: an IP address such as 127.0.0.1, or a name",
    ),
    (
        "addr.bad_ipv6",
        "\"{value}\" is not a valid IPv6 address (example: ::1)",
    ),
    (
        "addr.bad_ipv4",
        "\"{value}\" is not a valid IPv4 address: four numbers 0–255 separated by dots, like 192.168.1.1",
    ),
    ("addr.bad_name", "\"{value}\" is not a valid host name"),
    (
        "addr.hostport_empty",
        "enter an address as HOST:PORT, for example 127.0.0.1:8080",
    ),
    ("addr.port_zero_hint", "0 = let the system pick a free port"),
    ("srv.stop_listening", "Stop listening (keep clients)"),
    (
        "srv.stop_listening_tip",
        "close() the listening socket; connected clients stay",
    ),
    ("srv.client", "client #{id}"),
    ("srv.client_peer", "client #{id} {peer}"),
    ("srv.all_clients", "all clients"),
    ("srv.send_to", "Send to"),
    ("srv.clients", "Clients"),
    ("srv.clients_count", "{open} connected, {seen} seen"),
    ("srv.disconnect_selected", "Disconnect selected"),
    ("srv.send_to_all", "Send to all"),
    (
        "srv.send_to_all_tip",
        "Unselect the client so sends go to every client",
    ),
    ("srv.no_clients", "no clients yet"),
    ("srv.open", "open"),
    ("srv.closed", "closed"),
    (
        "srv.client_row",
        "#{id} {peer} [{state}]\n  since {since} · in {rx} B / out {tx} B",
    ),
    ("rx.last_sender", "last sender"),
    ("rx.last_sender_addr", "last sender ({addr})"),
    ("rx.reply_to", "Reply to"),
    ("log.searching", " (searching…)"),
    ("log.match_count", "{k} of {n} match{more}"),
    ("log.title", "Log"),
    ("log.show", "Show:"),
    (
        "rows.udp",
        "One row = one datagram: UDP keeps message boundaries, so each sendto() arrives whole, as its own row.",
    ),
    (
        "rows.tcp_raw",
        "One row = one recv() chunk: TCP is a byte stream, so two sends can arrive as one chunk (or one send as two). Pick a framing to split it into messages.",
    ),
    (
        "rows.tip",
        "Compare the two in the Learn window (View menu).",
    ),
    ("log.text", "Text"),
    ("log.hex_view", "Hex view"),
    ("log.both", "Text + Hex"),
    ("log.clear", "Clear"),
    ("log.clear_tip", "Forget all rows and counters (Ctrl+L)"),
    ("log.copy_all", "Copy all"),
    ("log.copy_selected", "Copy selected ({n})"),
    ("log.select_none", "Select none"),
    ("log.save", "Save log…"),
    (
        "log.save_tip",
        "Save the whole session (every event, also those no longer in memory) as .jsonl, .txt, .csv, .pcapng or .html (Ctrl+S)",
    ),
    ("log.note", "Note…"),
    ("log.note_text", "Note text"),
    ("log.note_hint", "e.g. device rebooted"),
    ("log.add_note", "Add note"),
    (
        "log.note_tip",
        "Attach a note to this moment (saved in the record as \"note\")",
    ),
    ("log.all", "all"),
    ("log.show_client", "Show client"),
    ("log.filter", "Filter"),
    (
        "log.filter_hint",
        "text, hex bytes (ca d5), peer, → / ← (tx / rx), note",
    ),
    ("log.clear_filter", "Clear the filter"),
    ("log.col_time", "Time"),
    ("log.col_peer", "Peer"),
    ("log.col_len", "Len"),
    ("log.col_dt", "Δt ms"),
    (
        "log.col_dt_tip",
        "Inter-arrival time: milliseconds since the previous datagram or read from the same peer",
    ),
    ("log.col_data_text", "Data (text)"),
    ("log.col_data_hex", "Data (hex)"),
    ("log.col_text", "Text"),
    ("log.col_hex", "Hex"),
    ("log.note_row", "Note: {text}"),
    ("send.outgoing", "Outgoing"),
    ("send.hex", "Hex"),
    (
        "send.hex_tip",
        "Type bytes as hex, such as 48 65 6c 6c 6f or 0x48,0x65",
    ),
    ("send.escapes", "Escapes"),
    (
        "send.escapes_tip",
        "Understand \\r \\n \\t \\\\ \\0 and \\xNN (a raw byte)",
    ),
    ("send.line_ending", "Line ending"),
    ("send.le_none", "None"),
    ("send.variables", "Variables"),
    (
        "send.variables_tip",
        "Expand {seq} {seq:04} {time} {unix_ms} {rand:N} {hex:01 02} at each send; {{ and }} are literal braces",
    ),
    ("send.checksum", "Checksum"),
    ("send.checksum_none", "none"),
    (
        "send.checksum_tip",
        "Appended after the data, before the line ending",
    ),
    ("send.history", "History"),
    ("send.history_count", "{n} sent"),
    ("send.message", "Message"),
    ("send.hint_hex", "hex bytes, e.g. 48 65 6c 6c 6f"),
    (
        "send.hint_text",
        "type a message — Enter sends, Shift+Enter adds a line",
    ),
    ("send.send", "Send"),
    ("send.enter_sends", "Enter or Ctrl+Enter sends"),
    ("send.bytes", "{n} bytes"),
    ("send.next_seq", "next {seq} = {n}"),
    ("enc.label", "Encoding"),
    (
        "enc.tip",
        "How text is turned into bytes when sending, and bytes into text in the log",
    ),
    // Multicast (UDP tabs).
    ("mc.title", "Multicast"),
    ("mc.enable", "Use multicast"),
    ("mc.group", "Group"),
    ("mc.interface", "Interface address"),
    ("mc.interface_hint", "any"),
    ("mc.ttl", "TTL"),
    ("mc.loopback", "Loopback"),
    (
        "mc.loopback_hint",
        "IP_MULTICAST_LOOP: members of the group on this machine get the datagrams too",
    ),
    (
        "mc.hint_recv",
        "Binds the port above on all addresses and joins the group (IP_ADD_MEMBERSHIP). Interface: an IPv4 address of this machine, or an interface index for an IPv6 group; empty = the system's choice.",
    ),
    (
        "mc.hint_send",
        "Sends to the destination above, which must be a multicast group. TTL (hop limit) 1 = this network only; interface: the IPv4 address to send from, or an index for IPv6.",
    ),
    (
        "mc.err_not_multicast",
        "{value} is not a multicast address (groups are 224.0.0.0–239.255.255.255 or ff00::/8)",
    ),
    (
        "mc.err_dest_not_ip",
        "for multicast the destination must be a group's IP address, such as 239.255.0.1 (not \"{value}\")",
    ),
    (
        "mc.err_group_bad",
        "group: \"{value}\" is not an IP address (such as 239.255.0.1 or ff02::1)",
    ),
    (
        "mc.err_iface_v6",
        "interface {value} has no IPv4 address: an IPv4 group is joined on an interface's IPv4 address",
    ),
    (
        "mc.err_iface_bad",
        "interface: \"{value}\" is not an IPv4 address of this machine (such as 127.0.0.1); leave it empty for any",
    ),
    (
        "mc.err_iface_index",
        "interface: for an IPv6 group, an interface index (a number; empty = any), not \"{value}\"",
    ),
    ("mc.err_ttl", "TTL: a number from 0 to 255, not \"{value}\""),
    // Display framing (TCP tabs).
    ("fr.label", "Framing"),
    ("fr.raw", "Raw chunks"),
    ("fr.lf", "Lines (LF)"),
    ("fr.crlf", "Lines (CRLF)"),
    ("fr.hex", "Delimiter (hex)"),
    ("fr.fixed", "Fixed length"),
    ("fr.prefix1", "1-byte length prefix"),
    ("fr.prefix2be", "2-byte length prefix, big-endian"),
    ("fr.prefix2le", "2-byte length prefix, little-endian"),
    ("fr.prefix4be", "4-byte length prefix, big-endian"),
    ("fr.prefix4le", "4-byte length prefix, little-endian"),
    ("fr.delimiter", "Delimiter"),
    ("fr.length", "Length (bytes)"),
    (
        "fr.hint",
        "How received TCP data is cut into rows in this view. The saved log keeps the raw bytes as they arrived.",
    ),
    ("fr.err_hex", "delimiter: hex bytes such as 0D 0A or 03"),
    ("fr.err_len", "length: a number of bytes from 1 to 1048576"),
    ("logset.title", "Log memory"),
    (
        "logset.explain",
        "Each tab keeps its newest rows in memory. Every event is also saved to a file on disk, and Save log… writes all of them.",
    ),
    ("logset.rows", "Rows kept in memory"),
    ("logset.mib", "Payload kept in memory (MiB)"),
    ("logset.reset", "Reset to defaults"),
    ("rec.title", "Recover session logs"),
    (
        "rec.explain",
        "Socket Tester did not close normally last time. These sessions were being saved to disk and can be recovered:",
    ),
    ("rec.events_one", "{n} event"),
    ("rec.events", "{n} events"),
    ("rec.counting", "counting…"),
    ("rec.save_as", "Save as…"),
    ("rec.discard", "Discard"),
    ("rec.discard_tip", "Delete this file"),
    (
        "rec.later",
        "Close this window to decide later: the files stay until discarded.",
    ),
    ("rec.dialog_title", "Save recovered log"),
    ("rec.saved", "saved {n} events to {path}"),
    (
        "rec.saved_bad",
        "saved {n} events to {path} · {bad} unreadable line(s) skipped ({lines})",
    ),
    ("rec.save_failed", "save failed: {err}"),
    ("rec.cannot_delete", "cannot delete: {err}"),
    ("save.cannot_write", "cannot write {path}: {err}"),
    ("save.write_failed", "writing {path} failed: {err}"),
    (
        "save.unknown_format",
        "save failed: cannot tell the format of {path}: end the name with .txt, .csv, .jsonl, .pcapng or .html",
    ),
    ("save.cannot_read", "save failed: cannot read {path}: {err}"),
    ("save.failed_path", "save failed: {path}: {err}"),
    ("save.failed", "save failed: {err}"),
    (
        "save.disk_stopped",
        "the session's disk copy had stopped, so the newest events may be missing",
    ),
    ("save.memory_only", "only the rows in memory: {why}"),
    ("save.no_disk_copy", "no disk copy"),
    ("save.saved", "saved {n} events to {path}"),
    ("save.bad_one", " · {bad} unreadable line skipped ({lines})"),
    (
        "save.bad_many",
        " · {bad} unreadable lines skipped ({lines})",
    ),
    ("rules.echo", "Echo"),
    (
        "rules.echo_tip",
        "Send back every message that no rule answered",
    ),
    ("rules.echoed", "echoed {n}"),
    ("rules.add", "Add rule"),
    ("rules.reset_counts", "Reset counts"),
    ("rules.rule", "Rule {n}"),
    ("rules.when", "when"),
    ("rules.match", "match"),
    ("rules.match_tip", "Rule {n}: what to look for"),
    ("rules.reply", "reply"),
    (
        "rules.reply_tip",
        "Rule {n}: the answer; variables such as {seq} work",
    ),
    ("rules.hex", "Hex"),
    ("rules.esc", "Esc"),
    ("rules.delay", "delay ms"),
    ("rules.fired", "fired {n}"),
    ("rules.delete", "Delete"),
    ("rules.none", "No rules: add one, or turn on Echo."),
    (
        "rate.last_second",
        "last second: in {rx_b} B/s, {rx_m} msg/s · out {tx_b} B/s, {tx_m} msg/s",
    ),
    ("rate.bytes", "bytes/s"),
    ("rate.msgs", "messages/s"),
    ("rate.in", "in {title}"),
    ("rate.out", "out {title}"),
    ("senders.count", "{n} source(s)"),
    ("senders.clear", "Clear"),
    ("senders.click_hint", "click a row to reply to it"),
    ("senders.source", "Source"),
    ("senders.datagrams", "Datagrams"),
    ("senders.bytes", "Bytes"),
    ("senders.rate", "Rate"),
    ("senders.last_seen", "Last seen"),
    ("senders.rate_value", "{n} B/s"),
    ("senders.reply_to", "Reply to {addr}"),
    ("pay.save_current", "Save current message"),
    (
        "pay.save_current_tip",
        "Adds the message in the box, with its options, to this list",
    ),
    ("pay.default_name", "payload {n}"),
    ("pay.import", "Import…"),
    ("pay.export", "Export…"),
    ("pay.none", "No saved payloads yet."),
    ("pay.name_tip", "Name of payload {n}"),
    ("pay.data", "data"),
    ("pay.hex", "Hex"),
    ("pay.vars", "Vars"),
    ("pay.end", "end"),
    ("pay.enc", "enc"),
    ("pay.tabs_enc", "tab's"),
    ("pay.bytes", "{n} B"),
    ("pay.send", "Send #{n}"),
    ("pay.load", "Load #{n}"),
    ("pay.load_tip", "Put it in the send box"),
    ("pay.delete", "Delete #{n}"),
    ("exp.send", "Send"),
    (
        "exp.send_tip",
        "The request; {seq} and the other variables work",
    ),
    ("exp.hex", "Hex"),
    ("exp.escapes", "Escapes"),
    ("exp.expect", "Expect"),
    ("exp.expected", "Expected"),
    ("exp.within", "Within (ms)"),
    ("exp.tries", "Tries"),
    ("exp.gap", "Gap (ms)"),
    ("exp.cancel", "Cancel run"),
    ("exp.run", "Run"),
    ("exp.export_csv", "Export CSV…"),
    ("exp.running", "running: {n}/{total} tried"),
    (
        "exp.latency",
        "latency min {min} · p50 {p50} · p95 {p95} · max {max}",
    ),
    ("exp.stopped_early", "stopped early: {why}"),
    ("exp.col_try", "Try"),
    ("exp.col_result", "Result"),
    ("exp.col_latency", "Latency"),
    ("exp.col_note", "Note"),
    ("exp.pass", "pass"),
    ("exp.fail", "FAIL"),
    ("tool.payloads", "Saved payloads"),
    ("tool.auto_send", "Auto-send"),
    ("tool.file", "Send file"),
    ("tool.rules", "Auto-reply"),
    ("tool.senders", "Senders"),
    ("tool.rates", "Rate chart"),
    ("tool.expect", "Expect"),
    ("tool.tools", "Tools"),
    ("tool.broadcast", "Broadcast"),
    (
        "tool.broadcast_tip",
        "SO_BROADCAST: allow sending to 255.255.255.255 or a subnet's broadcast address",
    ),
    ("tool.unbind_to_change", "unbind to change"),
    ("tool.quick_send", "Quick send"),
    (
        "auto.explain",
        "Sends the message in the box every interval (variables expand each time).",
    ),
    ("auto.every", "Every (ms)"),
    ("auto.times", "Times"),
    ("auto.times_tip", "empty: until stopped"),
    ("auto.stop", "Stop auto-send"),
    ("auto.start", "Start auto-send"),
    (
        "auto.interval_error",
        "interval: a number of milliseconds from 1 up",
    ),
    (
        "file.explain_tcp",
        "Streams a file from disk in chunks; a chunk is read only when the previous one has gone.",
    ),
    (
        "file.explain_udp",
        "Sends a file as datagrams of the chunk size (at most 65507 bytes each).",
    ),
    ("file.chunk", "Chunk (bytes)"),
    ("file.datagram", "Datagram (bytes)"),
    ("file.delay", "Delay (ms)"),
    ("file.cancel", "Cancel"),
    ("file.send", "Send file…"),
    ("file.starting", "starting"),
    ("file.sending", "sending"),
    ("file.sent", "sent"),
    ("file.failed", "failed"),
    ("file.cancelled", "cancelled"),
    ("file.progress", "{sent} / {total} bytes ({chunks} chunks)"),
    ("menu.settings", "⚙ Settings"),
    ("auto.why_closed", "the connection closed"),
    ("auto.why_ended", "the session ended"),
    ("auto.stopped_why", "auto-send stopped: {why} ({progress})"),
    ("auto.done", "auto-send done: {progress}"),
    ("auto.stopped", "auto-send stopped: {progress}"),
    (
        "auto.stopped_ended",
        "auto-send stopped: the session ended ({progress})",
    ),
    (
        "auto.stopped_failed",
        "auto-send stopped: {err} ({progress})",
    ),
    (
        "auto.bad_interval",
        "interval: a number of milliseconds from 1 to 86400000",
    ),
    (
        "auto.bad_count",
        "count: a number from 1 up, or empty to send until stopped",
    ),
    ("tool.dialog_failed", "cannot open a file dialog: {err}"),
    ("tool.not_running", "the session is not running"),
    (
        "file.bad_chunk",
        "chunk size: a number of bytes from 1 to {max}",
    ),
    (
        "file.bad_delay",
        "delay: a number of milliseconds from 0 to 3600000",
    ),
    ("pay.no_such", "no such payload"),
    ("pay.imported", "imported {n} payload(s) from {path}"),
    ("pay.exported", "exported {n} payload(s) to {path}"),
    ("exp.report_saved", "report saved to {path}"),
    ("exp.nothing_to_export", "no expectation run to export"),
    ("exp.bad_send", "send: {err}"),
    ("exp.bad_expect", "expect: {err}"),
    (
        "exp.bad_timeout",
        "timeout: a number of milliseconds from 1 to 3600000",
    ),
    ("exp.bad_tries", "tries: a number from 1 to 1000000"),
    (
        "exp.bad_gap",
        "gap: a number of milliseconds from 0 to 3600000",
    ),
    ("pay.export_failed", "export failed: {err}"),
    ("pay.export_failed_path", "export failed: {path}: {err}"),
    ("pay.import_failed", "import failed: {path}: {err}"),
    (
        "pay.import_too_big",
        "import failed: {path} is {n} bytes; a payload file is at most {max}",
    ),
    (
        "pay.import_not_text",
        "import failed: {path}: {err} (is it a text file?)",
    ),
    ("match.contains_text", "contains text"),
    ("match.equals_text", "equals text"),
    ("match.starts_hex", "starts with hex"),
    ("match.contains_hex", "contains hex"),
    ("match.regex_text", "regex (text)"),
    ("match.regex_bytes", "regex (bytes)"),
    ("match.anything", "anything"),
    ("state.with_msg", "{what}: {msg}"),
    ("cksum.sum8", "1 byte: sum of all bytes modulo 256"),
    ("cksum.xor8", "1 byte: XOR of all bytes"),
    ("cksum.crc16_modbus", "2 bytes, low byte first (Modbus RTU)"),
    (
        "cksum.crc16_ccitt",
        "2 bytes, high byte first (poly 0x1021, init 0xFFFF)",
    ),
    (
        "cksum.crc32",
        "4 bytes, low byte first (zlib/Ethernet CRC-32)",
    ),
    // Engine events, rendered by src/i18n_events.rs.
    ("ev.bound", "socket() + bind() → bound to {local}"),
    (
        "ev.listening",
        "socket() + bind() + listen({backlog}) → listening on {local}",
    ),
    ("ev.connecting", "connect() to {peer}: SYN sent…"),
    (
        "ev.connected",
        "connected {local} → {peer} (handshake done)",
    ),
    ("ev.accepted_client", "accept() → client #{id} from {peer}"),
    ("ev.accepted", "accept() → {peer}"),
    ("ev.error", "{sentence} ({detail})"),
    ("ev.closed.peer_fin", "closed by peer (FIN received)"),
    ("ev.closed.both_fin", "both sides have sent FIN"),
    ("ev.closed.local_close", "closed locally (close())"),
    (
        "ev.closed.server_stopped",
        "closed locally: the server stopped",
    ),
    ("ev.closed.kicked", "disconnected by the server"),
    ("ev.closed.connect_cancelled", "connect cancelled"),
    (
        "ev.closed.server_ended",
        "server stopped; {n} client(s) closed",
    ),
    ("ev.closed.socket_closed", "socket closed (close())"),
    (
        "ev.closed.internal_error",
        "socket closed after an internal error",
    ),
    ("ev.closed.unknown", "closed"),
    ("ev.reset.peer", "connection reset by peer (RST)"),
    ("ev.reset.aborted", "connection aborted (RST)"),
    (
        "ev.reset.broken_pipe",
        "broken pipe: the peer had already reset the connection (RST)",
    ),
    ("ev.reset.unknown", "connection reset (RST)"),
    (
        "ev.refused",
        "refused a client: the limit of {limit} clients is reached ({total} refused so far)",
    ),
    (
        "ev.kernel_drops",
        "kernel dropped: {total} datagrams so far (the socket's receive buffer was full, so they never reached the app)",
    ),
    (
        "ev.peer_fin_half_open",
        "the peer sent FIN (it will send no more); this side can still send — Disconnect to close",
    ),
    (
        "ev.fin_sent",
        "shutdown(SHUT_WR): sent FIN; still receiving until the peer closes",
    ),
    (
        "ev.unsent",
        "{n} queued message(s) were not sent before closing",
    ),
    (
        "ev.stopped_listening",
        "stopped listening (listening socket closed); {n} client(s) stay connected",
    ),
    (
        "ev.not_applicable.tcp_client",
        "that command does not apply to a TCP client",
    ),
    (
        "ev.not_applicable.tcp_server",
        "that command does not apply to a TCP server",
    ),
    (
        "ev.not_applicable.udp",
        "that command is for TCP sessions; UDP has no connection to close",
    ),
    (
        "ev.broadcast_on",
        "SO_BROADCAST is on: this socket may send to broadcast addresses",
    ),
    ("ev.destination", "destination is now {to}"),
    ("ev.mc_joined", "joined multicast group {group} on {on}"),
    (
        "ev.mc_options",
        "multicast to {group} via {on}: TTL {ttl}, loopback {loop}",
    ),
    ("ev.iface", "interface {i}"),
    ("ev.iface_index", "interface #{i}"),
    ("ev.iface_default", "the default interface"),
    ("ev.on", "on"),
    ("ev.off", "off"),
    (
        "ev.file_started",
        "sending file {name} ({bytes} bytes) in chunks of {chunk} bytes",
    ),
    (
        "ev.file_started_delay",
        "sending file {name} ({bytes} bytes) in chunks of {chunk} bytes, {ms} ms apart",
    ),
    (
        "ev.file_sent",
        "file sent: {bytes} bytes in {chunks} chunk(s), {secs} s",
    ),
    (
        "ev.file_cancelled",
        "file send cancelled after {sent} of {total} bytes",
    ),
    ("ev.no_file", "no file is being sent"),
];

const ZH: &[(&str, &str)] = &[
    ("app.title", "Socket 测试工具"),
    ("tab.udp_sender", "UDP 发送端"),
    ("tab.udp_receiver", "UDP 接收端"),
    ("tab.tcp_client", "TCP 客户端"),
    ("tab.tcp_server", "TCP 服务端"),
    ("tab.running", "{name} 正在运行"),
    ("menu.view", "视图"),
    ("menu.language", "语言 (Language)"),
    ("menu.labs", "实验"),
    ("menu.network_panel", "网络面板"),
    ("menu.timeline", "时间线"),
    ("menu.tcp_diagram", "TCP 示意图"),
    ("menu.learn", "学习: TCP 与 UDP"),
    ("learn.title", "学习: TCP 与 UDP"),
    ("learn.aspect", "方面"),
    ("learn.udp", "UDP (SOCK_DGRAM)"),
    ("learn.tcp", "TCP (SOCK_STREAM)"),
    ("learn.connection", "连接"),
    ("learn.udp.connection", "无连接: 每次 sendto() 都写明接收方"),
    (
        "learn.tcp.connection",
        "先建立连接: 三次握手 (SYN, SYN+ACK, ACK)",
    ),
    ("learn.reliability", "可靠性"),
    ("learn.udp.reliability", "尽力而为: 丢失的数据报就丢了"),
    ("learn.tcp.reliability", "有确认和重传, 直到送达"),
    ("learn.ordering", "顺序"),
    ("learn.udp.ordering", "数据报可能乱序到达"),
    ("learn.tcp.ordering", "字节按发送顺序到达"),
    ("learn.boundaries", "消息边界"),
    (
        "learn.udp.boundaries",
        "保留: 一次 sendto() = 一个数据报 = 一行",
    ),
    (
        "learn.tcp.boundaries",
        "没有: 字节流; 两次发送可能合成一块到达",
    ),
    ("learn.overhead", "首部开销"),
    ("learn.udp.overhead", "8 字节首部"),
    ("learn.tcp.overhead", "20 字节首部 (至少)"),
    ("learn.uses", "典型用途"),
    ("learn.udp.uses", "DNS、视频流、游戏、设备发现"),
    ("learn.tcp.uses", "网页、电子邮件、文件传输、远程登录"),
    ("learn.calls", "套接字调用"),
    (
        "learn.udp.calls",
        "UDP: socket() → bind() → sendto() / recvfrom() → close()",
    ),
    (
        "learn.tcp.server_calls",
        "TCP 服务端: socket() → bind() → listen(backlog) → accept() → recv()/send() → close()",
    ),
    (
        "learn.tcp.client_calls",
        "TCP 客户端: socket() → connect() → send()/recv() → close()",
    ),
    ("learn.terms", "术语 (鼠标指向查看)"),
    ("term.port", "端口"),
    (
        "term.port.tip",
        "一个数字 (0–65535), 标记电脑上的一个程序的套接字; 0–1023 是知名端口",
    ),
    ("term.bind", "绑定 (bind)"),
    (
        "term.bind.tip",
        "给套接字指定本地地址和端口, 别人才知道发到哪里",
    ),
    ("term.backlog", "监听队列 (backlog)"),
    (
        "term.backlog.tip",
        "已完成握手、等待 accept() 的连接最多可以排多少个",
    ),
    ("term.datagram", "数据报"),
    (
        "term.datagram.tip",
        "一条 UDP 消息: 整个发出, 整个收到, 或者整个丢失",
    ),
    ("term.stream", "字节流"),
    ("term.stream.tip", "TCP 的数据: 有序的字节流, 没有消息边界"),
    ("term.fin", "FIN"),
    (
        "term.fin.tip",
        "\"我发完了\": 一方有序地关闭; 另一方仍可继续发送",
    ),
    ("term.rst", "RST"),
    (
        "term.rst.tip",
        "复位: 连接立即中断, 例如该端口没有程序在监听",
    ),
    ("menu.theme", "主题"),
    ("theme.system", "跟随系统"),
    ("theme.light", "浅色"),
    ("theme.dark", "深色"),
    ("theme.high_contrast", "高对比度"),
    ("menu.zoom_in", "放大 (Ctrl +)"),
    ("menu.zoom_out", "缩小 (Ctrl -)"),
    ("menu.zoom_reset", "原始大小 (Ctrl 0)"),
    ("menu.zoom_now", "缩放:{pct}%"),
    ("menu.lab_udp", "本机回环实验:UDP 发送端 → 接收端"),
    ("menu.lab_tcp", "本机回环实验:TCP 客户端 ↔ 服务端"),
    ("menu.lab_close", "关闭分屏"),
    ("menu.preset_save", "保存预设…"),
    ("menu.preset_load", "打开预设…"),
    ("net.title", "本机网络"),
    ("net.refresh", "刷新"),
    ("net.none", "没有找到网络接口。"),
    ("net.error", "无法列出网络接口:{err}"),
    (
        "net.click_hint",
        "点击一个地址,把它填入当前标签页的主机栏。",
    ),
    ("net.filled", "{addr} → {tab}"),
    ("net.all_interfaces", "所有接口"),
    ("class.loopback", "回环地址"),
    ("class.private", "私有地址(内网)"),
    ("class.link_local", "链路本地地址"),
    ("class.cgnat", "运营商级 NAT(100.64/10)"),
    ("class.public", "公有地址(外网)"),
    ("class.unspecified", "所有接口"),
    ("class.multicast", "组播地址"),
    ("class.broadcast", "广播地址"),
    ("class.unique_local", "私有地址(唯一本地)"),
    (
        "explain.loopback",
        "只代表本机:本机上的程序能访问它,其他电脑永远访问不到。",
    ),
    (
        "explain.private",
        "局域网(内网)的私有地址:在本局域网内唯一,不能直接上网;局域网里所有电脑通过路由器共用一个外网 IP。",
    ),
    (
        "explain.link_local",
        "只在这一条网络链路上有效,没有其他地址时自动分配;别的网络访问不到。",
    ),
    (
        "explain.cgnat",
        "运营商的共享地址(运营商级 NAT):像私有地址一样,只是在运营商那一侧;互联网上看不到它。",
    ),
    (
        "explain.public",
        "公有地址(外网):全球唯一,在互联网上可路由,其他网络可以直接访问它。",
    ),
    (
        "explain.unspecified",
        "不是某一个地址,而是本机的所有接口:绑定在这里的套接字从每个接口都能访问。",
    ),
    (
        "explain.multicast",
        "组地址:一个数据报会送到组里的每个成员。",
    ),
    (
        "explain.broadcast",
        "本网段的每台电脑都会收到发往这里的数据报。",
    ),
    (
        "explain.unique_local",
        "IPv6 的私有地址(fc00::/7),用于局域网(内网),不在互联网上路由。",
    ),
    ("port.well_known", "知名端口(0–1023)"),
    ("port.registered", "注册端口(1024–49151)"),
    ("port.dynamic", "动态端口(49152–65535)"),
    (
        "port.well_known_tip",
        "0–1023 是知名端口(80 = HTTP,53 = DNS),编程时一般不能使用,绑定通常需要管理员权限。",
    ),
    (
        "port.registered_tip",
        "1024–49151 是注册端口,留给应用程序;任何程序都可以使用空闲的端口。",
    ),
    (
        "port.dynamic_tip",
        "49152–65535 是动态(临时)端口:端口留空或填 0 时,操作系统从这里随机分配。",
    ),
    ("bind.loopback_warning", "⚠ 127.0.0.1:其他电脑无法访问"),
    (
        "bind.loopback_tip",
        "绑定在 127.0.0.1(回环地址)时,只有本机上的程序能访问这个套接字。要让其他电脑访问,请绑定 0.0.0.0(所有接口)。",
    ),
    ("bind.all_badge", "● 网络上的其他电脑可以访问"),
    (
        "bind.all_tip",
        "0.0.0.0 / ::(课上的空字符串 \"\")表示本机所有接口:其他电脑通过本机任何一个地址都能访问这个套接字。",
    ),
    ("tl.title", "套接字调用"),
    (
        "tl.empty",
        "还没有调用:按下开始按钮,套接字的调用会显示在这里。",
    ),
    ("tl.client", "客户端"),
    ("tl.fin_from_peer", "结束:对方发来 FIN"),
    ("tl.rst", "结束:RST(连接被重置)"),
    ("tl.closed_local", "结束:由本端关闭"),
    ("tl.error", "失败"),
    ("tl.bytes", "{n} 字节"),
    ("tl.times", "×{n}"),
    ("dg.title", "TCP 连接"),
    ("dg.client", "客户端(主机 A)"),
    ("dg.server", "服务端(主机 B)"),
    ("dg.handshake", "三次握手"),
    ("dg.data", "数据"),
    ("dg.teardown", "四次挥手(断开)"),
    ("dg.waiting", "尚未连接"),
    ("dg.reset", "RST:连接被中止"),
    ("dg.syn", "“我想给你发数据,可以吗?”"),
    ("dg.synack", "“可以,你什么时候发?”"),
    ("dg.ack", "“我现在就发,你接着吧!”"),
    ("dg.fin1", "FIN:“我的数据发完了”"),
    ("dg.ack1", "对 FIN 的确认(ACK)"),
    ("dg.fin2", "反方向的 FIN"),
    ("dg.ack2", "ACK:双向都已关闭"),
    ("dg.no_client", "选择一个客户端以查看它的连接"),
    ("preset.saved", "预设已保存到 {path}"),
    ("preset.loaded", "已从 {path} 载入预设"),
    ("preset.failed", "预设未载入:{err}"),
    ("preset.filter", "Socket 测试工具预设"),
    (
        "lab.note",
        "本机回环实验:两端都在 127.0.0.1 端口 {port}。从一端发送,看另一端收到。",
    ),
    (
        "err.addr_in_use",
        "地址已被占用:另一个程序(或会话)正在使用这个端口。",
    ),
    ("err.addr_not_available", "这个地址不属于本机。"),
    (
        "err.permission_denied",
        "权限不足:知名端口(0–1023)需要管理员权限。",
    ),
    (
        "err.refused",
        "连接被拒绝:那个端口上没有程序在监听(对方回了 RST)。",
    ),
    (
        "err.timed_out",
        "超时:没有收到回应(对方主机可能关机,或防火墙丢弃了数据包)。",
    ),
    ("err.host_not_found", "找不到主机:无法解析这个名字。"),
    ("err.unreachable", "网络不可达:没有通往该地址的路由。"),
    ("err.reset", "连接被对方重置(RST)。"),
    ("err.bad_address", "地址格式不正确。"),
    ("err.bad_payload", "消息无法编码。"),
    ("err.not_connected", "尚未连接。"),
    ("err.message_too_long", "消息太长,一个 UDP 数据报装不下。"),
    ("err.internal", "内部错误。"),
    ("err.io", "输入/输出错误。"),
    ("state.idle", "空闲"),
    ("state.starting", "正在启动…"),
    ("state.connecting", "正在连接…"),
    ("state.connected", "已连接"),
    ("state.bound", "已绑定"),
    ("state.listening", "正在监听"),
    ("state.stopping", "正在停止…"),
    ("state.stopped", "已停止"),
    ("state.closed_by_peer", "对方已关闭"),
    ("state.closed", "已关闭"),
    ("state.reset", "连接被重置"),
    ("state.error", "错误"),
    ("state.not_listening", "未在监听（已连接的客户端保留）"),
    ("send.blocked_bind", "请先按“绑定”"),
    ("send.blocked_connect", "请先按“连接”"),
    ("send.blocked_listen", "请先按“监听”"),
    ("send.not_bound", "尚未绑定"),
    (
        "send.no_sender",
        "还没有人发来数据报——回复会发给最后一个发送者",
    ),
    ("send.not_connected", "未连接"),
    ("send.client_not_connected", "客户端 #{id} 未连接"),
    ("send.no_client", "没有已连接的客户端"),
    (
        "notice.record_stopped",
        "录制已停止：无法写入 {path}：{err}",
    ),
    ("notice.cannot_save_to", "无法保存到 {dir}：{err}"),
    ("notice.nothing_to_save", "没有可保存的内容：日志为空"),
    ("notice.saving", "正在保存…"),
    ("notice.save_failed", "保存失败：{err}"),
    ("save.dialog_title", "保存日志"),
    ("held.showing", "显示 {shown} / 共 {total} 个事件"),
    ("held.all_saved", "已全部保存"),
    ("status.refused", "已拒绝: {n}"),
    ("status.refused_tip", "因达到“最大客户端数”而被拒绝的客户端"),
    ("status.kernel_dropped", "内核丢弃: {n}"),
    ("status.kernel_dropped_since_clear", "清空后内核丢弃: {n}"),
    (
        "status.kernel_dropped_tip",
        "套接字接收缓冲区已满, 操作系统丢弃的数据报: 它们从未到达本程序",
    ),
    ("held.pending", "{n} 个尚未保存"),
    (
        "held.tip",
        "超出内存上限（见设置）的行保存在本次会话的磁盘文件中；“保存日志…”会写出全部事件。",
    ),
    ("status.local", "本地 {addr}"),
    (
        "status.counters",
        "收 {rx_b} 字节 / {rx_m} 条 · 发 {tx_b} 字节 / {tx_m} 条",
    ),
    ("status.recording", "● 正在录制"),
    ("about.prefix", "关于套接字：{hint}"),
    (
        "about.udp_sender",
        "socket(AF_INET, SOCK_DGRAM) 创建套接字 + 绑定 bind(本地端口)，再 sendto(目的地址)——每次发送就是一个数据报",
    ),
    (
        "about.udp_sender_more",
        "UDP 没有连接：每个数据报都带着自己的目的地址。绑定（bind）一个本地端口（这里是 7890），接收端就能回复到固定的地址；留空则由操作系统挑选一个空闲端口。",
    ),
    (
        "about.udp_receiver",
        "socket(AF_INET, SOCK_DGRAM) 创建套接字 + 绑定 bind() 端口，再用 recvfrom() 接收每个数据报——每个数据报一行",
    ),
    (
        "about.udp_receiver_more",
        "recvfrom() 还会告诉你数据报是谁发的，所以用 sendto() 可以直接回复。绑定 127.0.0.1 只能收到本机的数据，绑定 0.0.0.0 则能收到所有网卡（内网、外网）上的数据。",
    ),
    (
        "about.tcp_client",
        "socket(AF_INET, SOCK_STREAM) 创建套接字 + connect() 连接——三次握手，之后是双向的字节流",
    ),
    (
        "about.tcp_client_more",
        "TCP 是字节流，不是消息：一次 send() 写入的数据，可能被拆开或合并，分几次 recv() 收到。断开会关闭套接字（FIN）；重置（RST）表示对方拒绝或中止了连接。",
    ),
    (
        "about.tcp_server",
        "socket(AF_INET, SOCK_STREAM) 创建套接字 + 绑定 bind() + 监听 listen(backlog)，再接受 accept()——每个客户端一个新套接字",
    ),
    (
        "about.tcp_server_more",
        "监听套接字只负责接受连接；每次 accept() 都为一个客户端返回一个新的已连接套接字。backlog 是已完成握手、等待被接受的连接最多能有多少个。",
    ),
    ("btn.bind", "绑定"),
    ("btn.unbind", "解除绑定"),
    ("btn.connect", "连接"),
    ("btn.disconnect", "断开"),
    ("btn.listen", "监听"),
    ("btn.stop", "停止"),
    ("btn.stopping", "正在停止…"),
    ("btn.fix_fields", "请先修正标红的字段"),
    ("btn.half_close", "半关闭 (FIN)"),
    (
        "btn.half_close_tip",
        "shutdown(SHUT_WR)：发送 FIN，继续读取",
    ),
    ("field.destination_host", "目的主机"),
    ("field.port", "端口"),
    ("field.local_port", "本地端口"),
    ("field.server_host", "服务器主机"),
    ("field.bind_host", "绑定主机"),
    ("field.listen_host", "监听主机"),
    ("field.backlog", "积压队列 (backlog)"),
    ("field.backlog_error", "backlog：1 到 65535 之间的数字"),
    ("field.all_interfaces", "所有网卡"),
    ("field.os_picks", "系统挑选"),
    (
        "field.os_picks_tip",
        "留空则由操作系统挑选一个空闲的本地端口",
    ),
    ("field.os_picks_note", "（由系统挑选端口）"),
    (
        "field.bind_note",
        "0.0.0.0 = 所有网卡（网络上可以访问）· 127.0.0.1 = 仅本机",
    ),
    ("addr.port_empty", "请输入端口号（1–65535）"),
    (
        "addr.port_not_number",
        "“{value}”不是端口：只能用数字，1–65535",
    ),
    ("addr.port_zero", "端口 0 不是真正的端口；请用 1–65535"),
    (
        "addr.port_range",
        "端口 {value} 超出范围：端口号从 1 到 65535",
    ),
    (
        "addr.host_empty",
        "请输入主机：IP 地址（如 127.0.0.1）或主机名",
    ),
    ("addr.bad_ipv6", "“{value}”不是有效的 IPv6 地址（例如 ::1）"),
    (
        "addr.bad_ipv4",
        "“{value}”不是有效的 IPv4 地址：用点分隔的四个 0–255 的数字，如 192.168.1.1",
    ),
    ("addr.bad_name", "“{value}”不是有效的主机名"),
    (
        "addr.hostport_empty",
        "请按 主机:端口 输入地址，例如 127.0.0.1:8080",
    ),
    ("addr.port_zero_hint", "0 = 由系统挑选一个空闲端口"),
    ("srv.stop_listening", "停止监听（保留客户端）"),
    (
        "srv.stop_listening_tip",
        "close() 关闭监听套接字；已连接的客户端保留",
    ),
    ("srv.client", "客户端 #{id}"),
    ("srv.client_peer", "客户端 #{id} {peer}"),
    ("srv.all_clients", "所有客户端"),
    ("srv.send_to", "发送给"),
    ("srv.clients", "客户端"),
    ("srv.clients_count", "{open} 个已连接，共见过 {seen} 个"),
    ("srv.disconnect_selected", "断开所选"),
    ("srv.send_to_all", "发给全部"),
    (
        "srv.send_to_all_tip",
        "取消选择客户端，让发送发给每个客户端",
    ),
    ("srv.no_clients", "还没有客户端"),
    ("srv.open", "已连接"),
    ("srv.closed", "已关闭"),
    (
        "srv.client_row",
        "#{id} {peer} [{state}]\n  自 {since} · 收 {rx} 字节 / 发 {tx} 字节",
    ),
    ("rx.last_sender", "最后的发送者"),
    ("rx.last_sender_addr", "最后的发送者（{addr}）"),
    ("rx.reply_to", "回复给"),
    ("log.searching", "（正在搜索…）"),
    ("log.match_count", "{n} 行中 {k} 行匹配{more}"),
    ("log.title", "日志"),
    ("log.show", "显示："),
    (
        "rows.udp",
        "一行 = 一个数据报: UDP 保留消息边界, 每次 sendto() 都完整到达, 各占一行。",
    ),
    (
        "rows.tcp_raw",
        "一行 = 一次 recv() 收到的数据块: TCP 是字节流, 两次发送可能合成一块到达 (一次发送也可能分成两块)。选择分帧方式可按消息拆分。",
    ),
    ("rows.tip", "在“学习”窗口 (视图菜单) 中比较两者。"),
    ("log.text", "文本"),
    ("log.hex_view", "十六进制"),
    ("log.both", "文本 + 十六进制"),
    ("log.clear", "清空"),
    ("log.clear_tip", "清除所有行和计数 (Ctrl+L)"),
    ("log.copy_all", "全部复制"),
    ("log.copy_selected", "复制所选 ({n})"),
    ("log.select_none", "取消选择"),
    ("log.save", "保存日志…"),
    (
        "log.save_tip",
        "把整个会话（全部事件，包括已不在内存中的）保存为 .jsonl、.txt、.csv、.pcapng 或 .html (Ctrl+S)",
    ),
    ("log.note", "备注…"),
    ("log.note_text", "备注内容"),
    ("log.note_hint", "例如：设备已重启"),
    ("log.add_note", "添加备注"),
    (
        "log.note_tip",
        "给此刻添加一条备注（在记录中保存为 \"note\"）",
    ),
    ("log.all", "全部"),
    ("log.show_client", "显示客户端"),
    ("log.filter", "筛选"),
    ("log.filter_hint", "文本、十六进制 (ca d5)、对端、→/←、备注"),
    ("log.clear_filter", "清除筛选"),
    ("log.col_time", "时间"),
    ("log.col_peer", "对端"),
    ("log.col_len", "长度"),
    ("log.col_dt", "Δt 毫秒"),
    (
        "log.col_dt_tip",
        "到达间隔：距同一对端上一个数据报或上一次读取的毫秒数",
    ),
    ("log.col_data_text", "数据（文本）"),
    ("log.col_data_hex", "数据（十六进制）"),
    ("log.col_text", "文本"),
    ("log.col_hex", "十六进制"),
    ("log.note_row", "备注：{text}"),
    ("send.outgoing", "发出"),
    ("send.hex", "十六进制 (Hex)"),
    (
        "send.hex_tip",
        "以十六进制输入字节，如 48 65 6c 6c 6f 或 0x48,0x65",
    ),
    ("send.escapes", "转义"),
    (
        "send.escapes_tip",
        "识别 \\r \\n \\t \\\\ \\0 和 \\xNN（一个原始字节）",
    ),
    ("send.line_ending", "行尾"),
    ("send.le_none", "无"),
    ("send.variables", "变量"),
    (
        "send.variables_tip",
        "每次发送时展开 {seq} {seq:04} {time} {unix_ms} {rand:N} {hex:01 02}；{{ 和 }} 表示花括号本身",
    ),
    ("send.checksum", "校验和"),
    ("send.checksum_none", "无"),
    ("send.checksum_tip", "附加在数据之后、行尾之前"),
    ("send.history", "历史"),
    ("send.history_count", "已发 {n} 条"),
    ("send.message", "消息"),
    ("send.hint_hex", "十六进制字节，如 48 65 6c 6c 6f"),
    ("send.hint_text", "输入消息——Enter 发送，Shift+Enter 换行"),
    ("send.send", "发送"),
    ("send.enter_sends", "按 Enter 或 Ctrl+Enter 发送"),
    ("send.bytes", "{n} 字节"),
    ("send.next_seq", "下一个 {seq} = {n}"),
    ("enc.label", "编码"),
    (
        "enc.tip",
        "发送时文本如何变成字节，以及日志中字节如何变回文本",
    ),
    // 组播(UDP 标签页)。
    ("mc.title", "组播"),
    ("mc.enable", "使用组播"),
    ("mc.group", "组地址"),
    ("mc.interface", "接口地址"),
    ("mc.interface_hint", "任意"),
    ("mc.ttl", "TTL"),
    ("mc.loopback", "本机回环"),
    (
        "mc.loopback_hint",
        "IP_MULTICAST_LOOP：本机上的组成员也能收到这些数据报",
    ),
    (
        "mc.hint_recv",
        "在所有地址上绑定上面的端口并加入该组（IP_ADD_MEMBERSHIP）。接口：本机的一个 IPv4 地址；IPv6 组填接口编号；留空由系统选择。",
    ),
    (
        "mc.hint_send",
        "发送到上面的目标地址，它必须是一个组播组。TTL（跳数限制）为 1 表示只在本网络内；接口：发送所用的 IPv4 地址，IPv6 填接口编号。",
    ),
    (
        "mc.err_not_multicast",
        "{value} 不是组播地址（组播组为 224.0.0.0–239.255.255.255 或 ff00::/8）",
    ),
    (
        "mc.err_dest_not_ip",
        "使用组播时，目标必须是组的 IP 地址，例如 239.255.0.1（而不是“{value}”）",
    ),
    (
        "mc.err_group_bad",
        "组地址：“{value}”不是 IP 地址（例如 239.255.0.1 或 ff02::1）",
    ),
    (
        "mc.err_iface_v6",
        "接口 {value} 没有 IPv4 地址：IPv4 组要在接口的 IPv4 地址上加入",
    ),
    (
        "mc.err_iface_bad",
        "接口：“{value}”不是本机的 IPv4 地址（例如 127.0.0.1）；留空表示任意",
    ),
    (
        "mc.err_iface_index",
        "接口：IPv6 组要填接口编号（一个数字；留空表示任意），而不是“{value}”",
    ),
    ("mc.err_ttl", "TTL：0 到 255 之间的数字，而不是“{value}”"),
    // 显示分帧(TCP 标签页)。
    ("fr.label", "分帧"),
    ("fr.raw", "原始数据块"),
    ("fr.lf", "按行（LF）"),
    ("fr.crlf", "按行（CRLF）"),
    ("fr.hex", "分隔符（十六进制）"),
    ("fr.fixed", "固定长度"),
    ("fr.prefix1", "1 字节长度前缀"),
    ("fr.prefix2be", "2 字节长度前缀，大端"),
    ("fr.prefix2le", "2 字节长度前缀，小端"),
    ("fr.prefix4be", "4 字节长度前缀，大端"),
    ("fr.prefix4le", "4 字节长度前缀，小端"),
    ("fr.delimiter", "分隔符"),
    ("fr.length", "长度（字节）"),
    (
        "fr.hint",
        "收到的 TCP 数据在这个视图中如何切成行。保存的日志仍是收到时的原始字节。",
    ),
    ("fr.err_hex", "分隔符：十六进制字节，例如 0D 0A 或 03"),
    ("fr.err_len", "长度：1 到 1048576 之间的字节数"),
    ("logset.title", "日志内存"),
    (
        "logset.explain",
        "每个标签页在内存中保留最新的行。每个事件也会保存到磁盘文件中，“保存日志…”会把它们全部写出。",
    ),
    ("logset.rows", "内存中保留的行数"),
    ("logset.mib", "内存中保留的数据量 (MiB)"),
    ("logset.reset", "恢复默认值"),
    ("rec.title", "恢复会话日志"),
    (
        "rec.explain",
        "Socket 测试工具上次没有正常关闭。以下会话当时正在保存到磁盘，可以恢复：",
    ),
    ("rec.events_one", "{n} 个事件"),
    ("rec.events", "{n} 个事件"),
    ("rec.counting", "正在计数…"),
    ("rec.save_as", "另存为…"),
    ("rec.discard", "丢弃"),
    ("rec.discard_tip", "删除这个文件"),
    (
        "rec.later",
        "关闭此窗口可以稍后再决定：文件会一直保留，直到被丢弃。",
    ),
    ("rec.dialog_title", "保存恢复的日志"),
    ("rec.saved", "已将 {n} 个事件保存到 {path}"),
    (
        "rec.saved_bad",
        "已将 {n} 个事件保存到 {path} · 跳过了 {bad} 行无法读取的内容（{lines}）",
    ),
    ("rec.save_failed", "保存失败：{err}"),
    ("rec.cannot_delete", "无法删除：{err}"),
    ("save.cannot_write", "无法写入 {path}：{err}"),
    ("save.write_failed", "写入 {path} 失败：{err}"),
    (
        "save.unknown_format",
        "保存失败：无法判断 {path} 的格式：文件名请以 .txt、.csv、.jsonl、.pcapng 或 .html 结尾",
    ),
    ("save.cannot_read", "保存失败：无法读取 {path}：{err}"),
    ("save.failed_path", "保存失败：{path}：{err}"),
    ("save.failed", "保存失败：{err}"),
    (
        "save.disk_stopped",
        "本会话的磁盘副本已停止写入，最新的事件可能缺失",
    ),
    ("save.memory_only", "只有内存中的行：{why}"),
    ("save.no_disk_copy", "没有磁盘副本"),
    ("save.saved", "已将 {n} 个事件保存到 {path}"),
    (
        "save.bad_one",
        " · 跳过了 {bad} 行无法读取的内容（{lines}）",
    ),
    (
        "save.bad_many",
        " · 跳过了 {bad} 行无法读取的内容（{lines}）",
    ),
    ("rules.echo", "回显"),
    ("rules.echo_tip", "把没有规则回答的每条消息原样发回"),
    ("rules.echoed", "已回显 {n}"),
    ("rules.add", "添加规则"),
    ("rules.reset_counts", "计数清零"),
    ("rules.rule", "规则 {n}"),
    ("rules.when", "条件"),
    ("rules.match", "匹配"),
    ("rules.match_tip", "规则 {n}：要查找的内容"),
    ("rules.reply", "回复"),
    (
        "rules.reply_tip",
        "规则 {n}：回复内容；可以使用 {seq} 等变量",
    ),
    ("rules.hex", "十六进制"),
    ("rules.esc", "转义"),
    ("rules.delay", "延迟 毫秒"),
    ("rules.fired", "已触发 {n}"),
    ("rules.delete", "删除"),
    ("rules.none", "没有规则：添加一条，或打开“回显”。"),
    (
        "rate.last_second",
        "上一秒：收 {rx_b} 字节/秒，{rx_m} 条/秒 · 发 {tx_b} 字节/秒，{tx_m} 条/秒",
    ),
    ("rate.bytes", "字节/秒"),
    ("rate.msgs", "消息/秒"),
    ("rate.in", "收 {title}"),
    ("rate.out", "发 {title}"),
    ("senders.count", "{n} 个来源"),
    ("senders.clear", "清除"),
    ("senders.click_hint", "点击一行即可回复它"),
    ("senders.source", "来源"),
    ("senders.datagrams", "数据报"),
    ("senders.bytes", "字节"),
    ("senders.rate", "速率"),
    ("senders.last_seen", "最近一次"),
    ("senders.rate_value", "{n} 字节/秒"),
    ("senders.reply_to", "回复给 {addr}"),
    ("pay.save_current", "保存当前消息"),
    (
        "pay.save_current_tip",
        "把输入框里的消息连同选项加入这个列表",
    ),
    ("pay.default_name", "消息 {n}"),
    ("pay.import", "导入…"),
    ("pay.export", "导出…"),
    ("pay.none", "还没有保存的消息。"),
    ("pay.name_tip", "消息 {n} 的名称"),
    ("pay.data", "数据"),
    ("pay.hex", "十六进制"),
    ("pay.vars", "变量"),
    ("pay.end", "行尾"),
    ("pay.enc", "编码"),
    ("pay.tabs_enc", "同标签页"),
    ("pay.bytes", "{n} 字节"),
    ("pay.send", "发送 #{n}"),
    ("pay.load", "载入 #{n}"),
    ("pay.load_tip", "放进发送框"),
    ("pay.delete", "删除 #{n}"),
    ("exp.send", "发送内容"),
    ("exp.send_tip", "请求内容；可以使用 {seq} 等变量"),
    ("exp.hex", "十六进制"),
    ("exp.escapes", "转义"),
    ("exp.expect", "期望"),
    ("exp.expected", "期望值"),
    ("exp.within", "时限（毫秒）"),
    ("exp.tries", "次数"),
    ("exp.gap", "间隔（毫秒）"),
    ("exp.cancel", "取消运行"),
    ("exp.run", "运行"),
    ("exp.export_csv", "导出 CSV…"),
    ("exp.running", "运行中：已试 {n}/{total}"),
    (
        "exp.latency",
        "延迟 最小 {min} · p50 {p50} · p95 {p95} · 最大 {max}",
    ),
    ("exp.stopped_early", "提前停止：{why}"),
    ("exp.col_try", "次"),
    ("exp.col_result", "结果"),
    ("exp.col_latency", "延迟"),
    ("exp.col_note", "备注"),
    ("exp.pass", "通过"),
    ("exp.fail", "失败"),
    ("tool.payloads", "已存消息"),
    ("tool.auto_send", "自动发送"),
    ("tool.file", "发送文件"),
    ("tool.rules", "自动回复"),
    ("tool.senders", "发送者"),
    ("tool.rates", "速率图"),
    ("tool.expect", "期望测试"),
    ("tool.tools", "工具"),
    ("tool.broadcast", "广播"),
    (
        "tool.broadcast_tip",
        "SO_BROADCAST：允许发送到 255.255.255.255 或子网的广播地址",
    ),
    ("tool.unbind_to_change", "解除绑定后才能修改"),
    ("tool.quick_send", "快速发送"),
    (
        "auto.explain",
        "每隔一段时间发送一次输入框中的消息（每次都会展开变量）。",
    ),
    ("auto.every", "间隔（毫秒）"),
    ("auto.times", "次数"),
    ("auto.times_tip", "留空：一直发送，直到停止"),
    ("auto.stop", "停止自动发送"),
    ("auto.start", "开始自动发送"),
    ("auto.interval_error", "间隔：从 1 起的毫秒数"),
    (
        "file.explain_tcp",
        "把磁盘上的文件分块以流的方式发送；上一块发出后才读取下一块。",
    ),
    (
        "file.explain_udp",
        "把文件按块大小分成数据报发送（每个最多 65507 字节）。",
    ),
    ("file.chunk", "块大小（字节）"),
    ("file.datagram", "数据报大小（字节）"),
    ("file.delay", "延迟（毫秒）"),
    ("file.cancel", "取消"),
    ("file.send", "发送文件…"),
    ("file.starting", "正在开始"),
    ("file.sending", "正在发送"),
    ("file.sent", "已发送"),
    ("file.failed", "失败"),
    ("file.cancelled", "已取消"),
    ("file.progress", "{sent} / {total} 字节（{chunks} 块）"),
    ("menu.settings", "⚙ 设置"),
    ("auto.why_closed", "连接已关闭"),
    ("auto.why_ended", "会话已结束"),
    ("auto.stopped_why", "自动发送已停止：{why}（{progress}）"),
    ("auto.done", "自动发送完成：{progress}"),
    ("auto.stopped", "自动发送已停止：{progress}"),
    (
        "auto.stopped_ended",
        "自动发送已停止：会话已结束（{progress}）",
    ),
    ("auto.stopped_failed", "自动发送已停止：{err}（{progress}）"),
    ("auto.bad_interval", "间隔：1 到 86400000 之间的毫秒数"),
    (
        "auto.bad_count",
        "次数：从 1 起的数字，留空则一直发送直到停止",
    ),
    ("tool.dialog_failed", "无法打开文件对话框：{err}"),
    ("tool.not_running", "会话没有在运行"),
    ("file.bad_chunk", "块大小：1 到 {max} 之间的字节数"),
    ("file.bad_delay", "延迟：0 到 3600000 之间的毫秒数"),
    ("pay.no_such", "没有这条消息"),
    ("pay.imported", "从 {path} 导入了 {n} 条消息"),
    ("pay.exported", "已导出 {n} 条消息到 {path}"),
    ("exp.report_saved", "报告已保存到 {path}"),
    ("exp.nothing_to_export", "没有可导出的期望测试结果"),
    ("exp.bad_send", "发送内容：{err}"),
    ("exp.bad_expect", "期望：{err}"),
    ("exp.bad_timeout", "时限：1 到 3600000 之间的毫秒数"),
    ("exp.bad_tries", "次数：1 到 1000000 之间的数字"),
    ("exp.bad_gap", "间隔：0 到 3600000 之间的毫秒数"),
    ("pay.export_failed", "导出失败：{err}"),
    ("pay.export_failed_path", "导出失败：{path}：{err}"),
    ("pay.import_failed", "导入失败：{path}：{err}"),
    (
        "pay.import_too_big",
        "导入失败：{path} 有 {n} 字节；消息文件最多 {max} 字节",
    ),
    (
        "pay.import_not_text",
        "导入失败：{path}：{err}（是文本文件吗？）",
    ),
    ("match.contains_text", "包含文本"),
    ("match.equals_text", "等于文本"),
    ("match.starts_hex", "以十六进制开头"),
    ("match.contains_hex", "包含十六进制"),
    ("match.regex_text", "正则（文本）"),
    ("match.regex_bytes", "正则（字节）"),
    ("match.anything", "任意内容"),
    ("state.with_msg", "{what}：{msg}"),
    ("cksum.sum8", "1 字节：所有字节之和对 256 取模"),
    ("cksum.xor8", "1 字节：所有字节的异或"),
    ("cksum.crc16_modbus", "2 字节，低字节在前 (Modbus RTU)"),
    (
        "cksum.crc16_ccitt",
        "2 字节，高字节在前（多项式 0x1021，初值 0xFFFF）",
    ),
    ("cksum.crc32", "4 字节，低字节在前（zlib/以太网 CRC-32）"),
    // Engine events, rendered by src/i18n_events.rs.
    ("ev.bound", "socket() + bind() → 已绑定到 {local}"),
    (
        "ev.listening",
        "socket() + bind() + listen({backlog}) → 正在 {local} 上监听",
    ),
    ("ev.connecting", "connect() 到 {peer}:已发送 SYN…"),
    ("ev.connected", "已连接 {local} → {peer}(握手完成)"),
    ("ev.accepted_client", "accept() → 客户端 #{id},来自 {peer}"),
    ("ev.accepted", "accept() → {peer}"),
    ("ev.error", "{sentence}({detail})"),
    ("ev.closed.peer_fin", "对方关闭了连接(收到 FIN)"),
    ("ev.closed.both_fin", "双方都已发送 FIN"),
    ("ev.closed.local_close", "本端关闭(close())"),
    ("ev.closed.server_stopped", "本端关闭:服务器已停止"),
    ("ev.closed.kicked", "被服务器断开"),
    ("ev.closed.connect_cancelled", "连接已取消"),
    ("ev.closed.server_ended", "服务器已停止;关闭了 {n} 个客户端"),
    ("ev.closed.socket_closed", "套接字已关闭(close())"),
    ("ev.closed.internal_error", "内部错误后套接字已关闭"),
    ("ev.closed.unknown", "已关闭"),
    ("ev.reset.peer", "连接被对方重置(RST)"),
    ("ev.reset.aborted", "连接被中止(RST)"),
    ("ev.reset.broken_pipe", "管道已断开:对方已重置连接(RST)"),
    ("ev.reset.unknown", "连接被重置(RST)"),
    (
        "ev.refused",
        "拒绝了一个客户端:已达到 {limit} 个客户端的上限(至今已拒绝 {total} 个)",
    ),
    (
        "ev.kernel_drops",
        "内核丢弃:至今 {total} 个数据报(套接字接收缓冲区已满,它们没有到达程序)",
    ),
    (
        "ev.peer_fin_half_open",
        "对方发送了 FIN(它不会再发送);本端仍可发送 — 点“断开”关闭",
    ),
    (
        "ev.fin_sent",
        "shutdown(SHUT_WR):已发送 FIN;继续接收,直到对方关闭",
    ),
    ("ev.unsent", "关闭前有 {n} 条排队的消息没有发出"),
    (
        "ev.stopped_listening",
        "已停止监听(监听套接字已关闭);{n} 个客户端保持连接",
    ),
    (
        "ev.not_applicable.tcp_client",
        "这个命令不适用于 TCP 客户端",
    ),
    (
        "ev.not_applicable.tcp_server",
        "这个命令不适用于 TCP 服务器",
    ),
    (
        "ev.not_applicable.udp",
        "这个命令用于 TCP 会话;UDP 没有可关闭的连接",
    ),
    (
        "ev.broadcast_on",
        "SO_BROADCAST 已开启:这个套接字可以发送到广播地址",
    ),
    ("ev.destination", "目标地址现在是 {to}"),
    ("ev.mc_joined", "已加入组播组 {group},使用{on}"),
    (
        "ev.mc_options",
        "组播到 {group},经由{on}:TTL {ttl},回环 {loop}",
    ),
    ("ev.iface", "接口 {i}"),
    ("ev.iface_index", "接口 #{i}"),
    ("ev.iface_default", "默认接口"),
    ("ev.on", "开"),
    ("ev.off", "关"),
    (
        "ev.file_started",
        "正在发送文件 {name}({bytes} 字节),每块 {chunk} 字节",
    ),
    (
        "ev.file_started_delay",
        "正在发送文件 {name}({bytes} 字节),每块 {chunk} 字节,间隔 {ms} 毫秒",
    ),
    (
        "ev.file_sent",
        "文件已发送:{bytes} 字节,共 {chunks} 块,用时 {secs} 秒",
    ),
    (
        "ev.file_cancelled",
        "文件发送已取消:已发送 {sent} / {total} 字节",
    ),
    ("ev.no_file", "当前没有正在发送的文件"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_key_is_in_every_language() {
        let sets: Vec<(Lang, HashSet<&str>)> =
            Lang::ALL.iter().map(|&l| (l, keys(l).collect())).collect();
        for (l, set) in &sets {
            assert_eq!(set.len(), l.table().len(), "{l:?} has a key twice");
            for (other, oset) in &sets {
                let missing: Vec<_> = oset.difference(set).collect();
                assert!(
                    missing.is_empty(),
                    "{l:?} lacks keys that {other:?} has: {missing:?}"
                );
            }
        }
    }

    #[test]
    fn placeholders_match_across_languages() {
        let names = |s: &str| -> Vec<String> {
            // `{{` and `}}` are literal braces, not placeholders.
            let s = s.replace("{{", "").replace("}}", "");
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for (k, en) in EN {
            let zh = tr(Lang::Zh, k);
            assert_eq!(names(en), names(zh), "placeholders of {k}");
        }
    }

    #[test]
    fn every_error_kind_has_a_sentence() {
        use ErrorKind::*;
        for k in [
            AddrInUse,
            AddrNotAvailable,
            PermissionDenied,
            Refused,
            TimedOut,
            HostNotFound,
            Unreachable,
            Reset,
            BadAddress,
            BadPayload,
            NotConnected,
            MessageTooLong,
            Internal,
            Io,
        ] {
            for l in Lang::ALL {
                assert!(lookup(l, error_key(k)).is_some(), "{l:?} {k:?}");
            }
        }
        assert!(error_sentence(Lang::Zh, AddrInUse).contains("占用"));
    }

    #[test]
    fn ftl_files_say_what_the_tables_said() {
        use std::collections::HashMap;
        for l in Lang::ALL {
            for (k, v) in l.table() {
                let id = k.replace(['.', '_'], "-");
                let mut args: HashMap<String, String> = HashMap::new();
                if *k != "send.variables_tip" {
                    for p in v.split('{').skip(1) {
                        if let Some((n, _)) = p.split_once('}') {
                            args.insert(n.to_string(), format!("{{{n}}}"));
                        }
                    }
                }
                let got = loader(l).get_args(&id, args);
                assert_eq!(&got, v, "{l:?} {k}");
            }
        }
    }

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(trf(Lang::En, "tl.bytes", &[("n", "5")]), "5 B");
        assert_eq!(tr(Lang::Zh, "no.such.key"), "no.such.key");
    }
}
