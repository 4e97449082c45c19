//! The languages of the user interface: [`Lang`], the system's language, and one Fluent
//! loader per language. The words live in `i18n/<tag>/socket_tester.ftl` (English is the
//! fallback), built into the binary; call sites name a message with `fl!`, which checks
//! its id and arguments against the English file when the program is built:
//!
//! ```
//! use i18n_embed_fl::fl;
//! use socket_tester::i18n::{Lang, loader};
//! assert_eq!(fl!(loader(Lang::Zh), "menu-view"), "视图");
//! assert_eq!(fl!(loader(Lang::En), "tl-bytes", n = 5), "5 B");
//! ```

pub use crate::i18n_events::{
    describe_in, english, error_sentence, file_stopped, port_advice, write_problem,
};
use i18n_embed::LanguageLoader;
use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed::unic_langid::LanguageIdentifier;
use rust_embed::RustEmbed;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A language of the user interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The language's own name, as shown in the language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// The language a locale name (`zh_CN.UTF-8`, `zh-Hans-CN`, `en_US`) asks for.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }

    /// The system's language: `LC_ALL`, `LC_MESSAGES` or `LANG` when set (the first
    /// non-empty one, as the C library reads them), else the platform's locale.
    pub fn detect() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var)
                && !v.is_empty()
            {
                return Lang::from_locale(&v);
            }
        }
        sys_locale::get_locale().map_or(Lang::En, |l| Lang::from_locale(&l))
    }

    /// The language's tag, the name of its folder under `i18n/`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
}

/// The Fluent files, built into the binary so that it runs from any directory.
#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Localizations;

/// The Fluent domain: every language's file is `i18n/<tag>/socket_tester.ftl`.
const DOMAIN: &str = "socket_tester";

static LOADERS: LazyLock<[FluentLanguageLoader; 2]> = LazyLock::new(|| Lang::ALL.map(build));

/// The loader of `lang`'s words, with English for any message it lacks. Use it with
/// `fl!(loader(lang), "menu-view")`, which checks the id against the English file.
pub fn loader(lang: Lang) -> &'static FluentLanguageLoader {
    &LOADERS[match lang {
        Lang::En => 0,
        Lang::Zh => 1,
    }]
}

fn langid(tag: &str) -> LanguageIdentifier {
    tag.parse().unwrap_or_default()
}

fn build(lang: Lang) -> FluentLanguageLoader {
    let loader = FluentLanguageLoader::new(DOMAIN, langid(Lang::En.tag()));
    // The files are part of the binary and checked by the tests; should one fail to load
    // anyway, its messages show as their ids.
    if let Err(e) = loader.load_languages(&Localizations, &[langid(lang.tag())]) {
        eprintln!("socket-tester: the {} texts did not load: {e}", lang.tag());
    }
    // No Unicode isolation marks (U+2068, U+2069) around arguments: fonts show them as
    // boxes, and copied addresses would carry them.
    loader.set_use_isolating(false);
    loader
}

/// An address as the window shows it in `lang`: an unnamed unix end in its words
/// (`unix:(未命名 #3)`), anything else as [`crate::net::addr::show`] (records and exports
/// to other tools keep `unix:(unnamed #3)`).
pub fn addr_in(lang: Lang, a: &std::net::SocketAddr) -> String {
    use crate::net::unix_name::{UnixName, name_of};
    let l = loader(lang);
    match name_of(a) {
        Some(UnixName::Unnamed(0)) => i18n_embed_fl::fl!(l, "unix-unnamed"),
        Some(UnixName::Unnamed(n)) => i18n_embed_fl::fl!(l, "unix-unnamed-n", n = n.to_string()),
        _ => crate::net::addr::show(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::ErrorKind;
    use i18n_embed_fl::fl;

    #[test]
    fn both_languages_load_their_own_file() {
        for l in Lang::ALL {
            let n = loader(l).with_message_iter(&langid(l.tag()), |m| m.count());
            assert!(n > 500, "{l:?}: {n} messages");
        }
        assert_eq!(fl!(loader(Lang::Zh), "menu-view"), "视图");
        assert_eq!(fl!(loader(Lang::En), "menu-view"), "View");
    }

    #[test]
    fn arguments_carry_no_isolation_marks() {
        let s = fl!(loader(Lang::Zh), "tab-running", name = "UDP");
        assert!(!s.contains(['\u{2068}', '\u{2069}']), "{s:?}");
        assert_eq!(fl!(loader(Lang::En), "tl-bytes", n = 5), "5 B");
    }

    #[test]
    fn plurals_follow_the_count() {
        let en = loader(Lang::En);
        assert_eq!(fl!(en, "rec-events", n = "1", count = 1), "1 event");
        assert_eq!(
            fl!(en, "rec-events", n = "1,000", count = 1000),
            "1,000 events"
        );
        assert_eq!(
            fl!(loader(Lang::Zh), "rec-events", n = "1", count = 1),
            "1 个事件"
        );
    }

    #[test]
    fn every_error_kind_has_a_sentence() {
        use ErrorKind::*;
        for k in [
            AddrInUse,
            AddrNotAvailable,
            PermissionDenied,
            Refused,
            TimedOut,
            HostNotFound,
            Unreachable,
            Reset,
            BadAddress,
            BadPayload,
            NotConnected,
            MessageTooLong,
            UnixPathTaken,
            UnixSocketLive,
            UnixNoSocket,
            UnixNoFolder,
            TooManyOpenFiles,
            Internal,
            Io,
        ] {
            let (en, zh) = (error_sentence(Lang::En, k), error_sentence(Lang::Zh, k));
            assert!(!en.is_empty() && en != zh, "{k:?}: {en} / {zh}");
        }
        assert!(error_sentence(Lang::Zh, AddrInUse).contains("占用"));
        assert!(error_sentence(Lang::Zh, UnixNoFolder).contains("文件夹"));
    }

    #[test]
    fn an_unnamed_unix_end_is_named_in_the_windows_language() {
        use crate::net::unix_name::{UnixName, stand_in};
        let a = stand_in(&UnixName::Unnamed(3));
        assert_eq!(addr_in(Lang::En, &a), "unix:(unnamed #3)");
        assert_eq!(addr_in(Lang::Zh, &a), "unix:(未命名 #3)");
        let ip: std::net::SocketAddr = "127.0.0.1:7891".parse().unwrap();
        assert_eq!(addr_in(Lang::Zh, &ip), "127.0.0.1:7891");
    }

    #[test]
    fn locales() {
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::Zh);
        assert_eq!(Lang::from_locale("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
    }
}
