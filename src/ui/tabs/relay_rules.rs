//! The Relay tab's "Rewrite and Intercept" section: the rewrite rules (each with its
//! direction, what it matches, and a replacement or a patch at an offset; a bad one is
//! said under its row, in the window's language, and the relay does not start with it),
//! Intercept's switch per direction and its timeout, and the queue of held messages, each
//! of which can be edited (text with escapes, or hex), forwarded or dropped. A running
//! relay takes every change at once (`Command::SetRewrites`, `Command::Intercept`).

use super::relay_rules_form::{HeldEdit, MAX_TIMEOUT_S, RowError, RuleRow, error_text};
use super::tab::SessionPanel;
use crate::auto::rules::Matcher;
use crate::i18n::{Lang, loader};
use crate::net::Command;
use crate::net::relay::intercept::HeldView;
use crate::net::relay::{
    CheckedRewrites, Dir, InterceptCommand, RewriteAction, RewriteRule, Verdict,
};
use crate::ui::tools::rules_panel::kind_name;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The most of the tab's height the rules take, and the held messages.
const RULES_SHARE: f32 = 0.3;
const QUEUE_SHARE: f32 = 0.3;
/// Held messages listed at once (the rest wait their turn, counted).
const SHOWN: usize = 8;

/// True when every rule can be used (the relay starts only then).
pub fn valid(p: &mut SessionPanel) -> bool {
    checked(p).is_ok()
}

/// The rules checked, kept while they are unchanged (a regex is compiled once, not at
/// every frame).
fn checked(p: &mut SessionPanel) -> Result<CheckedRewrites, RowError> {
    let form = &p.settings.relay.rewrite;
    match &p.relay_rules.checked {
        Some((rules, result)) if *rules == form.rules => result.clone(),
        _ => {
            let result = form.check();
            p.relay_rules.checked = Some((form.rules.clone(), result.clone()));
            result
        }
    }
}

/// The section, the held messages, and the live hand-over to a running relay.
pub fn show(ui: &mut Ui, p: &mut SessionPanel, tab_h: f32) {
    let lang = p.lang;
    let l = loader(lang);
    let open = p.settings.relay.rewrite.open;
    let header = egui::CollapsingHeader::new(fl!(l, "relay-rw-title"))
        .id_salt("relay-rewrite")
        .open(Some(open))
        .show(ui, |ui| {
            ui.label(RichText::new(fl!(l, "relay-rw-tip")).weak().small());
            intercept_row(ui, p);
            ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
            egui::ScrollArea::vertical()
                .id_salt("relay-rw-scroll")
                .max_height(super::relay_faults::section_height(ui, tab_h, RULES_SHARE))
                .show(ui, |ui| rules(ui, p));
        });
    if header.header_response.clicked() {
        p.settings.relay.rewrite.open = !open;
    }
    queue(ui, p, tab_h);
    apply_live(p);
}

fn intercept_row(ui: &mut Ui, p: &mut SessionPanel) {
    let l = loader(p.lang);
    let f = &mut p.settings.relay.rewrite;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(fl!(l, "relay-ic-label")).strong());
        ui.checkbox(&mut f.intercept_up, fl!(l, "relay-dir-up"));
        ui.checkbox(&mut f.intercept_down, fl!(l, "relay-dir-down"));
        let t = ui.label(fl!(l, "relay-ic-timeout"));
        ui.add(
            egui::DragValue::new(&mut f.timeout_s)
                .range(1..=MAX_TIMEOUT_S)
                .update_while_editing(false),
        )
        .labelled_by(t.id);
    });
}

