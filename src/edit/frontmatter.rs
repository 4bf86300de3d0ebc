//! Front-matter edits as text, never re-serialised: read or replace the value
//! of one top-level key on its own line (keeping indentation, quoting style and
//! a trailing comment), or insert a new key line before the closing `---`.
//! Pure: text in, text out.

use serde_norway::Value;

use crate::edit::{EditError, Line, indent_of, lines, newline, split_bom};
use crate::vault::frontmatter::{Split, newline_line, split, too_costly};
use crate::vault::text::line_of;

/// How a value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Double,
    Single,
}

/// Where the YAML block is: byte range in the text after any BOM.
struct Block {
    start: usize,
    end: usize,
}

fn block(text: &str) -> Result<Option<Block>, EditError> {
    match split(text) {
        Split::None => Ok(None),
        Split::Unclosed => Err(EditError::Unclosed),
        Split::Block { yaml, .. } => {
            let start = text.find('\n').map_or(text.len(), |i| i + 1);
            Ok(Some(Block {
                start,
                end: start + yaml.len(),
            }))
        }
    }
}

/// Parse the YAML block; it must be empty or a mapping.
fn parse_yaml(yaml: &str) -> Result<Option<serde_norway::Mapping>, EditError> {
    if yaml.trim().is_empty() {
        return Ok(None);
    }
    if let Some((at, message)) = too_costly(yaml) {
        return Err(EditError::Yaml {
            // the YAML starts on line 2 of the file
            line: line_of(yaml, at) + 1,
            message,
        });
    }
    match serde_norway::from_str::<Value>(yaml) {
        Ok(Value::Mapping(m)) => Ok(Some(m)),
        Ok(Value::Null) => Ok(None),
        Ok(_) => Err(EditError::NotMapping),
        Err(e) => {
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            Err(EditError::Yaml {
                // the YAML starts on line 2 of the file
                line: e.location().map_or(2, |l| newline_line(yaml, l.line()) + 1),
                message: msg,
            })
        }
    }
}

/// Check that `text` has no front matter or one that parses as a YAML mapping.
pub fn validate(text: &str) -> Result<(), EditError> {
    let (_, t) = split_bom(text);
    if let Some(b) = block(t)? {
        parse_yaml(&t[b.start..b.end])?;
    }
    Ok(())
}

/// A key's line and the value on it.
struct Found<'a> {
    line: Line<'a>,
    /// Byte offset (in the file) right after the `:`.
    after_colon: usize,
    ws: &'a str,
    /// The value as written (with quotes), empty when there is none.
    token: &'a str,
    /// Everything after the value: spaces and a comment, or nothing.
    rest: &'a str,
    style: Style,
}

impl Found<'_> {
    /// The value without quotes; empty for none, `~` or `null`.
    fn value(&self) -> String {
        let inner = match self.style {
            Style::Plain => self.token,
            Style::Double | Style::Single => &self.token[1..self.token.len() - 1],
        };
        if self.style == Style::Plain && matches!(inner, "~" | "null" | "Null" | "NULL") {
            return String::new();
        }
        inner.to_string()
    }
}

/// The part after `key` when `rest` starts with the key (bare or quoted) and a colon.
fn after_key<'a>(rest: &'a str, key: &str) -> Option<&'a str> {
    let forms = [key.to_string(), format!("\"{key}\""), format!("'{key}'")];
    for f in &forms {
        if let Some(r) = rest.strip_prefix(f.as_str()) {
            let r = r.trim_start_matches([' ', '\t']);
            if let Some(v) = r.strip_prefix(':')
                && (v.is_empty() || v.starts_with([' ', '\t']))
            {
                return Some(v);
            }
        }
    }
    None
}

