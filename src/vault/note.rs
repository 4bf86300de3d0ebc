//! Reading one note: `parse_note` builds the model (`vault::model`) from a
//! file's bytes; nothing here touches the disk. The model types are
//! re-exported here for the callers that name them by this path.

use std::borrow::Cow;

use jiff::civil::Date;

use crate::vault::body;
use crate::vault::frontmatter;
pub use crate::vault::model::*;
use crate::vault::names::nfc;
use crate::vault::text;

/// Front matter holding git conflict markers, as the two texts the sides
/// wrote (lines outside the conflicts go to both; a diff3 base section is
/// left out). `None` without markers.
fn conflict_sides(yaml: &str) -> Option<(String, String)> {
    #[derive(PartialEq)]
    enum In {
        Both,
        Ours,
        Base,
        Theirs,
    }
    if !yaml.lines().any(|l| l.starts_with("<<<<<<<")) {
        return None;
    }
    let (mut ours, mut theirs) = (String::new(), String::new());
    let mut at = In::Both;
    for line in yaml.split_inclusive('\n') {
        let marker = |m: &str| line.starts_with(m);
        match at {
            _ if marker("<<<<<<<") => at = In::Ours,
            In::Ours | In::Base if marker("=======") => at = In::Theirs,
            In::Ours if marker("|||||||") => at = In::Base,
            In::Theirs if marker(">>>>>>>") => at = In::Both,
            In::Both => {
                ours.push_str(line);
                theirs.push_str(line);
            }
            In::Ours => ours.push_str(line),
            In::Base => {}
            In::Theirs => theirs.push_str(line),
        }
    }
    Some((ours, theirs))
}

/// The front matter of a conflicted note: what both sides say alike (a
/// field the sides set differently is unknown until the conflict is
/// resolved). The conflict itself is reported by the marker scan.
fn agreed(ours: &str, theirs: &str, yaml_line: usize, text: &str) -> frontmatter::FrontMatter {
    let a = frontmatter::parse(ours, yaml_line, text);
    let b = frontmatter::parse(theirs, yaml_line, text);
    let facts = match (
        serde_json::to_value(&a.facts),
        serde_json::to_value(&b.facts),
    ) {
        (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) => {
            let same: serde_json::Map<String, serde_json::Value> =
                x.into_iter().filter(|(k, v)| y.get(k) == Some(v)).collect();
            serde_json::from_value(serde_json::Value::Object(same)).unwrap_or_default()
        }
        _ => Facts::default(),
    };
    frontmatter::FrontMatter {
        name: a.name.filter(|n| b.name.as_ref() == Some(n)),
        facts,
        problems: vec![],
        extra_text: if a.extra_text == b.extra_text {
            a.extra_text
        } else {
            String::new()
        },
    }
}

/// A note's date: its file stem starts with `YYYY-MM-DD` (`2026-11-20`,
/// `2026-11-20 Meeting`), or its front matter has `date:`.
fn note_date(stem: &str, facts: &Facts) -> Option<Date> {
    let head = |s: &str| {
        s.get(..10)
            .and_then(|d| crate::vault::cadence::parse_date(d).ok())
    };
    if let Some(d) = head(stem)
        && stem[10..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_digit())
    {
        return Some(d);
    }
    match facts.extra.get("date") {
        Some(serde_json::Value::String(s)) => head(s.trim()),
        _ => None,
    }
}

