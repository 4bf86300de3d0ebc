//! The YAML front matter: split off by hand (first line `---`, closed by `---`
//! or `...`), then read leniently into `Facts`. A bad field is reported and
//! ignored; the rest of the front matter still counts.

use std::collections::BTreeMap;

use serde_norway::Value;

use crate::vault::cadence::Cadence;
use crate::vault::fields::{Applied, alias_of, apply_field, scalar};
use crate::vault::model::{Code, Facts, Problem, Severity};
use crate::vault::text;

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
    text::line_of(b, i).min(text::line_count(b))
}

/// An unquoted `#tag` that YAML reads as the start of a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HashTag {
    /// 0-based line in the YAML block.
    line: usize,
    /// 1-based column (in chars) of the `#`.
    col: usize,
    /// The tag as written, to show quoted.
    text: String,
    /// Inside a flow list or mapping `[ … ]` / `{ … }`, where it breaks the
    /// collection; else after `key:` or `- `, where it empties the value.
    in_flow: bool,
    /// The key before it (`tags` in `tags: #friend`), when on that line.
    key: Option<String>,
}

/// Does `#` at byte `i` of `s` start a tag (a word right after it)?
fn tag_at(s: &str, i: usize) -> Option<String> {
    let rest = s.get(i + 1..)?;
    let first = rest.chars().next()?;
    if first.is_whitespace() || first == '#' {
        return None;
    }
    Some(s[i..].trim_end().to_string())
}

/// Where the value of a block-context line starts (after its `- ` list
/// markers and its `key:`), from `indent`, and the key, when there is one.
fn value_start(line: &str, indent: usize) -> (usize, Option<String>) {
    let skip_space = |at: usize| at + line[at..].len() - line[at..].trim_start().len();
    let mut at = indent;
    loop {
        let rest = &line[at..];
        if rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t") {
            at = skip_space(at + 1);
            continue;
        }
        break;
    }
    let rest = &line[at..];
    if rest.starts_with(['"', '\'', '[', '{', '#']) {
        return (at, None);
    }
    let colon = rest
        .char_indices()
        .find(|&(i, c)| c == ':' && rest[i + 1..].chars().next().is_none_or(char::is_whitespace))
        .map(|(i, _)| i);
    match colon {
        Some(c) => (skip_space(at + c + 1), Some(rest[..c].trim().to_string())),
        None => (at, None),
    }
}

/// Whether a value opens a block scalar (`|`, `>`, with their `+`/`-` and
/// indentation indicators), whose lines are text, not YAML.
fn opens_block_scalar(value: &str) -> bool {
    let head = value.split(" #").next().unwrap_or("").trim();
    head.starts_with(['|', '>'])
        && head[1..]
            .chars()
            .all(|c| matches!(c, '+' | '-' | '1'..='9'))
}

/// The state [`flow_tags`] carries from one line to the next.
struct FlowScan {
    /// How deep in `[` / `{` the scan is.
    depth: usize,
    out: Vec<HashTag>,
}

/// Scan line `n` from byte `at` through a flow collection: brackets, quotes,
/// and a `#` after `[`, `{`, `,` or a space, which starts a tag (inside the
/// collection) or a comment, ending the line.
fn flow_tags(scan: &mut FlowScan, line: &str, at: usize, n: usize, key: Option<&String>) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line[at..].char_indices() {
        let i = at + i;
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if matches!(prev, '[' | '{' | ',' | ':' | ' ' | '\t') => {
                quote = Some(c);
            }
            (None, '[' | '{') => scan.depth += 1,
            (None, ']' | '}') => scan.depth = scan.depth.saturating_sub(1),
            (None, '#') if scan.depth > 0 && matches!(prev, '[' | '{' | ',' | ' ' | '\t') => {
                if let Some(t) = tag_at(line, i) {
                    let end = t.find([',', ']', '}', ' ']).unwrap_or(t.len());
                    scan.out.push(HashTag {
                        line: n,
                        col: line[..i].chars().count() + 1,
                        text: t[..end].to_string(),
                        in_flow: true,
                        key: key.cloned(),
                    });
                }
                // the rest of the line is a comment to YAML
                return;
            }
            (None, '#') if matches!(prev, ' ' | '\t') => return,
            _ => {}
        }
        prev = c;
    }
}

