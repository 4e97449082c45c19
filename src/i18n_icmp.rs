//! The network's answers to a UDP socket (ICMP errors) in words, in any UI language: the
//! log's row, headless output and the record's message.

use crate::i18n::{Lang, loader};
use crate::net::{IcmpKind, IcmpReport};
use i18n_embed_fl::fl;

/// One line for an ICMP error: what it means, for which destination, and how it was known
/// (the ICMP message and who sent it, or only an error number on a later call).
pub fn report(lang: Lang, r: &IcmpReport) -> String {
    let l = loader(lang);
    let to = r.to.map_or_else(|| "?".to_string(), |a| a.to_string());
    let via = match (r.icmp, r.from) {
        (true, Some(from)) => fl!(l, "ev-icmp-via-from", from = from.to_string()),
        (true, None) => fl!(l, "ev-icmp-via"),
        (false, _) => fl!(l, "ev-icmp-via-errno"),
    };
    match r.kind {
        IcmpKind::PortUnreachable => fl!(l, "ev-icmp-port-unreachable", to = to, via = via),
        IcmpKind::HostUnreachable => fl!(l, "ev-icmp-host-unreachable", to = to, via = via),
        IcmpKind::NetUnreachable => fl!(l, "ev-icmp-net-unreachable", to = to, via = via),
        IcmpKind::TooBig { mtu } => fl!(l, "ev-icmp-too-big", to = to, mtu = mtu, via = via),
        IcmpKind::Other { icmp_type, code } => fl!(
            l,
            "ev-icmp-other",
            to = to,
            icmp_type = icmp_type,
            code = code,
            via = via
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_icmp_kind_has_words_in_both_languages() {
        let kinds = [
            IcmpKind::PortUnreachable,
            IcmpKind::HostUnreachable,
            IcmpKind::NetUnreachable,
            IcmpKind::TooBig { mtu: 1280 },
            IcmpKind::Other {
                icmp_type: 11,
                code: 0,
            },
        ];
        for kind in kinds {
            for (icmp, from) in [(true, Some("10.0.0.1".parse().unwrap())), (false, None)] {
                let r = IcmpReport {
                    kind,
                    to: "127.0.0.1:9".parse().ok(),
                    from,
                    icmp,
                };
                let en = report(Lang::En, &r);
                let zh = report(Lang::Zh, &r);
                assert!(
                    en.contains("127.0.0.1:9") && zh.contains("127.0.0.1:9"),
                    "{en} / {zh}"
                );
                assert!(!en.contains('{') && !zh.contains('{'), "{en} / {zh}");
                assert_ne!(en, zh);
            }
        }
        let r = IcmpReport {
            kind: IcmpKind::PortUnreachable,
            to: "127.0.0.1:9".parse().ok(),
            from: None,
            icmp: true,
        };
        assert_eq!(
            report(Lang::En, &r),
            "port unreachable: nothing listens on 127.0.0.1:9 (ICMP)"
        );
    }
}
