//! The body of a contact note, merged three-way over tokens: each line is a
//! token, except the entries of the `## Log` section (a dated list item with
//! its continuation lines is one token) and task items (`- [ ]`, `- [x]`).
//! Where both sides changed the same part, and the plain lines there were
//! changed by one side only (or both the same way), the part is resolved by
//! the contact rules: log entries are the union in the section's date order,
//! task items the union with a task checked on either side checked, a token
//! deleted by one side and kept by the other deleted. Everything else left
//! changed on both sides is a conflict. Pure.

use jiff::civil::Date;

use crate::edit::log::{body_lines, dated, heading, item_end, list_item};
use crate::merge::Piece;
use crate::merge::diff3::{Chunk, diff3};
use crate::vault::names::fold;

/// A piece of the body that the merge moves as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tok<'a> {
    /// Any other line, without its line ending.
    Line(&'a str),
    /// A dated item of the `Log` section and its continuation lines.
    Entry(Date, Vec<&'a str>),
    /// A task item: its indentation and text (what makes it the same task on
    /// both sides) and whether it is checked.
    Task {
        indent: usize,
        text: &'a str,
        done: bool,
        line: &'a str,
    },
}

impl<'a> Tok<'a> {
    fn lines(&self) -> Vec<&'a str> {
        match self {
            Tok::Line(l) | Tok::Task { line: l, .. } => vec![l],
            Tok::Entry(_, ls) => ls.clone(),
        }
    }
    /// A line that is not a log entry, a task or blank.
    fn is_plain(&self) -> bool {
        matches!(self, Tok::Line(l) if !l.trim().is_empty())
    }
    fn is_blank(&self) -> bool {
        matches!(self, Tok::Line(l) if l.trim().is_empty())
    }
}

/// A task item's checkbox and text.
fn task(content: &str) -> Option<(bool, &str)> {
    let done = match content.get(..3)? {
        "[ ]" => false,
        "[x]" | "[X]" => true,
        _ => return None,
    };
    let rest = &content[3..];
    (rest.is_empty() || rest.starts_with([' ', '\t'])).then(|| (done, rest.trim()))
}

/// The tokens of the body of `text` (a note without BOM), which starts at byte `from`.
pub fn tokens(text: &str, from: usize) -> Vec<Tok<'_>> {
    let ls = body_lines(text, from);
    let log = ls
        .iter()
        .position(|(l, code)| !code && heading(l.text).is_some_and(|(_, h)| fold(h) == "log"));
    let section = log.map_or(0..0, |h| {
        let level = heading(ls[h].0.text).map_or(2, |(lv, _)| lv);
        let end = (h + 1..ls.len())
            .find(|&i| !ls[i].1 && heading(ls[i].0.text).is_some_and(|(lv, _)| lv <= level))
            .unwrap_or(ls.len());
        h + 1..end
    });
    let mut out = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let (l, code) = ls[i];
        if !code && let Some((ind, _, content)) = list_item(l.text) {
            if section.contains(&i)
                && let Some(d) = dated(content)
            {
                let after = item_end(&ls, i, section.end, ind);
                out.push(Tok::Entry(
                    d,
                    ls[i..after].iter().map(|(l, _)| l.text).collect(),
                ));
                i = after;
                continue;
            }
            if let Some((done, text)) = task(content) {
                out.push(Tok::Task {
                    indent: ind,
                    text,
                    done,
                    line: l.text,
                });
                i += 1;
                continue;
            }
        }
        out.push(Tok::Line(l.text));
        i += 1;
    }
    out
}

/// Does the log list its entries newest first? As the entries say (the first
/// two with different dates), newest-first when they cannot tell.
pub fn newest_first(sides: &[&[Tok<'_>]]) -> bool {
    for toks in sides {
        let dates: Vec<Date> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Entry(d, _) => Some(*d),
                _ => None,
            })
            .collect();
        for w in dates.windows(2) {
            if w[0] != w[1] {
                return w[0] > w[1];
            }
        }
    }
    true
}

/// Remove one occurrence of `x` from `v`; was there one?
fn remove_one<T: PartialEq>(v: &mut Vec<T>, x: &T) -> bool {
    match v.iter().position(|y| y == x) {
        Some(p) => {
            v.remove(p);
            true
        }
        None => false,
    }
}

/// `a` less the tokens of `b`, counted with repetition.
fn minus<'t, 'a>(a: &'t [Tok<'a>], b: &[&Tok<'a>]) -> Vec<&'t Tok<'a>> {
    let mut b = b.to_vec();
    a.iter().filter(|x| !remove_one(&mut b, x)).collect()
}

