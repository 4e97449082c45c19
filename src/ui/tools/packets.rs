//! Saved packets, as Packet Sender keeps them: each has a name, a protocol (TCP or UDP), a
//! destination (`host:port`) and a payload with its form (text or hex, escapes, a
//! template, a line ending) and encoding. They live in `packets.toml` in the app's data
//! folder (written whole and atomically at each change) and move between machines as
//! TOML files in the same format (README: "Saved packets"). Reading is checked: a bad
//! file names its line, and nothing of it is taken.

use super::send_box::{LineEnding, PayloadForm};
use crate::codec::{Encoding, PayloadError};
use crate::net::addr::{self, AddrError, AddrProblem};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The file in the data folder that holds the packets.
pub const STORE_FILE: &str = "packets.toml";
/// The largest packets file read.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The most packets kept.
pub const MAX_PACKETS: usize = 1000;

/// TCP or UDP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    #[default]
    Udp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// A line ending as the file writes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Ending {
    #[default]
    None,
    Lf,
    Crlf,
}

/// One saved packet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Packet {
    pub name: String,
    pub protocol: Protocol,
    /// `host:port`.
    pub to: String,
    pub form: PayloadForm,
    /// The encoding's label (`utf-8`, `gbk`, …).
    pub encoding: String,
}

impl Packet {
    /// The encoding (UTF-8 when the label is unknown; [`Packet::check`] refuses that).
    pub fn encoding(&self) -> Encoding {
        Encoding::for_label(&self.encoding).unwrap_or(Encoding::UTF_8)
    }

    /// The bytes to send (`seq` is `{seq}` for a template).
    pub fn bytes(&self, seq: &mut u64) -> Result<Vec<u8>, PayloadError> {
        self.form.bytes(self.encoding(), seq)
    }

    /// What is wrong with it, if anything.
    pub fn check(&self) -> Result<(), Problem> {
        if self.name.trim().is_empty() {
            return Err(Problem::NoName);
        }
        destination(&self.to).map_err(Problem::Destination)?;
        if Encoding::for_label(&self.encoding).is_none() {
            return Err(Problem::Encoding(self.encoding.clone()));
        }
        self.bytes(&mut 1).map_err(Problem::Payload)?;
        Ok(())
    }
}

/// Checks a destination: a host and a port other than 0.
pub fn destination(to: &str) -> Result<(String, u16), AddrError> {
    let (host, port) = addr::split_host_port(to)?;
    if host.is_empty() {
        return Err(AddrError(
            AddrProblem::HostEmpty.english(),
            AddrProblem::HostEmpty,
        ));
    }
    if port == 0 {
        return Err(AddrError(
            AddrProblem::PortZero.english(),
            AddrProblem::PortZero,
        ));
    }
    Ok((host, port))
}

/// Why a packet (or a packets file) was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    NoName,
    Destination(AddrError),
    Encoding(String),
    Payload(PayloadError),
    /// Not TOML, or not the packets format (the parser's words).
    Syntax(String),
    TooBig,
    TooMany,
    /// The file could not be read or written (the system's words).
    Io(String),
}

/// A problem and where: the file's line (1-based) when known.
#[derive(Clone, Debug, PartialEq)]
pub struct FileProblem {
    pub line: Option<usize>,
    pub problem: Problem,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    protocol: Protocol,
    to: String,
    #[serde(default)]
    payload: String,
    #[serde(default = "utf8")]
    encoding: String,
    #[serde(default)]
    hex: bool,
    #[serde(default)]
    escapes: bool,
    #[serde(default)]
    template: bool,
    #[serde(default)]
    line_ending: Ending,
    /// Appended after the data: sum8, xor8, crc16-modbus, crc16-ccitt, crc32.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checksum: Option<crate::codec::Checksum>,
}

fn utf8() -> String {
    "utf-8".into()
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "packet")]
    packets: Vec<Entry>,
}

impl From<&Packet> for Entry {
    fn from(p: &Packet) -> Entry {
        Entry {
            name: p.name.clone(),
            protocol: p.protocol,
            to: p.to.clone(),
            payload: p.form.text.clone(),
            encoding: p.encoding.clone(),
            hex: p.form.hex,
            escapes: p.form.escapes,
            template: p.form.variables,
            line_ending: match p.form.line_ending {
                LineEnding::None => Ending::None,
                LineEnding::Lf => Ending::Lf,
                LineEnding::CrLf => Ending::Crlf,
            },
            checksum: p.form.checksum,
        }
    }
}

