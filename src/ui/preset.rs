//! Presets (work in progress).

use super::app::App;

#[derive(Default)]
pub struct PresetIo {}

pub fn poll(_app: &mut App, _ctx: &egui::Context) {}
pub fn save_dialog(_app: &mut App, _ctx: &egui::Context) {}
pub fn open_dialog(_app: &mut App, _ctx: &egui::Context) {}
