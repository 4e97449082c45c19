//! The English-word checker of the window tests in 简体中文 (included with `#[path]` by
//! `ui_zh_words.rs` and `ui_zh_errors.rs`): a Chinese window, the texts of its
//! accessibility tree, and the words in them that are English.
#![allow(dead_code)]

use egui_kittest::Harness;
use egui_kittest::kittest::NodeT;
use regex::Regex;
use socket_tester::i18n::Lang;
use socket_tester::ui::App;
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// Words that are not English to a Chinese reader of this program: protocol and header
/// names, encodings, checksums, units, key names. C constants (`SOCK_DGRAM`, `AF_INET`)
/// pass by their form, socket calls only as calls (`bind(`), hex by its digits.
#[rustfmt::skip]
const ALLOWED: &[&str] = &[
    // Protocols, flags and address kinds.
    "TCP", "UDP", "IP", "IPv4", "IPv6", "FIN", "RST", "ACK", "SYN", "TTL", "ICMP", "MTU",
    "DNS", "NAT", "CGNAT", "LAN", "HTTP", "HTTPS", "SSH", "DHCP", "IANA", "RFC", "ULA",
    "PING", "PONG", "localhost", "Socket",
    // Nagle's algorithm, which TCP_NODELAY switches off: a name. The ioctls that read a
    // socket's queues.
    "Nagle", "SIOCINQ", "SIOCOUTQ",
    // TLS: the protocol, its extensions and versions, certificate fields and formats, an
    // alert's name as the RFC writes it, ALPN ids (h2, http/1.1), the library.
    "TLS", "TLSv1", "SNI", "ALPN", "SHA", "CA", "PEM", "CN", "h2", "handshake_failure",
    "rustls", "ncat", "ssl", "http",
    // WebSocket: the protocol, its schemes, frames and handshake headers as the RFC names
    // them (Sec-WebSocket-Key, Upgrade: websocket), and the Ping button named after its frame.
    "WebSocket", "websocket", "ws", "wss", "Ping", "ping", "pong", "Upgrade", "Sec", "Key",
    "Version", "Accept",
    // A pin as it is typed (sha256:AB:CD…), and the CA flag as certificates print it.
    "sha256", "TRUE",
    // Programs named as they are: the live feed opens in Wireshark (or tshark).
    "Wireshark", "wireshark", "tshark",
    // The roster's regex group name for the student number, as it is typed: (?P<id>…).
    "id",
    // Unix domain sockets (Unix 域套接字, as Chinese texts name them), the `unix:` of an
    // address as it is typed, and the system that has abstract names.
    "Unix", "unix", "Linux",
    // listen()'s argument, as the man page names it.
    "backlog",
    // Encodings and formats.
    "UTF", "GBK", "GB18030", "Big5", "Shift_JIS", "EUC", "KR", "JP", "Latin1", "latin1",
    "ASCII", "hex", "JSON", "jsonl", "csv", "CSV", "txt", "html", "pcapng", "LF", "CRLF",
    "CR", "BE", "LE", "regex",
    // Checksums.
    "sum8", "xor8", "CRC", "MODBUS", "CCITT", "FALSE",
    // Template variables of the send box (`{seq}`, `{time}`…), as the user types them.
    "seq", "conn", "time", "unix_ms", "rand", "xNN",
    // Binary fields and checksum ids in templates and the Rx checksum check, as typed
    // (`{seq:u16be}`, `{len:u16be:after}`, `{crc16-modbus:le}`).
    "u8", "u16be", "u16le", "u32be", "u32le", "len", "after", "be", "le", "crc16", "crc32",
    "modbus", "ccitt",
    // Units.
    "KiB", "MiB", "GiB", "ms",
    // Keys.
    "Ctrl", "Shift", "Alt", "Enter", "Esc", "Tab",
];

/// Socket calls: allowed when written as a call, `bind(` or `connect()`.
#[rustfmt::skip]
const CALLS: &[&str] = &[
    "socket", "bind", "listen", "accept", "connect", "send", "sendto", "recv", "recvfrom",
    "close", "shutdown", "setsockopt", "write",
];

