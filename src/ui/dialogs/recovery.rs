//! After a crash or a kill: spool files left in the data directory by a process that is
//! gone are offered back, each with its session, size and event count, to save (in any
//! export format) or discard. Listing and counting run on a background thread.

use super::file_dialog::{Answer, PendingDialog};
use super::save::{self, human_size, thousands};
use crate::i18n::{Lang, loader};
use crate::log::spool;
use crate::ui::common::background::{Background, Poll};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::io;
use std::path::{Path, PathBuf};

/// One left-over spool file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Orphan {
    pub path: PathBuf,
    /// The session it recorded (`tcp-client`, …).
    pub session: String,
    pub size: u64,
    /// Complete lines (events), once counted.
    pub events: Option<u64>,
    /// The result of the last save or discard (true = error).
    pub status: Option<(String, bool)>,
}

/// The session named in a spool file name: `spool-<pid>-<session>-<millis>.stspool`
/// (or `.jsonl`, from versions before the binary spool).
pub fn session_name(path: &Path) -> String {
    let name = path
        .file_stem()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let rest = name.strip_prefix("spool-").unwrap_or(name);
    let rest = rest.split_once('-').map_or(rest, |(_, r)| r);
    rest.rsplit_once('-').map_or(rest, |(s, _)| s).to_string()
}

/// The orphan spools in `dir` with their sizes (not counted yet).
pub fn list(dir: &Path) -> Vec<Orphan> {
    spool::orphans(dir)
        .into_iter()
        .map(|path| Orphan {
            session: session_name(&path),
            size: std::fs::metadata(&path).map_or(0, |m| m.len()),
            path,
            events: None,
            status: None,
        })
        .collect()
}

/// Events in a spool: intact records of a binary spool, or complete lines of an old JSON
/// Lines one (a record torn by the kill is not counted).
pub fn count_events(path: &Path) -> io::Result<u64> {
    crate::log::input::count_events(path)
}

/// Deletes a left-over spool.
pub fn discard(path: &Path) -> io::Result<()> {
    std::fs::remove_file(path)
}

/// A save's outcome: the message for the list; Err = an error.
type SaveResult = Result<String, String>;

enum Found {
    List(Vec<Orphan>),
    Count(PathBuf, u64),
}

/// The recovery offer: scanning, the list, and save jobs.
#[derive(Default)]
pub struct Recovery {
    dir: Option<PathBuf>,
    scan: Option<Background<Found>>,
    pub items: Vec<Orphan>,
    jobs: Vec<(PathBuf, Background<SaveResult>)>,
    /// The user closed the window.
    pub dismissed: bool,
    /// Look for orphans at all (the real window, and tests that give a data directory).
    pub enabled: bool,
    /// The language of the last frame (for messages made outside it).
    lang: Lang,
    /// Save as…'s file dialog for an orphan, while it is open.
    dialog: Option<(PathBuf, PendingDialog)>,
}

impl Recovery {
    /// Shows Save as…'s file dialog while it is open, and saves once it has a file.
    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let Some((input, d)) = &mut self.dialog else {
            return;
        };
        let Answer::Done(path) = d.poll(ctx) else {
            return;
        };
        let input = input.clone();
        self.dialog = None;
        if let Some(p) = path {
            self.save_to(&input, Some(p), ctx);
        }
    }
}

impl Recovery {
    /// Starts looking for orphan spools in `dir` (once).
    pub fn start(&mut self, dir: &Path, ctx: &egui::Context) {
        if self.dir.is_some() || !self.enabled {
            return;
        }
        self.dir = Some(dir.to_path_buf());
        let dir = dir.to_path_buf();
        let scan = Background::spawn("find-orphan-spools", ctx, move |r| {
            let items = list(&dir);
            let paths: Vec<PathBuf> = items.iter().map(|o| o.path.clone()).collect();
            if !r.send(Found::List(items)) {
                return;
            }
            for p in paths {
                if let Ok(n) = count_events(&p) {
                    r.send(Found::Count(p, n));
                }
            }
        });
        self.scan = scan.ok();
    }

