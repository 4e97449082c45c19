//! The Relay tab (中继): listen on an address, forward to a server, and bend each
//! direction on purpose. Its fields are saved with the tab and in presets
//! ([`RelaySettings`], inside the tab's settings); the faults are numbers, each off at 0,
//! turned into the relay's [`Faults`] here, and handed to a running relay as they change
//! (`Command::SetFaults`). Drawing is in `relay_tab`; the session the fields describe is
//! made in `tab_config`.

use crate::net::Role;
use crate::net::relay::{DirFaults, Faults, Leg, Trigger};
use crate::net::tls::TlsOptions;
use crate::ui::pickers::tls_picker::{TlsFieldProblem, TlsForm};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The faults of one direction as the tab edits them: whole numbers, 0 = off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DirFaultForm {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    /// Bytes per second.
    pub bandwidth: u64,
    /// TCP: pieces of this many bytes, `slice_gap_ms` apart (拆包).
    pub slice_bytes: u64,
    pub slice_gap_ms: u64,
    /// TCP: hold what arrives this long and write it as one (粘包).
    pub merge_ms: u64,
    /// UDP: percentages.
    pub drop_pct: u64,
    pub duplicate_pct: u64,
    /// UDP: let up to this many later datagrams pass a held one.
    pub reorder: u64,
    pub corrupt_pct: u64,
    /// TCP: after this many bytes went this way, or this many milliseconds after the
    /// pair started (`--reset-after 5s`): each cut's unit says which.
    pub reset_after: u64,
    pub close_after: u64,
    pub blackhole_after: u64,
    pub reset_unit: CutUnit,
    pub close_unit: CutUnit,
    pub blackhole_unit: CutUnit,
}

/// What a cut (reset, close, black hole) waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutUnit {
    /// After this many bytes went this way.
    #[default]
    Bytes,
    /// This many milliseconds after the pair started.
    Ms,
}

/// The TLS of a relay's listening side and of its upstream side.
pub type RelayTls = (Option<TlsOptions>, Option<TlsOptions>);

/// The most a percentage field takes.
pub const MAX_PCT: u64 = 100;

fn pct(p: u64) -> f64 {
    p.min(MAX_PCT) as f64 / 100.0
}

/// A cut after `n` (0: none) of `unit`.
fn trigger(n: u64, unit: CutUnit) -> Option<Trigger> {
    (n > 0).then_some(match unit {
        CutUnit::Bytes => Trigger::Bytes(n),
        CutUnit::Ms => Trigger::After(Duration::from_millis(n)),
    })
}

impl DirFaultForm {
    /// The fields of a direction's faults (percentages rounded to whole ones).
    pub fn from_faults(f: &DirFaults) -> DirFaultForm {
        let ms = |d: Duration| d.as_millis().min(u128::from(u64::MAX)) as u64;
        let pct = |p: f64| (p * 100.0).round().clamp(0.0, MAX_PCT as f64) as u64;
        // A cut: its number and what it counts.
        let cut = |t: Option<Trigger>| match t {
            Some(Trigger::Bytes(n)) => (n, CutUnit::Bytes),
            Some(Trigger::After(d)) => (ms(d).max(1), CutUnit::Ms),
            None => (0, CutUnit::Bytes),
        };
        let (reset_after, reset_unit) = cut(f.reset_after);
        let (close_after, close_unit) = cut(f.close_after);
        let (blackhole_after, blackhole_unit) = cut(f.blackhole_after);
        DirFaultForm {
            latency_ms: ms(f.latency),
            jitter_ms: ms(f.jitter),
            bandwidth: f.bandwidth.unwrap_or(0),
            slice_bytes: f.slice.map_or(0, |(n, _)| n as u64),
            slice_gap_ms: f.slice.map_or(0, |(_, g)| ms(g)),
            merge_ms: f.merge.map_or(0, ms),
            drop_pct: pct(f.drop),
            duplicate_pct: pct(f.duplicate),
            reorder: f.reorder as u64,
            corrupt_pct: pct(f.corrupt),
            reset_after,
            close_after,
            blackhole_after,
            reset_unit,
            close_unit,
            blackhole_unit,
        }
    }

    /// The relay's faults of this direction (those of the other protocol stay off).
    pub fn faults(&self, udp: bool) -> DirFaults {
        let ms = Duration::from_millis;
        let tcp = !udp;
        DirFaults {
            latency: ms(self.latency_ms),
            jitter: ms(self.jitter_ms),
            bandwidth: (self.bandwidth > 0).then_some(self.bandwidth),
            slice: (tcp && self.slice_bytes > 0)
                .then(|| (self.slice_bytes as usize, ms(self.slice_gap_ms))),
            merge: (tcp && self.merge_ms > 0).then(|| ms(self.merge_ms)),
            drop: if udp { pct(self.drop_pct) } else { 0.0 },
            duplicate: if udp { pct(self.duplicate_pct) } else { 0.0 },
            reorder: if udp {
                self.reorder.min(1024) as usize
            } else {
                0
            },
            corrupt: pct(self.corrupt_pct),
            reset_after: trigger(self.reset_after, self.reset_unit).filter(|_| tcp),
            close_after: trigger(self.close_after, self.close_unit).filter(|_| tcp),
            blackhole_after: trigger(self.blackhole_after, self.blackhole_unit),
        }
    }
}

