//! The Roster tool of the TCP Server: the teacher writes the exercise as an expected
//! exchange — what each client must send (a regex whose `id` group is the student
//! number), the reply it must take, and a time limit — and every client that connects is
//! checked on the session runtime. A live table lists each client by address and student
//! number with pass or fail, time and bytes; Export CSV… saves it.

use super::action::{Dialog, PanelAction};
use crate::i18n::{Lang, loader};
use crate::session::Control;
use crate::session::roster::{CheckError, RosterCheck, RosterSpec, RosterView, Verdict};
use crate::ui::common::field::parse_num;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The tool's saved fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RosterForm {
    /// The simple form: the text each student sends.
    pub text: String,
    /// The simple form: with a student number.
    pub number: bool,
    /// 高级: check with `regex` instead.
    pub use_regex: bool,
    /// A text regex; its `id` group is the student number.
    pub regex: String,
    /// Empty: no reply needed.
    pub reply: String,
    /// Seconds each client has.
    pub within_s: String,
}

impl Default for RosterForm {
    fn default() -> Self {
        RosterForm {
            text: "你好".into(),
            number: true,
            use_regex: false,
            regex: r"(?P<id>\d+)\D*你好".into(),
            reply: "收到啦我反馈".into(),
            within_s: "60".into(),
        }
    }
}

/// What is wrong with the form, by field (in the UI's language).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FormProblems {
    pub text: Option<String>,
    pub regex: Option<String>,
    pub within: Option<String>,
}

impl FormProblems {
    fn any(&self) -> bool {
        self.text.is_some() || self.regex.is_some() || self.within.is_some()
    }
}

impl RosterForm {
    fn check(&self) -> RosterCheck {
        if self.use_regex {
            RosterCheck::Regex(self.regex.clone())
        } else {
            RosterCheck::Text {
                text: self.text.trim().to_string(),
                number: self.number,
            }
        }
    }

    /// The exercise, or what is wrong with each field (in `lang`).
    pub fn spec(&self, lang: Lang) -> Result<RosterSpec, FormProblems> {
        let l = loader(lang);
        let mut p = FormProblems::default();
        let check = self.check();
        match check.compile() {
            Ok(_) => {}
            Err(CheckError::EmptyText) => p.text = Some(fl!(l, "roster-bad-text")),
            Err(CheckError::BadRegex(why)) => {
                p.regex = Some(fl!(l, "roster-bad-expect", why = why))
            }
        }
        let secs = parse_num(&self.within_s, 1, 86_400);
        if secs.is_none() {
            p.within = Some(fl!(l, "roster-bad-within"));
        }
        match secs {
            Some(secs) if !p.any() => Ok(RosterSpec {
                check,
                reply: Some(self.reply.clone()).filter(|r| !r.is_empty()),
                within: Duration::from_secs(secs),
            }),
            _ => Err(p),
        }
    }

    /// The exercise in a few words, for the line shown while checking.
    fn expect_words(&self, lang: Lang) -> String {
        let l = loader(lang);
        let text = self.text.trim();
        if self.use_regex {
            self.regex.clone()
        } else if self.number {
            fl!(l, "roster-expect-number", text = text)
        } else {
            fl!(l, "roster-expect-text", text = text)
        }
    }
}

fn verdict(lang: Lang, v: &Verdict) -> (String, egui::Color32) {
    let text = crate::i18n_export::roster_verdict(lang, v);
    let color = match v {
        Verdict::Waiting | Verdict::Replying => egui::Color32::GRAY,
        Verdict::Passed => crate::ui::common::style::GOOD_GREEN,
        Verdict::WrongText | Verdict::NoNumber | Verdict::TimedOut | Verdict::LeftEarly => {
            crate::ui::common::style::ERROR_RED
        }
    };
    (text, color)
}

/// What the tool shows besides its form: the runtime's table, whether the server runs,
/// whether the tab's Auto-reply answers too (each student would get two replies: said),
/// and whether the buttons are drawn here (a compact tab has them in the panel's title).
pub struct Shown<'a> {
    pub view: Option<&'a RosterView>,
    pub running: bool,
    pub rules_on: bool,
    pub lang: Lang,
    pub buttons: bool,
}

/// The tool.
pub fn show(ui: &mut Ui, form: &mut RosterForm, s: Shown) -> Option<PanelAction> {
    let Shown {
        view,
        running,
        rules_on,
        lang,
        buttons: with_buttons,
    } = s;
    let checking = view.is_some_and(|v| v.running);
    let problems = form.spec(lang).err().unwrap_or_default();
    // The buttons first, so Start is in reach in a short panel.
    let action = if with_buttons {
        ui.horizontal_wrapped(|ui| buttons(ui, form, view, running, lang))
            .inner
    } else {
        None
    };
    if rules_on && !form.reply.is_empty() {
        let warn = fl!(loader(lang), "roster-rules-also-reply");
        ui.label(RichText::new(warn).color(crate::ui::common::style::NOTE_AMBER));
    }
    if checking {
        // With the buttons in the title, the exercise is the summary's hover: the rows
        // get the line.
        if with_buttons {
            let line = checking_line(form, lang);
            crate::ui::common::layout::one_line_note(ui, RichText::new(line).weak());
        }
    } else {
        ui.label(RichText::new(fl!(loader(lang), "roster-intro")).weak());
        form_grid(ui, form, &problems, lang);
    }
    if let Some(v) = view {
        table(ui, v, lang);
    }
    action
}