/// Whole texts that stay as they are: the language menu names itself in English too, so
/// that someone who cannot read the current language finds the way back, and lists each
/// language by its own name; the product's name is a name. egui names the handles and
/// buttons of windows and panels for screen readers in English ("Close window", "Resize
/// panel", "Hide"); they are never drawn and are not this program's text.
const ALLOWED_TEXTS: &[&str] = &[
    "语言 (Language)",
    "English",
    "Socket Tester",
    "Close window",
    "Hide",
    "Show",
    "Resize panel",
];

pub fn chinese_app() -> Option<App> {
    if !socket_tester::ui::install_cjk_font(&egui::Context::default()) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return None;
    }
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::Zh);
    let s = &mut app.classroom.settings;
    s.network_panel = true;
    s.timeline = true;
    s.tcp_diagram = true;
    s.learn = true;
    Some(app)
}

/// Names of this machine's interfaces (the Network panel lists them: they are names).
pub fn interface_names() -> BTreeSet<String> {
    if_addrs::get_if_addrs()
        .map(|v| v.into_iter().map(|i| i.name).collect())
        .unwrap_or_default()
}

pub fn is_allowed_word(w: &str, names: &BTreeSet<String>) -> bool {
    let has_letter = w.chars().any(|c| c.is_ascii_alphabetic());
    let hex_digits = w.chars().all(|c| c.is_ascii_hexdigit());
    let constant = w.contains('_')
        && w.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    !has_letter
        || w.len() == 1
        || (hex_digits && (w.len() <= 2 || w.chars().any(|c| c.is_ascii_digit())))
        || constant
        || (w.len() > 2 && w.starts_with("0x") && w[2..].chars().all(|c| c.is_ascii_hexdigit()))
        || ALLOWED.contains(&w)
        || names.contains(w)
}

/// The English words in `text`, if any.
pub fn english_words(text: &str, names: &BTreeSet<String>) -> Vec<String> {
    let text = text.trim();
    if ALLOWED_TEXTS.contains(&text) || text.starts_with("Resize window ") {
        return Vec::new();
    }
    // Addresses, paths and file names are data, not words; so is a record field's value
    // in quotes ("note").
    static DATA: LazyLock<Vec<Regex>> = LazyLock::new(|| {
        [
            r"\[?(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}\]?(?::\d+)?(?:/\d+)?",
            r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?(?:/\d+)?",
            r"(?:/[\w.\-]+){2,}",
            r"[\w\-]+\.(?:jsonl|txt|csv|html|pcapng|json)\b",
            r#""[a-z_]+""#,
            // Durations as they are typed (humantime): 500ms, 1s, 2m.
            r"\b\d+(?:ms|s|m|h)\b",
        ]
        .iter()
        .map(|d| Regex::new(d).expect("a valid pattern"))
        .collect()
    });
    let mut rest = text.to_string();
    for re in DATA.iter() {
        rest = re.replace_all(&rest, " ").into_owned();
    }
    static WORD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[A-Za-z0-9_]+").expect("a valid pattern"));
    let mut words = Vec::new();
    for m in WORD.find_iter(&rest) {
        let w = m.as_str();
        let call = rest[m.end()..].starts_with('(');
        if !(is_allowed_word(w, names) || (call && CALLS.contains(&w))) {
            words.push(w.to_string());
        }
    }
    words
}

/// Every piece of text the window shows now, with where it was found.
pub fn texts(h: &Harness<'_, App>) -> Vec<String> {
    let root = h.root();
    let mut out = Vec::new();
    for n in std::iter::once(root).chain(root.children_recursive()) {
        let a = n.accesskit_node();
        out.extend(a.label());
        out.extend(a.value());
        out.extend(a.description());
        out.extend(a.placeholder().map(str::to_string));
    }
    out
}

/// Fails, naming the words and their texts, if the window shows English.
pub fn assert_no_english(h: &Harness<'_, App>, when: &str) {
    let names = interface_names();
    let mut bad = BTreeSet::new();
    for t in texts(h) {
        let words = english_words(&t, &names);
        if !words.is_empty() {
            bad.insert(format!("{words:?} in {t:?}"));
        }
    }
    assert!(
        bad.is_empty(),
        "English in the Chinese window ({when}):\n{}",
        {
            let v: Vec<_> = bad.into_iter().collect();
            v.join("\n")
        }
    );
}
