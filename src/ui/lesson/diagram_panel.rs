//! The TCP diagram's panel body for a tab: the kernel's view (TCP_INFO) of the connection
//! the diagram shows, then the drawing. The classroom's side panel and simple mode's
//! column both draw it.

use super::timeline::Timeline;
use crate::i18n::Lang;
use crate::net::Role;
use crate::net::tcp_info::TcpStats;
use egui::Ui;
use std::collections::BTreeMap;

/// The diagram of `role`'s connection (on the server: of `selected`), with the kernel's
/// statistics of each open connection by client id (0: the client's own).
pub fn show(
    ui: &mut Ui,
    t: &Timeline,
    role: Role,
    selected: Option<u64>,
    stats: &BTreeMap<u64, TcpStats>,
    lang: Lang,
) {
    let key = match role {
        Role::TcpServer => selected,
        _ => Some(0),
    };
    super::tcp_stats_view::show(ui, key.and_then(|k| stats.get(&k).copied()));
    ui.separator();
    super::tcp_diagram::show(ui, t, role, selected, lang)
}
