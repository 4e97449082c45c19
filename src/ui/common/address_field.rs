//! Host and port text fields that are checked as you type (no DNS): a bad value shows
//! the reason in red right below the field, and the caller disables its Start button.

use super::lang::ui_loader;
use crate::i18n::{Lang, loader};
use crate::net::addr;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;

pub use super::style::{ERROR_RED, error_label};

/// An address problem in `lang`, from its type (the parser's English is never read back).
pub fn addr_error_text(lang: Lang, e: &addr::AddrError) -> String {
    use addr::AddrProblem::*;
    let l = loader(lang);
    match &e.1 {
        PortEmpty => fl!(l, "addr-port-empty"),
        PortNotNumber(v) => fl!(l, "addr-port-not-number", value = v.as_str()),
        PortZero => fl!(l, "addr-port-zero"),
        PortRange(v) => fl!(l, "addr-port-range", value = v.as_str()),
        HostEmpty => fl!(l, "addr-host-empty"),
        BadIpv6(v) => fl!(l, "addr-bad-ipv6", value = v.as_str()),
        HostTooLong => fl!(l, "addr-host-too-long"),
        BadIpv4(v) => fl!(l, "addr-bad-ipv4", value = v.as_str()),
        BadHostName(v) => fl!(l, "addr-bad-name", value = v.as_str()),
        BadHostChar(c) => fl!(l, "addr-bad-char", ch = c.escape_debug().to_string()),
        HostPortEmpty => fl!(l, "addr-hostport-empty"),
        MissingBracket => fl!(l, "addr-missing-bracket"),
        MissingPortAfterV6(h) => fl!(l, "addr-missing-port-v6", host = h.as_str()),
        NoPort(v) => fl!(l, "addr-no-port", value = v.as_str()),
        V6NeedsBrackets => fl!(l, "addr-v6-brackets"),
        HostNotFound(h) => fl!(l, "addr-not-found", host = h.as_str()),
        HostNoAddress(h) => fl!(l, "addr-no-address", host = h.as_str()),
        UnixEmpty => fl!(l, "addr-unix-empty"),
        UnixTooLong(n, max) => fl!(
            l,
            "addr-unix-too-long",
            len = n.to_string(),
            max = max.to_string()
        ),
        UnixNul => fl!(l, "addr-unix-nul"),
        UnixAbstractEmpty => fl!(l, "addr-unix-abstract-empty"),
        UnixAbstractNotHere => fl!(l, "addr-unix-abstract-not-here"),
        UnixNotAvailable => fl!(l, "addr-unix-not-available"),
        UrlInHost(s) => fl!(l, "addr-url-in-host", scheme = s.as_str()),
    }
}

/// Shows an address problem in red, in the frame's language.
fn addr_error(ui: &mut Ui, e: &addr::AddrError) {
    let text = addr_error_text(super::lang::lang(ui.ctx()), e);
    error_label(ui, &text);
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
    let hint = if allow_empty {
        fl!(ui_loader(ui), "field-all-interfaces")
    } else {
        "127.0.0.1".to_string()
    };
    field_cell(
        ui,
        host,
        |ui, host| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(host)
                    .desired_width(150.0)
                    .interactive(editable)
                    .hint_text(hint),
            )
            .labelled_by(l.id);
        },
        |ui, host| match check_host_or_unix(host, allow_empty) {
            Ok(true) => {
                unix_note(ui);
                true
            }
            Ok(false) => {
                if allow_empty {
                    bind_reach_note(ui, host);
                }
                true
            }
            Err(e) => {
                addr_error(ui, &e);
                false
            }
        },
    )
}

/// A host field's value: a unix socket address (`unix:/path`, `unix:@name`: Ok(true), the
/// port is then not used) or a host (Ok(false)).
pub fn check_host_or_unix(host: &str, allow_empty: bool) -> Result<bool, addr::AddrError> {
    match addr::unix(host) {
        Some(r) => r.map(|_| true),
        None => addr::check_host(host, allow_empty).map(|()| false),
    }
}

/// Under a unix socket address: what it is, and that the port is not used.
fn unix_note(ui: &mut Ui) {
    ui.label(
        RichText::new(fl!(ui_loader(ui), "field-unix-note"))
            .weak()
            .small(),
    );
}

/// A field as a cell: its label and input on one row, and its note or error *below* it,
/// wrapped to the row's width, so an error never pushes the next field aside.
fn field_cell<R>(
    ui: &mut Ui,
    value: &mut String,
    row: impl FnOnce(&mut Ui, &mut String),
    note: impl FnOnce(&mut Ui, &str) -> R,
) -> R {
    ui.vertical(|ui| {
        let w = ui.horizontal(|ui| row(ui, value)).response.rect.width();
        ui.set_max_width(w.max(120.0));
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
        ui.spacing_mut().item_spacing.y = 0.0;
        note(ui, value)
    })
    .inner
}

