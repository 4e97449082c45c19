//! "Watch live in Wireshark": a named pipe in the data folder that the tab's runtime
//! feeds with pcapng as events happen (the same packets as the export), and Wireshark
//! started on it where it is installed (`wireshark -k -i PIPE`); elsewhere the notice
//! gives the command to run. Stopping ends the feed; so does closing Wireshark.

use crate::i18n::{Lang, loader};
use crate::net::Role;
use i18n_embed_fl::fl;
use std::path::{Path, PathBuf};

/// Makes the pipe (Linux: mkfifo; a pipe left from before is reused).
fn make_pipe(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo()) {
            return Ok(());
        }
        let _ = std::fs::remove_file(path);
        let ok = std::process::Command::new("mkfifo")
            .arg("-m")
            .arg("600")
            .arg(path)
            .status()?
            .success();
        if ok {
            Ok(())
        } else {
            Err(std::io::Error::other("mkfifo failed"))
        }
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Err(std::io::ErrorKind::Unsupported.into())
    }
}

/// Prepares the feed for `role` in `dir`: returns the pipe to feed and the notice (in
/// `lang`) saying whether Wireshark started or what to run.
pub fn start(dir: &Path, role: Role, lang: Lang) -> Result<(PathBuf, String), String> {
    let l = loader(lang);
    let live = dir.join("live");
    crate::files::private::create_dir_all(&live)
        .map_err(|e| fl!(l, "live-failed", why = e.to_string()))?;
    let path = live.join(format!("{}-{}.pcapng", role.as_str(), std::process::id()));
    make_pipe(&path).map_err(|e| fl!(l, "live-failed", why = e.to_string()))?;
    let shown = path.display().to_string();
    let launched = std::process::Command::new("wireshark")
        .arg("-k")
        .arg("-i")
        .arg(&path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok();
    let notice = if launched {
        fl!(l, "live-started", path = shown.as_str())
    } else {
        fl!(l, "live-command", path = shown.as_str())
    };
    Ok((path, notice))
}
