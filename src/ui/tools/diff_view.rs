//! The hex diff of expected against received bytes, as the window draws it (the Replay
//! window, the Sequence tool): a grid whose columns are the offset, the row's label and
//! the hex, each row on one line (never wrapped; a narrow window scrolls sideways). The
//! `^^` marks sit in the hex column under the cells they mark, so neither a label in a
//! wide script (期望) nor a long payload moves them off their bytes.

use crate::codec::diff::diff_rows;
use egui::{RichText, Ui};

/// Draws the diff. `words`: the labels of the expected and received rows; `length`: the
/// line shown first when the lengths differ.
pub fn show(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    expected: &[u8],
    got: &[u8],
    words: (&str, &str),
    length: &str,
) {
    if expected == got {
        return;
    }
    if expected.len() != got.len() {
        ui.label(RichText::new(length).monospace());
    }
    let id = ui.make_persistent_id(("hex-diff", salt));
    egui::ScrollArea::horizontal().id_salt(id).show(ui, |ui| {
        egui::Grid::new(id)
            .num_columns(3)
            .spacing(egui::vec2(10.0, 0.0))
            .show(ui, |ui| {
                let cell = |ui: &mut Ui, s: &str| {
                    ui.add(egui::Label::new(RichText::new(s).monospace()).extend());
                };
                for r in diff_rows(expected, got) {
                    cell(ui, &format!("{:06x}", r.offset));
                    cell(ui, words.0);
                    cell(ui, &r.expected);
                    ui.end_row();
                    cell(ui, "");
                    cell(ui, words.1);
                    cell(ui, &r.got);
                    ui.end_row();
                    cell(ui, "");
                    cell(ui, "");
                    cell(ui, &r.marks);
                    ui.end_row();
                }
            });
    });
}
