//! Writing notes (`new`, `log`): minimal-diff edits of the front matter and the
//! body as pure functions over text, the new-note template, and the atomic
//! write with change detection. Everything the user wrote stays byte-for-byte;
//! only the intended lines change. Must not import tantivy, clap or the index.

pub mod atomic;
pub mod frontmatter;
#[cfg(any(test, fuzzing))]
pub mod invariant;
pub mod log;
pub mod template;

use std::path::Path;

use jiff::civil::Date;

use crate::edit::atomic::{BeforeWrite, Editor, Snapshot, WriteError};
use crate::vault::body::conflict_markers;
use crate::vault::cadence::parse_date;
use crate::vault::text::line_count;

/// Why a note cannot be edited as asked. Nothing is written in any of these cases.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("front matter starts with --- but is never closed by --- or ...")]
    Unclosed,
    #[error("front matter is not valid YAML (line {line}): {message}")]
    Yaml { line: usize, message: String },
    #[error("front matter is not a mapping of keys to values")]
    NotMapping,
    #[error("{key}: the value {value:?} is not a single plain value; edit it by hand")]
    Complex { key: String, value: String },
    #[error("{key}: the edited front matter would not read back as {value:?}; nothing changed")]
    NoReadBack { key: String, value: String },
    #[error("the log text is empty")]
    EmptyText,
    #[error("{key}: {value:?} is not a date YYYY-MM-DD; fix it by hand first")]
    BadDate { key: String, value: String },
    #[error("has merge-conflict markers (line {line}); resolve them first")]
    Conflict { line: usize },
    #[error(
        "the new entry at line {line} would not read back as a log entry \
         (is a code block left open above it?); nothing changed"
    )]
    EntryNotReadBack { line: usize },
    #[error("--next {next} is not after the entry's date {date}")]
    NextNotAfter { next: Date, date: Date },
}

/// What `log` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRequest {
    /// The entry's date.
    pub date: Date,
    pub text: String,
    /// Set `next_contact` to this.
    pub next: Option<Date>,
    /// A future entry is a plan, not a contact: it leaves `last_contact` alone.
    pub today: Date,
}

/// What `log` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogOutcome {
    pub text: String,
    /// 1-based line of the new entry.
    pub line: usize,
    /// `last_contact` before the edit.
    pub previous_last_contact: Option<Date>,
    /// `last_contact` after the edit, when it was set.
    pub last_contact: Option<Date>,
    /// `next_contact` after the edit, when it was set.
    pub next_contact: Option<Date>,
}

/// The date in front-matter key `key`, if any; an unparsable value is an error
/// (we will not overwrite what we cannot read).
fn date_key(text: &str, key: &str) -> Result<Option<Date>, EditError> {
    match frontmatter::get(text, key)? {
        None => Ok(None),
        Some(v) if v.trim().is_empty() => Ok(None),
        Some(v) => parse_date(&v).map(Some).map_err(|_| EditError::BadDate {
            key: key.to_string(),
            value: v,
        }),
    }
}

/// A note the editor may change: no conflict markers, and front matter (if
/// any) that is closed, valid YAML and a mapping.
fn editable(text: &str) -> Result<(), EditError> {
    let mut problems = Vec::new();
    conflict_markers(text, &mut problems);
    if let Some(p) = problems.first() {
        return Err(EditError::Conflict {
            line: p.line.unwrap_or(1),
        });
    }
    frontmatter::validate(text)
}

/// Apply `log` to a note's text: the entry under `## Log`, `last_contact`
/// moved forward (never back, never into the future), `next_contact` when asked.
pub fn log_entry(text: &str, req: &LogRequest) -> Result<LogOutcome, EditError> {
    editable(text)?;
    if let Some(next) = req.next
        && next <= req.date
    {
        return Err(EditError::NextNotAfter {
            next,
            date: req.date,
        });
    }
    let previous = date_key(text, "last_contact")?;
    if req.next.is_some() {
        date_key(text, "next_contact")?;
    }
    let inserted = log::append(text, req.date, &req.text)?;
    let mut out = inserted.text;
    // a key inserted into new or existing front matter shifts the entry down
    let lines_before = line_count(&out);
    let mut last_contact = None;
    if req.date <= req.today && previous.is_none_or(|p| req.date > p) {
        out = frontmatter::set(&out, "last_contact", &req.date.to_string())?;
        last_contact = Some(req.date);
    }
    if let Some(next) = req.next {
        out = frontmatter::set(&out, "next_contact", &next.to_string())?;
    }
    let line = inserted.line + line_count(&out) - lines_before;
    // Belt and braces: the entry must be where the parser finds it.
    let back = crate::vault::note::parse_note("", out.as_bytes());
    if !back
        .note
        .log
        .iter()
        .any(|e| e.date == req.date && e.line == line)
    {
        return Err(EditError::EntryNotReadBack { line });
    }
    Ok(LogOutcome {
        text: out,
        line,
        previous_last_contact: previous,
        last_contact,
        next_contact: req.next,
    })
}

