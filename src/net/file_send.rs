//! Sending a file, streamed from disk by the worker: one chunk is read only when the
//! previous ones have left (TCP: the connection's send queue is empty), so a file of any
//! size is never loaded whole and the window never blocks. Over UDP each chunk is one
//! datagram. Progress is shared through [`FileProgress`]; [`super::Command::CancelFile`]
//! stops it.

use super::error::ErrorKind;
use super::worker::Ctx;
use super::{EventKind, Target};
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The largest chunk accepted (UDP datagrams are capped lower by the kernel).
pub const MAX_CHUNK: usize = 16 * 1024 * 1024;

/// Where a file send stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileState {
    /// Queued, not opened yet.
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
}

/// Progress shared between the worker and whoever started the send.
#[derive(Debug, Default)]
pub struct FileProgress {
    sent: AtomicU64,
    total: AtomicU64,
    chunks: AtomicU64,
    state: AtomicU8,
}

impl FileProgress {
    /// Bytes handed to the socket so far.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The file's size when it was opened.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Chunks (datagrams on UDP) sent so far.
    pub fn chunks(&self) -> u64 {
        self.chunks.load(Ordering::Relaxed)
    }

    /// 0.0 to 1.0 (1.0 for an empty file).
    pub fn fraction(&self) -> f32 {
        let total = self.total();
        if total == 0 {
            return if self.state() == FileState::Done {
                1.0
            } else {
                0.0
            };
        }
        (self.sent() as f64 / total as f64).clamp(0.0, 1.0) as f32
    }

    pub fn state(&self) -> FileState {
        match self.state.load(Ordering::Relaxed) {
            1 => FileState::Running,
            2 => FileState::Done,
            3 => FileState::Failed,
            4 => FileState::Cancelled,
            _ => FileState::Pending,
        }
    }

    /// True once the send ended (done, failed or cancelled).
    pub fn is_over(&self) -> bool {
        matches!(
            self.state(),
            FileState::Done | FileState::Failed | FileState::Cancelled
        )
    }

    fn set_state(&self, s: FileState) {
        let v = match s {
            FileState::Pending => 0,
            FileState::Running => 1,
            FileState::Done => 2,
            FileState::Failed => 3,
            FileState::Cancelled => 4,
        };
        self.state.store(v, Ordering::Relaxed);
    }
}

/// What to send: [`super::Command::SendFile`] carries it.
#[derive(Clone, Debug)]
pub struct FileSpec {
    pub path: PathBuf,
    /// Bytes per chunk (per datagram on UDP), 1 to [`MAX_CHUNK`].
    pub chunk: usize,
    /// Wait this long between chunks.
    pub delay: Duration,
    pub to: Target,
    pub progress: Arc<FileProgress>,
}

impl FileSpec {
    pub fn new(path: impl Into<PathBuf>, chunk: usize, delay: Duration, to: Target) -> FileSpec {
        FileSpec {
            path: path.into(),
            chunk,
            delay,
            to,
            progress: Arc::new(FileProgress::default()),
        }
    }
}

/// What the worker should do next.
pub(crate) enum Step {
    /// Send these bytes now.
    Chunk(Vec<u8>),
    /// Not yet (a delay, or the previous chunk is still queued).
    Wait,
    /// The send ended (finished or failed, already reported): drop it.
    Over,
}

/// A file being sent, owned by the worker.
pub(crate) struct FileSend {
    file: File,
    pub spec: FileSpec,
    next_at: Instant,
    started: Instant,
    over: bool,
}

