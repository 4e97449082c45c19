//! Replay… from the log's toolbar: this tab's log (its spool, synced first) or a saved
//! record sent again to HOST:PORT with its spacing (or faster), and with "Check replies"
//! each reply compared with the recorded one — a difference as a hex diff. The record is
//! read on a background thread; the replay then runs on this tab's session runtime
//! (`session::replay_host`, as the command line's does), so its traffic appears in this
//! tab's log, spool and record. Its typed reports are worded here in the window's language.

use crate::i18n::{Lang, loader};
use crate::replay::{NoReply, RecordProblem, Report, Side, Speed};
use crate::session::Control;
use crate::session::replay_host::ReplayView;
use crate::ui::common::background::{Background, Poll};
use crossbeam_channel::Sender;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// The window's saved fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReplayForm {
    /// A record file; empty: this tab's log.
    pub file: String,
    pub to: String,
    /// "1x", "2x", "max".
    pub speed: String,
    /// Replay what the session received instead of what it sent.
    pub side_rx: bool,
    pub check: bool,
}

/// What the loading thread sends: the replay started on the runtime, or why not.
pub enum Msg {
    Started,
    Bad(RecordProblem),
}

/// The window's state (not saved). The replay's progress is the runtime's, in its status.
#[derive(Default)]
pub struct ReplayState {
    pub open: bool,
    /// Reading the record (before the runtime has the replay).
    job: Option<Background<Msg>>,
    /// The record could not be used.
    bad: Option<RecordProblem>,
    /// A field's problem.
    problem: Option<String>,
}

/// What the tab gives the window.
pub struct ReplayCtx {
    /// The tab's spool and a way to sync it (None: no log on disk yet).
    pub spool: Option<(PathBuf, Box<dyn FnOnce() -> bool + Send>)>,
    /// The tab's runtime, which runs the replay.
    pub control: Sender<Control>,
}

/// Why a record cannot be replayed, in the window's language.
fn record_problem_text(lang: Lang, p: &RecordProblem) -> String {
    let l = loader(lang);
    match p {
        RecordProblem::Unreadable { path, detail } => fl!(
            l,
            "replay-bad-unreadable",
            path = path.as_str(),
            detail = detail.as_str()
        ),
        RecordProblem::BadLines { path, first, count } => fl!(
            l,
            "replay-bad-lines",
            path = path.as_str(),
            first = first.as_str(),
            count = count
        ),
        RecordProblem::NotARecord { path, first } => fl!(
            l,
            "replay-bad-not-a-record",
            path = path.as_str(),
            first = first.as_str()
        ),
        RecordProblem::NoEvents(path) => fl!(l, "replay-bad-no-events", path = path.as_str()),
        RecordProblem::NothingToReplay { path, side } => match side {
            Side::Tx => fl!(l, "replay-bad-nothing-sent", path = path.as_str()),
            Side::Rx => fl!(l, "replay-bad-nothing-received", path = path.as_str()),
        },
    }
}

/// Why a reply did not come, in the window's language.
fn no_reply_text(lang: Lang, why: &NoReply) -> String {
    let l = loader(lang);
    match why {
        NoReply::Session(ev) => crate::i18n::describe_in(lang, ev),
        NoReply::Ended { got, want } => fl!(l, "replay-why-ended", got = got, want = want),
        NoReply::NotReady(s) => fl!(l, "replay-why-not-ready", s = s),
        NoReply::Stopped => fl!(l, "seq-stopped"),
    }
}