/// A note that could not be edited; nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("{path}: {source}")]
    Edit {
        path: String,
        #[source]
        source: EditError,
    },
    #[error("{path}: not valid UTF-8; not editing it")]
    Encoding { path: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// `log` on the note at `path` (`shown` names it in errors): read, edit,
/// write through the vault's editor; refused if the note changes before the
/// write lands. `before_write` runs right before the note is replaced.
pub fn log_to_file(
    editor: &Editor,
    path: &Path,
    shown: &str,
    req: &LogRequest,
    before_write: BeforeWrite<'_>,
) -> Result<LogOutcome, NoteError> {
    edit_note(
        editor,
        path,
        shown,
        |text| log_entry(text, req).map(|o| (o.text.clone(), o)),
        before_write,
    )
}

/// Every edit of an existing note: read it, compute the new text with
/// `edit`, write it through the vault's editor (refused if the note changes
/// meanwhile). `before_write` runs right before the note is replaced.
pub fn edit_note<T>(
    editor: &Editor,
    path: &Path,
    shown: &str,
    edit: impl FnOnce(&str) -> Result<(String, T), EditError>,
    before_write: BeforeWrite<'_>,
) -> Result<T, NoteError> {
    let snap = Snapshot::read(path)?;
    let text = std::str::from_utf8(&snap.bytes).map_err(|_| NoteError::Encoding {
        path: shown.to_string(),
    })?;
    let (new, out) = edit(text).map_err(|source| NoteError::Edit {
        path: shown.to_string(),
        source,
    })?;
    if new != text {
        editor.replace(&snap, new.as_bytes(), shown, before_write)?;
    }
    Ok(out)
}

/// Set `snooze_until` (minimal diff): the note keeps every other byte.
/// Refused on conflict markers or front matter that does not parse.
pub fn snooze(text: &str, until: Date) -> Result<String, EditError> {
    editable(text)?;
    // an existing value of either spelling is replaced where it stands
    let key = if frontmatter::get(text, "prm-snooze-until")?.is_some() {
        "prm-snooze-until"
    } else {
        "snooze_until"
    };
    frontmatter::set(text, key, &until.to_string())
}

/// The line ending a file uses: `\r\n` when its first line ends so, else `\n`.
pub fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// One line of a text: `text` without its line ending; byte offsets of its
/// start, its end (before the ending) and the start of the next line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// The lines of `s[from..to]`, with offsets into `s`.
pub(crate) fn lines(s: &str, from: usize, to: usize) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut pos = from;
    while pos < to {
        let next = s[pos..to].find('\n').map_or(to, |i| pos + i + 1);
        let mut end = next;
        if s[..end].ends_with('\n') {
            end -= 1;
        }
        if s[..end].ends_with('\r') && end > pos {
            end -= 1;
        }
        out.push(Line {
            text: &s[pos..end],
            start: pos,
            end,
            next,
        });
        pos = next;
    }
    out
}

