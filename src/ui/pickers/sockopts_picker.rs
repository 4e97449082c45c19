//! The "Socket options" menu of every tab: SO_RCVBUF, SO_SNDBUF, the TTL (hop limit), and
//! on the TCP tabs keep-alive with its idle time, interval and count. Empty fields keep
//! the system's defaults. While a session runs it lists what the kernel really set (read
//! back with getsockopt), next to what was asked. Saved with the tab; used at the next
//! start; a bad field is named under it and keeps the main button off.

use crate::i18n::Lang;
use crate::net::Role;
use crate::net::sockopts::{Keepalive, SockOpts, SockReport};
use crate::ui::common::lang::ui_loader;
use crate::ui::common::style::error_label;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The saved fields of the menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SockForm {
    pub rcvbuf: String,
    pub sndbuf: String,
    pub ttl: String,
    pub keepalive: bool,
    pub idle: String,
    pub interval: String,
    pub count: String,
}

impl Default for SockForm {
    fn default() -> Self {
        SockForm {
            rcvbuf: String::new(),
            sndbuf: String::new(),
            ttl: String::new(),
            keepalive: false,
            idle: "60".into(),
            interval: "10".into(),
            count: "5".into(),
        }
    }
}

/// A bad field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SockField {
    RcvBuf,
    SndBuf,
    Ttl,
    Idle,
    Interval,
    Count,
}

fn num(text: &str, lo: u32, hi: u32, field: SockField) -> Result<Option<u32>, SockField> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
        _ => Err(field),
    }
}

impl SockForm {
    /// The fields that give `o` (a command-line launch).
    pub fn from_opts(o: &SockOpts) -> SockForm {
        let show = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        let d = SockForm::default();
        SockForm {
            rcvbuf: show(o.rcvbuf),
            sndbuf: show(o.sndbuf),
            ttl: show(o.ttl),
            keepalive: o.keepalive.is_some(),
            idle: o.keepalive.map_or(d.idle, |k| k.idle_s.to_string()),
            interval: o.keepalive.map_or(d.interval, |k| k.interval_s.to_string()),
            count: o.keepalive.map_or(d.count, |k| k.count.to_string()),
        }
    }

    /// The engine's options, or the first bad field (keep-alive only on TCP, when on).
    pub fn opts(&self, role: Role) -> Result<SockOpts, SockField> {
        let buf = 1_073_741_824;
        let mut o = SockOpts {
            rcvbuf: num(&self.rcvbuf, 1, buf, SockField::RcvBuf)?,
            sndbuf: num(&self.sndbuf, 1, buf, SockField::SndBuf)?,
            ttl: num(&self.ttl, 1, 255, SockField::Ttl)?,
            keepalive: None,
        };
        if role.is_tcp() && self.keepalive {
            let need = |t: &str, hi: u32, f: SockField| num(t, 1, hi, f)?.ok_or(f);
            o.keepalive = Some(Keepalive {
                idle_s: need(&self.idle, 32_767, SockField::Idle)?,
                interval_s: need(&self.interval, 32_767, SockField::Interval)?,
                count: need(&self.count, 127, SockField::Count)?,
            });
        }
        Ok(o)
    }
}

fn field(ui: &mut Ui, label: &str, hint: &str, text: &mut String, bad: bool, why: &str) {
    ui.horizontal(|ui| {
        let name = ui.label(label);
        ui.add(
            TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(90.0),
        )
        .labelled_by(name.id);
    });
    if bad {
        error_label(ui, why);
    }
}

