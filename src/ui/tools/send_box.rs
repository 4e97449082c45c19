//! The send box: a multi-line message (Enter sends, Shift+Enter adds a line), a Hex
//! toggle checked as you type, escape sequences, a line ending, and the last sends in a
//! history list. Text is encoded here, so an unencodable character shows before sending.
//! With Variables on, the message is a template (`{seq}`, `{time}`, `{unix_ms}`,
//! `{rand:N}`, `{hex:..}`) checked as you type; a checksum can be appended and its value
//! is shown before sending.

use crate::codec::{self, Checksum, Encoding, PayloadError, Template, TemplateCtx};
use crate::i18n::{Lang, loader};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// How many sent messages each tab remembers.
pub const HISTORY_MAX: usize = 50;

/// What goes after a text message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineEnding {
    #[default]
    None,
    Lf,
    CrLf,
}

impl LineEnding {
    pub const ALL: [LineEnding; 3] = [LineEnding::None, LineEnding::Lf, LineEnding::CrLf];

    pub fn label(self) -> &'static str {
        match self {
            LineEnding::None => "None",
            LineEnding::Lf => "LF (\\n)",
            LineEnding::CrLf => "CRLF (\\r\\n)",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            LineEnding::None => "",
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// One remembered send: the same form a saved payload holds.
pub type HistoryItem = PayloadForm;

/// Everything that turns typed text into bytes (the send box, a saved payload, auto-send).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayloadForm {
    pub text: String,
    pub hex: bool,
    pub escapes: bool,
    pub line_ending: LineEnding,
    /// The text is a template with variables.
    pub variables: bool,
    /// Appended after the data (before the line ending).
    pub checksum: Option<Checksum>,
}

impl PayloadForm {
    /// The bytes this stands for. With variables, `seq` is the `{seq}` value and advances
    /// by one. The error is typed and names the position of the problem; the window
    /// words it with [`crate::ui::common::payload_words::payload_error_text`].
    pub fn bytes(&self, enc: Encoding, seq: &mut u64) -> Result<Vec<u8>, PayloadError> {
        let mut bytes = self.data(enc, seq)?;
        if let Some(c) = self.checksum {
            c.append(&mut bytes);
        }
        let end = self.line_ending.text();
        if !self.hex && !end.is_empty() {
            bytes.extend(codec::encode(enc, end)?);
        }
        Ok(bytes)
    }

    /// The data before the checksum and line ending.
    pub fn data(&self, enc: Encoding, seq: &mut u64) -> Result<Vec<u8>, PayloadError> {
        if self.variables {
            let t = if self.hex {
                Template::parse_hex(&self.text)
            } else {
                Template::parse(&self.text)
            }?;
            let mut ctx = TemplateCtx::new(enc, self.escapes && !self.hex);
            ctx.seq = *seq;
            let b = t.render(&mut ctx)?;
            *seq = ctx.seq;
            return Ok(b);
        }
        if self.hex {
            return Ok(codec::parse_hex(&self.text)?);
        }
        if self.escapes {
            Ok(codec::parse_escapes(&self.text, enc)?)
        } else {
            Ok(codec::encode(enc, &self.text)?)
        }
    }
}

/// The send box of one tab (persisted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SendState {
    pub text: String,
    pub hex: bool,
    pub escapes: bool,
    pub line_ending: LineEnding,
    pub history: Vec<HistoryItem>,
    /// The message is a template (`{seq}`, `{time}`, …).
    pub variables: bool,
    pub checksum: Option<Checksum>,
    /// The next `{seq}` of this tab's sends (not saved: each run starts at 1).
    #[serde(skip)]
    pub seq: u64,
    /// Why the last Hex tick kept the message as it was, and the message then (the note
    /// shows while the message is unchanged).
    #[serde(skip)]
    pub hex_note: Option<(super::hex_toggle::HexNote, String)>,
}

impl SendState {
    /// The form of the current message.
    pub fn form(&self) -> PayloadForm {
        PayloadForm {
            text: self.text.clone(),
            hex: self.hex,
            escapes: self.escapes,
            line_ending: self.line_ending,
            variables: self.variables,
            checksum: self.checksum,
        }
    }

