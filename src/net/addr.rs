//! Addresses as people type them: `host:port`, `[::1]:80`, a bare port, or an empty host
//! meaning "all interfaces" (the seed's `""`). Checking is instant and never touches DNS;
//! resolving (which may block) happens only in workers.

use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

pub use super::unix_name::{UnixName, from_text, show};

/// A problem with an address field: the English words for the person who typed it (records,
/// headless output) and the typed problem, which the window words in its own language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrError(pub String, pub AddrProblem);

/// What is wrong with an address, typed (values are shortened to 40 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddrProblem {
    PortEmpty,
    PortNotNumber(String),
    PortZero,
    PortRange(String),
    HostEmpty,
    BadIpv6(String),
    HostTooLong,
    BadIpv4(String),
    BadHostName(String),
    BadHostChar(char),
    HostPortEmpty,
    MissingBracket,
    MissingPortAfterV6(String),
    NoPort(String),
    V6NeedsBrackets,
    HostNotFound(String),
    HostNoAddress(String),
    /// `unix:` with nothing after it.
    UnixEmpty,
    /// The path is longer than `sockaddr_un` holds (its length, the most).
    UnixTooLong(usize, usize),
    /// A NUL byte in a path.
    UnixNul,
    /// `unix:@` with no name.
    UnixAbstractEmpty,
    /// `unix:@name` where there is no abstract namespace (only Linux has it).
    UnixAbstractNotHere,
    /// No unix domain sockets on this system.
    UnixNotAvailable,
    /// A URL (`ws://…`, `http://…`) where a host goes: the scheme.
    UrlInHost(String),
}

impl AddrProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        use AddrProblem::*;
        match self {
            PortEmpty => "enter a port number (1–65535)".into(),
            PortNotNumber(v) => format!("\"{v}\" is not a port: use digits only, 1–65535"),
            PortZero => "port 0 is not a real port; use 1–65535".into(),
            PortRange(v) => format!("port {v} is out of range: ports go from 1 to 65535"),
            HostEmpty => "enter a host: an IP address such as 127.0.0.1, or a name".into(),
            BadIpv6(v) => format!("\"{v}\" is not a valid IPv6 address (example: ::1)"),
            UrlInHost(s) => format!(
                "\"{s}://\" is a URL: give HOST:PORT (such as 127.0.0.1:8080), or ws://HOST:PORT/PATH for WebSocket"
            ),
            HostTooLong => "host name is too long (at most 253 characters)".into(),
            BadIpv4(v) => format!(
                "\"{v}\" is not a valid IPv4 address: four numbers 0–255 separated by dots, like 192.168.1.1"
            ),
            BadHostName(v) => format!("\"{v}\" is not a valid host name"),
            BadHostChar(c) => format!("'{}' cannot appear in a host name", c.escape_debug()),
            HostPortEmpty => "enter an address as HOST:PORT, for example 127.0.0.1:8080".into(),
            MissingBracket => "missing ']' after the IPv6 address, as in [::1]:8080".into(),
            MissingPortAfterV6(h) => format!("missing :PORT after [{h}]"),
            NoPort(v) => {
                format!("\"{v}\" has no port: write HOST:PORT, for example 127.0.0.1:8080")
            }
            V6NeedsBrackets => {
                "put an IPv6 address in brackets before the port, as in [::1]:8080".into()
            }
            HostNotFound(h) => {
                format!("host \"{h}\" was not found: check the spelling, or use an IP address")
            }
            HostNoAddress(h) => format!("host \"{h}\" was not found (it has no address)"),
            UnixEmpty => {
                "write a socket path after unix:, as in unix:/tmp/demo.sock (or unix:@name on Linux)"
                    .into()
            }
            UnixTooLong(n, max) => {
                format!("the socket path is {n} bytes long; a unix socket path holds at most {max}")
            }
            UnixNul => "a socket path cannot contain a NUL character".into(),
            UnixAbstractEmpty => "write a name after unix:@, as in unix:@demo".into(),
            UnixAbstractNotHere => {
                "abstract socket names (unix:@name) exist only on Linux; use a path, as in unix:/tmp/demo.sock"
                    .into()
            }
            UnixNotAvailable => "unix domain sockets are not available on this system".into(),
        }
    }
}

fn err(p: AddrProblem) -> AddrError {
    AddrError(p.english(), p)
}

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AddrError {}

/// Checks a port field: a number from 1 to 65535 (or 0 when `allow_zero`, meaning "any free port").
pub fn parse_port(text: &str, allow_zero: bool) -> Result<u16, AddrError> {
    // A Chinese input method's full-width digits (８０８０) are the port they look like.
    let ascii = crate::codec::text::ascii_digits(text);
    let t = ascii.trim();
    if t.is_empty() {
        return Err(err(AddrProblem::PortEmpty));
    }
    if !t.chars().all(|c| c.is_ascii_digit()) {
        return Err(err(AddrProblem::PortNotNumber(shorten(t))));
    }
    match t.parse::<u32>() {
        Ok(0) if allow_zero => Ok(0),
        Ok(0) => Err(err(AddrProblem::PortZero)),
        Ok(p) if p <= 65535 => Ok(p as u16),
        _ => Err(err(AddrProblem::PortRange(shorten(t)))),
    }
}

