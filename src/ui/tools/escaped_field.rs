//! The Sequence tool's one-line text fields (a send's text, an expect's value): line
//! breaks, CR and tab are shown as escapes, and what the user typed is kept exactly.

use egui::{TextEdit, Ui};

/// A one-line field for text that may hold line breaks: a line break, CR and tab show as
/// `\n`, `\r`, `\t`. What was typed stays exactly as typed while the value it stands
/// for is unchanged (kept in the field's memory), so `B\d` typed key by key stays `B\d`;
/// a value from elsewhere (a loaded file) is shown by [`escape_shown`], which doubles a
/// backslash only where it would otherwise read as an escape (`\w` stays `\w`).
pub(super) fn escaped_field(
    ui: &mut Ui,
    text: &mut String,
    id: egui::Id,
    width: f32,
    hint: String,
) -> egui::Response {
    let key = id.with("typed");
    let kept = ui.data(|d| d.get_temp::<(String, String)>(key));
    let mut shown = match kept {
        Some((typed, value)) if value == *text => typed,
        _ => escape_shown(text),
    };
    let r = ui.add(
        TextEdit::singleline(&mut shown)
            .id(id)
            .desired_width(width)
            .hint_text(hint),
    );
    if r.changed() {
        *text = unescape_shown(&shown);
    }
    ui.data_mut(|d| d.insert_temp(key, (shown, text.clone())));
    r
}

/// The text a field shows for `value`: `\n` `\r` `\t` for those characters, `\\` for a
/// backslash only where the next shown character would make it an escape; everything else
/// as it is. `unescape_shown(escape_shown(v)) == v` for every `v`.
pub fn escape_shown(value: &str) -> String {
    let mut shown = String::with_capacity(value.len());
    let mut it = value.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                let escapes =
                    matches!(it.peek(), Some('n' | 'r' | 't' | '\\' | '\n' | '\r' | '\t'));
                shown.push_str(if escapes { "\\\\" } else { "\\" });
            }
            '\n' => shown.push_str("\\n"),
            '\r' => shown.push_str("\\r"),
            '\t' => shown.push_str("\\t"),
            c => shown.push(c),
        }
    }
    shown
}

/// The value a field's text stands for: `\n` `\r` `\t` `\\` are read as escapes; any
/// other backslash is itself (`\d`, `\w` and a trailing `\` stay as typed).
pub fn unescape_shown(shown: &str) -> String {
    let mut out = String::with_capacity(shown.len());
    let mut it = shown.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = match it.peek() {
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('\\') => '\\',
            _ => {
                out.push('\\');
                continue;
            }
        };
        out.push(e);
        it.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_text_reads_back_as_the_value() {
        for v in [
            "B\\d", "\\w+", "a\nb", "\\n", "\\\\", "\\", "x\\\n", "\\\\n", "\t\r", "",
        ] {
            assert_eq!(unescape_shown(&escape_shown(v)), v, "{v:?}");
        }
        assert_eq!(escape_shown("B\\d"), "B\\d");
        assert_eq!(escape_shown("(?P<t>\\w+)\n"), "(?P<t>\\w+)\\n");
        assert_eq!(unescape_shown("B\\d\\"), "B\\d\\");
        assert_eq!(unescape_shown("PING\\n"), "PING\n");
    }
}
