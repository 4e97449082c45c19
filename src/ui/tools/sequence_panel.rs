//! The Sequence tool: build a test as a list of steps — send, wait, expect (with a
//! matcher, a timeout and, for a regex, named captures), repeat N { … }, and on the TCP
//! Client connect / close — add, remove, reorder and duplicate them; run it whole or a
//! step at a time, or stop it. It runs on the session runtime; each step's pass or fail
//! and latency shows live, and a failed expect shows a hex diff of expected against
//! received. Saved with the tab and in presets; loaded from and saved to TOML files that
//! `socket-tester run` also reads.

use super::action::{Dialog, PanelAction};
use super::escaped_field::escaped_field;
use crate::auto::rules::Matcher;
use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::sequence::Action;
use crate::sequence::outline::{ExpectKind, OutlineStep};
use crate::sequence::run::{Failure, Outcome, StepResult};
use crate::session::Control;
use crate::session::sequence_host::SequenceView;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The tool's saved state: the sequence being edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SequenceForm {
    pub name: String,
    pub steps: Vec<OutlineStep>,
}

impl Default for SequenceForm {
    fn default() -> Self {
        SequenceForm {
            name: String::new(),
            steps: vec![
                OutlineStep::Send {
                    text: "PING\n".into(),
                    hex: false,
                    template: false,
                },
                OutlineStep::Expect {
                    kind: ExpectKind::Contains,
                    value: "PONG".into(),
                    timeout: Some("1s".into()),
                },
            ],
        }
    }
}

/// What the panel shows besides the form.
pub struct SequenceUi<'a> {
    pub run: Option<&'a SequenceView>,
    /// The session is a crowd: Run runs the sequence once per connection, and the tool
    /// shows this summary (None until a run) instead of one connection's steps.
    pub crowd: Option<Option<&'a crate::session::crowd::seq::CrowdSeqView>>,
    /// Why the last Run did not start.
    pub error: Option<&'a str>,
    /// Why nothing can be sent now (no session).
    pub blocked: Option<&'a str>,
    pub role: Role,
    pub lang: Lang,
}

fn kind_label(lang: Lang, k: ExpectKind) -> String {
    let l = loader(lang);
    match k {
        ExpectKind::Contains => fl!(l, "seq-exp-contains"),
        ExpectKind::Equals => fl!(l, "seq-exp-equals"),
        ExpectKind::Hex => fl!(l, "seq-exp-hex"),
        ExpectKind::Regex => fl!(l, "seq-exp-regex"),
        ExpectKind::BytesRegex => fl!(l, "seq-exp-bytes-regex"),
        ExpectKind::Any => fl!(l, "seq-exp-any"),
    }
}

/// What a row asks of its list.
enum RowOp {
    Up(usize),
    Down(usize),
    Copy(usize),
    Remove(usize),
}

