//! Address fields: host, port, host:port and [v6]:port never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::net::addr;

fuzz_target!(|s: &str| {
    let _ = addr::check_host(s, true);
    let _ = addr::parse_port(s, false);
    if let Ok((h, p)) = addr::split_host_port(s) {
        let _ = addr::join_host_port(&h, p);
    }
});
