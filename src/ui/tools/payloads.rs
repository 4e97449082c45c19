//! Saved payloads per tab: a name, the text (or hex), its options, an encoding and a line
//! ending; each has a quick-send button. They persist with the tab and can be exported
//! to and imported from a JSON file (parsed as data, never evaluated).

use super::action::{Dialog, PanelAction};
use super::send_box::{LineEnding, PayloadForm, SendState};
use crate::codec::Encoding;
use crate::i18n::{Lang, loader};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The largest file accepted by Import.
pub const MAX_IMPORT_BYTES: u64 = 4 * 1024 * 1024;
/// The most payloads one file may hold.
pub const MAX_IMPORT_COUNT: usize = 1000;
/// The format tag of an export file.
pub const FORMAT: &str = "socket-tester-payloads";

/// One saved payload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedPayload {
    pub name: String,
    pub form: PayloadForm,
    /// Encoding label; empty = the tab's encoding.
    pub encoding: String,
}

impl SavedPayload {
    /// A short view of the payload for tooltips.
    pub fn preview(&self, lang: Lang) -> String {
        let mut t: String = self.form.text.chars().take(80).collect();
        if self.form.text.chars().count() > 80 {
            t.push('…');
        }
        let kind = if self.form.hex {
            fl!(loader(lang), "pay-kind-hex")
        } else {
            fl!(loader(lang), "pay-kind-text")
        };
        format!("[{kind}] {t}")
    }
}

#[derive(Serialize, Deserialize)]
struct ExportFile {
    format: String,
    version: u32,
    payloads: Vec<SavedPayload>,
}

/// Writes the payloads as JSON. Returns how many were written.
pub fn export(path: &Path, list: &[SavedPayload]) -> Result<usize, String> {
    export_in(path, list, Lang::En)
}

/// [`export`] with its error in `lang`.
pub fn export_in(path: &Path, list: &[SavedPayload], lang: Lang) -> Result<usize, String> {
    let file = ExportFile {
        format: FORMAT.into(),
        version: 1,
        payloads: list.to_vec(),
    };
    let name = path.display().to_string();
    let json = serde_json::to_string_pretty(&file)
        .map_err(|e| fl!(loader(lang), "pay-export-failed", err = e.to_string()))?;
    crate::files::atomic::write(path, json.as_bytes()).map_err(|e| {
        fl!(
            loader(lang),
            "pay-export-failed-path",
            path = name.as_str(),
            err = e.to_string()
        )
    })?;
    Ok(list.len())
}

/// Reads payloads from a JSON file written by [`export`].
pub fn import(path: &Path) -> Result<Vec<SavedPayload>, String> {
    import_in(path, Lang::En)
}

/// [`import`] with its error in `lang`.
pub fn import_in(path: &Path, lang: Lang) -> Result<Vec<SavedPayload>, String> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| {
        fl!(
            loader(lang),
            "pay-import-failed",
            path = name.as_str(),
            err = e.to_string()
        )
    })?;
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(fl!(
            loader(lang),
            "pay-import-too-big",
            path = name.as_str(),
            n = meta.len(),
            max = MAX_IMPORT_BYTES
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        fl!(
            loader(lang),
            "pay-import-not-text",
            path = name.as_str(),
            err = e.to_string()
        )
    })?;
    parse(&text).map_err(|e| {
        fl!(
            loader(lang),
            "pay-import-failed",
            path = name.as_str(),
            err = e.text(lang)
        )
    })
}

/// Why a payload file's text is refused, typed (`Display` is English).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportProblem {
    /// Not JSON of the right shape: where, and the JSON reader's own (English) words.
    NotJson {
        line: usize,
        column: usize,
        detail: String,
    },
    /// JSON with another format tag.
    WrongFormat(String),
    /// A version this program does not understand.
    TooNew(u32),
    /// More than [`MAX_IMPORT_COUNT`] payloads.
    TooMany(usize),
}

