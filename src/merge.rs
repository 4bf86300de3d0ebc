//! Merging two versions of a note that descend from a common base, for the
//! git merge driver (`rapport merge-driver`). A contact note (front matter
//! that parses as a YAML mapping, on every side) is merged by the contact
//! rules of docs/git.md: log entries and open items as unions, `last_contact`
//! the later date, `next_contact` from the side contacted last, other
//! front-matter keys three-way one key at a time, the rest of the body
//! three-way by lines. Any other note gets an ordinary line-based three-way
//! merge. Conflicts are left between `<<<<<<< ours`, `=======` and
//! `>>>>>>> theirs`. Pure: three texts in, the merged text out.

mod body;
pub mod diff3;
mod front;

use crate::edit::{lines, newline, split_bom};
use crate::merge::diff3::{
    Chunk, OURS_MARKER, SPLIT_MARKER, THEIRS_MARKER, common_ends, diff3, merge_lines,
};
use crate::vault::body::conflict_markers;
use crate::vault::frontmatter::{Split, split};

/// How a note was merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    /// By the contact rules.
    Contact,
    /// Line by line (not a contact on every side, or not readable as one).
    Lines,
}

/// The outcome of a merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub text: Vec<u8>,
    /// How many conflicts are left as markers (0: a clean merge).
    pub conflicts: usize,
    pub how: How,
}

/// A line of the result, or a conflict between the two sides' lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Line(&'a str),
    Conflict(Vec<&'a str>, Vec<&'a str>),
}

/// Merge `ours` and `theirs`, both descended from `base` (empty when both
/// sides added the note).
pub fn merge(base: &[u8], ours: &[u8], theirs: &[u8]) -> Merged {
    if let (Ok(b), Ok(o), Ok(t)) = (
        std::str::from_utf8(base),
        std::str::from_utf8(ours),
        std::str::from_utf8(theirs),
    ) && let Some((text, conflicts)) = merge_contact(b, o, t)
    {
        return Merged {
            text: text.into_bytes(),
            conflicts,
            how: How::Contact,
        };
    }
    let (text, conflicts) = merge_lines(base, ours, theirs);
    Merged {
        text,
        conflicts,
        how: How::Lines,
    }
}

/// A contact note cut into its parts.
struct Parts<'a> {
    bom: bool,
    final_nl: bool,
    open: &'a str,
    close: &'a str,
    front: front::FrontSide<'a>,
    body: Vec<body::Tok<'a>>,
}

/// The parts of a contact note: `None` when it has no front matter, front
/// matter that is not a YAML mapping, or conflict markers.
fn contact(text: &str) -> Option<Parts<'_>> {
    let (bom, t) = split_bom(text);
    let Split::Block { yaml, body, .. } = split(t) else {
        return None;
    };
    crate::edit::frontmatter::validate(t).ok()?;
    let mut problems = Vec::new();
    conflict_markers(t, &mut problems);
    if !problems.is_empty() {
        return None;
    }
    let start = t.find('\n').map_or(t.len(), |i| i + 1);
    let yaml_end = start + yaml.len();
    let body_start = t.len() - body.len();
    let open = lines(t, 0, start).first()?.text;
    let close = lines(t, yaml_end, body_start).first()?.text;
    Some(Parts {
        bom: !bom.is_empty(),
        final_nl: t.ends_with('\n'),
        open,
        close,
        front: front::FrontSide {
            text: t,
            yaml,
            lines: lines(t, start, yaml_end).iter().map(|l| l.text).collect(),
        },
        body: body::tokens(t, body_start),
    })
}

/// The three-way choice of a small fact (BOM, a fence line, a final newline).
fn pick<T: PartialEq + Copy>(base: Option<T>, ours: T, theirs: T) -> T {
    if base == Some(ours) { theirs } else { ours }
}

fn merge_contact(base: &str, ours: &str, theirs: &str) -> Option<(String, usize)> {
    let b = if base.trim().is_empty() {
        None
    } else {
        Some(contact(base)?)
    };
    let (o, t) = (contact(ours)?, contact(theirs)?);
    let mut pieces = Vec::new();
    pieces.push(Piece::Line(pick(
        b.as_ref().map(|b| b.open),
        o.open,
        t.open,
    )));
    front::merge(
        b.as_ref().map(|b| &b.front),
        &o.front,
        &t.front,
        &mut pieces,
    );
    pieces.push(Piece::Line(pick(
        b.as_ref().map(|b| b.close),
        o.close,
        t.close,
    )));
    body::merge(
        b.as_ref().map_or(&[][..], |b| &b.body),
        &o.body,
        &t.body,
        &mut pieces,
    );
    let bom = pick(b.as_ref().map(|b| b.bom), o.bom, t.bom);
    let final_nl = pick(b.as_ref().map(|b| b.final_nl), o.final_nl, t.final_nl);
    let (_, ot) = split_bom(ours);
    Some(write(&pieces, newline(ot), bom, final_nl))
}

/// Merge plain lines (without line endings) three-way into `out`.
pub(crate) fn merge_str_lines<'a>(
    base: &[&'a str],
    ours: &[&'a str],
    theirs: &[&'a str],
    out: &mut Vec<Piece<'a>>,
) {
    for chunk in diff3(base, ours, theirs) {
        match chunk {
            Chunk::Stable(s) | Chunk::Resolved(s) => out.extend(s.iter().map(|l| Piece::Line(l))),
            Chunk::Conflict { ours, theirs, .. } => {
                out.push(Piece::Conflict(ours.to_vec(), theirs.to_vec()));
            }
        }
    }
}

/// The text of the pieces, with line ending `nl`; and the number of conflicts.
fn write(pieces: &[Piece<'_>], nl: &str, bom: bool, final_nl: bool) -> (String, usize) {
    let mut out = String::new();
    if bom {
        out.push('\u{feff}');
    }
    let mut conflicts = 0;
    let push = |out: &mut String, l: &str| {
        out.push_str(l);
        out.push_str(nl);
    };
    for p in pieces {
        match p {
            Piece::Line(l) => push(&mut out, l),
            Piece::Conflict(o, t) => {
                let (pre, suf) = common_ends(o, t);
                if pre == o.len() && pre == t.len() {
                    for l in o {
                        push(&mut out, l);
                    }
                    continue;
                }
                conflicts += 1;
                for l in &o[..pre] {
                    push(&mut out, l);
                }
                push(&mut out, OURS_MARKER);
                for l in &o[pre..o.len() - suf] {
                    push(&mut out, l);
                }
                push(&mut out, SPLIT_MARKER);
                for l in &t[pre..t.len() - suf] {
                    push(&mut out, l);
                }
                push(&mut out, THEIRS_MARKER);
                for l in &o[o.len() - suf..] {
                    push(&mut out, l);
                }
            }
        }
    }
    let ends_in_marker = matches!(pieces.last(), Some(Piece::Conflict(..)));
    if !final_nl && !ends_in_marker && out.ends_with(nl) {
        out.truncate(out.len() - nl.len());
    }
    (out, conflicts)
}

#[cfg(test)]
mod tests;
