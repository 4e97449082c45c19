//! The Auto-reply tool: rules that answer received data (contains text, equals,
//! starts with hex, regex…) with a payload that may use variables, after an optional
//! delay; an echo switch; each rule enabled on its own, with how often it fired.

use super::action::PanelAction;
use crate::auto::rules::RuleSet;
use crate::auto::rules::{Matcher, Rule};
use crate::i18n::loader;
use crate::session::Control;
use crate::session::view::RulesView;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// A matcher kind's name in `lang`, by its index in [`Matcher::KINDS`].
pub fn kind_name(lang: crate::i18n::Lang, kind: usize) -> String {
    let l = loader(lang);
    match kind {
        0 => fl!(l, "match-contains-text"),
        1 => fl!(l, "match-equals-text"),
        2 => fl!(l, "match-starts-hex"),
        3 => fl!(l, "match-contains-hex"),
        4 => fl!(l, "match-regex-text"),
        5 => fl!(l, "match-regex-bytes"),
        6 => fl!(l, "match-anything"),
        _ => "?".into(),
    }
}

/// The auto-reply tool: edits `rules`; `view` is what the runtime reports of them.
pub fn show(ui: &mut Ui, rules: &mut RuleSet, view: &RulesView, salt: &str) -> Option<PanelAction> {
    let fired = &view.fired;
    let echoed = view.echoed;
    let active = view.active;
    let error = &view.error;
    let mut reset = false;
    let lang = crate::ui::common::lang::lang(ui.ctx());
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut rules.echo, fl!(loader(lang), "rules-echo"))
            .on_hover_text(fl!(loader(lang), "rules-echo-tip"));
        ui.label(RichText::new(fl!(loader(lang), "rules-echoed", n = echoed)).weak());
        if ui.button(fl!(loader(lang), "rules-add")).clicked() {
            let mut r = Rule::new(Matcher::Contains("PING".into()), "PONG {seq}");
            r.name = format!("rule {}", rules.rules.len() + 1);
            rules.rules.push(r);
        }
        reset = active && ui.button(fl!(loader(lang), "rules-reset-counts")).clicked();
    });
    let mut remove = None;
    for (i, r) in rules.rules.iter_mut().enumerate() {
        // Its own id scope, and fixed ids for the fields: an error line appearing or
        // going (a regex flips between valid and invalid as it is typed) moves nothing
        // above the row and changes no id, so the field keeps its focus and keystrokes.
        ui.push_id(("rule_row", salt, i), |ui| {
            if rule_row(ui, lang, r, i, salt, fired.get(i).copied().unwrap_or(0)) {
                remove = Some(i);
            }
            // The rule's error, under its row.
            if let Some(e) = error.as_ref().filter(|e| e.rule == i) {
                let text = crate::ui::common::payload_words::rule_error_text(lang, e);
                crate::ui::common::address_field::error_label(ui, &text);
            }
        });
    }
    if let Some(i) = remove {
        rules.rules.remove(i);
    }
    if rules.rules.is_empty() && !rules.echo {
        ui.label(RichText::new(fl!(loader(lang), "rules-none")).weak());
    }
    reset.then_some(PanelAction::Control(Control::ResetRuleCounts))
}

/// One rule's row: on/off, match kind and text, reply, delay, count. True if Delete was
/// clicked.
fn rule_row(
    ui: &mut Ui,
    lang: crate::i18n::Lang,
    r: &mut Rule,
    i: usize,
    salt: &str,
    fired: u64,
) -> bool {
    let n = i + 1;
    let id = |what: &str| egui::Id::unique(("rule", what, salt, i));
    let mut remove = false;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut r.enabled, fl!(loader(lang), "rules-rule", n = n));
        let l = ui.label(fl!(loader(lang), "rules-when"));
        let mut kind = r.matcher.kind_index();
        egui::ComboBox::from_id_salt(("rule_kind", salt, i))
            .width(110.0)
            .selected_text(kind_name(lang, kind))
            .show_ui(ui, |ui| {
                for k in 0..Matcher::KINDS.len() {
                    ui.selectable_value(&mut kind, k, kind_name(lang, k));
                }
            })
            .response
            .labelled_by(l.id);
        let mut value = r.matcher.value().to_string();
        let l = ui.label(fl!(loader(lang), "rules-match"));
        ui.add(
            egui::TextEdit::singleline(&mut value)
                .id(id("match"))
                .desired_width(140.0),
        )
        .labelled_by(l.id)
        .on_hover_text(fl!(loader(lang), "rules-match-tip", n = n));
        if kind != r.matcher.kind_index() || value != r.matcher.value() {
            r.matcher = Matcher::from_kind(kind, value);
        }
        let l = ui.label(fl!(loader(lang), "rules-reply"));
        ui.add(
            egui::TextEdit::singleline(&mut r.reply)
                .id(id("reply"))
                .desired_width(160.0)
                .code_editor(),
        )
        .labelled_by(l.id)
        .on_hover_text(fl!(loader(lang), "rules-reply-tip", n = n));
        ui.checkbox(&mut r.reply_hex, fl!(loader(lang), "rules-hex"));
        ui.checkbox(&mut r.escapes, fl!(loader(lang), "rules-esc"));
        let l = ui.label(fl!(loader(lang), "rules-delay"));
        let mut d = r.delay_ms.to_string();
        if ui
            .add(
                egui::TextEdit::singleline(&mut d)
                    .id(id("delay"))
                    .desired_width(50.0),
            )
            .labelled_by(l.id)
            .changed()
        {
            r.delay_ms = d.trim().parse().unwrap_or(0).min(3_600_000);
        }
        ui.label(RichText::new(fl!(loader(lang), "rules-fired", n = fired)).strong());
        remove = ui.small_button(fl!(loader(lang), "rules-delete")).clicked();
    });
    remove
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_keys_follow_the_engine_kinds() {
        for (k, name) in Matcher::KINDS.iter().enumerate() {
            assert_eq!(kind_name(crate::i18n::Lang::En, k), *name);
        }
    }
}
