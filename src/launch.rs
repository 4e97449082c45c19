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
    /// Headless: stop after this long.
    pub duration: Option<Duration>,
}