/// The rules, one row each, with the first bad one's reason under it.
fn rules(ui: &mut Ui, p: &mut SessionPanel) {
    let lang = p.lang;
    let l = loader(lang);
    let bad = checked(p).err();
    let f = &mut p.settings.relay.rewrite;
    if f.rules.is_empty() {
        ui.label(RichText::new(fl!(l, "relay-rw-none")).weak());
    }
    let mut remove = None;
    // Numbered within their direction, as the log and the command line number them
    // ("client → server rule 2" is the second rule going up).
    let mut per_dir = [0usize; 2];
    for (i, row) in f.rules.iter_mut().enumerate() {
        per_dir[row.dir.index()] += 1;
        if rule_row(ui, lang, (i, per_dir[row.dir.index()]), row) {
            remove = Some(i);
        }
        if let Some(e) = bad.as_ref().filter(|e| e.row == i) {
            ui.colored_label(ui.visuals().error_fg_color, error_text(lang, e));
        }
    }
    if let Some(i) = remove {
        f.rules.remove(i);
    }
    if ui.button(fl!(l, "relay-rw-add")).clicked() {
        // A new rule starts off: a running relay would apply it half-typed (an empty
        // replacement deletes what it matches). Its switch turns it on when it is ready.
        let mut rule = RewriteRule::replace(Matcher::Contains(String::new()), "");
        rule.enabled = false;
        f.rules.push(RuleRow { dir: Dir::Up, rule });
    }
}

/// One rule's fields (`i`: its row; `n`: its number within its direction); true when
/// its Remove was clicked.
fn rule_row(ui: &mut Ui, lang: Lang, (i, n): (usize, usize), row: &mut RuleRow) -> bool {
    let l = loader(lang);
    let id = |what: &str| egui::Id::unique(("relay-rw", what, i));
    ui.horizontal_wrapped(|ui| {
        let r = &mut row.rule;
        ui.checkbox(&mut r.enabled, fl!(l, "relay-rw-rule", n = n));
        let dir_label = |d: Dir| match d {
            Dir::Up => fl!(l, "relay-dir-up"),
            Dir::Down => fl!(l, "relay-dir-down"),
        };
        let way = ui.label(fl!(l, "relay-rw-dir"));
        egui::ComboBox::from_id_salt(id("dir"))
            .selected_text(dir_label(row.dir))
            .show_ui(ui, |ui| {
                for d in [Dir::Up, Dir::Down] {
                    ui.selectable_value(&mut row.dir, d, dir_label(d));
                }
            })
            .response
            .labelled_by(way.id);
        let w = ui.label(fl!(l, "relay-rw-when"));
        let mut kind = r.matcher.kind_index();
        egui::ComboBox::from_id_salt(id("kind"))
            .width(110.0)
            .selected_text(kind_name(lang, kind))
            .show_ui(ui, |ui| {
                for k in 0..Matcher::KINDS.len() {
                    ui.selectable_value(&mut kind, k, kind_name(lang, k));
                }
            })
            .response
            .labelled_by(w.id);
        let mut value = r.matcher.value().to_string();
        if kind != 6 {
            let m = ui.label(fl!(l, "relay-rw-match"));
            ui.add(
                egui::TextEdit::singleline(&mut value)
                    .id(id("match"))
                    .desired_width(110.0)
                    .code_editor(),
            )
            .labelled_by(m.id);
        }
        if kind != r.matcher.kind_index() || value != r.matcher.value() {
            r.matcher = Matcher::from_kind(kind, value);
        }
        action(ui, lang, i, &mut r.action);
        ui.button(fl!(l, "relay-rw-remove")).clicked()
    })
    .inner
}