/// Start (or Stop while checking), Export CSV and the count passed (the exercise on its
/// hover while checking). Start needs the server running and the exercise good.
pub fn buttons(
    ui: &mut Ui,
    form: &RosterForm,
    view: Option<&RosterView>,
    running: bool,
    lang: Lang,
) -> Option<PanelAction> {
    let checking = view.is_some_and(|v| v.running);
    let can_start = running && form.spec(lang).is_ok();
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
            fl!(l, "roster-file-name"),
        ));
    }
    if let Some(v) = view {
        let summary = ui.label(
            RichText::new(fl!(
                l,
                "roster-summary",
                passed = v.passed(),
                total = v.rows.len()
            ))
            .strong(),
        );
        if checking {
            summary.on_hover_text(checking_line(form, lang));
        }
    }
    action
}

/// While checking, the exercise in one line, so the table gets the panel's rows.
fn checking_line(form: &RosterForm, lang: Lang) -> String {
    let l = loader(lang);
    let expect = form.expect_words(lang);
    let (expect, within) = (expect.as_str(), form.within_s.as_str());
    match form.reply.trim() {
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
    }
}

/// One row per client: its address, student number, verdict, time and bytes.
fn table(ui: &mut Ui, v: &RosterView, lang: Lang) {
    let l = loader(lang);
    // Rows closer than a form's: more students in a short panel.
    let gap = ui.spacing().item_spacing.x;
    let line = ui.text_style_height(&egui::TextStyle::Body);
    egui::Grid::new("roster-table")
        .striped(true)
        .spacing([gap, 2.0])
        .min_row_height(line)
        .num_columns(7)
        .show(ui, |ui| {
            // Who and how first: a narrow panel shows them, the rest scrolls in.
            let heads = [
                fl!(l, "roster-col-client"),
                fl!(l, "roster-col-student"),
                fl!(l, "roster-col-result"),
                fl!(l, "roster-col-message"),
                fl!(l, "roster-col-time"),
                fl!(l, "roster-col-address"),
                fl!(l, "roster-col-bytes"),
            ];
            for h in heads {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for r in &v.rows {
                ui.label(format!("#{}", r.client));
                ui.label(r.student.clone().unwrap_or_else(|| "–".into()));
                let (text, color) = verdict(lang, &r.verdict);
                ui.label(RichText::new(text).color(color));
                let sent = r.message.as_deref().unwrap_or("–");
                // Room for a short greeting ("10 你好") before the cut; the whole on hover.
                ui.scope(|ui| {
                    ui.set_min_width(SENT_MIN_W);
                    ui.add(egui::Label::new(sent).truncate())
                        .on_hover_text(sent);
                });
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
                ui.label(
                    r.peer
                        .map(|p| crate::i18n::addr_in(lang, &p))
                        .unwrap_or_default(),
                );
                ui.label(fl!(l, "roster-bytes", rx = r.rx_bytes, tx = r.tx_bytes));
                ui.end_row();
            }
        });
}

/// The exercise's fields, each with its problem under it.
fn form_grid(ui: &mut Ui, form: &mut RosterForm, problems: &FormProblems, lang: Lang) {
    use crate::ui::common::style::error_label;
    let l = loader(lang);
    egui::Grid::new("roster-form")
        .num_columns(2)
        .show(ui, |ui| {
            let e = ui.label(fl!(l, "roster-expect"));
            ui.vertical(|ui| {
                ui.add_enabled(
                    !form.use_regex,
                    TextEdit::singleline(&mut form.text).desired_width(200.0),
                )
                .labelled_by(e.id);
                ui.add_enabled(
                    !form.use_regex,
                    egui::Checkbox::new(&mut form.number, fl!(l, "roster-number")),
                );
                if let Some(p) = &problems.text {
                    error_label(ui, p);
                }
            });
            ui.end_row();
            let r = ui.label(fl!(l, "roster-reply"));
            ui.add(
                TextEdit::singleline(&mut form.reply)
                    .desired_width(200.0)
                    .hint_text(fl!(l, "roster-no-reply")),
            )
            .labelled_by(r.id);
            ui.end_row();
            crate::ui::common::field::field(ui, &fl!(l, "roster-within"), &mut form.within_s, 60.0);
            ui.end_row();
            if let Some(p) = &problems.within {
                ui.label("");
                error_label(ui, p);
                ui.end_row();
            }
        });
    egui::CollapsingHeader::new(fl!(l, "roster-advanced"))
        .id_salt("roster-advanced")
        .default_open(form.use_regex)
        .show(ui, |ui| {
            ui.checkbox(&mut form.use_regex, fl!(l, "roster-use-regex"));
            ui.horizontal(|ui| {
                let r = ui.label(fl!(l, "roster-regex"));
                ui.add_enabled(
                    form.use_regex,
                    TextEdit::singleline(&mut form.regex)
                        .desired_width(260.0)
                        .font(egui::TextStyle::Monospace),
                )
                .labelled_by(r.id);
            });
            if let Some(p) = &problems.regex {
                error_label(ui, p);
            }
        });
}

/// The Sent column's least width before its text is cut (about ten characters).
const SENT_MIN_W: f32 = 96.0;
