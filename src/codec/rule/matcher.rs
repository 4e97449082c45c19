//! Matchers: what a rule (or an Expect, or a sequence step) tests received bytes with,
//! checked once ([`Matcher::compile`]) into a [`CompiledMatcher`].

use crate::codec::hex::HexProblem;
use crate::codec::{Encoding, VarValue, decode, encode, parse_hex, to_hex_spaced};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How received data is tested.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Matcher {
    /// Everything matches.
    Any,
    /// The decoded text contains this.
    Contains(String),
    /// The decoded text is exactly this.
    Equals(String),
    /// The bytes start with these, written in hex.
    StartsWithHex(String),
    /// The bytes contain these, written in hex.
    ContainsHex(String),
    /// The regex (Rust `regex` syntax) matches somewhere in the decoded text.
    Regex(String),
    /// The byte regex (`regex::bytes`, e.g. `(?-u)^\x01\x03`) matches the raw bytes.
    BytesRegex(String),
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher::Contains(String::new())
    }
}

impl Matcher {
    /// The kinds in the order the GUI offers them, with their names.
    pub const KINDS: [&'static str; 7] = [
        "contains text",
        "equals text",
        "starts with hex",
        "contains hex",
        "regex (text)",
        "regex (bytes)",
        "anything",
    ];

    /// Checks and compiles the matcher. The error names the character position.
    pub fn compile(&self) -> Result<CompiledMatcher, MatchError> {
        let inner = match self {
            Matcher::Any => Inner::Any,
            Matcher::Contains(t) => Inner::Contains(t.clone()),
            Matcher::Equals(t) => Inner::Equals(t.clone()),
            Matcher::StartsWithHex(h) => Inner::StartsWith(hex(h)?),
            Matcher::ContainsHex(h) => {
                let b = hex(h)?;
                if b.is_empty() {
                    Inner::Any
                } else {
                    Inner::ContainsBytes(b)
                }
            }
            Matcher::Regex(r) => Inner::Regex(
                regex::RegexBuilder::new(r)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| regex_error(e, r, true))?,
            ),
            Matcher::BytesRegex(r) => Inner::Bytes(
                regex::bytes::RegexBuilder::new(r)
                    .size_limit(1 << 20)
                    .build()
                    .map_err(|e| regex_error(e, r, false))?,
            ),
        };
        Ok(CompiledMatcher(inner))
    }

    /// A one-line description: `contains "OK"`, `starts with 01 03`.
    pub fn describe(&self) -> String {
        match self {
            Matcher::Any => "anything".into(),
            Matcher::Contains(t) => format!("contains {t:?}"),
            Matcher::Equals(t) => format!("equals {t:?}"),
            Matcher::StartsWithHex(h) => format!("starts with {}", h.trim()),
            Matcher::ContainsHex(h) => format!("contains {}", h.trim()),
            Matcher::Regex(r) => format!("matches /{r}/"),
            Matcher::BytesRegex(r) => format!("matches bytes /{r}/"),
        }
    }

    /// The index into [`Matcher::KINDS`].
    pub fn kind_index(&self) -> usize {
        match self {
            Matcher::Contains(_) => 0,
            Matcher::Equals(_) => 1,
            Matcher::StartsWithHex(_) => 2,
            Matcher::ContainsHex(_) => 3,
            Matcher::Regex(_) => 4,
            Matcher::BytesRegex(_) => 5,
            Matcher::Any => 6,
        }
    }

    /// The matcher's text (pattern, hex or text); empty for `Any`.
    pub fn value(&self) -> &str {
        match self {
            Matcher::Any => "",
            Matcher::Contains(s)
            | Matcher::Equals(s)
            | Matcher::StartsWithHex(s)
            | Matcher::ContainsHex(s)
            | Matcher::Regex(s)
            | Matcher::BytesRegex(s) => s,
        }
    }

    /// Builds a matcher of kind `index` (see [`Matcher::KINDS`]) holding `value`.
    pub fn from_kind(index: usize, value: String) -> Matcher {
        match index {
            0 => Matcher::Contains(value),
            1 => Matcher::Equals(value),
            2 => Matcher::StartsWithHex(value),
            3 => Matcher::ContainsHex(value),
            4 => Matcher::Regex(value),
            5 => Matcher::BytesRegex(value),
            _ => Matcher::Any,
        }
    }
}

