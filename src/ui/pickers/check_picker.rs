//! The checksum check of received data, beside the framing picker: an algorithm (or off),
//! a byte order, the bytes it covers and where it sits in each row (each frame, with a
//! framing). Saved with the tab; the runtime marks rows whose checksum is wrong and counts
//! right and wrong ones (`Control::SetRxCheck`).

use crate::codec::{ByteOrder, ByteRange, Checksum, ChecksumSpec, FieldProblem};
use crate::ui::common::address_field::error_label;
use crate::ui::common::lang::{lang, ui_loader};
use crate::ui::common::payload_words::field_problem_text;
use egui::{TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The byte order choice.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOrder {
    /// The algorithm's own (CRC-16/MODBUS and CRC-32 low byte first, CCITT high first).
    #[default]
    Auto,
    Be,
    Le,
}

/// The saved fields of the picker.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckForm {
    /// None: no check.
    pub alg: Option<Checksum>,
    pub order: CheckOrder,
    /// `A..B`; empty: every byte before the checksum.
    pub range: String,
    /// The checksum's offset (negative from the end); empty: the last bytes.
    pub at: String,
}

impl CheckForm {
    /// The check the fields describe (None: off), or what is wrong with them.
    pub fn spec(&self) -> Result<Option<ChecksumSpec>, FieldProblem> {
        let Some(alg) = self.alg else {
            return Ok(None);
        };
        let range = match self.range.trim() {
            "" => None,
            r => Some(ByteRange::parse(r).ok_or_else(|| FieldProblem::BadRange(r.into()))?),
        };
        let at = match self.at.trim() {
            "" => None,
            a => Some(
                a.parse::<i64>()
                    .ok()
                    .filter(|v| v.unsigned_abs() <= u64::from(u32::MAX))
                    .ok_or_else(|| FieldProblem::BadArg(a.into()))?,
            ),
        };
        let order = match self.order {
            CheckOrder::Auto => None,
            CheckOrder::Be => Some(ByteOrder::Be),
            CheckOrder::Le => Some(ByteOrder::Le),
        };
        Ok(Some(ChecksumSpec {
            alg,
            order,
            range,
            at,
        }))
    }

    /// The fields of a check given on the command line.
    pub fn from_spec(s: &ChecksumSpec) -> CheckForm {
        CheckForm {
            alg: Some(s.alg),
            order: match s.order {
                None => CheckOrder::Auto,
                Some(ByteOrder::Be) => CheckOrder::Be,
                Some(ByteOrder::Le) => CheckOrder::Le,
            },
            range: s.range.map(|r| r.to_string()).unwrap_or_default(),
            at: s.at.map(|a| a.to_string()).unwrap_or_default(),
        }
    }
}

/// The picker: the algorithm, and when one is chosen its order, range and position.
pub fn show(ui: &mut Ui, salt: &str, form: &mut CheckForm) {
    let l = ui_loader(ui);
    let label = ui.label(fl!(l, "ck-label"));
    let off = fl!(l, "ck-off");
    egui::ComboBox::from_id_salt(("rx_check", salt))
        .selected_text(form.alg.map_or(off.clone(), |c| c.name().to_string()))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut form.alg, None, off);
            for c in Checksum::ALL {
                ui.selectable_value(&mut form.alg, Some(c), c.name());
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(fl!(l, "ck-hint"));
    if form.alg.is_none() {
        return;
    }
    let name = |o: CheckOrder| match o {
        CheckOrder::Auto => fl!(l, "ck-order-auto"),
        CheckOrder::Be => fl!(l, "ck-order-be"),
        CheckOrder::Le => fl!(l, "ck-order-le"),
    };
    egui::ComboBox::from_id_salt(("rx_check_order", salt))
        .selected_text(name(form.order))
        .show_ui(ui, |ui| {
            for o in [CheckOrder::Auto, CheckOrder::Be, CheckOrder::Le] {
                ui.selectable_value(&mut form.order, o, name(o));
            }
        });
    let r = ui.label(fl!(l, "ck-range"));
    ui.add(
        TextEdit::singleline(&mut form.range)
            .desired_width(60.0)
            .hint_text(fl!(l, "ck-range-hint")),
    )
    .labelled_by(r.id);
    let a = ui.label(fl!(l, "ck-at"));
    ui.add(
        TextEdit::singleline(&mut form.at)
            .desired_width(40.0)
            .hint_text(fl!(l, "ck-at-hint")),
    )
    .labelled_by(a.id);
    if let Err(e) = form.spec() {
        error_label(ui, &field_problem_text(lang(ui.ctx()), &e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_make_the_spec_and_back() {
        let mut f = CheckForm::default();
        assert_eq!(f.spec(), Ok(None));
        f.alg = Some(Checksum::Crc16Modbus);
        f.order = CheckOrder::Le;
        let s = f.spec().unwrap().unwrap();
        assert_eq!(s, ChecksumSpec::parse("crc16-modbus:le").unwrap());
        f.range = "1..-2".into();
        f.at = "-2".into();
        let s = f.spec().unwrap().unwrap();
        assert_eq!(s, ChecksumSpec::parse("crc16-modbus:le:1..-2:@-2").unwrap());
        assert_eq!(CheckForm::from_spec(&s), f);
        f.range = "x".into();
        assert_eq!(f.spec(), Err(FieldProblem::BadRange("x".into())));
        f.range.clear();
        f.at = "end".into();
        assert_eq!(f.spec(), Err(FieldProblem::BadArg("end".into())));
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<CheckForm>(&j).unwrap(), f);
    }
}
