//! A hex diff of expected against received bytes, 16 to a row: only the rows that differ
//! (and the lengths, when they do), with `^^` under each byte that is not as expected.
//! Used by replay's `--check`, where a reply that differs from the recorded one is shown.

/// The lines of the diff, in English; empty when `expected == got`.
pub fn hex_diff(expected: &[u8], got: &[u8]) -> Vec<String> {
    let length = format!(
        "length: expected {} bytes, got {}",
        expected.len(),
        got.len()
    );
    hex_diff_in(expected, got, ("expected", "got"), length)
}

/// [`hex_diff`] with the row labels and the length line in a language of the caller's.
pub fn hex_diff_in(
    expected: &[u8],
    got: &[u8],
    words: (&str, &str),
    length: String,
) -> Vec<String> {
    if expected == got {
        return Vec::new();
    }
    let mut out = Vec::new();
    if expected.len() != got.len() {
        out.push(length);
    }
    let w = words.0.chars().count().max(words.1.chars().count());
    let pad = |s: &str| format!("{s}{}", " ".repeat(w - s.chars().count()));
    let rows = expected.len().max(got.len()).div_ceil(16);
    let cell = |b: Option<&u8>| b.map_or("  ".to_string(), |b| format!("{b:02x}"));
    for r in 0..rows {
        let range = r * 16..(r + 1) * 16;
        let e: Vec<Option<&u8>> = range.clone().map(|i| expected.get(i)).collect();
        let g: Vec<Option<&u8>> = range.map(|i| got.get(i)).collect();
        if e == g {
            continue;
        }
        let row = |v: &[Option<&u8>]| v.iter().map(|b| cell(*b)).collect::<Vec<_>>().join(" ");
        let marks: Vec<&str> = e
            .iter()
            .zip(&g)
            .map(|(a, b)| if a == b { "  " } else { "^^" })
            .collect();
        out.push(format!(
            "{:06x}  {}  {}",
            r * 16,
            pad(words.0),
            row(&e).trim_end()
        ));
        out.push(format!(
            "{:6}  {}  {}",
            "",
            pad(words.1),
            row(&g).trim_end()
        ));
        let blank = " ".repeat(w);
        out.push(format!("{:6}  {blank}  {}", "", marks.join(" ").trim_end()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_that_differ_are_shown_with_marks_under_the_bytes() {
        assert!(hex_diff(b"same", b"same").is_empty());
        let mut a = vec![0u8; 40];
        let mut b = a.clone();
        b[17] = 0xff;
        let d = hex_diff(&a, &b);
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(d[0].starts_with("000010  expected  00 00"));
        assert!(d[1].contains("00 ff 00"));
        assert_eq!(d[2].trim_start(), "^^");
        a.truncate(38);
        let d = hex_diff(&a, &b);
        assert_eq!(d[0], "length: expected 38 bytes, got 40");
    }
}
