//! A hex diff of expected against received bytes, 16 to a row: only the rows that differ
//! (and the lengths, when they do), with `^^` under each byte that is not as expected.
//! Used by replay's `--check` and the test sequences, where a reply that differs is shown.
//!
//! [`diff_rows`] gives the rows as data: every row's hex is the same 47 columns (16 cells
//! of two digits, one space between, a missing byte as two spaces), and `marks` puts its
//! `^^` exactly under the cell it marks, so a mark's column is `3 × index` whatever the
//! bytes are (text in a multi-byte encoding included). The window draws the label, the
//! offset and the hex in columns of their own, so a label in a wide script (期望) cannot
//! push the marks away from the bytes; the text form pads the labels by their display
//! width (a CJK character takes two columns of a terminal).

use unicode_width::UnicodeWidthStr;

/// Bytes in one row.
pub const ROW: usize = 16;

/// One row of the diff that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffRow {
    /// The offset of the row's first byte.
    pub offset: usize,
    /// The expected bytes' hex, 47 columns.
    pub expected: String,
    /// The received bytes' hex, 47 columns.
    pub got: String,
    /// `^^` under each differing cell, spaces elsewhere, trimmed at the end.
    pub marks: String,
}

/// The rows that differ (none when `expected == got`).
pub fn diff_rows(expected: &[u8], got: &[u8]) -> Vec<DiffRow> {
    let rows = expected.len().max(got.len()).div_ceil(ROW);
    let cell = |b: Option<&u8>| b.map_or("  ".to_string(), |b| format!("{b:02x}"));
    let mut out = Vec::new();
    for r in 0..rows {
        let range = r * ROW..(r + 1) * ROW;
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
        out.push(DiffRow {
            offset: r * ROW,
            expected: row(&e),
            got: row(&g),
            marks: marks.join(" ").trim_end().to_string(),
        });
    }
    out
}

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
    let w = words.0.width().max(words.1.width());
    let pad = |s: &str| format!("{s}{}", " ".repeat(w - s.width()));
    let blank = " ".repeat(w);
    for r in diff_rows(expected, got) {
        out.push(format!(
            "{:06x}  {}  {}",
            r.offset,
            pad(words.0),
            r.expected.trim_end()
        ));
        out.push(format!("{:6}  {}  {}", "", pad(words.1), r.got.trim_end()));
        out.push(format!("{:6}  {blank}  {}", "", r.marks));
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

    /// Each `^^` stands exactly under a cell whose bytes differ, and every differing
    /// cell has one.
    fn marks_are_under_the_differing_cells(expected: &[u8], got: &[u8]) {
        for r in diff_rows(expected, got) {
            assert_eq!(r.expected.len(), 47, "{r:?}");
            assert_eq!(r.got.len(), 47, "{r:?}");
            for i in 0..ROW {
                let at = 3 * i;
                let cell = |s: &str| s.get(at..at + 2).unwrap_or("").to_string();
                let differs = cell(&r.expected) != cell(&r.got);
                assert_eq!(cell(&r.marks) == "^^", differs, "cell {i} of {r:?}");
            }
        }
    }

    #[test]
    fn marks_stay_under_their_bytes_for_long_multibyte_and_gbk_payloads() {
        // UTF-8: 你好世界 × 20 (240 bytes) against the same with one character changed.
        let e = "你好世界".repeat(20);
        let g = e.replacen("世", "时", 7);
        marks_are_under_the_differing_cells(e.as_bytes(), g.as_bytes());
        assert!(!diff_rows(e.as_bytes(), g.as_bytes()).is_empty());
        // GBK: 收到啦我反馈 against 收到了我反馈, and one longer than the other.
        let (te, tg) = ("收到啦我反馈".repeat(9), "收到了我反馈".repeat(10));
        let (gbk_e, _, _) = encoding_rs::GBK.encode(&te);
        let (gbk_g, _, _) = encoding_rs::GBK.encode(&tg);
        marks_are_under_the_differing_cells(&gbk_e, &gbk_g);
        // Arbitrary bytes, every value.
        let a: Vec<u8> = (0..=255).collect();
        let b: Vec<u8> = (0..=255)
            .map(|x: u8| x ^ u8::from(x.is_multiple_of(7)))
            .collect();
        marks_are_under_the_differing_cells(&a, &b);
    }

    #[test]
    fn a_wide_label_keeps_the_marks_under_the_bytes() {
        let d = hex_diff_in(
            b"\x01\x02\x03",
            b"\x01\x09\x03",
            ("期望", "收到"),
            String::new(),
        );
        // 期望 is four terminal columns wide: the marks line is padded by as many.
        let col = |line: &str, needle: &str| {
            let i = line.find(needle).unwrap();
            line[..i].width()
        };
        assert_eq!(col(&d[0], "02"), col(&d[2], "^^"), "{d:#?}");
        assert_eq!(col(&d[1], "09"), col(&d[2], "^^"), "{d:#?}");
    }
}
