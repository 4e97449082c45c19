//! The inside of one `{…}` of a payload template: which variable or binary field it is,
//! or the typed error naming the token and where it is.

use super::binfield::{ChecksumSpec, FieldProblem, IntField};
use super::hex::parse_hex;
use super::template::{MAX_RAND, MAX_WIDTH, Part};
use super::template_error::{TemplateError, TemplateProblem};

fn err(position: usize, problem: TemplateProblem) -> TemplateError {
    TemplateError { position, problem }
}

fn field(p: FieldProblem) -> TemplateProblem {
    TemplateProblem::Field(p)
}

/// Parses the inside of `{...}`; `at` is the template position of its first character.
pub(super) fn variable(body: &str, at: usize) -> Result<Part, TemplateError> {
    let (name, arg) = match body.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (body, None),
    };
    let arg_at = at + name.chars().count() + 1;
    match (name, arg) {
        ("seq" | "conn", None) => Ok(counter(name, 0, false)),
        ("seq" | "conn", Some(a)) if a.starts_with('u') => IntField::parse(a)
            .map(|f| {
                if name == "seq" {
                    Part::SeqBin(f)
                } else {
                    Part::ConnBin(f)
                }
            })
            .ok_or_else(|| err(arg_at, field(FieldProblem::UnknownInt(a.into())))),
        ("len", None) => Err(err(at, TemplateProblem::LenNeedsWidth)),
        ("len", Some(a)) => len_field(a, arg_at, at, body),
        (n, _) if super::Checksum::from_name(n).is_some() => ChecksumSpec::parse(body)
            .map_err(|e| err(at, field(e)))
            .and_then(|spec| match spec.at {
                Some(p) => Err(err(
                    at,
                    field(FieldProblem::PositionInTemplate(format!("@{p}"))),
                )),
                None => Ok(Part::Check {
                    spec,
                    at,
                    token: body.into(),
                }),
            }),
        ("seq" | "conn", Some(a)) => {
            let zero = a.starts_with('0') && a.len() > 1;
            let width: usize = a
                .parse()
                .map_err(|_| err(arg_at, TemplateProblem::BadWidth(a.into())))?;
            if width > MAX_WIDTH {
                let max = MAX_WIDTH;
                return Err(err(arg_at, TemplateProblem::WidthTooBig { width, max }));
            }
            Ok(counter(name, width, zero))
        }
        ("time", None) => Ok(Part::Time),
        ("unix_ms", None) => Ok(Part::UnixMs),
        ("rand", Some(a)) => {
            let n: usize = a
                .trim()
                .parse()
                .map_err(|_| err(arg_at, TemplateProblem::BadCount(a.into())))?;
            if n > MAX_RAND {
                let max = MAX_RAND;
                return Err(err(arg_at, TemplateProblem::RandTooBig { n, max }));
            }
            Ok(Part::Rand(n))
        }
        ("rand", None) => Err(err(at, TemplateProblem::RandNeedsCount)),
        ("hex", Some(a)) => parse_hex(a)
            .map(Part::Bytes)
            .map_err(|e| err(arg_at + e.position, TemplateProblem::Hex(e.problem))),
        ("time" | "unix_ms", Some(_)) => Err(err(arg_at, TemplateProblem::NoArgument(name.into()))),
        _ => Err(err(at, TemplateProblem::UnknownVariable(body.into()))),
    }
}

/// `{seq}` or `{conn}` in decimal, `width` wide.
fn counter(name: &str, width: usize, zero: bool) -> Part {
    if name == "seq" {
        Part::Seq { width, zero }
    } else {
        Part::Conn { width, zero }
    }
}

/// `{len:W}` or `{len:W:after}`; `a` is what follows `len:`, at template position `at`;
/// the field's name is at `name_at` (where a render error points).
fn len_field(a: &str, at: usize, name_at: usize, body: &str) -> Result<Part, TemplateError> {
    let (w, rest) = match a.split_once(':') {
        Some((w, r)) => (w, Some(r)),
        None => (a, None),
    };
    let f = IntField::parse(w.trim())
        .ok_or_else(|| err(at, field(FieldProblem::UnknownInt(w.into()))))?;
    let after = match rest.map(str::trim) {
        None => false,
        Some("after") => true,
        Some(r) => {
            let at = at + w.chars().count() + 1;
            return Err(err(at, field(FieldProblem::BadLenArg(r.into()))));
        }
    };
    Ok(Part::Len {
        field: f,
        after,
        at: name_at,
        token: body.into(),
    })
}
