//! The Roster tool of the TCP Server: the teacher writes the exercise as an expected
//! exchange — what each client must send (a regex whose `id` group is the student
//! number), the reply it must take, and a time limit — and every client that connects is
//! checked on the session runtime. A live table lists each client by address and student
//! number with pass or fail, time and bytes; Export CSV… saves it.

use super::action::{Dialog, PanelAction};
use crate::auto::rules::Matcher;
use crate::i18n::{Lang, loader};
use crate::session::Control;
use crate::session::roster::{RosterSpec, RosterView, Verdict};
use crate::ui::common::field::parse_num;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The tool's saved fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterForm {
    /// A text regex; its `id` group is the student number.
    pub expect: String,
    /// Empty: no reply needed.
    pub reply: String,
    /// Seconds each client has.
    pub within_s: String,
}

impl Default for RosterForm {
    fn default() -> Self {
        RosterForm {
            expect: r"^(?P<id>\d+)\s*你好".into(),
            reply: "收到啦我反馈".into(),
            within_s: "60".into(),
        }
    }
}

impl RosterForm {
    /// The exercise, or what is wrong with the fields (in `lang`).
    pub fn spec(&self, lang: Lang) -> Result<RosterSpec, String> {
        let l = loader(lang);
        let expect = Matcher::Regex(self.expect.clone());
        if let Err(e) = expect.compile() {
            return Err(fl!(l, "roster-bad-expect", why = e.to_string()));
        }
        let secs =
            parse_num(&self.within_s, 1, 86_400).ok_or_else(|| fl!(l, "roster-bad-within"))?;
        Ok(RosterSpec {
            expect,
            reply: Some(self.reply.clone()).filter(|r| !r.is_empty()),
            within: Duration::from_secs(secs),
        })
    }
}

fn verdict(lang: Lang, v: &Verdict) -> (String, egui::Color32) {
    let l = loader(lang);
    match v {
        Verdict::Waiting => (fl!(l, "roster-waiting"), egui::Color32::GRAY),
        Verdict::Replying => (fl!(l, "roster-replying"), egui::Color32::GRAY),
        Verdict::Passed => (
            fl!(l, "roster-passed"),
            crate::ui::common::style::GOOD_GREEN,
        ),
        Verdict::TimedOut => (
            fl!(l, "roster-timed-out"),
            crate::ui::common::style::ERROR_RED,
        ),
        Verdict::LeftEarly => (
            fl!(l, "roster-left-early"),
            crate::ui::common::style::ERROR_RED,
        ),
    }
}

/// The tool. `running`: the server runs; `view`: the runtime's table.
pub fn show(
    ui: &mut Ui,
    form: &mut RosterForm,
    view: Option<&RosterView>,
    running: bool,
    lang: Lang,
) -> Option<PanelAction> {
    let checking = view.is_some_and(|v| v.running);
    let problem = form.spec(lang).err();
    // The buttons first, so Start is in reach in a short panel.
    let can_start = running && problem.is_none();
    let action = ui
        .horizontal_wrapped(|ui| buttons(ui, form, view, running, can_start, lang))
        .inner;
    if checking {
        checking_note(ui, form, lang);
    } else {
        ui.label(RichText::new(fl!(loader(lang), "roster-intro")).weak());
        form_grid(ui, form, lang);
    }
    if let Some(p) = &problem {
        crate::ui::common::style::error_label(ui, p);
    }
    if let Some(v) = view {
        table(ui, v, lang);
    }
    action
}