impl From<Entry> for Packet {
    fn from(e: Entry) -> Packet {
        Packet {
            name: e.name,
            protocol: e.protocol,
            to: e.to,
            form: PayloadForm {
                text: e.payload,
                hex: e.hex,
                escapes: e.escapes,
                variables: e.template,
                line_ending: match e.line_ending {
                    Ending::None => LineEnding::None,
                    Ending::Lf => LineEnding::Lf,
                    Ending::Crlf => LineEnding::CrLf,
                },
                checksum: e.checksum,
            },
            encoding: e.encoding,
        }
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads packets from TOML text; every packet is checked, and a problem names its line.
pub fn parse(text: &str) -> Result<Vec<Packet>, FileProblem> {
    let file: File = toml::from_str(text).map_err(|e| FileProblem {
        line: e.span().map(|s| line_of(text, s.start)),
        problem: Problem::Syntax(e.message().to_string()),
    })?;
    if file.packets.len() > MAX_PACKETS {
        return Err(FileProblem {
            line: None,
            problem: Problem::TooMany,
        });
    }
    // The line of each `[[packet]]` header, in order.
    let headers: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("[[packet]]"))
        .map(|(i, _)| i + 1)
        .collect();
    let mut out = Vec::new();
    for (i, e) in file.packets.into_iter().enumerate() {
        let p = Packet::from(e);
        p.check().map_err(|problem| FileProblem {
            line: headers.get(i).copied(),
            problem,
        })?;
        out.push(p);
    }
    Ok(out)
}

/// The packets as TOML text (the format [`parse`] reads).
pub fn to_toml(list: &[Packet]) -> Result<String, Problem> {
    let file = File {
        packets: list.iter().map(Entry::from).collect(),
    };
    let body = toml::to_string(&file).map_err(|e| Problem::Syntax(e.to_string()))?;
    Ok(format!(
        "# Socket Tester saved packets (README: \"Saved packets\").\n{body}"
    ))
}

/// Reads a packets file.
pub fn read(path: &Path) -> Result<Vec<Packet>, FileProblem> {
    let io = |e: std::io::Error| FileProblem {
        line: None,
        problem: Problem::Io(e.to_string()),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileProblem {
            line: None,
            problem: Problem::TooBig,
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| FileProblem {
        line: Some(line_of(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        )),
        problem: Problem::Syntax("not UTF-8 text".into()),
    })?;
    parse(&text)
}

/// Writes the packets to `path` atomically (the old file stays whole if writing fails);
/// makes the folder (0700) if it is missing.
pub fn write(path: &Path, list: &[Packet]) -> Result<(), Problem> {
    let text = to_toml(list)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::private::create_dir_all(dir).map_err(|e| Problem::Io(e.to_string()))?;
    }
    crate::files::atomic::write(path, text.as_bytes()).map_err(|e| Problem::Io(e.to_string()))
}

/// Adds `new` to `list` without losing any packet: a name already taken gets " (2)",
/// " (3)"… Returns how many were added (all, unless the list is full).
pub fn merge(list: &mut Vec<Packet>, new: Vec<Packet>) -> usize {
    let mut added = 0;
    for mut p in new {
        if list.len() >= MAX_PACKETS {
            break;
        }
        p.name = unique_name(list, &p.name);
        list.push(p);
        added += 1;
    }
    added
}

/// `name`, or `name (n)` with the first n not taken.
pub fn unique_name(list: &[Packet], name: &str) -> String {
    let taken = |n: &str| list.iter().any(|p| p.name == n);
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name} ({n})"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp(name: &str) -> Packet {
        Packet {
            name: name.into(),
            protocol: Protocol::Udp,
            to: "127.0.0.1:8080".into(),
            form: PayloadForm {
                text: "你好 {seq}".into(),
                variables: true,
                line_ending: LineEnding::CrLf,
                ..PayloadForm::default()
            },
            encoding: "gbk".into(),
        }
    }

    #[test]
    fn toml_round_trip_keeps_every_field() {
        let tcp = Packet {
            name: "modbus".into(),
            protocol: Protocol::Tcp,
            to: "[::1]:502".into(),
            form: PayloadForm {
                text: "00 01 00 00 00 06 01 03".into(),
                hex: true,
                ..PayloadForm::default()
            },
            encoding: "utf-8".into(),
        };
        let list = vec![udp("hello"), tcp];
        let text = to_toml(&list).unwrap();
        assert_eq!(parse(&text).unwrap(), list);
        let mut seq = 7;
        assert_eq!(list[0].bytes(&mut seq).unwrap(), b"\xc4\xe3\xba\xc3 7\r\n");
    }

    #[test]
    fn a_bad_file_names_its_line() {
        let syntax = "[[packet]]\nname = \"a\"\nprotocol = \"udp\"\nto = 127.0.0.1:1\n";
        assert_eq!(parse(syntax).unwrap_err().line, Some(4));
        let proto = "[[packet]]\nname = \"a\"\nprotocol = \"sctp\"\nto = \"h:1\"\n";
        assert_eq!(parse(proto).unwrap_err().line, Some(3));
        let hex = "[[packet]]\nname = \"a\"\nprotocol = \"udp\"\nto = \"h:1\"\n\n\
                   [[packet]]\nname = \"b\"\nprotocol = \"tcp\"\nto = \"h:2\"\nhex = true\npayload = \"zz\"\n";
        let e = parse(hex).unwrap_err();
        assert_eq!(e.line, Some(6));
        assert!(matches!(e.problem, Problem::Payload(_)), "{e:?}");
        let port = "[[packet]]\nname = \"a\"\nprotocol = \"udp\"\nto = \"h:0\"\n";
        assert!(matches!(
            parse(port).unwrap_err().problem,
            Problem::Destination(_)
        ));
        let no_host = "[[packet]]\nname = \"a\"\nprotocol = \"udp\"\nto = \"8080\"\n";
        assert!(matches!(
            parse(no_host).unwrap_err().problem,
            Problem::Destination(_)
        ));
        let enc =
            "[[packet]]\nname = \"a\"\nprotocol = \"udp\"\nto = \"h:1\"\nencoding = \"klingon\"\n";
        assert_eq!(
            parse(enc).unwrap_err().problem,
            Problem::Encoding("klingon".into())
        );
    }

    #[test]
    fn merging_never_loses_a_packet() {
        let mut list = vec![udp("hello"), udp("hello (2)")];
        let added = merge(&mut list, vec![udp("hello"), udp("other")]);
        assert_eq!(added, 2);
        let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["hello", "hello (2)", "hello (3)", "other"]);
    }

    #[test]
    fn write_is_atomic_and_makes_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fresh/home/packets.toml");
        write(&path, &[udp("a")]).unwrap();
        assert_eq!(read(&path).unwrap(), vec![udp("a")]);
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left");
    }
}
