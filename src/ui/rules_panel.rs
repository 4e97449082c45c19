//! The Auto-reply tool: rules that answer received data (contains text, equals,
//! starts with hex, regex…) with a payload that may use variables, after an optional
//! delay; an echo switch; each rule enabled on its own, with how often it fired.

use super::session_panel::SessionPanel;
use crate::net::rules::{Matcher, Rule};
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let salt = p.role.as_str();
    let fired: Vec<u64> = p
        .kit
        .responder
        .as_ref()
        .map(|r| r.fired().to_vec())
        .unwrap_or_default();
    let echoed = p.kit.responder.as_ref().map_or(0, |r| r.echoed());
    let rules = &mut p.settings.kit.rules;
    ui.horizontal_wrapped(|ui| {
        ui.checkbox(&mut rules.echo, "Echo")
            .on_hover_text("Send back every message that no rule answered");
        ui.label(RichText::new(format!("echoed {echoed}")).weak());
        if ui.button("Add rule").clicked() {
            let mut r = Rule::new(Matcher::Contains("PING".into()), "PONG {seq}");
            r.name = format!("rule {}", rules.rules.len() + 1);
            rules.rules.push(r);
        }
        if let Some(r) = &mut p.kit.responder
            && ui.button("Reset counts").clicked()
        {
            r.reset_counts();
        }
    });
    if let Some(e) = &p.kit.rules_error {
        super::address_field::error_label(ui, e);
    }
    let mut remove = None;
    for (i, r) in rules.rules.iter_mut().enumerate() {
        let n = i + 1;
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut r.enabled, format!("Rule {n}"));
            let l = ui.label("when");
            let mut kind = r.matcher.kind_index();
            egui::ComboBox::from_id_salt(("rule_kind", salt, i))
                .width(110.0)
                .selected_text(Matcher::KINDS.get(kind).copied().unwrap_or("?"))
                .show_ui(ui, |ui| {
                    for (k, name) in Matcher::KINDS.iter().enumerate() {
                        ui.selectable_value(&mut kind, k, *name);
                    }
                })
                .response
                .labelled_by(l.id);
            let mut value = r.matcher.value().to_string();
            let l = ui.label("match");
            ui.add(egui::TextEdit::singleline(&mut value).desired_width(140.0))
                .labelled_by(l.id)
                .on_hover_text(format!("Rule {n}: what to look for"));
            if kind != r.matcher.kind_index() || value != r.matcher.value() {
                r.matcher = Matcher::from_kind(kind, value);
            }
            let l = ui.label("reply");
            ui.add(
                egui::TextEdit::singleline(&mut r.reply)
                    .desired_width(160.0)
                    .code_editor(),
            )
            .labelled_by(l.id)
            .on_hover_text(format!(
                "Rule {n}: the answer; variables such as {{seq}} work"
            ));
            ui.checkbox(&mut r.reply_hex, "Hex");
            ui.checkbox(&mut r.escapes, "Esc");
            let l = ui.label("delay ms");
            let mut d = r.delay_ms.to_string();
            if ui
                .add(egui::TextEdit::singleline(&mut d).desired_width(50.0))
                .labelled_by(l.id)
                .changed()
            {
                r.delay_ms = d.trim().parse().unwrap_or(0).min(3_600_000);
            }
            ui.label(
                RichText::new(format!("fired {}", fired.get(i).copied().unwrap_or(0))).strong(),
            );
            if ui.small_button("Delete").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = remove {
        rules.rules.remove(i);
    }
    if rules.rules.is_empty() && !rules.echo {
        ui.label(RichText::new("No rules: add one, or turn on Echo.").weak());
    }
}
