//! Layout rules shared by the tab's parts, so that the log always keeps room: the header
//! of a collapsible panel, the height the log keeps under bottom panels, and the widths of
//! the log's columns (Data keeps at least 40 % of the log's width).

use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// A yes/no of this frame kept in egui's memory under `key` (set by whoever decides it
/// at the frame's start; false until then).
fn set_flag(ctx: &egui::Context, key: &str, on: bool) {
    ctx.data_mut(|d| d.insert_temp(egui::Id::unique(key), on));
}

fn flag(ctx: &egui::Context, key: &str) -> bool {
    ctx.data(|d| d.get_temp::<bool>(egui::Id::unique(key)))
        .unwrap_or(false)
}

/// Simple mode (see [`crate::ui::tabs::settings::ClassroomSettings::simple`]) for this
/// frame, as the app set it at its start.
pub fn set_simple(ctx: &egui::Context, on: bool) {
    set_flag(ctx, "socket-tester-simple", on);
}

/// Whether this frame is in simple mode.
pub fn simple(ctx: &egui::Context) -> bool {
    flag(ctx, "socket-tester-simple")
}

/// Whether the TCP diagram is on (View ▸ TCP diagram) in this frame: simple mode draws
/// it in the tab's column.
pub fn set_diagram(ctx: &egui::Context, on: bool) {
    set_flag(ctx, "socket-tester-diagram", on);
}

/// See [`set_diagram`].
pub fn diagram(ctx: &egui::Context) -> bool {
    flag(ctx, "socket-tester-diagram")
}

/// A tab shorter than this (in points) is short: 1024×600 at 100 %, or any zoom above.
pub const SHORT_TAB: f32 = 560.0;

/// Whether the tab drawn in this frame is compact: simple mode, or a short tab (the
/// filter row, the tools' row and the multicast section fold so the log keeps its rows).
pub fn set_compact(ctx: &egui::Context, on: bool) {
    set_flag(ctx, "socket-tester-compact", on);
}

/// See [`set_compact`].
pub fn compact(ctx: &egui::Context) -> bool {
    flag(ctx, "socket-tester-compact")
}

/// The smallest height the log keeps when bottom panels (send box, tool panel, timeline)
/// share the tab's height `h`: its toolbar, its header and at least 8 rows of `row_h`, or
/// 30 % of the tab, whichever is more.
pub fn log_min_height(h: f32, row_h: f32) -> f32 {
    (0.3 * h).max(LOG_MIN_ROWS * row_h)
}

/// The log's toolbar (two lines), the note on what a row is, its header and 8 rows, in
/// rows.
const LOG_MIN_ROWS: f32 = 12.5;

/// The height of one line of the log (the body text and the spacing between lines).
pub fn row_height(ui: &Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y
}

/// The largest height of a resizable bottom panel with `avail` height left for it and the
/// log: what leaves the log [`log_min_height`] of the tab height `tab_h`, at least `min`.
pub fn bottom_panel_max(avail: f32, tab_h: f32, row_h: f32, min: f32) -> f32 {
    (avail - log_min_height(tab_h, row_h)).max(min)
}

/// A panel's title row with a Hide button on the right. True when Hide was clicked.
pub fn panel_header(ui: &mut Ui, title: &str) -> bool {
    let l = super::lang::ui_loader(ui);
    let mut hide = false;
    ui.horizontal(|ui| {
        ui.label(RichText::new(title).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            hide = ui
                .small_button(fl!(l, "panel-hide"))
                .on_hover_text(fl!(l, "panel-hide-tip"))
                .clicked();
        });
    });
    hide
}

/// A one-line note in a wrapped row: it starts a new row when it does not fit in what is
/// left of this one, then is cut to the row's width with "…" (the full text on hover), so
/// it never takes two or three lines from the log.
pub fn one_line_note(ui: &mut Ui, text: RichText) -> egui::Response {
    let width = text_width(ui, text.clone(), egui::TextStyle::Body);
    if width > ui.available_width() && ui.layout().main_wrap() {
        ui.end_row();
    }
    ui.add(egui::Label::new(text).truncate())
}