    /// Puts a saved or remembered form in the box.
    pub fn load(&mut self, f: &PayloadForm) {
        self.text = f.text.clone();
        self.hex = f.hex;
        self.escapes = f.escapes;
        self.line_ending = f.line_ending;
        self.variables = f.variables;
        self.checksum = f.checksum;
    }

    /// The `{seq}` the next send uses.
    pub fn next_seq(&self) -> u64 {
        self.seq.max(1)
    }

    /// The bytes the message stands for (a preview: `{seq}` does not advance).
    pub fn payload(&self, enc: Encoding) -> Result<Vec<u8>, PayloadError> {
        self.form().bytes(enc, &mut self.next_seq())
    }

    /// The bytes to send now: `{seq}` advances.
    pub fn take_payload(&mut self, enc: Encoding) -> Result<Vec<u8>, PayloadError> {
        let mut seq = self.next_seq();
        let b = self.form().bytes(enc, &mut seq)?;
        self.seq = seq;
        Ok(b)
    }

    /// Puts the current message at the top of the history.
    pub fn remember(&mut self) {
        let item = self.form();
        self.history.retain(|h| *h != item);
        self.history.insert(0, item);
        self.history.truncate(HISTORY_MAX);
    }
}

/// Shows the send box. `blocked` says why sending is not possible now (None: it is).
/// `force_send` is a send requested from elsewhere (Ctrl+Enter). `extra` adds controls (a
/// target picker) in a column between the message and Send. Returns the bytes to send
/// when the user sends.
pub fn show(
    ui: &mut Ui,
    st: &mut SendState,
    enc: Encoding,
    id_salt: &str,
    blocked: Option<&str>,
    force_send: bool,
    extra: Option<impl FnOnce(&mut Ui)>,
) -> Option<Vec<u8>> {
    let mut want_send = force_send;
    let lang = crate::ui::common::lang::lang(ui.ctx());
    let simple = crate::ui::common::layout::simple(ui.ctx());
    let compact = crate::ui::common::layout::compact(ui.ctx());
    let payload = st.payload(enc);
    let can_send = blocked.is_none() && payload.is_ok();
    // What the message is (its bytes, and what Enter does or why it cannot send).
    let status = payload.as_ref().ok().map(|p| {
        let why = blocked.map_or_else(|| fl!(loader(lang), "send-enter-sends"), str::to_string);
        format!("{} · {why}", describe(st, enc, p, lang))
    });
    ui.horizontal_wrapped(|ui| {
        options_row(ui, st, enc, id_salt, lang, simple);
        // Simple mode or a short tab: the status ends this row instead of taking one of
        // its own.
        if compact && let Some(t) = &status {
            crate::ui::common::layout::one_line_note(ui, RichText::new(t).weak());
        }
    });

    let te_id = ui.make_persistent_id(("send_text", id_salt));
    // Enter sends; Shift+Enter is left to the text field (a new line).
    if ui.memory(|m| m.has_focus(te_id))
        && ui.input_mut(|i| !i.modifiers.shift && i.consume_key(Modifiers::NONE, Key::Enter))
    {
        want_send = true;
    }
    let message = MessageRow {
        te_id,
        can_send,
        blocked,
        lang,
    };
    want_send |= ui
        .horizontal(|ui| message_row(ui, st, &message, extra))
        .inner;
    match (&payload, status) {
        (Err(e), _) => {
            let text = crate::ui::common::payload_words::payload_error_text(lang, e);
            crate::ui::common::address_field::error_label(ui, &text);
        }
        (Ok(_), Some(text)) if !compact => {
            ui.label(RichText::new(text).weak());
        }
        _ => {}
    }
    hex_note(ui, st, lang);
    if want_send && can_send {
        let out = st.take_payload(enc).ok();
        st.remember();
        out
    } else {
        None
    }
}

