//! The plain fields the tools share: a labelled single-line text field, and the parser of
//! a whole number in a range behind the interval, count, chunk and delay fields.

use egui::Ui;

/// Parses a whole number in a range, for the tools' fields.
pub fn parse_num(s: &str, min: u64, max: u64) -> Option<u64> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

/// A labelled single-line field; returns its response.
pub fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
}
