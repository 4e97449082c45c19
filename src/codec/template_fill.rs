//! Filling in a rendered template's length and checksum fields, once every other byte is
//! known: lengths first (they depend only on sizes), then each checksum after the
//! checksums inside its range. At most [`super::template::MAX_FILLED`] such fields, so
//! the ordering below stays small.

use super::template::{Part, TemplateError, TemplateProblem};

/// A checksum field waiting for its bytes.
struct Pending<'a> {
    off: usize,
    width: usize,
    range: (usize, usize),
    part: &'a Part,
}

impl Pending<'_> {
    /// True if this field's bytes lie inside `range`.
    fn inside(&self, range: (usize, usize)) -> bool {
        self.off < range.1 && range.0 < self.off + self.width
    }
}

fn err(at: usize, problem: TemplateProblem) -> TemplateError {
    TemplateError {
        position: at,
        problem,
    }
}

/// Writes the fields of `fills` (offset in `out`, the part) into `out`.
pub(super) fn fill(out: &mut [u8], fills: &[(usize, &Part)]) -> Result<(), TemplateError> {
    let len = out.len();
    let mut pending = Vec::new();
    for &(off, part) in fills {
        match part {
            Part::Len {
                field,
                after,
                at,
                token,
            } => {
                let n = if *after {
                    len.saturating_sub(off + field.bytes)
                } else {
                    len
                };
                if n as u64 > field.max() {
                    let (token, max) = (token.clone(), field.max());
                    return Err(err(*at, TemplateProblem::LenTooBig { token, len: n, max }));
                }
                out[off..off + field.bytes].copy_from_slice(&field.bytes_of(n as u64));
            }
            Part::Check { spec, at, token } => {
                let width = spec.width();
                let range = match spec.range {
                    None => (0, off),
                    Some(r) => r.resolve(len).ok_or_else(|| {
                        let token = token.clone();
                        err(*at, TemplateProblem::RangeOutside { token, len })
                    })?,
                };
                let p = Pending {
                    off,
                    width,
                    range,
                    part,
                };
                if p.inside(range) {
                    return Err(err(*at, TemplateProblem::RangeCoversField(token.clone())));
                }
                pending.push(p);
            }
            _ => {}
        }
    }
    while !pending.is_empty() {
        let ready = (0..pending.len()).find(|&i| {
            let r = pending[i].range;
            pending.iter().all(|o| !o.inside(r))
        });
        let Some(i) = ready else {
            let Part::Check { at, token, .. } = pending[0].part else {
                break;
            };
            return Err(err(*at, TemplateProblem::ChecksumLoop(token.clone())));
        };
        let p = pending.swap_remove(i);
        if let Part::Check { spec, .. } = p.part {
            let v = spec.bytes_of(&out[p.range.0..p.range.1]);
            out[p.off..p.off + p.width].copy_from_slice(&v);
        }
    }
    Ok(())
}
