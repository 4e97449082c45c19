//! The command-line tests: the built `socket-tester` binary run as a user would (headless
//! roles, `run`, `replay`, `export`), against real peers on loopback. One binary; each
//! former test file is a module. Run one group with `cargo test --test cli replay::`.

#[path = "../support/mod.rs"]
mod support;

mod binary_fields;
mod crowd;
mod crowd_conn;
mod crowd_sequence;
mod e2e_expect;
mod e2e_headless;
mod export_people;
mod export_safety;
mod fault_record;
mod framing;
mod headless_output;
mod hostile_bytes;
mod pause_reading;
mod privacy;
mod record_pcapng;
mod relay;
mod relay_pcap;
mod relay_rewrite;
mod relay_tls;
mod replay;
mod rules;
mod sequence_run;
mod tls_trust;
mod udp_icmp;
mod unix;
mod websocket;