impl ImportProblem {
    /// The problem in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let l = loader(lang);
        match self {
            ImportProblem::NotJson {
                line,
                column,
                detail,
            } => fl!(
                l,
                "pay-import-not-json",
                line = line,
                column = column,
                detail = detail.as_str()
            ),
            ImportProblem::WrongFormat(f) => fl!(
                l,
                "pay-import-wrong-format",
                format = f.as_str(),
                expected = FORMAT
            ),
            ImportProblem::TooNew(v) => fl!(l, "pay-import-too-new", version = v),
            ImportProblem::TooMany(n) => {
                fl!(l, "pay-import-too-many", n = n, max = MAX_IMPORT_COUNT)
            }
        }
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

/// Parses the text of a payload file.
pub fn parse(text: &str) -> Result<Vec<SavedPayload>, ImportProblem> {
    let file: ExportFile = serde_json::from_str(text).map_err(|e| ImportProblem::NotJson {
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    if file.format != FORMAT {
        return Err(ImportProblem::WrongFormat(file.format));
    }
    if file.version != 1 {
        return Err(ImportProblem::TooNew(file.version));
    }
    if file.payloads.len() > MAX_IMPORT_COUNT {
        return Err(ImportProblem::TooMany(file.payloads.len()));
    }
    let mut out = file.payloads;
    for (i, p) in out.iter_mut().enumerate() {
        if p.name.trim().is_empty() {
            p.name = format!("payload {}", i + 1);
        }
        p.name = p.name.chars().take(60).collect();
    }
    Ok(out)
}

/// The Saved payloads tool.
///
/// Edits `saved`; "load" puts a payload into the send box's `send`. `enc` is the tab's
/// encoding (for payloads that use it), `salt` keeps ids apart from other tabs'.
pub fn show(
    ui: &mut Ui,
    saved: &mut Vec<SavedPayload>,
    send: &mut SendState,
    enc: Encoding,
    salt: &str,
) -> Option<PanelAction> {
    let lang = crate::ui::common::lang::lang(ui.ctx());
    let action = ui
        .horizontal_wrapped(|ui| buttons(ui, saved, send, salt, lang))
        .inner;
    if saved.is_empty() {
        ui.label(RichText::new(fl!(loader(lang), "pay-none")).weak());
        return action;
    }
    let mut remove = None;
    let mut load = None;
    let mut send_now = None;
    for (i, s) in saved.iter_mut().enumerate() {
        let row = PayloadRow { i, enc, salt, lang };
        match ui.horizontal_wrapped(|ui| payload_row(ui, s, &row)).inner {
            Some(RowClick::Send) => send_now = Some(i),
            Some(RowClick::Load) => load = Some(i),
            Some(RowClick::Delete) => remove = Some(i),
            None => {}
        }
    }
    if let Some(i) = load
        && let Some(s) = saved.get(i)
    {
        send.load(&s.form);
    }
    if let Some(i) = remove {
        saved.remove(i);
    }
    send_now.map(PanelAction::QuickSend).or(action)
}

/// The tool's buttons: Save current (the send box as a new payload), Import…, Export….
fn buttons(
    ui: &mut Ui,
    saved: &mut Vec<SavedPayload>,
    send: &SendState,
    salt: &str,
    lang: Lang,
) -> Option<PanelAction> {
    let mut action = None;
    if ui
        .button(fl!(loader(lang), "pay-save-current"))
        .on_hover_text(fl!(loader(lang), "pay-save-current-tip"))
        .clicked()
    {
        let n = saved.len() + 1;
        let form = send.form();
        let name = form
            .text
            .lines()
            .next()
            .map(|l| l.chars().take(20).collect::<String>())
            .filter(|l| !l.trim().is_empty())
            .unwrap_or_else(|| fl!(loader(lang), "pay-default-name", n = n));
        saved.push(SavedPayload {
            name,
            form,
            encoding: String::new(),
        });
    }
    if ui.button(fl!(loader(lang), "pay-import")).clicked() {
        action = Some(PanelAction::OpenDialog(
            Dialog::ImportPayloads,
            String::new(),
        ));
    }
    if ui
        .add_enabled(
            !saved.is_empty(),
            egui::Button::new(fl!(loader(lang), "pay-export")),
        )
        .clicked()
    {
        let name = format!("{salt}-payloads.json");
        action = Some(PanelAction::OpenDialog(Dialog::ExportPayloads, name));
    }
    action
}

/// A payload row's buttons.
enum RowClick {
    Send,
    Load,
    Delete,
}

/// Where a payload row is drawn: its index, the tab's encoding, the tab's id salt, the language.
struct PayloadRow<'a> {
    i: usize,
    enc: Encoding,
    salt: &'a str,
    lang: Lang,
}

/// One saved payload, edited in place: name, data, Hex, variables, line ending and
/// encoding, its size (or what is wrong with it), and Send / Load / Delete.
fn payload_row(ui: &mut Ui, s: &mut SavedPayload, row: &PayloadRow<'_>) -> Option<RowClick> {
    let PayloadRow { i, enc, salt, lang } = *row;
    let mut click = None;
    let n = i + 1;
    let l = ui.label(format!("{n}."));
    ui.add(egui::TextEdit::singleline(&mut s.name).desired_width(110.0))
        .labelled_by(l.id)
        .on_hover_text(fl!(loader(lang), "pay-name-tip", n = n));
    let l = ui.label(fl!(loader(lang), "pay-data"));
    ui.add(
        egui::TextEdit::singleline(&mut s.form.text)
            .desired_width(220.0)
            .code_editor(),
    )
    .labelled_by(l.id);
    ui.checkbox(&mut s.form.hex, fl!(loader(lang), "pay-hex"));
    ui.checkbox(&mut s.form.variables, fl!(loader(lang), "pay-vars"));
    let l = ui.label(fl!(loader(lang), "pay-end"));
    egui::ComboBox::from_id_salt(("saved_le", salt, i))
        .width(70.0)
        .selected_text(s.form.line_ending.label())
        .show_ui(ui, |ui| {
            for le in LineEnding::ALL {
                ui.selectable_value(&mut s.form.line_ending, le, le.label());
            }
        })
        .response
        .labelled_by(l.id);
    let l = ui.label(fl!(loader(lang), "pay-enc"));
    let shown = if s.encoding.is_empty() {
        fl!(loader(lang), "pay-tabs-enc")
    } else {
        s.encoding.clone()
    };
    egui::ComboBox::from_id_salt(("saved_enc", salt, i))
        .width(70.0)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(
                &mut s.encoding,
                String::new(),
                fl!(loader(lang), "pay-tabs-enc"),
            );
            for (e, name) in crate::codec::text::ALL {
                ui.selectable_value(&mut s.encoding, e.label(), *name);
            }
        })
        .response
        .labelled_by(l.id);
    let e = if s.encoding.is_empty() {
        enc
    } else {
        crate::ui::pickers::encoding_picker::from_label(&s.encoding)
    };
    match s.form.bytes(e, &mut 1) {
        Ok(b) => {
            ui.label(RichText::new(fl!(loader(lang), "pay-bytes", n = b.len())).weak());
        }
        Err(err) => {
            let text = crate::ui::common::payload_words::payload_error_text(lang, &err);
            crate::ui::common::address_field::error_label(ui, &text);
        }
    }
    if ui
        .small_button(fl!(loader(lang), "pay-send", n = n))
        .clicked()
    {
        click = Some(RowClick::Send);
    }
    if ui
        .small_button(fl!(loader(lang), "pay-load", n = n))
        .on_hover_text(fl!(loader(lang), "pay-load-tip"))
        .clicked()
    {
        click = Some(RowClick::Load);
    }
    if ui
        .small_button(fl!(loader(lang), "pay-delete", n = n))
        .clicked()
    {
        click = Some(RowClick::Delete);
    }
    click
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_problems_are_typed_and_worded_in_the_language() {
        let e = parse("not json").unwrap_err();
        assert!(matches!(e, ImportProblem::NotJson { line: 1, .. }), "{e}");
        assert!(e.text(Lang::Zh).starts_with("不是载荷文件（第 1 行"), "{e}");
        let e = parse(r#"{"format": "x", "version": 1, "payloads": []}"#).unwrap_err();
        assert_eq!(e, ImportProblem::WrongFormat("x".into()));
        assert_eq!(
            e.to_string(),
            "not a payload file: format is \"x\", expected \"socket-tester-payloads\""
        );
        let e = parse(&format!(
            r#"{{"format": "{FORMAT}", "version": 2, "payloads": []}}"#
        ))
        .unwrap_err();
        assert_eq!(e, ImportProblem::TooNew(2));
        assert!(e.text(Lang::Zh).contains("版本 2"), "{}", e.text(Lang::Zh));
    }
}
