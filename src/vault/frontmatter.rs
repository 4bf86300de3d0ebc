//! The YAML front matter: split off by hand (first line `---`, closed by `---`
//! or `...`), then read leniently into `Facts`. A bad field is reported and
//! ignored; the rest of the front matter still counts.

use std::collections::BTreeMap;

use serde_norway::Value;

use crate::vault::cadence::{Birthday, Cadence, parse_date};
use crate::vault::note::{Facts, Problem, Severity};

/// Where the front matter is, if any.
#[derive(Debug, PartialEq, Eq)]
pub enum Split<'a> {
    None,
    Unclosed,
    Block {
        yaml: &'a str,
        /// 1-based line of the first YAML line in the file.
        yaml_line: usize,
        body: &'a str,
        body_line: usize,
    },
}

fn is_fence(line: &str, closing: bool) -> bool {
    let l = line.trim_end_matches(['\r', '\n', ' ', '\t']);
    l == "---" || (closing && l == "...")
}

/// Split `text` into front matter and body.
pub fn split(text: &str) -> Split<'_> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if !is_fence(&text[..first_end], false) || text.is_empty() {
        return Split::None;
    }
    let mut pos = first_end;
    let mut line_no = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if is_fence(&text[pos..end], true) {
            return Split::Block {
                yaml: &text[first_end..pos],
                yaml_line: 2,
                body: &text[end..],
                body_line: line_no + 1,
            };
        }
        pos = end;
        line_no += 1;
    }
    Split::Unclosed
}

/// What the front matter says.
#[derive(Debug, Default)]
pub struct FrontMatter {
    pub name: Option<String>,
    pub facts: Facts,
    pub problems: Vec<Problem>,
    pub extra_text: String,
}

/// 1-based file line of the key `key:` in the YAML block, if found.
fn key_line(yaml: &str, yaml_line: usize, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + yaml_line)
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar(&t.value),
        Value::Null | Value::Sequence(_) | Value::Mapping(_) => None,
    }
    .filter(|s| !s.is_empty())
}

/// A list field: a YAML list, a single string, or a comma-separated string.
fn list(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |s: &str| {
        for part in s.split(',') {
            let p = part.trim();
            if !p.is_empty() {
                out.push(p.to_string());
            }
        }
    };
    match v {
        Value::Sequence(items) => {
            for i in items {
                if let Some(s) = scalar(i) {
                    push(&s);
                }
            }
        }
        other => {
            if let Some(s) = scalar(other) {
                push(&s);
            }
        }
    }
    out
}

fn to_json(v: &Value, depth: usize) -> serde_json::Value {
    if depth > 32 {
        return serde_json::Value::Null;
    }
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::to_value(n).unwrap_or(serde_json::Value::Null),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(s) => s.iter().map(|x| to_json(x, depth + 1)).collect(),
        Value::Mapping(m) => serde_json::Value::Object(
            m.iter()
                .filter_map(|(k, v)| Some((scalar(k)?, to_json(v, depth + 1))))
                .collect(),
        ),
        Value::Tagged(t) => to_json(&t.value, depth + 1),
    }
}

fn flatten_text(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push('\n');
        }
        serde_json::Value::Number(n) => {
            out.push_str(&n.to_string());
            out.push('\n');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| flatten_text(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| flatten_text(x, out)),
        _ => {}
    }
}

/// A front matter longer than this is not parsed: the YAML parser builds
/// every event in memory first, over 100 bytes per input byte (a 14 MB flow
/// list took 1.6 GB and 37 s). A contact's facts fit in a few KiB.
const MAX_YAML_BYTES: usize = 256 * 1024;

/// Budget for `flow_work`. libyaml's scanner rechecks every open flow level
/// (`[`, `{`) at every token, so nesting costs depth × tokens: 100k nested
/// `[` took 35 s. This allows ~10k nested levels (well under a second), and
/// any front matter below ~60 KiB however it uses brackets.
const MAX_FLOW_WORK: u64 = 200_000_000;