/// The Relay tab's own fields (the listening host and port are the tab's `host`/`port`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RelaySettings {
    /// The server to forward to.
    pub to_host: String,
    pub to_port: String,
    pub udp: bool,
    /// Up: client → server.
    pub up: DirFaultForm,
    /// Down: server → client.
    pub down: DirFaultForm,
    /// The seed of the random faults; 0: a new one each start (told in the log).
    pub seed: u64,
    /// The Faults section is open.
    pub faults_open: bool,
    /// The rewrite rules and Intercept's switches.
    pub rewrite: super::relay_rules_form::RewriteForm,
    /// TCP: TLS ended from clients (the TCP Server tab's fields).
    pub tls_listen: TlsForm,
    /// TCP: TLS started to the server (the TCP Client tab's fields).
    pub tls_upstream: TlsForm,
}

impl Default for RelaySettings {
    fn default() -> Self {
        RelaySettings {
            to_host: "127.0.0.1".into(),
            to_port: "7891".into(),
            udp: false,
            up: DirFaultForm::default(),
            down: DirFaultForm::default(),
            seed: 0,
            faults_open: true,
            rewrite: Default::default(),
            tls_listen: TlsForm::default(),
            tls_upstream: TlsForm::default(),
        }
    }
}

impl RelaySettings {
    /// The fields of a relay launched from the command line (`socket-tester relay`
    /// without `--headless`). A cut after a time (`--reset-after 5s`) shows in
    /// milliseconds, that cut's unit set to time.
    pub fn from_config(rc: &crate::net::relay::RelayConfig) -> RelaySettings {
        let mut s = RelaySettings::default();
        if let Ok((host, port)) = crate::net::addr::split_host_port(&rc.to) {
            s.to_host = host;
            s.to_port = port.to_string();
        }
        s.udp = rc.udp;
        s.seed = rc.seed.unwrap_or(0);
        s.up = DirFaultForm::from_faults(&rc.faults.up);
        s.down = DirFaultForm::from_faults(&rc.faults.down);
        s.rewrite = super::relay_rules_form::RewriteForm::from_config(rc);
        s.tls_listen = TlsForm::from_options(rc.tls_listen.as_ref());
        s.tls_upstream = TlsForm::from_options(rc.tls_upstream.as_ref());
        s
    }

    /// The TLS of the listening side and of the upstream side (both None for UDP), or
    /// the side and the first bad field.
    pub fn tls(&self) -> Result<RelayTls, (Leg, TlsFieldProblem)> {
        if self.udp {
            return Ok((None, None));
        }
        let listen = self
            .tls_listen
            .options(Role::TcpServer)
            .map_err(|p| (Leg::Client, p))?;
        let upstream = self
            .tls_upstream
            .options(Role::TcpClient)
            .map_err(|p| (Leg::Server, p))?;
        Ok((listen, upstream))
    }

    pub fn faults(&self) -> Faults {
        Faults {
            up: self.up.faults(self.udp),
            down: self.down.faults(self.udp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fault_is_off_by_default_and_the_other_protocols_stay_off() {
        let s = RelaySettings::default();
        assert!(s.faults().up.is_off() && s.faults().down.is_off());
        let f = DirFaultForm {
            latency_ms: 100,
            slice_bytes: 4,
            slice_gap_ms: 10,
            drop_pct: 20,
            reset_after: 1000,
            ..Default::default()
        };
        let tcp = f.faults(false);
        assert_eq!(tcp.latency, Duration::from_millis(100));
        assert_eq!(tcp.slice, Some((4, Duration::from_millis(10))));
        assert_eq!(tcp.drop, 0.0, "drop is UDP's");
        assert_eq!(tcp.reset_after, Some(Trigger::Bytes(1000)));
        let udp = f.faults(true);
        assert_eq!(udp.drop, 0.2);
        assert_eq!(udp.slice, None, "slicing is TCP's");
        assert_eq!(udp.reset_after, None);
    }

    #[test]
    fn a_timed_cut_comes_back_as_milliseconds() {
        let f = DirFaults {
            reset_after: Some(Trigger::After(Duration::from_secs(5))),
            ..Default::default()
        };
        let form = DirFaultForm::from_faults(&f);
        assert_eq!((form.reset_after, form.reset_unit), (5000, CutUnit::Ms));
        assert_eq!(form.faults(false), f);
        // Bytes and time side by side in one direction.
        let mixed = DirFaults {
            reset_after: Some(Trigger::Bytes(1000)),
            close_after: Some(Trigger::After(Duration::from_secs(2))),
            ..Default::default()
        };
        assert_eq!(DirFaultForm::from_faults(&mixed).faults(false), mixed);
    }
}
