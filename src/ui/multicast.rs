//! The Multicast section of the UDP tabs: the receiver joins a group on an interface
//! (IPv4: the interface's address; IPv6: its index), the sender sets TTL / hop limit,
//! loopback and the outgoing interface. Every field is checked as you type.

use super::address_field::error_label;
use super::classroom::{lang, t};
use crate::i18n::trf;
use crate::net::{MulticastConfig, Role};
use egui::{RichText, TextEdit, Ui};
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

/// A field's problem: an i18n key and the value it quotes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormError {
    pub key: &'static str,
    pub value: String,
}

fn err(key: &'static str, value: &str) -> FormError {
    FormError {
        key,
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
        let (text, bad_key) = if role == Role::UdpSender {
            (dest_host, "mc.err_dest_not_ip")
        } else {
            (self.group.as_str(), "mc.err_group_bad")
        };
        let ip = parse_ip(text).ok_or_else(|| err(bad_key, text.trim()))?;
        if !ip.is_multicast() {
            return Err(err("mc.err_not_multicast", &ip.to_string()));
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
                        return Err(err("mc.err_iface_v6", &v6.to_string()));
                    }
                    None => return Err(err("mc.err_iface_bad", iface)),
                }
            } else {
                m.interface_index = iface
                    .parse::<u32>()
                    .map_err(|_| err("mc.err_iface_index", iface))?;
            }
        }
        m.ttl = self
            .ttl
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|t| *t <= 255)
            .ok_or_else(|| err("mc.err_ttl", self.ttl.trim()))?;
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
    egui::CollapsingHeader::new(RichText::new(t(ui, "mc.title")).strong())
        .id_salt(("multicast", salt))
        .default_open(true)
        .show(ui, |ui| {
            ui.add_enabled_ui(editable, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.checkbox(&mut form.enabled, t(ui, "mc.enable"))
                        .on_hover_text(t(
                            ui,
                            if role == Role::UdpSender {
                                "mc.hint_send"
                            } else {
                                "mc.hint_recv"
                            },
                        ));
                    ui.add_enabled_ui(form.enabled, |ui| {
                        if role == Role::UdpReceiver {
                            text_field(ui, "mc.group", &mut form.group, 130.0, "239.255.0.1");
                        }
                        text_field(
                            ui,
                            "mc.interface",
                            &mut form.interface,
                            110.0,
                            t(ui, "mc.interface_hint"),
                        );
                        if role == Role::UdpSender {
                            text_field(ui, "mc.ttl", &mut form.ttl, 40.0, "1");
                            ui.checkbox(&mut form.loopback, t(ui, "mc.loopback"))
                                .on_hover_text(t(ui, "mc.loopback_hint"));
                        }
                    });
                });
            });
            if form.enabled {
                if let Err(e) = form.config(role, dest_host) {
                    ok = false;
                    let text = trf(lang(ui.ctx()), e.key, &[("value", &e.value)]);
                    error_label(ui, &text);
                } else if role == Role::UdpSender {
                    ui.label(RichText::new(t(ui, "mc.hint_send")).weak());
                } else {
                    ui.label(RichText::new(t(ui, "mc.hint_recv")).weak());
                }
            }
        });
    // A closed section still blocks Start when its fields are bad.
    if form.enabled && form.config(role, dest_host).is_err() {
        ok = false;
    }
    ok
}

fn text_field(ui: &mut Ui, key: &'static str, text: &mut String, width: f32, hint: &str) {
    let l = ui.label(t(ui, key));
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
            f.config(Role::UdpReceiver, "").unwrap_err().key,
            "mc.err_not_multicast"
        );
        f.group = "nope".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().key,
            "mc.err_group_bad"
        );
        f.group = "239.1.2.3".into();
        f.interface = "::1".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().key,
            "mc.err_iface_v6"
        );
        f.interface = "127.0.0.1".into();
        f.ttl = "256".into();
        assert_eq!(
            f.config(Role::UdpSender, "239.1.2.3").unwrap_err().key,
            "mc.err_ttl"
        );
        f.ttl = "0".into();
        assert!(f.config(Role::UdpSender, "239.1.2.3").unwrap().is_some());
        assert_eq!(
            f.config(Role::UdpSender, "127.0.0.1").unwrap_err().key,
            "mc.err_not_multicast"
        );
        f.group = "ff02::1".into();
        f.interface = "eth0".into();
        assert_eq!(
            f.config(Role::UdpReceiver, "").unwrap_err().key,
            "mc.err_iface_index"
        );
        f.interface = "2".into();
        let m = f.config(Role::UdpReceiver, "").unwrap().unwrap();
        assert_eq!(m.interface_index, 2);
        f.enabled = false;
        assert_eq!(f.config(Role::UdpReceiver, ""), Ok(None));
    }
}
