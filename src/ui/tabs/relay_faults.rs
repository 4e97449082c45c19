//! The Relay tab's faults: a grid with a row per fault and a column per direction (up =
//! client → server, down = server → client), every one off at 0. A field keeps what is
//! typed while it is edited; a whole number in range is taken when the edit ends (Enter or
//! leaving the field), anything else (`5x`) is refused with a message under the field, in
//! the window's language, and the fault keeps its value. A cut (reset, close, black hole)
//! counts bytes or milliseconds, chosen beside its number. Simple mode shows the lesson's
//! faults; the tamper, cut and black-hole rows wait behind More unless one is set.

use super::relay_form::{CutUnit, DirFaultForm, MAX_PCT, RelaySettings};
use crate::i18n::{Lang, loader};
use crate::ui::common::address_field::ERROR_RED;
use crate::ui::common::field::parse_num;
use egui::{Id, RichText, Ui};
use i18n_embed_fl::fl;

/// The most of the tab's height the faults take.
const FAULTS_SHARE: f32 = 0.35;

/// What a row is besides its number.
#[derive(Clone, Copy)]
enum Kind {
    /// A fault the lesson uses (latency, loss, slicing…).
    Plain,
    /// Tampering: shown in simple mode only behind More (or when set).
    Advanced,
    /// A cut, with its unit: advanced too.
    Cut(fn(&mut DirFaultForm) -> &mut CutUnit),
}

/// One row of the faults: its id, label, the field of each direction, its most, its kind.
struct Row {
    key: &'static str,
    name: String,
    field: fn(&mut DirFaultForm) -> &mut u64,
    max: u64,
    kind: Kind,
}

fn row(
    key: &'static str,
    name: String,
    field: fn(&mut DirFaultForm) -> &mut u64,
    max: u64,
    kind: Kind,
) -> Row {
    Row {
        key,
        name,
        field,
        max,
        kind,
    }
}

/// The rows for this protocol (the other protocol's faults are not shown).
fn rows(lang: Lang, udp: bool) -> Vec<Row> {
    let l = loader(lang);
    const MS: u64 = 60_000;
    const BIG: u64 = 1 << 40;
    let mut rows = vec![
        row(
            "latency",
            fl!(l, "relay-f-latency"),
            |f| &mut f.latency_ms,
            MS,
            Kind::Plain,
        ),
        row(
            "jitter",
            fl!(l, "relay-f-jitter"),
            |f| &mut f.jitter_ms,
            MS,
            Kind::Plain,
        ),
        row(
            "bandwidth",
            fl!(l, "relay-f-bandwidth"),
            |f| &mut f.bandwidth,
            BIG,
            Kind::Plain,
        ),
    ];
    if udp {
        rows.extend([
            row(
                "drop",
                fl!(l, "relay-f-drop"),
                |f| &mut f.drop_pct,
                MAX_PCT,
                Kind::Plain,
            ),
            row(
                "dup",
                fl!(l, "relay-f-duplicate"),
                |f| &mut f.duplicate_pct,
                MAX_PCT,
                Kind::Plain,
            ),
            row(
                "reorder",
                fl!(l, "relay-f-reorder"),
                |f| &mut f.reorder,
                1024,
                Kind::Plain,
            ),
        ]);
    } else {
        rows.extend([
            row(
                "slice",
                fl!(l, "relay-f-slice"),
                |f| &mut f.slice_bytes,
                1 << 20,
                Kind::Plain,
            ),
            row(
                "gap",
                fl!(l, "relay-f-slice-gap"),
                |f| &mut f.slice_gap_ms,
                MS,
                Kind::Plain,
            ),
            row(
                "merge",
                fl!(l, "relay-f-merge"),
                |f| &mut f.merge_ms,
                MS,
                Kind::Plain,
            ),
            row(
                "reset",
                fl!(l, "relay-f-reset-after"),
                |f| &mut f.reset_after,
                BIG,
                Kind::Cut(|f| &mut f.reset_unit),
            ),
            row(
                "close",
                fl!(l, "relay-f-close-after"),
                |f| &mut f.close_after,
                BIG,
                Kind::Cut(|f| &mut f.close_unit),
            ),
        ]);
    }
    rows.extend([
        row(
            "corrupt",
            fl!(l, "relay-f-corrupt"),
            |f| &mut f.corrupt_pct,
            MAX_PCT,
            Kind::Advanced,
        ),
        row(
            "blackhole",
            fl!(l, "relay-f-blackhole-after"),
            |f| &mut f.blackhole_after,
            BIG,
            Kind::Cut(|f| &mut f.blackhole_unit),
        ),
    ]);
    rows
}

