//! The Sequence tool's words: a step's expect kind, a step as a sentence ("send
//! \"PING\"", "expect contains \"PONG\" within 1s") and why a step failed, in the
//! window's language. Shared by the one-connection view and a crowd's summary.

use crate::auto::rules::Matcher;
use crate::i18n::{Lang, loader};
use crate::sequence::Action;
use crate::sequence::outline::ExpectKind;
use crate::sequence::run::Failure;
use i18n_embed_fl::fl;

/// An expect kind's name.
pub(super) fn kind_label(lang: Lang, k: ExpectKind) -> String {
    let l = loader(lang);
    match k {
        ExpectKind::Contains => fl!(l, "seq-exp-contains"),
        ExpectKind::Equals => fl!(l, "seq-exp-equals"),
        ExpectKind::Hex => fl!(l, "seq-exp-hex"),
        ExpectKind::Regex => fl!(l, "seq-exp-regex"),
        ExpectKind::BytesRegex => fl!(l, "seq-exp-bytes-regex"),
        ExpectKind::Any => fl!(l, "seq-exp-any"),
    }
}

/// A step in the window's language: "send \"PING\"", "expect contains \"PONG\" within 1s".
pub(super) fn describe(lang: Lang, a: &Action) -> String {
    let l = loader(lang);
    match a {
        Action::Send { text, .. } => {
            let text = format!("\"{}\"", crate::codec::visible(text));
            fl!(l, "seq-desc-send", text = text)
        }
        Action::Wait(d) => fl!(
            l,
            "seq-desc-wait",
            d = humantime::format_duration(*d).to_string()
        ),
        Action::Expect { matcher, timeout } => {
            let kind = match matcher {
                Matcher::Contains(_) => ExpectKind::Contains,
                Matcher::Equals(_) => ExpectKind::Equals,
                Matcher::ContainsHex(_) | Matcher::StartsWithHex(_) => ExpectKind::Hex,
                Matcher::Regex(_) => ExpectKind::Regex,
                Matcher::BytesRegex(_) => ExpectKind::BytesRegex,
                Matcher::Any => ExpectKind::Any,
            };
            fl!(
                l,
                "seq-desc-expect",
                kind = kind_label(lang, kind),
                // As typed (a regex's `\d` stays `\d`), control characters made visible.
                value = format!("\"{}\"", crate::codec::visible(matcher.value())),
                timeout = humantime::format_duration(*timeout).to_string()
            )
        }
        Action::Connect => fl!(l, "seq-kind-connect"),
        Action::Close => fl!(l, "seq-kind-close"),
    }
}

/// Why a step failed, in the window's language.
pub(super) fn failure_text(lang: Lang, f: &Failure) -> String {
    let l = loader(lang);
    match f {
        Failure::Stopped => fl!(l, "seq-stopped"),
        Failure::NoReply { arrived } => fl!(l, "seq-failed-expect", n = arrived),
        Failure::NoAnswer => fl!(l, "seq-fail-no-answer"),
        Failure::BadPayload(e) => crate::ui::common::payload_words::payload_error_text(lang, e),
        Failure::NotCaptured(name) => fl!(l, "seq-fail-not-captured", name = name.as_str()),
        Failure::NoSession => fl!(l, "seq-fail-no-session"),
        Failure::NotTcpClient => fl!(l, "seq-fail-not-tcp-client"),
        Failure::Session(ev) => crate::i18n::describe_in(lang, ev),
        Failure::NotReady(s) => fl!(l, "seq-fail-not-ready", s = s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_reads_as_typed_on_one_line() {
        let a = Action::Expect {
            matcher: Matcher::Regex("VAL (?P<v>\\d+)\n".into()),
            timeout: std::time::Duration::from_secs(1),
        };
        let d = describe(Lang::En, &a);
        assert!(d.contains(r#""VAL (?P<v>\d+)\n""#), "{d}");
        assert!(!d.contains('\n'), "{d}");
        let send = Action::Send {
            text: "C:\\x\r\n".into(),
            hex: false,
            template: false,
        };
        let s = describe(Lang::En, &send);
        assert!(s.contains(r#""C:\x\r\n""#), "{s}");
    }
}