/// The talking point of a link: its line without list or heading marks,
/// links shown as their text, at most 160 characters.
fn talking_point(line: &str) -> String {
    let t = line.trim_start();
    let t = t.trim_start_matches(['-', '*', '+', '#', '>', ' ']);
    let t = t
        .strip_prefix("[x] ")
        .or_else(|| t.strip_prefix("[X] "))
        .unwrap_or(t);
    let mut out = String::with_capacity(t.len());
    let mut rest = t;
    while let Some(i) = rest.find("[[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find("]]") {
            Some(j) => {
                let inner = &after[..j];
                let shown = inner.rsplit('|').next().unwrap_or(inner);
                out.push_str(shown.split('#').next().unwrap_or(shown));
                rest = &after[j + 2..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    let out = out.trim();
    match out.char_indices().nth(160) {
        Some((i, _)) => format!("{}…", &out[..i]),
        None => out.to_string(),
    }
}

/// The links of a dated note that count as contact, with their talking
/// points; links in front-matter values (`people: ["[[Anna]]"]`) count too,
/// with the note's title.
fn mentions(text: &str, links: &[WikiLink], facts: &Facts, title: &str) -> Vec<Mention> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<Mention> = links
        .iter()
        .filter(|l| !l.aside)
        .map(|l| Mention {
            target: l.target.clone(),
            line: l.line,
            text: lines
                .get(l.line.saturating_sub(1))
                .map_or_else(|| title.to_string(), |s| talking_point(s)),
        })
        .collect();
    fn walk(v: &serde_json::Value, found: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => {
                let mut rest = s.as_str();
                while let Some(i) = rest.find("[[") {
                    let after = &rest[i + 2..];
                    let Some(j) = after.find("]]") else { break };
                    let inner = &after[..j];
                    let target = inner.split(['|', '#', '^']).next().unwrap_or(inner).trim();
                    if !target.is_empty() {
                        found.push(target.to_string());
                    }
                    rest = &after[j + 2..];
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, found)),
            serde_json::Value::Object(m) => m.values().for_each(|x| walk(x, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for v in facts.extra.values() {
        walk(v, &mut found);
    }
    out.extend(found.into_iter().map(|target| Mention {
        target,
        line: 1,
        text: title.to_string(),
    }));
    out
}

/// The file name of `path` without its `.md`: the name of a note that gives
/// none.
fn stem_of(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".md").unwrap_or(file).to_string()
}

/// What a file with NUL bytes in its first 8 KiB parses to: a note with a
/// name and the one problem, not text.
fn binary_note(path: &str, stem: String) -> Parsed {
    let problems = vec![Problem::new(
        Severity::Error,
        Code::Binary,
        "binary file (contains NUL bytes); not indexed as text",
    )];
    Parsed {
        note: Note {
            path: path.to_string(),
            name: stem,
            is_contact: false,
            facts: Facts::default(),
            log: vec![],
            open: vec![],
            done: 0,
            links: vec![],
            problems,
            dated: None,
            mentions: vec![],
        },
        body: String::new(),
        body_line: 1,
        extra_text: String::new(),
    }
}

/// The text of `bytes` as indexed: cut at [`MAX_INDEXED_BYTES`] (a cut inside
/// a character is not an encoding error), undecodable bytes replaced by
/// U+FFFD with an encoding problem at the first of them. Also says whether the
/// text was cut.
fn decode<'a>(bytes: &'a [u8], problems: &mut Vec<Problem>) -> (Cow<'a, str>, bool) {
    let mut slice = bytes;
    if slice.len() > MAX_INDEXED_BYTES {
        problems.push(Problem::new(
            Severity::Warning,
            Code::Size,
            format!(
                "note is {} MiB; only the first {} MiB are indexed",
                bytes.len() / (1024 * 1024),
                MAX_INDEXED_BYTES / (1024 * 1024)
            ),
        ));
        slice = &bytes[..MAX_INDEXED_BYTES];
    }
    let cut = slice.len() < bytes.len();
    let text = match std::str::from_utf8(slice) {
        Ok(t) => t.into(),
        Err(e) if cut && e.error_len().is_none() => {
            // truncated in the middle of a character: not an encoding error
            String::from_utf8_lossy(&slice[..e.valid_up_to()])
                .into_owned()
                .into()
        }
        Err(e) => {
            let valid = &slice[..e.valid_up_to()];
            let (line, col) = text::line_byte_col(valid, valid.len());
            let lossy = String::from_utf8_lossy(slice).into_owned();
            problems.push(
                Problem::new(
                    Severity::Error,
                    Code::Encoding,
                    "invalid UTF-8; undecodable bytes are replaced by U+FFFD",
                )
                .at(line, Some(col), &lossy),
            );
            lossy.into()
        }
    };
    (text, cut)
}

/// What the front matter of a note says, and where its body starts.
struct Front<'a> {
    is_contact: bool,
    facts: Facts,
    name: Option<String>,
    extra_text: String,
    body: &'a str,
    body_line: usize,
}

