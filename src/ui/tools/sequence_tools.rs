//! The Sequence tool's form as a sequence: built through the same TOML a saved file holds
//! (so the window runs exactly what `socket-tester run` would), loaded from and saved to
//! files (the save is whole or nothing).

use super::sequence_panel::SequenceForm;
use crate::codec::Encoding;
use crate::i18n::Lang;
use crate::net::Role;
use crate::sequence::outline::{outline, to_toml};
use crate::sequence::{Proto, Sequence};
use std::path::Path;

fn proto(role: Role) -> Proto {
    if role.is_tcp() {
        Proto::Tcp
    } else {
        Proto::Udp
    }
}

fn text(form: &SequenceForm, role: Role, enc: Encoding, to: Option<&str>) -> String {
    let name = match form.name.trim() {
        "" => "sequence",
        n => n,
    };
    to_toml(name, proto(role), to, &enc.label(), &form.steps)
}

/// The checked sequence the form describes (its problem, naming the step, otherwise).
pub fn build(form: &SequenceForm, role: Role, enc: Encoding) -> Result<Sequence, String> {
    // Line numbers of the generated text mean nothing here: the step's label says where.
    Sequence::parse(&text(form, role, enc, None)).map_err(|e| e.message)
}

/// Reads a sequence file into the form; returns it and its number of top-level steps.
/// A loaded file: its form, its number of steps, and its `to` (if it names one).
pub fn import(path: &Path, _lang: Lang) -> Result<(SequenceForm, usize, Option<String>), String> {
    let t = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (name, _, steps) = outline(&t).map_err(|e| format!("{}: {e}", path.display()))?;
    let to = crate::sequence::Sequence::parse(&t).ok().and_then(|s| s.to);
    let n = steps.len();
    let name = name.unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Ok((SequenceForm { name, steps }, n, to))
}

/// Writes the form as a sequence file (whole, or the old file stays), with everything
/// `socket-tester run FILE` needs: the protocol, the encoding and, from a TCP Client or
/// UDP Sender tab, the tab's destination as `to`.
pub fn export(
    path: &Path,
    form: &SequenceForm,
    role: Role,
    enc: Encoding,
    to: Option<&str>,
) -> Result<(), String> {
    let to = to.filter(|_| matches!(role, Role::TcpClient | Role::UdpSender));
    crate::files::atomic::write(path, text(form, role, enc, to).as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_form_builds_and_a_saved_file_loads_back() {
        let form = SequenceForm::default();
        let seq = build(&form, Role::TcpClient, Encoding::UTF_8).unwrap();
        assert_eq!(seq.steps.len(), 2);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        export(
            &p,
            &form,
            Role::UdpSender,
            Encoding::GBK,
            Some("127.0.0.1:9"),
        )
        .unwrap();
        let seq = Sequence::parse(&std::fs::read_to_string(&p).unwrap()).unwrap();
        assert_eq!(seq.to.as_deref(), Some("127.0.0.1:9"));
        let (back, n, to) = import(&p, Lang::En).unwrap();
        assert_eq!((back.steps, n), (form.steps, 2));
        // The file's destination comes back with it (the tab takes it).
        assert_eq!(to.as_deref(), Some("127.0.0.1:9"));
        assert_eq!(back.name, "sequence");
    }
}
