//! The tools under each tab's send box: saved payloads (quick-send), auto-send, send
//! file, auto-reply rules, the UDP senders table, the rate chart and the Expect panel.
//! [`KitSettings`] is saved with the tab; [`Toolkit`] is the running part, fed every event
//! of the session by [`super::SessionPanel`].

use super::file_dialog::{Answer, FileRequest, PendingDialog};
use super::payloads::{self};
use super::send_box::PayloadForm;
use super::session_panel::SessionPanel;
use super::settings::Tool;
use super::{expect_panel, rate_chart, rules_panel, senders_table};
use crate::i18n::loader;
use crate::net::expect::Expect;
use crate::net::file_send::{FileSpec, FileState};
use crate::net::pacer::{PacerEnd, PacerPlan};
use crate::net::{Command, Notifier, Role};
use crate::session::{AutoNote, Control};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::path::PathBuf;
use std::time::Duration;

impl Tool {
    /// The tool's name in `lang`.
    fn label(self, lang: crate::i18n::Lang) -> String {
        let l = loader(lang);
        match self {
            Tool::None => String::new(),
            Tool::Payloads => fl!(l, "tool-payloads"),
            Tool::AutoSend => fl!(l, "tool-auto-send"),
            Tool::File => fl!(l, "tool-file"),
            Tool::Rules => fl!(l, "tool-rules"),
            Tool::Senders => fl!(l, "tool-senders"),
            Tool::Rates => fl!(l, "tool-rates"),
            Tool::Expect => fl!(l, "tool-expect"),
        }
    }

    fn offered(role: Role) -> Vec<Tool> {
        let mut v = vec![Tool::Payloads, Tool::AutoSend, Tool::File, Tool::Rules];
        if !role.is_tcp() {
            v.push(Tool::Senders);
        }
        v.extend([Tool::Rates, Tool::Expect]);
        v
    }
}

/// A file dialog running on its own thread, and what to do with its answer.
pub(crate) enum Dialog {
    SendFile,
    ImportPayloads,
    ExportPayloads,
    ExportExpect,
}

/// The window's part of a tab's tools (the running part is in the session runtime).
#[derive(Default)]
pub struct Toolkit {
    /// Why auto-send could not start (shown next to its controls).
    pub auto_error: Option<String>,
    pub file: Option<FileSpec>,
    pub file_name: String,
    /// Why an Expect run could not start.
    pub expect_error: Option<String>,
    /// A message for the tools (import/export results); true = an error.
    pub note: Option<(String, bool)>,
    pub(crate) dialog: Option<(Dialog, PendingDialog)>,
    /// The language of the tab's last frame (for messages made between frames).
    pub lang: crate::i18n::Lang,
}

impl Toolkit {
    /// Opens a file dialog (native, or in the window: see [`super::file_dialog`]).
    pub(crate) fn open_dialog(&mut self, kind: Dialog, ctx: &egui::Context, name: &str) {
        let save = matches!(kind, Dialog::ExportPayloads | Dialog::ExportExpect);
        let l = loader(self.lang);
        let (title, filters) = match kind {
            Dialog::SendFile => (fl!(l, "dialog-send-file"), vec![]),
            Dialog::ImportPayloads => (
                fl!(l, "dialog-import-payloads"),
                vec![("JSON (*.json)".to_string(), vec!["json"])],
            ),
            Dialog::ExportPayloads => (
                fl!(l, "dialog-export-payloads"),
                vec![("JSON (*.json)".to_string(), vec!["json"])],
            ),
            Dialog::ExportExpect => (
                fl!(l, "dialog-export-report"),
                vec![("CSV (*.csv)".to_string(), vec!["csv"])],
            ),
        };
        let req = FileRequest {
            title,
            save,
            file_name: name.to_string(),
            filters,
        };
        self.dialog = Some((kind, PendingDialog::open(req, ctx)));
    }
}

/// The auto-send note in `lang`: why it stopped; true = an error.
pub fn auto_note_text(n: &AutoNote, lang: crate::i18n::Lang) -> (String, bool) {
    let l = loader(lang);
    match n {
        AutoNote::Ended { end, progress } => match end {
            PacerEnd::Done => (fl!(l, "auto-done", progress = progress), false),
            PacerEnd::Stopped => (fl!(l, "auto-stopped", progress = progress), false),
            PacerEnd::SessionGone => (fl!(l, "auto-stopped-ended", progress = progress), true),
            PacerEnd::Failed(m) => (
                fl!(
                    loader(lang),
                    "auto-stopped-failed",
                    err = m,
                    progress = progress
                ),
                true,
            ),
        },
        AutoNote::Interrupted { ended, progress } => {
            let why = if *ended {
                fl!(loader(lang), "auto-why-ended")
            } else {
                fl!(loader(lang), "auto-why-closed")
            };
            (
                fl!(
                    loader(lang),
                    "auto-stopped-why",
                    why = why,
                    progress = progress
                ),
                true,
            )
        }
    }
}

