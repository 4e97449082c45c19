//! How much of each session's log is kept in memory (the rest stays in its file on disk
//! and is in every Save log…), and how large the log files on disk may grow together.
//! Persisted with the window's settings.

use crate::log::LogStore;
use crate::ui::common::lang::ui_loader;
use egui::Ui;
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The in-memory cap of every tab's log: rows or MiB of payload, whichever comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogSettings {
    pub max_rows: usize,
    pub max_mib: usize,
    /// The cap on all log files (spools) together, in GiB: recording stops there.
    pub spool_cap_gib: u64,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            max_rows: LogStore::DEFAULT_ROWS,
            max_mib: LogStore::DEFAULT_BYTES >> 20,
            spool_cap_gib: crate::session::budget::DEFAULT_CAP >> 30,
        }
    }
}

impl LogSettings {
    pub const MIN_ROWS: usize = 100;
    pub const MAX_ROWS: usize = 10_000_000;
    pub const MIN_MIB: usize = 1;
    pub const MAX_MIB: usize = 16 * 1024;
    pub const MIN_CAP_GIB: u64 = 1;
    pub const MAX_CAP_GIB: u64 = 64 * 1024;

    /// The caps within their bounds.
    pub fn clamped(self) -> LogSettings {
        LogSettings {
            max_rows: self.max_rows.clamp(Self::MIN_ROWS, Self::MAX_ROWS),
            max_mib: self.max_mib.clamp(Self::MIN_MIB, Self::MAX_MIB),
            spool_cap_gib: self
                .spool_cap_gib
                .clamp(Self::MIN_CAP_GIB, Self::MAX_CAP_GIB),
        }
    }

    pub fn max_bytes(self) -> usize {
        self.clamped().max_mib.saturating_mul(1 << 20)
    }

    /// Sets a store's caps; rows over the new cap are dropped from memory (not from disk).
    pub fn apply(self, store: &mut LogStore) {
        let (rows, bytes) = self.caps();
        store.set_caps(rows, bytes);
    }

    /// The cap on all spools together, in bytes.
    pub fn spool_cap(self) -> u64 {
        self.clamped().spool_cap_gib.saturating_mul(1 << 30)
    }

    /// The caps these settings give: (rows, payload bytes).
    pub fn caps(self) -> (usize, usize) {
        (self.clamped().max_rows, self.max_bytes())
    }
}

/// The settings menu's contents. Returns true when something changed.
pub fn ui(ui: &mut Ui, s: &mut LogSettings) -> bool {
    let before = *s;
    ui.label(egui::RichText::new(fl!(ui_loader(ui), "logset-title")).strong());
    ui.label(egui::RichText::new(fl!(ui_loader(ui), "logset-explain")).weak());
    egui::Grid::new("log_settings")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label(fl!(ui_loader(ui), "logset-rows"));
            ui.add(
                egui::DragValue::new(&mut s.max_rows)
                    .range(LogSettings::MIN_ROWS..=LogSettings::MAX_ROWS)
                    .speed(1000.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(fl!(ui_loader(ui), "logset-mib"));
            ui.add(
                egui::DragValue::new(&mut s.max_mib)
                    .range(LogSettings::MIN_MIB..=LogSettings::MAX_MIB)
                    .speed(4.0),
            )
            .labelled_by(l.id);
            ui.end_row();
            let l = ui.label(fl!(ui_loader(ui), "logset-spool-cap"));
            ui.add(
                egui::DragValue::new(&mut s.spool_cap_gib)
                    .range(LogSettings::MIN_CAP_GIB..=LogSettings::MAX_CAP_GIB)
                    .speed(1.0),
            )
            .labelled_by(l.id)
            .on_hover_text(fl!(ui_loader(ui), "logset-spool-cap-tip"));
            ui.end_row();
        });
    if ui.button(fl!(ui_loader(ui), "logset-reset")).clicked() {
        *s = LogSettings::default();
    }
    *s != before
}