/// Every unquoted `#tag` in `yaml` that YAML takes for a comment: the value
/// of `key: #tag` or of a list item `- #tag`, and a `#` at the start of an
/// item in a flow collection (`[#a, #b]`). Block scalars (`|`, `>`) and
/// quoted text are skipped; `# comment` (a space after `#`) is a comment.
fn hash_tags(yaml: &str) -> Vec<HashTag> {
    let mut scan = FlowScan {
        depth: 0,
        out: Vec::new(),
    };
    let mut block: Option<usize> = None;
    for (n, raw) in yaml.split('\n').enumerate() {
        let line = raw.trim_end_matches('\r');
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = &line[indent..];
        if let Some(b) = block {
            if content.trim().is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        if content.trim().is_empty() || (scan.depth == 0 && content.starts_with('#')) {
            continue;
        }
        if scan.depth > 0 {
            flow_tags(&mut scan, line, indent, n, None);
            continue;
        }
        let (at, key) = value_start(line, indent);
        let value = &line[at..];
        if value.starts_with('#') {
            if let Some(text) = tag_at(line, at) {
                scan.out.push(HashTag {
                    line: n,
                    col: line[..at].chars().count() + 1,
                    text,
                    in_flow: false,
                    key,
                });
            }
        } else if opens_block_scalar(value) {
            block = Some(indent);
        } else if value.starts_with(['[', '{']) {
            flow_tags(&mut scan, line, at, n, key.as_ref());
        }
    }
    scan.out
}

/// The problem for YAML too costly to parse (see [`too_costly`]), if it is.
fn refuse_costly(yaml: &str, yaml_line: usize, file_text: &str) -> Option<Problem> {
    let (at, msg) = too_costly(yaml)?;
    let (line, col) = text::line_col(yaml, at);
    let msg = format!("{msg}; fields ignored, text kept searchable");
    Some(Problem::new(Severity::Error, Code::Yaml, msg).at(
        line + yaml_line - 1,
        Some(col),
        file_text,
    ))
}

/// The problem for YAML that does not parse, at the line (counting `\n`
/// only) YAML names; a `#tag` in a flow list at or before it is its likely
/// cause and is named instead.
fn yaml_error(yaml: &str, yaml_line: usize, file_text: &str, e: &serde_norway::Error) -> Problem {
    let (line, col) = e.location().map_or((yaml_line, None), |l| {
        (
            newline_line(yaml, l.line()) + yaml_line - 1,
            Some(l.column()),
        )
    });
    let tag = hash_tags(yaml)
        .into_iter()
        .find(|t| t.in_flow && t.line + yaml_line <= line);
    match tag {
        Some(t) => Problem::new(
            Severity::Error,
            Code::Yaml,
            format!(
                "invalid YAML: an unquoted {} starts a YAML comment and breaks the list; quote it: \"{}\"",
                t.text, t.text
            ),
        )
        .at(t.line + yaml_line, Some(t.col), file_text),
        None => {
            let msg = e.to_string();
            // serde's message ends with " at line X column Y"; the location is shown separately
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Problem::new(Severity::Error, Code::Yaml, format!("invalid YAML: {msg}"))
                .at(line, col, file_text)
        }
    }
}

/// The problems for `key: #tag` and `- #tag` outside flow lists, whose value
/// YAML reads as empty (a top-level key that has a value after all is not
/// one).
fn comment_tags(
    yaml: &str,
    yaml_line: usize,
    file_text: &str,
    map: &serde_norway::Mapping,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for t in hash_tags(yaml).into_iter().filter(|t| !t.in_flow) {
        if let Some(k) = t.key.as_deref()
            && !yaml
                .split('\n')
                .nth(t.line)
                .is_some_and(|l| l.starts_with([' ', '-']))
            && !map.get(k).is_none_or(Value::is_null)
        {
            continue;
        }
        let what = match &t.key {
            Some(k) => format!("{k}: {}", t.text),
            None => format!("- {}", t.text),
        };
        out.push(
            Problem::new(
                Severity::Error,
                Code::Yaml,
                format!(
                    "{what}: an unquoted # starts a YAML comment, so the value is empty; quote it: \"{}\"",
                    t.text
                ),
            )
            .at(t.line + yaml_line, Some(t.col), file_text),
        );
    }
    out
}

/// Read every key of `map` into `fm`: known fields (under any of their
/// keys) into the facts, a bad value as a problem at its key's line, unknown
/// keys into `facts.extra` and the searchable extra text; then a tier gives
/// the cadence where none is set.
fn apply_fields(
    fm: &mut FrontMatter,
    map: &serde_norway::Mapping,
    yaml: &str,
    yaml_line: usize,
    file_text: &str,
) {
    let mut extra = BTreeMap::new();
    for (k, v) in map {
        let Some(key) = scalar(k) else { continue };
        let canon = alias_of(&key);
        match apply_field(&mut fm.facts, &mut fm.name, canon.unwrap_or(&key), v) {
            Applied::Done => {
                if let Some(c) = canon {
                    fm.facts.sources.insert(c.to_string(), key.clone());
                }
            }
            Applied::Bad(code, msg) => {
                let line = key_line(yaml, yaml_line, &key).unwrap_or(yaml_line);
                fm.problems.push(
                    Problem::new(
                        Severity::Error,
                        code,
                        format!("{key}: {msg}; field ignored"),
                    )
                    .at(line, Some(1), file_text),
                );
            }
            Applied::Unknown => {
                let j = to_json(v, 0);
                flatten_text(&j, &mut fm.extra_text);
                extra.insert(key, j);
            }
        }
    }
    // a tier sets the cadence only where none is given
    if fm.facts.cadence.is_none()
        && let Some(t) = fm.facts.tier.as_deref()
        && let Some(c) = tier_cadence(t)
    {
        fm.facts.cadence = Some(c);
        fm.facts.sources.insert("cadence".into(), "tier".into());
    }
    fm.facts.extra = extra;
}

/// Parse the YAML block. `file_text` is the whole note, for quoting lines.
pub fn parse(yaml: &str, yaml_line: usize, file_text: &str) -> FrontMatter {
    let mut fm = FrontMatter::default();
    if yaml.trim().is_empty() {
        return fm;
    }
    // YAML whose fields cannot be read stays searchable as raw text
    let unread = |problem: Problem| FrontMatter {
        problems: vec![problem],
        extra_text: yaml.to_string(),
        ..FrontMatter::default()
    };
    if let Some(problem) = refuse_costly(yaml, yaml_line, file_text) {
        return unread(problem);
    }
    let map = match serde_norway::from_str(yaml) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => return fm,
        Ok(_) => {
            return unread(
                Problem::new(
                    Severity::Error,
                    Code::Yaml,
                    "front matter is not a mapping of keys to values",
                )
                .at(yaml_line, Some(1), file_text),
            );
        }
        Err(e) => return unread(yaml_error(yaml, yaml_line, file_text, &e)),
    };
    fm.problems = comment_tags(yaml, yaml_line, file_text, &map);
    apply_fields(&mut fm, &map, yaml, yaml_line, file_text);
    fm
}