/// The menu. `editable`: no session runs. `kernel`: the read-back of the running session.
pub fn show(
    ui: &mut Ui,
    form: &mut SockForm,
    role: Role,
    editable: bool,
    kernel: Option<&SockReport>,
    lang: Lang,
) {
    let l = ui_loader(ui);
    let bad = form.opts(role).err();
    let set = form.opts(role).is_ok_and(|o| !o.is_empty());
    let title = match (bad, set) {
        (Some(_), _) => fl!(l, "so-summary-bad"),
        (None, true) => fl!(l, "so-summary-set"),
        (None, false) => fl!(l, "so-summary-default"),
    };
    let mut text = RichText::new(format!("{title} ▾"));
    if bad.is_some() {
        text = text.color(crate::ui::common::style::ERROR_RED);
    }
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let (button, _) = egui::containers::menu::MenuButton::new(text)
        .config(config)
        .ui(ui, |ui| {
            let l = ui_loader(ui);
            ui.set_max_width(380.0);
            ui.label(RichText::new(fl!(l, "so-intro")).weak());
            ui.add_enabled_ui(editable, |ui| {
                let default = fl!(l, "so-hint-default");
                let whole = fl!(l, "so-bad-bytes");
                let b = |f| bad == Some(f);
                field(
                    ui,
                    &fl!(l, "so-rcvbuf-label"),
                    &default,
                    &mut form.rcvbuf,
                    b(SockField::RcvBuf),
                    &whole,
                );
                field(
                    ui,
                    &fl!(l, "so-sndbuf-label"),
                    &default,
                    &mut form.sndbuf,
                    b(SockField::SndBuf),
                    &whole,
                );
                let ttl = if role.is_tcp() || role == Role::UdpSender {
                    fl!(l, "so-ttl-label")
                } else {
                    fl!(l, "so-ttl-label-recv")
                };
                field(
                    ui,
                    &ttl,
                    &default,
                    &mut form.ttl,
                    b(SockField::Ttl),
                    &fl!(l, "so-bad-ttl"),
                );
                if role.is_tcp() {
                    ui.separator();
                    ui.checkbox(&mut form.keepalive, fl!(l, "so-keepalive"))
                        .on_hover_text(fl!(l, "so-keepalive-tip"));
                    ui.add_enabled_ui(form.keepalive, |ui| {
                        let secs = fl!(l, "so-bad-secs");
                        field(
                            ui,
                            &fl!(l, "so-idle"),
                            "",
                            &mut form.idle,
                            b(SockField::Idle),
                            &secs,
                        );
                        field(
                            ui,
                            &fl!(l, "so-interval"),
                            "",
                            &mut form.interval,
                            b(SockField::Interval),
                            &secs,
                        );
                        field(
                            ui,
                            &fl!(l, "so-count"),
                            "",
                            &mut form.count,
                            b(SockField::Count),
                            &fl!(l, "so-bad-count"),
                        );
                    });
                }
            });
            if !editable {
                ui.label(RichText::new(fl!(l, "so-next-start")).weak());
            }
            if let Some(r) = kernel {
                ui.separator();
                ui.label(RichText::new(fl!(l, "so-kernel")).strong());
                for item in crate::i18n_sockopts::items(lang, r) {
                    ui.label(item);
                }
            }
        });
    button.on_hover_text(fl!(l, "so-tip"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_options_and_names_bad_fields() {
        let mut f = SockForm::default();
        assert!(f.opts(Role::TcpClient).unwrap().is_empty());
        f.rcvbuf = "100000".into();
        f.ttl = "0".into();
        assert_eq!(f.opts(Role::UdpSender), Err(SockField::Ttl));
        f.ttl = "64".into();
        f.keepalive = true;
        f.count = "".into();
        // UDP has no keep-alive: not checked there.
        assert!(f.opts(Role::UdpSender).unwrap().keepalive.is_none());
        assert_eq!(f.opts(Role::TcpClient), Err(SockField::Count));
        f.count = "4".into();
        let o = f.opts(Role::TcpClient).unwrap();
        assert_eq!(o.rcvbuf, Some(100_000));
        assert_eq!(o.keepalive.unwrap().count, 4);
        assert_eq!(SockForm::from_opts(&o).opts(Role::TcpClient), Ok(o));
    }
}
