//! The promise of `log`, as a checkable property: the edited note is the old
//! note plus the intended lines, and nothing else changed. Used by the
//! property tests and by the `log_entry` fuzz target (`--cfg fuzzing`); not
//! part of the tool itself.

use crate::edit::{LogOutcome, LogRequest, split_bom};
use crate::vault::note::parse_note;

/// The keys `log` may rewrite in place.
const KEYS: [&str; 2] = ["last_contact", "next_contact"];

fn key_of(line: &str) -> Option<&'static str> {
    let t = line.trim_start_matches([' ', '\t']);
    KEYS.into_iter().find(|k| {
        t.strip_prefix(k)
            .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with(':'))
    })
}

fn body(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// The lines `log` may add: the entry's own, blank lines, `## Log`, a fence
/// and the outcome's date keys. Remembers whether the entry's first line has
/// been seen (its other lines may only follow it).
struct Intended<'a> {
    date: String,
    text_lines: Vec<&'a str>,
    out: &'a LogOutcome,
    entry_seen: bool,
}

impl<'a> Intended<'a> {
    fn new(req: &'a LogRequest, out: &'a LogOutcome) -> Intended<'a> {
        Intended {
            date: req.date.to_string(),
            text_lines: req.text.trim().lines().map(str::trim).collect(),
            out,
            entry_seen: false,
        }
    }

    /// Whether `line` sets `last_contact` or `next_contact` to the outcome's
    /// date.
    fn key_ok(&self, line: &str) -> bool {
        match key_of(line) {
            Some("last_contact") => self
                .out
                .last_contact
                .is_some_and(|d| line.contains(&d.to_string())),
            Some(_) => self
                .out
                .next_contact
                .is_some_and(|d| line.contains(&d.to_string())),
            None => false,
        }
    }

    /// Whether `line` may be added.
    fn insertable(&mut self, line: &str) -> bool {
        let t = body(line).trim();
        if t.is_empty() || t == "## Log" || t == "---" || self.key_ok(line) {
            return true;
        }
        let first = self.text_lines.first().copied().unwrap_or("");
        if !self.entry_seen && t.contains(&self.date) && t.ends_with(first) {
            self.entry_seen = true;
            return true;
        }
        self.entry_seen && self.text_lines[1..].contains(&t)
    }
}

/// The number of lines of the old front matter (fences included; 0 when the
/// note has none): the only place a key line may be rewritten.
fn front_matter_end(bl: &[&str]) -> usize {
    match bl.first().map(|l| body(l)) {
        Some("---") => bl
            .iter()
            .skip(1)
            .position(|l| matches!(body(l), "---" | "..."))
            .map_or(0, |p| p + 1),
        _ => 0,
    }
}

/// Walk the old lines `bl` and the new lines `al` together: every old line
/// is kept (or, in the front matter, a date key rewritten), every other new
/// line is intended, and the entry is there.
fn compare_lines(bl: &[&str], al: &[&str], want: &mut Intended<'_>) -> Result<(), String> {
    let fm_end = front_matter_end(bl);
    let (mut i, mut j) = (0, 0);
    while i < bl.len() {
        let Some(&aj) = al.get(j) else {
            return Err(format!("line {:?} of the old note is gone", bl[i]));
        };
        let last_without_nl = i + 1 == bl.len() && !bl[i].ends_with('\n');
        // a last line without a line ending may gain one
        let same = aj == bl[i]
            || last_without_nl
                && aj
                    .strip_prefix(bl[i])
                    .is_some_and(|nl| nl == "\n" || nl == "\r\n");
        let rewritten =
            i < fm_end && key_of(bl[i]).is_some() && key_of(bl[i]) == key_of(aj) && want.key_ok(aj);
        if same || rewritten {
            i += 1;
            j += 1;
        } else if want.insertable(aj) {
            j += 1;
        } else {
            return Err(format!(
                "line {} {:?} of the new note is neither old nor intended (old line {} is {:?})",
                j + 1,
                aj,
                i + 1,
                bl[i]
            ));
        }
    }
    for &aj in &al[j..] {
        if !want.insertable(aj) {
            return Err(format!("trailing line {aj:?} is not intended"));
        }
    }
    if !want.entry_seen {
        return Err("the entry line is missing".into());
    }
    Ok(())
}

/// The edited note still reads, with the entry in its log, the dates set and
/// no front-matter problem the old note did not have.
fn reads_back(before: &str, req: &LogRequest, out: &LogOutcome) -> Result<(), String> {
    let p = parse_note("x.md", out.text.as_bytes());
    if !p.note.log.iter().any(|e| e.date == req.date) {
        return Err(format!(
            "the entry for {} is not in the parsed log",
            req.date
        ));
    }
    if out.last_contact.is_some() && p.note.facts.last_contact != out.last_contact {
        return Err(format!(
            "last_contact reads back as {:?}",
            p.note.facts.last_contact
        ));
    }
    if out.next_contact.is_some() && p.note.facts.next_contact != out.next_contact {
        return Err(format!(
            "next_contact reads back as {:?}",
            p.note.facts.next_contact
        ));
    }
    let old = parse_note("x.md", before.as_bytes());
    let yaml = |p: &crate::vault::note::Parsed| {
        p.note.problems.iter().filter(|q| q.code == "yaml").count()
    };
    if yaml(&p) > yaml(&old) {
        return Err("the edit broke the front matter".into());
    }
    Ok(())
}

/// Why `after` is not `before` with only the intended change, if it is not.
///
/// Allowed: the entry's own lines (its date and text), blank lines, a new
/// `## Log` heading, a new front-matter fence, `last_contact`/`next_contact`
/// lines set to the outcome's dates (inserted, or replacing the same key's
/// line), and a final newline added to a last line that had none.
pub fn check_log_edit(before: &str, req: &LogRequest, out: &LogOutcome) -> Result<(), String> {
    let (bom_b, b) = split_bom(before);
    let (bom_a, a) = split_bom(&out.text);
    if bom_a != bom_b {
        return Err("the byte-order mark changed".into());
    }
    let bl: Vec<&str> = b.split_inclusive('\n').collect();
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    compare_lines(&bl, &al, &mut Intended::new(req, out))?;
    reads_back(before, req, out)
}