/// The faults of both directions, in a grid: a row per fault, a column per direction.
/// Each field is labelled by its row and its column (for screen readers). At most
/// [`FAULTS_SHARE`] of the tab's height (it scrolls inside), so the log keeps its rows on
/// a 1024×600 projector at 150 %. `advanced`: show the tamper and cut rows even at 0.
pub(super) fn show(ui: &mut Ui, lang: Lang, r: &mut RelaySettings, tab_h: f32, advanced: bool) {
    let l = loader(lang);
    let header = egui::CollapsingHeader::new(fl!(l, "relay-faults"))
        .id_salt("relay-faults")
        .open(Some(r.faults_open))
        .show(ui, |ui| {
            ui.label(RichText::new(fl!(l, "relay-faults-tip")).weak().small());
            // Solid scroll bars: a floating one would lie over the last column's fields.
            ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
            egui::ScrollArea::both()
                .id_salt("relay-faults-scroll")
                .max_height(section_height(ui, tab_h, FAULTS_SHARE))
                .show(ui, |ui| grid(ui, lang, r, advanced));
        });
    if header.header_response.clicked() {
        r.faults_open = !r.faults_open;
    }
}

/// The rows in two halves side by side (the log keeps the height), each half with its
/// own direction headers.
fn grid(ui: &mut Ui, lang: Lang, r: &mut RelaySettings, advanced: bool) {
    let l = loader(lang);
    let mut rows = rows(lang, r.udp);
    // Simple mode: a tamper or cut row only when asked for (More) or set.
    rows.retain(|row| {
        matches!(row.kind, Kind::Plain)
            || advanced
            || *(row.field)(&mut r.up) > 0
            || *(row.field)(&mut r.down) > 0
    });
    let half = rows.len().div_ceil(2);
    egui::Grid::new("relay-faults-grid")
        .num_columns(6)
        .spacing([10.0, 2.0])
        .show(ui, |ui| {
            let mut heads = Vec::new();
            for _ in 0..2 {
                ui.label("");
                let up = ui.label(RichText::new(fl!(l, "relay-dir-up")).strong());
                let down = ui.label(RichText::new(fl!(l, "relay-dir-down")).strong());
                heads.push((up.id, down.id));
            }
            ui.end_row();
            for i in 0..half {
                for (side, (up, down)) in heads.iter().enumerate() {
                    let Some(row) = rows.get(i + side * half) else {
                        continue;
                    };
                    let name = ui.label(&row.name);
                    for (dir, form, col) in [("up", &mut r.up, *up), ("down", &mut r.down, *down)] {
                        let id = Id::unique(("relay-fault", row.key, dir));
                        ui.vertical(|ui| {
                            ui.horizontal(|ui| {
                                number_cell(ui, id, (row.field)(form), row.max, (name.id, col));
                                if let Kind::Cut(unit) = row.kind {
                                    unit_picker(ui, lang, id, unit(form));
                                }
                            });
                            let now = *(row.field)(form);
                            cell_error(ui, lang, id, row.max, now);
                        });
                    }
                }
                ui.end_row();
            }
        });
}