    /// Takes what the background threads found.
    pub fn poll(&mut self) {
        if let Some(scan) = &self.scan {
            loop {
                match scan.poll() {
                    Poll::Ready(Found::List(v)) => self.items = v,
                    Poll::Ready(Found::Count(p, n)) => {
                        if let Some(o) = self.items.iter_mut().find(|o| o.path == p) {
                            o.events = Some(n);
                        }
                    }
                    Poll::Waiting => break,
                    Poll::Finished => {
                        self.scan = None;
                        break;
                    }
                }
            }
        }
        let items = &mut self.items;
        self.jobs.retain(|(p, job)| match job.poll() {
            Poll::Ready(r) => {
                if let Some(o) = items.iter_mut().find(|o| &o.path == p) {
                    o.status = Some(match r {
                        Ok(m) => (m, false),
                        Err(m) => (m, true),
                    });
                }
                false
            }
            Poll::Waiting => true,
            Poll::Finished => false,
        });
    }

    /// True while the window should show.
    pub fn is_open(&self) -> bool {
        !self.dismissed && !self.items.is_empty()
    }

    /// Exports one orphan to `output` on a background thread (what "Save as…" does after
    /// its dialog).
    pub fn save_to(&mut self, path: &Path, output: Option<PathBuf>, ctx: &egui::Context) {
        let lang = crate::ui::common::lang::lang(ctx);
        let Some(output) = output else {
            // First the file: the answer comes back through poll_dialog.
            let name = format!(
                "recovered-{}",
                save::suggested_name(&session_name(path), crate::log::export::Format::Txt,)
            );
            let title = fl!(loader(lang), "rec-dialog-title");
            let req = save::save_request(&title, &name);
            self.dialog = Some((path.to_path_buf(), PendingDialog::open(req, ctx)));
            return;
        };
        let input = path.to_path_buf();
        let spawned = Background::once("recover-spool", ctx, move || {
            let o = save::with_format(output);
            let style = crate::i18n_export::export_style(lang, false, false);
            let words = crate::i18n_export::describe_fn(lang);
            match crate::log::export::export_file_with(&input, &o, None, words, true, &style) {
                Ok(r) if r.bad_lines.is_empty() => Ok(fl!(
                    loader(lang),
                    "rec-saved",
                    n = thousands(r.events),
                    count = r.events,
                    path = o.display().to_string()
                )),
                Ok(r) => {
                    let lines = r
                        .bad_lines
                        .iter()
                        .take(3)
                        .map(|b| b.to_string())
                        .collect::<Vec<_>>()
                        .join("; ");
                    Err(fl!(
                        loader(lang),
                        "rec-saved-bad",
                        n = thousands(r.events),
                        count = r.events,
                        path = o.display().to_string(),
                        bad = r.bad_lines.len(),
                        lines = lines.as_str()
                    ))
                }
                Err(e) => Err(fl!(loader(lang), "rec-save-failed", err = e.to_string())),
            }
        });
        match spawned {
            Ok(job) => self.jobs.push((path.to_path_buf(), job)),
            Err(e) => {
                if let Some(o) = self.items.iter_mut().find(|o| o.path == path) {
                    o.status = Some((
                        fl!(loader(lang), "rec-save-failed", err = e.to_string()),
                        true,
                    ));
                }
            }
        }
    }

    /// Deletes one orphan and drops it from the list.
    pub fn discard(&mut self, path: &Path) {
        match discard(path) {
            Ok(()) => self.items.retain(|o| o.path != path),
            Err(e) if e.kind() == io::ErrorKind::NotFound => self.items.retain(|o| o.path != path),
            Err(e) => {
                if let Some(o) = self.items.iter_mut().find(|o| o.path == path) {
                    o.status = Some((
                        fl!(loader(self.lang), "rec-cannot-delete", err = e.to_string()),
                        true,
                    ));
                }
            }
        }
    }

