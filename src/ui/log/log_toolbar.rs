//! The log's toolbar: the display mode, Clear, Copy, Save log…, Replay…, Wireshark (live),
//! Note…, then a second row with the TCP server's client filter and the search box. When
//! the first row does not fit (a lab's half window, a side panel open) the display mode is
//! one box and the actions fold into one "⋯" menu, so the toolbar keeps to two rows and
//! the log's rows keep the height.

use super::log_state::{DisplayMode, LogActions, LogViewState};
use crate::i18n::{Lang, loader};
use crate::log::LogStore;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The width the toolbar's first row takes with every button out, in this language: the
/// texts' widths plus each button's padding and the spacing between items.
fn full_row_width(ui: &Ui, lang: Lang, live_on: bool) -> f32 {
    let l = loader(lang);
    let live = if live_on { "log-live-stop" } else { "log-live" };
    let labels = [
        fl!(l, "log-title"),
        fl!(l, "log-show"),
        fl!(l, "log-text"),
        fl!(l, "log-hex-view"),
        fl!(l, "log-both"),
        fl!(l, "log-clear"),
        fl!(l, "log-copy-all"),
        fl!(l, "log-save"),
        fl!(l, "log-replay"),
        l.get(live),
        fl!(l, "log-note"),
    ];
    let s = ui.spacing();
    // Every item is spaced; all but the two plain labels are padded buttons.
    let spacing = s.item_spacing.x * labels.len() as f32
        + 2.0 * s.button_padding.x * (labels.len() - 2) as f32;
    let text: f32 = labels
        .iter()
        .map(|t| crate::ui::common::layout::text_width(ui, t.as_str(), egui::TextStyle::Button))
        .sum();
    // Two separators and a little slack.
    text + spacing + 2.0 * s.item_spacing.x + 8.0
}

/// Draws the toolbar's two rows; what the user asked for goes into `actions`.
pub fn show(
    ui: &mut Ui,
    store: &LogStore,
    st: &mut LogViewState,
    display: &mut DisplayMode,
    server: bool,
    id_salt: &str,
    actions: &mut LogActions,
) {
    let lang = crate::ui::common::lang::lang(ui.ctx());
    // Too narrow for every button on one row: the actions go into the "⋯" menu.
    let narrow = ui.available_width() < full_row_width(ui, lang, st.live_on);
    // Simple mode or a short tab: the filter row only on request (or while a filter is
    // set).
    let simple = crate::ui::common::layout::compact(ui.ctx());
    let filtering = !st.filter_key().is_blank() || st.matches.error.is_some();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(fl!(loader(lang), "log-title")).strong());
        let l = ui.label(fl!(loader(lang), "log-show"));
        let modes = [
            (DisplayMode::Text, fl!(loader(lang), "log-text")),
            (DisplayMode::Hex, fl!(loader(lang), "log-hex-view")),
            (DisplayMode::Both, fl!(loader(lang), "log-both")),
        ];
        if narrow {
            // One box instead of three buttons, so the row stays one row.
            let current = modes.iter().find(|m| m.0 == *display).map(|m| m.1.clone());
            egui::ComboBox::from_id_salt(("display_mode", id_salt))
                // Compact: as wide as "Text + Hex" needs and no more.
                .width(if simple { 64.0 } else { 80.0 })
                .selected_text(current.unwrap_or_default())
                .show_ui(ui, |ui| {
                    for (mode, name) in &modes {
                        ui.selectable_value(display, *mode, name);
                    }
                })
                .response
                .labelled_by(l.id);
        } else {
            for (mode, name) in &modes {
                ui.selectable_value(display, *mode, name);
            }
        }
        if !(simple && narrow) {
            ui.separator();
        }
        if simple && !filtering {
            ui.toggle_value(&mut st.filter_open, fl!(loader(lang), "log-filter-toggle"))
                .on_hover_text(fl!(loader(lang), "log-filter-hint"));
        }
        if narrow {
            ui.menu_button("⋯", |ui| action_buttons(ui, store, st, lang, actions))
                .response
                .on_hover_text(fl!(loader(lang), "log-actions-tip"));
        } else {
            action_buttons(ui, store, st, lang, actions);
        }
    });

    if simple && !filtering && !st.filter_open {
        return;
    }
    // Wraps rather than runs past the log's right edge (beside a client list, in a lab's
    // half window).
    ui.horizontal_wrapped(|ui| {
        // The client filter leads the second row, so the first never wraps it in two.
        if server {
            client_filter(ui, store, st, lang, id_salt);
            ui.separator();
        }
        search_row(ui, store, st, lang, actions);
    });
    if let Some(e) = &st.matches.error {
        ui.colored_label(
            crate::ui::common::address_field::ERROR_RED,
            filter_error(e, lang),
        );
    }
}