/// One list of steps (the top, or a repeat's), with its own add buttons.
fn list(ui: &mut Ui, steps: &mut Vec<OutlineStep>, path: &str, v: &SequenceUi, depth: usize) {
    let lang = v.lang;
    let l = loader(lang);
    let mut op = None;
    let n = steps.len();
    for (i, step) in steps.iter_mut().enumerate() {
        let id = format!("{path}{}", i + 1);
        ui.horizontal(|ui| {
            ui.add_space(16.0 * depth as f32);
            ui.label(RichText::new(&id).monospace().weak());
            row(ui, step, &id, v, depth);
            ui.add_space(6.0);
            if ui
                .add_enabled(i > 0, egui::Button::new("↑").small())
                .on_hover_text(fl!(l, "seq-up"))
                .clicked()
            {
                op = Some(RowOp::Up(i));
            }
            if ui
                .add_enabled(i + 1 < n, egui::Button::new("↓").small())
                .on_hover_text(fl!(l, "seq-down"))
                .clicked()
            {
                op = Some(RowOp::Down(i));
            }
            if ui
                .small_button("⊕")
                .on_hover_text(fl!(l, "seq-duplicate"))
                .clicked()
            {
                op = Some(RowOp::Copy(i));
            }
            if ui
                .small_button("✕")
                .on_hover_text(fl!(l, "seq-remove"))
                .clicked()
            {
                op = Some(RowOp::Remove(i));
            }
        });
        if let OutlineStep::Repeat { steps: inner, .. } = step {
            list(ui, inner, &format!("{id}."), v, depth + 1);
        }
    }
    match op {
        Some(RowOp::Up(i)) => steps.swap(i, i - 1),
        Some(RowOp::Down(i)) => steps.swap(i, i + 1),
        Some(RowOp::Copy(i)) => {
            let s = steps[i].clone();
            steps.insert(i + 1, s);
        }
        Some(RowOp::Remove(i)) => {
            steps.remove(i);
        }
        None => {}
    }
    ui.horizontal_wrapped(|ui| {
        ui.add_space(16.0 * depth as f32);
        ui.label(RichText::new(fl!(l, "seq-add")).weak());
        if ui.small_button(fl!(l, "seq-kind-send")).clicked() {
            steps.push(OutlineStep::Send {
                text: String::new(),
                hex: false,
                template: false,
            });
        }
        if ui.small_button(fl!(l, "seq-kind-wait")).clicked() {
            steps.push(OutlineStep::Wait("500ms".into()));
        }
        if ui.small_button(fl!(l, "seq-kind-expect")).clicked() {
            steps.push(OutlineStep::Expect {
                kind: ExpectKind::Contains,
                value: String::new(),
                timeout: Some("1s".into()),
            });
        }
        if depth < 2 && ui.small_button(fl!(l, "seq-kind-repeat")).clicked() {
            steps.push(OutlineStep::Repeat {
                times: 3,
                steps: Vec::new(),
            });
        }
        if v.role == Role::TcpClient {
            if ui.small_button(fl!(l, "seq-kind-close")).clicked() {
                steps.push(OutlineStep::Close);
            }
            if ui.small_button(fl!(l, "seq-kind-connect")).clicked() {
                steps.push(OutlineStep::Connect);
            }
        }
    });
}

/// One step's fields.
fn row(ui: &mut Ui, step: &mut OutlineStep, id: &str, v: &SequenceUi, _depth: usize) {
    let l = loader(v.lang);
    match step {
        OutlineStep::Send {
            text,
            hex,
            template,
        } => {
            let name = ui.label(fl!(l, "seq-kind-send"));
            escaped_field(
                ui,
                text,
                ui.make_persistent_id(("seq-send", id)),
                200.0,
                fl!(l, "seq-send-hint"),
            )
            .labelled_by(name.id);
            ui.checkbox(hex, fl!(l, "seq-hex"));
            ui.checkbox(template, fl!(l, "seq-template"))
                .on_hover_text(fl!(l, "seq-template-tip"));
        }
        OutlineStep::Wait(w) => {
            let name = ui.label(fl!(l, "seq-kind-wait"));
            ui.add(TextEdit::singleline(w).desired_width(70.0))
                .labelled_by(name.id);
        }
        OutlineStep::Expect {
            kind,
            value,
            timeout,
        } => {
            let name = ui.label(fl!(l, "seq-kind-expect"));
            egui::ComboBox::from_id_salt(("seq-kind", id))
                .selected_text(kind_label(v.lang, *kind))
                .show_ui(ui, |ui| {
                    for k in ExpectKind::ALL {
                        ui.selectable_value(kind, k, kind_label(v.lang, k));
                    }
                })
                .response
                .labelled_by(name.id);
            if *kind != ExpectKind::Any {
                let fid = ui.make_persistent_id(("seq-expect", id));
                escaped_field(ui, value, fid, 170.0, String::new()).labelled_by(name.id);
            }
            let t = ui.label(fl!(l, "seq-timeout"));
            let mut text = timeout.clone().unwrap_or_default();
            if ui
                .add(
                    TextEdit::singleline(&mut text)
                        .desired_width(56.0)
                        .hint_text("1s"),
                )
                .labelled_by(t.id)
                .changed()
            {
                *timeout = Some(text);
            }
        }
        OutlineStep::Repeat { times, .. } => {
            let name = ui.label(fl!(l, "seq-kind-repeat"));
            ui.add(egui::DragValue::new(times).range(1..=10_000).suffix(" ×"))
                .labelled_by(name.id);
        }
        OutlineStep::Connect => {
            ui.label(fl!(l, "seq-kind-connect"));
        }
        OutlineStep::Close => {
            ui.label(fl!(l, "seq-kind-close"));
        }
    }
}

