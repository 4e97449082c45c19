//! The offer of another encoding, above the log: when the session's first received text
//! is not text in the tab's encoding but is in GBK (or UTF-8 on a GBK tab), one line says
//! so with the text as it would read, a button switches the tab (the rows re-decode), and
//! × hides the offer for this session. The runtime decides (see
//! [`crate::session::enc_watch`]); this only draws it.

use super::tab::SessionPanel;
use crate::i18n::loader;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Draws the offer while it stands (the tab still reads in the encoding it was made
/// for, and it was not hidden).
pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let w = &p.st.enc_watch;
    let Some(s) = w.suggestion() else {
        return;
    };
    if s.from != p.encoding() || p.enc_hint_hidden == Some(w.session) {
        return;
    }
    let (to, from, session) = (s.to, s.from, w.session);
    let l = loader(p.lang);
    let to_name = to.short_name();
    let text = fl!(l, "enc-hint", enc = to_name, preview = s.preview.as_str());
    let mut switch = false;
    let mut hide = false;
    egui::Frame::new()
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
        .inner_margin(egui::Margin::symmetric(6, 3))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                // The buttons first, from the right, so a narrow log never cuts them.
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    hide = ui
                        .small_button("×")
                        .on_hover_text(fl!(l, "enc-hint-dismiss-tip", enc = from.short_name()))
                        .clicked();
                    switch = ui
                        .button(RichText::new(fl!(l, "enc-hint-switch", enc = to_name)).strong())
                        .clicked();
                    ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                        ui.add(egui::Label::new(&text).truncate());
                    });
                });
            });
        });
    if switch {
        p.set_encoding(to);
    }
    if switch || hide {
        p.enc_hint_hidden = Some(session);
    }
}