impl FileSend {
    /// Opens the file; reports a failure as an error event and returns None.
    pub fn open(ctx: &mut Ctx, spec: FileSpec) -> Option<FileSend> {
        let name = spec.path.display().to_string();
        let fail = |ctx: &mut Ctx, spec: &FileSpec, msg: String| {
            spec.progress.set_state(FileState::Failed);
            ctx.error(None, None, ErrorKind::BadPayload, msg);
        };
        if spec.chunk == 0 || spec.chunk > MAX_CHUNK {
            fail(
                ctx,
                &spec,
                format!("file not sent: the chunk size must be 1 to {MAX_CHUNK} bytes"),
            );
            return None;
        }
        let file = match File::open(&spec.path) {
            Ok(f) => f,
            Err(e) => {
                fail(
                    ctx,
                    &spec,
                    format!("file not sent: cannot open {name}: {e}"),
                );
                return None;
            }
        };
        let total = match file.metadata() {
            Ok(m) if m.is_dir() => {
                fail(ctx, &spec, format!("file not sent: {name} is a folder"));
                return None;
            }
            Ok(m) => m.len(),
            Err(_) => 0,
        };
        spec.progress.total.store(total, Ordering::Relaxed);
        spec.progress.sent.store(0, Ordering::Relaxed);
        spec.progress.set_state(FileState::Running);
        ctx.info(EventKind::FileStarted {
            name,
            bytes: total,
            chunk: spec.chunk as u64,
            delay_ms: u64::try_from(spec.delay.as_millis()).unwrap_or(u64::MAX),
        });
        let now = Instant::now();
        Some(FileSend {
            file,
            spec,
            next_at: now,
            started: now,
            over: false,
        })
    }

    /// `idle`: everything sent before has left (TCP: the send queue is empty).
    pub fn step(&mut self, ctx: &mut Ctx, now: Instant, idle: bool) -> Step {
        if self.over {
            return Step::Over;
        }
        if !idle || now < self.next_at {
            return Step::Wait;
        }
        let mut buf = vec![0u8; self.spec.chunk];
        let mut n = 0;
        while n < buf.len() {
            match self.file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.fail(ctx, format!("file send stopped: cannot read the file: {e}"));
                    return Step::Over;
                }
            }
        }
        if n == 0 {
            self.over = true;
            self.spec.progress.set_state(FileState::Done);
            let p = &self.spec.progress;
            ctx.info(EventKind::FileSent {
                bytes: p.sent(),
                chunks: p.chunks(),
                micros: u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX),
            });
            return Step::Over;
        }
        buf.truncate(n);
        self.spec
            .progress
            .sent
            .fetch_add(n as u64, Ordering::Relaxed);
        self.spec.progress.chunks.fetch_add(1, Ordering::Relaxed);
        self.next_at = now + self.spec.delay;
        Step::Chunk(buf)
    }

    /// How long the worker may wait before calling [`FileSend::step`] again.
    pub fn wait(&self, now: Instant, idle: bool, tick: Duration) -> Duration {
        if !idle {
            return tick;
        }
        self.next_at.saturating_duration_since(now).min(tick)
    }

    /// Ends the send with an error.
    pub fn fail(&mut self, ctx: &mut Ctx, message: String) {
        if !self.over {
            self.over = true;
            self.spec.progress.set_state(FileState::Failed);
            ctx.error(None, None, ErrorKind::Io, message);
        }
    }

    /// Ends the send at the user's request.
    pub fn cancel(&mut self, ctx: &mut Ctx) {
        if !self.over {
            self.over = true;
            self.spec.progress.set_state(FileState::Cancelled);
            ctx.info(EventKind::FileCancelled {
                sent: self.spec.progress.sent(),
                total: self.spec.progress.total(),
            });
        }
    }
}

impl Drop for FileSend {
    fn drop(&mut self) {
        if !self.over {
            self.spec.progress.set_state(FileState::Failed);
        }
    }
}

/// Handles [`super::Command::SendFile`]: a send already running is replaced (and said so).
pub(crate) fn start(ctx: &mut Ctx, current: &mut Option<FileSend>, spec: FileSpec) {
    if let Some(mut old) = current.take() {
        old.cancel(ctx);
    }
    *current = FileSend::open(ctx, spec);
}

/// A send that cannot start (no target): reported as an error, marked failed.
pub(crate) fn start_failed(ctx: &mut Ctx, spec: FileSpec, message: String) {
    spec.progress.set_state(FileState::Failed);
    ctx.error(
        None,
        None,
        ErrorKind::NotConnected,
        format!("file not sent: {message}"),
    );
}

/// Handles [`super::Command::CancelFile`].
pub(crate) fn cancel(ctx: &mut Ctx, current: &mut Option<FileSend>) {
    match current.take() {
        Some(mut f) => f.cancel(ctx),
        None => {
            ctx.info(EventKind::NoFileBeingSent);
        }
    }
}
