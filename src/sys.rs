//! Process-wide tuning done once at start, by the app and by the benchmark alike: the
//! allocator, and the priority of drawing against receiving.
//!
//! Received data moves from a worker thread (which allocates each chunk) to the runtime
//! thread (which frees the oldest rows once the log is at its cap). glibc gives the memory
//! of a thread's arena back to the kernel as soon as its top is free (`MADV_DONTNEED`), so
//! the next chunk page-faults fresh zeroed pages: a profile of a 1 GiB TCP stream spent
//! over half of its time in page faults. Keeping some freed memory for reuse removes that;
//! the log's own caps still bound how much is held.
//!
//! The window's thread draws below the normal priority ([`lower_ui_priority`]), so on a
//! busy machine (software rendering, two cores) a frame waits for the data path and never
//! the other way round. Threads inherit their creator's priority, so the threads of the
//! data path are started by a small thread that keeps the normal one
//! ([`spawn_data_thread`]).
//!
//! Without a GPU the window draws with Mesa's software renderer (llvmpipe), which starts one
//! rasterizing thread per core. A frame then takes every core at once, and the kernel's
//! scheduler (EEVDF, Linux 6.6 on) lets a running thread finish its slice before a woken
//! one runs, however low its priority: on two cores a datagram that needed an auto-reply
//! waited up to a slice (about 2 ms at p95, against 0.3 ms headless). So unless the user
//! chose (`LP_NUM_THREADS` set), drawing gets at most half the cores
//! ([`limit_software_renderer`]); hardware drivers ignore the variable.

use std::io;
use std::sync::OnceLock;
use std::thread::JoinHandle;

/// How much lower (in `nice` steps) the window's thread runs than the data path.
pub const UI_NICE: i32 = 10;

/// Raises glibc's trim threshold and fixes its mmap threshold, so memory freed by the log
/// is reused instead of returned and faulted in again. No-op elsewhere.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 8 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

/// The environment variable Mesa's llvmpipe reads for its rasterizing threads.
pub const RENDER_THREADS_VAR: &str = "LP_NUM_THREADS";

/// How many rasterizing threads llvmpipe gets on a machine with `cores` cores: together
/// with the window's own thread (which rasterizes when the number is 0), at most half.
pub fn render_threads(cores: usize) -> usize {
    (cores / 2).saturating_sub(1)
}

/// Sets [`RENDER_THREADS_VAR`] to [`render_threads`] unless it is set already. Returns the
/// number set, or None when the user's own value was kept. Call it first thing in `main`.
pub fn limit_software_renderer() -> Option<usize> {
    if std::env::var_os(RENDER_THREADS_VAR).is_some() {
        return None;
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = render_threads(cores);
    // SAFETY: called at the start of `main`, before any other thread exists, so nothing
    // reads the environment at the same time.
    unsafe { std::env::set_var(RENDER_THREADS_VAR, n.to_string()) };
    Some(n)
}

type Job = Box<dyn FnOnce() + Send>;

/// The thread that starts data-path threads at the normal priority, once started.
static SPAWNER: OnceLock<crossbeam_channel::Sender<Job>> = OnceLock::new();

/// Starts the spawner of [`spawn_data_thread`]. Call it before [`lower_ui_priority`].
pub fn start_data_spawner() {
    SPAWNER.get_or_init(|| {
        let (tx, rx) = crossbeam_channel::unbounded::<Job>();
        let started = std::thread::Builder::new()
            .name("data-spawner".into())
            .spawn(move || {
                for job in rx {
                    job();
                }
            });
        if started.is_err() {
            // Without it, data threads are spawned directly (at the caller's priority).
            let (dead, _) = crossbeam_channel::unbounded();
            return dead;
        }
        tx
    });
}

/// Spawns a thread of the data path (a session runtime). When the spawner runs, the thread
/// is started from it, so it has the process's normal priority even when the caller is the
/// window's lowered thread; otherwise it is spawned here.
pub fn spawn_data_thread<F>(name: String, f: F) -> io::Result<JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    let direct = |name: String, f: F| std::thread::Builder::new().name(name).spawn(f);
    let Some(spawner) = SPAWNER.get() else {
        return direct(name, f);
    };
    let (back_tx, back_rx) = crossbeam_channel::bounded(1);
    let job: Job = Box::new(move || {
        let _ = back_tx.send(std::thread::Builder::new().name(name).spawn(f));
    });
    if let Err(crossbeam_channel::SendError(job)) = spawner.send(job) {
        // The spawner is gone: run the job here, which spawns from this thread.
        job();
    }
    back_rx
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the thread spawner stopped")))
}

/// Lowers the calling thread's priority by [`UI_NICE`] (Linux: `nice` is per thread).
/// Threads it starts later (the GL driver's, dialog threads) inherit it. Returns whether it
/// took effect; elsewhere a no-op.
pub fn lower_ui_priority() -> bool {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take no pointers; they change only this thread.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        let now = libc::getpriority(libc::PRIO_PROCESS, tid);
        libc::setpriority(libc::PRIO_PROCESS, tid, now.saturating_add(UI_NICE)) == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// The calling thread's nice value (Linux; 0 elsewhere).
pub fn thread_nice() -> i32 {
    #[cfg(target_os = "linux")]
    // SAFETY: as in lower_ui_priority.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::getpriority(libc::PRIO_PROCESS, tid)
    }
    #[cfg(not(target_os = "linux"))]
    {
        0
    }
}

/// Raises the soft limit of open descriptors to the hard limit (at most 1,048,576), so the
/// TCP Server tab takes thousands of clients where the default soft limit is 1,024.
/// Returns the soft limit now in force (None where unknown).
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(target_os = "linux")]
    // SAFETY: getrlimit/setrlimit read and write the struct passed by pointer only.
    unsafe {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return None;
        }
        let want = lim.rlim_max.min(1 << 20);
        if want > lim.rlim_cur {
            let new = libc::rlimit {
                rlim_cur: want,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &new) == 0 {
                lim.rlim_cur = want;
            }
        }
        Some(lim.rlim_cur)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::render_threads;

    #[test]
    fn drawing_gets_at_most_half_the_cores() {
        // The window's thread rasterizes itself when llvmpipe gets 0 threads.
        assert_eq!(render_threads(1), 0);
        assert_eq!(render_threads(2), 0);
        assert_eq!(render_threads(4), 1);
        assert_eq!(render_threads(8), 3);
        assert_eq!(render_threads(64), 31);
    }
}