/// A matcher that does not compile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchError {
    /// 0-based character position in the matcher's text, when known.
    pub position: Option<usize>,
    pub problem: MatchProblem,
}

/// Why a matcher does not compile, typed (the window words it in its language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MatchProblem {
    /// The hex to match does not parse.
    Hex(HexProblem),
    /// The regex does not parse: the regex library's own (English) words.
    Regex(String),
    /// The regex compiles to more than the size limit.
    RegexTooBig,
}

impl MatchProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        match self {
            MatchProblem::Hex(h) => format!("bad hex: {}", h.english()),
            MatchProblem::Regex(detail) => format!("bad regex: {detail}"),
            MatchProblem::RegexTooBig => "the regex is too big".into(),
        }
    }
}

impl MatchError {
    /// What is wrong, in English, without the position.
    pub fn reason(&self) -> String {
        self.problem.english()
    }
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "position {}: {}", p + 1, self.reason()),
            None => f.write_str(&self.reason()),
        }
    }
}

impl std::error::Error for MatchError {}

fn hex(h: &str) -> Result<Vec<u8>, MatchError> {
    parse_hex(h).map_err(|e| MatchError {
        position: Some(e.position),
        problem: MatchProblem::Hex(e.problem),
    })
}

/// The character position in `pattern` where its syntax error is (None when it has none).
fn regex_position(pattern: &str, utf8: bool) -> Option<usize> {
    let e = regex_syntax::ParserBuilder::new()
        .utf8(utf8)
        .build()
        .parse(pattern)
        .err()?;
    let offset = match &e {
        regex_syntax::Error::Parse(e) => e.span().start.offset,
        regex_syntax::Error::Translate(e) => e.span().start.offset,
        _ => return None,
    };
    Some(pattern.get(..offset)?.chars().count())
}

fn regex_error(e: regex::Error, pattern: &str, utf8: bool) -> MatchError {
    let position = match &e {
        regex::Error::Syntax(_) => regex_position(pattern, utf8),
        _ => None,
    };
    let problem = match &e {
        regex::Error::Syntax(s) => {
            // The syntax error's last line says what is wrong; keep the message short.
            let last = s.lines().rev().find(|l| !l.trim().is_empty());
            MatchProblem::Regex(last.unwrap_or(s).trim_start_matches("error: ").into())
        }
        regex::Error::CompiledTooBig(_) => MatchProblem::RegexTooBig,
        other => MatchProblem::Regex(other.to_string()),
    };
    MatchError { position, problem }
}

#[derive(Clone, Debug)]
enum Inner {
    Any,
    Contains(String),
    Equals(String),
    StartsWith(Vec<u8>),
    ContainsBytes(Vec<u8>),
    Regex(regex::Regex),
    Bytes(regex::bytes::Regex),
}

/// A checked matcher, ready to test data.
#[derive(Clone, Debug)]
pub struct CompiledMatcher(Inner);

impl CompiledMatcher {
    /// Tests `data`; text matchers decode it with `enc` first (bad bytes become U+FFFD).
    pub fn is_match(&self, data: &[u8], enc: Encoding) -> bool {
        match &self.0 {
            Inner::Any => true,
            Inner::Contains(t) => decode(enc, data).contains(t.as_str()),
            Inner::Equals(t) => decode(enc, data) == *t,
            Inner::StartsWith(b) => data.starts_with(b),
            Inner::ContainsBytes(b) => data.windows(b.len()).any(|w| w == b.as_slice()),
            Inner::Regex(r) => r.is_match(&decode(enc, data)),
            Inner::Bytes(r) => r.is_match(data),
        }
    }

    /// The names a reply may use for the regex's groups: `0` (the whole match), `1`, `2`…
    /// and each `(?P<name>…)`. None for a matcher that is not a regex.
    pub fn group_names(&self) -> Option<Vec<String>> {
        let names: Vec<Option<&str>> = match &self.0 {
            Inner::Regex(r) => r.capture_names().collect(),
            Inner::Bytes(r) => r.capture_names().collect(),
            _ => return None,
        };
        let mut out: Vec<String> = (0..names.len()).map(|i| i.to_string()).collect();
        out.extend(names.into_iter().flatten().map(String::from));
        Some(out)
    }

