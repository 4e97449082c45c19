//! Files the app writes, at the bottom of the layers (it uses nothing of the crate):
//! [`atomic`], how every file the user chose is written without destroying the one that
//! was there; and [`private`], the modes (0600 files, 0700 folders) every file and folder
//! the app creates is given; and [`default_data_dir`], where spools, live feeds and the
//! self-signed certificate live (the window and the command line share it); and
//! [`problem`], why a write failed (a full disk, a quota, a size limit), typed.

pub mod atomic;
pub mod private;
pub mod problem;

pub use problem::{WriteProblem, WriteStop};

use std::path::PathBuf;

/// The window's app id (as given to the viewport): eframe stores its settings under it.
pub const APP_ID: &str = "socket-tester";

/// Where spool files live: `SOCKET_TESTER_DATA_DIR` if set, else eframe's data directory
/// for the app, else a folder in the temporary directory.
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("SOCKET_TESTER_DATA_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    eframe::storage_dir(APP_ID).unwrap_or_else(|| std::env::temp_dir().join(APP_ID))
}