/// A step in the window's language: "send \"PING\"", "expect contains \"PONG\" within 1s".
pub(super) fn describe(lang: Lang, a: &Action) -> String {
    let l = loader(lang);
    match a {
        Action::Send { text, .. } => fl!(l, "seq-desc-send", text = format!("{text:?}")),
        Action::Wait(d) => fl!(
            l,
            "seq-desc-wait",
            d = humantime::format_duration(*d).to_string()
        ),
        Action::Expect { matcher, timeout } => {
            let kind = match matcher {
                Matcher::Contains(_) => ExpectKind::Contains,
                Matcher::Equals(_) => ExpectKind::Equals,
                Matcher::ContainsHex(_) | Matcher::StartsWithHex(_) => ExpectKind::Hex,
                Matcher::Regex(_) => ExpectKind::Regex,
                Matcher::BytesRegex(_) => ExpectKind::BytesRegex,
                Matcher::Any => ExpectKind::Any,
            };
            fl!(
                l,
                "seq-desc-expect",
                kind = kind_label(lang, kind),
                value = format!("{:?}", matcher.value()),
                timeout = humantime::format_duration(*timeout).to_string()
            )
        }
        Action::Connect => fl!(l, "seq-kind-connect"),
        Action::Close => fl!(l, "seq-kind-close"),
    }
}

/// Why a step failed, in the window's language.
pub fn failure_text(lang: Lang, f: &Failure) -> String {
    let l = loader(lang);
    match f {
        Failure::Stopped => fl!(l, "seq-stopped"),
        Failure::NoReply { arrived } => fl!(l, "seq-failed-expect", n = arrived),
        Failure::NoAnswer => fl!(l, "seq-fail-no-answer"),
        Failure::BadPayload(e) => crate::ui::common::payload_words::payload_error_text(lang, e),
        Failure::NotCaptured(name) => fl!(l, "seq-fail-not-captured", name = name.as_str()),
        Failure::NoSession => fl!(l, "seq-fail-no-session"),
        Failure::NotTcpClient => fl!(l, "seq-fail-not-tcp-client"),
        Failure::Session(ev) => crate::i18n::describe_in(lang, ev),
        Failure::NotReady(s) => fl!(l, "seq-fail-not-ready", s = s),
    }
}

fn result_row(ui: &mut Ui, r: &StepResult, lang: Lang) {
    let l = loader(lang);
    let (mark, color) = match r.outcome {
        Outcome::Passed => ("✔", crate::ui::common::style::GOOD_GREEN),
        Outcome::Failed => ("✘", crate::ui::common::style::ERROR_RED),
        Outcome::Skipped => ("–", egui::Color32::GRAY),
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(mark).color(color).strong());
        ui.label(RichText::new(&r.label).monospace());
        ui.label(describe(lang, &r.action));
        if let Some(lat) = r.latency {
            let ms = format!("{:.1}", lat.as_secs_f64() * 1000.0);
            ui.label(RichText::new(fl!(l, "seq-latency", ms = ms.as_str())).weak());
        }
    });
    if r.outcome == Outcome::Failed {
        let Some(failure) = &r.failure else {
            return;
        };
        crate::ui::common::style::error_label(ui, &failure_text(lang, failure));
        if !matches!(failure, Failure::NoReply { .. }) {
            return;
        }
        let length = match &r.expected {
            Some(e) => fl!(
                l,
                "seq-diff-length",
                expected = e.len(),
                got = r.received_total
            ),
            None => fl!(l, "seq-diff-received", got = r.received_total),
        };
        let words = (fl!(l, "seq-diff-expected"), fl!(l, "seq-diff-got"));
        super::diff_view::show(
            ui,
            ("seq", &r.label),
            r.expected.as_deref().unwrap_or_default(),
            &r.received,
            (&words.0, &words.1),
            &length,
        );
    }
}

