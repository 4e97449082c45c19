//! "Search whole session" of one tab: what the search reads (the spool, and the rows in
//! memory it does not hold) and its start; the window is [`crate::ui::log::whole_search`].

use super::tab::SessionPanel;
use crate::log::spool_search::Source;

impl SessionPanel {
    /// What the whole-session search reads: the spool (synced first), then the rows in
    /// memory after the last event it keeps when it stopped (a full disk), or only the
    /// rows in memory without a spool.
    fn search_source(&self) -> (Source, Option<Box<dyn FnOnce() -> bool + Send>>) {
        let sync = || -> Box<dyn FnOnce() -> bool + Send> {
            Box::new(self.runtime.syncer(std::time::Duration::from_secs(30)))
        };
        let rows_from = |seq: u64| -> Vec<crate::log::Entry> {
            let v = self.view();
            v.store.iter().filter(|e| e.seq >= seq).cloned().collect()
        };
        match (&self.st.spool_path, &self.st.spool_error) {
            (Some(p), None) => (
                Source {
                    spool: Some(p.clone()),
                    tail: Vec::new(),
                },
                Some(sync()),
            ),
            (Some(p), Some(e)) => {
                let kept = e.stopped.as_ref().and_then(|s| s.stop.kept).unwrap_or(0);
                (
                    Source {
                        spool: Some(p.clone()),
                        tail: rows_from(kept),
                    },
                    Some(sync()),
                )
            }
            (None, _) => (
                Source {
                    spool: None,
                    tail: rows_from(0),
                },
                None,
            ),
        }
    }

    /// Starts the whole-session search with the log's filter.
    pub fn search_whole(&mut self, ctx: &egui::Context) {
        let Some(filter) = self.log.matches.filter().cloned() else {
            return;
        };
        let (source, sync) = self.search_source();
        let asked = filter_summary(&self.log);
        self.log.whole.start(ctx, source, filter, asked, sync);
    }
}

/// The filter as the user typed it, for the search window's first line.
fn filter_summary(st: &crate::ui::log::log_view::LogViewState) -> String {
    let mut parts = Vec::new();
    if !st.search.trim().is_empty() {
        let q = st.search.trim();
        parts.push(if st.regex {
            format!("/{q}/")
        } else {
            q.to_string()
        });
    }
    if let Some(c) = st.client_filter {
        parts.push(format!("#{c}"));
    }
    let (f, t) = (st.time_from.trim(), st.time_to.trim());
    if !f.is_empty() || !t.is_empty() {
        parts.push(format!("{f}–{t}"));
    }
    parts.join("  ")
}