/// A hint for a valid port: well-known (needs privileges), registered, or dynamic.
pub fn port_hint(port: u16) -> Option<&'static str> {
    match port {
        0 => Some("0 = let the system pick a free port"),
        1..=1023 => Some("well-known port (0–1023): binding it usually needs administrator rights"),
        _ => None,
    }
}

/// Checks a host field without resolving: an IPv4/IPv6 literal or a plausible host name.
/// Empty means "all interfaces" when `allow_empty`.
pub fn check_host(text: &str, allow_empty: bool) -> Result<(), AddrError> {
    let t = text.trim();
    if t.is_empty() {
        return if allow_empty {
            Ok(())
        } else {
            Err(err(AddrProblem::HostEmpty))
        };
    }
    let inner = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    if inner.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    if let Some(scheme) = url_scheme(t) {
        return Err(err(AddrProblem::UrlInHost(shorten(scheme))));
    }
    if inner.contains(':') {
        return Err(err(AddrProblem::BadIpv6(shorten(t))));
    }
    if t.len() > 253 {
        return Err(err(AddrProblem::HostTooLong));
    }
    let looks_numeric = t.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_numeric {
        return Err(err(AddrProblem::BadIpv4(shorten(t))));
    }
    for label in t.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(err(AddrProblem::BadHostName(shorten(t))));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(err(AddrProblem::BadHostChar(c)));
        }
    }
    Ok(())
}

/// The scheme of a URL (`http` of `http://…`), if `t` is one.
fn url_scheme(t: &str) -> Option<&str> {
    let (scheme, _) = t.split_once("://")?;
    (!scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then_some(scheme)
}

/// Splits `host:port`, `[v6]:port` or a bare `port` (host then empty).
pub fn split_host_port(text: &str) -> Result<(String, u16), AddrError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(err(AddrProblem::HostPortEmpty));
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return Ok((String::new(), parse_port(t, true)?));
    }
    if let Some(scheme) = url_scheme(t) {
        return Err(err(AddrProblem::UrlInHost(shorten(scheme))));
    }
    if let Some(rest) = t.strip_prefix('[') {
        let Some(end) = rest.find(']') else {
            return Err(err(AddrProblem::MissingBracket));
        };
        let host = &rest[..end];
        let after = &rest[end + 1..];
        let Some(port) = after.strip_prefix(':') else {
            return Err(err(AddrProblem::MissingPortAfterV6(host.to_string())));
        };
        check_host(host, false)?;
        return Ok((host.to_string(), parse_port(port, true)?));
    }
    let Some((host, port)) = t.rsplit_once(':') else {
        return Err(err(AddrProblem::NoPort(shorten(t))));
    };
    if host.contains(':') {
        return Err(err(AddrProblem::V6NeedsBrackets));
    }
    check_host(host, true)?;
    Ok((host.to_string(), parse_port(port, true)?))
}

/// True when the text is a unix socket address (`unix:…`), well formed or not.
pub fn is_unix(text: &str) -> bool {
    text.trim_start().starts_with("unix:")
}

/// A unix socket address: None when the text is not `unix:…` at all; else the typed name
/// (`unix:/path`, or on Linux `unix:@name`) or what is wrong with it. Never touches the disk.
pub fn unix(text: &str) -> Option<Result<UnixName, AddrError>> {
    let rest = text.trim().strip_prefix("unix:")?;
    Some(unix_name(rest))
}

fn unix_name(rest: &str) -> Result<UnixName, AddrError> {
    use super::unix_name as u;
    if !u::AVAILABLE {
        return Err(err(AddrProblem::UnixNotAvailable));
    }
    if rest.contains('\0') {
        return Err(err(AddrProblem::UnixNul));
    }
    if let Some(name) = rest.strip_prefix('@') {
        if !u::ABSTRACT {
            return Err(err(AddrProblem::UnixAbstractNotHere));
        }
        if name.is_empty() {
            return Err(err(AddrProblem::UnixAbstractEmpty));
        }
        // The leading NUL takes one byte of sun_path; no terminating NUL.
        if name.len() > u::MAX_PATH {
            return Err(err(AddrProblem::UnixTooLong(name.len(), u::MAX_PATH)));
        }
        return Ok(UnixName::Abstract(name.as_bytes().to_vec()));
    }
    if rest.is_empty() {
        return Err(err(AddrProblem::UnixEmpty));
    }
    if rest.len() > u::MAX_PATH {
        return Err(err(AddrProblem::UnixTooLong(rest.len(), u::MAX_PATH)));
    }
    Ok(UnixName::Path(rest.into()))
}

