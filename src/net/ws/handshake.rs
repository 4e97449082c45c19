//! The opening handshake (RFC 6455 section 4), on bytes: the client's request and its
//! check of the answer; the server's check of a request and its answer. httparse reads
//! the heads (bounded by [`MAX_HANDSHAKE`]); tungstenite derives the keys.

use super::{Handshake, MAX_HANDSHAKE, Refusal, WsOptions};
use tungstenite::handshake::derive_accept_key;

const MAX_HEADERS: usize = 64;

/// What a head gave so far.
#[derive(Debug)]
pub enum Head<T> {
    /// Not all of it yet.
    Partial,
    /// Done: the result and how many bytes the head took (the rest are frames).
    Done(T, usize),
    /// Refused; a server sends `answer` (an HTTP error) before closing.
    Refused {
        why: Refusal,
        answer: Option<String>,
    },
}

/// The client's request, remembered to check the server's answer.
#[derive(Clone, Debug)]
pub struct ClientRequest {
    pub text: String,
    key: String,
    offered: Vec<String>,
    path: String,
}

/// The client's request: GET path, Host, the key, the offered subprotocols, extra headers.
pub fn client_request(opts: &WsOptions) -> ClientRequest {
    let key = tungstenite::handshake::client::generate_key();
    let mut text = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n",
        opts.path, opts.host
    );
    if !opts.subprotocols.is_empty() {
        text.push_str(&format!(
            "Sec-WebSocket-Protocol: {}\r\n",
            opts.subprotocols.join(", ")
        ));
    }
    for (k, v) in &opts.headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    ClientRequest {
        text,
        key,
        offered: opts.subprotocols.clone(),
        path: opts.path.clone(),
    }
}

/// The head's text (for the handshake shown), lossy where it is not UTF-8.
fn head_text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn headers_of(h: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    h.iter()
        .map(|h| (h.name.to_string(), head_text(h.value)))
        .collect()
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// True when the comma-separated `value` holds `token` (case-insensitive).
fn has_token(value: Option<&str>, token: &str) -> bool {
    value.is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
}

/// The client checks the server's answer (`buf`: everything received so far).
pub fn client_check(req: &ClientRequest, buf: &[u8]) -> Head<Handshake> {
    if !b"HTTP/".starts_with(&buf[..buf.len().min(5)]) {
        return refused(Refusal::NotHttp, None);
    }
    let mut hs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut resp = httparse::Response::new(&mut hs);
    let n = match resp.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HANDSHAKE => {
            return refused(Refusal::TooLarge, None);
        }
        Ok(httparse::Status::Partial) => return Head::Partial,
        Err(httparse::Error::TooManyHeaders) => return refused(Refusal::TooLarge, None),
        Err(_) => return refused(Refusal::NotHttp, None),
    };
    let code = resp.code.unwrap_or(0);
    if code != 101 {
        return refused(Refusal::Status { code }, None);
    }
    let headers = headers_of(resp.headers);
    if !has_token(header(&headers, "upgrade"), "websocket")
        || !has_token(header(&headers, "connection"), "upgrade")
    {
        return refused(Refusal::NotUpgrade, None);
    }
    let want = derive_accept_key(req.key.as_bytes());
    if header(&headers, "sec-websocket-accept").map(str::trim) != Some(want.as_str()) {
        return refused(Refusal::BadAccept, None);
    }
    let subprotocol = header(&headers, "sec-websocket-protocol").map(|s| s.trim().to_string());
    if let Some(p) = &subprotocol
        && !req.offered.iter().any(|o| o == p)
    {
        return refused(Refusal::BadSubprotocol { name: p.clone() }, None);
    }
    Head::Done(
        Handshake {
            path: req.path.clone(),
            subprotocol,
            headers,
            request: req.text.clone(),
            response: head_text(&buf[..n]),
        },
        n,
    )
}

fn refused<T>(why: Refusal, answer: Option<String>) -> Head<T> {
    Head::Refused { why, answer }
}

/// An HTTP error answer with a one-line body.
fn http_error(status: &str, extra: &str) -> Option<String> {
    let body = format!("{status}\n");
    Some(format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    ))
}