/// Leading spaces and tabs.
pub(crate) fn indent_of(line: &str) -> &str {
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// A UTF-8 byte-order mark at the start, kept as it is.
pub(crate) fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (&text[..3], rest),
        None => ("", text),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::{EditError, LogRequest, lines, log_entry, newline};

    const TODAY: Date = date(2026, 11, 26);

    fn req(d: Date, next: Option<Date>) -> LogRequest {
        LogRequest {
            date: d,
            text: "Call".into(),
            next,
            today: TODAY,
        }
    }

    #[test]
    fn log_entry_table() {
        // (case, note, request, front matter after, (last set, next set), entry line)
        type Row<'a> = (
            &'a str,
            &'a str,
            LogRequest,
            &'a str,
            (Option<Date>, Option<Date>),
            usize,
        );
        let rows: Vec<Row<'_>> = vec![
            (
                "later date moves last_contact",
                "---\nlast_contact: 2026-10-01\n---\n",
                req(TODAY, None),
                "---\nlast_contact: 2026-11-26\n---\n",
                (Some(TODAY), None),
                6,
            ),
            (
                "earlier date leaves it",
                "---\nlast_contact: 2026-11-20\n---\n",
                req(date(2026, 11, 1), None),
                "---\nlast_contact: 2026-11-20\n---\n",
                (None, None),
                6,
            ),
            (
                "same date leaves it",
                "---\nlast_contact: 2026-11-26\n---\n",
                req(TODAY, None),
                "---\nlast_contact: 2026-11-26\n---\n",
                (None, None),
                6,
            ),
            (
                "future date is a plan, not a contact",
                "---\nname: A\n---\n",
                req(date(2026, 12, 24), None),
                "---\nname: A\n---\n",
                (None, None),
                6,
            ),
            (
                "missing key inserted, entry line shifts",
                "---\nname: A\n---\n",
                req(TODAY, Some(date(2027, 1, 7))),
                "---\nname: A\nlast_contact: 2026-11-26\nnext_contact: 2027-01-07\n---\n",
                (Some(TODAY), Some(date(2027, 1, 7))),
                8,
            ),
            (
                "next replaces a stale plan",
                "---\nnext_contact: 2026-01-01 # old\nlast_contact: 2026-01-01\n---\n",
                req(TODAY, Some(date(2027, 1, 7))),
                "---\nnext_contact: 2027-01-07 # old\nlast_contact: 2026-11-26\n---\n",
                (Some(TODAY), Some(date(2027, 1, 7))),
                7,
            ),
            (
                "no front matter gets one",
                "plain",
                req(TODAY, None),
                "---\nlast_contact: 2026-11-26\n---\n",
                (Some(TODAY), None),
                7,
            ),
            (
                "bad next_contact is fine when not asked to set it",
                "---\nnext_contact: soon\n---\n",
                req(TODAY, None),
                "---\nnext_contact: soon\nlast_contact: 2026-11-26\n---\n",
                (Some(TODAY), None),
                7,
            ),
        ];
        for (case, note, r, front, (last, next), line) in rows {
            let out = log_entry(note, &r).expect(case);
            assert!(out.text.starts_with(front), "{case}: {}", out.text);
            assert_eq!((out.last_contact, out.next_contact), (last, next), "{case}");
            assert_eq!(out.line, line, "{case}: {}", out.text);
            let l = out.text.lines().nth(line - 1).unwrap_or("");
            assert!(l.ends_with(" Call"), "{case}: line {line} is {l:?}");
        }
    }

    #[test]
    fn log_entry_refusals() {
        let rows: &[(&str, &str, LogRequest)] = &[
            (
                "next not after the entry",
                "---\n---\n",
                req(TODAY, Some(TODAY)),
            ),
            (
                "unreadable last_contact",
                "---\nlast_contact: in May\n---\n",
                req(TODAY, None),
            ),
            (
                "unreadable next_contact when setting it",
                "---\nnext_contact: soon\n---\n",
                req(TODAY, Some(date(2027, 1, 1))),
            ),
            (
                "conflict markers",
                "---\n---\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n",
                req(TODAY, None),
            ),
            ("bad yaml", "---\nname: [A\n---\n", req(TODAY, None)),
            ("unclosed front matter", "---\nname: A\n", req(TODAY, None)),
        ];
        for (case, note, r) in rows {
            assert!(log_entry(note, r).is_err(), "{case}");
        }
        let mut empty = req(TODAY, None);
        empty.text = " ".into();
        assert_eq!(log_entry("x", &empty), Err(EditError::EmptyText));
    }

    #[test]
    fn newline_table() {
        let rows: &[(&str, &str, &str)] = &[
            ("lf", "a\nb\r\n", "\n"),
            ("crlf", "a\r\nb\n", "\r\n"),
            ("no line ending", "abc", "\n"),
            ("empty", "", "\n"),
            ("lone newline", "\n", "\n"),
        ];
        for (case, text, want) in rows {
            assert_eq!(newline(text), *want, "{case}");
        }
    }

    #[test]
    fn lines_keep_offsets() {
        let s = "ab\r\n\ncd";
        let l = lines(s, 0, s.len());
        let got: Vec<(&str, usize, usize, usize)> =
            l.iter().map(|l| (l.text, l.start, l.end, l.next)).collect();
        assert_eq!(got, vec![("ab", 0, 2, 4), ("", 4, 4, 5), ("cd", 5, 7, 7)]);
    }
}

