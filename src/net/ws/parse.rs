//! The WebSocket fields people type (a header, a subprotocol, a path, the size bound),
//! checked the same way for the window and the command line; each caller words the
//! problem in its own place and language.

/// An HTTP token (a header name, a subprotocol): letters, digits and !#$%&'*+-.^_`|~.
pub fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A request path: starts with `/`, no spaces or control characters.
pub fn is_path(s: &str) -> bool {
    // No `#fragment`: it is never sent in a WebSocket request (RFC 6455 section 3).
    s.starts_with('/')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '#')
}

/// `NAME: VALUE` (the name a token, the value without control characters), trimmed.
pub fn header(s: &str) -> Option<(String, String)> {
    let (name, value) = s.split_once(':')?;
    let (name, value) = (name.trim(), value.trim());
    if !is_token(name) || value.chars().any(|c| c.is_control()) {
        return None;
    }
    Some((name.to_string(), value.to_string()))
}

/// A size bound: bytes, or with K/M (KiB, MiB), from 1 byte to [`super::MAX_MAX_MESSAGE`].
pub fn size(s: &str) -> Option<usize> {
    let t = s.trim();
    let (num, mul) = match t.char_indices().last() {
        Some((i, 'K' | 'k')) => (&t[..i], 1024),
        Some((i, 'M' | 'm')) => (&t[..i], 1024 * 1024),
        _ => (t, 1),
    };
    let n: usize = num.trim().parse().ok()?;
    let n = n.checked_mul(mul)?;
    (1..=super::MAX_MAX_MESSAGE).contains(&n).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(size("64K"), Some(65536));
        assert_eq!(size("1m"), Some(1 << 20));
        assert_eq!(size("65M"), None);
        assert_eq!(size("0"), None);
        assert_eq!(size("x"), None);
        assert_eq!(header("X-A: b c"), Some(("X-A".into(), "b c".into())));
        assert_eq!(header("X A: b"), None);
        assert_eq!(header("nocolon"), None);
        assert!(is_token("chat.v2") && !is_token("a b") && !is_token(""));
        assert!(is_path("/a?b=1") && !is_path("a") && !is_path("/a b"));
        assert!(!is_path("/x#frag"), "no fragment");
    }
}
