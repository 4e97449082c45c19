//! The text of the log's cells: the time, the peer (and how wide its column must be to
//! show it whole), the inter-arrival gap, the length, the data as visible text or hex.

use crate::codec::to_hex_spaced;
use crate::log::{Entry, LogStore};
use egui::{TextStyle, Ui};

/// Longest text shown in one cell (the full text is in Copy and Save).
pub const MAX_CELL_CHARS: usize = 2_000;
/// Most bytes shown as hex in one cell.
pub const MAX_CELL_HEX_BYTES: usize = 700;

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
pub fn peer_text(e: &Entry, lang: crate::i18n::Lang) -> String {
    let peer = e
        .event
        .peer
        .map(|p| crate::i18n::addr_in(lang, &p))
        .unwrap_or_default();
    match e.event.client {
        Some(id) => format!("#{id} {peer}"),
        None => peer,
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

pub(super) fn hex_cell(e: &Entry) -> String {
    match e.data() {
        Some(d) if d.len() > MAX_CELL_HEX_BYTES => {
            format!("{} …", to_hex_spaced(&d[..MAX_CELL_HEX_BYTES]))
        }
        Some(d) => to_hex_spaced(d),
        None => String::new(),
    }
}

/// How wide the peer column must be for its whole text: the longest peer among the
/// newest 64 clients (server) or rows, else a loopback address with a 5-digit port.
pub(super) fn peer_need(ui: &Ui, store: &LogStore, server: bool) -> f32 {
    let lang = crate::ui::common::lang::lang(ui.ctx());
    let widest = if server {
        store
            .clients
            .values()
            .rev()
            .take(64)
            .filter_map(|c| {
                c.peer
                    .map(|p| format!("#{} {}", c.id, crate::i18n::addr_in(lang, &p)))
            })
            .max_by_key(|t| t.chars().count())
    } else {
        store
            .iter()
            .rev()
            .take(64)
            .map(|e| peer_text(e, lang))
            .max_by_key(|t| t.chars().count())
    };
    let text = widest.filter(|t| !t.is_empty()).unwrap_or_else(|| {
        if server {
            "#99 127.0.0.1:65535".into()
        } else {
            "127.0.0.1:65535".into()
        }
    });
    // The text, and the cell's margins on both sides.
    crate::ui::common::layout::text_width(ui, text, TextStyle::Body)
        + 2.0 * ui.spacing().item_spacing.x
}

/// The length column: how many bytes a data row carries (empty for other rows).
pub(super) fn len_text(e: &Entry) -> String {
    e.data().map(|d| d.len().to_string()).unwrap_or_default()
}
