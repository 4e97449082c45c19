//! The log view: a virtualised table of a session's events (only the visible rows are
//! laid out, so a million rows cost one screenful) with time, direction, peer, length
//! and data as text, hex or both; row selection, Clear, Copy, Save log… and, for the TCP
//! server, a per-client filter.

use super::search::Matches;
use crate::codec::{Encoding, to_hex_spaced};
use crate::i18n::{Lang, loader};
use crate::log::{Direction, Entry, LogStore, RecordWriter};
use egui::{Color32, RichText, Sense, TextStyle, Ui};
use egui_extras::{Column, TableBuilder};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Longest text shown in one cell (the full text is in Copy and Save).
pub const MAX_CELL_CHARS: usize = 2_000;
/// Most bytes shown as hex in one cell.
pub const MAX_CELL_HEX_BYTES: usize = 700;

/// How the data column shows payloads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DisplayMode {
    #[default]
    Text,
    Hex,
    Both,
}

/// Selection and filter of one log view (not persisted).
#[derive(Debug, Default)]
pub struct LogViewState {
    /// Selected rows, by sequence number.
    pub selected: BTreeSet<u64>,
    anchor: Option<u64>,
    /// TCP server: show only this client's rows.
    pub client_filter: Option<u64>,
    /// The search/filter box (text, hex bytes, peer, → / ←).
    pub search: String,
    /// Rows passing the client filter and the search, kept up to date incrementally.
    pub matches: Matches,
    /// The note being written (Note… popup).
    pub note: String,
}

impl LogViewState {
    /// Forgets selection and the filter cache (after Clear).
    pub fn reset(&mut self) {
        self.selected.clear();
        self.anchor = None;
        self.matches.reset();
    }

    /// The "k of n match" text, or None without a search.
    pub fn match_text(&self, store: &LogStore, lang: Lang) -> Option<String> {
        if self.search.trim().is_empty() {
            return None;
        }
        let more = if self.matches.done {
            String::new()
        } else {
            fl!(loader(lang), "log-searching")
        };
        Some(fl!(
            loader(lang),
            "log-match-count",
            k = self.matches.seqs.len(),
            n = store.len(),
            more = more
        ))
    }
}

/// What the user asked for in the toolbar.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogActions {
    pub clear: bool,
    pub save: bool,
    /// Add this note at this moment.
    pub note: Option<String>,
}

/// Local time of day, `HH:MM:SS.mmm`.
pub fn format_time(ts_us: i64) -> String {
    match chrono::DateTime::from_timestamp_micros(ts_us) {
        Some(t) => t
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S%.3f")
            .to_string(),
        None => "--:--:--.---".into(),
    }
}

/// Text with control and bidi characters made visible (`\r`, `\n`, `\t`, `\xNN`, `\u{N}`:
/// [`crate::codec::escape::push_visible`]), cut at `max` chars.
pub fn visible(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_add(8)));
    for (n, c) in text.chars().enumerate() {
        if n >= max {
            out.push_str(" …");
            break;
        }
        crate::codec::escape::push_visible(&mut out, c);
    }
    out
}

/// The peer column: `#id addr` for a server's client, else the address.
pub fn peer_text(e: &Entry) -> String {
    let peer = e.event.peer.map(|p| p.to_string()).unwrap_or_default();
    match e.event.client {
        Some(id) => format!("#{id} {peer}"),
        None => peer,
    }
}

/// One row as a text line: `time  dir  peer  len  text` (for Copy and .txt saves).
pub fn format_row_text(e: &Entry) -> String {
    let len = e.data().map(|d| d.len().to_string()).unwrap_or_default();
    let line = format!(
        "{}  {}  {}  {}  {}",
        format_time(e.event.ts_us),
        e.direction().symbol(),
        peer_text(e),
        len,
        e.text
    );
    crate::codec::visible(&line).into_owned()
}

/// Writes rows to `path`: text lines for `.txt`, otherwise JSON Lines records.
pub fn write_log(path: &Path, rows: &[Entry], enc: Encoding) -> io::Result<usize> {
    let txt = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    // Renamed over `path` only when complete: a failure leaves an existing file as it was.
    let mut f = BufWriter::new(crate::log::atomic::AtomicFile::create(path)?);
    if txt {
        for r in rows {
            writeln!(f, "{}", format_row_text(r))?;
        }
    } else {
        let mut w = RecordWriter::new(&mut f, enc);
        w.flush_each = false;
        for r in rows {
            w.write_event(&r.event)?;
        }
        w.flush()?;
    }
    f.into_inner().map_err(|e| e.into_error())?.commit()?;
    Ok(rows.len())
}

