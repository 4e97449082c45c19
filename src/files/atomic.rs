//! Writing a file the user chose without ever destroying what was there: every export,
//! Save log…, saved payloads, presets and Expect reports are written to a temporary file
//! beside the target, synced to disk, and renamed over the target only when complete. A
//! failure at any point (a full disk, a file-size limit, an unreadable input, a crash)
//! leaves the old file byte for byte as it was, and no half-written file under its name.
//! [`same_file`] tells when an output would be the input itself (through a symlink or a
//! hard link too), so an export can refuse instead of truncating what it reads.
//!
//! What the rename means: the target gets a new inode. The temporary file is created with
//! mode 0600 ([`super::private`]), so a new target is private to the user from its first
//! byte; a target that existed gets the old file's mode bits copied (never widened);
//! its owner is the writer's. A target that is a symlink keeps
//! the link: the file it points to is replaced. Another hard link to the old file keeps the
//! old contents. A target that exists and is not a regular file (`/dev/full`, a FIFO) is
//! written directly, since there is nothing there to destroy and nothing to rename over.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The temporary file's name starts with this (after a dot: hidden on Unix).
const TMP_TAG: &str = ".socket-tester-tmp";

/// A file being written in place of `target`; see the module doc. Dropping it without
/// [`AtomicFile::commit`] removes the temporary file and leaves the target untouched.
#[derive(Debug)]
pub struct AtomicFile {
    file: Option<File>,
    /// The temporary file, renamed over `dest` by `commit`; None when writing directly.
    tmp: Option<PathBuf>,
    /// Where the bytes end up (the target, or the file a symlink target points to).
    dest: PathBuf,
}

impl AtomicFile {
    /// Starts writing in place of `target`. Fails at once, leaving everything as it was,
    /// when no temporary file can be made in the target's directory or the target is a
    /// directory.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dest = resolve_links(target)?;
        let existing = match fs::metadata(&dest) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if let Some(m) = &existing {
            if m.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                ));
            }
            if !m.is_file() {
                // A device or a FIFO: write to it as it is.
                let file = OpenOptions::new().write(true).truncate(true).open(&dest)?;
                return Ok(AtomicFile {
                    file: Some(file),
                    tmp: None,
                    dest,
                });
            }
        }
        let (file, tmp) = create_temp_beside(&dest)?;
        let me = AtomicFile {
            file: Some(file),
            tmp: Some(tmp),
            dest,
        };
        if let (Some(m), Some(tmp)) = (&existing, &me.tmp) {
            // The new file is no more open than the old one was.
            fs::set_permissions(tmp, kept_permissions(m))?;
        }
        Ok(me)
    }

    /// Where the bytes go when committed (the target, with symlinks followed).
    pub fn destination(&self) -> &Path {
        &self.dest
    }

    /// Syncs the file to disk and puts it in place of the target. Until this returns Ok,
    /// the target is as it was.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().ok_or_else(gone)?;
        file.sync_all()?;
        drop(file);
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        if let Err(e) = fs::rename(&tmp, &self.dest) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&self.dest);
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().ok_or_else(gone)?.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().ok_or_else(gone)?.flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        self.file = None;
        if let Some(tmp) = self.tmp.take() {
            let _ = fs::remove_file(tmp);
        }
    }
}

fn gone() -> io::Error {
    io::Error::other("the file was already committed")
}

/// Writes `bytes` in place of `target` (an [`AtomicFile`] in one call).
pub fn write(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(target)?;
    f.write_all(bytes)?;
    f.commit()
}

/// True when `a` and `b` name the same existing file: the same canonical path, or (through
/// hard links and symlinks) the same file on disk, (device, inode) on Unix and the volume
/// and file index on Windows. False when either does not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(ca), Ok(cb)) = (fs::canonicalize(a), fs::canonicalize(b))
        && ca == cb
    {
        return true;
    }
    same_file::is_same_file(a, b).unwrap_or(false)
}

/// The path the bytes for `target` should go to: `target` itself, or, when it is a
/// symlink (a chain, or one pointing at nothing yet), the file at its end.
fn resolve_links(target: &Path) -> io::Result<PathBuf> {
    let mut p = target.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// A new, empty file in `dest`'s directory, named after it, mode 0600 from its creation.
fn create_temp_beside(dest: &Path) -> io::Result<(File, PathBuf)> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for _ in 0..16 {
        let tmp = dir.join(format!(
            ".{name}{TMP_TAG}-{}-{:08x}",
            std::process::id(),
            fastrand::u32(..)
        ));
        match super::private::create_new_file(&tmp) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// The old file's permissions, without set-id or sticky bits (Unix).
fn kept_permissions(old: &fs::Metadata) -> fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(old.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        old.permissions()
    }
}

/// Makes the rename itself durable (Unix: fsync the directory). Best effort: the file is
/// already complete and in place when this runs.
fn sync_dir(dest: &Path) {
    #[cfg(unix)]
    if let Some(dir) = dest.parent() {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dest;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(TMP_TAG))
            .collect()
    }

    #[test]
    fn commit_replaces_and_drop_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.txt");
        fs::write(&p, b"old contents").unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"half").unwrap();
        drop(f);
        assert_eq!(fs::read(&p).unwrap(), b"old contents");
        assert!(leftovers(dir.path()).is_empty());
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"new contents").unwrap();
        // Before the commit the old file is still there, whole.
        assert_eq!(fs::read(&p).unwrap(), b"old contents");
        f.commit().unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new contents");
        assert!(leftovers(dir.path()).is_empty());
        write(&dir.path().join("new.txt"), b"fresh").unwrap();
        assert_eq!(fs::read(dir.path().join("new.txt")).unwrap(), b"fresh");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_symlinks_stay_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.csv");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("real.csv", &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // A link to nothing yet: the file it names is made.
        let dangling = dir.path().join("dangling.csv");
        std::os::unix::fs::symlink("made.csv", &dangling).unwrap();
        write(&dangling, b"made").unwrap();
        assert_eq!(fs::read(dir.path().join("made.csv")).unwrap(), b"made");
    }

    /// The temporary file is private from its creation (the mode is given to open(2)),
    /// before a byte is written, and a new target keeps it.
    #[cfg(unix)]
    #[test]
    fn the_temporary_file_is_0600_from_its_creation() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.csv");
        let f = AtomicFile::create(&p).unwrap();
        let tmp = dir.path().join(&leftovers(dir.path())[0]);
        let mode = fs::metadata(&tmp).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the temporary file as created");
        f.commit().unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_directory_or_a_missing_directory_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        assert!(AtomicFile::create(dir.path()).is_err());
        assert!(AtomicFile::create(&dir.path().join("no/such/dir/x.csv")).is_err());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn same_file_sees_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.jsonl");
        fs::write(&a, b"x").unwrap();
        let hard = dir.path().join("hard.jsonl");
        fs::hard_link(&a, &hard).unwrap();
        let soft = dir.path().join("soft.jsonl");
        std::os::unix::fs::symlink(&a, &soft).unwrap();
        let other = dir.path().join("other.jsonl");
        fs::write(&other, b"x").unwrap();
        assert!(same_file(&a, &a));
        assert!(same_file(&a, &dir.path().join(".").join("a.jsonl")));
        assert!(same_file(&a, &hard));
        assert!(same_file(&a, &soft));
        assert!(!same_file(&a, &other));
        assert!(!same_file(&a, &dir.path().join("missing.jsonl")));
    }
}