/// The text typed in a field and not (yet) taken: kept while the field is edited, and
/// after the edit while it is not a number in range (so its message stays).
fn typed(ui: &Ui, id: Id) -> Option<String> {
    ui.data(|d| d.get_temp::<String>(id))
}

/// One number: what is typed stays as typed; a whole number from 0 to `max` is taken when
/// the edit ends, anything else is kept with a message under the field (the fault keeps
/// its value). An empty field is 0 (off).
fn number_cell(ui: &mut Ui, id: Id, value: &mut u64, max: u64, labels: (Id, Id)) {
    let mut text = typed(ui, id).unwrap_or_else(|| value.to_string());
    let edit = egui::TextEdit::singleline(&mut text)
        .id(id.with("edit"))
        .desired_width(64.0);
    let r = ui.add(edit).labelled_by(labels.0).labelled_by(labels.1);
    let parsed = parse(&text, max);
    if r.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, text));
    } else if let Some(n) = parsed {
        if r.lost_focus() {
            *value = n;
        }
        ui.data_mut(|d| d.remove::<String>(id));
    } else if r.lost_focus() || r.changed() {
        ui.data_mut(|d| d.insert_temp(id, text));
    }
}

/// A whole number from 0 to `max` (empty: 0).
fn parse(text: &str, max: u64) -> Option<u64> {
    if text.trim().is_empty() {
        Some(0)
    } else {
        parse_num(text, 0, max)
    }
}

/// The message under a field whose text is refused.
fn cell_error(ui: &mut Ui, lang: Lang, id: Id, max: u64, now: u64) {
    let Some(text) = typed(ui, id) else {
        return;
    };
    if parse(&text, max).is_some() {
        return;
    }
    let max = crate::ui::dialogs::save::thousands(max);
    let msg = fl!(
        loader(lang),
        "relay-f-bad",
        text = text.trim(),
        max = max.as_str(),
        now = crate::ui::dialogs::save::thousands(now)
    );
    // Wrapped at a cell's width: the grid's column would otherwise take the whole sentence
    // and push it past the tab's edge at 1024×600.
    ui.scope(|ui| {
        ui.set_max_width(CELL_TEXT_W);
        ui.add(egui::Label::new(RichText::new(msg).color(ERROR_RED).small()).wrap());
    });
}

/// How wide a cell's message may be (a little over the field and its unit picker).
const CELL_TEXT_W: f32 = 150.0;

/// Bytes or milliseconds, for a cut.
fn unit_picker(ui: &mut Ui, lang: Lang, id: Id, unit: &mut CutUnit) {
    let l = loader(lang);
    let name = |u: CutUnit| match u {
        CutUnit::Bytes => fl!(l, "relay-unit-bytes"),
        CutUnit::Ms => fl!(l, "relay-unit-ms"),
    };
    egui::ComboBox::from_id_salt(id.with("unit"))
        .selected_text(name(*unit))
        .width(60.0)
        .show_ui(ui, |ui| {
            for u in [CutUnit::Bytes, CutUnit::Ms] {
                ui.selectable_value(unit, u, name(u));
            }
        })
        .response
        .on_hover_text(fl!(l, "relay-unit-tip"));
}

/// The height a scrolling section over the log may take. On a short tab (1024×600, or
/// zoomed) the tab's settings already scroll within half of it (`relay_tab::show`), which
/// keeps the log's rows: the section takes what it needs there, one scroll bar for all.
/// On a taller tab: its share of the tab, but never so much that the log below (with its
/// toolbar and the status line) drops under about eight rows; at least two rows of its own.
pub(super) fn section_height(ui: &Ui, tab_h: f32, share: f32) -> f32 {
    if tab_h < crate::ui::common::layout::SHORT_TAB {
        return f32::INFINITY;
    }
    let row = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let keep_for_log = 10.0 * row;
    let room = ui.available_height() - keep_for_log;
    (tab_h * share).min(room).max(2.0 * row)
}
