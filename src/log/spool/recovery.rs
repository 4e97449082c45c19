//! Reading a spool back, and finding the ones a crashed or killed process left behind
//! (crash recovery offers them at the next start).

use super::EXTENSION;
use crate::log::spool_format::SpoolReader;
use std::fs::File;
use std::io::{self, BufReader};
use std::path::{Path, PathBuf};

/// A binary spool being read: its events in order (an iterator), then
/// [`SpoolReader::cut`] says whether the end was torn or damaged and what was left out.
pub type SpoolRead = SpoolReader<BufReader<File>>;

/// Opens a binary spool for reading. An error if the file cannot be opened or is not a
/// spool; a torn or damaged tail is not an error (see [`SpoolReader::cut`]).
pub fn read_events(path: &Path) -> io::Result<SpoolRead> {
    SpoolReader::new(BufReader::with_capacity(1 << 20, File::open(path)?))
}

/// Spool files in `dir` left by a process that is no longer running (a crash or a kill).
pub fn orphans(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            let Some(name) = p.file_name().and_then(|n| n.to_str()) else {
                return false;
            };
            let Some(rest) = name.strip_prefix("spool-") else {
                return false;
            };
            // Binary spools, and JSON Lines ones from versions before the binary format.
            if !name.ends_with(&format!(".{EXTENSION}")) && !name.ends_with(".jsonl") {
                return false;
            }
            let pid: Option<u32> = rest.split('-').next().and_then(|s| s.parse().ok());
            match pid {
                Some(pid) if pid == me => false,
                Some(pid) => !process_alive(pid),
                None => false,
            }
        })
        .collect();
    v.sort();
    v
}

fn process_alive(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new(&format!("/proc/{pid}")).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Without a cheap check, treat only old files as orphans (see `orphans` callers).
        let _ = pid;
        false
    }
}
