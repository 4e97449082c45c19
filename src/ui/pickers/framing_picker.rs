//! The TCP tabs' framing picker: how received data is cut into rows in the log view —
//! raw chunks, lines (LF / CRLF), any hex delimiter, a fixed length, or a 1-, 2- or 4-byte
//! length prefix (big- or little-endian). Saved with the tab; display only (the spool and
//! the saved log keep the raw bytes).

use crate::codec::framing::{DEFAULT_MAX_FRAME, Framing, PrefixWidth};
use crate::i18n::{Lang, loader};
use crate::ui::common::address_field::error_label;
use crate::ui::common::lang::lang;
use crate::ui::common::lang::ui_loader;
use egui::{TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The choices of the picker.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FramingMode {
    #[default]
    Raw,
    Lf,
    Crlf,
    DelimiterHex,
    FixedLength,
    Prefix1,
    Prefix2Be,
    Prefix2Le,
    Prefix4Be,
    Prefix4Le,
}

impl FramingMode {
    pub const ALL: [FramingMode; 10] = [
        FramingMode::Raw,
        FramingMode::Lf,
        FramingMode::Crlf,
        FramingMode::DelimiterHex,
        FramingMode::FixedLength,
        FramingMode::Prefix1,
        FramingMode::Prefix2Be,
        FramingMode::Prefix2Le,
        FramingMode::Prefix4Be,
        FramingMode::Prefix4Le,
    ];

    /// Its name in `lang`.
    pub fn name(self, lang: Lang) -> String {
        let l = loader(lang);
        match self {
            FramingMode::Raw => fl!(l, "fr-raw"),
            FramingMode::Lf => fl!(l, "fr-lf"),
            FramingMode::Crlf => fl!(l, "fr-crlf"),
            FramingMode::DelimiterHex => fl!(l, "fr-hex"),
            FramingMode::FixedLength => fl!(l, "fr-fixed"),
            FramingMode::Prefix1 => fl!(l, "fr-prefix1"),
            FramingMode::Prefix2Be => fl!(l, "fr-prefix2be"),
            FramingMode::Prefix2Le => fl!(l, "fr-prefix2le"),
            FramingMode::Prefix4Be => fl!(l, "fr-prefix4be"),
            FramingMode::Prefix4Le => fl!(l, "fr-prefix4le"),
        }
    }
}

/// The saved fields of the picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FramingForm {
    pub mode: FramingMode,
    /// Delimiter in hex (`0D 0A`, `03`).
    pub delimiter_hex: String,
    /// Fixed frame length in bytes.
    pub length: String,
}

impl Default for FramingForm {
    fn default() -> Self {
        FramingForm {
            mode: FramingMode::Raw,
            delimiter_hex: "03".into(),
            length: "8".into(),
        }
    }
}

impl FramingForm {
    /// The framing the fields describe, or what is wrong with them.
    pub fn framing(&self) -> Result<Framing, FramingError> {
        let prefix = |width, big_endian| Framing::LengthPrefix {
            width,
            big_endian,
            includes_prefix: false,
        };
        Ok(match self.mode {
            FramingMode::Raw => Framing::Raw,
            FramingMode::Lf => Framing::lf(),
            FramingMode::Crlf => Framing::crlf(),
            FramingMode::DelimiterHex => Framing::delimiter_hex(&self.delimiter_hex)
                .map_err(|_| FramingError::BadDelimiter)?,
            FramingMode::FixedLength => Framing::FixedLength {
                len: self
                    .length
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=DEFAULT_MAX_FRAME).contains(n))
                    .ok_or(FramingError::BadLength)?,
            },
            FramingMode::Prefix1 => prefix(PrefixWidth::One, true),
            FramingMode::Prefix2Be => prefix(PrefixWidth::Two, true),
            FramingMode::Prefix2Le => prefix(PrefixWidth::Two, false),
            FramingMode::Prefix4Be => prefix(PrefixWidth::Four, true),
            FramingMode::Prefix4Le => prefix(PrefixWidth::Four, false),
        })
    }
}

/// What is wrong with the framing fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FramingError {
    /// The delimiter is not hex bytes.
    BadDelimiter,
    /// The fixed length is not a number in range.
    BadLength,
}

impl FramingError {
    /// The problem as a sentence in `lang`.
    pub fn text(self, lang: Lang) -> String {
        match self {
            FramingError::BadDelimiter => fl!(loader(lang), "fr-err-hex"),
            FramingError::BadLength => fl!(loader(lang), "fr-err-len"),
        }
    }
}

/// The picker (a combo box, plus the delimiter or length field when needed).
pub fn show(ui: &mut Ui, salt: &str, form: &mut FramingForm) {
    let l = ui.label(fl!(ui_loader(ui), "fr-label"));
    egui::ComboBox::from_id_salt(("framing", salt))
        .selected_text(form.mode.name(lang(ui.ctx())))
        .show_ui(ui, |ui| {
            for m in FramingMode::ALL {
                ui.selectable_value(&mut form.mode, m, m.name(lang(ui.ctx())));
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(fl!(ui_loader(ui), "fr-hint"));
    let field = match form.mode {
        FramingMode::DelimiterHex => Some((
            fl!(ui_loader(ui), "fr-delimiter"),
            &mut form.delimiter_hex,
            "0D 0A",
        )),
        FramingMode::FixedLength => Some((fl!(ui_loader(ui), "fr-length"), &mut form.length, "8")),
        _ => None,
    };
    if let Some((label, text, hint)) = field {
        let l = ui.label(label);
        ui.add(
            TextEdit::singleline(text)
                .desired_width(60.0)
                .hint_text(hint),
        )
        .labelled_by(l.id);
    }
    if let Err(e) = form.framing() {
        error_label(ui, &e.text(lang(ui.ctx())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_parses() {
        let mut f = FramingForm::default();
        for m in FramingMode::ALL {
            f.mode = m;
            assert!(f.framing().is_ok(), "{m:?}");
        }
        f.mode = FramingMode::DelimiterHex;
        f.delimiter_hex = "zz".into();
        assert_eq!(f.framing(), Err(FramingError::BadDelimiter));
        f.delimiter_hex = "0d 0a".into();
        assert_eq!(f.framing(), Ok(Framing::crlf()));
        f.mode = FramingMode::FixedLength;
        f.length = "0".into();
        assert_eq!(f.framing(), Err(FramingError::BadLength));
        f.mode = FramingMode::Prefix2Le;
        assert_eq!(
            f.framing(),
            Ok(Framing::LengthPrefix {
                width: PrefixWidth::Two,
                big_endian: false,
                includes_prefix: false
            })
        );
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<FramingForm>(&j).unwrap(), f);
    }
}