/// Replace with a template, or patch hex bytes at an offset.
fn action(ui: &mut Ui, lang: Lang, i: usize, a: &mut RewriteAction) {
    let l = loader(lang);
    let id = |what: &str| egui::Id::unique(("relay-rw", what, i));
    let mut patch = matches!(a, RewriteAction::Patch { .. });
    let then = ui.label(fl!(l, "relay-rw-then"));
    egui::ComboBox::from_id_salt(id("action"))
        .selected_text(if patch {
            fl!(l, "relay-rw-action-patch")
        } else {
            fl!(l, "relay-rw-action-replace")
        })
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut patch, false, fl!(l, "relay-rw-action-replace"));
            ui.selectable_value(&mut patch, true, fl!(l, "relay-rw-action-patch"));
        })
        .response
        .labelled_by(then.id);
    match (patch, &*a) {
        (true, RewriteAction::Replace { .. }) => {
            *a = RewriteAction::Patch {
                offset: 0,
                hex: String::new(),
            }
        }
        (false, RewriteAction::Patch { .. }) => {
            *a = RewriteAction::Replace {
                with: String::new(),
            }
        }
        _ => {}
    }
    match a {
        RewriteAction::Replace { with } => {
            let w = ui.label(fl!(l, "relay-rw-replace"));
            ui.add(
                egui::TextEdit::singleline(with)
                    .id(id("with"))
                    .desired_width(120.0)
                    .code_editor(),
            )
            .labelled_by(w.id)
            .on_hover_text(fl!(l, "relay-rw-with-tip"));
        }
        RewriteAction::Patch { offset, hex } => {
            let o = ui.label(fl!(l, "relay-rw-offset"));
            ui.add(egui::DragValue::new(offset).range(0..=u16::MAX as usize))
                .labelled_by(o.id);
            let h = ui.label(fl!(l, "relay-rw-hex"));
            ui.add(
                egui::TextEdit::singleline(hex)
                    .id(id("hex"))
                    .desired_width(110.0)
                    .code_editor(),
            )
            .labelled_by(h.id);
        }
    }
}

/// The held messages, oldest first: each one's editor and Forward / Edit / Drop.
fn queue(ui: &mut Ui, p: &mut SessionPanel, tab_h: f32) {
    let held = {
        let shared = p.runtime().shared();
        let v = crate::session::lock(&shared);
        v.status.relay_held.items.clone()
    };
    let running = p.is_running();
    let live = &mut p.relay_rules;
    live.edits.retain(|id, _| held.iter().any(|h| h.id == *id));
    if held.is_empty() || !running {
        return;
    }
    let lang = p.lang;
    let l = loader(lang);
    let timeout = p.settings.relay.rewrite.intercept().timeout;
    // The seconds left count down.
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_millis(500));
    let mut verdicts = Vec::new();
    ui.separator();
    ui.horizontal(|ui| {
        let n = held.len();
        ui.label(RichText::new(fl!(l, "relay-ic-queue", n = n)).strong());
        if ui.button(fl!(l, "relay-ic-forward-all")).clicked() {
            verdicts.extend(held.iter().map(|h| (h.id, Verdict::Forward)));
        }
    });
    egui::ScrollArea::vertical()
        .id_salt("relay-ic-scroll")
        .max_height(super::relay_faults::section_height(ui, tab_h, QUEUE_SHARE))
        .show(ui, |ui| {
            for h in held.iter().take(SHOWN) {
                let edit = live
                    .edits
                    .entry(h.id)
                    .or_insert_with(|| editor(&h.bytes, false));
                if let Some(v) = held_row(ui, lang, h, edit, timeout) {
                    verdicts.push((h.id, v));
                }
            }
            if held.len() > SHOWN {
                let n = held.len() - SHOWN;
                ui.label(RichText::new(fl!(l, "relay-ic-more", n = n)).weak());
            }
        });
    for (id, verdict) in verdicts {
        p.send_command(Command::Intercept(Box::new(InterceptCommand::Decide {
            id,
            verdict,
        })));
    }
}

/// A message's bytes as its editor shows them: hex, or text with escapes.
fn editor(bytes: &[u8], hex: bool) -> HeldEdit {
    let text = if hex {
        crate::codec::to_hex_spaced(bytes)
    } else {
        let mut s = String::new();
        for chunk in bytes.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '\\' => s.push_str("\\\\"),
                    '\r' => s.push_str("\\r"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                    c => s.push(c),
                }
            }
            for b in chunk.invalid() {
                s.push_str(&format!("\\x{b:02x}"));
            }
        }
        s
    };
    HeldEdit {
        text,
        hex,
        error: None,
    }
}

