//! How an export for people (txt, csv, html) is written: events worded in a language,
//! times in local time with their UTC offset, a byte-order mark for spreadsheet programs.
//! JSON Lines and pcapng ignore it: they are for programs, English-keyed and UTC.
//!
//! The words come from the caller (`log` knows no language): a [`Describe`] for each
//! event's sentence and [`Labels`] for the headers.

use crate::log::Describe;
use crate::log::record::Record;

/// Column headers and the few fixed words of the txt, csv and html exports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    /// The CSV's twelve headers, in [`CSV_KEYS`] order.
    pub csv: [String; 12],
    /// The HTML table's eight headers: time, session, direction, event, peer, length,
    /// text, hex.
    pub html: [String; 8],
    /// The HTML page's title.
    pub title: String,
    /// The HTML page's last line, with `{n}` for the number of events.
    pub events_total: String,
    /// "local" before a row's local address in txt (a row with no peer).
    pub local: String,
}

/// The CSV's columns: the record's keys, and the English headers.
pub const CSV_KEYS: [&str; 12] = [
    "ts", "session", "event", "local", "peer", "client", "len", "hex", "text", "encoding",
    "message", "by",
];

impl Default for Labels {
    /// English, with the record's own keys as the CSV's headers.
    fn default() -> Labels {
        Labels {
            csv: CSV_KEYS.map(String::from),
            html: [
                "time (UTC)",
                "session",
                "dir",
                "event",
                "peer",
                "len",
                "text",
                "hex",
            ]
            .map(String::from),
            title: "Socket Tester log".into(),
            events_total: "{n} events.".into(),
            local: "local".into(),
        }
    }
}

/// The style of an export for people.
#[derive(Clone, Debug, Default)]
pub struct Style {
    /// Words each event anew (in the caller's language); None keeps the record's own
    /// (English) message.
    pub describe: Option<Describe>,
    /// Headers and fixed words.
    pub labels: Labels,
    /// Times in local time with the UTC offset (`2026-12-06 20:27:12.123456 +08:00`);
    /// false keeps the record's UTC (`2026-12-06T12:27:12.123456Z`).
    pub local_time: bool,
    /// A CSV starts with a UTF-8 byte-order mark (so Excel reads it as UTF-8).
    pub bom: bool,
}

impl Style {
    /// The record's own form: English words, UTC, no BOM (what `export` of the library
    /// and JSON Lines give).
    pub fn plain() -> Style {
        Style::default()
    }

    /// The time of `rec` as this style shows it (the record's own text when it cannot be
    /// read as a time).
    pub fn time(&self, rec: &Record) -> String {
        if !self.local_time {
            return rec.ts.clone();
        }
        match chrono::DateTime::parse_from_rfc3339(&rec.ts) {
            Ok(t) => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S%.6f %:z")
                .to_string(),
            Err(_) => rec.ts.clone(),
        }
    }

    /// The sentence for a record that is not data (rx/tx): worded anew where the style
    /// has words and the record is a session event, else the record's own message.
    pub fn message(&self, rec: &Record) -> Option<String> {
        if let Some(describe) = self.describe
            && !matches!(rec.event.as_str(), "rx" | "tx")
            && let Some(ev) = rec.to_event()
        {
            let s = describe(&ev);
            if !s.is_empty() {
                return Some(s);
            }
        }
        rec.message.clone()
    }

    /// The HTML page's last line.
    pub fn events_total(&self, n: u64) -> String {
        self.labels.events_total.replace("{n}", &n.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(ts: &str) -> Record {
        let line = format!(r#"{{"ts":"{ts}","session":"tcp-server","event":"accepted"}}"#);
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    #[test]
    fn utc_is_kept_as_recorded() {
        let r = rec("2026-12-06T12:27:12.123456Z");
        assert_eq!(Style::plain().time(&r), "2026-12-06T12:27:12.123456Z");
    }

    #[test]
    fn local_time_carries_its_offset_and_is_the_same_instant() {
        let r = rec("2026-12-06T12:27:12.123456Z");
        let s = Style {
            local_time: true,
            ..Style::plain()
        };
        let shown = s.time(&r);
        // "2026-12-06 20:27:12.123456 +08:00" in Shanghai; whatever the zone, the text
        // parses back to the recorded instant.
        let back = chrono::DateTime::parse_from_str(&shown, "%Y-%m-%d %H:%M:%S%.6f %:z")
            .unwrap_or_else(|e| panic!("{shown}: {e}"));
        assert_eq!(back.timestamp_micros(), 1_796_560_032_123_456);
    }

    #[test]
    fn an_unreadable_time_is_shown_as_written() {
        let s = Style {
            local_time: true,
            ..Style::plain()
        };
        assert_eq!(s.time(&rec("yesterday")), "yesterday");
    }
}