/// The search box, its regex switch, the time range, the match count and "Search whole
/// session".
fn search_row(
    ui: &mut Ui,
    store: &LogStore,
    st: &mut LogViewState,
    lang: Lang,
    actions: &mut LogActions,
) {
    let l = ui.label(fl!(loader(lang), "log-filter"));
    // The box gives way first, so what follows it stays on the row where it can.
    let after = trailing_width(ui, store, st, lang);
    ui.add(
        egui::TextEdit::singleline(&mut st.search)
            .hint_text(fl!(loader(lang), "log-filter-hint"))
            .desired_width((ui.available_width() - after).clamp(80.0, 290.0)),
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
    ui.toggle_value(&mut st.regex, fl!(loader(lang), "log-regex"))
        .on_hover_text(fl!(loader(lang), "log-regex-tip"));
    let timed = !st.time_from.trim().is_empty() || !st.time_to.trim().is_empty();
    let time_label = if timed { "log-time-on" } else { "log-time" };
    ui.menu_button(loader(lang).get(time_label), |ui| time_range(ui, st, lang))
        .response
        .on_hover_text(fl!(loader(lang), "log-time-tip"));
    if let Some(t) = st.match_text(store, lang) {
        ui.label(t);
    }
    if ui
        .add_enabled(
            st.matches.active(),
            egui::Button::new(fl!(loader(lang), "log-search-whole")),
        )
        .on_hover_text(fl!(loader(lang), "log-search-whole-tip"))
        .on_disabled_hover_text(fl!(loader(lang), "log-search-whole-off"))
        .clicked()
    {
        actions.search_whole = true;
    }
}

/// How wide the search box's followers are: ✖, Regex, Time…, the count, Search whole
/// session, each with its padding and spacing.
fn trailing_width(ui: &Ui, store: &LogStore, st: &LogViewState, lang: Lang) -> f32 {
    let l = loader(lang);
    let mut texts = vec![
        "✖".to_string(),
        fl!(l, "log-regex"),
        l.get("log-time-on"),
        fl!(l, "log-search-whole"),
    ];
    texts.extend(st.match_text(store, lang));
    let s = ui.spacing();
    let each = s.item_spacing.x + 2.0 * s.button_padding.x;
    texts
        .iter()
        .map(|t| {
            crate::ui::common::layout::text_width(ui, t.as_str(), egui::TextStyle::Button) + each
        })
        .sum::<f32>()
        + 8.0
}

/// The time range's two fields, each labelled.
fn time_range(ui: &mut Ui, st: &mut LogViewState, lang: Lang) {
    egui::Grid::new("log_time_range")
        .num_columns(2)
        .show(ui, |ui| {
            for (key, value) in [
                ("log-time-from", &mut st.time_from),
                ("log-time-to", &mut st.time_to),
            ] {
                let l = ui.label(loader(lang).get(key));
                ui.add(
                    egui::TextEdit::singleline(value)
                        .hint_text("HH:MM:SS")
                        .desired_width(110.0),
                )
                .labelled_by(l.id);
                ui.end_row();
            }
        });
    ui.label(
        RichText::new(fl!(loader(lang), "log-time-hint"))
            .weak()
            .small(),
    );
    if ui.button(fl!(loader(lang), "log-time-clear")).clicked() {
        st.time_from.clear();
        st.time_to.clear();
    }
}

/// A filter that cannot be used, in the window's language.
fn filter_error(e: &crate::log::query::FilterError, lang: Lang) -> String {
    use crate::log::query::FilterError;
    match e {
        FilterError::Regex(why) => fl!(loader(lang), "log-regex-bad", err = why.as_str()),
        FilterError::Time { to: false } => fl!(loader(lang), "log-time-bad-from"),
        FilterError::Time { to: true } => fl!(loader(lang), "log-time-bad-to"),
    }
}

/// Clear, Copy all / Copy selected, Select none, Save log…, Note….
fn action_buttons(
    ui: &mut Ui,
    store: &LogStore,
    st: &mut LogViewState,
    lang: Lang,
    actions: &mut LogActions,
) {
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
        actions.copy = true;
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
    if ui
        .button(fl!(loader(lang), "log-replay"))
        .on_hover_text(fl!(loader(lang), "log-replay-tip"))
        .clicked()
    {
        actions.replay = true;
    }
    let live_on = st.live_on;
    let live_label = if live_on {
        fl!(loader(lang), "log-live-stop")
    } else {
        fl!(loader(lang), "log-live")
    };
    if ui
        .button(live_label)
        .on_hover_text(fl!(loader(lang), "log-live-tip"))
        .clicked()
    {
        actions.live = Some(!live_on);
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
}

/// TCP server: show every client's rows or one client's.
fn client_filter(ui: &mut Ui, store: &LogStore, st: &mut LogViewState, lang: Lang, salt: &str) {
    let current = match st.client_filter {
        Some(id) => format!("#{id}"),
        None => fl!(loader(lang), "log-all"),
    };
    let l = ui.label(fl!(loader(lang), "log-show-client"));
    egui::ComboBox::from_id_salt(("client_filter", salt))
        .width(64.0)
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
