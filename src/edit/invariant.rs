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

/// Why `after` is not `before` with only the intended change, if it is not.
///
/// Allowed: the entry's own lines (its date and text), blank lines, a new
/// `## Log` heading, a new front-matter fence, `last_contact`/`next_contact`
/// lines set to the outcome's dates (inserted, or replacing the same key's
/// line), and a final newline added to a last line that had none.
pub fn check_log_edit(before: &str, req: &LogRequest, out: &LogOutcome) -> Result<(), String> {
    let after = out.text.as_str();
    let (bom_b, b) = split_bom(before);
    let (bom_a, a) = split_bom(after);
    if bom_a != bom_b {
        return Err("the byte-order mark changed".into());
    }
    let date = req.date.to_string();
    let text_lines: Vec<&str> = req.text.trim().lines().map(str::trim).collect();
    let first = text_lines.first().copied().unwrap_or("");
    let key_ok = |line: &str| match key_of(line) {
        Some("last_contact") => {
            out.last_contact.is_some()
                && line.contains(&out.last_contact.map(|d| d.to_string()).unwrap_or_default())
        }
        Some(_) => out
            .next_contact
            .is_some_and(|d| line.contains(&d.to_string())),
        None => false,
    };
    let mut entry_seen = false;
    let mut insertable = |line: &str| -> bool {
        let t = body(line).trim();
        if t.is_empty() || t == "## Log" || t == "---" || key_ok(line) {
            return true;
        }
        if !entry_seen && t.contains(&date) && t.ends_with(first) {
            entry_seen = true;
            return true;
        }
        entry_seen && text_lines[1..].contains(&t)
    };
    let bl: Vec<&str> = b.split_inclusive('\n').collect();
    let al: Vec<&str> = a.split_inclusive('\n').collect();
    // the old front matter's lines: the only place a key line may be rewritten
    let fm_end = match bl.first().map(|l| body(l)) {
        Some("---") => bl
            .iter()
            .skip(1)
            .position(|l| matches!(body(l), "---" | "..."))
            .map_or(0, |p| p + 1),
        _ => 0,
    };
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
            i < fm_end && key_of(bl[i]).is_some() && key_of(bl[i]) == key_of(aj) && key_ok(aj);
        if same || rewritten {
            i += 1;
            j += 1;
        } else if insertable(aj) {
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
        if !insertable(aj) {
            return Err(format!("trailing line {aj:?} is not intended"));
        }
    }
    if !entry_seen {
        return Err("the entry line is missing".into());
    }
    // The note still reads, with the entry in its log and the dates set.
    let p = parse_note("x.md", after.as_bytes());
    if !p.note.log.iter().any(|e| e.date == req.date) {
        return Err(format!("the entry for {date} is not in the parsed log"));
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
