//! Process-wide tuning done once at start, by the app and by the benchmark alike.
//!
//! Received data moves from a worker thread (which allocates each chunk) to the UI thread
//! (which frees the oldest rows once the log is at its cap). glibc gives the memory of a
//! thread's arena back to the kernel as soon as its top is free (`MADV_DONTNEED`), so the
//! next chunk page-faults fresh zeroed pages: a profile of a 1 GiB TCP stream spent over
//! half of its time in page faults. Keeping freed memory for reuse removes that; the log's
//! own caps still bound how much is held.

/// Raises glibc's trim threshold and fixes its mmap threshold, so memory freed by the log
/// is reused instead of returned and faulted in again. No-op elsewhere.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}