/// Start (or Stop while checking), Export CSV and the count passed. `can_start`: the
/// server runs and the exercise is good.
fn buttons(
    ui: &mut Ui,
    form: &RosterForm,
    view: Option<&RosterView>,
    running: bool,
    can_start: bool,
    lang: Lang,
) -> Option<PanelAction> {
    let checking = view.is_some_and(|v| v.running);
    let l = loader(lang);
    let mut action = None;
    if checking {
        if ui.button(fl!(l, "roster-stop")).clicked() {
            action = Some(PanelAction::Control(Control::StopRoster));
        }
    } else {
        let start = ui.add_enabled(can_start, egui::Button::new(fl!(l, "roster-start")));
        if !running {
            start
                .clone()
                .on_disabled_hover_text(fl!(l, "roster-listen-first"));
        }
        if start.clicked()
            && let Ok(spec) = form.spec(lang)
        {
            action = Some(PanelAction::Control(Control::StartRoster(Box::new(spec))));
        }
    }
    let has_rows = view.is_some_and(|v| !v.rows.is_empty());
    if ui
        .add_enabled(has_rows, egui::Button::new(fl!(l, "roster-export")))
        .clicked()
    {
        action = Some(PanelAction::OpenDialog(
            Dialog::ExportRoster,
            "roster.csv".into(),
        ));
    }
    if let Some(v) = view {
        ui.label(
            RichText::new(fl!(
                l,
                "roster-summary",
                passed = v.passed(),
                total = v.rows.len()
            ))
            .strong(),
        );
    }
    action
}

/// While checking, the exercise is one line, so the table gets the panel's rows.
fn checking_note(ui: &mut Ui, form: &RosterForm, lang: Lang) {
    let l = loader(lang);
    let (expect, within) = (form.expect.as_str(), form.within_s.as_str());
    let line = match form.reply.trim() {
        "" => fl!(
            l,
            "roster-checking-message",
            expect = expect,
            within = within
        ),
        reply => fl!(
            l,
            "roster-checking",
            expect = expect,
            reply = reply,
            within = within
        ),
    };
    crate::ui::common::layout::one_line_note(ui, RichText::new(line).weak());
}

/// One row per client: its address, student number, verdict, time and bytes.
fn table(ui: &mut Ui, v: &RosterView, lang: Lang) {
    let l = loader(lang);
    egui::Grid::new("roster-table")
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            let heads = [
                fl!(l, "roster-col-client"),
                fl!(l, "roster-col-address"),
                fl!(l, "roster-col-student"),
                fl!(l, "roster-col-result"),
                fl!(l, "roster-col-time"),
                fl!(l, "roster-col-bytes"),
            ];
            for h in heads {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for r in &v.rows {
                ui.label(format!("#{}", r.client));
                ui.label(r.peer.map(|p| p.to_string()).unwrap_or_default());
                ui.label(r.student.clone().unwrap_or_else(|| "–".into()));
                let (text, color) = verdict(lang, &r.verdict);
                ui.label(RichText::new(text).color(color));
                ui.label(match r.took {
                    None => String::new(),
                    Some(d) if d < Duration::from_secs(1) => {
                        let ms = d.as_millis() as u64;
                        fl!(l, "roster-ms", ms = ms)
                    }
                    Some(d) => {
                        let s = format!("{:.2}", d.as_secs_f64());
                        fl!(l, "roster-seconds", s = s)
                    }
                });
                ui.label(fl!(l, "roster-bytes", rx = r.rx_bytes, tx = r.tx_bytes));
                ui.end_row();
            }
        });
}

/// The exercise's three fields.
fn form_grid(ui: &mut Ui, form: &mut RosterForm, lang: Lang) {
    let l = loader(lang);
    egui::Grid::new("roster-form")
        .num_columns(2)
        .show(ui, |ui| {
            let e = ui.label(fl!(l, "roster-expect"));
            ui.add(
                TextEdit::singleline(&mut form.expect)
                    .desired_width(260.0)
                    .font(egui::TextStyle::Monospace),
            )
            .labelled_by(e.id);
            ui.end_row();
            let r = ui.label(fl!(l, "roster-reply"));
            ui.add(
                TextEdit::singleline(&mut form.reply)
                    .desired_width(260.0)
                    .hint_text(fl!(l, "roster-no-reply")),
            )
            .labelled_by(r.id);
            ui.end_row();
            crate::ui::common::field::field(ui, &fl!(l, "roster-within"), &mut form.within_s, 60.0);
            ui.end_row();
        });
}