/// The indentation of top-level keys: that of the first line that is neither
/// blank nor a comment.
fn top_indent<'a>(ls: &[Line<'a>]) -> &'a str {
    ls.iter()
        .find(|l| {
            let t = l.text.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
        .map_or("", |l| indent_of(l.text))
}

/// The byte offset of the closing `"` in `q`, the text after an opening
/// `"` (a backslash escapes the next character).
fn double_quote_end(q: &str) -> Option<usize> {
    let mut escaped = false;
    for (j, c) in q.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(j),
            _ => {}
        }
    }
    None
}

/// The byte offset of the closing `'` in `q`, the text after an opening
/// `'` (`''` is a quote inside).
fn single_quote_end(q: &str) -> Option<usize> {
    let mut chars = q.char_indices().peekable();
    while let Some((j, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
            } else {
                return Some(j);
            }
        }
    }
    None
}

/// The value token at the start of `v` (quotes included) and its style:
/// empty for no value, a plain scalar up to a comment; `None` for a value
/// rapport does not rewrite (an unclosed quote, a flow or block collection,
/// an anchor, alias, tag or reserved character).
fn value_token(v: &str) -> Option<(&str, Style)> {
    if let Some(q) = v.strip_prefix('"') {
        double_quote_end(q).map(|end| (&v[..end + 2], Style::Double))
    } else if let Some(q) = v.strip_prefix('\'') {
        single_quote_end(q).map(|end| (&v[..end + 2], Style::Single))
    } else if v.is_empty() || v.starts_with('#') {
        Some(("", Style::Plain))
    } else if v.starts_with(['[', '{', '|', '>', '&', '*', '!', '%', '@', '`']) {
        None
    } else {
        let end = [" #", "\t#"]
            .iter()
            .filter_map(|m| v.find(m))
            .min()
            .unwrap_or(v.len());
        Some((v[..end].trim_end_matches([' ', '\t']), Style::Plain))
    }
}

/// Whether the key on line `ls[0]` has its value continued on
/// more-indented lines (or a nested block) after it, comments and blank
/// lines aside.
fn continued(ls: &[Line<'_>], indent: &str) -> bool {
    ls[1..]
        .iter()
        .take_while(|n| {
            let t = n.text.trim_start();
            t.is_empty() || t.starts_with('#') || indent_of(n.text).len() > indent.len()
        })
        .any(|n| {
            let t = n.text.trim_start();
            !t.is_empty() && !t.starts_with('#')
        })
}

/// The top-level line of `key` in the front-matter block `b` of `text`, with
/// its value split into parts; an error for a value that is not a single
/// scalar on its line, `None` when the key is absent.
fn find<'a>(text: &'a str, b: &Block, key: &str) -> Result<Option<Found<'a>>, EditError> {
    let ls = lines(text, b.start, b.end);
    let indent = top_indent(&ls);
    for (i, l) in ls.iter().enumerate() {
        let Some(rest) = l.text.strip_prefix(indent) else {
            continue;
        };
        if rest.starts_with([' ', '\t']) {
            continue;
        }
        let Some(after) = after_key(rest, key) else {
            continue;
        };
        let v = after.trim_start_matches([' ', '\t']);
        let complex = || EditError::Complex {
            key: key.to_string(),
            value: v.to_string(),
        };
        let (token, style) = value_token(v).ok_or_else(complex)?;
        // A value continued on more-indented lines (or a nested block) is not ours to touch.
        if continued(&ls[i..], indent) {
            return Err(complex());
        }
        return Ok(Some(Found {
            line: *l,
            after_colon: l.end - after.len(),
            ws: &after[..after.len() - v.len()],
            token,
            rest: &v[token.len()..],
            style,
        }));
    }
    Ok(None)
}

/// The value of top-level `key` as written, without quotes (empty for none,
/// `~` or `null`); `None` when the key is absent or there is no front matter.
pub fn get(text: &str, key: &str) -> Result<Option<String>, EditError> {
    let (_, t) = split_bom(text);
    let Some(b) = block(t)? else { return Ok(None) };
    parse_yaml(&t[b.start..b.end])?;
    Ok(find(t, &b, key)?.map(|f| f.value()))
}

