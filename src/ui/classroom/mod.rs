//! Classroom mode and the top bar: its menus (language, theme, zoom, the loopback lab,
//! presets), the side panels it lays out, and the [`command::AppCommand`] its menus
//! and dialogs return to the app.

pub(super) mod command;
pub(super) mod mode;
pub(super) mod preset;
