//! What the command line asks for when it names a role: a session to configure and
//! start at once, what to send by itself, and where to record. Shared by the window
//! and headless mode.

use crate::auto::auto_send::AutoPlan;
use crate::net::SessionConfig;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Launch {
    pub config: SessionConfig,
    pub auto: AutoPlan,
    /// Stream every event to this file as JSON Lines.
    pub record: Option<PathBuf>,
    /// TEXT arguments were hex.
    pub hex: bool,
    /// TCP: how received data is cut into rows (`--framing`; None: raw chunks).
    pub framing: Option<crate::codec::Framing>,
    /// Headless: stop after this long.
    pub duration: Option<Duration>,
    /// Headless: how much of each data row to print.
    pub print: Print,
    /// `--check-sum`: check each received row against the checksum in it.
    pub check: Option<crate::codec::ChecksumSpec>,
}

/// Headless: what stdout shows of each rx/tx row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Print {
    /// The first [`PREVIEW_BYTES`] of each payload, then "… (N more bytes)" (the default).
    /// A stdout that cannot keep up loses preview rows (counted and said), never the record.
    #[default]
    Preview,
    /// Every byte of every row (`--full`); a slow stdout then slows the session.
    Full,
    /// No data rows (`--quiet`): state changes, and a summary at the end.
    Quiet,
}

/// How many bytes of a payload a preview row shows.
pub const PREVIEW_BYTES: usize = 256;