/// Does a plain YAML scalar read back as exactly `s` (a string)?
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let safe = |c: char| {
        c.is_alphanumeric() || matches!(c, ' ' | '.' | '_' | '-' | '\'' | '(' | ')' | '/' | '+')
    };
    if !(first.is_alphanumeric() || first == '(') || !s.chars().all(safe) || s.ends_with(' ') {
        return false;
    }
    // Would it read back as a string? Numbers, booleans, null would not.
    matches!(serde_norway::from_str::<Value>(s), Ok(Value::String(ref r)) if r == s)
}

/// `s` as a YAML scalar: plain when that reads back unchanged, else double-quoted.
pub fn yaml_scalar(s: &str) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn styled(value: &str, style: Style) -> String {
    match style {
        Style::Plain => yaml_scalar(value),
        Style::Double if !value.contains(['"', '\\']) && !value.chars().any(char::is_control) => {
            format!("\"{value}\"")
        }
        Style::Single if !value.chars().any(char::is_control) => {
            format!("'{}'", value.replace('\'', "''"))
        }
        _ => yaml_scalar(value),
    }
}

/// Set top-level `key` to `value` (a string scalar, such as a date) in the
/// front matter of `text`. An existing value is replaced in place; a missing
/// key gets a new line before the closing `---`; a note without front matter
/// gets one. Every other byte stays as it was.
pub fn set(text: &str, key: &str, value: &str) -> Result<String, EditError> {
    let (bom, t) = split_bom(text);
    let nl = newline(t);
    let Some(b) = block(t)? else {
        return Ok(format!(
            "{bom}---{nl}{key}: {}{nl}---{nl}{t}",
            yaml_scalar(value)
        ));
    };
    parse_yaml(&t[b.start..b.end])?;
    let mut out = String::with_capacity(text.len() + key.len() + value.len() + 8);
    out.push_str(bom);
    match find(t, &b, key)? {
        Some(f) => {
            let v = styled(value, f.style);
            out.push_str(&t[..f.after_colon]);
            if f.token.is_empty() {
                out.push(' ');
                out.push_str(&v);
                if !f.rest.is_empty() {
                    out.push_str(if f.ws.len() > 1 { f.ws } else { " " });
                    out.push_str(f.rest);
                }
            } else {
                out.push_str(f.ws);
                out.push_str(&v);
                out.push_str(f.rest);
            }
            out.push_str(&t[f.line.end..]);
        }
        None => {
            let ls = lines(t, b.start, b.end);
            let indent = top_indent(&ls);
            out.push_str(&t[..b.end]);
            out.push_str(indent);
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&yaml_scalar(value));
            out.push_str(nl);
            out.push_str(&t[b.end..]);
        }
    }
    // Belt and braces: the new front matter must parse and say what we meant.
    let (_, nt) = split_bom(&out);
    let nb = block(nt)?.ok_or_else(|| no_read_back(key, value))?;
    let map = parse_yaml(&nt[nb.start..nb.end])
        .map_err(|_| no_read_back(key, value))?
        .ok_or_else(|| no_read_back(key, value))?;
    match map.get(key) {
        Some(Value::String(s)) if s == value => Ok(out),
        _ => Err(no_read_back(key, value)),
    }
}