/// A port field. Returns the port when it is acceptable;
/// well-known ports get a hint.
pub fn port_field(
    ui: &mut Ui,
    label: &str,
    port: &mut String,
    allow_zero: bool,
    editable: bool,
) -> Option<u16> {
    field_cell(
        ui,
        port,
        |ui, port| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(port)
                    .desired_width(60.0)
                    .interactive(editable)
                    .hint_text("1–65535"),
            )
            .labelled_by(l.id);
        },
        |ui, port| match addr::parse_port(port, allow_zero) {
            Ok(p) => {
                port_class_note(ui, p);
                Some(p)
            }
            Err(e) => {
                addr_error(ui, &e);
                None
            }
        },
    )
}

/// A bind or listen that failed on the port a local port field holds, worded in the UI's
/// language (the reason, who holds the port, a free port), and the free port to offer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortFailure {
    pub text: String,
    pub free: Option<u16>,
}

/// The port a server or receiver binds: checked as you type, with a warning for the
/// well-known ports 0–1023 (in the lesson's words) before Start, and under it the last
/// bind or listen failure on this port with a button that puts the free port in the field.
/// Returns the port when it is acceptable.
pub fn local_port_field(
    ui: &mut Ui,
    label: &str,
    port: &mut String,
    editable: bool,
    failure: Option<&PortFailure>,
) -> Option<u16> {
    let (ok, take) = field_cell(
        ui,
        port,
        |ui, port| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(port)
                    .desired_width(60.0)
                    .interactive(editable)
                    .hint_text("0–65535"),
            )
            .labelled_by(l.id);
        },
        |ui, port| {
            let ok = match addr::parse_port(port, true) {
                Ok(p) if (1..1024).contains(&p) => {
                    well_known_warning(ui);
                    Some(p)
                }
                Ok(p) => {
                    port_class_note(ui, p);
                    Some(p)
                }
                Err(e) => {
                    addr_error(ui, &e);
                    None
                }
            };
            (ok, failure_words(ui, failure, editable))
        },
    );
    match take {
        Some(free) => {
            // Said to the app, which moves a client tab that pointed at the old port.
            if let Ok(old) = addr::parse_port(port, true) {
                ui.ctx()
                    .data_mut(|d| d.insert_temp(egui::Id::unique(PORT_MOVED), (old, free)));
            }
            *port = free.to_string();
            Some(free)
        }
        None => ok,
    }
}

/// Where a "Use port N" click leaves `(old port, new port)` for the app for one frame.
pub const PORT_MOVED: &str = "port-moved";

/// The `(old, new)` port a "Use port N" click moved a listening field to in this frame.
pub fn take_port_moved(ctx: &egui::Context) -> Option<(u16, u16)> {
    ctx.data_mut(|d| d.remove_temp::<(u16, u16)>(egui::Id::unique(PORT_MOVED)))
}

/// Ports 1–1023 on a local field: the lesson says programs should not use them.
fn well_known_warning(ui: &mut Ui) {
    let lang = super::lang::lang(ui.ctx());
    let l = loader(lang);
    ui.label(RichText::new(fl!(l, "port-well-known-warning")).color(super::style::NOTE_AMBER))
        .on_hover_text(fl!(l, "port-well-known-tip"));
}

/// An optional local bind: empty (the OS picks), a port (`7890`) or `HOST:PORT`.
/// Returns true when acceptable.
pub fn optional_bind_field(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    editable: bool,
    failure: Option<&PortFailure>,
) -> bool {
    let hint = fl!(ui_loader(ui), "field-os-picks");
    let tip = fl!(ui_loader(ui), "field-os-picks-tip");
    let (ok, take) = field_cell(
        ui,
        text,
        |ui, text| {
            let l = ui.label(label);
            ui.add(
                TextEdit::singleline(text)
                    .desired_width(110.0)
                    .interactive(editable)
                    .hint_text(hint),
            )
            .labelled_by(l.id)
            .on_hover_text(tip);
        },
        |ui, text| {
            let v = text.trim();
            if v.is_empty() {
                ui.label(
                    RichText::new(fl!(ui_loader(ui), "field-os-picks-note"))
                        .weak()
                        .small(),
                );
                return (true, None);
            }
            if let Some(r) = addr::unix(v) {
                let ok = match r {
                    Ok(_) => {
                        unix_note(ui);
                        true
                    }
                    Err(e) => {
                        addr_error(ui, &e);
                        false
                    }
                };
                return (ok, failure_words(ui, failure, editable));
            }
            let ok = match bind_port(v) {
                Ok(p) => {
                    if (1..1024).contains(&p) {
                        well_known_warning(ui);
                    } else {
                        port_class_note(ui, p);
                    }
                    true
                }
                Err(e) => {
                    addr_error(ui, &e);
                    false
                }
            };
            (ok, failure_words(ui, failure, editable))
        },
    );
    if let Some(free) = take {
        // Keep the host a HOST:PORT named; a port alone stays a port.
        *text = match addr::split_host_port(text.trim()) {
            Ok((host, _)) if !text.trim().chars().all(|c| c.is_ascii_digit()) => {
                addr::join_host_port(&host, free)
            }
            _ => free.to_string(),
        };
    }
    ok
}