/// The colour of a user's note in the log.
const NOTE_COLOR: Color32 = super::style::NOTE_AMBER;

fn dir_color(d: Direction, ui: &Ui) -> Color32 {
    match d {
        Direction::Rx => super::style::GOOD_GREEN,
        Direction::Tx => super::style::SENT_BLUE,
        Direction::Warn => super::address_field::ERROR_RED,
        Direction::Info => ui.visuals().weak_text_color(),
    }
}

/// The inter-arrival column: milliseconds since the previous rx from the same peer.
pub fn gap_text(e: &Entry) -> String {
    match e.gap_us {
        Some(us) if us < 10_000 => format!("{:.3}", us as f64 / 1000.0),
        Some(us) if us < 1_000_000 => format!("{:.1}", us as f64 / 1000.0),
        Some(us) => format!("{:.0}", us as f64 / 1000.0),
        None => String::new(),
    }
}

fn hex_cell(e: &Entry) -> String {
    match e.data() {
        Some(d) if d.len() > MAX_CELL_HEX_BYTES => {
            format!("{} …", to_hex_spaced(&d[..MAX_CELL_HEX_BYTES]))
        }
        Some(d) => to_hex_spaced(d),
        None => String::new(),
    }
}

/// Shows the toolbar and the table.
pub fn show(
    ui: &mut Ui,
    store: &LogStore,
    st: &mut LogViewState,
    display: &mut DisplayMode,
    server: bool,
    id_salt: &str,
) -> LogActions {
    let mut actions = LogActions::default();
    let lang = super::lang::lang(ui.ctx());
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(fl!(loader(lang), "log-title")).strong());
        ui.label(fl!(loader(lang), "log-show"));
        ui.selectable_value(display, DisplayMode::Text, fl!(loader(lang), "log-text"));
        ui.selectable_value(display, DisplayMode::Hex, fl!(loader(lang), "log-hex-view"));
        ui.selectable_value(display, DisplayMode::Both, fl!(loader(lang), "log-both"));
        ui.separator();
        if ui
            .button(fl!(loader(lang), "log-clear"))
            .on_hover_text(fl!(loader(lang), "log-clear-tip"))
            .clicked()
        {
            actions.clear = true;
        }
        let copy_label = if st.selected.is_empty() {
            fl!(loader(lang), "log-copy-all")
        } else {
            fl!(loader(lang), "log-copy-selected", n = st.selected.len())
        };
        if ui
            .add_enabled(!store.is_empty(), egui::Button::new(copy_label))
            .clicked()
        {
            let lines: Vec<String> = store
                .iter()
                .filter(|e| st.selected.is_empty() || st.selected.contains(&e.seq))
                .filter(|e| st.matches.passes(e))
                .map(format_row_text)
                .collect();
            ui.ctx().copy_text(lines.join("\n"));
        }
        if !st.selected.is_empty() && ui.button(fl!(loader(lang), "log-select-none")).clicked() {
            st.selected.clear();
            st.anchor = None;
        }
        if ui
            .add_enabled(
                !store.is_empty(),
                egui::Button::new(fl!(loader(lang), "log-save")),
            )
            .on_hover_text(fl!(loader(lang), "log-save-tip"))
            .clicked()
        {
            actions.save = true;
        }
        let note_btn = ui
            .menu_button(fl!(loader(lang), "log-note"), |ui| {
                let l = ui.label(fl!(loader(lang), "log-note-text"));
                let r = ui.add(
                    egui::TextEdit::singleline(&mut st.note)
                        .hint_text(fl!(loader(lang), "log-note-hint"))
                        .desired_width(240.0),
                );
                let r = r.labelled_by(l.id);
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                let ok = !st.note.trim().is_empty();
                if (ui
                    .add_enabled(ok, egui::Button::new(fl!(loader(lang), "log-add-note")))
                    .clicked()
                    || enter)
                    && ok
                {
                    actions.note = Some(st.note.trim().to_string());
                    st.note.clear();
                    ui.close();
                }
            })
            .response;
        note_btn.on_hover_text(fl!(loader(lang), "log-note-tip"));
        if server {
            ui.separator();
            let current = match st.client_filter {
                Some(id) => format!("#{id}"),
                None => fl!(loader(lang), "log-all"),
            };
            let l = ui.label(fl!(loader(lang), "log-show-client"));
            egui::ComboBox::from_id_salt(("client_filter", id_salt))
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut st.client_filter, None, fl!(loader(lang), "log-all"));
                    for id in store.clients.keys() {
                        ui.selectable_value(&mut st.client_filter, Some(*id), format!("#{id}"));
                    }
                })
                .response
                .labelled_by(l.id);
        }
    });

    ui.horizontal(|ui| {
        let l = ui.label(fl!(loader(lang), "log-filter"));
        ui.add(
            egui::TextEdit::singleline(&mut st.search)
                .hint_text(fl!(loader(lang), "log-filter-hint"))
                .desired_width(320.0),
        )
        .labelled_by(l.id);
        if !st.search.is_empty()
            && ui
                .small_button("✖")
                .on_hover_text(fl!(loader(lang), "log-clear-filter"))
                .clicked()
        {
            st.search.clear();
        }
        if let Some(t) = st.match_text(store, lang) {
            ui.label(t);
        }
    });

    if st.matches.refresh(store, st.client_filter, &st.search) {
        ui.ctx().request_repaint();
    }
    let first_seq = store.get(0).map_or(0, |e| e.seq);
    let filtering = st.matches.active();
    let n = if filtering {
        st.matches.seqs.len()
    } else {
        store.len()
    };
    let row_index = |i: usize| -> Option<usize> {
        if filtering {
            let seq = *st.matches.seqs.get(i)?;
            usize::try_from(seq.checked_sub(first_seq)?).ok()
        } else {
            Some(i)
        }
    };

    let modifiers = ui.input(|i| i.modifiers);
    let row_h = ui.text_style_height(&TextStyle::Monospace).max(16.0) + 2.0;
    let mut clicked: Option<u64> = None;
    let mode = *display;
    // Time, direction, peer, length, Δt: together at most 60 % of the width (scaled down
    // on a narrow log), each resizable within that, so Data always keeps 40 %.
    // Each column also takes the item spacing beside it.
    let avail = ui.available_width() - ui.spacing().item_spacing.x * (natural_cols(mode) as f32);
    let natural = [108.0, 18.0, if server { 190.0 } else { 160.0 }, 52.0, 64.0];
    let floors = [96.0, 14.0, 50.0, 30.0, 36.0];
    let meta = super::layout::meta_columns(avail, &natural, &floors, 0.6);
    let mut table = TableBuilder::new(ui)
        .id_salt(("log_table", id_salt, mode))
        .striped(true)
        .stick_to_bottom(true)
        // The body is never taller than the room left (egui_extras' default floor of 200 px
        // would run the newest rows under a tool panel or the send box).
        .min_scrolled_height(0.0)
        .resizable(true)
        .sense(Sense::click())
        .auto_shrink([false, false]);
    for (w, max) in meta {
        table = table.column(Column::initial(w).range(w.min(14.0)..=max).clip(true));
    }
    let data_min = (0.4 * avail).max(40.0);
    table = match mode {
        DisplayMode::Both => table
            .column(
                Column::initial(data_min / 2.0)
                    .range((data_min / 4.0)..=(data_min * 0.75))
                    .clip(true),
            )
            .column(Column::remainder().at_least(data_min / 4.0).clip(true)),
        _ => table.column(Column::remainder().at_least(data_min).clip(true)),
    };
    table
        .header(20.0, |mut h| {
            h.col(|ui| {
                ui.strong(fl!(loader(lang), "log-col-time"));
            });
            h.col(|ui| {
                ui.strong("");
            });
            h.col(|ui| {
                ui.strong(fl!(loader(lang), "log-col-peer"));
            });
            h.col(|ui| {
                ui.strong(fl!(loader(lang), "log-col-len"));
            });
            h.col(|ui| {
                ui.strong(fl!(loader(lang), "log-col-dt"))
                    .on_hover_text(fl!(loader(lang), "log-col-dt-tip"));
            });
            match mode {
                DisplayMode::Text => {
                    h.col(|ui| {
                        ui.strong(fl!(loader(lang), "log-col-data-text"));
                    });
                }
                DisplayMode::Hex => {
                    h.col(|ui| {
                        ui.strong(fl!(loader(lang), "log-col-data-hex"));
                    });
                }
                DisplayMode::Both => {
                    h.col(|ui| {
                        ui.strong(fl!(loader(lang), "log-col-text"));
                    });
                    h.col(|ui| {
                        ui.strong(fl!(loader(lang), "log-col-hex"));
                    });
                }
            }
        })
        .body(|body| {
            body.rows(row_h, n, |mut row| {
                let Some(e) = row_index(row.index()).and_then(|i| store.get(i)) else {
                    return;
                };
                row.set_selected(st.selected.contains(&e.seq));
                let dir = e.direction();
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(RichText::new(format_time(e.event.ts_us)).monospace())
                            .selectable(false),
                    );
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(RichText::new(dir.symbol()).color(dir_color(dir, ui)))
                            .selectable(false),
                    );
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(peer_text(e)).selectable(false).truncate());
                });
                row.col(|ui| {
                    let len = e.data().map(|d| d.len().to_string()).unwrap_or_default();
                    ui.add(egui::Label::new(len).selectable(false));
                });
                row.col(|ui| {
                    ui.add(
                        egui::Label::new(RichText::new(gap_text(e)).monospace().weak())
                            .selectable(false),
                    );
                });
                // Non-data rows in the window's language (the stored text is English).
                let shown: std::borrow::Cow<str> = if e.data().is_some() {
                    e.text.as_str().into()
                } else {
                    crate::i18n::describe_in(lang, &e.event).into()
                };
                let text_cell = |ui: &mut Ui| {
                    let t = visible(&shown, MAX_CELL_CHARS);
                    let rt = if e.data().is_some() {
                        RichText::new(t).monospace()
                    } else if matches!(e.event.kind, crate::net::EventKind::Note(_)) {
                        RichText::new(fl!(loader(lang), "log-note-row", text = t.as_str()))
                            .strong()
                            .color(NOTE_COLOR)
                    } else {
                        RichText::new(t).color(dir_color(dir, ui))
                    };
                    ui.add(egui::Label::new(rt).selectable(false).truncate());
                };
                let hex = |ui: &mut Ui| {
                    if e.data().is_some() {
                        ui.add(
                            egui::Label::new(RichText::new(hex_cell(e)).monospace())
                                .selectable(false)
                                .truncate(),
                        );
                    } else {
                        ui.add(
                            egui::Label::new(RichText::new(&*shown).color(dir_color(dir, ui)))
                                .selectable(false)
                                .truncate(),
                        );
                    }
                };
                match mode {
                    DisplayMode::Text => {
                        row.col(text_cell);
                    }
                    DisplayMode::Hex => {
                        row.col(hex);
                    }
                    DisplayMode::Both => {
                        row.col(text_cell);
                        row.col(|ui| {
                            if e.data().is_some() {
                                ui.add(
                                    egui::Label::new(RichText::new(hex_cell(e)).monospace())
                                        .selectable(false)
                                        .truncate(),
                                );
                            }
                        });
                    }
                }
                if row.response().clicked() {
                    clicked = Some(e.seq);
                }
            });
        });

    if let Some(seq) = clicked {
        if modifiers.shift
            && let Some(a) = st.anchor
        {
            let (lo, hi) = if a <= seq { (a, seq) } else { (seq, a) };
            if !modifiers.command {
                st.selected.clear();
            }
            for e in store.iter().filter(|e| e.seq >= lo && e.seq <= hi) {
                if st.matches.passes(e) {
                    st.selected.insert(e.seq);
                }
            }
        } else if modifiers.command {
            if !st.selected.remove(&seq) {
                st.selected.insert(seq);
            }
            st.anchor = Some(seq);
        } else {
            if st.selected.len() == 1 && st.selected.contains(&seq) {
                st.selected.clear();
            } else {
                st.selected.clear();
                st.selected.insert(seq);
            }
            st.anchor = Some(seq);
        }
    }
    actions
}

/// How many columns the log shows in `mode`.
fn natural_cols(mode: DisplayMode) -> usize {
    match mode {
        DisplayMode::Both => 7,
        _ => 6,
    }
}