/// Resolve a part both sides changed, when the contact rules can: `None`
/// when both sides changed plain lines differently.
fn resolve<'a>(
    base: &[Tok<'a>],
    ours: &[Tok<'a>],
    theirs: &[Tok<'a>],
    newest_first: bool,
) -> Option<Vec<Tok<'a>>> {
    let plain = |s: &[Tok<'a>]| {
        s.iter()
            .filter(|t| t.is_plain())
            .cloned()
            .collect::<Vec<_>>()
    };
    let (pb, po, pt) = (plain(base), plain(ours), plain(theirs));
    // the side whose plain lines count (the other left them as in the base, or alike)
    let (win, lose) = if po == pt || pt == pb {
        (ours, theirs)
    } else if po == pb {
        (theirs, ours)
    } else {
        return None;
    };
    let mut res: Vec<Tok<'a>> = win.to_vec();
    let all: Vec<&Tok<'a>> = base.iter().chain(win).collect();
    let added = minus(lose, &all);
    let lose_all: Vec<&Tok<'a>> = lose.iter().collect();
    let deleted = minus(base, &lose_all);
    let mut pending = Vec::new();
    for x in added {
        match x {
            Tok::Task {
                indent, text, done, ..
            } => {
                // the same task with the other checkbox (an exact copy is one more of it)
                let same = res.iter().position(|y| {
                    matches!(y, Tok::Task { indent: i, text: t, done: d, .. }
                        if i == indent && t == text && d != done)
                });
                match same {
                    // checked on either side: checked
                    Some(p) => {
                        if *done && matches!(res[p], Tok::Task { done: false, .. }) {
                            res[p] = x.clone();
                        }
                    }
                    None => pending.push(x),
                }
            }
            // a blank line of the other side is layout, not content
            t if t.is_blank() => {}
            _ => pending.push(x),
        }
    }
    for x in deleted {
        if !x.is_plain() {
            remove_one(&mut res, x);
        }
    }
    for x in pending {
        let at = match x {
            // among the entries; else where it stood on its side: after what preceded it
            Tok::Entry(d, _) => entry_position(&res, *d, newest_first)
                .unwrap_or_else(|| predecessor_position(&res, lose, x)),
            // after the other side's additions (as in a union merge)
            _ => successor_position(&res, lose, x),
        };
        res.insert(at, x.clone());
    }
    Some(res)
}

/// Where an entry dated `d` goes among the entries of `res`, in date order
/// (after the entries of the same date); `None` when there are none.
fn entry_position(res: &[Tok<'_>], d: Date, newest_first: bool) -> Option<usize> {
    let entries: Vec<(usize, Date)> = res
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t {
            Tok::Entry(e, _) => Some((i, *e)),
            _ => None,
        })
        .collect();
    let (first, last) = (entries.first()?.0, entries.last()?.0);
    Some(if newest_first {
        entries
            .iter()
            .find(|(_, e)| *e < d)
            .map_or(last + 1, |(i, _)| *i)
    } else {
        entries
            .iter()
            .rev()
            .find(|(_, e)| *e <= d)
            .map_or(first, |(i, _)| i + 1)
    })
}

/// Right after the last token that precedes `x` on its side and is in
/// `res`; at the start when there is none.
fn predecessor_position(res: &[Tok<'_>], side: &[Tok<'_>], x: &Tok<'_>) -> usize {
    let at = side.iter().position(|y| std::ptr::eq(y, x)).unwrap_or(0);
    side[..at]
        .iter()
        .rev()
        .find_map(|y| res.iter().position(|r| r == y))
        .map_or(0, |p| p + 1)
}

/// Right before the first token that follows `x` on its side and is in
/// `res`; at the end when there is none.
fn successor_position(res: &[Tok<'_>], side: &[Tok<'_>], x: &Tok<'_>) -> usize {
    let after = side
        .iter()
        .position(|y| std::ptr::eq(y, x))
        .map_or(side.len(), |p| p + 1);
    side[after..]
        .iter()
        .find_map(|y| res.iter().position(|r| r == y))
        .unwrap_or(res.len())
}

/// Merge the bodies (`base` empty for a note both sides added) into `out`.
pub fn merge<'a>(base: &[Tok<'a>], ours: &[Tok<'a>], theirs: &[Tok<'a>], out: &mut Vec<Piece<'a>>) {
    let newest_first = newest_first(&[base, ours, theirs]);
    let lines = |ts: &[Tok<'a>]| ts.iter().flat_map(Tok::lines).collect::<Vec<_>>();
    for chunk in diff3(base, ours, theirs) {
        match chunk {
            Chunk::Stable(s) | Chunk::Resolved(s) => {
                out.extend(lines(s).into_iter().map(Piece::Line));
            }
            Chunk::Conflict { base, ours, theirs } => {
                match resolve(base, ours, theirs, newest_first) {
                    Some(res) => out.extend(lines(&res).into_iter().map(Piece::Line)),
                    None => out.push(Piece::Conflict(lines(ours), lines(theirs))),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Tok, newest_first, tokens};

    #[test]
    fn tokens_of_a_body() {
        let body = "# A\n## Log\n- 2026-10-12 Coffee\n  more\n- not dated\n- [ ] task\n\n## Open\n- [x] done\n- 2026-01-01 not in the log\n```\n- [ ] code\n```\n";
        let t = tokens(body, 0);
        let kinds: Vec<&str> = t
            .iter()
            .map(|t| match t {
                Tok::Line(_) => "line",
                Tok::Entry(_, ls) if ls.len() == 2 => "entry2",
                Tok::Entry(..) => "entry",
                Tok::Task { done: true, .. } => "done",
                Tok::Task { .. } => "task",
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "line", "line", "entry2", "line", "task", "line", "line", "done", "line", "line",
                "line", "line"
            ]
        );
    }

    #[test]
    fn order_of_the_log() {
        let nf = tokens("## Log\n- 2026-10-12 a\n- 2026-01-01 b\n", 0);
        let nl = tokens("## Log\n- 2026-01-01 b\n- 2026-10-12 a\n", 0);
        let one = tokens("## Log\n- 2026-01-01 b\n", 0);
        assert!(newest_first(&[&nf]));
        assert!(!newest_first(&[&nl]));
        assert!(!newest_first(&[&one, &nl, &nf]));
        assert!(newest_first(&[&one]));
    }
}