/// The row over the message: Hex, escapes and the line ending, variables, the checksum
/// and the history. `simple` (simple mode): Hex and the line ending, and each other
/// option only while it is on (so nothing that changes the bytes is hidden).
fn options_row(
    ui: &mut Ui,
    st: &mut SendState,
    enc: Encoding,
    id_salt: &str,
    lang: Lang,
    simple: bool,
) {
    let le_label = |le: LineEnding| match le {
        LineEnding::None => fl!(loader(lang), "send-le-none"),
        _ => le.label().to_string(),
    };
    // A label that does not fit moves to the next line whole, never split mid-word.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    ui.label(RichText::new(fl!(loader(lang), "send-outgoing")).strong());
    if ui
        .checkbox(&mut st.hex, fl!(loader(lang), "send-hex"))
        .on_hover_text(fl!(loader(lang), "send-hex-tip"))
        .changed()
    {
        // The message follows: its bytes as hex, or the hex back as text.
        let b = super::hex_toggle::BoxText {
            text: &mut st.text,
            hex: st.hex,
            escapes: st.escapes,
            variables: st.variables,
        };
        st.hex_note = super::hex_toggle::on_toggle(b, enc).map(|n| (n, st.text.clone()));
    }
    ui.add_enabled_ui(!st.hex, |ui| {
        if !simple || st.escapes {
            ui.checkbox(&mut st.escapes, fl!(loader(lang), "send-escapes"))
                .on_hover_text(fl!(loader(lang), "send-escapes-tip"));
        }
        let l = ui.label(fl!(loader(lang), "send-line-ending"));
        egui::ComboBox::from_id_salt(("line_ending", id_salt))
            .selected_text(le_label(st.line_ending))
            .show_ui(ui, |ui| {
                for le in LineEnding::ALL {
                    ui.selectable_value(&mut st.line_ending, le, le_label(le));
                }
            })
            .response
            .labelled_by(l.id);
    });
    if simple {
        if st.variables {
            ui.checkbox(&mut st.variables, fl!(loader(lang), "send-variables"));
        }
        if st.checksum.is_some() {
            checksum_box(ui, st, id_salt, lang);
        }
        return;
    }
    ui.checkbox(&mut st.variables, fl!(loader(lang), "send-variables"))
        .on_hover_text(fl!(loader(lang), "send-variables-tip"));
    checksum_box(ui, st, id_salt, lang);
    // History is the row's last item, so disabling the rest of the row disables just it;
    // in a sub-scope the label and the box would wrap inside it and overflow the panel.
    if st.history.is_empty() {
        ui.disable();
    }
    if let Some(h) = history_box(ui, st, id_salt, lang) {
        st.load(&h);
    }
}

/// Why the last Hex tick kept the message, while the message is as it left it.
fn hex_note(ui: &mut Ui, st: &mut SendState, lang: Lang) {
    if st.hex_note.as_ref().is_some_and(|(_, t)| *t != st.text) {
        st.hex_note = None;
    }
    if let Some((n, _)) = &st.hex_note {
        let text = super::hex_toggle::note_text(lang, n);
        let color = ui.visuals().warn_fg_color;
        ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
    }
}

/// The checksum appended to each message (none, or one of [`Checksum::ALL`]).
fn checksum_box(ui: &mut Ui, st: &mut SendState, id_salt: &str, lang: Lang) {
    let l = ui.label(fl!(loader(lang), "send-checksum"));
    egui::ComboBox::from_id_salt(("checksum", id_salt))
        .selected_text(
            st.checksum
                .map_or(fl!(loader(lang), "send-checksum-none"), |c| {
                    c.name().to_string()
                }),
        )
        .show_ui(ui, |ui| {
            ui.selectable_value(
                &mut st.checksum,
                None,
                fl!(loader(lang), "send-checksum-none"),
            );
            for c in Checksum::ALL {
                ui.selectable_value(&mut st.checksum, Some(c), c.name())
                    .on_hover_text(checksum_tip(lang, c));
            }
        })
        .response
        .labelled_by(l.id)
        .on_hover_text(fl!(loader(lang), "send-checksum-tip"));
}