fn words(lang: Lang, r: &Report) -> Vec<(String, bool)> {
    let l = loader(lang);
    match r {
        Report::BadRecord(p) => {
            let why = record_problem_text(lang, p);
            vec![(fl!(l, "replay-error", why = why.as_str()), true)]
        }
        Report::Failed(e) => {
            let why = no_reply_text(lang, e);
            vec![(fl!(l, "replay-error", why = why.as_str()), true)]
        }
        Report::Sent { n, bytes } => vec![(fl!(l, "replay-sent", n = n, bytes = bytes), false)],
        Report::Matched {
            n,
            bytes,
            reply,
            micros,
        } => {
            let ms = format!("{:.1}", *micros as f64 / 1000.0);
            vec![(
                fl!(
                    l,
                    "replay-matched",
                    n = n,
                    bytes = bytes,
                    reply = reply,
                    ms = ms.as_str()
                ),
                false,
            )]
        }
        // The diff itself is drawn under it by `super::diff_view`.
        Report::Differs { n, .. } => vec![(fl!(l, "replay-differs", n = n), true)],
        Report::NoReply { n, why } => {
            let why = no_reply_text(lang, why);
            vec![(fl!(l, "replay-no-reply", n = n, why = why.as_str()), true)]
        }
        Report::Done {
            messages,
            micros,
            checked,
            matched,
            differed,
            ..
        } => {
            let secs = format!("{:.2}", *micros as f64 / 1e6);
            let mut v = vec![(
                fl!(l, "replay-done", n = messages, secs = secs.as_str()),
                false,
            )];
            if *checked {
                v.push((
                    fl!(l, "replay-checked", matched = matched, differed = differed),
                    *differed > 0,
                ));
            }
            v
        }
    }
}