/// Parses a whole number in a range, for the tools' fields.
pub fn parse_num(s: &str, min: u64, max: u64) -> Option<u64> {
    s.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

/// A labelled single-line field; returns its response.
pub fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
}

impl SessionPanel {
    /// Starts auto-sending the send box's message with the tools' interval and count.
    pub fn start_auto_send(&mut self) -> Result<(), String> {
        let k = &self.settings.kit;
        let lang = self.lang;
        let every = parse_num(&k.auto_every, 1, 86_400_000)
            .ok_or(fl!(loader(lang), "auto-bad-interval"))?;
        let count = if k.auto_count.trim().is_empty() {
            None
        } else {
            Some(parse_num(&k.auto_count, 1, u64::MAX).ok_or(fl!(loader(lang), "auto-bad-count"))?)
        };
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let enc = self.encoding();
        let form: PayloadForm = self.settings.send.form();
        let mut seq = self.settings.send.next_seq();
        form.bytes(enc, &mut seq.clone())?;
        let plan = PacerPlan {
            every: Duration::from_millis(every),
            count,
            to: self.target(),
        };
        let make = Box::new(move || form.bytes(enc, &mut seq));
        if !self.runtime().send(Control::StartAutoSend(plan, make)) {
            return Err(fl!(loader(lang), "tool-not-running"));
        }
        self.kit.auto_error = None;
        Ok(())
    }

    /// Stops auto-send.
    pub fn stop_auto_send(&mut self) {
        self.runtime().send(Control::StopAutoSend);
    }

    /// Starts sending a file with the tools' chunk size and delay.
    pub fn send_file(&mut self, path: PathBuf) -> Result<(), String> {
        let k = &self.settings.kit;
        let max = if self.role.is_tcp() { 16 << 20 } else { 65_507 };
        let lang = self.lang;
        let chunk = parse_num(&k.file_chunk, 1, max)
            .ok_or_else(|| fl!(loader(lang), "file-bad-chunk", max = max))?;
        let delay =
            parse_num(&k.file_delay, 0, 3_600_000).ok_or(fl!(loader(lang), "file-bad-delay"))?;
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let spec = FileSpec::new(
            path.clone(),
            chunk as usize,
            Duration::from_millis(delay),
            self.target(),
        );
        self.kit.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !self.send_command(Command::SendFile(Box::new(spec.clone()))) {
            return Err(fl!(loader(lang), "tool-not-running"));
        }
        self.kit.file = Some(spec);
        Ok(())
    }

    /// Starts an expectation run from the Expect panel's fields.
    pub fn start_expect(&mut self) -> Result<(), String> {
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let plan = self.settings.kit.expect.plan(self.target())?;
        let mut x = Expect::new(plan, self.encoding()).map_err(|e| e.to_string())?;
        // The session is ready: the first request goes out at once.
        x.start(std::time::Instant::now());
        if !self.runtime().send(Control::StartExpect(Box::new(x))) {
            return Err(fl!(loader(self.lang), "tool-not-running"));
        }
        Ok(())
    }

    /// Sends a saved payload.
    pub fn quick_send(&mut self, i: usize) -> Result<(), String> {
        let Some(p) = self.settings.kit.saved.get(i) else {
            return Err(fl!(loader(self.lang), "pay-no-such"));
        };
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let enc = if p.encoding.is_empty() {
            self.encoding()
        } else {
            super::encoding_picker::from_label(&p.encoding)
        };
        let mut seq = self.settings.send.next_seq();
        let bytes = p.form.bytes(enc, &mut seq)?;
        if p.form.variables {
            self.settings.send.seq = seq;
        }
        self.send_bytes(bytes);
        Ok(())
    }

    /// Acts on a finished file dialog.
    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let Some((_, d)) = &mut self.kit.dialog else {
            return;
        };
        let Answer::Done(answer) = d.poll(ctx) else {
            return;
        };
        let Some((kind, _)) = self.kit.dialog.take() else {
            return;
        };
        let Some(path) = answer else {
            return;
        };
        let lang = self.lang;
        let shown = path.display().to_string();
        let res = match kind {
            Dialog::SendFile => self.send_file(path.clone()).map(|_| None),
            Dialog::ImportPayloads => payloads::import_in(&path, lang).map(|list| {
                let n = list.len();
                self.settings.kit.saved.extend(list);
                Some(fl!(
                    loader(lang),
                    "pay-imported",
                    n = n,
                    path = shown.as_str()
                ))
            }),
            Dialog::ExportPayloads => payloads::export_in(&path, &self.settings.kit.saved, lang)
                .map(|n| {
                    Some(fl!(
                        loader(lang),
                        "pay-exported",
                        n = n,
                        path = shown.as_str()
                    ))
                }),
            Dialog::ExportExpect => match &self.st.expect {
                Some(x) => x
                    .write_csv(&path)
                    .map(|_| Some(fl!(loader(lang), "exp-report-saved", path = shown.as_str())))
                    .map_err(|e| format!("{}: {e}", path.display())),
                None => Err(fl!(loader(lang), "exp-nothing-to-export")),
            },
        };
        match res {
            Ok(Some(m)) => self.kit.note = Some((m, false)),
            Ok(None) => {}
            Err(e) => self.kit.note = Some((e, true)),
        }
    }
}

