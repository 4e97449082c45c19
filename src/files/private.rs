//! Files and folders that hold captured traffic, private to the user who runs the app.
//!
//! Spools, `--record` files, exports, saved payloads, presets and the window's settings
//! hold whatever crossed the wire (on a LAN that includes plaintext passwords and tokens),
//! so on Unix every file the app creates is made with mode 0600 and every folder it
//! creates with 0700, from the moment it exists: the mode is given to `open(2)` and
//! `mkdir(2)` themselves, never set afterwards, and a umask can only take bits away from
//! it. The data directory, if it already exists and is open to the group or to others, is
//! tightened to 0700 (when it is the user's own and not a shared sticky folder like
//! `/tmp`). A file that already exists and is replaced keeps the mode it has (see
//! [`super::atomic`]). Elsewhere (Windows) the files live in the per-user profile, whose
//! ACLs already keep other accounts out, and the functions here create them plainly.
//!
//! This is the one place that knows the modes: every writer of the app uses it.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// The mode of every file the app creates (Unix).
pub const FILE_MODE: u32 = 0o600;
/// The mode of every folder the app creates (Unix).
pub const DIR_MODE: u32 = 0o700;

/// Options that create a file with [`FILE_MODE`] (Unix).
fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(FILE_MODE);
    }
    o
}

/// Opens `path` for writing, emptied: a new file is created with mode 0600; one that
/// exists (or a device such as `/dev/full`) keeps its mode.
pub fn create_file(path: &Path) -> io::Result<File> {
    private_options().create(true).truncate(true).open(path)
}

/// Creates `path`, which must not exist yet, with mode 0600 (for temporary files).
pub fn create_new_file(path: &Path) -> io::Result<File> {
    private_options().create_new(true).open(path)
}

/// Creates `dir` and any missing parents, each new one with mode 0700. Folders that exist
/// are left as they are (see [`secure_data_dir`] for the data directory itself).
pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(DIR_MODE);
    }
    b.create(dir)
}

/// Makes sure the data directory `dir` exists and is the user's alone: created with mode
/// 0700 if missing; if it exists with group or other bits, and belongs to this user, and
/// is not sticky (a shared folder such as `/tmp`), those bits are removed.
pub fn secure_data_dir(dir: &Path) -> io::Result<()> {
    create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let m = std::fs::metadata(dir)?;
        let mode = m.permissions().mode();
        if m.is_dir()
            && mode & 0o077 != 0
            && mode & 0o1000 == 0
            && effective_uid(dir) == Some(m.uid())
        {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode & DIR_MODE))?;
        }
    }
    Ok(())
}

/// The user this process runs as. Linux asks the kernel (geteuid; the libc dependency
/// is built for Linux only); other Unix systems read the owner of a file created in `dir`
/// and removed at once (a new file belongs to the effective user); None if that cannot
/// be made (the folder is then left as it is).
#[cfg(unix)]
fn effective_uid(dir: &Path) -> Option<u32> {
    #[cfg(target_os = "linux")]
    {
        let _ = dir;
        // SAFETY: geteuid has no preconditions and cannot fail.
        Some(unsafe { libc::geteuid() })
    }
    #[cfg(not(target_os = "linux"))]
    {
        use std::os::unix::fs::MetadataExt;
        let probe = dir.join(format!(".owner-probe-{}", std::process::id()));
        let f = create_new_file(&probe).ok()?;
        let uid = f.metadata().map(|m| m.uid()).ok();
        drop(f);
        let _ = std::fs::remove_file(&probe);
        uid
    }
}

/// Makes the settings file `file` (eframe's `app.ron`, which holds the payloads typed in
/// the window) private before the window writes it: its folder as [`secure_data_dir`];
/// a missing file is created with mode 0600 holding an empty RON map (eframe rewrites it
/// in place, keeping the mode); an existing one open to others is tightened to 0600.
pub fn secure_settings_file(file: &Path) -> io::Result<()> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        secure_data_dir(dir)?;
    }
    match create_new_file(file) {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(b"{}\n")
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => tighten_file(file),
        Err(e) => Err(e),
    }
}

/// Removes the group and other bits of an existing regular file.
fn tighten_file(file: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let m = std::fs::metadata(file)?;
        let mode = m.permissions().mode();
        if m.is_file() && mode & 0o077 != 0 {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode & FILE_MODE))?;
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn new_files_and_folders_are_private_and_existing_ones_tightened() {
        let t = tempfile::tempdir().unwrap();
        let data = t.path().join("a/b/data");
        secure_data_dir(&data).unwrap();
        assert_eq!(mode(&t.path().join("a")), 0o700);
        assert_eq!(mode(&data), 0o700);
        let loose = t.path().join("loose");
        std::fs::create_dir(&loose).unwrap();
        std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
        secure_data_dir(&loose).unwrap();
        assert_eq!(mode(&loose), 0o700);
        // A sticky shared folder is never changed.
        let shared = t.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        secure_data_dir(&shared).unwrap();
        assert_eq!(mode(&shared), 0o1777);

        let f = data.join("x");
        drop(create_file(&f).unwrap());
        assert_eq!(mode(&f), 0o600);
        assert!(
            create_new_file(&f).is_err(),
            "create_new refuses an existing file"
        );

        let settings = t.path().join("cfg/app.ron");
        secure_settings_file(&settings).unwrap();
        assert_eq!(mode(&settings), 0o600);
        assert_eq!(mode(&t.path().join("cfg")), 0o700);
        assert_eq!(std::fs::read(&settings).unwrap(), b"{}\n");
        std::fs::write(&settings, b"{\"k\":\"v\"}").unwrap();
        std::fs::set_permissions(&settings, std::fs::Permissions::from_mode(0o644)).unwrap();
        secure_settings_file(&settings).unwrap();
        assert_eq!(mode(&settings), 0o600);
        assert_eq!(std::fs::read(&settings).unwrap(), b"{\"k\":\"v\"}", "kept");
    }
}
