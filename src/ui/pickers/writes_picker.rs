//! The TCP tabs' "Writes" menu: how the sender cuts messages into write() calls, so a
//! class can make TCP's stream visible (拆包: each message split into writes of N bytes,
//! G ms apart; 粘包: the next K messages in one write) and switch TCP_NODELAY (Nagle).
//! Saved with the tab; a change while connected applies at once.

use crate::net::shaping::WriteShaping;
use crate::ui::common::address_field::error_label;
use crate::ui::common::lang::ui_loader;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The saved fields of the menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WritesForm {
    pub nodelay: bool,
    pub split_on: bool,
    /// Bytes per write of a split message.
    pub split: String,
    /// Milliseconds between the pieces.
    pub gap_ms: String,
    pub coalesce_on: bool,
    /// Messages per write.
    pub coalesce: String,
}

impl Default for WritesForm {
    fn default() -> Self {
        WritesForm {
            nodelay: true,
            split_on: false,
            split: "4".into(),
            gap_ms: "100".into(),
            coalesce_on: false,
            coalesce: "3".into(),
        }
    }
}

/// What is wrong with a field of the menu.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WritesProblem {
    Split,
    Gap,
    Coalesce,
}

impl WritesForm {
    /// The fields that give `s` (a command-line launch).
    pub fn from_shaping(s: &WriteShaping) -> WritesForm {
        let d = WritesForm::default();
        WritesForm {
            nodelay: s.nodelay,
            split_on: s.split > 0,
            split: if s.split > 0 {
                s.split.to_string()
            } else {
                d.split
            },
            gap_ms: if s.split > 0 {
                s.split_gap.as_millis().to_string()
            } else {
                d.gap_ms
            },
            coalesce_on: s.coalesce > 1,
            coalesce: if s.coalesce > 1 {
                s.coalesce.to_string()
            } else {
                d.coalesce
            },
        }
    }

    /// The engine's shaping, or the first bad field (only switched-on parts are checked).
    pub fn shaping(&self) -> Result<WriteShaping, WritesProblem> {
        let mut s = WriteShaping {
            nodelay: self.nodelay,
            ..WriteShaping::default()
        };
        if self.split_on {
            s.split = match self.split.trim().parse::<usize>() {
                Ok(n) if (1..=65_536).contains(&n) => n,
                _ => return Err(WritesProblem::Split),
            };
            s.split_gap = match self.gap_ms.trim().parse::<u64>() {
                Ok(ms) if ms <= 60_000 => Duration::from_millis(ms),
                _ => return Err(WritesProblem::Gap),
            };
        }
        if self.coalesce_on {
            s.coalesce = match self.coalesce.trim().parse::<usize>() {
                Ok(k) if (2..=1_000).contains(&k) => k,
                _ => return Err(WritesProblem::Coalesce),
            };
        }
        Ok(s)
    }

    /// The menu button's short summary: "whole", "split 4 B / 100 ms", "3 in one".
    fn summary(&self, ui: &Ui) -> String {
        let l = ui_loader(ui);
        match self.shaping() {
            Err(_) => fl!(l, "wr-summary-bad"),
            Ok(s) if s.split > 0 => {
                let ms = u64::try_from(s.split_gap.as_millis()).unwrap_or(u64::MAX);
                fl!(l, "wr-summary-split", n = s.split, ms = ms)
            }
            Ok(s) if s.coalesce > 1 => fl!(l, "wr-summary-coalesce", k = s.coalesce),
            Ok(_) => fl!(l, "wr-summary-whole"),
        }
    }
}

/// The "Writes" menu. Returns the new shaping when the user changed a valid one.
pub fn show(ui: &mut Ui, form: &mut WritesForm) -> Option<WriteShaping> {
    let before = form.clone();
    // One button that names itself and shows the choice: "Writes: whole ▾".
    let summary = format!("{}: {}", fl!(ui_loader(ui), "wr-label"), form.summary(ui));
    // Stays open while its checkboxes and fields are used; a click outside closes it.
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let (button, _) = egui::containers::menu::MenuButton::new(format!("{summary} ▾"))
        .config(config)
        .ui(ui, |ui| {
            let l = ui_loader(ui);
            ui.set_max_width(360.0);
            ui.label(RichText::new(fl!(l, "wr-intro")).weak());
            ui.separator();
            ui.checkbox(&mut form.nodelay, fl!(l, "wr-nodelay"))
                .on_hover_text(fl!(l, "wr-nodelay-tip"));
            ui.separator();
            ui.checkbox(&mut form.split_on, fl!(l, "wr-split"))
                .on_hover_text(fl!(l, "wr-split-tip"));
            ui.add_enabled_ui(form.split_on, |ui| {
                ui.horizontal(|ui| {
                    let n = ui.label(fl!(l, "wr-split-bytes"));
                    ui.add(TextEdit::singleline(&mut form.split).desired_width(50.0))
                        .labelled_by(n.id);
                    let g = ui.label(fl!(l, "wr-split-gap"));
                    ui.add(TextEdit::singleline(&mut form.gap_ms).desired_width(50.0))
                        .labelled_by(g.id);
                });
            });
            ui.checkbox(&mut form.coalesce_on, fl!(l, "wr-coalesce"))
                .on_hover_text(fl!(l, "wr-coalesce-tip"));
            ui.add_enabled_ui(form.coalesce_on, |ui| {
                ui.horizontal(|ui| {
                    let k = ui.label(fl!(l, "wr-coalesce-count"));
                    ui.add(TextEdit::singleline(&mut form.coalesce).desired_width(50.0))
                        .labelled_by(k.id);
                });
            });
            if let Err(p) = form.shaping() {
                let text = match p {
                    WritesProblem::Split => fl!(l, "wr-bad-split"),
                    WritesProblem::Gap => fl!(l, "wr-bad-gap"),
                    WritesProblem::Coalesce => fl!(l, "wr-bad-coalesce"),
                };
                error_label(ui, &text);
            }
        });
    button.on_hover_text(fl!(ui_loader(ui), "wr-tip"));
    if *form != before {
        form.shaping().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_and_the_shaping_round_trip_and_bad_fields_are_named() {
        let shapes = [
            WriteShaping::default(),
            WriteShaping {
                nodelay: false,
                split: 4,
                split_gap: Duration::from_millis(100),
                coalesce: 1,
            },
            WriteShaping {
                coalesce: 3,
                ..WriteShaping::default()
            },
        ];
        for s in shapes {
            assert_eq!(WritesForm::from_shaping(&s).shaping(), Ok(s));
        }
        let mut f = WritesForm {
            split_on: true,
            split: "0".into(),
            ..WritesForm::default()
        };
        assert_eq!(f.shaping(), Err(WritesProblem::Split));
        f.split = "4".into();
        f.gap_ms = "-1".into();
        assert_eq!(f.shaping(), Err(WritesProblem::Gap));
        f.gap_ms = "0".into();
        f.coalesce_on = true;
        f.coalesce = "1".into();
        assert_eq!(f.shaping(), Err(WritesProblem::Coalesce));
        // A switched-off part is not checked.
        f.coalesce_on = false;
        assert!(f.shaping().is_ok());
    }
}
