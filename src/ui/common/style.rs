//! The window's look: the colours that carry meaning (error, good, warning, sent,
//! received), the colour of a session state, and the themes for projectors.

use crate::session::ConnState;
use egui::{Color32, Context, RichText, Stroke, Ui, Visuals};
use serde::{Deserialize, Serialize};

/// Errors, drops, refusals.
pub const ERROR_RED: Color32 = Color32::from_rgb(0xe0, 0x40, 0x40);
/// Open, bound, listening, received, a met expectation.
pub const GOOD_GREEN: Color32 = Color32::from_rgb(0x3c, 0xa0, 0x50);
/// Notes, a peer's close, a FIN.
pub const NOTE_AMBER: Color32 = Color32::from_rgb(0xd0, 0x90, 0x20);
/// Sent data.
pub const SENT_BLUE: Color32 = Color32::from_rgb(0x40, 0x80, 0xe0);

/// A status-line item that never breaks inside (it moves to the next line whole).
pub fn whole(ui: &mut Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Extend))
}

/// A status-line item that may be long (an error, a notice): at most `frac` of the line's
/// width, cut with "…", the whole text on hover.
pub fn shortened(ui: &mut Ui, text: RichText, frac: f32) -> egui::Response {
    let full = text.text().to_string();
    let max = (ui.available_width().max(ui.max_rect().width()) * frac).max(120.0);
    ui.scope(|ui| {
        ui.set_max_width(max);
        ui.add(
            egui::Label::new(text)
                .truncate()
                .show_tooltip_when_elided(false),
        )
        .on_hover_text(full)
    })
    .inner
}

/// Shows an inline error in red.
pub fn error_label(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).color(ERROR_RED));
}

/// The colour of a session state in the status line.
pub fn state_color(s: &ConnState) -> Color32 {
    match s {
        ConnState::Connected | ConnState::Bound | ConnState::Listening => GOOD_GREEN,
        ConnState::Reset(_) | ConnState::Error(_) => ERROR_RED,
        ConnState::ClosedByPeer(_) => NOTE_AMBER,
        _ => Color32::GRAY,
    }
}

/// Light, dark (or the system's) and high contrast, for projectors.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
    HighContrast,
}

fn high_contrast() -> Visuals {
    let mut v = Visuals::dark();
    let white = Stroke::new(1.5, Color32::WHITE);
    v.override_text_color = Some(Color32::WHITE);
    v.panel_fill = Color32::BLACK;
    v.window_fill = Color32::BLACK;
    v.extreme_bg_color = Color32::BLACK;
    v.faint_bg_color = Color32::from_gray(24);
    v.window_stroke = white;
    v.widgets.noninteractive.bg_stroke = white;
    v.widgets.noninteractive.fg_stroke = white;
    for w in [&mut v.widgets.inactive, &mut v.widgets.active] {
        w.bg_fill = Color32::from_gray(30);
        w.weak_bg_fill = Color32::from_gray(30);
        w.bg_stroke = white;
        w.fg_stroke = white;
    }
    v.widgets.hovered.bg_stroke = Stroke::new(2.0, Color32::YELLOW);
    v.widgets.hovered.fg_stroke = Stroke::new(2.0, Color32::YELLOW);
    v.selection.bg_fill = Color32::from_rgb(0x00, 0x50, 0xc0);
    v.selection.stroke = Stroke::new(2.0, Color32::YELLOW);
    v.hyperlink_color = Color32::YELLOW;
    v
}

/// Puts `theme` into the window.
pub fn apply_theme(ctx: &Context, theme: Theme) {
    use egui::ThemePreference as P;
    ctx.set_visuals_of(egui::Theme::Dark, Visuals::dark());
    ctx.set_visuals_of(egui::Theme::Light, Visuals::light());
    match theme {
        Theme::System => ctx.set_theme(P::System),
        Theme::Light => ctx.set_theme(P::Light),
        Theme::Dark => ctx.set_theme(P::Dark),
        Theme::HighContrast => {
            ctx.set_visuals_of(egui::Theme::Dark, high_contrast());
            ctx.set_theme(P::Dark);
        }
    }
}
