//! The TCP tabs' framing picker: how received data is cut into rows in the log view —
//! raw chunks, lines (LF / CRLF), any hex delimiter, a fixed length, a 1-, 2- or 4-byte
//! length prefix (big- or little-endian), or a length field inside a header (its offset,
//! width, byte order and an adjustment; a "Modbus/TCP (MBAP)" button fills them in). Saved
//! with the tab; display only (the spool and the saved log keep the raw bytes).

use crate::codec::framing::{DEFAULT_MAX_FRAME, Framing, PrefixWidth};
use crate::codec::framing_arg::{parse_adjust, parse_offset};
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
    /// A length field inside a header (offset, width, order, adjustment).
    LengthField,
}

impl FramingMode {
    pub const ALL: [FramingMode; 11] = [
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
        FramingMode::LengthField,
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
            FramingMode::LengthField => fl!(l, "fr-field"),
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
    /// Length field: the bytes before it.
    pub field_offset: String,
    /// Length field: its width.
    pub field_width: PrefixWidth,
    /// Length field: big-endian (else little-endian).
    pub field_big_endian: bool,
    /// Length field: added to its value to give the bytes after it (`-2`, `+6`).
    pub field_adjust: String,
}

impl Default for FramingForm {
    fn default() -> Self {
        FramingForm {
            mode: FramingMode::Raw,
            delimiter_hex: "03".into(),
            length: "8".into(),
            field_offset: "4".into(),
            field_width: PrefixWidth::Two,
            field_big_endian: true,
            field_adjust: "0".into(),
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
            FramingMode::DelimiterHex => {
                Framing::delimiter_hex(&self.delimiter_hex).map_err(|_| FramingError::Delimiter)?
            }
            FramingMode::FixedLength => Framing::FixedLength {
                len: self
                    .length
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=DEFAULT_MAX_FRAME).contains(n))
                    .ok_or(FramingError::Length)?,
            },
            FramingMode::Prefix1 => prefix(PrefixWidth::One, true),
            FramingMode::Prefix2Be => prefix(PrefixWidth::Two, true),
            FramingMode::Prefix2Le => prefix(PrefixWidth::Two, false),
            FramingMode::Prefix4Be => prefix(PrefixWidth::Four, true),
            FramingMode::Prefix4Le => prefix(PrefixWidth::Four, false),
            FramingMode::LengthField => Framing::LengthField {
                offset: parse_offset(&self.field_offset).ok_or(FramingError::Offset)?,
                width: self.field_width,
                big_endian: self.field_big_endian,
                adjust: parse_adjust(&self.field_adjust).ok_or(FramingError::Adjust)?,
            },
        })
    }

    /// Fills the length field's fields as Modbus/TCP's MBAP header has them.
    pub fn set_mbap(&mut self) {
        self.set(&Framing::mbap());
    }

    /// Sets the fields to show `f` (a command line's `--framing`).
    pub fn set(&mut self, f: &Framing) {
        self.mode = match f {
            Framing::Raw => FramingMode::Raw,
            f if *f == Framing::lf() => FramingMode::Lf,
            f if *f == Framing::crlf() => FramingMode::Crlf,
            Framing::Delimiter { bytes } => {
                self.delimiter_hex = crate::codec::to_hex_spaced(bytes);
                FramingMode::DelimiterHex
            }
            Framing::FixedLength { len } => {
                self.length = len.to_string();
                FramingMode::FixedLength
            }
            Framing::LengthPrefix {
                width, big_endian, ..
            } => match (width, big_endian) {
                (PrefixWidth::One, _) => FramingMode::Prefix1,
                (PrefixWidth::Two, true) => FramingMode::Prefix2Be,
                (PrefixWidth::Two, false) => FramingMode::Prefix2Le,
                (PrefixWidth::Four, true) => FramingMode::Prefix4Be,
                (PrefixWidth::Four, false) => FramingMode::Prefix4Le,
            },
            Framing::LengthField {
                offset,
                width,
                big_endian,
                adjust,
            } => {
                self.field_offset = offset.to_string();
                self.field_width = *width;
                self.field_big_endian = *big_endian;
                self.field_adjust = adjust.to_string();
                FramingMode::LengthField
            }
        };
    }
}

/// What is wrong with the framing fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FramingError {
    /// The delimiter is not hex bytes.
    Delimiter,
    /// The fixed length is not a number in range.
    Length,
    /// The length field's offset is not a number in range.
    Offset,
    /// The adjustment is not a whole number in range.
    Adjust,
}