/// Joins a host and port, bracketing IPv6 literals.
pub fn join_host_port(host: &str, port: u16) -> String {
    let h = host.trim();
    if h.contains(':') && !h.starts_with('[') {
        format!("[{h}]:{port}")
    } else {
        format!("{h}:{port}")
    }
}

/// Resolves an address for binding: empty host means all IPv4 interfaces.
pub fn resolve(text: &str) -> Result<Vec<SocketAddr>, AddrError> {
    let (host, port) = split_host_port(text)?;
    let host = if host.is_empty() {
        "0.0.0.0".to_string()
    } else {
        host
    };
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match (host.as_str(), port).to_socket_addrs() {
        Ok(it) => {
            let v: Vec<SocketAddr> = it.collect();
            if v.is_empty() {
                Err(err(AddrProblem::HostNoAddress(shorten(&host))))
            } else {
                Ok(v)
            }
        }
        Err(e) => {
            let p = AddrProblem::HostNotFound(shorten(&host));
            Err(AddrError(format!("{} ({e})", p.english()), p))
        }
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        let mut t: String = s.chars().take(40).collect();
        t.push('…');
        t
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_in_a_host_field_is_named_as_a_url() {
        for (text, scheme) in [("ws://127.0.0.1:9000/chat", "ws"), ("http://x", "http")] {
            let e = check_host(text, false).unwrap_err();
            assert_eq!(e.1, AddrProblem::UrlInHost(scheme.into()), "{text}");
        }
        // As HOST:PORT too (the command line's --connect).
        let e = split_host_port("http://127.0.0.1:23360/").unwrap_err();
        assert_eq!(e.1, AddrProblem::UrlInHost("http".into()));
        // An IPv6 literal is still one.
        assert!(check_host("::1", false).is_ok());
        assert!(matches!(
            check_host("::1::2", false).unwrap_err().1,
            AddrProblem::BadIpv6(_)
        ));
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("8080", false), Ok(8080));
        assert!(parse_port("0", false).is_err());
        assert_eq!(parse_port("0", true), Ok(0));
        assert!(
            parse_port("65536", false)
                .unwrap_err()
                .0
                .contains("1 to 65535")
        );
        assert!(parse_port("-1", false).is_err());
        assert!(parse_port("999999999999999999999", false).is_err());
        assert!(parse_port("", false).is_err());
        assert!(port_hint(80).unwrap().contains("well-known"));
        assert!(port_hint(8080).is_none());
    }

    #[test]
    fn hosts() {
        assert!(check_host("127.0.0.1", false).is_ok());
        assert!(check_host("::1", false).is_ok());
        assert!(check_host("[::1]", false).is_ok());
        assert!(check_host("localhost", false).is_ok());
        assert!(check_host("", true).is_ok());
        assert!(check_host("", false).is_err());
        assert!(check_host("999.1.1.1", false).is_err());
        assert!(check_host("::::", false).is_err());
        assert!(check_host("a b", false).is_err());
        assert!(check_host("😀", false).is_err());
    }

    #[test]
    fn host_port() {
        assert_eq!(
            split_host_port("127.0.0.1:8080"),
            Ok(("127.0.0.1".into(), 8080))
        );
        assert_eq!(split_host_port("[::1]:80"), Ok(("::1".into(), 80)));
        assert_eq!(split_host_port("7890"), Ok(("".into(), 7890)));
        assert_eq!(split_host_port(":7891"), Ok(("".into(), 7891)));
        assert!(split_host_port("::1:80").is_err());
        assert!(split_host_port("host").is_err());
        assert_eq!(join_host_port("::1", 5), "[::1]:5");
        assert_eq!(join_host_port("a", 5), "a:5");
        assert_eq!(resolve(":0").unwrap()[0].to_string(), "0.0.0.0:0");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn unix_addresses() {
        assert_eq!(unix("127.0.0.1:80"), None);
        assert_eq!(
            unix(" unix:/tmp/x.sock"),
            Some(Ok(UnixName::Path("/tmp/x.sock".into())))
        );
        assert_eq!(
            unix("unix:@demo"),
            Some(Ok(UnixName::Abstract(b"demo".to_vec())))
        );
        assert_eq!(
            unix("unix:").unwrap().unwrap_err().1,
            AddrProblem::UnixEmpty
        );
        assert_eq!(
            unix("unix:@").unwrap().unwrap_err().1,
            AddrProblem::UnixAbstractEmpty
        );
        let long = format!("unix:/{}", "a".repeat(200));
        assert_eq!(
            unix(&long).unwrap().unwrap_err().1,
            AddrProblem::UnixTooLong(201, 107)
        );
        assert!(is_unix("unix:/x") && !is_unix("x:1"));
    }
}