/// The tool. Returns what the tab should do (run, step, stop, a file dialog). Its buttons
/// (name, Run, Step, Stop, Load…, Save…) and any error stay at the top; the run's results
/// and the steps scroll under them, however many steps there are.
pub fn show(ui: &mut Ui, form: &mut SequenceForm, v: &SequenceUi) -> Option<PanelAction> {
    let running = match v.crowd {
        Some(c) => c.is_some_and(|c| !c.done),
        None => v.run.is_some_and(|r| r.running),
    };
    let action = buttons(ui, form, v, running);
    if let Some(e) = v.error {
        crate::ui::common::style::error_label(ui, e);
    }
    egui::ScrollArea::vertical()
        .id_salt(("sequence_steps", v.role.as_str()))
        .auto_shrink([false, false])
        .min_scrolled_height(0.0)
        .show(ui, |ui| {
            if let Some(c) = v.crowd {
                super::crowd_sequence_view::show(ui, c, v.lang);
            } else if let Some(r) = v.run {
                run_status(ui, r, v.lang);
            }
            ui.add_enabled_ui(!running, |ui| list(ui, &mut form.steps, "", v, 0));
        });
    action
}

/// The row of buttons: name, Run, Step, Stop, Load…, Save….
fn buttons(
    ui: &mut Ui,
    form: &mut SequenceForm,
    v: &SequenceUi,
    running: bool,
) -> Option<PanelAction> {
    let l = loader(v.lang);
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        let name = ui.label(fl!(l, "seq-name"));
        ui.add(
            TextEdit::singleline(&mut form.name)
                .desired_width(140.0)
                .hint_text(fl!(l, "seq-name-hint")),
        )
        .labelled_by(name.id);
        ui.separator();
        let can_run = !running && v.blocked.is_none() && !form.steps.is_empty();
        let run = ui.add_enabled(can_run, egui::Button::new(fl!(l, "seq-run")));
        if let Some(why) = v.blocked {
            run.clone().on_disabled_hover_text(why);
        }
        if run.clicked() {
            action = Some(PanelAction::StartSequence { step: false });
        }
        let step_label = if running {
            fl!(l, "seq-next-step")
        } else {
            fl!(l, "seq-step")
        };
        let can_step = if v.crowd.is_some() {
            false
        } else if running {
            v.run.is_some_and(|r| r.paused)
        } else {
            can_run
        };
        if ui
            .add_enabled(can_step, egui::Button::new(step_label))
            .on_hover_text(fl!(l, "seq-step-tip"))
            .clicked()
        {
            action = Some(if running {
                PanelAction::Control(Control::StepSequence)
            } else {
                PanelAction::StartSequence { step: true }
            });
        }
        if ui
            .add_enabled(running, egui::Button::new(fl!(l, "seq-stop")))
            .clicked()
        {
            action = Some(PanelAction::Control(Control::StopSequence));
        }
        ui.separator();
        if ui.button(fl!(l, "seq-load")).clicked() {
            action = Some(PanelAction::OpenDialog(
                Dialog::ImportSequence,
                String::new(),
            ));
        }
        if ui.button(fl!(l, "seq-save")).clicked() {
            let stem = match form.name.trim() {
                "" => "sequence".to_string(),
                n => n.replace(['/', '\\'], "_"),
            };
            let file = format!("{stem}.toml");
            action = Some(PanelAction::OpenDialog(Dialog::ExportSequence, file));
        }
    });
    action
}

/// How the run went: its status, the variables it captured, one row per step done.
fn run_status(ui: &mut Ui, r: &SequenceView, lang: Lang) {
    let l = loader(lang);
    {
        let done = r.results.len();
        let passed = r
            .results
            .iter()
            .filter(|x| x.outcome == Outcome::Passed)
            .count();
        let status = if r.running {
            fl!(l, "seq-status-running", done = done, total = r.total)
        } else if r.passed {
            fl!(l, "seq-status-passed", total = r.total)
        } else if r.stopped {
            fl!(l, "seq-status-stopped", passed = passed, total = r.total)
        } else {
            fl!(l, "seq-status-failed", passed = passed, total = r.total)
        };
        ui.label(RichText::new(status).strong());
        if !r.vars.is_empty() {
            let vars: Vec<String> = r
                .vars
                .iter()
                .map(|(k, v)| format!("{{{k}}} = {v}"))
                .collect();
            ui.label(RichText::new(fl!(l, "seq-vars", vars = vars.join(", "))).weak());
        }
        for res in &r.results {
            result_row(ui, res, lang);
        }
        ui.separator();
    }
}
