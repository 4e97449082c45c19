//! The session runtime: one per tab (or per headless run), on its own thread. It drains
//! the socket worker, writes the spool and the `--record` file, keeps the counters, the
//! display framing and the bounded view, and runs the automation (auto-reply, Expect,
//! auto-send). It runs the same with or without a window: the window only reads
//! [`View`] each frame and sends [`Control`]s; headless mode only prints its [`Output`].
//!
//! ```no_run
//! use socket_tester::session::{Runtime, RuntimeOptions};
//! use socket_tester::net::{Role, SessionConfig};
//! let rt = Runtime::new(Role::UdpReceiver, RuntimeOptions::default());
//! rt.start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:8080"), Default::default(), None);
//! ```

pub mod budget;
pub mod crowd;
pub mod enc_watch;
mod half_close;

pub mod replay_host;
pub mod roster;
mod runner;
pub mod sequence_host;
pub mod stats;
pub mod tcp_flow;
pub mod timeline;
pub mod tools;
pub mod view;

pub use budget::SpoolBudget;

pub use tools::MakePayload;
pub use view::{
    AutoNote, AutoView, ConnState, RulesView, Status, View, WriterError, WriterFailure,
};

use crate::auto::auto_send::AutoPlan;
use crate::auto::expect::{Expect, TryResult};
use crate::auto::pacer::PacerPlan;
use crate::auto::rules::RuleSet;
use crate::codec::{CheckOutcome, ChecksumSpec, Encoding, Framing};
use crate::log::LogStore;
use crate::net::{Command, Event, Notifier, Role, SessionConfig};
use crossbeam_channel::Sender;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// What a runtime is asked to do.
pub enum Control {
    /// Start a worker with this config, launch plan and `--record` file.
    Start {
        config: Box<SessionConfig>,
        plan: Box<AutoPlan>,
        record: Option<PathBuf>,
    },
    /// A command for the worker (sends, half-close, kick, stop listening, files…).
    Worker(Command),
    /// Stop the worker (its last events are still taken).
    Stop,
    SetEncoding(Encoding),
    /// TCP display framing (the spool and the record keep the raw chunks).
    SetFraming(Framing),
    /// Check each received row (each frame, with a framing) against a checksum in it;
    /// None: no check. Marks the rows and counts good and bad ones.
    SetRxCheck(Option<ChecksumSpec>),
    SetRules(Box<RuleSet>),
    ResetRuleCounts,
    StartExpect(Box<Expect>),
    CancelExpect,
    /// Run a test sequence on this session (`step`: one step per [`Control::StepSequence`]).
    StartSequence {
        run: Box<crate::sequence::run::SequenceRun>,
        step: bool,
    },
    StepSequence,
    StopSequence,
    /// Replay a record to HOST:PORT through a session of its own; its traffic joins this
    /// runtime's log, spool and record.
    StartReplay(Box<replay_host::ReplayJob>),
    StopReplay,
    /// TCP server: check every client against this exchange (a class roster).
    StartRoster(Box<roster::RosterSpec>),
    /// Stop checking (the table stays).
    StopRoster,
    /// Feed every event from now on, as pcapng, into this file or FIFO (Wireshark live).
    StartLive(PathBuf),
    StopLive,
    StartAutoSend(PacerPlan, MakePayload),
    StopAutoSend,
    /// A note the user attached to this moment.
    Note(String),
    /// Forget the log: rows, counters and the spool's contents.
    Clear,
    /// The log's memory caps.
    SetCaps {
        rows: usize,
        bytes: usize,
    },
    /// Answer once everything queued so far is on disk (true) or the spool stopped (false).
    SyncSpool(Sender<bool>),
    /// Forget the UDP senders table.
    ClearSenders,
    /// Where the spool goes (for a spool not created yet).
    SetSpoolDir(PathBuf),
    /// What wakes the window.
    SetNotify(Notifier),
    /// The cap on all spools together: recording stops when it is reached.
    SetSpoolBudget(budget::SpoolBudget),
    /// End the runtime: stop the worker, finish the writers, remove the spool.
    Shutdown,
}

/// What headless mode (or a test) hears from the runtime thread, in order.
pub trait Output: Send {
    /// Every event, as it is taken from the worker (and notes).
    fn event(&mut self, ev: &Event);
    /// The same, with its checksum check when the session checks received data and the
    /// event is shown as it came (not cut into frames). The default ignores the check.
    fn event_checked(&mut self, ev: &Event, check: Option<CheckOutcome>) {
        let _ = check;
        self.event(ev);
    }
    /// An Expect try finished (headless `--expect` prints one line each).
    fn expect_try(&mut self, _r: &TryResult) {}
    /// A replay reported (the command line prints each one).
    fn replay_report(&mut self, _r: &crate::replay::Report) {}
    /// A batch of events is done (a printer flushes here, not per event).
    fn batch_done(&mut self) {}
}

/// How a runtime is set up.
#[derive(Clone, Default)]
pub struct RuntimeOptions {
    /// Where the always-on spool goes (None: no spool, as in headless mode, where the
    /// `--record` file and stdout are the output).
    pub spool_dir: Option<PathBuf>,
    /// Wakes the window when the view changed (coalesced to about 60 a second).
    pub notify: Option<Notifier>,
    /// The encoding of the log at start.
    pub encoding: Option<Encoding>,
}

