//! The encoding picker: a combo box over every encoding the codec offers. The choice
//! applies both to sending (text is encoded with it) and to the log (rows re-decode).

use crate::codec::{Encoding, text::ALL};
use egui::Ui;
use i18n_embed_fl::fl;

/// Shows the picker; returns the new encoding when the user picked a different one.
pub fn show(ui: &mut Ui, id_salt: &str, current: Encoding) -> Option<Encoding> {
    let mut chosen = current;
    let l = ui.label(fl!(crate::ui::common::lang::ui_loader(ui), "enc-label"));
    let tip = fl!(crate::ui::common::lang::ui_loader(ui), "enc-tip");
    egui::ComboBox::from_id_salt(("encoding", id_salt))
        .selected_text(current.display_name())
        .height(400.0)
        .show_ui(ui, |ui| {
            for (enc, name) in ALL {
                ui.selectable_value(&mut chosen, *enc, *name);
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(tip);
    (chosen != current).then_some(chosen)
}

/// Looks an encoding up by its label, falling back to UTF-8.
pub fn from_label(label: &str) -> Encoding {
    Encoding::for_label(label).unwrap_or(Encoding::UTF_8)
}
