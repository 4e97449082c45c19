//! The words of an export for people (txt, csv, html) in a language: each event's
//! sentence and the headers (see [`crate::log::export::style`]).

use crate::i18n::{Lang, describe_in, english, loader};
use crate::log::Describe;
use crate::log::export::csv_cell;
use crate::log::export::style::{Labels, Style};
use crate::session::roster::{RosterView, Verdict};
use i18n_embed_fl::fl;

fn chinese(ev: &crate::net::Event) -> String {
    describe_in(Lang::Zh, ev)
}

/// Words each event in `lang`, as a plain function (what the log readers take).
pub fn describe_fn(lang: Lang) -> Describe {
    match lang {
        Lang::En => english,
        Lang::Zh => chinese,
    }
}

/// The headers and fixed words in `lang`; the time's header says UTC unless `local_time`.
pub fn export_labels(lang: Lang, local_time: bool) -> Labels {
    let l = loader(lang);
    let time = if local_time {
        fl!(l, "export-h-time")
    } else {
        fl!(l, "export-h-time-utc")
    };
    Labels {
        csv: [
            time.clone(),
            fl!(l, "export-h-session"),
            fl!(l, "export-h-event"),
            fl!(l, "export-h-local"),
            fl!(l, "export-h-peer"),
            fl!(l, "export-h-client"),
            fl!(l, "export-h-len"),
            fl!(l, "export-h-hex"),
            fl!(l, "export-h-text"),
            fl!(l, "export-h-encoding"),
            fl!(l, "export-h-message"),
            fl!(l, "export-h-by"),
        ],
        html: [
            time,
            fl!(l, "export-h-session"),
            fl!(l, "export-h-dir"),
            fl!(l, "export-h-event"),
            fl!(l, "export-h-peer"),
            fl!(l, "export-h-len"),
            fl!(l, "export-h-text"),
            fl!(l, "export-h-hex"),
        ],
        title: fl!(l, "export-title"),
        events_total: fl!(l, "export-events-total", n = "{n}"),
        local: fl!(l, "export-local"),
    }
}

/// An export for people in `lang`: its words, local time (unless `utc`), and a BOM on
/// CSV (unless `no_bom`).
pub fn export_style(lang: Lang, utc: bool, no_bom: bool) -> Style {
    Style {
        describe: Some(describe_fn(lang)),
        labels: export_labels(lang, !utc),
        local_time: !utc,
        bom: !no_bom,
    }
}

/// A roster verdict in `lang`.
pub fn roster_verdict(lang: Lang, v: &Verdict) -> String {
    let l = loader(lang);
    match v {
        Verdict::Waiting => fl!(l, "roster-waiting"),
        Verdict::Replying => fl!(l, "roster-replying"),
        Verdict::Passed => fl!(l, "roster-passed"),
        Verdict::WrongText => fl!(l, "roster-wrong-text"),
        Verdict::NoNumber => fl!(l, "roster-no-number"),
        Verdict::TimedOut => fl!(l, "roster-timed-out"),
        Verdict::LeftEarly => fl!(l, "roster-left-early"),
    }
}

/// The roster's table as CSV for a spreadsheet, in `lang`: a UTF-8 BOM (Excel), headers
/// and results in that language, what each student sent, and local times with their
/// UTC offset. One line per client, CRLF as RFC 4180 has it.
pub fn roster_csv(v: &RosterView, lang: Lang) -> String {
    let l = loader(lang);
    let heads = [
        fl!(l, "roster-col-client"),
        fl!(l, "roster-col-address"),
        fl!(l, "roster-col-student"),
        fl!(l, "roster-col-message"),
        fl!(l, "roster-col-result"),
        fl!(l, "roster-col-seconds"),
        fl!(l, "roster-col-rx"),
        fl!(l, "roster-col-tx"),
        fl!(l, "roster-col-connected"),
    ];
    let mut out = String::from("\u{feff}");
    let row = |cells: Vec<String>| {
        let cells: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        cells.join(",") + "\r\n"
    };
    out.push_str(&row(heads.to_vec()));
    for r in &v.rows {
        let when = chrono::DateTime::from_timestamp_micros(r.connected_us)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M:%S%.3f %:z")
                    .to_string()
            })
            .unwrap_or_default();
        out.push_str(&row(vec![
            r.client.to_string(),
            r.peer
                .map(|p| crate::i18n::addr_in(lang, &p))
                .unwrap_or_default(),
            r.student.clone().unwrap_or_default(),
            r.message.clone().unwrap_or_default(),
            roster_verdict(lang, &r.verdict),
            r.took
                .map(|d| format!("{:.3}", d.as_secs_f64()))
                .unwrap_or_default(),
            r.rx_bytes.to_string(),
            r.tx_bytes.to_string(),
            when,
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_headers_are_the_record_keys_and_chinese_are_chinese() {
        let en = export_labels(Lang::En, false);
        assert_eq!(en.csv[1..], Labels::default().csv[1..]);
        assert_eq!(en.csv[0], "ts (UTC)");
        let zh = export_labels(Lang::Zh, true);
        assert_eq!(zh.csv[0], "时间");
        assert!(zh.csv.iter().all(|h| !h.is_ascii()), "{:?}", zh.csv);
        assert_eq!(zh.events_total.replace("{n}", "3"), "共 3 个事件。");
    }
}
