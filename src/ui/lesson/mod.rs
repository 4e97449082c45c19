//! What the window teaches with: the Learn window and each role's hint, the timeline
//! strip, the TCP diagram, the kernel's TCP statistics and the Network panel.

pub(super) mod diagram_panel;
pub(super) mod learn;
pub(super) mod network_panel;
pub(super) mod tcp_diagram;
pub(super) mod tcp_stats_view;
pub(super) mod timeline;
