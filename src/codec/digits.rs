//! Digits as a Chinese input method types them (full-width) read as ASCII.

/// Full-width digits (and `．` `－` `＋`), as a Chinese input method types them, as ASCII:
/// `２０` is `20`. Anything else is left as it is.
pub fn ascii_digits(s: &str) -> std::borrow::Cow<'_, str> {
    let wide = |c: char| ('\u{FF10}'..='\u{FF19}').contains(&c) || matches!(c, '．' | '－' | '＋');
    if !s.chars().any(wide) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '．' => '.',
            '－' => '-',
            '＋' => '+',
            c if wide(c) => char::from_u32(c as u32 - 0xFF10 + u32::from(b'0')).unwrap_or(c),
            c => c,
        })
        .collect::<String>()
        .into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_width_digits_read_as_ascii() {
        assert_eq!(super::ascii_digits("８０８０"), "8080");
        assert_eq!(super::ascii_digits("－１．５"), "-1.5");
        assert_eq!(super::ascii_digits("学号２０"), "学号20");
        assert!(matches!(
            super::ascii_digits("7891"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
