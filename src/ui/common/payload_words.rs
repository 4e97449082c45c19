//! The words for a payload that cannot be made, in the window's language: hex, escape,
//! variables and encoding errors of the send box, saved payloads, quick-send, auto-send
//! and Expect, and the auto-reply rules' match and reply errors. The parsers report typed
//! kinds with their positions ([`PayloadError`] and the kinds inside it); this is the one
//! place they become words, so switching the language re-words an error on screen.

use crate::auto::rules::{MatchError, MatchProblem, RuleError, RuleProblem};
use crate::codec::text::EncodeError;
use crate::codec::{
    EscapeError, EscapeProblem, FieldProblem, HexError, HexProblem, PayloadError, TemplateError,
    TemplateProblem,
};
use crate::i18n::{Lang, loader};
use i18n_embed_fl::fl;

/// Why the payload could not be made, naming the position.
pub fn payload_error_text(lang: Lang, e: &PayloadError) -> String {
    let l = loader(lang);
    match e {
        PayloadError::Hex(e) => fl!(l, "parse-in-hex", err = hex_error_text(lang, e)),
        PayloadError::Escape(e) => escape_error_text(lang, e),
        PayloadError::Template(e) => {
            fl!(l, "parse-in-variables", err = template_error_text(lang, e))
        }
        PayloadError::Encode(e) => encode_error_text(lang, e),
    }
}

/// A hex error with its line (when past the first) and column.
pub fn hex_error_text(lang: Lang, e: &HexError) -> String {
    let what = hex_problem_text(lang, &e.problem);
    let l = loader(lang);
    if e.line > 1 {
        fl!(
            l,
            "parse-at-line-column",
            line = e.line,
            column = e.column,
            what = what
        )
    } else {
        fl!(l, "parse-at-column", column = e.column, what = what)
    }
}

/// What is wrong with hex, without the position.
pub fn hex_problem_text(lang: Lang, p: &HexProblem) -> String {
    let l = loader(lang);
    match p {
        HexProblem::PrefixOnly => fl!(l, "parse-hex-prefix-only"),
        HexProblem::NotDigit(c) => fl!(l, "parse-hex-not-digit", ch = c.escape_debug().to_string()),
        HexProblem::OddDigits(g) => fl!(l, "parse-hex-odd", group = g.as_str()),
        HexProblem::NoBytes => fl!(l, "parse-hex-no-bytes"),
    }
}

/// An escape error (or the encode error of the text around the escapes).
pub fn escape_error_text(lang: Lang, e: &EscapeError) -> String {
    match e {
        EscapeError::Bad { position, problem } => {
            at_position(lang, *position, escape_problem_text(lang, problem))
        }
        EscapeError::Encode(e) => encode_error_text(lang, e),
    }
}

/// What is wrong with an escape sequence, without the position.
pub fn escape_problem_text(lang: Lang, p: &EscapeProblem) -> String {
    let l = loader(lang);
    match p {
        EscapeProblem::LoneBackslash => fl!(l, "parse-escape-lone"),
        EscapeProblem::ShortHex => fl!(l, "parse-escape-short-hex"),
        EscapeProblem::Unknown(c) => {
            fl!(l, "parse-escape-unknown", ch = c.escape_debug().to_string())
        }
    }
}

/// A character the encoding cannot write, with its position.
pub fn encode_error_text(lang: Lang, e: &EncodeError) -> String {
    at_position(lang, e.position, encode_problem_text(lang, e))
}

/// A character the encoding cannot write (or would change), without the position.
pub fn encode_problem_text(lang: Lang, e: &EncodeError) -> String {
    let l = loader(lang);
    let ch = e.ch.to_string();
    let code = format!("U+{:04X}", e.ch as u32);
    let encoding = e.encoding.as_str();
    match &e.becomes {
        None => fl!(
            l,
            "parse-encode-cannot",
            ch = ch,
            code = code,
            encoding = encoding
        ),
        Some((hex, back)) => fl!(
            l,
            "parse-encode-becomes",
            ch = ch,
            code = code,
            encoding = encoding,
            hex = hex.as_str(),
            back = back.as_str()
        ),
    }
}

/// A template error with its position.
pub fn template_error_text(lang: Lang, e: &TemplateError) -> String {
    at_position(lang, e.position, template_problem_text(lang, &e.problem))
}

