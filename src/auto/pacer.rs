//! Auto-send on its own thread: a payload every T (down to 1 ms), N times or until
//! stopped. The thread keeps an absolute schedule (send k is due at start + k·T), so
//! the rate stays exact even when one sleep overshoots: a late tick sends what is due.
//! It stops by itself when the session ends (its commands no longer go anywhere).

use crate::codec::PayloadError;
use crate::net::{Command, Notifier, Payload, SessionHandle, Target};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The shortest interval.
pub const MIN_EVERY: Duration = Duration::from_millis(1);
/// When further behind than this, the schedule restarts from now (no burst of catch-up).
const MAX_BEHIND: Duration = Duration::from_millis(250);

/// What a pacer does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacerPlan {
    pub every: Duration,
    /// None: until stopped.
    pub count: Option<u64>,
    pub to: Target,
}

/// Why a pacer ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PacerEnd {
    /// All planned sends went out.
    Done,
    Stopped,
    /// The session ended.
    SessionGone,
    /// The payload could not be made.
    BadPayload(PayloadError),
    /// The thread could not start (the system's words).
    Failed(String),
}

struct Shared {
    sent: AtomicU64,
    stop: AtomicBool,
    end: std::sync::Mutex<Option<PacerEnd>>,
}

/// A running auto-send. Dropping it stops the thread.
pub struct Pacer {
    shared: Arc<Shared>,
    plan: PacerPlan,
    thread: Option<JoinHandle<()>>,
}

impl Pacer {
    /// Starts sending. `make` builds each payload (rendering variables, appending a
    /// checksum); an error from it ends the run.
    pub fn start(
        handle: SessionHandle,
        plan: PacerPlan,
        mut make: impl FnMut() -> Result<Vec<u8>, PayloadError> + Send + 'static,
        notify: Option<Notifier>,
    ) -> Pacer {
        let shared = Arc::new(Shared {
            sent: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            end: std::sync::Mutex::new(None),
        });
        let sh = shared.clone();
        let p = plan.clone();
        let every = plan.every.max(MIN_EVERY);
        let thread = std::thread::Builder::new()
            .name("auto-send".into())
            .spawn(move || {
                let end = run(&handle, &p, every, &mut make, &sh);
                if let Ok(mut e) = sh.end.lock() {
                    *e = Some(end);
                }
                if let Some(n) = &notify {
                    n();
                }
            });
        let thread = match thread {
            Ok(t) => Some(t),
            Err(e) => {
                if let Ok(mut end) = shared.end.lock() {
                    *end = Some(PacerEnd::Failed(e.to_string()));
                }
                None
            }
        };
        Pacer {
            shared,
            plan,
            thread,
        }
    }

    pub fn plan(&self) -> &PacerPlan {
        &self.plan
    }

    /// How many sends went out.
    pub fn sent(&self) -> u64 {
        self.shared.sent.load(Ordering::Relaxed)
    }

    /// Why it ended, once it has.
    pub fn end(&self) -> Option<PacerEnd> {
        self.shared.end.lock().ok().and_then(|e| e.clone())
    }

    pub fn is_running(&self) -> bool {
        self.end().is_none()
    }

    /// "37 / 100" or "37 sent".
    pub fn progress_text(&self) -> String {
        match self.plan.count {
            Some(n) => format!("{} / {n}", self.sent()),
            None => format!("{} sent", self.sent()),
        }
    }

    /// Asks the thread to stop (it ends within a millisecond or so).
    pub fn stop(&self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(t) = &self.thread {
            t.thread().unpark();
        }
    }

    /// Stops and waits for the thread.
    pub fn stop_and_join(&mut self) {
        self.stop();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(
    handle: &SessionHandle,
    plan: &PacerPlan,
    every: Duration,
    make: &mut dyn FnMut() -> Result<Vec<u8>, PayloadError>,
    sh: &Shared,
) -> PacerEnd {
    let mut next = Instant::now();
    let mut sent: u64 = 0;
    loop {
        if sh.stop.load(Ordering::Relaxed) {
            return PacerEnd::Stopped;
        }
        if plan.count.is_some_and(|n| sent >= n) {
            return PacerEnd::Done;
        }
        let now = Instant::now();
        if now < next {
            // Park wakes early on stop; a short final spin keeps 1 ms intervals tight.
            let left = next - now;
            if left > Duration::from_micros(300) {
                std::thread::park_timeout(left - Duration::from_micros(200));
            } else {
                std::thread::yield_now();
            }
            continue;
        }
        let bytes = match make() {
            Ok(b) => b,
            Err(e) => return PacerEnd::BadPayload(e),
        };
        let cmd = Command::Send {
            payload: Payload::Bytes(bytes),
            to: plan.to.clone(),
        };
        if !handle.send(cmd) {
            return PacerEnd::SessionGone;
        }
        sent += 1;
        sh.sent.store(sent, Ordering::Relaxed);
        next += every;
        if now.saturating_duration_since(next) > MAX_BEHIND {
            next = now + every;
        }
    }
}
