//! The TCP diagram's panel body for a tab: the kernel's view (TCP_INFO) of the connection
//! the diagram shows, then the drawing from the runtime's typed connection state. The
//! classroom's side panel and simple mode's column both draw it.

use crate::i18n::Lang;
use crate::net::Role;
use crate::net::tcp_info::TcpStats;
use crate::session::tcp_flow::TcpFlows;
use egui::Ui;
use std::collections::BTreeMap;

/// What the diagram of one tab shows.
pub struct DiagramData<'a> {
    pub flows: &'a TcpFlows,
    pub role: Role,
    /// TCP server: the selected client (None: the newest).
    pub selected: Option<u64>,
    /// The kernel's statistics of each open connection by client id (0: the client's own).
    pub stats: BTreeMap<u64, TcpStats>,
    /// The counters the diagram's bytes must agree with: the tab's, or (server) the shown
    /// client's, as (received, sent).
    pub counts: Option<(u64, u64)>,
}

pub fn show(ui: &mut Ui, d: &DiagramData, lang: Lang) {
    let key = match d.role {
        Role::TcpServer => d.selected,
        _ => Some(0),
    };
    let stats = key.and_then(|k| d.stats.get(&k).copied());
    // Simple mode's narrow column keeps its height for the drawing: the kernel's view
    // only while there is one to show.
    if stats.is_some() || !crate::ui::common::layout::simple(ui.ctx()) {
        super::tcp_stats_view::show(ui, stats);
        ui.separator();
    }
    super::tcp_diagram::show(ui, d.flows, d.role, d.selected, d.counts, lang)
}
