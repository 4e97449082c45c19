//! The TCP diagram (work in progress).

use super::session_panel::SessionPanel;
use crate::i18n::Lang;
use egui::Ui;

pub fn show(_ui: &mut Ui, _panel: &SessionPanel, _lang: Lang) {}
