//! Host and port text fields that are checked as you type (no DNS): a bad value shows
//! the reason in red right beside the field, and the caller disables its Start button.

use crate::net::addr;
use egui::{Color32, RichText, TextEdit, Ui};

/// Red used for every inline error.
pub const ERROR_RED: Color32 = Color32::from_rgb(0xe0, 0x40, 0x40);

/// Shows an inline error in red.
pub fn error_label(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).color(ERROR_RED));
}

/// A host field (`127.0.0.1`, `::1`, `localhost`). Empty is allowed when `allow_empty`.
/// Returns true when the value is acceptable.
pub fn host_field(
    ui: &mut Ui,
    label: &str,
    host: &mut String,
    allow_empty: bool,
    editable: bool,
) -> bool {
    let l = ui.label(label);
    ui.add(
        TextEdit::singleline(host)
            .desired_width(150.0)
            .interactive(editable)
            .hint_text(if allow_empty {
                "all interfaces"
            } else {
                "127.0.0.1"
            }),
    )
    .labelled_by(l.id);
    match addr::check_host(host, allow_empty) {
        Ok(()) => {
            if allow_empty {
                super::classroom::bind_reach_note(ui, host);
            }
            true
        }
        Err(e) => {
            error_label(ui, &e.0);
            false
        }
    }
}

/// A port field. Returns the port when it is acceptable; well-known ports get a hint.
pub fn port_field(
    ui: &mut Ui,
    label: &str,
    port: &mut String,
    allow_zero: bool,
    editable: bool,
) -> Option<u16> {
    let l = ui.label(label);
    ui.add(
        TextEdit::singleline(port)
            .desired_width(60.0)
            .interactive(editable)
            .hint_text("1–65535"),
    )
    .labelled_by(l.id);
    match addr::parse_port(port, allow_zero) {
        Ok(p) => {
            super::classroom::port_class_note(ui, p);
            Some(p)
        }
        Err(e) => {
            error_label(ui, &e.0);
            None
        }
    }
}

/// An optional local bind: empty (the OS picks), a port (`7890`) or `HOST:PORT`.
/// Returns true when acceptable.
pub fn optional_bind_field(ui: &mut Ui, label: &str, text: &mut String, editable: bool) -> bool {
    let l = ui.label(label);
    ui.add(
        TextEdit::singleline(text)
            .desired_width(110.0)
            .interactive(editable)
            .hint_text("OS picks"),
    )
    .labelled_by(l.id)
    .on_hover_text("Leave empty to let the operating system pick a free local port");
    let t = text.trim();
    if t.is_empty() {
        ui.label(RichText::new("(OS picks a port)").weak().small());
        return true;
    }
    let res = if t.chars().all(|c| c.is_ascii_digit()) {
        addr::parse_port(t, true)
    } else {
        addr::split_host_port(t).map(|(_, p)| p)
    };
    match res {
        Ok(p) => {
            super::classroom::port_class_note(ui, p);
            true
        }
        Err(e) => {
            error_label(ui, &e.0);
            false
        }
    }
}

/// A short note on what a bind host means.
pub fn bind_note(ui: &mut Ui) {
    ui.label(
        RichText::new(
            "0.0.0.0 = all interfaces (reachable from the network) · 127.0.0.1 = this machine only",
        )
        .weak(),
    );
}
