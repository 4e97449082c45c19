//! The send box: a multi-line message (Enter sends, Shift+Enter adds a line), a Hex
//! toggle checked as you type, escape sequences, a line ending, and the last sends in a
//! history list. Text is encoded here, so an unencodable character shows before sending.

use crate::codec::{self, Encoding};
use egui::{Key, KeyboardShortcut, Modifiers, RichText, TextEdit, Ui};
use serde::{Deserialize, Serialize};

/// How many sent messages each tab remembers.
pub const HISTORY_MAX: usize = 20;

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

/// One remembered send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryItem {
    pub text: String,
    pub hex: bool,
    pub escapes: bool,
    pub line_ending: LineEnding,
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
}

impl SendState {
    /// The bytes the message stands for, or what is wrong with it.
    pub fn payload(&self, enc: Encoding) -> Result<Vec<u8>, String> {
        if self.hex {
            return codec::parse_hex(&self.text).map_err(|e| format!("hex: {e}"));
        }
        let mut bytes = if self.escapes {
            codec::parse_escapes(&self.text, enc).map_err(|e| e.to_string())?
        } else {
            codec::encode(enc, &self.text).map_err(|e| e.to_string())?
        };
        let end = self.line_ending.text();
        if !end.is_empty() {
            bytes.extend(codec::encode(enc, end).map_err(|e| e.to_string())?);
        }
        Ok(bytes)
    }

    /// Puts the current message at the top of the history.
    pub fn remember(&mut self) {
        let item = HistoryItem {
            text: self.text.clone(),
            hex: self.hex,
            escapes: self.escapes,
            line_ending: self.line_ending,
        };
        self.history.retain(|h| *h != item);
        self.history.insert(0, item);
        self.history.truncate(HISTORY_MAX);
    }
}

/// Shows the send box. `blocked` says why sending is not possible now (None: it is).
/// `force_send` is a send requested from elsewhere (Ctrl+Enter). `extra` adds controls to
/// the options row (such as the target). Returns the bytes to send when the user sends.
pub fn show(
    ui: &mut Ui,
    st: &mut SendState,
    enc: Encoding,
    id_salt: &str,
    blocked: Option<&str>,
    force_send: bool,
    extra: impl FnOnce(&mut Ui),
) -> Option<Vec<u8>> {
    let mut want_send = force_send;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Outgoing").strong());
        ui.checkbox(&mut st.hex, "Hex")
            .on_hover_text("Type bytes as hex, such as 48 65 6c 6c 6f or 0x48,0x65");
        ui.add_enabled_ui(!st.hex, |ui| {
            ui.checkbox(&mut st.escapes, "Escapes")
                .on_hover_text("Understand \\r \\n \\t \\\\ \\0 and \\xNN (a raw byte)");
            let l = ui.label("Line ending");
            egui::ComboBox::from_id_salt(("line_ending", id_salt))
                .selected_text(st.line_ending.label())
                .show_ui(ui, |ui| {
                    for le in LineEnding::ALL {
                        ui.selectable_value(&mut st.line_ending, le, le.label());
                    }
                })
                .response
                .labelled_by(l.id);
        });
        let mut picked: Option<HistoryItem> = None;
        ui.add_enabled_ui(!st.history.is_empty(), |ui| {
            let l = ui.label("History");
            egui::ComboBox::from_id_salt(("history", id_salt))
                .selected_text(format!("{} sent", st.history.len()))
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
        });
        if let Some(h) = picked {
            st.text = h.text;
            st.hex = h.hex;
            st.escapes = h.escapes;
            st.line_ending = h.line_ending;
        }
        extra(ui);
    });

    let payload = st.payload(enc);
    let can_send = blocked.is_none() && payload.is_ok();

    let te_id = ui.make_persistent_id(("send_text", id_salt));
    // Enter sends; Shift+Enter is left to the text field (a new line).
    if ui.memory(|m| m.has_focus(te_id))
        && ui.input_mut(|i| !i.modifiers.shift && i.consume_key(Modifiers::NONE, Key::Enter))
    {
        want_send = true;
    }
    ui.horizontal(|ui| {
        let button_w = 90.0;
        let l = ui.label("Message");
        ui.add(
            TextEdit::multiline(&mut st.text)
                .id(te_id)
                .desired_rows(3)
                .desired_width((ui.available_width() - button_w).max(120.0))
                .code_editor()
                .return_key(KeyboardShortcut::new(Modifiers::SHIFT, Key::Enter))
                .hint_text(if st.hex {
                    "hex bytes, e.g. 48 65 6c 6c 6f"
                } else {
                    "type a message — Enter sends, Shift+Enter adds a line"
                }),
        )
        .labelled_by(l.id);
        let b = ui.add_enabled(
            can_send,
            egui::Button::new("Send").min_size(egui::vec2(button_w - 12.0, 40.0)),
        );
        if b.clicked() {
            want_send = true;
        }
        if let Some(why) = blocked {
            b.on_disabled_hover_text(why);
        }
    });
    match (&payload, blocked) {
        (Err(e), _) => {
            super::address_field::error_label(ui, e);
        }
        (Ok(p), Some(why)) => {
            ui.label(RichText::new(format!("{} bytes · {why}", p.len())).weak());
        }
        (Ok(p), None) => {
            ui.label(
                RichText::new(format!("{} bytes · Enter or Ctrl+Enter sends", p.len())).weak(),
            );
        }
    }
    if want_send && can_send {
        st.remember();
        payload.ok()
    } else {
        None
    }
}