/// The Replay window, while open. `start` is asked only when Replay is clicked; `view`
/// is the runtime's replay (its reports).
pub fn show(
    ctx: &egui::Context,
    salt: &str,
    form: &mut ReplayForm,
    st: &mut ReplayState,
    lang: Lang,
    view: Option<&ReplayView>,
    start: impl FnOnce() -> ReplayCtx,
) {
    // Take what the loading thread reported.
    if let Some(job) = &st.job {
        loop {
            match job.poll() {
                Poll::Ready(Msg::Started) => {}
                Poll::Ready(Msg::Bad(p)) => st.bad = Some(p),
                Poll::Waiting => break,
                Poll::Finished => {
                    st.job = None;
                    break;
                }
            }
        }
    }
    if !st.open {
        return;
    }
    let l = loader(lang);
    let mut open = st.open;
    let mut go = false;
    egui::Window::new(fl!(l, "replay-title"))
        .id(egui::Id::unique(("replay", salt)))
        .open(&mut open)
        .default_width(460.0)
        .show(ctx, |ui: &mut Ui| {
            ui.label(RichText::new(fl!(l, "replay-intro")).weak());
            form_grid(ui, salt, form, st, lang);
            ui.checkbox(&mut form.side_rx, fl!(l, "replay-side-rx"))
                .on_hover_text(fl!(l, "replay-side-rx-tip"));
            ui.checkbox(&mut form.check, fl!(l, "replay-check"))
                .on_hover_text(fl!(l, "replay-check-tip"));
            if let Some(p) = &st.problem {
                crate::ui::common::style::error_label(ui, p);
            }
            let busy = st.job.is_some() || view.is_some_and(|v| v.running);
            if ui
                .add_enabled(!busy, egui::Button::new(fl!(l, "replay-go")))
                .clicked()
            {
                go = true;
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(240.0)
                .show(ui, |ui| {
                    let bad = st.bad.clone().map(Report::BadRecord);
                    let reports = match (&bad, view) {
                        (Some(b), _) => std::slice::from_ref(b),
                        (None, Some(v)) => v.reports.as_slice(),
                        (None, None) => &[],
                    };
                    for (i, r) in reports.iter().enumerate() {
                        for (line, bad) in words(lang, r) {
                            let mut t = RichText::new(line);
                            if bad {
                                t = t.color(crate::ui::common::style::ERROR_RED);
                            }
                            ui.label(t);
                        }
                        if let Report::Differs { expected, got, .. } = r {
                            let length = fl!(
                                l,
                                "seq-diff-length",
                                expected = expected.len(),
                                got = got.len()
                            );
                            let (e, g) = (fl!(l, "seq-diff-expected"), fl!(l, "seq-diff-got"));
                            super::diff_view::show(
                                ui,
                                ("replay", i),
                                expected,
                                got,
                                (&e, &g),
                                &length,
                            );
                        }
                    }
                });
        });
    st.open = open;
    if go {
        start_job(ctx, form, st, lang, start());
    }
}

fn start_job(
    ctx: &egui::Context,
    form: &ReplayForm,
    st: &mut ReplayState,
    lang: Lang,
    rc: ReplayCtx,
) {
    let l = loader(lang);
    st.problem = None;
    let to = form.to.trim().to_string();
    if let Some(p) = to_problem(lang, &to) {
        st.problem = Some(p);
        return;
    }
    let speed = match crate::replay::parse_speed(if form.speed.is_empty() {
        "1x"
    } else {
        &form.speed
    }) {
        Ok(s) => s,
        Err(_) => Speed::Times(1.0),
    };
    let (path, sync): (PathBuf, Option<Box<dyn FnOnce() -> bool + Send>>) =
        if form.file.trim().is_empty() {
            match rc.spool {
                Some((p, s)) => (p, Some(s)),
                None => {
                    st.problem = Some(fl!(l, "replay-no-log"));
                    return;
                }
            }
        } else {
            (PathBuf::from(form.file.trim()), None)
        };
    let (side, check) = (if form.side_rx { Side::Rx } else { Side::Tx }, form.check);
    st.bad = None;
    let control = rc.control;
    st.job = Background::spawn("replay", ctx, move |rep| {
        if let Some(sync) = sync {
            let _ = sync();
        }
        let args = crate::replay::ReplayArgs {
            input: &path,
            to: &to,
            speed,
            side,
            check,
            client: None,
            timeout: Duration::from_secs(2),
            skip_bad: false,
        };
        match crate::replay::load(&args) {
            Ok(job) => {
                let _ = control.send(Control::StartReplay(Box::new(job)));
                rep.send(Msg::Started);
            }
            Err(p) => {
                rep.send(Msg::Bad(p));
            }
        }
    })
    .ok();
}

/// What is wrong with the replay's destination, in `lang` (None: it will do).
fn to_problem(lang: Lang, to: &str) -> Option<String> {
    let l = loader(lang);
    match crate::net::addr::split_host_port(to) {
        Err(e) => Some(crate::ui::common::address_field::addr_error_text(lang, &e)),
        Ok((host, _)) if host.is_empty() => Some(fl!(l, "replay-bad-to")),
        Ok((_, 0)) => Some(fl!(l, "addr-port-zero")),
        Ok(_) => None,
    }
}

/// The record, the destination (checked as it is typed) and the speed.
fn form_grid(ui: &mut Ui, salt: &str, form: &mut ReplayForm, st: &mut ReplayState, lang: Lang) {
    let l = loader(lang);
    egui::Grid::new(("replay-form", salt))
        .num_columns(2)
        .show(ui, |ui| {
            let f = ui.label(fl!(l, "replay-file"));
            ui.add(
                TextEdit::singleline(&mut form.file)
                    .desired_width(300.0)
                    .hint_text(fl!(l, "replay-this-log")),
            )
            .labelled_by(f.id);
            ui.end_row();
            let t = ui.label(fl!(l, "replay-to"));
            let to = ui
                .add(
                    TextEdit::singleline(&mut form.to)
                        .desired_width(180.0)
                        .hint_text("192.168.1.20:502"),
                )
                .labelled_by(t.id);
            if to.changed() {
                st.problem = None;
            }
            ui.end_row();
            // Checked as it is typed, in the tab's own words, under the field.
            if let Some(p) = to_problem(lang, &form.to).filter(|_| !form.to.trim().is_empty()) {
                ui.label("");
                crate::ui::common::style::error_label(ui, &p);
                ui.end_row();
            }
            let s = ui.label(fl!(l, "replay-speed"));
            egui::ComboBox::from_id_salt(("replay-speed", salt))
                .selected_text(if form.speed.is_empty() {
                    "1x"
                } else {
                    form.speed.as_str()
                })
                .show_ui(ui, |ui| {
                    for sp in ["1x", "2x", "10x", "max"] {
                        ui.selectable_value(&mut form.speed, sp.to_string(), sp);
                    }
                })
                .response
                .labelled_by(s.id);
            ui.end_row();
        });
}
