//! Scheduling of the data path's threads (Linux): a short time slice, so a thread that
//! wakes with a datagram to answer runs at once instead of waiting for a busy thread of
//! lower priority (the window's drawing) to use up its slice.
//!
//! Linux's scheduler (EEVDF, 6.6 and later) lets the running thread keep the CPU until its
//! slice is used (about 1.5 ms on two cores) even when a thread of higher priority wakes;
//! a thread that asks for a shorter slice (`sched_setattr` with `sched_runtime`, 6.12 and
//! later, no privilege needed) is let in at once. Nothing else about its priority changes.
//! Elsewhere, or on an older kernel, this does nothing.

/// The slice the data path's threads ask for: the shortest the kernel takes (0.1 ms).
pub const DATA_SLICE_NS: u64 = 100_000;

/// Asks for a short time slice for the calling thread. Returns whether the kernel took it.
pub fn quick_wakeups() -> bool {
    #[cfg(target_os = "linux")]
    {
        linux::set_slice(DATA_SLICE_NS)
    }
    #[cfg(not(target_os = "linux"))]
    {
        false
    }
}

/// The calling thread's slice in ns as the kernel holds it (None where it cannot tell).
pub fn slice_ns() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        linux::get().map(|a| a.sched_runtime)
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(target_os = "linux")]
mod linux {
    /// `struct sched_attr` of `sched_setattr(2)` (its first version, 56 bytes).
    #[repr(C)]
    #[derive(Default)]
    pub struct SchedAttr {
        pub size: u32,
        pub sched_policy: u32,
        pub sched_flags: u64,
        pub sched_nice: i32,
        pub sched_priority: u32,
        pub sched_runtime: u64,
        pub sched_deadline: u64,
        pub sched_period: u64,
        pub sched_util_min: u32,
        pub sched_util_max: u32,
    }

    pub fn get() -> Option<SchedAttr> {
        let mut a = SchedAttr::default();
        // SAFETY: sched_getattr writes at most `size` bytes into `a`, which has that size;
        // pid 0 is the calling thread.
        let r = unsafe {
            libc::syscall(
                libc::SYS_sched_getattr,
                0,
                &mut a as *mut SchedAttr,
                std::mem::size_of::<SchedAttr>() as u32,
                0u32,
            )
        };
        (r == 0).then_some(a)
    }

    pub fn set_slice(ns: u64) -> bool {
        let Some(mut a) = get() else {
            return false;
        };
        // Only the normal policy has a slice to set (a thread made real-time keeps its own).
        if a.sched_policy != libc::SCHED_OTHER as u32 {
            return false;
        }
        a.size = std::mem::size_of::<SchedAttr>() as u32;
        a.sched_flags = 0;
        a.sched_runtime = ns;
        // SAFETY: sched_setattr reads `size` bytes of `a`; pid 0 is the calling thread.
        // The nice value read above is given back unchanged.
        let r = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &a as *const SchedAttr, 0u32) };
        r == 0
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_thread_gets_a_short_slice_and_keeps_its_nice() {
        let h = std::thread::spawn(|| {
            // SAFETY: nice only changes this thread's priority (it may only go down).
            let before = unsafe { libc_nice() };
            let took = super::quick_wakeups();
            let after = unsafe { libc_nice() };
            (took, super::slice_ns(), before, after)
        });
        let (took, slice, before, after) = h.join().unwrap();
        assert_eq!(before, after, "the nice value is kept");
        // Linux 6.12 and later keep a fair thread's slice and say it back; older kernels
        // accept the call and keep their own.
        if took && kernel_at_least(6, 12) {
            assert_eq!(slice, Some(super::DATA_SLICE_NS));
        } else {
            eprintln!("this kernel keeps its own slice (older than 6.12, or not Linux)");
        }
    }

    fn kernel_at_least(major: u32, minor: u32) -> bool {
        let Ok(r) = std::fs::read_to_string("/proc/sys/kernel/osrelease") else {
            return false;
        };
        let mut n = r
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|p| p.parse::<u32>().ok());
        (n.next().unwrap_or(0), n.next().unwrap_or(0)) >= (major, minor)
    }

    /// The calling thread's nice value (Linux), 0 elsewhere.
    unsafe fn libc_nice() -> i32 {
        #[cfg(target_os = "linux")]
        // SAFETY: getpriority takes no pointers.
        unsafe {
            libc::getpriority(libc::PRIO_PROCESS, libc::syscall(libc::SYS_gettid) as u32)
        }
        #[cfg(not(target_os = "linux"))]
        0
    }
}
