//! The Multicast section of the UDP tabs: the receiver joins a group on an interface
//! (IPv4: the interface's address; IPv6: its index), the sender sets TTL / hop limit,
//! loopback and the outgoing interface. Every field is checked as you type.

use crate::i18n::{Lang, loader};
use crate::net::{MulticastConfig, Role};
use crate::ui::common::address_field::error_label;
use crate::ui::common::lang::lang;
use crate::ui::common::lang::ui_loader;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The saved fields of the section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MulticastForm {
    pub enabled: bool,
    /// Receiver: the group to join (the sender sends to its destination).
    pub group: String,
    /// IPv4: an interface address (empty = the system's choice). IPv6: an interface index.
    pub interface: String,
    /// Sender: TTL / hop limit, 0–255.
    pub ttl: String,
    /// Sender: deliver to this machine's own members too.
    pub loopback: bool,
}

impl Default for MulticastForm {
    fn default() -> Self {
        MulticastForm {
            enabled: false,
            group: "239.255.0.1".into(),
            interface: String::new(),
            ttl: "1".into(),
            loopback: true,
        }
    }
}

/// What is wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    DestNotIp,
    GroupBad,
    NotMulticast,
    IfaceV6,
    IfaceBad,
    IfaceIndex,
    Ttl,
}

/// A field's problem and the value it quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    pub problem: Problem,
    pub value: String,
}

impl FormError {
    /// The problem as a sentence in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let (l, value) = (loader(lang), self.value.as_str());
        match self.problem {
            Problem::DestNotIp => fl!(l, "mc-err-dest-not-ip", value = value),
            Problem::GroupBad => fl!(l, "mc-err-group-bad", value = value),
            Problem::NotMulticast => fl!(l, "mc-err-not-multicast", value = value),
            Problem::IfaceV6 => fl!(l, "mc-err-iface-v6", value = value),
            Problem::IfaceBad => fl!(l, "mc-err-iface-bad", value = value),
            Problem::IfaceIndex => fl!(l, "mc-err-iface-index", value = value),
            Problem::Ttl => fl!(l, "mc-err-ttl", value = value),
        }
    }
}

fn err(problem: Problem, value: &str) -> FormError {
    FormError {
        problem,
        value: value.to_string(),
    }
}

fn parse_ip(text: &str) -> Option<IpAddr> {
    let t = text.trim();
    let inner = t
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(t);
    inner.parse().ok()
}

impl MulticastForm {
    /// The group: the receiver's Group field, or the sender's destination host.
    fn group_ip(&self, role: Role, dest_host: &str) -> Result<IpAddr, FormError> {
        let (text, bad) = if role == Role::UdpSender {
            (dest_host, Problem::DestNotIp)
        } else {
            (self.group.as_str(), Problem::GroupBad)
        };
        let ip = parse_ip(text).ok_or_else(|| err(bad, text.trim()))?;
        if !ip.is_multicast() {
            return Err(err(Problem::NotMulticast, &ip.to_string()));
        }
        Ok(ip)
    }

    /// The config the fields describe (None when multicast is off), or the first problem.
    pub fn config(
        &self,
        role: Role,
        dest_host: &str,
    ) -> Result<Option<MulticastConfig>, FormError> {
        if !self.enabled || role.is_tcp() {
            return Ok(None);
        }
        let group = self.group_ip(role, dest_host)?;
        let mut m = MulticastConfig::new(group);
        let iface = self.interface.trim();
        if !iface.is_empty() {
            if group.is_ipv4() {
                match parse_ip(iface) {
                    Some(IpAddr::V4(v4)) => m.interface = Some(IpAddr::V4(v4)),
                    Some(IpAddr::V6(v6)) => {
                        return Err(err(Problem::IfaceV6, &v6.to_string()));
                    }
                    None => return Err(err(Problem::IfaceBad, iface)),
                }
            } else {
                m.interface_index = iface
                    .parse::<u32>()
                    .map_err(|_| err(Problem::IfaceIndex, iface))?;
            }
        }
        m.ttl = self
            .ttl
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| *t <= 255)
            .ok_or_else(|| err(Problem::Ttl, self.ttl.trim()))?;
        m.loopback = self.loopback;
        Ok(Some(m))
    }
}

/// Adds the multicast options to a UDP session config; None when a field is bad.
pub fn apply(
    form: &MulticastForm,
    dest_host: &str,
    cfg: crate::net::SessionConfig,
) -> Option<crate::net::SessionConfig> {
    match form.config(cfg.role, dest_host) {
        Ok(Some(m)) => Some(cfg.multicast(m)),
        Ok(None) => Some(cfg),
        Err(_) => None,
    }
}

