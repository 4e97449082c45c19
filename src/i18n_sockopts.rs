//! Socket options in words: what the kernel made of SO_RCVBUF, SO_SNDBUF, the TTL (hop
//! limit) and TCP keep-alive, next to what was asked, in any UI language (`so-*`).

use crate::i18n::{Lang, loader};
use crate::net::sockopts::{SockReport, Val};
use i18n_embed_fl::fl;

/// One value: "212992", or "200000 (asked 100000; Linux doubles it…)".
pub fn value(lang: Lang, v: &Val, buffer: bool) -> String {
    let l = loader(lang);
    match v.asked {
        Some(a) if buffer && v.actual == a * 2 => {
            fl!(l, "so-val-doubled", actual = v.actual, asked = a)
        }
        Some(a) if a != v.actual => fl!(l, "so-val-asked", actual = v.actual, asked = a),
        _ => v.actual.to_string(),
    }
}

/// The items of a report, each on its own ("SO_RCVBUF 200000 (…)", "TTL 9", …).
pub fn items(lang: Lang, r: &SockReport) -> Vec<String> {
    let l = loader(lang);
    let mut out = Vec::new();
    if let Some(v) = &r.rcvbuf {
        out.push(fl!(l, "so-rcvbuf", v = value(lang, v, true)));
    }
    if let Some(v) = &r.sndbuf {
        out.push(fl!(l, "so-sndbuf", v = value(lang, v, true)));
    }
    if let Some(v) = &r.ttl {
        let v = value(lang, v, false);
        out.push(if r.ipv6 {
            fl!(l, "so-hops", v = v)
        } else {
            fl!(l, "so-ttl", v = v)
        });
    }
    match r.keepalive {
        Some(true) => {
            let show = |v: &Option<Val>| {
                v.as_ref()
                    .map_or_else(|| "?".to_string(), |v| value(lang, v, false))
            };
            out.push(fl!(
                l,
                "so-keepalive-on",
                idle = show(&r.keepalive_idle_s),
                interval = show(&r.keepalive_interval_s),
                count = show(&r.keepalive_count)
            ));
        }
        Some(false) => out.push(fl!(l, "so-keepalive-off")),
        None => {}
    }
    out
}

/// The log's line for a report.
pub fn report(lang: Lang, r: &SockReport) -> String {
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    fl!(loader(lang), "so-report", items = items(lang, r).join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doubled_buffer_is_explained_and_an_unchanged_value_is_just_a_number() {
        let r = SockReport {
            rcvbuf: Some(Val {
                asked: Some(100_000),
                actual: 200_000,
            }),
            sndbuf: Some(Val {
                asked: None,
                actual: 16_384,
            }),
            ttl: Some(Val {
                asked: Some(9),
                actual: 9,
            }),
            ipv6: false,
            keepalive: Some(true),
            keepalive_idle_s: Some(Val {
                asked: Some(7),
                actual: 7,
            }),
            keepalive_interval_s: None,
            keepalive_count: None,
        };
        let en = report(Lang::En, &r);
        assert!(
            en.contains("SO_RCVBUF 200000 (asked 100000; Linux doubles it"),
            "{en}"
        );
        assert!(en.contains("SO_SNDBUF 16384,"), "{en}");
        assert!(en.contains("TTL 9,"), "{en}");
        let zh = report(Lang::Zh, &r);
        assert!(zh.contains("翻倍"), "{zh}");
    }
}