    /// The values of the groups named in `want` (see [`CompiledMatcher::group_names`]) in
    /// the first match in `data`: a text regex's as text (`data` decoded with `enc`), a byte
    /// regex's as the bytes. A group that took no part is left out. None when nothing
    /// matches or the matcher is not a regex.
    pub fn captures(&self, data: &[u8], enc: Encoding, want: &[String]) -> Option<Captures> {
        match &self.0 {
            Inner::Regex(r) => {
                let text = decode(enc, data);
                let c = r.captures(&text)?;
                Some(pick(want, |w| {
                    group(w, |i| c.get(i), |n| c.name(n))
                        .map(|m| VarValue::Text(m.as_str().to_string()))
                }))
            }
            Inner::Bytes(r) => {
                let c = r.captures(data)?;
                Some(pick(want, |w| {
                    group(w, |i| c.get(i), |n| c.name(n))
                        .map(|m| VarValue::Bytes(m.as_bytes().to_vec()))
                }))
            }
            _ => None,
        }
    }
}

impl CompiledMatcher {
    /// Where it matches in `data`, left to right and not overlapping, each with the values
    /// of the groups in `want` (a regex's; none for the others): what a relay's rewrite
    /// replaces. Linear (memchr's substring search, the regex crate). A text regex only
    /// looks at `data` that is valid UTF-8 (its places are then byte places).
    pub fn spans(&self, data: &[u8], enc: Encoding, want: &[String]) -> Vec<(Range, Captures)> {
        let whole = || vec![(0..data.len(), Vec::new())];
        let every = |needle: &[u8]| -> Vec<(Range, Captures)> {
            if needle.is_empty() {
                return whole();
            }
            memchr::memmem::find_iter(data, needle)
                .map(|at| (at..at + needle.len(), Vec::new()))
                .collect()
        };
        match &self.0 {
            Inner::Any => whole(),
            Inner::Equals(_) if self.is_match(data, enc) => whole(),
            Inner::Equals(_) => Vec::new(),
            Inner::Contains(t) => encode(enc, t).map(|n| every(&n)).unwrap_or_default(),
            Inner::StartsWith(b) if data.starts_with(b) => vec![(0..b.len(), Vec::new())],
            Inner::StartsWith(_) => Vec::new(),
            Inner::ContainsBytes(b) => every(b),
            Inner::Regex(r) => match std::str::from_utf8(data) {
                Ok(text) => r
                    .captures_iter(text)
                    .filter_map(|c| {
                        let m = c.get(0)?;
                        let vals = pick(want, |w| {
                            group(w, |i| c.get(i), |n| c.name(n))
                                .map(|g| VarValue::Text(g.as_str().to_string()))
                        });
                        Some((m.range(), vals))
                    })
                    .collect(),
                Err(_) => Vec::new(),
            },
            Inner::Bytes(r) => r
                .captures_iter(data)
                .filter_map(|c| {
                    let m = c.get(0)?;
                    let vals = pick(want, |w| {
                        group(w, |i| c.get(i), |n| c.name(n))
                            .map(|g| VarValue::Bytes(g.as_bytes().to_vec()))
                    });
                    Some((m.range(), vals))
                })
                .collect(),
        }
    }
}

/// A place in the bytes: start..end.
pub type Range = std::ops::Range<usize>;

/// A regex's groups' values by name, for a reply's render.
pub type Captures = Vec<(String, VarValue)>;

/// The group a reply's name stands for: a number, else a group's name.
fn group<M>(
    name: &str,
    by_index: impl Fn(usize) -> Option<M>,
    by_name: impl Fn(&str) -> Option<M>,
) -> Option<M> {
    match name.parse::<usize>() {
        Ok(i) => by_index(i),
        Err(_) => by_name(name),
    }
}

fn pick(want: &[String], value: impl Fn(&str) -> Option<VarValue>) -> Captures {
    want.iter()
        .filter_map(|w| value(w).map(|v| (w.clone(), v)))
        .collect()
}

/// A short form of bytes for messages: hex, cut after 32 bytes.
pub fn brief_hex(b: &[u8]) -> String {
    if b.len() > 32 {
        format!("{} … ({} bytes)", to_hex_spaced(&b[..32]), b.len())
    } else {
        to_hex_spaced(b)
    }
}

