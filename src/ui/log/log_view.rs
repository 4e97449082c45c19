//! The log view: a virtualised table of a session's events (only the visible rows are
//! laid out, so a million rows cost one screenful) with time, direction, peer, length
//! and data as text, hex or both; row selection, Clear, Copy, Save log… and, for the TCP
//! server, a per-client filter.

pub use super::log_state::{DisplayMode, LogActions, LogViewState};
pub use super::row_text::{format_row, format_row_text, write_log};
use crate::i18n::{Lang, loader};
use crate::log::{Direction, Entry, LogStore};
use crate::ui::common::address_field::ERROR_RED;
use crate::ui::common::layout::MetaCol;
use egui::{Color32, RichText, Sense, TextStyle, Ui};
use egui_extras::{Column, TableBuilder, TableRow};
use i18n_embed_fl::fl;

pub use super::log_cells::{MAX_CELL_CHARS, format_time, gap_text, peer_text, visible};
use super::log_cells::{hex_cell, len_text, peer_need};

/// The colour of a user's note in the log.
const NOTE_COLOR: Color32 = crate::ui::common::style::NOTE_AMBER;

fn dir_color(d: Direction, ui: &Ui) -> Color32 {
    match d {
        Direction::Rx => crate::ui::common::style::GOOD_GREEN,
        Direction::Tx => crate::ui::common::style::SENT_BLUE,
        Direction::Warn => crate::ui::common::address_field::ERROR_RED,
        Direction::Info => ui.visuals().weak_text_color(),
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
    super::log_toolbar::show(ui, store, st, display, server, id_salt, &mut actions);
    if actions.copy {
        copy_rows(ui, store, st, *display);
    }
    if st.matches.refresh(store, &st.filter_key()) {
        ui.ctx().request_repaint();
    }
    let modifiers = ui.input(|i| i.modifiers);
    let (clicked, menu) = table(ui, store, st, *display, server, id_salt);
    if let Some(seq) = clicked {
        select(store, st, seq, modifiers);
    }
    match menu {
        Some(RowMenu::Flip(seq)) if !st.flipped.remove(&seq) => {
            st.flipped.insert(seq);
        }
        Some(RowMenu::Copy(seq)) => {
            if let Some(e) = store.iter().rev().find(|e| e.seq == seq) {
                ui.ctx().copy_text(format_row(e, st.shows_hex(e, *display)));
            }
        }
        Some(RowMenu::Flip(_)) | None => {}
    }
    actions
}

/// What a row's context menu asked for.
#[derive(Clone, Copy, Debug)]
enum RowMenu {
    /// Show this row the other way (text / hex) in Text mode.
    Flip(u64),
    /// Copy this row as shown.
    Copy(u64),
}

/// Copy: the selected rows (or all), as far as the search lets them through, each as
/// shown (text, or hex for a row shown as hex).
fn copy_rows(ui: &Ui, store: &LogStore, st: &LogViewState, mode: DisplayMode) {
    let lines: Vec<String> = store
        .iter()
        .filter(|e| st.selected.is_empty() || st.selected.contains(&e.seq))
        .filter(|e| st.matches.passes(e))
        .map(|e| format_row(e, st.shows_hex(e, mode)))
        .collect();
    ui.ctx().copy_text(lines.join("\n"));
}

/// The table of the rows the search lets through (all without one); the row clicked and
/// what a row's context menu asked for.
fn table(
    ui: &mut Ui,
    store: &LogStore,
    st: &LogViewState,
    mode: DisplayMode,
    server: bool,
    id_salt: &str,
) -> (Option<u64>, Option<RowMenu>) {
    let lang = crate::ui::common::lang::lang(ui.ctx());
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

    let row_h = ui.text_style_height(&TextStyle::Monospace).max(16.0) + 2.0;
    let mut clicked: Option<u64> = None;
    let mut menu: Option<RowMenu> = None;
    // Time, direction, peer, length, Δt: at most 60 % of the whole width, each resizable
    // within that; a narrow log drops the least needed (see `layout::log_columns`).
    let full = ui.available_width();
    let gap = ui.spacing().item_spacing.x;
    let data_cols = if mode == DisplayMode::Both { 2 } else { 1 };
    let need = peer_need(ui, store, server);
    let mut meta = crate::ui::common::layout::log_columns(full, gap, data_cols, server, need);
    // WebSocket: the opcode after the direction.
    if store.opcodes {
        meta.insert(2.min(meta.len()), (MetaCol::Op, 52.0, 60.0));
    }
    let mut table = TableBuilder::new(ui)
        // One id whatever the columns, so a narrow log that drops one keeps its scroll
        // position (egui_extras starts the widths over when the count changes).
        .id_salt(("log_table", id_salt, mode))
        .striped(true)
        .stick_to_bottom(true)
        // The body is never taller than the room left (egui_extras' default floor of 200 px
        // would run the newest rows under a tool panel or the send box).
        .min_scrolled_height(0.0)
        .resizable(true)
        .sense(Sense::click())
        .auto_shrink([false, false]);
    for &(c, w, max) in &meta {
        // Peer is never narrower than its whole `ip:port` (egui_extras clamps the kept
        // width to the range each frame, so a longer peer widens it).
        let min = if c == MetaCol::Peer {
            need.min(max)
        } else {
            w.min(14.0)
        };
        table = table.column(Column::initial(w.max(min)).range(min..=max).clip(true));
    }
    let data_min = (0.4 * full - gap * data_cols as f32).max(40.0);
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
        .header(20.0, |h| header(h, &meta, mode, lang))
        .body(|body| {
            body.rows(row_h, n, |row| {
                let Some(e) = row_index(row.index()).and_then(|i| store.get(i)) else {
                    return;
                };
                let (c, m) = table_row(row, e, st, &meta, mode, lang);
                clicked = clicked.or(c);
                menu = menu.or(m);
            });
        });
    (clicked, menu)
}

/// The table's header: the meta columns shown, then the data column(s) of the mode.
fn header(mut h: TableRow<'_, '_>, meta: &[(MetaCol, f32, f32)], mode: DisplayMode, lang: Lang) {
    for &(c, _, _) in meta {
        h.col(|ui| {
            let l = loader(lang);
            match c {
                MetaCol::Time => ui.strong(fl!(l, "log-col-time")),
                MetaCol::Dir => ui.strong(""),
                MetaCol::Peer => ui.strong(fl!(l, "log-col-peer")),
                MetaCol::Len => ui.strong(fl!(l, "log-col-len")),
                MetaCol::Op => ui.strong(fl!(l, "log-col-op")),
                MetaCol::Dt => ui
                    .strong(fl!(l, "log-col-dt"))
                    .on_hover_text(fl!(l, "log-col-dt-tip")),
            };
        });
    }
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
}

/// One event's row; its sequence number when it was clicked, and what its context menu
/// asked for.
fn table_row(
    mut row: TableRow<'_, '_>,
    e: &Entry,
    st: &LogViewState,
    meta: &[(MetaCol, f32, f32)],
    mode: DisplayMode,
    lang: Lang,
) -> (Option<u64>, Option<RowMenu>) {
    row.set_selected(st.selected.contains(&e.seq));
    for &(c, _, _) in meta {
        row.col(|ui| meta_cell(ui, c, e));
    }
    let as_hex = st.shows_hex(e, mode);
    data_cells(&mut row, e, mode, as_hex, lang);
    let mut response = row.response();
    // The columns a narrow log left out, on the row's tooltip.
    let has = |c: MetaCol| meta.iter().any(|m| m.0 == c);
    if meta.len() - usize::from(has(MetaCol::Op)) < 5
        && response.hovered()
        && let Some(tip) = hidden_columns_tip(e, lang, &has)
    {
        response = response.on_hover_text(tip);
    }
    // WebSocket: the opening handshake's request and response, on the row's tooltip.
    if let crate::net::EventKind::Ws(crate::net::ws::WsEvent::Open(hs)) = &e.event.kind
        && response.hovered()
    {
        response = response.on_hover_text(format!("{}{}", hs.request, hs.response));
    }
    let mut menu = None;
    if e.data().is_some() {
        response.context_menu(|ui| {
            let l = loader(lang);
            if mode == DisplayMode::Text {
                let flip = if as_hex {
                    fl!(l, "log-row-as-text")
                } else {
                    fl!(l, "log-row-as-hex")
                };
                if ui.button(flip).clicked() {
                    menu = Some(RowMenu::Flip(e.seq));
                    ui.close();
                }
            }
            if ui.button(fl!(l, "log-row-copy")).clicked() {
                menu = Some(RowMenu::Copy(e.seq));
                ui.close();
            }
        });
    }
    (response.clicked().then_some(e.seq), menu)
}

/// One of a row's meta columns: time, direction, peer, length or Δt.
fn meta_cell(ui: &mut Ui, c: MetaCol, e: &Entry) {
    let dir = e.direction();
    match c {
        MetaCol::Time => {
            ui.add(
                egui::Label::new(RichText::new(format_time(e.event.ts_us)).monospace())
                    .selectable(false),
            );
        }
        MetaCol::Dir => {
            let rt = RichText::new(e.arrow()).color(dir_color(dir, ui));
            ui.add(egui::Label::new(rt).selectable(false));
        }
        MetaCol::Peer => {
            let peer = peer_text(e, crate::ui::common::lang::lang(ui.ctx()));
            ui.add(egui::Label::new(peer).selectable(false).truncate());
        }
        MetaCol::Len => {
            ui.add(egui::Label::new(len_text(e)).selectable(false));
        }
        MetaCol::Dt => {
            let rt = RichText::new(gap_text(e)).monospace().weak();
            ui.add(egui::Label::new(rt).selectable(false));
        }
        MetaCol::Op => {
            let op = e.event.opcode.map_or("", |o| o.as_str());
            ui.add(egui::Label::new(RichText::new(op).monospace()).selectable(false));
        }
    }
}

/// A row's data: as text, as hex, or both; a non-data row as its words. In Text mode a
/// row `as_hex` shows its hex after a small "hex" tag.
fn data_cells(row: &mut TableRow<'_, '_>, e: &Entry, mode: DisplayMode, as_hex: bool, lang: Lang) {
    let dir = e.direction();
    // Non-data rows in the window's language (the stored text is English).
    let shown: std::borrow::Cow<str> = if e.data().is_some() {
        e.text.as_str().into()
    } else {
        crate::i18n::describe_in(lang, &e.event).into()
    };
    let mark = super::marks::check_mark(e, lang);
    let mark_cell = |ui: &mut Ui| {
        if let Some(m) = &mark {
            let rt = RichText::new(m).strong().color(ERROR_RED);
            ui.add(egui::Label::new(rt).selectable(false));
        }
    };
    let text_cell = |ui: &mut Ui| {
        mark_cell(ui);
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
        mark_cell(ui);
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
    let tagged_hex = |ui: &mut Ui| {
        mark_cell(ui);
        ui.horizontal(|ui| {
            let l = loader(lang);
            let tag = RichText::new(fl!(l, "log-hex-tag")).small().weak();
            ui.add(egui::Label::new(tag).selectable(false))
                .on_hover_text(fl!(l, "log-hex-tag-tip"));
            ui.add(
                egui::Label::new(RichText::new(hex_cell(e)).monospace())
                    .selectable(false)
                    .truncate(),
            );
        });
    };
    match mode {
        DisplayMode::Text if as_hex => {
            row.col(tagged_hex);
        }
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
}

/// A click on a row: alone it selects the row (or clears a selection of just that row);
/// with Ctrl / Cmd it toggles the row; with Shift it selects the run from the last click
/// (added to the selection with Ctrl / Cmd too), as far as the search lets rows through.
fn select(store: &LogStore, st: &mut LogViewState, seq: u64, modifiers: egui::Modifiers) {
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

/// The time's tooltip on a log too narrow for every column: the ones left out, each on
/// its own line.
fn hidden_columns_tip(e: &Entry, lang: Lang, has: &impl Fn(MetaCol) -> bool) -> Option<String> {
    let l = loader(lang);
    let mut lines = Vec::new();
    if !has(MetaCol::Peer) {
        lines.push(format!(
            "{}: {}",
            fl!(l, "log-col-peer"),
            peer_text(e, lang)
        ));
    }
    if !has(MetaCol::Len) && e.data().is_some() {
        lines.push(format!("{}: {}", fl!(l, "log-col-len"), len_text(e)));
    }
    let dt = gap_text(e);
    if !has(MetaCol::Dt) && !dt.is_empty() {
        lines.push(fl!(l, "log-time-dt-tip", dt = dt));
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Encoding;
    use crate::net::{Event, EventKind, Role};

    fn store_with_two_reads() -> LogStore {
        let mut store = LogStore::new(Encoding::UTF_8, crate::i18n::english);
        for (ts, data) in [
            (1_000_000, b"first".to_vec()),
            (1_250_000, b"ping over tcp".to_vec()),
        ] {
            store.push(Event {
                ts_us: ts,
                role: Role::TcpServer,
                local: "127.0.0.1:7891".parse().ok(),
                peer: "127.0.0.1:40000".parse().ok(),
                client: Some(1),
                kind: EventKind::Rx(data),
                opcode: None,
            });
        }
        store
    }

    #[test]
    fn a_narrow_logs_tooltip_carries_exactly_the_columns_it_left_out() {
        let store = store_with_two_reads();
        let e = store.get(1).expect("the second read");
        // Only Time, direction and Peer shown: Len and Δt go to the tooltip.
        let shown = [MetaCol::Time, MetaCol::Dir, MetaCol::Peer];
        let tip = hidden_columns_tip(e, Lang::En, &|c| shown.contains(&c)).expect("a tooltip");
        assert!(tip.contains("Len: 13"), "{tip}");
        assert!(tip.contains("250"), "the 250 ms gap: {tip}");
        assert!(!tip.contains("Peer"), "{tip}");
        // Only Time and direction: Peer too.
        let tip = hidden_columns_tip(e, Lang::En, &|c| matches!(c, MetaCol::Time | MetaCol::Dir))
            .expect("a tooltip");
        assert!(tip.starts_with("Peer: "), "{tip}");
        // All shown: none.
        assert_eq!(hidden_columns_tip(e, Lang::En, &|_| true), None);
        // In Chinese the words are Chinese.
        let tip = hidden_columns_tip(e, Lang::Zh, &|c| shown.contains(&c)).expect("a tooltip");
        assert!(tip.contains("毫秒"), "{tip}");
    }
}