/// What is wrong with a template, without the position.
pub fn template_problem_text(lang: Lang, p: &TemplateProblem) -> String {
    use TemplateProblem::*;
    let l = loader(lang);
    match p {
        LoneClose => fl!(l, "parse-var-lone-close"),
        Unclosed => fl!(l, "parse-var-unclosed"),
        TooLarge { max } => fl!(l, "parse-var-too-large", max = max),
        BadWidth(a) => fl!(l, "parse-var-bad-width", arg = a.as_str()),
        WidthTooBig { width, max } => {
            fl!(l, "parse-var-width-too-big", width = width, max = max)
        }
        BadCount(a) => fl!(l, "parse-var-bad-count", arg = a.as_str()),
        RandTooBig { n, max } => fl!(l, "parse-var-rand-too-big", n = n, max = max),
        RandNeedsCount => fl!(l, "parse-var-rand-needs-count"),
        NoArgument(name) => fl!(l, "parse-var-no-argument", name = name.as_str()),
        UnknownVariable(body) => fl!(l, "parse-var-unknown", body = body.as_str()),
        Hex(h) => fl!(l, "parse-bad-hex", err = hex_problem_text(lang, h)),
        Escape(e) => escape_problem_text(lang, e),
        Encode(e) => encode_problem_text(lang, e),
        Field(f) => field_problem_text(lang, f),
        LenNeedsWidth => fl!(l, "parse-var-len-needs-width"),
        LenTooBig { token, len, max } => fl!(
            l,
            "parse-var-len-too-big",
            token = token.as_str(),
            len = len,
            max = max
        ),
        RangeOutside { token, len } => {
            fl!(
                l,
                "parse-var-range-outside",
                token = token.as_str(),
                len = len
            )
        }
        RangeCoversField(token) => {
            fl!(l, "parse-var-range-covers-field", token = token.as_str())
        }
        ChecksumLoop(token) => fl!(l, "parse-var-checksum-loop", token = token.as_str()),
        TooManyFields { max } => fl!(l, "parse-var-too-many-fields", max = max),
    }
}

/// What is wrong with a binary field's spec (a template's, or a received-frame check's).
pub fn field_problem_text(lang: Lang, p: &FieldProblem) -> String {
    let l = loader(lang);
    match p {
        FieldProblem::UnknownInt(a) => fl!(l, "parse-field-unknown-int", arg = a.as_str()),
        FieldProblem::BadRange(a) => fl!(l, "parse-field-bad-range", arg = a.as_str()),
        FieldProblem::BadArg(a) => fl!(l, "parse-field-bad-arg", arg = a.as_str()),
        FieldProblem::Twice(a) => fl!(l, "parse-field-twice", arg = a.as_str()),
        FieldProblem::UnknownChecksum(a) => {
            fl!(l, "parse-field-unknown-checksum", arg = a.as_str())
        }
        FieldProblem::BadLenArg(a) => fl!(l, "parse-field-bad-len-arg", arg = a.as_str()),
        FieldProblem::PositionInTemplate(a) => {
            fl!(l, "parse-field-position-in-template", arg = a.as_str())
        }
    }
}

/// A matcher that does not compile, with its position when known.
pub fn match_error_text(lang: Lang, e: &MatchError) -> String {
    let what = match_problem_text(lang, &e.problem);
    match e.position {
        Some(p) => at_position(lang, p, what),
        None => what,
    }
}

/// What is wrong with a matcher, without the position. A regex's own complaint is the
/// regex library's (English) detail.
pub fn match_problem_text(lang: Lang, p: &MatchProblem) -> String {
    let l = loader(lang);
    match p {
        MatchProblem::Hex(h) => fl!(l, "parse-bad-hex", err = hex_problem_text(lang, h)),
        MatchProblem::Regex(detail) => fl!(l, "parse-bad-regex", detail = detail.as_str()),
        MatchProblem::RegexTooBig => fl!(l, "parse-regex-too-big"),
    }
}

/// An auto-reply rule that cannot be used: which rule, which field, where and why.
pub fn rule_error_text(lang: Lang, e: &RuleError) -> String {
    let l = loader(lang);
    let (field, what) = match &e.problem {
        RuleProblem::Match(m) => (fl!(l, "parse-rule-match"), match_problem_text(lang, m)),
        RuleProblem::Reply(t) => (fl!(l, "parse-rule-reply"), template_problem_text(lang, t)),
        RuleProblem::NoGroup(n) => (
            fl!(l, "parse-rule-reply"),
            fl!(l, "parse-rule-no-group", name = n.as_str()),
        ),
        RuleProblem::NotARegex(n) => (
            fl!(l, "parse-rule-reply"),
            fl!(l, "parse-rule-not-regex", name = n.as_str()),
        ),
    };
    let err = match e.position {
        Some(p) => at_position(lang, p, what),
        None => what,
    };
    let n = e.rule + 1;
    fl!(l, "parse-rule", n = n, field = field, err = err)
}