/// The editor's bytes, or what is wrong with them (in `lang`).
fn edited(lang: Lang, e: &HeldEdit) -> Result<Vec<u8>, String> {
    use crate::ui::common::payload_words::{escape_error_text, hex_error_text};
    if e.hex {
        crate::codec::parse_hex(&e.text).map_err(|x| hex_error_text(lang, &x))
    } else {
        crate::codec::parse_escapes(&e.text, crate::codec::Encoding::UTF_8)
            .map_err(|x| escape_error_text(lang, &x))
    }
}

/// One held message; the verdict clicked, if any.
fn held_row(
    ui: &mut Ui,
    lang: Lang,
    h: &HeldView,
    edit: &mut HeldEdit,
    timeout: std::time::Duration,
) -> Option<Verdict> {
    let l = loader(lang);
    let age = (crate::net::now_us() - h.ts_us).max(0) as u64 / 1_000_000;
    let left = timeout.as_secs().saturating_sub(age);
    let arrow = crate::i18n_relay::arrow(lang, h.dir);
    let pair = h.pair.map(|p| p.to_string()).unwrap_or_default();
    let head = fl!(
        l,
        "relay-ic-row",
        id = h.id.to_string(),
        pair = pair,
        arrow = arrow,
        len = h.bytes.len().to_string(),
        left = left.to_string()
    );
    let mut out = None;
    let mut refused = false;
    // One row a message, so a 1024×600 window keeps room for the log.
    ui.horizontal_wrapped(|ui| {
        ui.label(head);
        let m = ui.label(fl!(l, "relay-ic-edit-label"));
        ui.add(
            egui::TextEdit::singleline(&mut edit.text)
                .id(egui::Id::unique(("relay-ic-edit", h.id)))
                .desired_width(220.0)
                .code_editor(),
        )
        .labelled_by(m.id);
        let mut hex = edit.hex;
        if ui.checkbox(&mut hex, fl!(l, "relay-ic-hex")).changed() {
            // The same bytes shown the other way (what was typed, if it parses).
            let bytes = edited(lang, edit).unwrap_or_else(|_| h.bytes.clone());
            *edit = editor(&bytes, hex);
        }
        if ui.button(fl!(l, "relay-ic-forward")).clicked() {
            out = Some(Verdict::Forward);
        }
        if ui.button(fl!(l, "relay-ic-send-edit")).clicked() {
            match edited(lang, edit) {
                Ok(b) => out = Some(Verdict::Edit(b)),
                Err(e) => {
                    edit.error = Some(e);
                    refused = true;
                }
            }
        }
        if ui.button(fl!(l, "relay-ic-drop")).clicked() {
            out = Some(Verdict::Drop);
        }
    });
    if let Some(e) = &edit.error {
        let r = ui.colored_label(ui.visuals().error_fg_color, e);
        if refused {
            // On a short tab the queue sits low in the settings' scroll area: the reason
            // is brought into sight, not left under its edge.
            r.scroll_to_me(None);
        }
    }
    out
}

/// A running relay takes the rules (when they can all be used) and the switches as they
/// are edited; a stopped one forgets what it was given.
fn apply_live(p: &mut SessionPanel) {
    if !p.is_running() {
        p.relay_rules.rules = None;
        p.relay_rules.intercept = None;
        return;
    }
    let form = &p.settings.relay.rewrite;
    let (rules, intercept) = (form.rewrites(), form.intercept());
    let checked = checked(p).ok();
    let live = &mut p.relay_rules;
    let (send_rules, send_intercept) = match (&live.rules, &live.intercept) {
        // Started with the fields as they were.
        (None, _) | (_, None) => {
            live.rules = Some(rules);
            live.intercept = Some(intercept);
            return;
        }
        (Some(r), Some(i)) => (*r != rules && checked.is_some(), *i != intercept),
    };
    if send_rules && let Some(c) = checked {
        live.rules = Some(rules);
        p.send_command(Command::SetRewrites(Box::new(c)));
    }
    if send_intercept {
        p.relay_rules.intercept = Some(intercept);
        p.send_command(Command::Intercept(Box::new(InterceptCommand::Set(
            intercept,
        ))));
    }
}
