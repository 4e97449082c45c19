//! One way to ask for a file, for every dialog of the window (Save log…, Send file…, the
//! payload and report files, presets, crash recovery): the desktop's own dialog (rfd: the
//! XDG desktop portal, or zenity, on Linux) on a thread of its own when the desktop has
//! one, else an in-window dialog ([`super::file_window`]), so a dialog always appears. Where there is
//! no portal (a plain X session, a minimal window manager, a virtual display) the native
//! dialog would wait for a D-Bus timeout and then show nothing.
//!
//! `SOCKET_TESTER_FILE_DIALOG=native` or `=window` forces one of them.
//!
//! Every dialog opens in the folder of the last file chosen in any of them (kept between
//! runs with the window's settings), else in the home folder.

use crate::ui::common::background::{Background, Poll};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// Set by [`use_in_window`]: every dialog from now on is the in-window one.
static IN_WINDOW: AtomicBool = AtomicBool::new(false);

/// Makes every file dialog from now on the in-window one (the settings' choice, and tests).
pub fn use_in_window() {
    IN_WINDOW.store(true, Ordering::Relaxed);
}

/// The folder of the last file chosen in a dialog.
static LAST_DIR: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The folder the next dialog opens in (None: none chosen yet, or it is gone).
pub fn last_dir() -> Option<PathBuf> {
    let d = LAST_DIR.lock().unwrap_or_else(|e| e.into_inner()).clone();
    d.filter(|d| d.is_dir())
}

/// Sets the folder the next dialog opens in (the saved settings' one at start).
pub fn set_last_dir(dir: Option<PathBuf>) {
    *LAST_DIR.lock().unwrap_or_else(|e| e.into_inner()) = dir;
}

/// Remembers the folder of a chosen file.
fn remember(chosen: &Path) {
    let dir = if chosen.is_dir() {
        Some(chosen.to_path_buf())
    } else {
        chosen.parent().map(Path::to_path_buf)
    };
    if let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
        set_last_dir(Some(d));
    }
}

/// What to ask for.
pub struct FileRequest {
    pub title: String,
    /// A file to write (with `file_name` proposed), else one to read.
    pub save: bool,
    pub file_name: String,
    /// (label, extensions without the dot). Empty: any file.
    pub filters: Vec<(String, Vec<&'static str>)>,
}

/// A dialog that is open: poll it each frame until it answers.
pub struct PendingDialog {
    inner: Inner,
}

enum Inner {
    Native(Background<Option<PathBuf>>),
    InWindow(Box<super::file_window::FileWindow>),
    /// The dialog could not be started; it answers "nothing chosen" once.
    Failed,
}

/// A dialog's answer, once there is one.
pub enum Answer {
    Waiting,
    /// The chosen path, or None when the user cancelled.
    Done(Option<PathBuf>),
}

/// Whether the desktop has a native file dialog: on Linux a session bus with the XDG
/// desktop portal installed, or zenity; elsewhere always.
pub fn native_available() -> bool {
    if IN_WINDOW.load(Ordering::Relaxed) {
        return false;
    }
    static NATIVE: OnceLock<bool> = OnceLock::new();
    *NATIVE.get_or_init(
        || match std::env::var("SOCKET_TESTER_FILE_DIALOG").as_deref() {
            Ok("native") => true,
            Ok("window") => false,
            _ => desktop_has_dialog(),
        },
    )
}

#[cfg(target_os = "linux")]
fn desktop_has_dialog() -> bool {
    use std::path::Path;
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    let data_dirs =
        std::env::var("XDG_DATA_DIRS").unwrap_or_else(|_| "/usr/local/share:/usr/share".into());
    let portal = data_dirs.split(':').any(|d| {
        Path::new(d)
            .join("dbus-1/services/org.freedesktop.portal.Desktop.service")
            .is_file()
    });
    (bus && portal) || on_path("zenity")
}

#[cfg(not(target_os = "linux"))]
fn desktop_has_dialog() -> bool {
    true
}

impl PendingDialog {
    /// Opens the dialog: native on its own thread (woken `ctx` when it answers), or in the
    /// window.
    pub fn open(req: FileRequest, ctx: &egui::Context) -> PendingDialog {
        let inner = if native_available() {
            native(req, ctx)
        } else {
            in_window(req, ctx)
        };
        PendingDialog { inner }
    }

    /// Shows the in-window dialog (call once a frame) and says whether it has answered.
    pub fn poll(&mut self, ctx: &egui::Context) -> Answer {
        let answer = self.poll_inner(ctx);
        if let Answer::Done(Some(p)) = &answer {
            remember(p);
        }
        answer
    }

    fn poll_inner(&mut self, ctx: &egui::Context) -> Answer {
        match &mut self.inner {
            Inner::Native(job) => match job.poll() {
                Poll::Ready(p) => Answer::Done(p),
                Poll::Waiting => Answer::Waiting,
                Poll::Finished => Answer::Done(None),
            },
            Inner::InWindow(d) => match d.show(ctx) {
                super::file_window::Outcome::Open => Answer::Waiting,
                super::file_window::Outcome::Chosen(p) => Answer::Done(Some(p)),
                super::file_window::Outcome::Cancelled => Answer::Done(None),
            },
            Inner::Failed => Answer::Done(None),
        }
    }
}

fn native(req: FileRequest, ctx: &egui::Context) -> Inner {
    let start = last_dir();
    let job = Background::once("file-dialog", ctx, move || {
        let mut d = rfd::FileDialog::new().set_title(&req.title);
        if let Some(dir) = &start {
            d = d.set_directory(dir);
        }
        for (label, exts) in &req.filters {
            d = d.add_filter(label, exts);
        }
        if req.save {
            d.set_file_name(&req.file_name).save_file()
        } else {
            d.pick_file()
        }
    });
    match job {
        Ok(job) => Inner::Native(job),
        // No thread for the native dialog: the in-window one needs none.
        Err(_) => Inner::Failed,
    }
}

fn in_window(req: FileRequest, ctx: &egui::Context) -> Inner {
    // Start in the last folder used, else where the user keeps files: the home folder,
    // else the working directory.
    let start = last_dir()
        .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
        .filter(|p| p.is_dir())
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    let exts = req
        .filters
        .iter()
        .flat_map(|(_, e)| e.iter().map(|x| x.to_ascii_lowercase()))
        .collect();
    let name = if req.save {
        req.file_name
    } else {
        String::new()
    };
    ctx.request_repaint();
    Inner::InWindow(Box::new(super::file_window::FileWindow::new(
        req.title, req.save, start, name, exts,
    )))
}
