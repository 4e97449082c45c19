//! The Expect tool: send X, expect a reply matching Y within T ms, N times; pass or fail
//! per try with latency min/p50/p95/max, and the report exported as CSV.

use super::action::{Dialog, PanelAction};
use crate::auto::expect::{Expect, ExpectError, ExpectPlan, TryFailure, fmt_ms};
use crate::auto::rules::Matcher;
use crate::codec::Template;
use crate::i18n::{Lang, loader};
use crate::net::Target;
use crate::session::Control;
use crate::ui::common::field::{field, parse_num};
use egui::{Color32, RichText, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The Expect panel's fields (saved with the tab).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExpectForm {
    /// The request, a template (variables and escapes work).
    pub send: String,
    pub hex: bool,
    pub escapes: bool,
    /// Index into [`Matcher::KINDS`] and its value.
    pub kind: usize,
    pub value: String,
    pub timeout_ms: String,
    pub count: String,
    pub gap_ms: String,
}

impl Default for ExpectForm {
    fn default() -> Self {
        ExpectForm {
            send: "PING {seq}\\n".into(),
            hex: false,
            escapes: true,
            kind: 0,
            value: "PONG".into(),
            timeout_ms: "500".into(),
            count: "10".into(),
            gap_ms: "0".into(),
        }
    }
}

impl ExpectForm {
    /// The plan the fields describe, or what is wrong with them (in English).
    pub fn plan(&self, to: Target) -> Result<ExpectPlan, String> {
        self.plan_in(to, Lang::En)
    }

    /// [`ExpectForm::plan`] with what is wrong in `lang`.
    pub fn plan_in(&self, to: Target, lang: Lang) -> Result<ExpectPlan, String> {
        let send = if self.hex {
            Template::parse_hex(&self.send)
        } else {
            Template::parse(&self.send)
        }
        .map_err(|e| expect_error_text(lang, &ExpectError::Send(e)))?;
        let matcher = Matcher::from_kind(self.kind, self.value.clone());
        matcher
            .compile()
            .map_err(|e| expect_error_text(lang, &ExpectError::Expect(e)))?;
        let timeout = parse_num(&self.timeout_ms, 1, 3_600_000)
            .ok_or(fl!(loader(lang), "exp-bad-timeout"))?;
        let count =
            parse_num(&self.count, 1, 1_000_000).ok_or(fl!(loader(lang), "exp-bad-tries"))?;
        let gap = parse_num(&self.gap_ms, 0, 3_600_000).ok_or(fl!(loader(lang), "exp-bad-gap"))?;
        let mut plan = ExpectPlan::new(send, matcher);
        plan.escapes = self.escapes && !self.hex;
        plan.timeout = Duration::from_millis(timeout);
        plan.count = count;
        plan.gap = Duration::from_millis(gap);
        plan.to = to;
        Ok(plan)
    }
}

/// Why a plan cannot run, in `lang`, naming the field and the position.
pub fn expect_error_text(lang: Lang, e: &ExpectError) -> String {
    match e {
        ExpectError::Send(e) => {
            let err = crate::ui::common::payload_words::template_error_text(lang, e);
            fl!(loader(lang), "exp-bad-send", err = err)
        }
        ExpectError::Expect(e) => {
            let err = crate::ui::common::payload_words::match_error_text(lang, e);
            fl!(loader(lang), "exp-bad-expect", err = err)
        }
    }
}

/// What the Expect tool shows besides its own fields.
pub struct ExpectView<'a> {
    /// The runtime's current or last run.
    pub run: Option<&'a Expect>,
    /// Why the last run could not start.
    pub error: Option<&'a str>,
    /// Why nothing can be sent now.
    pub blocked: Option<&'a str>,
    pub salt: &'a str,
}

/// The Expect tool: edits `f`, shows the run, and asks to start, cancel or export.
pub fn show(ui: &mut Ui, f: &mut ExpectForm, v: &ExpectView) -> Option<PanelAction> {
    let running = v.run.is_some_and(|x| !x.is_done());
    let lang = crate::ui::common::lang::lang(ui.ctx());
    ui.add_enabled_ui(!running, |ui| form(ui, f, v.salt, lang));
    let plan_err = f.plan_in(Target::Default, lang).err();
    let action = ui
        .horizontal_wrapped(|ui| buttons(ui, v, running, plan_err.is_none(), lang))
        .inner;
    if let Some(e) = plan_err.as_deref().or(v.error) {
        crate::ui::common::address_field::error_label(ui, e);
    }
    if let Some(x) = v.run {
        results(ui, x, running, v.salt, lang);
    }
    action
}