/// The port of an optional bind field's text: a port alone (`7890`) or `HOST:PORT`.
pub fn bind_port(v: &str) -> Result<u16, addr::AddrError> {
    if v.chars().all(|c| c.is_ascii_digit()) {
        addr::parse_port(v, true)
    } else {
        addr::split_host_port(v).map(|(_, p)| p)
    }
}

/// A bind failure's words in red, and its "Use port N" button; the port clicked.
fn failure_words(ui: &mut Ui, failure: Option<&PortFailure>, editable: bool) -> Option<u16> {
    let f = failure?;
    error_label(ui, &f.text);
    let free = f.free.filter(|_| editable)?;
    ui.button(fl!(ui_loader(ui), "field-use-port", port = free))
        .clicked()
        .then_some(free)
}

/// A short note on what a bind host means.
pub fn bind_note(ui: &mut Ui) {
    let note = RichText::new(fl!(ui_loader(ui), "field-bind-note")).weak();
    // Simple mode's column: the whole note, wrapped under the fields (it is the lesson).
    if super::layout::simple(ui.ctx()) {
        ui.add(egui::Label::new(note.small()).wrap());
        return;
    }
    // Simple mode or a short tab: only where it fits beside the fields (it never takes a row of its own
    // from the log); the host field's warning still says what 127.0.0.1 means.
    if super::layout::compact(ui.ctx())
        && super::layout::text_width(ui, note.clone(), egui::TextStyle::Body) > ui.available_width()
    {
        return;
    }
    super::layout::one_line_note(ui, note);
}

/// Beside a port field: the range the port is in (well-known, registered, dynamic), with
/// what that means on hover; port 0 says the system picks.
pub fn port_class_note(ui: &mut Ui, port: u16) {
    use crate::net::interfaces::PortClass;
    let lang = super::lang::lang(ui.ctx());
    if port == 0 {
        ui.label(
            RichText::new(fl!(loader(lang), "addr-port-zero-hint"))
                .weak()
                .small(),
        );
        return;
    }
    let l = loader(lang);
    let (label, tip) = match PortClass::of(port) {
        PortClass::WellKnown => (fl!(l, "port-well-known"), fl!(l, "port-well-known-tip")),
        PortClass::Registered => (fl!(l, "port-registered"), fl!(l, "port-registered-tip")),
        PortClass::Dynamic => (fl!(l, "port-dynamic"), fl!(l, "port-dynamic-tip")),
    };
    ui.label(RichText::new(label).weak().small())
        .on_hover_text(tip);
}

/// Beside a bind host: a warning for 127.0.0.1 (other computers cannot reach it), a
/// badge for 0.0.0.0 / :: (reachable from the network).
pub fn bind_reach_note(ui: &mut Ui, host: &str) {
    use crate::net::interfaces::{BindReach, bind_reach};
    let lang = super::lang::lang(ui.ctx());
    match bind_reach(host) {
        BindReach::ThisMachineOnly => {
            // One line under the field, cut to its width: the tip says it all.
            let warning = RichText::new(fl!(loader(lang), "bind-loopback-warning"))
                .color(super::style::NOTE_AMBER);
            ui.add(
                egui::Label::new(warning)
                    .truncate()
                    .show_tooltip_when_elided(false),
            )
            .on_hover_text(fl!(loader(lang), "bind-loopback-tip"));
        }
        BindReach::AllInterfaces => {
            ui.label(
                RichText::new(fl!(loader(lang), "bind-all-badge"))
                    .color(super::style::GOOD_GREEN)
                    .strong(),
            )
            .on_hover_text(fl!(loader(lang), "bind-all-tip"));
        }
        BindReach::OneAddress => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_problem_is_worded_in_both_languages() {
        let mut errs: Vec<addr::AddrError> = ["", "8o", "0", "70000"]
            .iter()
            .map(|t| addr::parse_port(t, false).unwrap_err())
            .collect();
        for host in ["", "1.2.3.999", "fe80::zz", "a..b", "a b", &"x".repeat(300)] {
            errs.push(addr::check_host(host, false).unwrap_err());
        }
        for hp in ["", "[::1", "[::1]", "host", "::1:80"] {
            errs.push(addr::split_host_port(hp).unwrap_err());
        }
        for e in &errs {
            // The English window says what the parser says.
            assert_eq!(addr_error_text(Lang::En, e), e.0, "{:?}", e.1);
            let zh = addr_error_text(Lang::Zh, e);
            assert!(!zh.is_ascii(), "{:?} -> {zh}", e.1);
        }
        let e = addr::parse_port("70000", false).unwrap_err();
        assert!(addr_error_text(Lang::Zh, &e).contains("70000"));
    }
}
