//! What one log view keeps between frames (selection, filter, search, the note being
//! written), how its data column shows payloads, and what its toolbar asked for: shared by
//! the toolbar and the table, which both draw from it.

use super::search::Matches;
use crate::i18n::{Lang, loader};
use crate::log::LogStore;
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How the data column shows payloads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DisplayMode {
    #[default]
    Text,
    Hex,
    Both,
}

/// Selection and filter of one log view (not persisted).
#[derive(Debug, Default)]
pub struct LogViewState {
    /// Selected rows, by sequence number.
    pub selected: BTreeSet<u64>,
    pub(in crate::ui) anchor: Option<u64>,
    /// TCP server: show only this client's rows.
    pub client_filter: Option<u64>,
    /// The search/filter box (text, hex bytes, peer, → / ←).
    pub search: String,
    /// The search box is a regular expression.
    pub regex: bool,
    /// The time range's ends (local times of day; blank: open).
    pub time_from: String,
    pub time_to: String,
    /// The whole-session search (over the spool on disk) and its results.
    pub whole: super::whole_search::WholeSearch,
    /// Simple mode: the filter row is shown (it always is while a filter is set).
    pub filter_open: bool,
    /// Rows passing the client filter and the search, kept up to date incrementally.
    pub matches: Matches,
    /// The note being written (Note… popup).
    pub note: String,
    /// The live Wireshark feed runs (set by the tab from the runtime's status).
    pub live_on: bool,
    /// Rows (by sequence number) the user switched from their automatic look in Text
    /// mode: a row that is not text shown as text, or a text row as hex.
    pub flipped: BTreeSet<u64>,
}

impl LogViewState {
    /// Whether a data row's payload is shown as hex in `mode`: every row in Hex; in Text a
    /// row that is not text ([`crate::log::Entry::binary`]) unless the user switched it
    /// (or a text row the user switched); never in Both (it has a hex column).
    pub fn shows_hex(&self, e: &crate::log::Entry, mode: DisplayMode) -> bool {
        if e.data().is_none() {
            return false;
        }
        match mode {
            DisplayMode::Hex => true,
            DisplayMode::Text => e.binary != self.flipped.contains(&e.seq),
            DisplayMode::Both => false,
        }
    }

    /// The filter the user set.
    pub fn filter_key(&self) -> super::search::FilterKey {
        super::search::FilterKey {
            client: self.client_filter,
            search: self.search.clone(),
            regex: self.regex,
            from: self.time_from.clone(),
            to: self.time_to.clone(),
        }
    }

    /// Forgets selection and the filter cache (after Clear).
    pub fn reset(&mut self) {
        self.selected.clear();
        self.anchor = None;
        self.flipped.clear();
        self.matches.reset();
        self.whole.reset();
    }

    /// The "k of n match" text, or None without a search.
    pub fn match_text(&self, store: &LogStore, lang: Lang) -> Option<String> {
        if self.search.trim().is_empty()
            && self.time_from.trim().is_empty()
            && self.time_to.trim().is_empty()
        {
            return None;
        }
        // A filter that cannot be used filters nothing (its error is under the row): no
        // "0 of n" beside every row shown.
        if self.matches.error.is_some() {
            return None;
        }
        let more = if self.matches.done {
            String::new()
        } else {
            fl!(loader(lang), "log-searching")
        };
        Some(fl!(
            loader(lang),
            "log-match-count",
            k = self.matches.seqs.len(),
            n = store.len(),
            more = more
        ))
    }
}

/// What the user asked for in the toolbar.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LogActions {
    pub clear: bool,
    /// Copy the selected rows (all rows passing the filter when none is selected).
    pub copy: bool,
    pub save: bool,
    /// Open the Replay window.
    pub replay: bool,
    /// Start (true) or stop the live feed into Wireshark.
    pub live: Option<bool>,
    /// Add this note at this moment.
    pub note: Option<String>,
    /// Search the whole session (the spool on disk) with the filter in force.
    pub search_whole: bool,
}