/// "position N: …" with N 1-based.
fn at_position(lang: Lang, position: usize, what: String) -> String {
    let pos = position + 1;
    fl!(loader(lang), "parse-at-position", pos = pos, what = what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auto::rules::{Matcher, Responder, Rule, RuleSet};
    use crate::codec::{Encoding, Template, TemplateCtx, encode, parse_escapes, parse_hex};

    fn render_err(t: &str) -> PayloadError {
        Template::parse(t)
            .unwrap()
            .render(&mut TemplateCtx::default())
            .unwrap_err()
            .into()
    }

    fn errors() -> Vec<PayloadError> {
        let bad_render = Template::parse("ab收")
            .unwrap()
            .render(&mut TemplateCtx::new(Encoding::LATIN_1, false))
            .unwrap_err();
        vec![
            parse_hex("48 6").unwrap_err().into(),
            parse_hex("48\n4G").unwrap_err().into(),
            parse_hex("0x").unwrap_err().into(),
            parse_escapes(r"ab\q", Encoding::UTF_8).unwrap_err().into(),
            parse_escapes(r"\x4", Encoding::UTF_8).unwrap_err().into(),
            parse_escapes("a\\", Encoding::UTF_8).unwrap_err().into(),
            encode(Encoding::GBK, "ab😀").unwrap_err().into(),
            encode(Encoding::SHIFT_JIS, "¥").unwrap_err().into(),
            Template::parse("ab{nope}").unwrap_err().into(),
            Template::parse("{rand:70000}").unwrap_err().into(),
            Template::parse("{seq:x}").unwrap_err().into(),
            Template::parse("{hex:0G}").unwrap_err().into(),
            bad_render.into(),
            Template::parse("{seq:u24}").unwrap_err().into(),
            Template::parse("{crc32:0..x}").unwrap_err().into(),
            Template::parse("{crc32:ab}").unwrap_err().into(),
            Template::parse("{crc32:be:le}").unwrap_err().into(),
            Template::parse("{len:u8:before}").unwrap_err().into(),
            Template::parse("{crc32:@-4}").unwrap_err().into(),
            Template::parse("{len}").unwrap_err().into(),
            render_err("{rand:300}{len:u8}"),
            render_err("ab{crc32:7..}"),
            render_err("ab{xor8:0..}"),
            render_err("{xor8:1..}{xor8:0..1}"),
            Template::parse(&"{xor8}".repeat(33)).unwrap_err().into(),
        ]
    }

    #[test]
    fn english_words_match_the_cli_display() {
        for e in errors() {
            // An encode error's Display puts the position mid-sentence ("at position 3").
            if !matches!(e, PayloadError::Encode(_)) {
                assert_eq!(payload_error_text(Lang::En, &e), e.to_string());
            }
        }
        let set = RuleSet {
            rules: vec![Rule::new(Matcher::StartsWithHex("01 0G".into()), "ok")],
            ..RuleSet::default()
        };
        let e = Responder::new(set, Encoding::UTF_8).unwrap_err();
        assert_eq!(rule_error_text(Lang::En, &e), e.to_string());
        let e = Matcher::ContainsHex("1".into()).compile().unwrap_err();
        assert_eq!(match_error_text(Lang::En, &e), e.to_string());
    }

    #[test]
    fn chinese_words_name_the_position_and_the_thing() {
        let zh: Vec<String> = errors()
            .iter()
            .map(|e| payload_error_text(Lang::Zh, e))
            .collect();
        assert_eq!(
            zh[0],
            "十六进制：第 4 列：“6”的十六进制数字个数是奇数：每个字节要两位数字"
        );
        assert!(
            zh[1].starts_with("十六进制：第 2 行第 2 列：“G”"),
            "{}",
            zh[1]
        );
        assert!(
            zh[3].starts_with("第 3 个字符：无法识别的转义 \\q"),
            "{}",
            zh[3]
        );
        assert!(
            zh[6].starts_with("第 3 个字符：字符“😀”（U+1F600）无法用 GBK"),
            "{}",
            zh[6]
        );
        assert!(zh[7].contains("5C"), "{}", zh[7]);
        assert!(
            zh[8].starts_with("变量：第 4 个字符：未知变量 {nope}"),
            "{}",
            zh[8]
        );
        assert!(zh[9].contains("65535"), "{}", zh[9]);
        assert!(
            zh[12].starts_with("变量：第 3 个字符：字符“收”"),
            "{}",
            zh[12]
        );
        for t in &zh {
            assert!(
                t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{t}"
            );
        }
    }

    #[test]
    fn regex_group_errors_in_both_languages() {
        let rule = |m: Matcher, reply: &str| {
            let set = RuleSet {
                rules: vec![Rule::new(m, reply)],
                ..RuleSet::default()
            };
            Responder::new(set, Encoding::UTF_8).unwrap_err()
        };
        let e = rule(Matcher::Regex(r"REQ (?P<id>\d+)".into()), "ACK {n}");
        assert_eq!(rule_error_text(Lang::En, &e), e.to_string());
        assert_eq!(
            e.to_string(),
            "rule 1, reply: position 6: the regex has no group {n}"
        );
        assert_eq!(
            rule_error_text(Lang::Zh, &e),
            "规则 1 的回复内容：第 6 个字符：正则表达式里没有分组 {n}"
        );
        let e = rule(Matcher::Contains("REQ".into()), "ACK {1}");
        assert_eq!(rule_error_text(Lang::En, &e), e.to_string());
        assert!(rule_error_text(Lang::Zh, &e).contains("不是用正则表达式匹配的"));
    }
}
