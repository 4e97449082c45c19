//! The in-window file dialog (where the desktop has none: see [`super::file_dialog`]): a
//! folder's entries, folders first, to open or pick; a path field to type any folder or
//! file; a file name for saving. Every control has an accessible label and its words come
//! from the window's language.

use crate::i18n::loader;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::path::{Path, PathBuf};

/// One entry of the folder shown.
struct Entry {
    name: String,
    dir: bool,
}

/// The dialog's state.
pub struct FileWindow {
    title: String,
    save: bool,
    dir: PathBuf,
    dir_text: String,
    name: String,
    exts: Vec<String>,
    entries: Result<Vec<Entry>, String>,
    id: egui::Id,
    /// The folder typed in the Folder field is not a folder (said under the field).
    bad_dir: bool,
}

/// What the user did this frame.
pub enum Outcome {
    Open,
    Chosen(PathBuf),
    Cancelled,
}

impl FileWindow {
    /// A dialog titled `title` in `dir`; `name` is proposed when saving; `exts` (lower
    /// case, no dot) limit the files listed when opening (empty: all).
    pub fn new(title: String, save: bool, dir: PathBuf, name: String, exts: Vec<String>) -> Self {
        let mut w = FileWindow {
            title,
            save,
            dir_text: dir.display().to_string(),
            dir,
            name,
            exts,
            entries: Ok(Vec::new()),
            id: egui::Id::unique(("file_window", fastrand::u64(..))),
            bad_dir: false,
        };
        w.read_dir();
        w
    }

    /// Goes to the folder typed in the Folder field, if it changed. False (and said under
    /// the field) when it is not a folder.
    fn take_typed_dir(&mut self) -> bool {
        let typed = PathBuf::from(self.dir_text.trim());
        if typed == self.dir {
            return true;
        }
        if typed.is_dir() {
            self.go(typed);
            true
        } else {
            self.bad_dir = true;
            false
        }
    }

    fn read_dir(&mut self) {
        self.dir_text = self.dir.display().to_string();
        self.entries = std::fs::read_dir(&self.dir)
            .map(|rd| {
                let mut v: Vec<Entry> = rd
                    .flatten()
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        if name.starts_with('.') {
                            return None;
                        }
                        let dir = e.path().is_dir();
                        let shown = dir || self.exts.is_empty() || self.save || {
                            let ext = Path::new(&name)
                                .extension()
                                .and_then(|x| x.to_str())
                                .map(str::to_ascii_lowercase);
                            ext.is_some_and(|x| self.exts.contains(&x))
                        };
                        shown.then_some(Entry { name, dir })
                    })
                    .collect();
                v.sort_by(|a, b| b.dir.cmp(&a.dir).then(a.name.cmp(&b.name)));
                v
            })
            .map_err(|e| e.to_string());
    }

    fn go(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.read_dir();
    }

    /// Draws the dialog (a window over the app) and says what the user did.
    pub fn show(&mut self, ctx: &egui::Context) -> Outcome {
        let l = loader(crate::ui::common::lang::lang(ctx));
        let mut out = Outcome::Open;
        let mut open = true;
        egui::Window::new(RichText::new(&self.title).strong())
            .id(self.id)
            .open(&mut open)
            .collapsible(false)
            .default_size([560.0, 380.0])
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| out = self.body(ui, l));
        if !open {
            out = Outcome::Cancelled;
        }
        out
    }

    fn body(&mut self, ui: &mut Ui, l: &i18n_embed::fluent::FluentLanguageLoader) -> Outcome {
        let mut out = Outcome::Open;
        ui.horizontal(|ui| {
            if ui.button(fl!(l, "fd-parent")).clicked()
                && let Some(p) = self.dir.parent()
            {
                let p = p.to_path_buf();
                self.go(p);
            }
            let lab = ui.label(fl!(l, "fd-folder"));
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.dir_text).desired_width(f32::INFINITY))
                .labelled_by(lab.id);
            if r.changed() {
                self.bad_dir = false;
            }
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                self.take_typed_dir();
            }
        });
        if self.bad_dir {
            crate::ui::common::address_field::error_label(
                ui,
                &fl!(l, "fd-no-such-folder", dir = self.dir_text.trim()),
            );
        }
        ui.separator();
        let mut go_to: Option<PathBuf> = None;
        let list_h = (ui.available_height() - 70.0).max(80.0);
        egui::ScrollArea::vertical()
            .id_salt((self.id, "list"))
            .max_height(list_h)
            .auto_shrink([false, false])
            .show(ui, |ui| match &self.entries {
                Err(e) => {
                    crate::ui::common::address_field::error_label(
                        ui,
                        &fl!(l, "fd-cannot-read", err = e.as_str()),
                    );
                }
                Ok(v) if v.is_empty() => {
                    ui.label(RichText::new(fl!(l, "fd-empty")).weak());
                }
                Ok(v) => {
                    for e in v {
                        let text = if e.dir {
                            format!("{}/", e.name)
                        } else {
                            e.name.clone()
                        };
                        let chosen = !e.dir && e.name == self.name;
                        let r = ui.selectable_label(chosen, RichText::new(text).monospace());
                        if r.clicked() {
                            if e.dir {
                                go_to = Some(self.dir.join(&e.name));
                            } else {
                                self.name = e.name.clone();
                            }
                        }
                        if r.double_clicked() && !e.dir {
                            out = Outcome::Chosen(self.dir.join(&e.name));
                        }
                    }
                }
            });
        if let Some(d) = go_to {
            self.go(d);
        }
        ui.separator();
        ui.horizontal(|ui| {
            let lab = ui.label(fl!(l, "fd-file"));
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(300.0))
                .labelled_by(lab.id);
            if self.save && !self.exts.is_empty() {
                let list = self
                    .exts
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                ui.label(RichText::new(fl!(l, "fd-formats", list = list)).weak());
            }
        });
        ui.horizontal(|ui| {
            let ok = if self.save {
                fl!(l, "fd-save")
            } else {
                fl!(l, "fd-open")
            };
            let name = self.name.trim();
            if ui
                .add_enabled(!name.is_empty(), egui::Button::new(ok))
                .clicked()
                // A folder typed (without Enter) is where the file goes; one that is not a
                // folder is said under the field, and nothing is chosen.
                && self.take_typed_dir()
            {
                let name = self.name.trim();
                let p = Path::new(name);
                let p = if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    self.dir.join(p)
                };
                if !self.save || p.parent().is_some_and(Path::is_dir) {
                    out = Outcome::Chosen(p);
                }
            }
            if ui.button(fl!(l, "fd-cancel")).clicked() {
                out = Outcome::Cancelled;
            }
        });
        out
    }
}