/// Quick-send buttons and the tool bar, under the send box (the open tool is drawn by
/// [`tool_panel`]).
pub fn show(ui: &mut Ui, p: &mut SessionPanel, _notify: &Option<Notifier>) {
    p.kit.lang = p.lang;
    p.poll_dialog(ui.ctx());
    quick_send_row(ui, p);
    ui.horizontal_wrapped(|ui| {
        let lang = super::lang::lang(ui.ctx());
        ui.label(RichText::new(fl!(loader(lang), "tool-tools")).strong());
        for t in Tool::offered(p.role) {
            let on = p.settings.kit.tool == t;
            let mut text = t.label(lang).to_string();
            match t {
                Tool::AutoSend if p.st.auto.as_ref().is_some_and(|a| a.running) => {
                    text.push_str(" ●")
                }
                Tool::File if p.kit.file.as_ref().is_some_and(|f| !f.progress.is_over()) => {
                    text.push_str(" ●")
                }
                Tool::Rules if p.st.rules.active => text.push_str(" ●"),
                _ => {}
            }
            if ui.selectable_label(on, text).clicked() {
                p.settings.kit.tool = if on { Tool::None } else { t };
            }
        }
        if !p.role.is_tcp() {
            ui.separator();
            let running = p.is_running();
            ui.add_enabled_ui(!running, |ui| {
                ui.checkbox(
                    &mut p.settings.kit.broadcast,
                    fl!(loader(lang), "tool-broadcast"),
                )
                .on_hover_text(fl!(loader(lang), "tool-broadcast-tip"))
                .on_disabled_hover_text(fl!(loader(lang), "tool-unbind-to-change"));
            });
        }
        if let Some((m, err)) = &p.kit.note {
            ui.separator();
            if *err {
                super::address_field::error_label(ui, m);
            } else {
                ui.label(m);
            }
        }
    });
}

/// The open tool, in its own resizable panel between the log and the send box.
/// The open tool's panel, above the send box: resizable, never taller than what leaves the
/// log its minimum height of the tab's `tab_h`, with a Hide button.
pub fn tool_panel(ui: &mut Ui, p: &mut SessionPanel, notify: &Option<Notifier>, tab_h: f32) {
    let tool = p.settings.kit.tool;
    if tool == Tool::None {
        return;
    }
    let salt = p.role.as_str();
    let max = super::layout::bottom_panel_max(ui.available_height(), tab_h, 80.0);
    egui::Panel::bottom(("tool_panel", salt))
        .resizable(true)
        .default_size(220.0_f32.min(max))
        .size_range(80.0_f32.min(max)..=max)
        .show(ui, |ui| {
            ui.add_space(4.0);
            let title = tool.label(super::lang::lang(ui.ctx()));
            if super::layout::panel_header(ui, &title) {
                p.settings.kit.tool = Tool::None;
            }
            egui::ScrollArea::vertical()
                .id_salt(("tool", salt))
                .auto_shrink([false, false])
                .show(ui, |ui| show_tool(ui, p, tool, notify));
        });
}

fn show_tool(ui: &mut Ui, p: &mut SessionPanel, tool: Tool, notify: &Option<Notifier>) {
    match tool {
        Tool::None => {}
        Tool::Payloads => payloads::show(ui, p),
        Tool::AutoSend => auto_send_ui(ui, p, notify),
        Tool::File => file_ui(ui, p),
        Tool::Rules => rules_panel::show(ui, p),
        Tool::Senders => senders_table::show(ui, p),
        Tool::Rates => rate_chart::show(ui, p),
        Tool::Expect => expect_panel::show(ui, p),
    }
}

fn quick_send_row(ui: &mut Ui, p: &mut SessionPanel) {
    if p.settings.kit.saved.is_empty() {
        return;
    }
    let blocked = p.send_blocked();
    let mut clicked = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(fl!(super::lang::ui_loader(ui), "tool-quick-send")).weak());
        for (i, s) in p.settings.kit.saved.iter().enumerate() {
            let b = ui
                .add_enabled(blocked.is_none(), egui::Button::new(&s.name).small())
                .on_hover_text(s.preview(p.lang));
            if let Some(why) = &blocked {
                b.clone().on_disabled_hover_text(why);
            }
            if b.clicked() {
                clicked = Some(i);
            }
        }
    });
    if let Some(i) = clicked
        && let Err(e) = p.quick_send(i)
    {
        p.kit.note = Some((e, true));
    }
}