/// How wide `text` is on one line in `style` (the text's own style wins).
pub fn text_width(ui: &Ui, text: impl Into<egui::WidgetText>, style: egui::TextStyle) -> f32 {
    text.into()
        .into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, style)
        .size()
        .x
}

/// Widths of the log's columns before Data for a log `avail` wide: `natural` widths, cut
/// down towards their `floors` (each by the same share of what it can give) when together
/// they would take more than `share` of the width. Returns (initial width, largest width)
/// per column; the largest widths add up to at most `share` of `avail` (or the floors, on
/// a very narrow log), so the remaining Data column keeps the rest even when the user
/// drags a column wider.
pub fn meta_columns(avail: f32, natural: &[f32], floors: &[f32], share: f32) -> Vec<(f32, f32)> {
    let budget = (avail * share).max(0.0);
    let floor = |i: usize| floors.get(i).copied().unwrap_or(0.0).min(natural[i]);
    let sum: f32 = natural.iter().sum();
    let give: f32 = (0..natural.len()).map(|i| natural[i] - floor(i)).sum();
    let cut = if sum > budget && give > 0.0 {
        ((sum - budget) / give).min(1.0)
    } else {
        0.0
    };
    let widths: Vec<f32> = (0..natural.len())
        .map(|i| natural[i] - (natural[i] - floor(i)) * cut)
        .collect();
    // What is left of the budget lets each column grow by its share when dragged.
    let slack = (budget - widths.iter().sum::<f32>()).max(0.0);
    widths
        .iter()
        .zip(natural)
        .map(|(&w, &n)| (w, w + slack * n / sum.max(1.0)))
        .collect()
}

/// One of the log's columns before Data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetaCol {
    Time,
    Dir,
    Peer,
    Len,
    Dt,
    /// WebSocket: the message's opcode (text, binary).
    Op,
}