/// Encodes `text` for a [`Matcher::ContainsHex`] in the given encoding (for callers that
/// want byte-exact text matching).
pub fn text_as_hex(text: &str, enc: Encoding) -> Result<String, crate::codec::EncodeError> {
    encode(enc, text).map(|b| crate::codec::to_hex(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regex_error_says_where() {
        let e = Matcher::Regex(r"REQ (?P<n>\d+".into())
            .compile()
            .unwrap_err();
        assert_eq!(e.position, Some(4), "{e:?}");
        let e = Matcher::BytesRegex(r"收到 [z-a]".into())
            .compile()
            .unwrap_err();
        assert_eq!(e.position, Some(4), "{e:?}");
    }

    #[test]
    fn matchers() {
        let enc = Encoding::UTF_8;
        let m = |m: Matcher, d: &[u8]| m.compile().unwrap().is_match(d, enc);
        assert!(m(Matcher::Contains("OK".into()), b"xxOKxx"));
        assert!(!m(Matcher::Contains("OK".into()), b"xxokxx"));
        assert!(m(Matcher::Equals("PING".into()), b"PING"));
        assert!(!m(Matcher::Equals("PING".into()), b"PING\n"));
        assert!(m(Matcher::StartsWithHex("01 03".into()), &[1, 3, 0]));
        assert!(!m(Matcher::StartsWithHex("01 03".into()), &[1]));
        assert!(m(Matcher::ContainsHex("0d0a".into()), b"a\r\n"));
        assert!(m(Matcher::Regex(r"^T=(\d+)C$".into()), b"T=21C"));
        assert!(!m(Matcher::Regex(r"^T=(\d+)C$".into()), b"T=C"));
        assert!(m(
            Matcher::BytesRegex(r"(?-u)^\x01[\x03\x04]".into()),
            &[1, 4, 0xff]
        ));
        assert!(m(Matcher::Any, b""));
        let gbk = Matcher::Contains("收到".into()).compile().unwrap();
        assert!(gbk.is_match(&[0xca, 0xd5, 0xb5, 0xbd], Encoding::GBK));
        for k in 0..Matcher::KINDS.len() {
            assert_eq!(Matcher::from_kind(k, "x".into()).kind_index(), k);
        }
    }

    #[test]
    fn groups_and_captures() {
        let want = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = Matcher::Regex(r"REQ (?P<n>\d+)( x)?".into())
            .compile()
            .unwrap();
        assert_eq!(m.group_names().unwrap(), ["0", "1", "2", "n"]);
        let c = m.captures(b"REQ 42", Encoding::UTF_8, &want(&["n", "1", "0", "2"]));
        let t = |s: &str| VarValue::Text(s.into());
        assert_eq!(
            c.unwrap(),
            [
                ("n".to_string(), t("42")),
                ("1".to_string(), t("42")),
                ("0".to_string(), t("REQ 42")),
            ]
        );
        assert!(
            m.captures(b"nope", Encoding::UTF_8, &want(&["n"]))
                .is_none()
        );
        // A text regex sees the decoded text.
        let m = Matcher::Regex("收(.)".into()).compile().unwrap();
        let c = m.captures(&[0xca, 0xd5, 0xb5, 0xbd], Encoding::GBK, &want(&["1"]));
        assert_eq!(c.unwrap(), [("1".to_string(), t("到"))]);
        // A byte regex's group is the raw bytes.
        let m = Matcher::BytesRegex(r"(?s-u)^\x01\x03(..)".into())
            .compile()
            .unwrap();
        let c = m.captures(&[1, 3, 0xff, 0, 9], Encoding::UTF_8, &want(&["1"]));
        assert_eq!(
            c.unwrap(),
            [("1".to_string(), VarValue::Bytes(vec![0xff, 0]))]
        );
        assert!(
            Matcher::Contains("x".into())
                .compile()
                .unwrap()
                .group_names()
                .is_none()
        );
    }

    #[test]
    fn bad_matchers_say_why() {
        let e = Matcher::StartsWithHex("01 0G".into())
            .compile()
            .unwrap_err();
        assert_eq!(e.position, Some(4));
        let e = Matcher::Regex("a(b".into()).compile().unwrap_err();
        assert!(e.reason().contains("bad regex"), "{e}");
        assert!(matches!(e.problem, MatchProblem::Regex(_)), "{e}");
    }
}
