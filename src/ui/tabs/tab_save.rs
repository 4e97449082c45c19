//! Save log… of one tab: the file dialog, then the whole session exported from its spool
//! (or, without one, from the rows in memory) on a background thread; the result comes
//! back to the status line as the tab's notice (see `SessionPanel::refresh`).

use super::status_words::writer_error_text;
use super::tab::SessionPanel;
use crate::i18n::loader;
use crate::ui::common::background::Background;
use crate::ui::dialogs::file_dialog::PendingDialog;
use crate::ui::dialogs::save;
use i18n_embed_fl::fl;
use std::path::PathBuf;

impl SessionPanel {
    /// What a save reads: the spool, or the rows in memory when there is no spool.
    fn save_source(&self) -> save::Source {
        match (&self.st.spool_path, &self.st.spool_error) {
            (Some(p), None) => save::Source::Spool {
                path: p.clone(),
                sync: Box::new(self.runtime.syncer(std::time::Duration::from_secs(60))),
                skip: self.save_rest_from.unwrap_or(0),
            },
            (Some(p), Some(e)) => {
                let (rows, evicted) = {
                    let v = self.view();
                    let rows: Vec<_> = v.store.iter().cloned().collect();
                    (rows, v.store.total() > v.store.len() as u64)
                };
                save::Source::Stopped {
                    path: p.clone(),
                    sync: Box::new(self.runtime.syncer(std::time::Duration::from_secs(60))),
                    rows,
                    evicted,
                    why: writer_error_text(self.lang, e),
                }
            }
            (_, err) => save::Source::Memory {
                rows: self.view().store.iter().cloned().collect(),
                why: err.as_ref().map_or_else(
                    || fl!(loader(self.lang), "save-no-disk-copy"),
                    |e| writer_error_text(self.lang, e),
                ),
            },
        }
    }

    /// "Save the rest…": the record stopped (a full disk) while the spool went on; asks
    /// where to save what the record misses, and saves it from the spool.
    pub fn save_rest(&mut self, ctx: &egui::Context) {
        let Some(from) = self.st.record_error.as_ref().and_then(|e| e.rest_from) else {
            return;
        };
        self.save_rest_from = Some(from);
        let name = save::suggested_name(
            &format!("{}-rest", self.role.as_str()),
            // The rest of a JSON Lines record, in its form, to join it.
            crate::log::export::Format::Jsonl,
        );
        let title = fl!(loader(self.lang), "save-rest-title");
        let req = save::save_request(&title, &name);
        self.save_dialog = Some(PendingDialog::open(req, ctx));
    }

    /// The start of a saved log's name: the tab's name in the window's language
    /// (`TCP服务端`, `TCP-Server`), without spaces.
    fn file_stem(&self) -> String {
        crate::ui::common::lang::tab_label(self.lang, self.role)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(if self.lang == crate::i18n::Lang::Zh {
                ""
            } else {
                "-"
            })
    }

    /// Asks where to save (rfd, one filter per format) and exports the whole session
    /// from the spool in the encoding chosen now, both off the UI thread.
    pub fn save_log(&mut self, ctx: &egui::Context) {
        self.start_save(None, ctx);
    }

    /// What Save log… does once it has a path: exports the whole session to `output` on a
    /// background thread; the result arrives in [`SessionPanel::notice`].
    pub fn save_log_to(&mut self, output: PathBuf, ctx: &egui::Context) {
        self.start_save(Some(output), ctx);
    }

    fn start_save(&mut self, output: Option<PathBuf>, ctx: &egui::Context) {
        if self.view().store.total() == 0 {
            self.notice = Some((fl!(loader(self.lang), "notice-nothing-to-save"), false));
            return;
        }
        let Some(output) = output else {
            self.save_rest_from = None;
            // First the file: the answer comes back through poll_save_dialog.
            let name = save::suggested_name(&self.file_stem(), crate::log::export::Format::Txt);
            let title = fl!(loader(self.lang), "save-dialog-title");
            let req = save::save_request(&title, &name);
            self.save_dialog = Some(PendingDialog::open(req, ctx));
            return;
        };
        let source = self.save_source();
        self.save_rest_from = None;
        let enc = self.encoding();
        let lang = self.lang;
        let spawned = Background::once("save-log", ctx, move || {
            save::export_session(source, &save::with_format(output), enc, lang)
        });
        match spawned {
            Ok(job) => {
                self.notice = Some((fl!(loader(self.lang), "notice-saving"), false));
                self.saves.push(job);
            }
            Err(e) => {
                self.notice = Some((
                    fl!(loader(self.lang), "notice-save-failed", err = e.to_string()),
                    true,
                ))
            }
        }
    }

    /// Shows Save log…'s file dialog while it is open, and saves once it has a file.
    pub(in crate::ui) fn poll_save_dialog(&mut self, ctx: &egui::Context) {
        let Some(d) = &mut self.save_dialog else {
            return;
        };
        if let crate::ui::dialogs::file_dialog::Answer::Done(path) = d.poll(ctx) {
            self.save_dialog = None;
            match path {
                Some(p) => self.start_save(Some(p), ctx),
                None => self.save_rest_from = None,
            }
        }
    }
}