/// The columns before Data for a log `full` wide (gaps of `gap` beside each column,
/// `data_cols` data columns), each with its (initial, largest) width. Together they take at
/// most 60 % of the whole width, gaps included, so Data keeps 40 %. `peer_need`: how wide
/// the peer column must be for its whole `ip:port` (the port is what a lesson is about):
/// it is never cut below that; a log too narrow for every column's floor drops Δt, then
/// Len, then Peer (the time's tooltip shows them); Time and the direction always stay.
pub fn log_columns(
    full: f32,
    gap: f32,
    data_cols: usize,
    server: bool,
    peer_need: f32,
) -> Vec<(MetaCol, f32, f32)> {
    let peer = if server { 190.0_f32 } else { 160.0 };
    let all = [
        (MetaCol::Time, 108.0, 96.0),
        (MetaCol::Dir, 18.0, 14.0),
        (MetaCol::Peer, peer.max(peer_need), peer_need),
        (MetaCol::Len, 52.0, 30.0),
        (MetaCol::Dt, 64.0, 36.0),
    ];
    let mut keep = all.len();
    // The meta columns' budget, their own gaps taken off.
    let budget = |k: usize| 0.6 * full - gap * k as f32;
    while keep > 2 && all[..keep].iter().map(|c| c.2).sum::<f32>() > budget(keep) {
        keep -= 1;
    }
    let cols = &all[..keep];
    let avail = (full - gap * (keep + data_cols) as f32).max(1.0);
    let share = (budget(keep) / avail).clamp(0.0, 0.6);
    let natural: Vec<f32> = cols.iter().map(|c| c.1).collect();
    let floors: Vec<f32> = cols.iter().map(|c| c.2).collect();
    meta_columns(avail, &natural, &floors, share)
        .into_iter()
        .zip(cols)
        .map(|((w, max), c)| (c.0, w, max))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_columns_leave_data_its_share_at_any_width() {
        let natural = [108.0, 18.0, 190.0, 52.0, 64.0];
        let floors = [96.0, 14.0, 50.0, 30.0, 36.0];
        for avail in [300.0_f32, 340.0, 500.0, 700.0, 1000.0, 1600.0] {
            let cols = meta_columns(avail, &natural, &floors, 0.6);
            let max_sum: f32 = cols.iter().map(|c| c.1).sum();
            let init_sum: f32 = cols.iter().map(|c| c.0).sum();
            // Floors may take a little more on a very narrow log; never past 60 % + floors.
            let floor_sum: f32 = floors.iter().sum();
            // Only the floors may take more than 60 %, on a log too narrow for them.
            let limit = (avail * 0.6).max(floor_sum) + 0.01;
            assert!(init_sum <= limit, "{avail}: initial {init_sum}");
            assert!(max_sum <= limit, "{avail}: max {max_sum}");
            for (((w, max), n), f) in cols.iter().zip(natural).zip(floors) {
                assert!(
                    w <= max && *w <= n + 0.01 && *w >= f - 0.01,
                    "{avail}: {w} {max} {n}"
                );
            }
            // The time keeps its floor however narrow the log is.
            assert!(cols[0].0 >= 96.0 - 0.01);
        }
        // A wide log keeps the natural widths.
        let cols = meta_columns(2000.0, &natural, &[0.0; 5], 0.6);
        assert_eq!(cols[2].0, 190.0);
    }

    #[test]
    fn log_columns_leave_data_40_percent_and_drop_the_least_needed_first() {
        for server in [false, true] {
            for data_cols in [1, 2] {
                for full in [200.0_f32, 237.0, 320.0, 446.0, 600.0, 1000.0, 1600.0] {
                    let cols = log_columns(full, 8.0, data_cols, server, 50.0);
                    let taken: f32 = cols.iter().map(|c| c.2 + 8.0).sum();
                    let what = format!("{full} server {server} data {data_cols}");
                    // Below about 230 px only Time and the direction are left, at their floors.
                    if full >= 230.0 {
                        assert!(taken <= 0.6 * full + 0.01, "{what}: {taken}");
                    }
                    assert_eq!(&cols[0].0, &MetaCol::Time, "{what}");
                    assert_eq!(&cols[1].0, &MetaCol::Dir, "{what}");
                    let order = [MetaCol::Time, MetaCol::Dir, MetaCol::Peer, MetaCol::Len];
                    for (c, want) in cols.iter().zip(order) {
                        assert_eq!(c.0, want, "{what}: dropped out of order");
                    }
                }
            }
        }
        // A wide log keeps all five at their natural widths.
        let cols = log_columns(1600.0, 8.0, 1, true, 50.0);
        assert_eq!(cols.len(), 5);
        assert_eq!(cols[2].1, 190.0);
        // A half-window lab pane drops Δt before Data goes under 40 %.
        assert_eq!(log_columns(400.0, 8.0, 1, true, 50.0).len(), 4);
        assert_eq!(log_columns(320.0, 8.0, 1, true, 50.0).len(), 3);
    }

    #[test]
    fn the_peer_column_is_never_cut_below_its_whole_address() {
        // `#11 127.0.0.1:56789` needs about 140 px; a 500 px log (1024 wide beside the
        // client list or the diagram) keeps it whole and drops Δt and Len for it.
        for full in [480.0_f32, 560.0, 830.0] {
            let cols = log_columns(full, 8.0, 1, true, 140.0);
            let taken: f32 = cols.iter().map(|c| c.1 + 8.0).sum();
            assert!(taken <= 0.6 * full + 0.01, "{full}: {taken}");
            let peer = cols.iter().find(|c| c.0 == MetaCol::Peer).expect("Peer");
            assert!(peer.1 >= 140.0 - 0.01, "{full}: {peer:?}");
        }
        // Too narrow for the whole address: Peer goes to the tooltip rather than be cut.
        let cols = log_columns(300.0, 8.0, 1, true, 140.0);
        assert!(cols.iter().all(|c| c.0 != MetaCol::Peer), "{cols:?}");
    }

    #[test]
    fn bottom_panels_leave_the_log_its_minimum() {
        // 1024×600: the tab body is about 420 px tall, 300 px left after the send box.
        let max = bottom_panel_max(400.0, 420.0, 18.0, 80.0);
        assert!(400.0 - max >= log_min_height(420.0, 18.0) - 0.01);
        assert!(
            log_min_height(420.0, 18.0) >= 12.0 * 18.0,
            "8 rows and the toolbar"
        );
        assert_eq!(bottom_panel_max(100.0, 420.0, 18.0, 80.0), 80.0);
    }
}