/// An upper bound on that scanner work, without lexing: each byte costs at
/// most the number of `[`/`{` before it. (Closing brackets are not trusted to
/// lower the bound: inside a quoted or block scalar they close nothing.)
/// Returns the byte offset where the bound first exceeds `budget`.
fn flow_work_exceeds(yaml: &str, budget: u64) -> Option<usize> {
    let mut opens: u64 = 0;
    let mut work: u64 = 0;
    for (i, b) in yaml.bytes().enumerate() {
        if b == b'[' || b == b'{' {
            opens += 1;
        }
        work += opens;
        if work > budget {
            return Some(i);
        }
    }
    None
}

/// Front matter the YAML parser must not be given (too big, or nested so
/// that parsing it would take seconds): the byte offset to point at and why.
pub(crate) fn too_costly(yaml: &str) -> Option<(usize, String)> {
    if yaml.len() > MAX_YAML_BYTES {
        return Some((
            0,
            format!(
                "front matter is {} KiB, more than the {} KiB that are parsed",
                yaml.len() / 1024,
                MAX_YAML_BYTES / 1024
            ),
        ));
    }
    flow_work_exceeds(yaml, MAX_FLOW_WORK).map(|at| {
        (
            at,
            "front matter nests or repeats [ ] / { } too much to parse safely".to_string(),
        )
    })
}

/// 1-based line and column of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

/// The line (1-based, counting `\n` only, as the rest of rapport does) of
/// YAML's line `yaml_line` (1-based): YAML also breaks lines at a lone `\r`.
pub(crate) fn newline_line(yaml: &str, yaml_line: usize) -> usize {
    let b = yaml.as_bytes();
    let (mut breaks, mut i) = (1, 0);
    while breaks < yaml_line && i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                i += 1;
                breaks += 1;
            }
            b'\r' | b'\n' => breaks += 1,
            _ => {}
        }
        i += 1;
    }
    let newlines = b[..i].iter().filter(|c| **c == b'\n').count();
    let lines = b.iter().filter(|c| **c == b'\n').count() + 1;
    (newlines + 1).min(lines)
}

/// Parse the YAML block. `file_text` is the whole note, for quoting lines.
pub fn parse(yaml: &str, yaml_line: usize, file_text: &str) -> FrontMatter {
    let mut fm = FrontMatter::default();
    if yaml.trim().is_empty() {
        return fm;
    }
    let refused = too_costly(yaml).map(|(at, msg)| {
        let (line, col) = line_col(yaml, at);
        (
            line + yaml_line - 1,
            col,
            format!("{msg}; fields ignored, text kept searchable"),
        )
    });
    if let Some((line, col, msg)) = refused {
        fm.problems
            .push(Problem::new(Severity::Error, "yaml", msg).at(line, Some(col), file_text));
        fm.extra_text = yaml.to_string();
        return fm;
    }
    let value: Value = match serde_norway::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let (line, col) = e.location().map_or((yaml_line, None), |l| {
                (
                    newline_line(yaml, l.line()) + yaml_line - 1,
                    Some(l.column()),
                )
            });
            let msg = e.to_string();
            // serde's message ends with " at line X column Y"; the location is shown separately
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            fm.problems.push(
                Problem::new(Severity::Error, "yaml", format!("invalid YAML: {msg}"))
                    .at(line, col, file_text),
            );
            // keep the raw text searchable
            fm.extra_text = yaml.to_string();
            return fm;
        }
    };
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => return fm,
        _ => {
            fm.problems.push(
                Problem::new(
                    Severity::Error,
                    "yaml",
                    "front matter is not a mapping of keys to values",
                )
                .at(yaml_line, Some(1), file_text),
            );
            fm.extra_text = yaml.to_string();
            return fm;
        }
    };
    let mut extra = BTreeMap::new();
    let f = &mut fm.facts;
    for (k, v) in &map {
        let Some(key) = scalar(k) else { continue };
        let line = || key_line(yaml, yaml_line, &key).unwrap_or(yaml_line);
        let mut bad = |code: &str, msg: String| {
            fm.problems.push(
                Problem::new(
                    Severity::Error,
                    code,
                    format!("{key}: {msg}; field ignored"),
                )
                .at(line(), Some(1), file_text),
            );
        };
        match key.as_str() {
            "name" => fm.name = scalar(v),
            "aliases" | "alias" => f.aliases.extend(list(v)),
            "tags" | "tag" => f.tags.extend(
                list(v)
                    .into_iter()
                    .map(|t| t.trim_start_matches('#').to_string())
                    .filter(|t| !t.is_empty()),
            ),
            "interests" => f.interests.extend(list(v)),
            "training" => f.training.extend(list(v)),
            "field" => f.field.extend(list(v)),
            "company" => f.company = scalar(v),
            "role" => f.role = scalar(v),
            "location" => f.location = scalar(v),
            "email" => f.email = scalar(v),
            "met" => f.met = scalar(v),
            "status" => f.status = scalar(v),
            "last_contact" | "next_contact" => {
                let Some(s) = scalar(v) else { continue };
                match parse_date(&s) {
                    Ok(d) if key == "last_contact" => f.last_contact = Some(d),
                    Ok(d) => f.next_contact = Some(d),
                    Err(e) => bad("date", e),
                }
            }
            "birthday" => {
                let Some(s) = scalar(v) else { continue };
                match Birthday::parse(&s) {
                    Ok(b) => f.birthday = Some(b.to_string()),
                    Err(e) => bad("date", e),
                }
            }
            "cadence" => {
                let Some(s) = scalar(v) else { continue };
                match Cadence::parse(&s) {
                    Ok(c) => f.cadence = Some(c.to_string()),
                    Err(e) => bad("cadence", e),
                }
            }
            _ => {
                let j = to_json(v, 0);
                flatten_text(&j, &mut fm.extra_text);
                extra.insert(key, j);
            }
        }
    }
    fm.facts.extra = extra;
    fm
}