/// `items` as a YAML flow sequence: `[a, "b: c"]`.
pub fn yaml_flow_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| yaml_scalar(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// The top-level mapping of the front matter of `text` (`None` without
/// front matter or when it is empty).
pub fn mapping(text: &str) -> Result<Option<serde_norway::Mapping>, EditError> {
    let (_, t) = split_bom(text);
    let Some(b) = block(t)? else { return Ok(None) };
    parse_yaml(&t[b.start..b.end])
}

/// Set top-level `key` to the list `items`, written as one flow sequence
/// line (`key: [a, b]`). The key's line and any lines continuing its value
/// (a block sequence below it) are replaced; a missing key gets a new line
/// before the closing `---`; every other byte stays as it was.
pub fn set_list(text: &str, key: &str, items: &[String]) -> Result<String, EditError> {
    let (bom, t) = split_bom(text);
    let nl = newline(t);
    let flow = yaml_flow_list(items);
    let shown = flow.clone();
    let Some(b) = block(t)? else {
        return Ok(format!("{bom}---{nl}{key}: {flow}{nl}---{nl}{t}"));
    };
    parse_yaml(&t[b.start..b.end])?;
    let ls = lines(t, b.start, b.end);
    let indent = top_indent(&ls);
    let at = ls.iter().position(|l| {
        l.text
            .strip_prefix(indent)
            .is_some_and(|r| !r.starts_with([' ', '\t']) && after_key(r, key).is_some())
    });
    let mut out = String::with_capacity(text.len() + flow.len() + key.len() + 8);
    out.push_str(bom);
    match at {
        Some(i) => {
            // the value goes on over more-indented lines, or `- item` lines
            // at the key's own indentation (a block sequence)
            let mut last = i;
            for (j, n) in ls.iter().enumerate().skip(i + 1) {
                let tt = n.text.trim_start();
                let deeper = indent_of(n.text).len() > indent.len();
                let dash = n
                    .text
                    .strip_prefix(indent)
                    .is_some_and(|r| r == "-" || r.starts_with("- "));
                if tt.is_empty() || tt.starts_with('#') {
                    continue;
                }
                if deeper || dash {
                    last = j;
                } else {
                    break;
                }
            }
            let l = ls[i];
            out.push_str(&t[..l.start]);
            out.push_str(indent);
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&flow);
            out.push_str(&t[ls[last].end..]);
        }
        None => {
            out.push_str(&t[..b.end]);
            out.push_str(indent);
            out.push_str(key);
            out.push_str(": ");
            out.push_str(&flow);
            out.push_str(nl);
            out.push_str(&t[b.end..]);
        }
    }
    let back = mapping(&out).map_err(|_| no_read_back(key, &shown))?;
    let ok = back
        .as_ref()
        .and_then(|m| m.get(key))
        .is_some_and(|v| match v {
            Value::Sequence(s) => {
                s.len() == items.len()
                    && s.iter()
                        .zip(items)
                        .all(|(a, b)| matches!(a, Value::String(x) if x == b))
            }
            _ => false,
        });
    if ok {
        Ok(out)
    } else {
        Err(no_read_back(key, &shown))
    }
}