/// The test's fields: what to send, what to expect, within how long, how many tries.
fn form(ui: &mut Ui, f: &mut ExpectForm, salt: &str, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        field(ui, &fl!(loader(lang), "exp-send"), &mut f.send, 180.0)
            .on_hover_text(fl!(loader(lang), "exp-send-tip"));
        ui.checkbox(&mut f.hex, fl!(loader(lang), "exp-hex"));
        ui.checkbox(&mut f.escapes, fl!(loader(lang), "exp-escapes"));
        let l = ui.label(fl!(loader(lang), "exp-expect"));
        egui::ComboBox::from_id_salt(("expect_kind", salt))
            .width(110.0)
            .selected_text(super::rules_panel::kind_name(lang, f.kind))
            .show_ui(ui, |ui| {
                for k in 0..Matcher::KINDS.len() {
                    ui.selectable_value(&mut f.kind, k, super::rules_panel::kind_name(lang, k));
                }
            })
            .response
            .labelled_by(l.id);
        field(ui, &fl!(loader(lang), "exp-expected"), &mut f.value, 120.0);
    });
    ui.horizontal_wrapped(|ui| {
        field(
            ui,
            &fl!(loader(lang), "exp-within"),
            &mut f.timeout_ms,
            60.0,
        );
        field(ui, &fl!(loader(lang), "exp-tries"), &mut f.count, 60.0);
        field(ui, &fl!(loader(lang), "exp-gap"), &mut f.gap_ms, 50.0);
    });
}

/// Run (or Cancel while it runs) and Export CSV.
fn buttons(
    ui: &mut Ui,
    v: &ExpectView,
    running: bool,
    plan_ok: bool,
    lang: Lang,
) -> Option<PanelAction> {
    let salt = v.salt;
    let mut action = None;
    if running {
        if ui.button(fl!(loader(lang), "exp-cancel")).clicked() {
            action = Some(PanelAction::Control(Control::CancelExpect));
        }
    } else {
        let blocked = v.blocked;
        let b = ui.add_enabled(
            blocked.is_none() && plan_ok,
            egui::Button::new(fl!(loader(lang), "exp-run")),
        );
        if let Some(why) = blocked {
            b.clone().on_disabled_hover_text(why);
        }
        if b.clicked() {
            action = Some(PanelAction::StartExpect);
        }
    }
    let has = v.run.is_some_and(|x| !x.results().is_empty());
    if ui
        .add_enabled(
            has && !running,
            egui::Button::new(fl!(loader(lang), "exp-export-csv")),
        )
        .clicked()
    {
        let name = format!("{salt}-expect.csv");
        action = Some(PanelAction::OpenDialog(Dialog::ExportExpect, name));
    }
    action
}

/// The run: its verdict (or progress), the latencies, why it stopped early, and the
/// newest tries.
fn results(ui: &mut Ui, x: &Expect, running: bool, salt: &str, lang: Lang) {
    let s = x.summary();
    let color = if s.all_passed() {
        crate::ui::common::style::GOOD_GREEN
    } else if running {
        Color32::GRAY
    } else {
        crate::ui::common::address_field::ERROR_RED
    };
    let status = if running {
        fl!(loader(lang), "exp-running", n = s.tries, total = s.planned)
    } else {
        verdict(lang, &s)
    };
    ui.label(RichText::new(status).color(color).strong());
    let fig = |d: Option<Duration>| d.map(fmt_ms).unwrap_or_else(|| "–".into());
    ui.label(fl!(
        loader(lang),
        "exp-latency",
        min = fig(s.min),
        p50 = fig(s.p50),
        p95 = fig(s.p95),
        max = fig(s.max)
    ));
    if let Some(why) = x.stopped() {
        let why = failure_text(lang, why);
        ui.label(RichText::new(fl!(loader(lang), "exp-stopped-early", why = why)).weak());
    }
    egui::Grid::new(("expect_results", salt))
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for h in [
                fl!(loader(lang), "exp-col-try"),
                fl!(loader(lang), "exp-col-result"),
                fl!(loader(lang), "exp-col-latency"),
                fl!(loader(lang), "exp-col-note"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            // The newest 200 tries.
            let res = x.results();
            for r in res.iter().rev().take(200) {
                ui.label(r.n.to_string());
                if r.passed {
                    ui.label(
                        RichText::new(fl!(loader(lang), "exp-pass"))
                            .color(crate::ui::common::style::GOOD_GREEN),
                    );
                } else {
                    ui.label(
                        RichText::new(fl!(loader(lang), "exp-fail"))
                            .color(crate::ui::common::address_field::ERROR_RED),
                    );
                }
                ui.label(r.latency.map(fmt_ms).unwrap_or_default());
                ui.label(
                    r.failure
                        .as_ref()
                        .map(|f| failure_text(lang, f))
                        .unwrap_or_default(),
                );
                ui.end_row();
            }
        });
}

