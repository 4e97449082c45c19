//! "Search whole session": the log's filter run over every event of the session (the
//! spool on disk, then rows in memory it does not hold) by [`crate::log::spool_search`] on
//! a thread of its own. Its window shows the progress with Cancel, "k of n" for the whole
//! session and the matches; a match clicked is read back with its neighbours, even when it
//! left memory long ago.

use crate::i18n::{Lang, loader};
use crate::log::query::{Filter, direction};
use crate::log::spool_search::{self, MAX_HITS, Outcome, Row, SearchJob, Source};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Events read back before and after the one clicked.
pub const NEIGHBOURS: u64 = 3;

/// The search's state between frames.
#[derive(Default)]
pub struct WholeSearch {
    /// The window is shown.
    pub open: bool,
    job: Option<SearchJob>,
    /// The filter searched for, as the user typed it.
    pub asked: String,
    pub outcome: Option<Outcome>,
    /// Why the search failed (the system's words).
    pub error: Option<String>,
    /// The match clicked: its number and the rows read back around it (or why not).
    pub opened: Option<(u64, Result<Vec<Row>, String>)>,
}

impl std::fmt::Debug for WholeSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WholeSearch")
            .field("open", &self.open)
            .field("running", &self.running())
            .field("matches", &self.outcome.as_ref().map(|o| o.matches))
            .finish()
    }
}

impl WholeSearch {
    /// Starts a search of `source` (after `sync`, which waits for the spool to catch up).
    pub fn start(
        &mut self,
        ctx: &egui::Context,
        source: Source,
        filter: Filter,
        asked: String,
        sync: Option<Box<dyn FnOnce() -> bool + Send>>,
    ) {
        self.cancel();
        self.open = true;
        self.asked = asked;
        self.outcome = None;
        self.error = None;
        self.opened = None;
        let c = ctx.clone();
        let wake = Box::new(move || c.request_repaint());
        match SearchJob::start(source, filter, crate::i18n::english, sync, wake) {
            Ok(j) => self.job = Some(j),
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    pub fn running(&self) -> bool {
        self.job.is_some()
    }

    /// Stops a search running (what it counted so far comes back as its result).
    pub fn cancel(&mut self) {
        if let Some(j) = &self.job {
            j.control().cancel();
        }
    }

    /// Takes the result if it has come.
    fn poll(&mut self) {
        let Some(j) = &self.job else { return };
        match j.poll() {
            Some(Ok(o)) => {
                self.outcome = Some(o);
                self.job = None;
            }
            Some(Err(e)) => {
                self.error = Some(e.to_string());
                self.job = None;
            }
            None => {}
        }
    }

    /// Reads back match `index` with its neighbours.
    pub fn open_hit(&mut self, index: u64) {
        let Some(o) = &self.outcome else { return };
        let rows =
            spool_search::read_around(o, index, NEIGHBOURS, NEIGHBOURS, crate::i18n::english)
                .map_err(|e| e.to_string());
        self.opened = Some((index, rows));
    }

    /// Forgets everything (the log was cleared).
    pub fn reset(&mut self) {
        self.cancel();
        *self = WholeSearch::default();
    }
}

/// Draws the window (when open) and follows the search.
pub fn show(ctx: &egui::Context, ws: &mut WholeSearch, lang: Lang, salt: &str) {
    ws.poll();
    if !ws.open {
        return;
    }
    let mut open = true;
    egui::Window::new(fl!(loader(lang), "whole-title"))
        .id(egui::Id::unique(("whole_search", salt)))
        .open(&mut open)
        .default_width(620.0)
        .max_height(ctx.content_rect().height() * 0.8)
        .show(ctx, |ui| body(ui, ws, lang));
    if !open {
        ws.cancel();
        ws.open = false;
    }
    if ws.running() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
}

fn body(ui: &mut Ui, ws: &mut WholeSearch, lang: Lang) {
    let l = loader(lang);
    ui.label(fl!(l, "whole-asked", q = ws.asked.as_str()));
    if let Some(j) = &ws.job {
        let (done, total) = j.control().progress();
        let frac = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(frac)
                    .show_percentage()
                    .desired_width(ui.available_width() - 90.0),
            )
            .on_hover_text(fl!(l, "whole-progress"));
            cancel = ui.button(fl!(l, "whole-cancel")).clicked();
        });
        if cancel {
            ws.cancel();
        }
        return;
    }
    if let Some(e) = &ws.error {
        ui.colored_label(
            crate::ui::common::address_field::ERROR_RED,
            fl!(l, "whole-failed", err = e.as_str()),
        );
        return;
    }
    let Some(o) = &ws.outcome else { return };
    let count = fl!(l, "whole-count", k = o.matches, n = o.events);
    ui.label(RichText::new(count).strong());
    if o.cancelled {
        ui.label(fl!(l, "whole-cancelled"));
    }
    if o.matches > MAX_HITS as u64 {
        ui.label(fl!(l, "whole-first", shown = MAX_HITS));
    }
    if let Some(c) = &o.cut {
        ui.label(fl!(l, "whole-cut", events = o.events, why = c.to_string()));
    }
    let mut clicked = None;
    let row_h = ui.text_style_height(&egui::TextStyle::Monospace) + 4.0;
    let opened = ws.opened.as_ref().map(|(i, _)| *i);
    egui::ScrollArea::vertical()
        .id_salt("whole_hits")
        .max_height(180.0)
        .auto_shrink([false, true])
        .show_rows(ui, row_h, o.hits.len(), |ui, range| {
            for h in &o.hits[range] {
                let line = row_line(h.index, &h.event, &h.text);
                let r =
                    ui.selectable_label(opened == Some(h.index), RichText::new(line).monospace());
                if r.clicked() {
                    clicked = Some(h.index);
                }
            }
        });
    if let Some(i) = clicked {
        ws.open_hit(i);
    }
    if let Some((index, rows)) = &ws.opened {
        ui.separator();
        let shown = index.saturating_add(1);
        ui.label(RichText::new(fl!(l, "whole-around", index = shown)).strong());
        match rows {
            Ok(rows) => {
                for r in rows {
                    let line = row_line(r.index, &r.event, &r.text);
                    let t = RichText::new(line).monospace();
                    ui.label(if r.index == *index {
                        t.strong()
                    } else {
                        t.weak()
                    });
                }
            }
            Err(e) => {
                ui.colored_label(
                    crate::ui::common::address_field::ERROR_RED,
                    fl!(l, "whole-read-failed", err = e.as_str()),
                );
            }
        }
    }
}

/// One match or row: its number, time, direction, peer and text, on one line.
fn row_line(index: u64, ev: &crate::net::Event, text: &str) -> String {
    let peer = match (ev.client, ev.peer) {
        (Some(c), Some(p)) => format!("#{c} {p}"),
        (None, Some(p)) => p.to_string(),
        (Some(c), None) => format!("#{c}"),
        (None, None) => String::new(),
    };
    format!(
        "{:>9}  {}  {}  {:<21}  {}",
        index + 1,
        super::log_cells::format_time(ev.ts_us),
        direction(&ev.kind).symbol(),
        peer,
        super::log_cells::visible(text, 120)
    )
}
