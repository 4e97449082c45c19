//! Work the window hands to a thread of its own (a native file dialog, a save, the scan
//! for left-over spools): [`Background`] spawns it, wakes the window with every result,
//! and is asked once a frame what has arrived. The frame never waits for it.

use crossbeam_channel::{Receiver, Sender, TryRecvError};

/// What a background job has for the frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Poll<T> {
    /// A result.
    Ready(T),
    /// Nothing yet; the job still runs.
    Waiting,
    /// The job has ended and everything it sent has been taken.
    Finished,
}

/// How a job hands results to the window: each one wakes it.
pub struct Reporter<T> {
    tx: Sender<T>,
    ctx: egui::Context,
}

impl<T> Reporter<T> {
    /// Hands `value` to the window and wakes it. False when the window no longer listens
    /// (the job may stop).
    pub fn send(&self, value: T) -> bool {
        let ok = self.tx.send(value).is_ok();
        self.ctx.request_repaint();
        ok
    }
}

/// A job running on its own thread.
pub struct Background<T> {
    rx: Receiver<T>,
}

impl<T: Send + 'static> Background<T> {
    /// Runs `work` on a thread called `name`; it reports through the [`Reporter`].
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce(&Reporter<T>) + Send + 'static,
    ) -> std::io::Result<Background<T>> {
        let (tx, rx) = crossbeam_channel::unbounded();
        let reporter = Reporter {
            tx,
            ctx: ctx.clone(),
        };
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || work(&reporter))?;
        Ok(Background { rx })
    }

    /// Runs `work` on a thread called `name`; its one result wakes the window.
    pub fn once(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> std::io::Result<Background<T>> {
        Background::spawn(name, ctx, move |r| {
            r.send(work());
        })
    }

    /// What has arrived (call once a frame, or until it says [`Poll::Waiting`]).
    pub fn poll(&self) -> Poll<T> {
        match self.rx.try_recv() {
            Ok(v) => Poll::Ready(v),
            Err(TryRecvError::Empty) => Poll::Waiting,
            Err(TryRecvError::Disconnected) => Poll::Finished,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_arrive_then_finished() {
        let ctx = egui::Context::default();
        let job = Background::spawn("test-job", &ctx, |r| {
            r.send(1);
            r.send(2);
        })
        .unwrap();
        let mut got = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            match job.poll() {
                Poll::Ready(v) => got.push(v),
                Poll::Waiting => std::thread::yield_now(),
                Poll::Finished => break,
            }
            assert!(std::time::Instant::now() < deadline, "job never finished");
        }
        assert_eq!(got, vec![1, 2]);
        let one = Background::once("test-once", &ctx, || "done").unwrap();
        let v = loop {
            if let Poll::Ready(v) = one.poll() {
                break v;
            }
            std::thread::yield_now();
        };
        assert_eq!(v, "done");
    }
}
