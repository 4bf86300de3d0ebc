//! Adding a dated entry under a note's `## Log` heading: in date order,
//! newest-first or newest-last as the section already is, with its list
//! marker; the section is created at the end when missing. Pure: text in,
//! text out.

use jiff::civil::Date;

use crate::edit::{EditError, Line, indent_of, lines, newline, split_bom};
use crate::vault::cadence::leading_date;
use crate::vault::frontmatter::{Split, split};
use crate::vault::names::fold;
use crate::vault::text::{line_count, line_of};

/// In which order a log section lists its dated entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    NewestFirst,
    NewestLast,
}

/// The outcome of an insertion: the new text and the 1-based line of the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inserted {
    pub text: String,
    pub line: usize,
}

/// An ATX heading: its level and its text.
pub(crate) fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.strip_prefix("   ").or_else(|| line.strip_prefix("  "));
    let t = t.or_else(|| line.strip_prefix(' ')).unwrap_or(line);
    let level = t.len() - t.trim_start_matches('#').len();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((level, text))
}

/// A list item: indentation width, marker (`-`, `*`, `+`, `1.`, `1)`) and content.
pub(crate) fn list_item(line: &str) -> Option<(usize, &str, &str)> {
    let ind = indent_of(line);
    let t = &line[ind.len()..];
    let digits = t.len() - t.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let marker_len = if t.starts_with(['-', '*', '+']) {
        1
    } else if (1..=9).contains(&digits) && t[digits..].starts_with(['.', ')']) {
        digits + 1
    } else {
        return None;
    };
    let rest = &t[marker_len..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    Some((ind.len(), &t[..marker_len], rest.trim_start()))
}

/// A dated (non-task) list item's date.
pub(crate) fn dated(content: &str) -> Option<Date> {
    let lower = content.get(..3).map(str::to_ascii_lowercase);
    if matches!(lower.as_deref(), Some("[ ]" | "[x]")) {
        return None;
    }
    leading_date(content).map(|(d, _)| d)
}

/// Lines of the body with a flag telling whether each is inside a fenced code block.
pub(crate) fn body_lines(text: &str, from: usize) -> Vec<(Line<'_>, bool)> {
    let mut fence: Option<(char, usize)> = None;
    let mut out = Vec::new();
    for l in lines(text, from, text.len()) {
        let t = l.text.trim_start_matches(' ');
        let in_code = fence.is_some();
        let run = |c: char| t.len() - t.trim_start_matches(c).len();
        match fence {
            None => {
                for c in ['`', '~'] {
                    if run(c) >= 3 && l.text.len() - t.len() <= 3 {
                        fence = Some((c, run(c)));
                    }
                }
                out.push((l, fence.is_some()));
            }
            Some((c, n)) => {
                if run(c) >= n && t[run(c)..].trim().is_empty() {
                    fence = None;
                }
                out.push((l, in_code));
            }
        }
    }
    out
}

struct Entry {
    date: Date,
    /// Index of the item's line in the body lines.
    first: usize,
    /// Index of the first line after the item (its continuation lines included).
    after: usize,
    indent: usize,
    marker: String,
}

/// Where the item starting at `i` ends: continuation lines are more indented
/// (or lazy paragraph lines); a blank line ends it unless more-indented text follows.
pub(crate) fn item_end(ls: &[(Line<'_>, bool)], i: usize, end: usize, indent: usize) -> usize {
    let mut j = i + 1;
    while j < end {
        let (l, code) = ls[j];
        if l.text.trim().is_empty() {
            let k = (j..end).find(|&k| !ls[k].0.text.trim().is_empty());
            match k {
                Some(k) if indent_of(ls[k].0.text).len() > indent => j = k,
                _ => return j,
            }
            continue;
        }
        let ind = indent_of(l.text).len();
        // a fence opened at the item's own indent is not part of the item
        if code && ind <= indent && !ls[j - 1].1 {
            return j;
        }
        if ind > indent || code {
            j += 1;
            continue;
        }
        if heading(l.text).is_some() || list_item(l.text).is_some() {
            return j;
        }
        j += 1;
    }
    j
}

/// The order of a log section's entries; newest-first when it cannot be told
/// (no two entries with different dates), as docs/note-format.md ("Log entries") describes.
fn order(entries: &[Entry]) -> Order {
    for w in entries.windows(2) {
        if w[0].date > w[1].date {
            return Order::NewestFirst;
        }
        if w[0].date < w[1].date {
            return Order::NewestLast;
        }
    }
    Order::NewestFirst
}

fn entry_text(indent: &str, marker: &str, date: Date, text: &str, nl: &str) -> String {
    let pad = " ".repeat(indent.len() + marker.len() + 1);
    let mut out = format!("{indent}{marker} {date}");
    for (i, l) in text.lines().enumerate() {
        if i == 0 {
            out.push(' ');
        } else {
            out.push_str(nl);
            if !l.trim().is_empty() {
                out.push_str(&pad);
            }
        }
        out.push_str(l.trim_end());
    }
    out
}

/// A note with no log section: `## Log` and the entry go at its end, after
/// a blank line unless the text ends in one already.
fn append_section(bom: &str, t: &str, nl: &str, date: Date, entry: &str) -> Inserted {
    let ends_nl = t.is_empty() || t.ends_with('\n');
    let mut pre = String::new();
    if !ends_nl {
        pre.push_str(nl);
    }
    let last_blank = lines(t, 0, t.len())
        .last()
        .is_none_or(|l| l.text.trim().is_empty());
    if !(t.is_empty() || ends_nl && last_blank) {
        pre.push_str(nl);
    }
    pre.push_str("## Log");
    pre.push_str(nl);
    let head = format!("{bom}{t}{pre}");
    let line = line_count(&head);
    let mut out = format!("{head}{}", entry_text("", "-", date, entry, nl));
    if ends_nl {
        out.push_str(nl);
    }
    Inserted { text: out, line }
}

/// The outermost dated list items of the section whose lines are
/// `ls[from..end]` (only those tell the order).
fn section_entries(ls: &[(Line<'_>, bool)], from: usize, end: usize) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut i = from;
    while i < end {
        let (l, code) = ls[i];
        if !code && let Some((ind, marker, content)) = list_item(l.text) {
            let after = item_end(ls, i, end, ind);
            if let Some(d) = dated(content) {
                entries.push(Entry {
                    date: d,
                    first: i,
                    after,
                    indent: ind,
                    marker: marker.to_string(),
                });
            }
            i = after;
            continue;
        }
        i += 1;
    }
    let top = entries.iter().map(|e| e.indent).min().unwrap_or(0);
    entries.retain(|e| e.indent == top);
    entries
}

/// The line index a `date` entry goes before, in the section headed by line
/// `h` and ending before `end`: in date order, whichever way the section
/// runs; after its last non-blank line when it has no dated entries.
fn insert_at(
    ls: &[(Line<'_>, bool)],
    h: usize,
    end: usize,
    entries: &[Entry],
    date: Date,
) -> usize {
    if entries.is_empty() {
        // after the last non-blank line of the section (the heading at least)
        return (h..end)
            .rev()
            .find(|&i| !ls[i].0.text.trim().is_empty())
            .map_or(h + 1, |i| i + 1);
    }
    match order(entries) {
        Order::NewestFirst => entries
            .iter()
            .find(|e| e.date <= date)
            .map(|e| e.first)
            .unwrap_or_else(|| entries.last().map_or(h + 1, |e| e.after)),
        Order::NewestLast => entries
            .iter()
            .rev()
            .find(|e| e.date <= date)
            .map(|e| e.after)
            .unwrap_or_else(|| entries.first().map_or(h + 1, |e| e.first)),
    }
}

/// Where in `t` the entry goes (a byte offset) and its text with line
/// breaks, for the log section headed by line `h`: the indent and list
/// marker of the section's entries, a blank line kept before a heading that
/// follows, a break before it at the end of a text with no final newline.
fn place_in_section(
    t: &str,
    ls: &[(Line<'_>, bool)],
    h: usize,
    nl: &str,
    date: Date,
    entry: &str,
) -> (usize, String) {
    let level = heading(ls[h].0.text).map_or(2, |(lv, _)| lv);
    let end = (h + 1..ls.len())
        .find(|&i| !ls[i].1 && heading(ls[i].0.text).is_some_and(|(lv, _)| lv <= level))
        .unwrap_or(ls.len());
    let entries = section_entries(ls, h + 1, end);
    let at_line = insert_at(ls, h, end, &entries, date);
    let (indent, marker) = entries
        .first()
        .map(|e| {
            let l = ls[e.first].0.text;
            (l[..e.indent].to_string(), e.marker.clone())
        })
        .unwrap_or_else(|| (String::new(), "-".to_string()));
    let mut line = entry_text(&indent, &marker, date, entry, nl);
    let offset = ls.get(at_line).map_or(t.len(), |(l, _)| l.start);
    let next_is_heading = ls
        .get(at_line)
        .is_some_and(|(l, code)| !code && heading(l.text).is_some());
    if offset == t.len() && !t.is_empty() && !t.ends_with('\n') {
        line.insert_str(0, nl);
    } else {
        line.push_str(nl);
        if next_is_heading {
            line.push_str(nl);
        }
    }
    (offset, line)
}

/// Insert `- DATE TEXT` into the `## Log` section of `text` (any heading level
/// titled "Log", outside code blocks), creating the section at the end when
/// there is none. Line endings follow the file; a file without a final newline
/// keeps having none.
pub fn append(text: &str, date: Date, entry: &str) -> Result<Inserted, EditError> {
    let entry = entry.trim();
    if entry.is_empty() {
        return Err(EditError::EmptyText);
    }
    let (bom, t) = split_bom(text);
    let nl = newline(t);
    let body_start = match split(t) {
        Split::Block { body, .. } => t.len() - body.len(),
        Split::None | Split::Unclosed => 0,
    };
    let ls = body_lines(t, body_start);
    let log = ls
        .iter()
        .position(|(l, code)| !code && heading(l.text).is_some_and(|(_, h)| fold(h) == "log"));
    let Some(h) = log else {
        return Ok(append_section(bom, t, nl, date, entry));
    };
    let (offset, line_text) = place_in_section(t, &ls, h, nl, date, entry);
    let mut out = String::with_capacity(text.len() + line_text.len());
    out.push_str(bom);
    out.push_str(&t[..offset]);
    out.push_str(&line_text);
    out.push_str(&t[offset..]);
    let lead = usize::from(line_text.starts_with(['\r', '\n']));
    let line = line_of(t, offset) + lead;
    Ok(Inserted { text: out, line })
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::append;

    const D: Date = date(2026, 11, 26);

    #[test]
    fn append_table() {
        // (case, before, after, line of the new entry) for append(before, D, "Lunch")
        let rows: &[(&str, &str, &str, usize)] = &[
            (
                "newest first",
                "# A\n\n## Log\n- 2026-10-12 Coffee\n- 2026-07-01 Call\n\n## Open\n",
                "# A\n\n## Log\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n- 2026-07-01 Call\n\n## Open\n",
                4,
            ),
            (
                "newest last",
                "## Log\n- 2026-07-01 Call\n- 2026-10-12 Coffee\n\n## Open\n- [ ] x\n",
                "## Log\n- 2026-07-01 Call\n- 2026-10-12 Coffee\n- 2026-11-26 Lunch\n\n## Open\n- [ ] x\n",
                4,
            ),
            (
                "newest last, item with continuation lines",
                "## Log\n- 2026-07-01 Call\n- 2026-10-12 Coffee\n  more about it\n\n  second paragraph\n\nTrailing text.\n",
                "## Log\n- 2026-07-01 Call\n- 2026-10-12 Coffee\n  more about it\n\n  second paragraph\n- 2026-11-26 Lunch\n\nTrailing text.\n",
                7,
            ),
            (
                "newest last, nested sub-items",
                "## Log\n- 2026-07-01 Call\n- 2026-08-01 Call\n  - detail\n  - 2026-12-02 nested date\n",
                "## Log\n- 2026-07-01 Call\n- 2026-08-01 Call\n  - detail\n  - 2026-12-02 nested date\n- 2026-11-26 Lunch\n",
                6,
            ),
            (
                "single entry: newest first by default",
                "## Log\n- 2026-10-12 Coffee\n",
                "## Log\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n",
                2,
            ),
            (
                "backdated entry goes in date order (newest first)",
                "## Log\n- 2026-12-24 Dinner\n- 2026-10-12 Coffee\n",
                "## Log\n- 2026-12-24 Dinner\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n",
                3,
            ),
            (
                "older than all (newest last)",
                "## Log\n- 2026-12-01 a\n- 2026-12-24 b\n",
                "## Log\n- 2026-11-26 Lunch\n- 2026-12-01 a\n- 2026-12-24 b\n",
                2,
            ),
            (
                "older than all (newest first)",
                "## Log\n- 2026-12-24 b\n- 2026-12-01 a\n",
                "## Log\n- 2026-12-24 b\n- 2026-12-01 a\n- 2026-11-26 Lunch\n",
                4,
            ),
            (
                "marker and indentation followed",
                "## Log\n * 2026-07-01 Call\n * 2026-10-12 Coffee\n",
                "## Log\n * 2026-07-01 Call\n * 2026-10-12 Coffee\n * 2026-11-26 Lunch\n",
                4,
            ),
            (
                "empty section before next heading",
                "# A\n## Log\n## Open\n",
                "# A\n## Log\n- 2026-11-26 Lunch\n\n## Open\n",
                3,
            ),
            (
                "empty section with blank line",
                "## Log\n\n## Open\n",
                "## Log\n- 2026-11-26 Lunch\n\n## Open\n",
                2,
            ),
            (
                "section with only text",
                "## Log\nCalls and meetings.\n\n## Open\n",
                "## Log\nCalls and meetings.\n- 2026-11-26 Lunch\n\n## Open\n",
                3,
            ),
            (
                "missing section is added at the end",
                "# A\n\nSome notes.\n",
                "# A\n\nSome notes.\n\n## Log\n- 2026-11-26 Lunch\n",
                6,
            ),
            (
                "missing section after front matter only",
                "---\nname: A\n---\n",
                "---\nname: A\n---\n\n## Log\n- 2026-11-26 Lunch\n",
                6,
            ),
            (
                "missing section, file ends in blank line",
                "# A\n\n",
                "# A\n\n## Log\n- 2026-11-26 Lunch\n",
                4,
            ),
            (
                "missing section, no trailing newline",
                "# A\n\nSome notes.",
                "# A\n\nSome notes.\n\n## Log\n- 2026-11-26 Lunch",
                6,
            ),
            ("empty file", "", "## Log\n- 2026-11-26 Lunch\n", 2),
            (
                "log at end, no trailing newline",
                "## Log\n- 2026-07-01 Call\n- 2026-08-01 Walk",
                "## Log\n- 2026-07-01 Call\n- 2026-08-01 Walk\n- 2026-11-26 Lunch",
                4,
            ),
            (
                "log at end, no trailing newline, newest first",
                "## Log\n- 2026-07-01 Call",
                "## Log\n- 2026-11-26 Lunch\n- 2026-07-01 Call",
                2,
            ),
            (
                "crlf",
                "## Log\r\n- 2026-07-01 Call\r\n- 2026-10-12 Coffee\r\n",
                "## Log\r\n- 2026-07-01 Call\r\n- 2026-10-12 Coffee\r\n- 2026-11-26 Lunch\r\n",
                4,
            ),
            (
                "crlf, missing section, no trailing newline",
                "# A\r\ntext",
                "# A\r\ntext\r\n\r\n## Log\r\n- 2026-11-26 Lunch",
                5,
            ),
            (
                "heading in a code block is not the section",
                "```\n## Log\n```\n",
                "```\n## Log\n```\n\n## Log\n- 2026-11-26 Lunch\n",
                6,
            ),
            (
                "tasks and undated items are not entries",
                "## Log\n- [ ] 2026-12-30 task\n- undated\n- 2026-10-12 Coffee\n",
                "## Log\n- [ ] 2026-12-30 task\n- undated\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n",
                4,
            ),
            (
                "deeper heading stays in the section",
                "## Log\n- 2026-10-12 Coffee\n### Older\n- 2026-01-01 x\n## Open\n",
                "## Log\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n### Older\n- 2026-01-01 x\n## Open\n",
                2,
            ),
            (
                "front matter is not the body",
                "---\nname: A\n---\n## Log\n- 2026-10-12 Coffee\n",
                "---\nname: A\n---\n## Log\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n",
                5,
            ),
            (
                "case-insensitive heading with closing hashes",
                "# A\n## log ##\n- 2026-10-12 Coffee\n",
                "# A\n## log ##\n- 2026-11-26 Lunch\n- 2026-10-12 Coffee\n",
                3,
            ),
            (
                "same date, newest first: new one on top",
                "## Log\n- 2026-11-26 Breakfast\n- 2026-10-12 Coffee\n",
                "## Log\n- 2026-11-26 Lunch\n- 2026-11-26 Breakfast\n- 2026-10-12 Coffee\n",
                2,
            ),
        ];
        for (case, before, after, line) in rows {
            let got = append(before, D, "Lunch").expect(case);
            assert_eq!(got.text, *after, "{case}");
            assert_eq!(got.line, *line, "{case}: line");
            let l = got.text.lines().nth(line - 1).unwrap_or("");
            assert!(
                l.contains("2026-11-26 Lunch"),
                "{case}: line {line} is {l:?}"
            );
        }
    }

    #[test]
    fn multi_line_and_empty_text() {
        let got = append("## Log\n", D, "Lunch\nwith Bo\n\nand Cy").expect("ok");
        assert_eq!(
            got.text,
            "## Log\n- 2026-11-26 Lunch\n  with Bo\n\n  and Cy\n"
        );
        assert!(append("x", D, "  \n ").is_err());
    }
}