/// The cadence a tier stands for by default: A/1 every 2 weeks, B/2 monthly,
/// C/3 quarterly, D/4 twice a year (also the words close, inner, outer, far).
pub fn tier_cadence(tier: &str) -> Option<Cadence> {
    let t = tier.trim().to_lowercase();
    let t = t
        .strip_prefix("tier")
        .unwrap_or(&t)
        .trim_start_matches([' ', '-', '_']);
    let span = match t {
        "a" | "1" | "close" => "2w",
        "b" | "2" | "inner" => "1mo",
        "c" | "3" | "outer" => "3mo",
        "d" | "4" | "far" => "6mo",
        _ => return None,
    };
    Cadence::parse(span).ok()
}

#[cfg(test)]
mod tests {
    use super::{Split, newline_line, split};
    use crate::vault::note::parse_note;

    /// (line, column, message) of each `yaml` problem of a note with front matter `yaml`.
    fn yaml_problems(yaml: &str) -> Vec<(Option<usize>, Option<usize>, String)> {
        let text = format!("---\n{yaml}---\nbody\n");
        parse_note("x.md", text.as_bytes())
            .note
            .problems
            .into_iter()
            .filter(|p| p.code == "yaml")
            .map(|p| (p.line, p.column, p.message))
            .collect()
    }

    #[test]
    fn unquoted_hash_tags_are_reported_at_the_tag() {
        // (front matter, line, column, quoted hint)
        let rows: &[(&str, usize, usize, &str)] = &[
            ("name: A\ntags: #friend\n", 3, 7, "\"#friend\""),
            (
                "name: A\ntags:   #friend #kiel\n",
                3,
                9,
                "\"#friend #kiel\"",
            ),
            (
                "name: A\ntags:\n  - work\n  - #friend\n",
                5,
                5,
                "\"#friend\"",
            ),
            ("tags:\n- #friend\nname: A\n", 3, 3, "\"#friend\""),
            ("name: A\ninterests: [#x, y]\n", 3, 13, "\"#x\""),
            ("name: A\ninterests: [a, #x]\ncompany: B\n", 3, 16, "\"#x\""),
            ("interests: {a: 1, b: #x}\nname: A\n", 2, 22, "\"#x\""),
        ];
        for (yaml, line, col, hint) in rows {
            let ps = yaml_problems(yaml);
            assert_eq!(ps.len(), 1, "{yaml:?}: {ps:?}");
            let (l, c, msg) = &ps[0];
            assert_eq!((*l, *c), (Some(*line), Some(*col)), "{yaml:?}: {msg}");
            assert!(
                msg.contains(&format!("quote it: {hint}")),
                "{yaml:?}: {msg}"
            );
        }
        // comments, quoted tags, block scalars and tags inside values are fine
        for yaml in [
            "name: A # the one from Kiel\n",
            "name: A\ntags: \"#friend\"\n",
            "name: A\ntags: ['#friend', \"#kiel\"]\n",
            "name: A\ntags: # none yet\n",
            "name: A\n# tags: #friend\n",
            "name: A\nnotes: |\n  #friend is a hashtag\n  - #also text\ncompany: B\n",
            "name: A\nnotes: >-\n  tags: #friend\n",
            "name: A\ncompany: C#\n",
            "name: A\ntags: [c#, f#]\n",
            "name: A\nmotto: \"a: #b\"\n",
        ] {
            assert_eq!(yaml_problems(yaml), vec![], "{yaml:?}");
        }
    }

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