impl FramingError {
    /// The problem as a sentence in `lang`.
    pub fn text(self, lang: Lang) -> String {
        match self {
            FramingError::Delimiter => fl!(loader(lang), "fr-err-hex"),
            FramingError::Length => fl!(loader(lang), "fr-err-len"),
            FramingError::Offset => fl!(loader(lang), "fr-err-offset"),
            FramingError::Adjust => fl!(loader(lang), "fr-err-adjust"),
        }
    }
}

/// The picker (a combo box, plus the delimiter or length field when needed).
pub fn show(ui: &mut Ui, salt: &str, form: &mut FramingForm) {
    let l = ui.label(fl!(ui_loader(ui), "fr-label"));
    egui::ComboBox::from_id_salt(("framing", salt))
        .selected_text(form.mode.name(lang(ui.ctx())))
        // All eleven choices at once, no scrolling.
        .height(400.0)
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
    if form.mode == FramingMode::LengthField {
        field_ui(ui, salt, form);
    }
    if let Err(e) = form.framing() {
        error_label(ui, &e.text(lang(ui.ctx())));
    }
}

/// The length field's offset, width, byte order and adjustment, and the MBAP preset.
fn field_ui(ui: &mut Ui, salt: &str, form: &mut FramingForm) {
    let l = ui.label(fl!(ui_loader(ui), "fr-offset"));
    ui.add(
        TextEdit::singleline(&mut form.field_offset)
            .desired_width(36.0)
            .hint_text("4"),
    )
    .labelled_by(l.id)
    .on_hover_text(fl!(ui_loader(ui), "fr-offset-tip"));
    let l = ui.label(fl!(ui_loader(ui), "fr-width"));
    egui::ComboBox::from_id_salt(("framing-width", salt))
        .selected_text(form.field_width.bytes().to_string())
        .show_ui(ui, |ui| {
            for w in [PrefixWidth::One, PrefixWidth::Two, PrefixWidth::Four] {
                ui.selectable_value(&mut form.field_width, w, w.bytes().to_string());
            }
        })
        .response
        .labelled_by(l.id);
    let l = ui.label(fl!(ui_loader(ui), "fr-order"));
    let order = |be: bool| {
        if be {
            fl!(ui_loader(ui), "fr-be")
        } else {
            fl!(ui_loader(ui), "fr-le")
        }
    };
    let (be, le) = (order(true), order(false));
    egui::ComboBox::from_id_salt(("framing-order", salt))
        .selected_text(if form.field_big_endian { &be } else { &le }.clone())
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut form.field_big_endian, true, be.clone());
            ui.selectable_value(&mut form.field_big_endian, false, le.clone());
        })
        .response
        .labelled_by(l.id);
    let l = ui.label(fl!(ui_loader(ui), "fr-adjust"));
    ui.add(
        TextEdit::singleline(&mut form.field_adjust)
            .desired_width(44.0)
            .hint_text("0"),
    )
    .labelled_by(l.id)
    .on_hover_text(fl!(ui_loader(ui), "fr-adjust-tip"));
    if ui
        .button(fl!(ui_loader(ui), "fr-mbap"))
        .on_hover_text(fl!(ui_loader(ui), "fr-mbap-tip"))
        .clicked()
    {
        form.set_mbap();
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
        assert_eq!(f.framing(), Err(FramingError::Delimiter));
        f.delimiter_hex = "0d 0a".into();
        assert_eq!(f.framing(), Ok(Framing::crlf()));
        f.mode = FramingMode::FixedLength;
        f.length = "0".into();
        assert_eq!(f.framing(), Err(FramingError::Length));
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
        // The length field: MBAP, and bad numbers.
        f.set_mbap();
        assert_eq!(f.framing(), Ok(Framing::mbap()));
        f.field_adjust = "+6".into();
        f.field_width = PrefixWidth::Four;
        f.field_big_endian = false;
        assert_eq!(
            f.framing(),
            Ok(Framing::LengthField {
                offset: 4,
                width: PrefixWidth::Four,
                big_endian: false,
                adjust: 6
            })
        );
        f.field_adjust = "six".into();
        assert_eq!(f.framing(), Err(FramingError::Adjust));
        f.field_offset = "-1".into();
        assert_eq!(f.framing(), Err(FramingError::Offset));
        // Every framing the command line can give shows as itself.
        for arg in [
            "raw",
            "lines",
            "crlf",
            "delimiter:7e",
            "fixed:5",
            "length:2:1:le:-3",
            "mbap",
        ] {
            let want = Framing::parse_arg(arg).unwrap();
            let mut g = FramingForm::default();
            g.set(&want);
            assert_eq!(g.framing(), Ok(want), "{arg}");
        }
    }
}
