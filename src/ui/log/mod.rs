//! A session's log in the window: the virtualised table of events, its toolbar and
//! search box, the marks a row can carry, what it keeps between frames, how much of it stays in memory, and the
//! live feed to Wireshark.

pub(super) mod live_feed;
pub(super) mod log_cells;
pub(super) mod log_settings;
pub(super) mod log_state;
pub(super) mod log_toolbar;
pub(super) mod log_view;
pub(super) mod marks;
pub(super) mod row_text;
pub(super) mod search;
pub(crate) mod whole_search;
