//! The send box's Hex tick converts the message: ticking writes the text's bytes in the
//! tab's encoding as hex (你好 in GBK → `C4 E3 BA C3`); unticking writes the hex back as
//! text where that loses nothing (the bytes are text in the encoding and read back as the
//! same bytes), else keeps the hex and says why under the field.

use crate::codec::{self, Encoding, PayloadError};
use crate::i18n::{Lang, loader};
use i18n_embed_fl::fl;

/// Why the message was kept as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HexNote {
    /// Variables are on: the message is a template.
    Variables,
    /// The hex's bytes are not text in this encoding.
    NotText(Encoding),
    /// The bytes hold this control character, which would not show in the box.
    Control(u32),
    /// The hex does not parse, or the text cannot be written in the encoding.
    Bad(PayloadError),
}

/// The send box's fields the Hex tick converts: its text (changed in place) and the
/// modes that say how the text reads (`hex` is the tick's new value).
pub struct BoxText<'a> {
    pub text: &'a mut String,
    pub hex: bool,
    pub escapes: bool,
    pub variables: bool,
}

/// The bytes a text stands for (with escapes: as they read it), in `enc`.
fn text_bytes(text: &str, escapes: bool, enc: Encoding) -> Result<Vec<u8>, PayloadError> {
    if escapes {
        Ok(codec::parse_escapes(text, enc)?)
    } else {
        Ok(codec::encode(enc, text)?)
    }
}

/// Converts the box after its Hex tick changed; why not, when it could not.
pub fn on_toggle(st: BoxText, enc: Encoding) -> Option<HexNote> {
    if st.text.is_empty() {
        return None;
    }
    if st.variables {
        return Some(HexNote::Variables);
    }
    if st.hex {
        return match text_bytes(st.text, st.escapes, enc) {
            Ok(b) => {
                *st.text = codec::to_hex_spaced(&b);
                None
            }
            Err(e) => Some(HexNote::Bad(e)),
        };
    }
    let bytes = match codec::parse_hex(st.text) {
        Ok(b) => b,
        Err(e) => return Some(HexNote::Bad(PayloadError::Hex(e))),
    };
    let Some(text) = codec::sniff::decode_exact(enc, &bytes) else {
        return Some(HexNote::NotText(enc));
    };
    let shown = if st.escapes { escaped(&text) } else { Ok(text) };
    let shown = match shown {
        Ok(t) => t,
        Err(c) => return Some(HexNote::Control(c)),
    };
    if let Some(c) = shown
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\t'))
    {
        return Some(HexNote::Control(u32::from(c)));
    }
    // The text must stand for the same bytes (with escapes: as they read it).
    if text_bytes(&shown, st.escapes, enc).ok().as_deref() != Some(&bytes[..]) {
        return Some(HexNote::NotText(enc));
    }
    *st.text = shown;
    None
}

/// The text with escapes on: a backslash doubled, CR and NUL (and other ASCII control
/// characters) as escapes; a control character beyond ASCII is refused.
fn escaped(text: &str) -> Result<String, u32> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\n' | '\t' => out.push(c),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_control() => return Err(u32::from(c)),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The note under the field, in `lang`.
pub fn note_text(lang: Lang, n: &HexNote) -> String {
    let l = loader(lang);
    match n {
        HexNote::Variables => fl!(l, "hex-kept-variables"),
        HexNote::NotText(enc) => fl!(l, "hex-kept-not-text", enc = enc.short_name()),
        HexNote::Control(c) => fl!(l, "hex-kept-control", byte = format!("{c:02X}")),
        HexNote::Bad(PayloadError::Hex(e)) => fl!(
            l,
            "hex-kept-bad-hex",
            why = crate::ui::common::payload_words::hex_error_text(lang, e)
        ),
        HexNote::Bad(e) => fl!(
            l,
            "hex-kept-not-encodable",
            why = crate::ui::common::payload_words::payload_error_text(lang, e)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct St {
        text: String,
        hex: bool,
        escapes: bool,
    }

    fn state(text: &str, hex: bool, escapes: bool) -> St {
        St {
            text: text.into(),
            hex,
            escapes,
        }
    }

    fn toggle(st: &mut St, enc: Encoding) -> Option<HexNote> {
        let b = BoxText {
            text: &mut st.text,
            hex: st.hex,
            escapes: st.escapes,
            variables: false,
        };
        on_toggle(b, enc)
    }

    #[test]
    fn gbk_text_goes_to_hex_and_back() {
        let mut st = state("你好", true, false);
        assert_eq!(toggle(&mut st, Encoding::GBK), None);
        assert_eq!(st.text, "C4 E3 BA C3");
        st.hex = false;
        assert_eq!(toggle(&mut st, Encoding::GBK), None);
        assert_eq!(st.text, "你好");
    }

    #[test]
    fn escapes_survive_the_round_trip_and_bad_bytes_stay_hex() {
        let mut st = state("a\\r\\n\\\\b", true, true);
        assert_eq!(toggle(&mut st, Encoding::UTF_8), None);
        assert_eq!(st.text, "61 0D 0A 5C 62");
        st.hex = false;
        assert_eq!(toggle(&mut st, Encoding::UTF_8), None);
        assert_eq!(st.text, "a\\r\n\\\\b");
        // Without escapes a CR would not show: kept.
        let mut st = state("61 0D", false, false);
        assert_eq!(
            toggle(&mut st, Encoding::UTF_8),
            Some(HexNote::Control(0x0d))
        );
        assert_eq!(st.text, "61 0D");
        // GBK bytes on a UTF-8 tab are not text: kept, and said why.
        let mut st = state("C4 E3", false, false);
        let n = toggle(&mut st, Encoding::UTF_8).expect("a note");
        assert_eq!(n, HexNote::NotText(Encoding::UTF_8));
        assert!(note_text(Lang::Zh, &n).contains("UTF-8"));
        // A character GBK cannot write: kept as text.
        let mut st = state("😀", true, false);
        assert!(matches!(
            toggle(&mut st, Encoding::GBK),
            Some(HexNote::Bad(PayloadError::Encode(_)))
        ));
        assert_eq!(st.text, "😀");
    }
}