/// The server checks a request (`buf`: everything received so far) and answers it.
pub fn server_check(opts: &WsOptions, buf: &[u8]) -> Head<Handshake> {
    if !b"GET ".starts_with(&buf[..buf.len().min(4)]) {
        // Not a GET: a plain-TCP client, TLS on a ws port, or another HTTP method.
        let http = buf.len() >= 4 && buf[..4].iter().all(u8::is_ascii_uppercase);
        let answer = http.then(|| http_error("405 Method Not Allowed", "Allow: GET\r\n"));
        return refused(Refusal::NotHttp, answer.flatten());
    }
    let mut hs = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut hs);
    let n = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) if buf.len() > MAX_HANDSHAKE => {
            return refused(
                Refusal::TooLarge,
                http_error("431 Request Header Fields Too Large", ""),
            );
        }
        Ok(httparse::Status::Partial) => return Head::Partial,
        Err(httparse::Error::TooManyHeaders) => {
            return refused(
                Refusal::TooLarge,
                http_error("431 Request Header Fields Too Large", ""),
            );
        }
        Err(_) => return refused(Refusal::NotHttp, http_error("400 Bad Request", "")),
    };
    let path = req.path.unwrap_or("/").to_string();
    let headers = headers_of(req.headers);
    if !has_token(header(&headers, "upgrade"), "websocket")
        || !has_token(header(&headers, "connection"), "upgrade")
    {
        return refused(
            Refusal::NotUpgrade,
            http_error("426 Upgrade Required", "Upgrade: websocket\r\n"),
        );
    }
    let version = header(&headers, "sec-websocket-version")
        .unwrap_or("")
        .trim();
    if version != "13" {
        return refused(
            Refusal::BadVersion {
                version: version.to_string(),
            },
            http_error("426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n"),
        );
    }
    let Some(key) = header(&headers, "sec-websocket-key")
        .map(str::trim)
        .filter(|k| !k.is_empty())
    else {
        return refused(Refusal::NoKey, http_error("400 Bad Request", ""));
    };
    let bare = path.split('?').next().unwrap_or("/");
    if !opts.paths.is_empty() && !opts.paths.iter().any(|p| p == bare) {
        return refused(
            Refusal::PathNotAllowed { path: path.clone() },
            http_error("404 Not Found", ""),
        );
    }
    // The client's first offered subprotocol that this server accepts.
    let subprotocol = header(&headers, "sec-websocket-protocol").and_then(|v| {
        v.split(',')
            .map(str::trim)
            .find(|p| opts.subprotocols.iter().any(|s| s == p))
            .map(str::to_string)
    });
    let mut response = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n",
        derive_accept_key(key.as_bytes())
    );
    if let Some(p) = &subprotocol {
        response.push_str(&format!("Sec-WebSocket-Protocol: {p}\r\n"));
    }
    for (k, v) in &opts.headers {
        response.push_str(&format!("{k}: {v}\r\n"));
    }
    response.push_str("\r\n");
    Head::Done(
        Handshake {
            path,
            subprotocol,
            headers,
            request: head_text(&buf[..n]),
            response,
        },
        n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_and_server_agree() {
        let mut c = WsOptions {
            path: "/chat".into(),
            host: "h:1".into(),
            subprotocols: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        c.headers.push(("X-Id".into(), "7".into()));
        let req = client_request(&c);
        let s = WsOptions {
            paths: vec!["/chat".into()],
            subprotocols: vec!["b".into()],
            ..Default::default()
        };
        let mut wire = req.text.clone().into_bytes();
        wire.extend_from_slice(b"\x81\x80");
        let Head::Done(hs, n) = server_check(&s, &wire) else {
            panic!("refused")
        };
        assert_eq!(n, req.text.len());
        assert_eq!(hs.subprotocol.as_deref(), Some("b"));
        assert_eq!(header(&hs.headers, "x-id"), Some("7"));
        let Head::Done(ch, _) = client_check(&req, hs.response.as_bytes()) else {
            panic!("client refused")
        };
        assert_eq!(ch.subprotocol.as_deref(), Some("b"));
        assert!(matches!(server_check(&s, b"GET /ch"), Head::Partial));
        let other = req.text.replace("GET /chat", "GET /other");
        assert!(matches!(
            server_check(&s, other.as_bytes()),
            Head::Refused {
                why: Refusal::PathNotAllowed { .. },
                answer: Some(_)
            }
        ));
        assert!(matches!(
            server_check(&s, b"hello\n"),
            Head::Refused {
                why: Refusal::NotHttp,
                answer: None
            }
        ));
        assert!(matches!(
            client_check(&req, b"HTTP/1.1 404 Not Found\r\n\r\n"),
            Head::Refused {
                why: Refusal::Status { code: 404 },
                ..
            }
        ));
    }
}
