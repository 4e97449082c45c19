//! The encoding picker: a combo box over every encoding the codec offers. The choice
//! applies both to sending (text is encoded with it) and to the log (rows re-decode).
//! In simple mode (the classroom's) it lists the common ones first, the rest behind
//! "More encodings…".

use crate::codec::{Encoding, text::ALL};
use egui::Ui;
use i18n_embed_fl::fl;

/// How many of [`ALL`] (its first: UTF-8, GBK, GB18030, Big5) simple mode lists before
/// "More encodings…" — what a Chinese classroom meets.
const COMMON: usize = 4;

/// Shows the picker; returns the new encoding when the user picked a different one.
pub fn show(ui: &mut Ui, id_salt: &str, current: Encoding) -> Option<Encoding> {
    let mut chosen = current;
    let loader = crate::ui::common::lang::ui_loader(ui);
    let l = ui.label(fl!(loader, "enc-label"));
    let tip = fl!(loader, "enc-tip");
    let more_id = egui::Id::unique(("encoding-more", id_salt));
    let simple = crate::ui::common::layout::simple(ui.ctx());
    egui::ComboBox::from_id_salt(("encoding", id_salt))
        .selected_text(current.display_name())
        .height(400.0)
        // "More encodings…" keeps the list open; picking one closes it.
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            let all = !simple || ui.data(|d| d.get_temp::<bool>(more_id).unwrap_or(false));
            for (i, (enc, name)) in ALL.iter().enumerate() {
                if (all || i < COMMON || *enc == current)
                    && ui.selectable_value(&mut chosen, *enc, *name).clicked()
                {
                    ui.close();
                }
            }
            if !all && ui.button(fl!(loader, "enc-more")).clicked() {
                ui.data_mut(|d| d.insert_temp(more_id, true));
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
