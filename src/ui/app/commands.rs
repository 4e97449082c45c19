//! The one place the app's state changes on request: [`App::apply`] carries out an
//! [`AppCommand`] from a menu or a dialog. Presets are read and written here too, since
//! a preset is the whole window's setup.

use super::{App, lab};
use crate::i18n::loader;
use crate::net::Role;
use crate::ui::classroom::command::AppCommand;
use crate::ui::classroom::preset::{self, Preset};
use i18n_embed_fl::fl;

impl App {
    /// Carries out one request.
    pub fn apply(&mut self, cmd: AppCommand, ctx: &egui::Context) {
        let lang = self.classroom.lang;
        match cmd {
            AppCommand::StartLab { tcp } => lab::start_lab(self, tcp),
            AppCommand::StartStreamLab => super::stream_lab::start_stream_lab(self),
            AppCommand::StartRelayLab => super::relay_lab::start_relay_lab(self),
            AppCommand::CloseLab => lab::close_split(self),
            AppCommand::FortyStudents => {
                let p = preset::Preset::forty_students(self.preset());
                self.classroom.notice = Some(match self.apply_preset(p) {
                    Ok(()) => (fl!(loader(lang), "forty-students-ready"), false),
                    Err(e) => (fl!(loader(lang), "preset-failed", err = e.as_str()), true),
                });
            }
            AppCommand::AskSavePreset => self.classroom.preset_io.ask(ctx, true),
            AppCommand::AskOpenPreset => self.classroom.preset_io.ask(ctx, false),
            AppCommand::SavePreset(path) => {
                let shown = path.display().to_string();
                self.classroom.notice = Some(match preset::save(&self.preset(), &path) {
                    Ok(()) => (fl!(loader(lang), "preset-saved", path = shown), false),
                    Err(e) => (e, true),
                });
            }
            AppCommand::OpenPreset(path) => match preset::load(&path) {
                Ok(p) => self.apply(AppCommand::ApplyPreset(Box::new(p), path), ctx),
                Err(e) => {
                    let err = fl!(loader(lang), "preset-failed", err = e.text(lang));
                    self.classroom.notice = Some((err, true));
                }
            },
            AppCommand::ApplyPreset(p, path) => {
                let shown = path.display().to_string();
                self.classroom.notice = Some(match self.apply_preset(*p) {
                    Ok(()) => (fl!(loader(lang), "preset-loaded", path = shown), false),
                    Err(e) => (fl!(loader(lang), "preset-failed", err = e.as_str()), true),
                });
            }
            AppCommand::SetLogSettings(s) => {
                self.log_settings = s;
                let (rows, bytes) = s.caps();
                for p in self.all_panels() {
                    p.set_caps(rows, bytes);
                }
                self.spool_budget.set_cap(s.spool_cap());
            }
        }
    }

    /// The window's setup as a preset.
    /// With the relay lab open, the preset opens it too (`lab = "relay"`).
    pub fn preset(&self) -> Preset {
        let mut p = Preset::from_persisted(&self.persisted());
        if self.relay_lab.is_some() {
            p.lab = Some(preset::PresetLab::Relay);
        }
        p
    }

    /// Puts a preset into the window: every tab's fields and the tab shown, and its lab if
    /// it names one. An open lab closes first; refused while one of the user's sessions
    /// runs (its fields cannot change under it).
    pub fn apply_preset(&mut self, preset: Preset) -> Result<(), String> {
        // A lab's sessions are the lab's: it closes, and the user's own tabs are checked.
        lab::close_split(self);
        let lang = self.classroom.lang;
        let busy: Vec<String> = Role::EVERY
            .iter()
            .filter(|r| self.panel(**r).is_running())
            .map(|r| crate::ui::common::lang::tab_label(lang, *r))
            .collect();
        if !busy.is_empty() {
            // Named, so the teacher knows which tab to stop.
            let tabs = busy.join(if lang == crate::i18n::Lang::Zh {
                "、"
            } else {
                ", "
            });
            return Err(fl!(loader(lang), "preset-stop-first", tabs = tabs));
        }
        self.tab = preset.tab;
        let open_lab = preset.lab;
        for role in Role::EVERY {
            let s = preset.settings(role).clone();
            let p = self.panel_mut(role);
            let enc = crate::ui::pickers::encoding_picker::from_label(&s.encoding);
            p.settings = s;
            p.set_encoding(enc);
        }
        if open_lab == Some(preset::PresetLab::Relay) {
            super::relay_lab::start_relay_lab(self);
        }
        Ok(())
    }

    /// Takes the preset dialogs' answers (every frame).
    pub(super) fn poll_presets(&mut self, ctx: &egui::Context) {
        for (save, path) in self.classroom.preset_io.poll(ctx) {
            let cmd = if save {
                AppCommand::SavePreset(path)
            } else {
                AppCommand::OpenPreset(path)
            };
            self.apply(cmd, ctx);
        }
    }
}