fn auto_send_ui(ui: &mut Ui, p: &mut SessionPanel, _notify: &Option<Notifier>) {
    let lang = super::lang::lang(ui.ctx());
    ui.label(RichText::new(fl!(loader(lang), "auto-explain")).weak());
    let running = p.st.auto.as_ref().is_some_and(|x| x.running);
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!running, |ui| {
            field(
                ui,
                &fl!(loader(lang), "auto-every"),
                &mut p.settings.kit.auto_every,
                70.0,
            );
            field(
                ui,
                &fl!(loader(lang), "auto-times"),
                &mut p.settings.kit.auto_count,
                70.0,
            )
            .on_hover_text(fl!(loader(lang), "auto-times-tip"));
        });
        if running {
            if ui.button(fl!(loader(lang), "auto-stop")).clicked() {
                p.stop_auto_send();
            }
        } else {
            let blocked = p.send_blocked();
            let b = ui.add_enabled(
                blocked.is_none(),
                egui::Button::new(fl!(loader(lang), "auto-start")),
            );
            if let Some(why) = &blocked {
                b.clone().on_disabled_hover_text(why);
            }
            if b.clicked()
                && let Err(e) = p.start_auto_send()
            {
                p.kit.auto_error = Some(e);
            }
        }
        if let Some(x) = &p.st.auto {
            ui.label(RichText::new(x.progress()).strong());
            if let Some(n) = x.count {
                ui.add(
                    egui::ProgressBar::new(x.sent as f32 / n.max(1) as f32).desired_width(160.0),
                );
            }
        }
    });
    if parse_num(&p.settings.kit.auto_every, 1, 86_400_000).is_none() {
        super::address_field::error_label(ui, &fl!(loader(lang), "auto-interval-error"));
    }
    let note = match (&p.kit.auto_error, &p.st.auto_note) {
        (Some(e), _) => Some((e.clone(), true)),
        (None, Some(n)) if !running => Some(auto_note_text(n, lang)),
        _ => None,
    };
    if let Some((m, err)) = note {
        if err {
            super::address_field::error_label(ui, &m);
        } else {
            ui.label(m);
        }
    }
}

fn file_ui(ui: &mut Ui, p: &mut SessionPanel) {
    let lang = super::lang::lang(ui.ctx());
    ui.label(
        RichText::new(if p.role.is_tcp() {
            fl!(loader(lang), "file-explain-tcp")
        } else {
            fl!(loader(lang), "file-explain-udp")
        })
        .weak(),
    );
    let active = p.kit.file.as_ref().is_some_and(|f| !f.progress.is_over());
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!active, |ui| {
            let chunk = if p.role.is_tcp() {
                fl!(loader(lang), "file-chunk")
            } else {
                fl!(loader(lang), "file-datagram")
            };
            field(ui, &chunk, &mut p.settings.kit.file_chunk, 70.0);
            field(
                ui,
                &fl!(loader(lang), "file-delay"),
                &mut p.settings.kit.file_delay,
                60.0,
            );
        });
        if active {
            if ui.button(fl!(loader(lang), "file-cancel")).clicked() {
                p.send_command(Command::CancelFile);
            }
        } else {
            let blocked = p.send_blocked();
            let b = ui.add_enabled(
                blocked.is_none(),
                egui::Button::new(fl!(loader(lang), "file-send")),
            );
            if let Some(why) = &blocked {
                b.clone().on_disabled_hover_text(why);
            }
            if b.clicked() {
                let ctx = ui.ctx().clone();
                p.kit.open_dialog(Dialog::SendFile, &ctx, "");
            }
        }
    });
    if let Some(f) = &p.kit.file {
        let pr = &f.progress;
        let state = match pr.state() {
            FileState::Pending => fl!(loader(lang), "file-starting"),
            FileState::Running => fl!(loader(lang), "file-sending"),
            FileState::Done => fl!(loader(lang), "file-sent"),
            FileState::Failed => fl!(loader(lang), "file-failed"),
            FileState::Cancelled => fl!(loader(lang), "file-cancelled"),
        };
        ui.horizontal(|ui| {
            ui.label(format!("{} — {state}", p.kit.file_name));
            ui.add(
                egui::ProgressBar::new(pr.fraction())
                    .desired_width(260.0)
                    .text(fl!(
                        loader(lang),
                        "file-progress",
                        sent = pr.sent(),
                        total = pr.total(),
                        chunks = pr.chunks()
                    )),
            );
        });
    }
}
