//! Which encoding a class meets received bytes look like: GBK text arriving on a UTF-8
//! tab (the default) shows as `���`, and UTF-8 on a GBK tab as mojibake. Cheap: at most
//! [`SNIFF_MAX`] bytes of a message are looked at. Also the strict decoding the send box
//! uses to turn hex back into text.

use super::text::{Encoding, encode};

/// Most bytes of one message looked at.
pub const SNIFF_MAX: usize = 1024;

/// Whether the first [`SNIFF_MAX`] bytes are text in `enc` (no malformed sequence).
/// `whole`: the bytes are a whole message (a character cut at its end is malformed);
/// otherwise (a piece of a stream) an unfinished character at the end is fine.
pub fn is_valid(enc: Encoding, bytes: &[u8], whole: bool) -> bool {
    let cut = &bytes[..bytes.len().min(SNIFF_MAX)];
    let last = whole && cut.len() == bytes.len();
    if enc == Encoding::UTF_8 {
        return match std::str::from_utf8(cut) {
            Ok(_) => true,
            Err(e) => !last && e.error_len().is_none(),
        };
    }
    let mut d = enc.inner().new_decoder_without_bom_handling();
    let cap = d
        .max_utf8_buffer_length_without_replacement(cut.len())
        .unwrap_or(cut.len().saturating_mul(4).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let (r, _) = d.decode_to_string_without_replacement(cut, &mut out, last);
    matches!(r, encoding_rs::DecoderResult::InputEmpty)
}

/// True for GBK and GB18030 (the encodings a Chinese Windows program writes).
fn is_gbk_family(enc: Encoding) -> bool {
    enc == Encoding::GBK || enc == Encoding::GB18030
}

/// The encoding these bytes look like when `enc` reads them wrong, if a class meets it:
/// GBK when they are not text in `enc` but are in GBK; on a GBK (or GB18030) tab, UTF-8
/// when they are UTF-8 with characters beyond ASCII (GBK reads most UTF-8 as other, wrong
/// characters rather than as an error, so valid UTF-8 is the telling sign there). ASCII
/// alone says nothing.
pub fn suggest(enc: Encoding, bytes: &[u8], whole: bool) -> Option<Encoding> {
    let cut = &bytes[..bytes.len().min(SNIFF_MAX)];
    if cut.is_ascii() {
        return None;
    }
    if is_gbk_family(enc) {
        return is_valid(Encoding::UTF_8, bytes, whole).then_some(Encoding::UTF_8);
    }
    (!is_valid(enc, bytes, whole) && is_valid(Encoding::GBK, bytes, whole)).then_some(Encoding::GBK)
}

/// The text `bytes` stand for in `enc` when every byte is text in it and the text
/// encodes back to the same bytes (so a round trip through the send box loses nothing);
/// None otherwise.
pub fn decode_exact(enc: Encoding, bytes: &[u8]) -> Option<String> {
    let text = if enc == Encoding::UTF_8 {
        std::str::from_utf8(bytes).ok()?.to_string()
    } else {
        enc.inner()
            .decode_without_bom_handling_and_without_replacement(bytes)?
            .into_owned()
    };
    (encode(enc, &text).ok()? == bytes).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        encode(Encoding::GBK, s).unwrap()
    }

    #[test]
    fn gbk_on_a_utf8_tab_is_told_and_utf8_on_a_gbk_tab_too() {
        let b = gbk("收到啦我反馈");
        assert_eq!(suggest(Encoding::UTF_8, &b, true), Some(Encoding::GBK));
        assert_eq!(suggest(Encoding::GBK, &b, true), None, "it fits");
        let u = "收到啦我反馈".as_bytes();
        assert_eq!(suggest(Encoding::GBK, u, true), Some(Encoding::UTF_8));
        assert_eq!(suggest(Encoding::GB18030, u, true), Some(Encoding::UTF_8));
        assert_eq!(suggest(Encoding::UTF_8, u, true), None, "it fits");
        assert_eq!(suggest(Encoding::UTF_8, b"hello", true), None, "ASCII");
        // Bytes that are neither: no suggestion.
        assert_eq!(suggest(Encoding::UTF_8, &[0xff, 0xff, 0xff], true), None);
    }

    #[test]
    fn a_stream_piece_may_end_inside_a_character() {
        let b = gbk("你好");
        assert!(is_valid(Encoding::GBK, &b[..3], false));
        assert!(!is_valid(Encoding::GBK, &b[..3], true));
        let u = "你好".as_bytes();
        assert!(is_valid(Encoding::UTF_8, &u[..4], false));
        assert!(!is_valid(Encoding::UTF_8, &u[..4], true));
        // A long message is looked at up to SNIFF_MAX bytes, cut anywhere.
        let long = "好".repeat(SNIFF_MAX);
        assert!(is_valid(Encoding::UTF_8, long.as_bytes(), true));
    }

    #[test]
    fn hex_goes_back_to_text_only_when_exact() {
        assert_eq!(
            decode_exact(Encoding::GBK, &[0xc4, 0xe3, 0xba, 0xc3]).as_deref(),
            Some("你好")
        );
        assert_eq!(decode_exact(Encoding::UTF_8, &[0xc4, 0xe3]), None);
        assert_eq!(decode_exact(Encoding::GBK, &[0xc4]), None, "cut short");
    }
}