/// The result line: pass or fail and the counts. The latencies are on their own line
/// (`exp-latency`), so they are not said twice.
pub fn verdict(lang: Lang, s: &crate::auto::expect::Summary) -> String {
    let word = if s.all_passed() {
        fl!(loader(lang), "exp-verdict-pass")
    } else {
        fl!(loader(lang), "exp-verdict-fail")
    };
    let line = fl!(
        loader(lang),
        "exp-summary",
        verdict = word,
        passed = s.passed,
        planned = s.planned,
        failed = s.failed
    );
    if s.tries < s.planned {
        let n = s.planned - s.tries;
        fl!(loader(lang), "exp-summary-not-run", summary = line, n = n)
    } else {
        line
    }
}

/// Why a try failed (or a run stopped), in the window's language.
pub fn failure_text(lang: Lang, f: &TryFailure) -> String {
    let l = loader(lang);
    match f {
        TryFailure::NoReply { within } => fl!(l, "exp-fail-no-reply", within = fmt_ms(*within)),
        TryFailure::NoMatch { within, got, start } => fl!(
            l,
            "exp-fail-no-match",
            within = fmt_ms(*within),
            n = got,
            hex = crate::auto::rules::brief_hex(start)
        ),
        TryFailure::SendFailed(ev) => {
            fl!(l, "exp-fail-send", why = crate::i18n::describe_in(lang, ev))
        }
        TryFailure::NetworkAnswered(ev) => {
            fl!(l, "exp-fail-icmp", why = crate::i18n::describe_in(lang, ev))
        }
        TryFailure::SessionEnded(Some(ev)) => fl!(
            l,
            "exp-fail-ended",
            why = crate::i18n::describe_in(lang, ev)
        ),
        TryFailure::SessionEnded(None) => fl!(l, "exp-fail-ended-plain"),
        TryFailure::Cancelled => fl!(l, "exp-fail-cancelled"),
        TryFailure::BadRequest(e) => fl!(
            l,
            "exp-bad-send",
            err = crate::ui::common::payload_words::template_error_text(lang, e)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Event, EventKind, Role};

    #[test]
    fn every_failure_is_worded_in_chinese() {
        let ev = |kind| {
            Box::new(Event {
                ts_us: 0,
                role: Role::TcpClient,
                local: None,
                peer: None,
                client: None,
                kind,
                opcode: None,
            })
        };
        let within = Duration::from_millis(200);
        let all = [
            TryFailure::NoReply { within },
            TryFailure::NoMatch {
                within,
                got: 3,
                start: b"ERR".to_vec(),
            },
            TryFailure::SendFailed(ev(EventKind::Error {
                kind: crate::net::ErrorKind::Refused,
                detail: "connection refused".into(),
            })),
            TryFailure::SessionEnded(Some(ev(EventKind::Reset {
                reason: crate::net::ResetReason::PeerReset,
            }))),
            TryFailure::NetworkAnswered(ev(EventKind::Icmp(crate::net::IcmpReport {
                kind: crate::net::IcmpKind::PortUnreachable,
                to: None,
                from: None,
                icmp: true,
            }))),
            TryFailure::SessionEnded(None),
            TryFailure::Cancelled,
        ];
        for f in &all {
            let zh = failure_text(Lang::Zh, f);
            let en = failure_text(Lang::En, f);
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            for word in ["reply", "session", "cancelled", "sent", "within"] {
                assert!(!zh.contains(word), "{zh}");
            }
            assert_ne!(zh, en);
        }
        assert_eq!(
            failure_text(Lang::En, &all[1]),
            "no matching reply within 200.0 ms; got 3 bytes: 45 52 52"
        );
    }
}
