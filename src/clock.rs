//! The wall clock, at the bottom of the layers (it uses nothing of the crate): event
//! timestamps (`net`), template time fields (`codec`) and file names all read it here.

/// Microseconds since the Unix epoch, now.
pub fn now_us() -> i64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    d.as_micros() as i64
}
