//! The open tool's panel, above the send box: resizable, never taller than what leaves the
//! log its minimum, with a Hide button. The Roster shares the height with the log: on a
//! short tab (a 1024×600 projector) it takes what leaves the log its header and five
//! rows, and its Start / Stop buttons go into the panel's title row.

use super::settings::Tool;
use super::toolkit::{ToolsEdit, ToolsView, broadcast_checkbox, show_tool, tools_menu};
use crate::i18n::loader;
use crate::ui::common::layout;
use crate::ui::tools::action::PanelAction;
use egui::Ui;
use i18n_embed_fl::fl;

/// What the log keeps under an open Roster, in rows: the note on what a row is, its
/// toolbar, its header and five rows.
const LOG_ROWS_UNDER_ROSTER: f32 = 8.0;

/// Under this many rows of room for the send box, the log and the Roster (a 1024×600
/// projector with the tab's fields in rows, or at 150 %), the roster goes beside the log
/// and the send box folds: stacked, neither would keep its rows.
const ROSTER_STACKED_ROWS: f32 = 21.0;

/// Whether the open tool goes beside the log (see [`ROSTER_STACKED_ROWS`]): the Roster,
/// or the Sequence tool with a crowd (its per-connection summary is what is watched);
/// call with the room left for the send box and below.
pub fn roster_beside(ui: &Ui, tool: Tool, crowd: bool) -> bool {
    let watched = tool == Tool::Roster || (tool == Tool::Sequence && crowd);
    watched && ui.available_height() < ROSTER_STACKED_ROWS * layout::row_height(ui)
}

/// The panel's (least, first, largest) height with `avail` left for it and the log.
fn sizes(tool: Tool, avail: f32, tab_h: f32, row_h: f32, compact: bool) -> (f32, f32, f32) {
    // A short tab lets the panel shrink to its title and a line (it scrolls).
    let min = if compact { 60.0 } else { 80.0 };
    if tool == Tool::Roster {
        // The roster's rows are what the class looks at: half of the height, and on a
        // short tab all that leaves the log its header and five rows (on a very short one,
        // half).
        let max = (avail - LOG_ROWS_UNDER_ROSTER * row_h)
            .max(0.5 * avail)
            .max(min);
        let first = (0.5 * avail).max(220.0).min(max);
        return (min.min(max), first, max);
    }
    let max = layout::bottom_panel_max(avail, tab_h, row_h, min);
    // Each tool has its own panel (and remembered height), starting at what it needs, so
    // a short form does not take the log's rows.
    let natural: f32 = match tool {
        Tool::AutoSend | Tool::Payloads => 130.0,
        Tool::File | Tool::Expect => 150.0,
        Tool::None | Tool::Rules | Tool::Senders | Tool::Rates | Tool::Sequence | Tool::Roster => {
            220.0
        }
    };
    (min.min(max), natural.min(max), max)
}

/// The open tool's panel; `tab_h` is the tab's height. `side`: a short tab with the Roster
/// open ([`roster_beside`]): the roster goes beside the log (each keeps the height)
/// instead of under it.
pub fn tool_panel(
    ui: &mut Ui,
    e: ToolsEdit,
    v: &ToolsView,
    tab_h: f32,
    side: bool,
) -> Option<PanelAction> {
    let tool = e.kit.tool;
    if tool == Tool::None {
        return None;
    }
    let salt = v.role.as_str();
    let row_h = layout::row_height(ui);
    let compact = layout::compact(ui.ctx());
    if side {
        let w = ui.available_width();
        return egui::Panel::right(("tool_panel_side", salt, tool))
            .resizable(true)
            .default_size(0.5 * w)
            .size_range((0.3 * w)..=(0.7 * w))
            .show(ui, |ui| content(ui, e, v, compact, true))
            .inner;
    }
    let (min, first, max) = sizes(tool, ui.available_height(), tab_h, row_h, compact);
    egui::Panel::bottom(("tool_panel", salt, tool))
        .resizable(true)
        .default_size(first)
        .size_range(min..=max)
        .show(ui, |ui| content(ui, e, v, compact, false))
        .inner
}

/// The panel's title (with Hide) and the tool; `side`: beside the log (it scrolls both
/// ways).
fn content(
    ui: &mut Ui,
    e: ToolsEdit,
    v: &ToolsView,
    compact: bool,
    side: bool,
) -> Option<PanelAction> {
    let tool = e.kit.tool;
    let salt = v.role.as_str();
    let mut action = None;
    ui.add_space(4.0);
    // A compact tab has no row of tools: this panel's title switches them (and holds the
    // Roster's buttons, so its rows get the line).
    let in_title = compact && tool == Tool::Roster;
    if compact {
        let mut hide = false;
        let mut title = |ui: &mut Ui| {
            tools_menu(ui, e.kit, v);
            if !v.role.is_tcp() && !layout::simple(ui.ctx()) {
                broadcast_checkbox(ui, e.kit, v);
            }
            if in_title {
                action = crate::ui::tools::roster_panel::buttons(
                    ui,
                    &e.kit.roster,
                    v.st.roster.as_deref(),
                    v.running,
                    v.lang,
                );
            }
            let hide_button = |ui: &mut Ui| {
                ui.small_button(fl!(loader(v.lang), "panel-hide"))
                    .on_hover_text(fl!(loader(v.lang), "panel-hide-tip"))
                    .clicked()
            };
            if in_title {
                // A narrow tab wraps the row: Hide follows the buttons.
                hide = hide_button(ui);
            } else {
                let rtl = egui::Layout::right_to_left(egui::Align::Center);
                ui.with_layout(rtl, |ui| hide = hide_button(ui));
            }
        };
        if in_title {
            ui.horizontal_wrapped(|ui| title(ui));
        } else {
            ui.horizontal(|ui| title(ui));
        }
        if hide {
            e.kit.tool = Tool::None;
        }
    } else if layout::panel_header(ui, &tool.label(v.lang)) {
        e.kit.tool = Tool::None;
    }
    if tool == Tool::Sequence && !side {
        // Its Run / Load buttons stay in view: it scrolls only its steps. (Beside the log
        // it scrolls whole, both ways, so its rows never widen it over the log.)
        return show_tool(ui, tool, e, v, false);
    }
    let scroll = if side {
        egui::ScrollArea::both()
    } else {
        egui::ScrollArea::vertical()
    };
    scroll
        .id_salt(("tool", salt))
        .auto_shrink([false, false])
        // Never taller than the panel: egui's 64 px floor would push the panel's content
        // past its edge, and egui then reserves the wrong strip for it.
        .min_scrolled_height(0.0)
        .show(ui, |ui| {
            if let Some(a) = show_tool(ui, tool, e, v, in_title) {
                action = Some(a);
            }
        });
    action
}