/// Split `text` into front matter and body and read the front matter (both
/// sides of a conflict, when it has one); `cut` says the note was cut at the
/// size limit, so an unclosed block may be closed beyond the cut.
fn read_front<'a>(text: &'a str, cut: bool, problems: &mut Vec<Problem>) -> Front<'a> {
    let plain = |body| Front {
        is_contact: false,
        facts: Facts::default(),
        name: None,
        extra_text: String::new(),
        body,
        body_line: 1,
    };
    match frontmatter::split(text) {
        frontmatter::Split::None => plain(text),
        frontmatter::Split::Unclosed => {
            let msg = if cut {
                "front matter starts with --- but is not closed within the indexed part of the note"
            } else {
                "front matter starts with --- but is never closed by --- or ..."
            };
            problems.push(Problem::new(Severity::Error, Code::Yaml, msg).at(1, Some(1), text));
            plain(text)
        }
        frontmatter::Split::Block {
            yaml,
            yaml_line,
            body,
            body_line,
        } => {
            let fm = match conflict_sides(yaml) {
                Some((ours, theirs)) => agreed(&ours, &theirs, yaml_line, text),
                None => frontmatter::parse(yaml, yaml_line, text),
            };
            problems.extend(fm.problems);
            Front {
                is_contact: true,
                facts: fm.facts,
                name: fm.name,
                extra_text: fm.extra_text,
                body,
                body_line,
            }
        }
    }
}

/// `body` with its conflict marker lines blanked, every line kept where it is:
/// the markers are not text (`=======` under a list item would join it, or
/// make it a heading).
fn unmark_conflicts(body: &str) -> String {
    body.split_inclusive('\n')
        .map(|l| {
            let marker = ["<<<<<<<", "=======", ">>>>>>>", "|||||||"]
                .iter()
                .any(|m| l.starts_with(m));
            if marker {
                &l[l.trim_end_matches(['\n', '\r']).len()..]
            } else {
                l
            }
        })
        .collect()
}

