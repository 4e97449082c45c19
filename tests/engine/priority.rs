//! Process tuning (src/sys.rs). Drawing yields to receiving: a thread started with `sys::spawn_data_thread` from a
//! lowered (window) thread keeps the process's normal priority (Linux: nice is per thread).

#[cfg(target_os = "linux")]
#[test]
fn data_threads_keep_the_normal_priority_under_a_lowered_window_thread() {
    use socket_tester::sys;
    let normal = sys::thread_nice();
    sys::start_data_spawner();
    // The "window" thread: lowered, then it starts a data thread.
    let (window_nice, data_nice, plain_nice) = std::thread::spawn(|| {
        assert!(sys::lower_ui_priority(), "setpriority failed");
        let window_nice = sys::thread_nice();
        let data = sys::spawn_data_thread("data".into(), || {
            assert_eq!(std::thread::current().name(), Some("data"));
        })
        .expect("spawn");
        data.join().expect("the data thread ran");
        let (tx, rx) = std::sync::mpsc::channel();
        sys::spawn_data_thread("data-2".into(), move || {
            let _ = tx.send(sys::thread_nice());
        })
        .expect("spawn")
        .join()
        .expect("join");
        let data_nice = rx.recv().expect("nice");
        // A thread spawned directly inherits the lowered priority.
        let plain_nice = std::thread::spawn(sys::thread_nice).join().expect("join");
        (window_nice, data_nice, plain_nice)
    })
    .join()
    .expect("window thread");
    assert_eq!(window_nice, (normal + sys::UI_NICE).min(19));
    assert_eq!(
        data_nice, normal,
        "the data thread kept the normal priority"
    );
    assert_eq!(
        plain_nice, window_nice,
        "a plain thread inherits the window's"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn the_descriptor_limit_is_raised_to_the_hard_limit() {
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).expect("getrlimit");
    let soft = socket_tester::sys::raise_fd_limit().expect("a limit");
    assert_eq!(soft, hard.min(1 << 20));
    let (now, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).expect("getrlimit");
    assert_eq!(now, soft);
}
