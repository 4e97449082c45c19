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

/// The largest file chunk a role sends in one go: a UDP datagram's payload (65,507 bytes,
/// IPv4's limit), or 16 MiB for one TCP write.
pub fn file_chunk_max(role: crate::net::Role) -> u64 {
    if role.is_tcp() { 16 << 20 } else { 65_507 }
}

/// Why the file tool's chunk size or delay, as typed, cannot be used (None: both can).
pub fn file_fields_error(
    role: crate::net::Role,
    chunk: &str,
    delay: &str,
    lang: crate::i18n::Lang,
) -> Option<String> {
    let max = file_chunk_max(role);
    if parse_num(chunk, 1, max).is_none() {
        return Some(i18n_embed_fl::fl!(
            crate::i18n::loader(lang),
            "file-bad-chunk",
            max = max
        ));
    }
    if parse_num(delay, 0, 3_600_000).is_none() {
        return Some(i18n_embed_fl::fl!(
            crate::i18n::loader(lang),
            "file-bad-delay"
        ));
    }
    None
}