impl RuntimeOptions {
    /// For a command-line host (`run`, `replay`): no spool, and a channel that the
    /// runtime pings when its view changed, for the host to wait on.
    pub fn woken(encoding: Option<Encoding>) -> (RuntimeOptions, crossbeam_channel::Receiver<()>) {
        let (wake, woken) = crossbeam_channel::bounded(1);
        let opts = RuntimeOptions {
            spool_dir: None,
            notify: Some(Arc::new(move || {
                let _ = wake.try_send(());
            })),
            encoding,
        };
        (opts, woken)
    }
}

/// The view shared between the runtime thread and its readers.
pub type SharedView = Arc<Mutex<View>>;

/// A running session runtime. Dropping it ends the thread (and removes the spool).
pub struct Runtime {
    role: Role,
    view: SharedView,
    control: Sender<Control>,
    thread: Option<JoinHandle<()>>,
}

impl Runtime {
    /// Starts the runtime thread (with no worker yet: see [`Runtime::start`]).
    pub fn new(role: Role, opts: RuntimeOptions) -> Runtime {
        Runtime::with_output(role, opts, None)
    }

    /// As [`Runtime::new`], with an [`Output`] that hears every event on the runtime thread.
    pub fn with_output(
        role: Role,
        opts: RuntimeOptions,
        output: Option<Box<dyn Output>>,
    ) -> Runtime {
        let enc = opts.encoding.unwrap_or(Encoding::UTF_8);
        let view = Arc::new(Mutex::new(View {
            store: LogStore::new(enc, crate::i18n::english),
            status: Status::new(role),
            tcp_stats: Default::default(),
        }));
        let (tx, rx) = crossbeam_channel::unbounded();
        let runner = runner::Runner::new(role, view.clone(), rx, opts, output);
        // At the normal priority even when called from the (lowered) window thread.
        let thread =
            crate::sys::spawn_data_thread(format!("runtime-{}", role.as_str()), move || {
                // A reply is decided here: let this thread in as soon as an event wakes it.
                crate::net::sched::quick_wakeups();
                runner.run()
            })
            .ok();
        Runtime {
            role,
            view,
            control: tx,
            thread,
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// The view, locked. Keep the guard short: the runtime waits for it only when it has
    /// a lot queued for the view.
    pub fn view(&self) -> MutexGuard<'_, View> {
        lock(&self.view)
    }

    /// The shared view itself (for a reader that outlives a borrow of the runtime).
    pub fn shared(&self) -> SharedView {
        self.view.clone()
    }

    /// A copy of the status (cheap: no log rows).
    pub fn status(&self) -> Status {
        self.view().status.clone()
    }

    /// A way to send controls from another thread (a window's background job).
    pub fn sender(&self) -> Sender<Control> {
        self.control.clone()
    }

    /// Sends a control. Returns false once the runtime has ended.
    pub fn send(&self, c: Control) -> bool {
        self.control.send(c).is_ok()
    }

    /// Starts a worker. The view says `Starting` at once.
    pub fn start(&self, config: SessionConfig, plan: AutoPlan, record: Option<PathBuf>) {
        self.view().status.on_start();
        self.send(Control::Start {
            config: Box::new(config),
            plan: Box::new(plan),
            record,
        });
    }

    /// Asks the worker to stop. The view says `Stopping` at once.
    pub fn stop(&self) {
        {
            let mut v = self.view();
            if v.status.running {
                v.status.state = ConnState::Stopping;
            }
        }
        self.send(Control::Stop);
    }

    /// A command for the worker.
    pub fn command(&self, c: Command) -> bool {
        self.send(Control::Worker(c))
    }

    /// A function that waits (up to `timeout`) until the spool holds everything queued so
    /// far; false if it stopped or the runtime ended. For exports on another thread.
    pub fn syncer(&self, timeout: Duration) -> impl FnOnce() -> bool + Send + 'static {
        let tx = self.control.clone();
        move || {
            let (ack_tx, ack_rx) = crossbeam_channel::bounded(1);
            tx.send(Control::SyncSpool(ack_tx)).is_ok() && ack_rx.recv_timeout(timeout) == Ok(true)
        }
    }

    /// Ends the runtime and waits for its thread: the worker is stopped, its last events
    /// are taken, the writers finish, the spool is removed.
    pub fn shutdown(&mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// True once the runtime thread has ended.
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Locks a view; a panic elsewhere while it was held does not lose it.
pub fn lock(v: &Mutex<View>) -> MutexGuard<'_, View> {
    v.lock().unwrap_or_else(|e| e.into_inner())
}

/// The checksum check of a received event under `spec` (None: no check, or not received
/// data). The runtime checks rows with it, and headless output its own frames.
pub fn rx_check(
    spec: Option<&crate::codec::ChecksumSpec>,
    ev: &Event,
) -> Option<crate::codec::CheckOutcome> {
    match (spec, &ev.kind) {
        (Some(spec), crate::net::EventKind::Rx(d)) => Some(spec.check(d)),
        _ => None,
    }
}