fn no_read_back(key: &str, value: &str) -> EditError {
    EditError::NoReadBack {
        key: key.to_string(),
        value: value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{get, set, set_list, validate, yaml_scalar};
    use crate::edit::EditError;

    const D: &str = "2026-11-26";

    #[test]
    fn set_table() {
        // (case, before, after) for set(before, "last_contact", D)
        let rows: &[(&str, &str, &str)] = &[
            (
                "plain value replaced",
                "---\nname: A\nlast_contact: 2026-10-12\ncadence: 6w\n---\nbody\n",
                "---\nname: A\nlast_contact: 2026-11-26\ncadence: 6w\n---\nbody\n",
            ),
            (
                "comment and odd spacing kept",
                "---\nname: A\nlast_contact :   2026-10-12   # met at the fair\n---\n",
                "---\nname: A\nlast_contact :   2026-11-26   # met at the fair\n---\n",
            ),
            (
                "double quotes kept",
                "---\nlast_contact: \"2026-10-12\" # q\n---\n",
                "---\nlast_contact: \"2026-11-26\" # q\n---\n",
            ),
            (
                "single quotes kept",
                "---\nlast_contact: '2026-10-12'\n---\n",
                "---\nlast_contact: '2026-11-26'\n---\n",
            ),
            (
                "empty value filled",
                "---\nname: A\nlast_contact:\n---\n",
                "---\nname: A\nlast_contact: 2026-11-26\n---\n",
            ),
            (
                "empty value with comment",
                "---\nlast_contact:        # never yet\n---\n",
                "---\nlast_contact: 2026-11-26        # never yet\n---\n",
            ),
            (
                "empty value, comment right after one space",
                "---\nlast_contact: # never\n---\n",
                "---\nlast_contact: 2026-11-26 # never\n---\n",
            ),
            (
                "tilde null replaced",
                "---\nlast_contact: ~\n---\n",
                "---\nlast_contact: 2026-11-26\n---\n",
            ),
            (
                "missing key inserted before closing fence",
                "---\nname: A # the name\n# a comment line\n---\n# A\n",
                "---\nname: A # the name\n# a comment line\nlast_contact: 2026-11-26\n---\n# A\n",
            ),
            (
                "dots closing fence",
                "---\nname: A\n...\nbody",
                "---\nname: A\nlast_contact: 2026-11-26\n...\nbody",
            ),
            (
                "crlf kept",
                "---\r\nname: A\r\nlast_contact: 2026-01-01\r\n---\r\nbody\r\n",
                "---\r\nname: A\r\nlast_contact: 2026-11-26\r\n---\r\nbody\r\n",
            ),
            (
                "crlf insert",
                "---\r\nname: A\r\n---\r\nbody",
                "---\r\nname: A\r\nlast_contact: 2026-11-26\r\n---\r\nbody",
            ),
            (
                "no front matter gets one",
                "# Bob\n\nSome text",
                "---\nlast_contact: 2026-11-26\n---\n# Bob\n\nSome text",
            ),
            (
                "no front matter, crlf",
                "# Bob\r\n",
                "---\r\nlast_contact: 2026-11-26\r\n---\r\n# Bob\r\n",
            ),
            ("empty file", "", "---\nlast_contact: 2026-11-26\n---\n"),
            (
                "empty front matter",
                "---\n---\nx\n",
                "---\nlast_contact: 2026-11-26\n---\nx\n",
            ),
            (
                "nested key of the same name is not ours",
                "---\nmeta:\n  last_contact: 2020-01-01\nname: A\n---\n",
                "---\nmeta:\n  last_contact: 2020-01-01\nname: A\nlast_contact: 2026-11-26\n---\n",
            ),
            (
                "indented top level",
                "---\n  name: A\n  last_contact: 2020-01-01\n---\n",
                "---\n  name: A\n  last_contact: 2026-11-26\n---\n",
            ),
            (
                "quoted key",
                "---\n\"last_contact\": 2020-01-01\n---\n",
                "---\n\"last_contact\": 2026-11-26\n---\n",
            ),
            (
                "similar key not matched",
                "---\nlast_contact_note: x\n---\n",
                "---\nlast_contact_note: x\nlast_contact: 2026-11-26\n---\n",
            ),
            (
                "bom kept",
                "\u{feff}---\nlast_contact: 2020-01-01\n---\n",
                "\u{feff}---\nlast_contact: 2026-11-26\n---\n",
            ),
            (
                "body thematic break untouched",
                "---\nname: A\n---\ntext\n---\nlast_contact: no\n",
                "---\nname: A\nlast_contact: 2026-11-26\n---\ntext\n---\nlast_contact: no\n",
            ),
        ];
        for (case, before, after) in rows {
            assert_eq!(
                set(before, "last_contact", D).as_deref(),
                Ok(*after),
                "{case}"
            );
        }
    }

    #[test]
    fn refusals() {
        let rows: &[(&str, &str)] = &[
            ("unclosed", "---\nname: A\n"),
            ("bad yaml", "---\nname: [A\n---\n"),
            ("not a mapping", "---\n- a\n- b\n---\n"),
            ("flow value", "---\nlast_contact: [2020-01-01]\n---\n"),
            ("block value", "---\nlast_contact: |\n  2020-01-01\n---\n"),
            (
                "multi-line plain value",
                "---\nlast_contact: 2020-01-01\n  and more\n---\n",
            ),
            (
                "duplicate key",
                "---\nlast_contact: 1\nlast_contact: 2\n---\n",
            ),
        ];
        for (case, text) in rows {
            assert!(set(text, "last_contact", D).is_err(), "{case}");
        }
        assert_eq!(set("---\nx: 1\n", "k", "v"), Err(EditError::Unclosed));
        assert!(matches!(
            validate("---\nname: [A\n---\n"),
            Err(EditError::Yaml { .. })
        ));
        assert_eq!(validate("no front matter"), Ok(()));
    }

    #[test]
    fn get_table() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            (
                "plain",
                "---\nlast_contact: 2026-10-12 # c\n---\n",
                Some("2026-10-12"),
            ),
            (
                "quoted",
                "---\nlast_contact: \"2026-10-12\"\n---\n",
                Some("2026-10-12"),
            ),
            ("empty", "---\nlast_contact:\n---\n", Some("")),
            ("null", "---\nlast_contact: null\n---\n", Some("")),
            ("absent", "---\nname: A\n---\n", None),
            ("no front matter", "text", None),
            (
                "bad value kept as text",
                "---\nlast_contact: in May\n---\n",
                Some("in May"),
            ),
        ];
        for (case, text, want) in rows {
            assert_eq!(
                get(text, "last_contact").ok().flatten().as_deref(),
                *want,
                "{case}"
            );
        }
    }

    #[test]
    fn scalars_read_back() {
        for s in [
            "Anna Schmidt",
            "Jürgen Müller",
            "O'Brien",
            "true",
            "no",
            "1985",
            "3.5",
            "null",
            "~",
            "a: b",
            "#tag",
            "- x",
            "[x]",
            "x # y",
            "say \"hi\"",
            "back\\slash",
            " padded ",
            "*star",
            "@at",
            "",
        ] {
            let y = yaml_scalar(s);
            let v: serde_norway::Value =
                serde_norway::from_str(&format!("k: {y}")).expect("parses");
            assert_eq!(v["k"].as_str(), Some(s), "{s:?} as {y}");
        }
        assert_eq!(yaml_scalar("Anna Schmidt"), "Anna Schmidt");
        assert_eq!(yaml_scalar("true"), "\"true\"");
    }
    #[test]
    fn set_list_table() {
        let items = vec!["a@x.de".to_string(), "b: c".to_string()];
        let rows: &[(&str, &str, &str)] = &[
            (
                "flow list replaced",
                "---\nname: A\nemail: [old@x.de]\nrole: r\n---\nbody\n",
                "---\nname: A\nemail: [\"a@x.de\", \"b: c\"]\nrole: r\n---\nbody\n",
            ),
            (
                "block list replaced",
                "---\nemail:\n  - old@x.de\n  - o2\nrole: r\n---\n",
                "---\nemail: [\"a@x.de\", \"b: c\"]\nrole: r\n---\n",
            ),
            (
                "dash list at the key's indentation",
                "---\nemail:\n- old\n# c\nrole: r\n---\n",
                "---\nemail: [\"a@x.de\", \"b: c\"]\n# c\nrole: r\n---\n",
            ),
            (
                "scalar replaced, crlf kept",
                "---\r\nemail: old@x.de\r\n---\r\n",
                "---\r\nemail: [\"a@x.de\", \"b: c\"]\r\n---\r\n",
            ),
            (
                "missing key inserted",
                "---\nname: A\n---\n",
                "---\nname: A\nemail: [\"a@x.de\", \"b: c\"]\n---\n",
            ),
        ];
        for (case, before, after) in rows {
            assert_eq!(
                set_list(before, "email", &items).as_deref(),
                Ok(*after),
                "{case}"
            );
        }
    }
}