/// The last sends, each cut to 60 characters; the one picked.
fn history_box(ui: &mut Ui, st: &SendState, id_salt: &str, lang: Lang) -> Option<HistoryItem> {
    let mut picked: Option<HistoryItem> = None;
    let l = ui.label(fl!(loader(lang), "send-history"));
    egui::ComboBox::from_id_salt(("history", id_salt))
        .selected_text(fl!(
            loader(lang),
            "send-history-count",
            n = st.history.len()
        ))
        .width(90.0)
        .show_ui(ui, |ui| {
            for h in &st.history {
                let mut label: String = h
                    .text
                    .chars()
                    .take(60)
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                if h.text.chars().count() > 60 {
                    label.push('…');
                }
                if h.hex {
                    label = format!("[hex] {label}");
                }
                if ui.selectable_label(false, label).clicked() {
                    picked = Some(h.clone());
                }
            }
        })
        .response
        .labelled_by(l.id);
    picked
}

/// What the message row needs to know besides the message.
struct MessageRow<'a> {
    /// The text field's id (Enter sends while it has the focus).
    te_id: egui::Id,
    can_send: bool,
    blocked: Option<&'a str>,
    lang: Lang,
}

/// The message, the caller's extra column and Send; whether Send was clicked.
fn message_row(
    ui: &mut Ui,
    st: &mut SendState,
    m: &MessageRow<'_>,
    extra: Option<impl FnOnce(&mut Ui)>,
) -> bool {
    let lang = m.lang;
    let mut clicked = false;
    let l = ui.label(fl!(loader(lang), "send-message"));
    // The Send button first, from the right, so it is never clipped; the text field
    // takes what is left.
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        let b = ui.add_enabled(
            m.can_send,
            egui::Button::new(fl!(loader(lang), "send-send"))
                .wrap_mode(egui::TextWrapMode::Extend)
                .min_size(egui::vec2(78.0, 40.0)),
        );
        if b.clicked() {
            clicked = true;
        }
        if let Some(why) = m.blocked {
            b.on_disabled_hover_text(why);
        }
        if let Some(extra) = extra {
            let size = egui::vec2(170.0, 44.0);
            ui.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                extra(ui);
            });
        }
        // Two lines on a short window, three otherwise.
        let rows = if ui.ctx().content_rect().height() < 700.0 {
            2
        } else {
            3
        };
        ui.add(
            TextEdit::multiline(&mut st.text)
                .id(m.te_id)
                .desired_rows(rows)
                .desired_width(ui.available_width().max(80.0))
                .code_editor()
                .return_key(KeyboardShortcut::new(Modifiers::SHIFT, Key::Enter))
                .hint_text(if st.hex {
                    fl!(loader(lang), "send-hint-hex")
                } else {
                    fl!(loader(lang), "send-hint-text")
                }),
        )
        .labelled_by(l.id);
    });
    clicked
}

/// What a checksum appends, in `lang` (the engine's [`Checksum::description`] in English).
fn checksum_tip(lang: Lang, c: Checksum) -> String {
    match c {
        Checksum::Sum8 => fl!(loader(lang), "cksum-sum8"),
        Checksum::Xor8 => fl!(loader(lang), "cksum-xor8"),
        Checksum::Crc16Modbus => fl!(loader(lang), "cksum-crc16-modbus"),
        Checksum::Crc16Ccitt => fl!(loader(lang), "cksum-crc16-ccitt"),
        Checksum::Crc32 => fl!(loader(lang), "cksum-crc32"),
    }
}

/// "8 bytes (CRC-16/MODBUS = C5 CD)" for the preview line.
fn describe(st: &SendState, enc: Encoding, bytes: &[u8], lang: Lang) -> String {
    let mut s = fl!(loader(lang), "send-bytes", n = bytes.len());
    if let Some(c) = st.checksum {
        // The checksum sits before the line ending (text mode only).
        let end = if st.hex {
            0
        } else {
            codec::encode(enc, st.line_ending.text()).map_or(0, |e| e.len())
        };
        let stop = bytes.len().saturating_sub(end);
        let start = stop.saturating_sub(c.width());
        if let Some(sum) = bytes.get(start..stop) {
            s.push_str(&format!(" ({} = {})", c.name(), codec::to_hex_spaced(sum)));
        }
    }
    if st.variables {
        let next = st.next_seq().to_string();
        let text = fl!(loader(lang), "send-next-seq", n = next.as_str());
        s.push_str(&format!(" · {text}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_tips_match_the_engine_in_english() {
        for c in Checksum::ALL {
            assert_eq!(checksum_tip(Lang::En, c), c.description());
        }
    }
}