    /// The window offering the orphans.
    pub fn show(&mut self, ctx: &egui::Context) {
        self.poll_dialog(ctx);
        self.poll();
        if !self.is_open() {
            return;
        }
        let mut open = true;
        let mut save: Option<PathBuf> = None;
        let mut drop: Option<PathBuf> = None;
        let lang = crate::ui::common::lang::lang(ctx);
        self.lang = lang;
        egui::Window::new(fl!(loader(lang), "rec-title"))
            .open(&mut open)
            .collapsible(false)
            .resizable(true)
            .default_width(560.0)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .show(ctx, |ui: &mut Ui| {
                ui.label(fl!(loader(lang), "rec-explain"));
                ui.add_space(4.0);
                egui::Grid::new("orphans")
                    .striped(true)
                    .spacing([12.0, 6.0])
                    .show(ui, |ui| {
                        for o in &self.items {
                            // A tab's session by the tab's name in the window's language.
                            let session = crate::net::Role::from_name(&o.session).map_or_else(
                                || o.session.clone(),
                                |r| crate::ui::common::lang::tab_label(lang, r),
                            );
                            ui.label(RichText::new(session).strong());
                            ui.label(human_size(o.size));
                            ui.label(match o.events {
                                Some(n) => {
                                    fl!(loader(lang), "rec-events", n = thousands(n), count = n)
                                }
                                None => fl!(loader(lang), "rec-counting"),
                            });
                            let busy = self.jobs.iter().any(|(p, _)| *p == o.path);
                            if ui
                                .add_enabled(
                                    !busy,
                                    egui::Button::new(fl!(loader(lang), "rec-save-as")),
                                )
                                .on_hover_text(o.path.display().to_string())
                                .clicked()
                            {
                                save = Some(o.path.clone());
                            }
                            if ui
                                .add_enabled(
                                    !busy,
                                    egui::Button::new(fl!(loader(lang), "rec-discard")),
                                )
                                .on_hover_text(fl!(loader(lang), "rec-discard-tip"))
                                .clicked()
                            {
                                drop = Some(o.path.clone());
                            }
                            ui.end_row();
                            if let Some((m, err)) = &o.status {
                                ui.label("");
                                let t = RichText::new(m);
                                ui.label(if *err {
                                    t.color(crate::ui::common::address_field::ERROR_RED)
                                } else {
                                    t
                                });
                                ui.end_row();
                            }
                        }
                    });
                ui.add_space(4.0);
                ui.label(RichText::new(fl!(loader(lang), "rec-later")).weak());
            });
        if !open {
            self.dismissed = true;
        }
        if let Some(p) = save {
            self.save_to(&p, None, ctx);
        }
        if let Some(p) = drop {
            self.discard(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_counts() {
        assert_eq!(
            session_name(Path::new("/x/spool-4294967295-tcp-client-1.jsonl")),
            "tcp-client"
        );
        assert_eq!(
            session_name(Path::new("spool-12-udp-recv-1700000000000.jsonl")),
            "udp-recv"
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("spool-4294967295-udp-send-1.jsonl");
        std::fs::write(&p, "{}\n{}\n{\"ts\"").unwrap();
        assert_eq!(count_events(&p).unwrap(), 2);
        let l = list(dir.path());
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].session, "udp-send");
        discard(&p).unwrap();
        assert!(list(dir.path()).is_empty());

        // A binary spool: its intact records are counted, a torn last one is not.
        assert_eq!(
            session_name(Path::new("spool-12-tcp-server-1700000000000.stspool")),
            "tcp-server"
        );
        let p = dir.path().join("spool-4294967295-tcp-server-2.stspool");
        let mut w = crate::log::spool_format::SpoolWriter::new(
            Vec::new(),
            crate::codec::Encoding::UTF_8,
            None,
            0,
        )
        .unwrap();
        for i in 0..3 {
            let ev = crate::net::Event {
                ts_us: i,
                role: crate::net::Role::TcpServer,
                local: None,
                peer: None,
                client: Some(1),
                kind: crate::net::EventKind::Rx(vec![1, 2, 3]),
                opcode: None,
            };
            w.write_event(&ev).unwrap();
        }
        let bytes = w.into_inner();
        std::fs::write(&p, &bytes[..bytes.len() - 1]).unwrap();
        assert_eq!(count_events(&p).unwrap(), 2);
        let l = list(dir.path());
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].session, "tcp-server");
    }
}
