//! The Auto-reply tool: rules that answer received data (contains text, equals,
//! starts with hex, regex…) with a payload that may use variables, after an optional
//! delay; an echo switch; each rule enabled on its own, with how often it fired.

use super::session_panel::SessionPanel;
use crate::i18n::{tr, trf};
use crate::net::rules::{Matcher, Rule};
use egui::{RichText, Ui};

/// The i18n keys of [`Matcher::KINDS`], in the same order.
pub const MATCH_KIND_KEYS: [&str; 7] = [
    "match.contains_text",
    "match.equals_text",
    "match.starts_hex",
    "match.contains_hex",
    "match.regex_text",
    "match.regex_bytes",
    "match.anything",
];

/// A matcher kind's name in `lang`.
pub fn kind_name(lang: crate::i18n::Lang, kind: usize) -> &'static str {
    MATCH_KIND_KEYS.get(kind).map_or("?", |k| tr(lang, k))
}

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let salt = p.role.as_str();
    let fired = p.st.rules.fired.clone();
    let echoed = p.st.rules.echoed;
    let active = p.st.rules.active;
    let error = p.st.rules.error.clone();
    let mut reset = false;
    let rules = &mut p.settings.kit.rules;
    let lang = super::classroom::lang(ui.ctx());
    let t = |key| tr(lang, key);
    let tn = |key, n: &dyn ToString| trf(lang, key, &[("n", &n.to_string())]);
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut rules.echo, t("rules.echo"))
            .on_hover_text(t("rules.echo_tip"));
        ui.label(RichText::new(tn("rules.echoed", &echoed)).weak());
        if ui.button(t("rules.add")).clicked() {
            let mut r = Rule::new(Matcher::Contains("PING".into()), "PONG {seq}");
            r.name = format!("rule {}", rules.rules.len() + 1);
            rules.rules.push(r);
        }
        reset = active && ui.button(t("rules.reset_counts")).clicked();
    });
    if let Some(e) = &error {
        super::address_field::error_label(ui, e);
    }
    let mut remove = None;
    for (i, r) in rules.rules.iter_mut().enumerate() {
        let n = i + 1;
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut r.enabled, tn("rules.rule", &n));
            let l = ui.label(t("rules.when"));
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
            let l = ui.label(t("rules.match"));
            ui.add(egui::TextEdit::singleline(&mut value).desired_width(140.0))
                .labelled_by(l.id)
                .on_hover_text(tn("rules.match_tip", &n));
            if kind != r.matcher.kind_index() || value != r.matcher.value() {
                r.matcher = Matcher::from_kind(kind, value);
            }
            let l = ui.label(t("rules.reply"));
            ui.add(
                egui::TextEdit::singleline(&mut r.reply)
                    .desired_width(160.0)
                    .code_editor(),
            )
            .labelled_by(l.id)
            .on_hover_text(tn("rules.reply_tip", &n));
            ui.checkbox(&mut r.reply_hex, t("rules.hex"));
            ui.checkbox(&mut r.escapes, t("rules.esc"));
            let l = ui.label(t("rules.delay"));
            let mut d = r.delay_ms.to_string();
            if ui
                .add(egui::TextEdit::singleline(&mut d).desired_width(50.0))
                .labelled_by(l.id)
                .changed()
            {
                r.delay_ms = d.trim().parse().unwrap_or(0).min(3_600_000);
            }
            ui.label(
                RichText::new(tn("rules.fired", &fired.get(i).copied().unwrap_or(0))).strong(),
            );
            if ui.small_button(t("rules.delete")).clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        rules.rules.remove(i);
    }
    if rules.rules.is_empty() && !rules.echo {
        ui.label(RichText::new(t("rules.none")).weak());
    }
    if reset {
        p.runtime().send(crate::session::Control::ResetRuleCounts);
    }
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