/// Parse a note from its path (vault-relative) and raw bytes.
pub fn parse_note(path: &str, bytes: &[u8]) -> Parsed {
    let stem = stem_of(path);
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return binary_note(path, stem);
    }
    let mut problems = Vec::new();
    let (text, cut) = decode(bytes, &mut problems);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let normalized = nfc(text);
    let text = &*normalized;
    if text.trim().is_empty() {
        // often a save that went wrong or a sync that truncated the file
        problems.push(Problem::new(
            Severity::Warning,
            Code::Empty,
            "empty note: the file has no text",
        ));
    }
    body::conflict_markers(text, &mut problems);
    let front = read_front(text, cut, &mut problems);
    let unmarked;
    let body_text = if problems.iter().any(|p| p.code == "conflict") {
        unmarked = unmark_conflicts(front.body);
        unmarked.as_str()
    } else {
        front.body
    };
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let parsed_body = body::parse(body_text, front.body_line, dir);
    let facts = front.facts;
    let dated = note_date(&stem, &facts);
    let name = front
        .name
        .filter(|n| !n.trim().is_empty())
        .or(parsed_body.first_heading.clone())
        .unwrap_or(stem);
    let mentions = match dated {
        Some(_) => mentions(text, &parsed_body.links, &facts, &name),
        None => vec![],
    };
    Parsed {
        note: Note {
            path: path.to_string(),
            name,
            is_contact: front.is_contact,
            facts,
            log: parsed_body.log,
            open: parsed_body.open,
            done: parsed_body.done,
            links: parsed_body.links,
            problems,
            dated,
            mentions,
        },
        body: body_text.to_string(),
        body_line: front.body_line,
        extra_text: front.extra_text,
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::{Severity, parse_note};

    const ANNA: &str = "---\nname: Anna Schmidt\naliases: [Anni]\ntags: \"#kiel, mentor\"\nfield: coaching\ninterests: [sailing, Stoizismus]\ntraining: NLP practitioner\nbirthday: --03-14\nlast_contact: 2026-10-12\ncadence: 6w\nfavourite_book: Getting to Yes\n---\n# Anna\n\n## Log\n- 2026-10-12 Coffee: talked about [[Jonas Weber|Jonas]].\n- 2026-11-20 Call\n\n## Open\n- [ ] send \"Getting to Yes\"\n- [ ] 2026-12-05 introduce her to [[Jonas Weber]]\n- [x] done thing\n";

    #[test]
    fn parses_a_full_contact() {
        let p = parse_note("people/anna.md", ANNA.as_bytes());
        let n = &p.note;
        assert!(n.is_contact);
        assert_eq!(n.name, "Anna Schmidt");
        assert_eq!(n.facts.aliases, vec!["Anni"]);
        assert_eq!(n.facts.tags, vec!["kiel", "mentor"]);
        assert_eq!(n.facts.interests, vec!["sailing", "Stoizismus"]);
        assert_eq!(n.facts.last_contact, Some(date(2026, 10, 12)));
        assert_eq!(n.facts.extra.len(), 1);
        assert_eq!(n.log.len(), 2);
        assert_eq!(n.log[0].line, 16);
        assert_eq!(n.open.len(), 2);
        assert_eq!(n.open[1].due, Some(date(2026, 12, 5)));
        assert_eq!(n.done, 1);
        assert_eq!(n.links.len(), 2);
        assert_eq!(n.links[0].target, "Jonas Weber");
        assert_eq!(n.last_contact(date(2026, 11, 26)), Some(date(2026, 11, 20)));
        assert_eq!(n.last_contact(date(2026, 11, 1)), Some(date(2026, 10, 12)));
        assert!(n.problems.is_empty(), "{:?}", n.problems);
        assert!(p.extra_text.contains("Getting to Yes"));
    }

    #[test]
    fn bad_yaml_keeps_the_body_and_reports_line() {
        let p = parse_note(
            "x.md",
            b"---\nname: [unclosed\ntags: a\n---\n# Heading\nbody text\n",
        );
        assert_eq!(p.note.name, "Heading");
        assert_eq!(p.note.problems[0].code, "yaml");
        assert!(p.note.problems[0].line.is_some());
        assert!(p.body.contains("body text"));
    }

    #[test]
    fn bad_fields_are_reported_and_ignored() {
        let p = parse_note(
            "x.md",
            b"---\nname: X\nlast_contact: 2026-13-01\ncadence: often\nbirthday: 1985-02-30\n---\n",
        );
        let codes: Vec<_> = p.note.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, vec!["date", "cadence", "date"]);
        assert_eq!(p.note.problems[0].line, Some(3));
        assert_eq!(p.note.facts.last_contact, None);
        assert_eq!(p.note.name, "X");
    }

    #[test]
    fn bad_bytes() {
        let p = parse_note("b.md", b"abc\0def");
        assert_eq!(p.note.problems[0].code, "binary");
        let p = parse_note("u.md", b"line one\nbad \xff byte\n");
        assert_eq!(p.note.problems[0].code, "encoding");
        assert_eq!(p.note.problems[0].line, Some(2));
        assert!(p.body.contains("byte"));
        let p = parse_note("e.md", b"");
        assert!(!p.note.is_contact);
        assert_eq!(p.note.name, "e");
        assert_eq!(p.note.problems[0].code, "empty");
        assert_eq!(p.note.problems[0].severity, Severity::Warning);
        let p = parse_note(
            "c.md",
            b"# C\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> branch\n",
        );
        assert_eq!(p.note.problems[0].code, "conflict");
        assert_eq!(p.note.problems[0].severity, Severity::Error);
        assert_eq!(p.note.problems[0].line, Some(2));
    }

    #[test]
    fn conflict_separators_are_not_part_of_log_entries() {
        let text = "---\nname: Anna\n---\n## Log\n<<<<<<< ours\n- 2026-11-20 A ours\n=======\n- 2026-11-22 B theirs\n>>>>>>> theirs\n- 2026-11-01 C\n";
        let p = parse_note("anna.md", text.as_bytes());
        let log: Vec<(String, usize)> = p
            .note
            .log
            .iter()
            .map(|e| (e.text.clone(), e.line))
            .collect();
        assert_eq!(
            log,
            vec![
                ("A ours".to_string(), 6),
                ("B theirs".to_string(), 8),
                ("C".to_string(), 10)
            ]
        );
    }

    #[test]
    fn a_conflicted_front_matter_keeps_what_both_sides_say() {
        let text = "---\nname: Anna Schmidt\n<<<<<<< ours\nlast_contact: 2026-11-20\n=======\nlast_contact: 2026-11-22\n>>>>>>> theirs\ninterests: [sailing]\n---\nbody\n";
        let p = parse_note("anna.md", text.as_bytes());
        assert!(p.note.is_contact);
        assert_eq!(p.note.name, "Anna Schmidt");
        assert_eq!(p.note.facts.interests, vec!["sailing".to_string()]);
        assert_eq!(p.note.facts.last_contact, None);
        assert!(p.note.problems.iter().any(|q| q.code == "conflict"));
        assert!(!p.note.problems.iter().any(|q| q.code == "yaml"));
    }

    #[test]
    fn inactive_statuses() {
        let rows: &[(&str, bool)] = &[
            ("archived", true),
            ("Paused", true),
            (" INACTIVE ", true),
            ("dormant", true),
            ("deceased", true),
            ("active", false),
            ("archived soon", false),
            ("", false),
        ];
        for (status, want) in rows {
            let text = format!("---\nname: X\nstatus: {status}\n---\n");
            let mut n = parse_note("x.md", text.as_bytes()).note;
            assert_eq!(n.facts.is_inactive(), *want, "{status:?}");
            // a configured list replaces the built-in one
            n.facts.apply_inactive(&["Ruhend", "paused"]);
            let configured = status.trim().eq_ignore_ascii_case("paused");
            assert_eq!(n.facts.is_inactive(), configured, "{status:?} configured");
        }
        let mut n = parse_note("x.md", "---\nstatus: ruhend\n---\n".as_bytes()).note;
        assert!(!n.facts.is_inactive());
        n.facts.apply_inactive(&["Ruhend"]);
        assert!(n.facts.is_inactive());
        assert!(super::Status::new("Verstörben").is_one_of(&["verstorben"]));
        assert!(!super::Status::new(" ").is_one_of(&[" "]));
    }

    #[test]
    fn crlf_and_no_front_matter() {
        let p = parse_note("a.md", b"---\r\nname: A\r\n---\r\n- 2026-01-02 met\r\n");
        assert_eq!(p.note.name, "A");
        assert_eq!(p.note.log[0].date, date(2026, 1, 2));
        let p = parse_note("plain.md", b"Just text about sailing.\n");
        assert!(!p.note.is_contact);
        assert_eq!(p.note.name, "plain");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::parse_note;

    proptest! {
        /// Parsing never panics, whatever the bytes, and line numbers exist.
        #[test]
        fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let p = parse_note("x.md", &bytes);
            let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
            prop_assert!(p.note.log.iter().all(|e| e.line >= 1 && e.line <= lines));
        }

        /// The same for text that looks like a note: front matter, lists, links.
        #[test]
        fn parse_never_panics_on_note_like_text(
            parts in proptest::collection::vec(prop_oneof![
                Just("---\n"), Just("name: A\n"), Just("tags: [a, b\n"), Just("- [ ] 2026-01-01 x\n"),
                Just("- 2026-02-30 y\n"), Just("# T\n"), Just("[[A|b]]"), Just("<<<<<<< HEAD\n"),
                Just("\r\n"), Just("  - nested\n"), Just("birthday: --02-29\n"), Just("cadence: 0d\n"),
                Just("a: &x [1]\nb: *x\n"), Just("..."), Just("\u{feff}"), Just("ü"),
            ], 0..40)
        ) {
            let text: String = parts.concat();
            let _ = parse_note("x.md", text.as_bytes());
        }
    }
}
