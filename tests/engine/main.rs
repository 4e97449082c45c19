//! The engine tests: sockets, sessions, the runtime, records, spools and exports, against
//! real peers on loopback (std::net, Python, openssl). One binary (see README, "How it is
//! built"): each former test file is a module; `support` holds the shared helpers.
//! Run one group with `cargo test --test engine tcp_client::`.

#[path = "../support/mod.rs"]
mod support;

mod addr_class;
mod crowd;
mod crowd_reopen;
mod crowd_sequence;
mod disk_full;
mod errors;
mod export_roundtrip;
mod fault_panic;
mod file_send;
mod flood_waiting;
mod fuzz_regressions;
mod hostile_storm;
mod hostile_tcp;
mod hostile_udp;
mod i18n_ftl;
mod ipv6;
mod layers;
mod limits;
mod many_clients;
mod multicast;
mod pause_reading;
mod payloads;
mod port_owner;
mod priority;
mod prop_parsers;
mod prop_spool;
mod record;
mod record_throughput;
mod relay;
mod relay_faults;
mod relay_idle;
mod relay_rewrite;
mod relay_runtime;
mod relay_tls;
mod resources;
mod rule_captures;
mod rx_check;
mod session_roster;
mod session_runtime;
mod session_sequence;
mod sockopts;
mod spool_format;
mod spool_search;
mod stop;
mod tcp_client;
mod tcp_info;
mod tcp_reset;
mod tcp_server;
mod tcp_stream;
mod tls;
mod tls_bulk;
mod tls_openssl;
mod tls_trust;
mod udp;
mod udp_batch;
mod udp_icmp;
mod unix;
mod websocket;
mod websocket_limits;