#[cfg(test)]
mod properties {
    use jiff::civil::{Date, date};
    use proptest::prelude::*;

    use super::invariant::check_log_edit;
    use super::{LogRequest, log_entry};

    const TODAY: Date = date(2026, 11, 26);

    /// Front-matter lines a note may hold (one `key: value` per line).
    fn fm_line() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("name: Anna Schmidt"),
            Just("last_contact: 2026-03-01"),
            Just("last_contact: '2026-10-01'   # quoted, commented"),
            Just("next_contact: 2027-01-15"),
            Just("last_contact:"),
            Just("cadence: 3w"),
            Just("interests: [Segeln, stoicism]"),
            Just("tags:\n  - mentor\n  - berlin"),
            Just("# a comment"),
            Just("company: \"Acme: GmbH\""),
            Just("notes: |\n  last_contact: not a key here\n  ---"),
            Just(""),
        ]
    }

    /// Body lines, including the ones `log` has to find its way around.
    fn body_line() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("Some text about Anna."),
            Just("## Log"),
            Just("# Log"),
            Just("### Notes"),
            Just("## Open"),
            Just("- 2026-01-10 Coffee at the harbour"),
            Just("- 2026-06-02 Call about the marathon"),
            Just("* 2025-12-24 Card"),
            Just("  - nested detail"),
            Just("- [ ] send the book tip"),
            Just("```"),
            Just("## Log inside a fence?"),
            Just("last_contact: 2020-01-01"),
            Just("---"),
            Just(""),
            Just("Ümläut und Emoji 🚣"),
        ]
    }

    prop_compose! {
        fn note()(
            bom in any::<bool>(),
            crlf in any::<bool>(),
            fm in proptest::option::of(proptest::collection::vec(fm_line(), 0..6)),
            body in proptest::collection::vec(body_line(), 0..14),
            final_nl in any::<bool>(),
        ) -> String {
            let mut lines: Vec<&str> = Vec::new();
            if let Some(fm) = &fm {
                lines.push("---");
                lines.extend(fm.iter().copied());
                lines.push("---");
            }
            lines.extend(body.iter().copied());
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut s = lines.join("\n").replace('\n', nl);
            if final_nl && !s.is_empty() {
                s.push_str(nl);
            }
            if bom {
                s.insert(0, '\u{feff}');
            }
            s
        }
    }

    prop_compose! {
        fn request()(
            day in 0i32..900,
            next in proptest::option::of(1i32..400),
            text in prop_oneof![
                Just("Lunch, talked about sailing"),
                Just("Call\nsecond line of the entry"),
                Just("  padded text  "),
                Just("Sent the article: «Stoizismus heute»"),
            ],
        ) -> LogRequest {
            let base = date(2025, 6, 1);
            let d = base.checked_add(jiff::Span::new().days(day)).unwrap_or(base);
            LogRequest {
                date: d,
                text: text.to_string(),
                next: next.and_then(|n| d.checked_add(jiff::Span::new().days(n)).ok()),
                today: TODAY,
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// `log` changes only the intended lines of any note it accepts.
        #[test]
        fn log_changes_only_the_intended_lines(text in note(), req in request()) {
            if let Ok(out) = log_entry(&text, &req)
                && let Err(why) = check_log_edit(&text, &req, &out)
            {
                prop_assert!(false, "{why}\n--- before\n{text}\n--- after\n{}", out.text);
            }
        }

        /// Every note without front matter is accepted, unless it ends in an
        /// open code block (where a new `## Log` would not be a heading).
        #[test]
        fn log_accepts_every_well_formed_note(
            body in proptest::collection::vec(body_line(), 0..14),
            req in request(),
        ) {
            let text = body.join("\n");
            let open_fence = text.matches("```").count() % 2 == 1;
            prop_assert!(
                log_entry(&text, &req).is_ok() || text.starts_with("---") || open_fence,
                "{text}"
            );
        }
    }
}