/// The section. `dest_host` is the sender's destination (its group). Returns true when the
/// fields are acceptable.
pub fn section(
    ui: &mut Ui,
    form: &mut MulticastForm,
    role: Role,
    dest_host: &str,
    editable: bool,
) -> bool {
    let mut ok = true;
    let salt = role.as_str();
    egui::CollapsingHeader::new(RichText::new(fl!(ui_loader(ui), "mc-title")).strong())
        .id_salt(("multicast", salt))
        // Closed until it is used: a first lesson has no multicast.
        .default_open(form.enabled)
        .show(ui, |ui| {
            ui.add_enabled_ui(editable, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.checkbox(&mut form.enabled, fl!(ui_loader(ui), "mc-enable"))
                        .on_hover_text(if role == Role::UdpSender {
                            fl!(ui_loader(ui), "mc-hint-send")
                        } else {
                            fl!(ui_loader(ui), "mc-hint-recv")
                        });
                    ui.add_enabled_ui(form.enabled, |ui| {
                        if role == Role::UdpReceiver {
                            text_field(
                                ui,
                                fl!(ui_loader(ui), "mc-group"),
                                &mut form.group,
                                130.0,
                                "239.255.0.1",
                            );
                        }
                        text_field(
                            ui,
                            fl!(ui_loader(ui), "mc-interface"),
                            &mut form.interface,
                            110.0,
                            &fl!(ui_loader(ui), "mc-interface-hint"),
                        );
                        if role == Role::UdpSender {
                            text_field(ui, fl!(ui_loader(ui), "mc-ttl"), &mut form.ttl, 40.0, "1");
                            ui.checkbox(&mut form.loopback, fl!(ui_loader(ui), "mc-loopback"))
                                .on_hover_text(fl!(ui_loader(ui), "mc-loopback-hint"));
                        }
                    });
                });
            });
            if form.enabled {
                if let Err(e) = form.config(role, dest_host) {
                    ok = false;
                    let text = e.text(lang(ui.ctx()));
                    error_label(ui, &text);
                } else if role == Role::UdpSender {
                    ui.label(RichText::new(fl!(ui_loader(ui), "mc-hint-send")).weak());
                } else {
                    ui.label(RichText::new(fl!(ui_loader(ui), "mc-hint-recv")).weak());
                }
            }
        });
    // A closed section still blocks Start when its fields are bad.
    if form.enabled && form.config(role, dest_host).is_err() {
        ok = false;
    }
    ok
}

fn text_field(ui: &mut Ui, label: String, text: &mut String, width: f32, hint: &str) {
    let l = ui.label(label);
    ui.add(
        TextEdit::singleline(text)
            .desired_width(width)
            .hint_text(hint),
    )
    .labelled_by(l.id);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_checked() {
        let mut f = MulticastForm {
            enabled: true,
            ..Default::default()
        };
        let m = f.config(Role::UdpReceiver, "").unwrap().unwrap();
        assert_eq!(m.group.to_string(), "239.255.0.1");
        assert_eq!((m.ttl, m.loopback, m.interface), (1, true, None));
        f.group = "10.0.0.1".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().problem,
            Problem::NotMulticast
        );
        f.group = "nope".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().problem,
            Problem::GroupBad
        );
        f.group = "239.1.2.3".into();
        f.interface = "::1".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().problem,
            Problem::IfaceV6
        );
        f.interface = "127.0.0.1".into();
        f.ttl = "256".into();
        assert_eq!(
            f.config(Role::UdpSender, "239.1.2.3").unwrap_err().problem,
            Problem::Ttl
        );
        f.ttl = "0".into();
        assert!(f.config(Role::UdpSender, "239.1.2.3").unwrap().is_some());
        assert_eq!(
            f.config(Role::UdpSender, "127.0.0.1").unwrap_err().problem,
            Problem::NotMulticast
        );
        f.group = "ff02::1".into();
        f.interface = "eth0".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().problem,
            Problem::IfaceIndex
        );
        f.interface = "2".into();
        let m = f.config(Role::UdpReceiver, "").unwrap().unwrap();
        assert_eq!(m.interface_index, 2);
        f.enabled = false;
        assert_eq!(f.config(Role::UdpReceiver, ""), Ok(None));
    }
}
