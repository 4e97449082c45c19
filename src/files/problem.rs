//! Why a write failed, typed from the system's error so it can be worded in any language:
//! the four that mean "the file could not grow" (a full disk, a quota, a file-size limit,
//! a device error) are told apart, and anything else keeps the system's words.

use serde::{Deserialize, Serialize};
use std::io;

/// What stopped a file from being written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WriteProblem {
    /// ENOSPC: the disk (or the filesystem) is full.
    DiskFull,
    /// EDQUOT: the user's disk quota is used up.
    QuotaExceeded,
    /// EFBIG: the file reached the largest size allowed (a `ulimit -f`, or the filesystem's).
    FileTooLarge,
    /// EIO: the device failed.
    DeviceError,
    /// Anything else (the system's own message says what).
    Other,
}

impl WriteProblem {
    /// The problem an error of a write names.
    pub fn of(e: &io::Error) -> WriteProblem {
        #[cfg(target_os = "linux")]
        {
            match e.raw_os_error() {
                Some(libc::ENOSPC) => return WriteProblem::DiskFull,
                Some(libc::EDQUOT) => return WriteProblem::QuotaExceeded,
                Some(libc::EFBIG) => return WriteProblem::FileTooLarge,
                Some(libc::EIO) => return WriteProblem::DeviceError,
                _ => {}
            }
        }
        match e.kind() {
            io::ErrorKind::StorageFull => WriteProblem::DiskFull,
            io::ErrorKind::QuotaExceeded => WriteProblem::QuotaExceeded,
            io::ErrorKind::FileTooLarge => WriteProblem::FileTooLarge,
            _ => WriteProblem::Other,
        }
    }

    /// In English (the command line's words; the window words it from its own files).
    pub fn english(self) -> &'static str {
        match self {
            WriteProblem::DiskFull => "the disk is full",
            WriteProblem::QuotaExceeded => "the disk quota is used up",
            WriteProblem::FileTooLarge => "the file reached the largest size allowed",
            WriteProblem::DeviceError => "the device failed (I/O error)",
            WriteProblem::Other => "the write failed",
        }
    }
}

/// A writer that stopped: why, and how much of the file is whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteStop {
    pub problem: WriteProblem,
    /// The system's own message.
    pub detail: String,
    /// Events kept whole in the file (the file was cut back to end after the last of
    /// them); None when that could not be told.
    pub kept: Option<u64>,
    /// When the first missing event happened (µs since the epoch), if known.
    pub first_missing_us: Option<i64>,
}

impl WriteStop {
    /// A stop with nothing known of what was kept.
    pub fn of(e: &io::Error) -> WriteStop {
        WriteStop {
            problem: WriteProblem::of(e),
            detail: e.to_string(),
            kept: None,
            first_missing_us: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_are_told_apart() {
        #[cfg(target_os = "linux")]
        for (code, p) in [
            (libc::ENOSPC, WriteProblem::DiskFull),
            (libc::EDQUOT, WriteProblem::QuotaExceeded),
            (libc::EFBIG, WriteProblem::FileTooLarge),
            (libc::EIO, WriteProblem::DeviceError),
            (libc::EACCES, WriteProblem::Other),
        ] {
            assert_eq!(WriteProblem::of(&io::Error::from_raw_os_error(code)), p);
        }
        let e = io::Error::from(io::ErrorKind::StorageFull);
        assert_eq!(WriteStop::of(&e).problem, WriteProblem::DiskFull);
    }
}