#[cfg(test)]
mod tests {
    use super::{Split, newline_line, split};

    #[test]
    fn yaml_lines_map_to_newline_lines() {
        // YAML breaks at \n, \r\n and a lone \r; rapport's lines only at \n
        let y = "a: 1\r\nb: [x\r\r\rc\nd";
        assert_eq!(newline_line(y, 1), 1);
        assert_eq!(newline_line(y, 2), 2);
        assert_eq!(newline_line(y, 4), 2);
        assert_eq!(newline_line(y, 5), 2);
        assert_eq!(newline_line(y, 6), 3);
        assert_eq!(newline_line(y, 60), 3);
        // a broken note full of lone CRs reports a line that exists
        let text = "---\nname: [a-\r\r\r\r\r\n\r\r\rmez [a-\r\r---\n{ame\n---\n";
        let p = crate::vault::note::parse_note("x.md", text.as_bytes());
        let lines = text.matches('\n').count() + 1;
        assert!(!p.note.problems.is_empty());
        for q in &p.note.problems {
            assert!(q.line.is_some_and(|l| l >= 1 && l <= lines), "{q:?}");
        }
    }

    #[test]
    fn split_table() {
        assert_eq!(split("no front matter"), Split::None);
        assert_eq!(split(""), Split::None);
        assert_eq!(split("--- \nname: a\n"), Split::Unclosed);
        assert_eq!(
            split("---\nname: a\n---\nbody\n"),
            Split::Block {
                yaml: "name: a\n",
                yaml_line: 2,
                body: "body\n",
                body_line: 4
            }
        );
        assert_eq!(
            split("---\r\nname: a\r\n...\r\nbody"),
            Split::Block {
                yaml: "name: a\r\n",
                yaml_line: 2,
                body: "body",
                body_line: 4
            }
        );
        assert_eq!(
            split("---\n---\n"),
            Split::Block {
                yaml: "",
                yaml_line: 2,
                body: "",
                body_line: 3
            }
        );
        // a thematic break later in the text is not front matter
        assert_eq!(split("text\n---\n"), Split::None);
    }
}
