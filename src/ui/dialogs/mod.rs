//! Files in and out: the one way to ask for a file (the desktop's dialog or the
//! in-window one), Save log… with its export formats and the data directory, and the
//! crash recovery of left-over spools.

pub(super) mod file_dialog;
pub(super) mod file_window;
pub(super) mod recovery;
pub(super) mod save;
