//! `ws://HOST[:PORT][/PATH]` and `wss://…`: where to connect, the Host header and the
//! request's path. The port defaults to 80 (ws) and 443 (wss).

use std::fmt;

/// A parsed WebSocket URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WsUrl {
    /// `wss://`: TLS on the connection.
    pub tls: bool,
    /// `HOST:PORT` to connect to (IPv6 in brackets).
    pub address: String,
    /// The Host header: the host, with the port when it is not the scheme's default.
    pub host_header: String,
    /// The path and query, starting with `/`.
    pub path: String,
}

/// What is wrong with a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UrlError {
    /// Neither `ws://` nor `wss://`.
    Scheme,
    /// Nothing between `//` and the path.
    NoHost,
    /// The port is not a number from 1 to 65535.
    BadPort(String),
    /// A space or control character.
    BadChar,
    /// A `#fragment`: RFC 6455 says a WebSocket URL must not have one.
    Fragment,
    /// A `user:password@` part: WebSocket sends no credentials from the URL.
    UserInfo,
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Scheme => write!(f, "a WebSocket URL starts with ws:// or wss://"),
            UrlError::NoHost => write!(f, "no host after ws:// (ws://HOST:PORT/PATH)"),
            UrlError::BadPort(p) => write!(f, "port {p:?} is not a number from 1 to 65535"),
            UrlError::BadChar => write!(f, "a URL has no spaces or control characters"),
            UrlError::Fragment => write!(
                f,
                "a WebSocket URL has no #fragment (RFC 6455 section 3): remove the part from #"
            ),
            UrlError::UserInfo => write!(
                f,
                "user:password@ in a WebSocket URL is not sent to the server: remove it and give the credentials as a header (--header 'Authorization: Basic …')"
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// True when `text` is meant as a WebSocket URL (it starts with `ws://` or `wss://`).
pub fn is_ws_url(text: &str) -> bool {
    let t = text.trim().to_ascii_lowercase();
    t.starts_with("ws://") || t.starts_with("wss://")
}

pub fn parse(text: &str) -> Result<WsUrl, UrlError> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let (tls, rest) = if lower.starts_with("wss://") {
        (true, &t[6..])
    } else if lower.starts_with("ws://") {
        (false, &t[5..])
    } else {
        return Err(UrlError::Scheme);
    };
    if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UrlError::BadChar);
    }
    if rest.contains('#') {
        return Err(UrlError::Fragment);
    }
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    let path = match path {
        "" => "/".to_string(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_string(),
    };
    if authority.contains('@') {
        return Err(UrlError::UserInfo);
    }
    let (host, port) = split_authority(authority)?;
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    let default = if tls { 443 } else { 80 };
    let port = match port {
        None => default,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => return Err(UrlError::BadPort(p.to_string())),
        },
    };
    let bracketed = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    let host_header = if port == default {
        bracketed.clone()
    } else {
        format!("{bracketed}:{port}")
    };
    Ok(WsUrl {
        tls,
        address: format!("{bracketed}:{port}"),
        host_header,
        path,
    })
}

/// `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_authority(a: &str) -> Result<(&str, Option<&str>), UrlError> {
    if let Some(inner) = a.strip_prefix('[') {
        let Some(end) = inner.find(']') else {
            return Err(UrlError::NoHost);
        };
        let host = &inner[..end];
        return match &inner[end + 1..] {
            "" => Ok((host, None)),
            r => match r.strip_prefix(':') {
                Some(p) => Ok((host, Some(p))),
                None => Err(UrlError::BadPort(r.to_string())),
            },
        };
    }
    match a.rsplit_once(':') {
        Some((h, p)) => Ok((h, Some(p))),
        None => Ok((a, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse("ws://127.0.0.1:9000/chat?x=1").unwrap();
        assert_eq!(u.address, "127.0.0.1:9000");
        assert_eq!(u.path, "/chat?x=1");
        assert!(!u.tls);
        let u = parse("WSS://example.org").unwrap();
        assert_eq!(
            (u.address.as_str(), u.path.as_str()),
            ("example.org:443", "/")
        );
        assert_eq!(u.host_header, "example.org");
        let u = parse("ws://[::1]:81?q").unwrap();
        assert_eq!((u.address.as_str(), u.path.as_str()), ("[::1]:81", "/?q"));
        assert_eq!(parse("http://x"), Err(UrlError::Scheme));
        assert_eq!(parse("ws://:80/"), Err(UrlError::NoHost));
        assert_eq!(parse("ws://h:0/"), Err(UrlError::BadPort("0".into())));
        assert_eq!(
            parse("ws://h:99999"),
            Err(UrlError::BadPort("99999".into()))
        );
        assert_eq!(parse("ws://h /x"), Err(UrlError::BadChar));
        assert_eq!(parse("ws://h:1/x#top"), Err(UrlError::Fragment));
        assert_eq!(parse("ws://me:pw@h:1/x"), Err(UrlError::UserInfo));
        // An @ in the path or query is the path's.
        assert_eq!(parse("ws://h:1/a@b").unwrap().path, "/a@b");
    }
}
