//! The front matter, merged key by key. Each side's YAML lines are cut into
//! top-level keys (the key line and its continuation lines) and the lines
//! between them (comments, blank lines). A key's lines are merged three-way
//! on their own, so that two sides changing two neighbouring keys do not
//! conflict; `last_contact` and `next_contact` follow the contact rules; the
//! order of keys and comments is merged three-way as a sequence. Pure.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;

use crate::edit::indent_of;
use crate::merge::Piece;
use crate::merge::diff3::{Chunk, diff3};
use crate::vault::cadence::parse_date;

/// One side's front matter: the whole note (to read values back with
/// `edit::frontmatter::get`) and its YAML lines without line endings.
#[derive(Debug, Clone)]
pub struct FrontSide<'a> {
    pub text: &'a str,
    pub yaml: &'a str,
    pub lines: Vec<&'a str>,
}

/// A top-level key with its lines, or a line between keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Tok<'a> {
    Key(String, Vec<&'a str>),
    Other(&'a str),
}

/// What the layout merge compares: keys by name, other lines by text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Ident<'t, 'a> {
    Key(&'t str),
    Other(&'a str),
}

fn ident<'t, 'a>(t: &'t Tok<'a>) -> Ident<'t, 'a> {
    match t {
        Tok::Key(k, _) => Ident::Key(k),
        Tok::Other(l) => Ident::Other(l),
    }
}

fn blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// The key of a top-level line `key: value` (bare, `"quoted"` or `'quoted'`).
fn key_name(rest: &str) -> Option<String> {
    let (name, after) = if let Some(q) = rest.strip_prefix(['"', '\'']) {
        let quote = &rest[..1];
        let end = q.find(quote)?;
        (
            q[..end].to_string(),
            q[end + 1..].trim_start_matches([' ', '\t']),
        )
    } else {
        if rest.starts_with([
            '-', '?', '[', '{', '&', '*', '!', '|', '>', '%', '@', '`', ':',
        ]) {
            return None;
        }
        let colon = rest
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|&i| rest[i + 1..].is_empty() || rest[i + 1..].starts_with([' ', '\t']))?;
        (rest[..colon].trim_end().to_string(), &rest[colon..])
    };
    let v = after.strip_prefix(':')?;
    (v.is_empty() || v.starts_with([' ', '\t'])).then_some(name)
}

/// The top-level keys of the YAML as the parser sees them, as text.
fn yaml_keys(yaml: &str) -> Option<BTreeSet<String>> {
    use serde_norway::Value;
    match serde_norway::from_str::<Value>(yaml).ok()? {
        Value::Null => Some(BTreeSet::new()),
        Value::Mapping(m) => m
            .keys()
            .map(|k| match k {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// Cut the YAML lines into tokens; `None` when the lines do not read as one
/// key per top-level line (the caller then merges them as plain lines).
fn tokens<'a>(side: &FrontSide<'a>) -> Option<Vec<Tok<'a>>> {
    let ls = &side.lines;
    let indent = ls
        .iter()
        .find(|l| !blank_or_comment(l))
        .map_or("", |l| indent_of(l));
    let continues = |l: &str| {
        indent_of(l).len() > indent.len()
            || l.get(indent.len()..)
                .is_some_and(|r| r == "-" || r.starts_with("- ") || r.starts_with("-\t"))
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let l = ls[i];
        if blank_or_comment(l) {
            out.push(Tok::Other(l));
            i += 1;
            continue;
        }
        let rest = l.strip_prefix(indent)?;
        if rest.starts_with([' ', '\t']) {
            return None;
        }
        let name = key_name(rest)?;
        let mut j = i + 1;
        // comments and blank lines belong to the key when its value goes on after them
        while let Some(k) = (j..ls.len()).find(|&k| !blank_or_comment(ls[k]))
            && continues(ls[k])
        {
            j = k + 1;
        }
        out.push(Tok::Key(name, ls[i..j].to_vec()));
        i = j;
    }
    let mut seen = BTreeSet::new();
    for t in &out {
        if let Tok::Key(k, _) = t
            && !seen.insert(k.clone())
        {
            return None;
        }
    }
    (yaml_keys(side.yaml)? == seen).then_some(out)
}

/// A date key's value on one side: `None` when it cannot be read (the rule
/// cannot decide), `Some(None)` when absent or empty.
fn date_of(text: &str, key: &str) -> Option<Option<Date>> {
    match crate::edit::frontmatter::get(text, key).ok()? {
        None => Some(None),
        Some(v) if v.trim().is_empty() => Some(None),
        Some(v) => parse_date(v.trim()).ok().map(Some),
    }
}

/// The merged value of one key.
enum Value<'a> {
    Lines(Vec<&'a str>),
    Gone,
    Conflict(Vec<&'a str>, Vec<&'a str>),
}

/// Which side wins for a key both sides changed, by the contact rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pick {
    Ours,
    Theirs,
}

fn rule(key: &str, ours: &FrontSide<'_>, theirs: &FrontSide<'_>) -> Option<Pick> {
    let later = |a: Option<Date>, b: Option<Date>| if a >= b { Pick::Ours } else { Pick::Theirs };
    match key {
        "last_contact" => Some(later(date_of(ours.text, key)?, date_of(theirs.text, key)?)),
        "next_contact" => {
            let (lo, lt) = (
                date_of(ours.text, "last_contact")?,
                date_of(theirs.text, "last_contact")?,
            );
            if lo != lt {
                return Some(later(lo, lt));
            }
            // the same last contact: the earlier plan (a plan over none)
            match (date_of(ours.text, key)?, date_of(theirs.text, key)?) {
                (Some(a), Some(b)) => Some(if a <= b { Pick::Ours } else { Pick::Theirs }),
                (Some(_), None) | (None, None) => Some(Pick::Ours),
                (None, Some(_)) => Some(Pick::Theirs),
            }
        }
        _ => None,
    }
}

fn value<'a>(
    key: &str,
    b: Option<&Vec<&'a str>>,
    o: Option<&Vec<&'a str>>,
    t: Option<&Vec<&'a str>>,
    sides: (&FrontSide<'_>, &FrontSide<'_>),
) -> Value<'a> {
    let take = |v: Option<&Vec<&'a str>>| v.map_or(Value::Gone, |v| Value::Lines(v.clone()));
    if o == t || t == b {
        return take(o);
    }
    if o == b {
        return take(t);
    }
    if let (Some(o), Some(t)) = (o, t)
        && same_value(o, t)
    {
        return Value::Lines(o.clone());
    }
    match rule(key, sides.0, sides.1) {
        Some(Pick::Ours) => take(o),
        Some(Pick::Theirs) => take(t),
        None => Value::Conflict(
            o.cloned().unwrap_or_default(),
            t.cloned().unwrap_or_default(),
        ),
    }
}

/// Do two spellings of a key (`company: "Acme"`, `company: Acme # c`) say the same?
fn same_value(a: &[&str], b: &[&str]) -> bool {
    let read = |ls: &[&str]| serde_norway::from_str::<serde_norway::Value>(&ls.join("\n")).ok();
    matches!((read(a), read(b)), (Some(x), Some(y)) if x == y)
}

/// How often `x` occurs in `s`.
fn count<T: PartialEq>(s: &[T], x: &T) -> usize {
    s.iter().filter(|y| *y == x).count()
}

/// A side's keys and their value lines.
type KeyMap<'a> = BTreeMap<String, Vec<&'a str>>;

fn key_map<'a>(ts: &[Tok<'a>]) -> KeyMap<'a> {
    ts.iter()
        .filter_map(|t| match t {
            Tok::Key(k, v) => Some((k.clone(), v.clone())),
            Tok::Other(_) => None,
        })
        .collect()
}

/// The merged value of every key any side has, three-way per key.
fn key_values<'m, 'a>(
    [bm, om, tm]: [&'m KeyMap<'a>; 3],
    sides: (&FrontSide<'a>, &FrontSide<'a>),
) -> BTreeMap<&'m str, Value<'a>> {
    let mut values = BTreeMap::new();
    for k in om.keys().chain(tm.keys()).chain(bm.keys()) {
        if !values.contains_key(k.as_str()) {
            let v = value(k, bm.get(k), om.get(k), tm.get(k), sides);
            values.insert(k.as_str(), v);
        }
    }
    values
}

/// Where both sides moved lines around the same place: ours, less the
/// other lines theirs removed, plus the lines and keys only theirs added.
fn resolve_layout<'t, 'a>(
    base: &[Ident<'t, 'a>],
    ours: &[Ident<'t, 'a>],
    theirs: &[Ident<'t, 'a>],
) -> Vec<Ident<'t, 'a>> {
    let mut res = ours.to_vec();
    for x in base {
        if matches!(x, Ident::Other(_))
            && count(theirs, x) < count(base, x)
            && let Some(p) = res.iter().position(|y| y == x)
        {
            res.remove(p);
        }
    }
    for x in theirs {
        if !base.contains(x) && !res.contains(x) {
            res.push(*x);
        }
    }
    res
}

/// The merged order of keys and other lines (comments, blanks), each key
/// once.
fn layout<'t, 'a>(bt: &'t [Tok<'a>], ot: &'t [Tok<'a>], tt: &'t [Tok<'a>]) -> Vec<Ident<'t, 'a>> {
    let idents = |ts: &'t [Tok<'a>]| ts.iter().map(ident).collect::<Vec<_>>();
    let (bi, oi, ti) = (idents(bt), idents(ot), idents(tt));
    let mut layout: Vec<Ident<'t, 'a>> = Vec::new();
    for chunk in diff3(&bi, &oi, &ti) {
        match chunk {
            Chunk::Stable(s) | Chunk::Resolved(s) => layout.extend_from_slice(s),
            Chunk::Conflict { base, ours, theirs } => {
                layout.extend(resolve_layout(base, ours, theirs));
            }
        }
    }
    let mut placed = BTreeSet::new();
    layout.retain(|x| match x {
        Ident::Key(k) => placed.insert(*k),
        Ident::Other(_) => true,
    });
    layout
}

/// Merge the front matter of the three sides (`base` is `None` for a note
/// that both sides added) into `out`.
pub fn merge<'a>(
    base: Option<&FrontSide<'a>>,
    ours: &FrontSide<'a>,
    theirs: &FrontSide<'a>,
    out: &mut Vec<Piece<'a>>,
) {
    let bt = match base {
        Some(b) => tokens(b),
        None => Some(Vec::new()),
    };
    let (Some(bt), Some(ot), Some(tt)) = (bt, tokens(ours), tokens(theirs)) else {
        let empty = Vec::new();
        let bl = base.map_or(&empty, |b| &b.lines);
        crate::merge::merge_str_lines(bl, &ours.lines, &theirs.lines, out);
        return;
    };
    let (bm, om, tm) = (key_map(&bt), key_map(&ot), key_map(&tt));
    let mut values = key_values([&bm, &om, &tm], (ours, theirs));
    let mut layout = layout(&bt, &ot, &tt);
    // a key the layout lost (moved on both sides) goes last
    let missing: Vec<&str> = values
        .keys()
        .copied()
        .filter(|k| !layout.contains(&Ident::Key(k)))
        .collect();
    layout.extend(missing.into_iter().map(Ident::Key));
    for x in layout {
        match x {
            Ident::Other(l) => out.push(Piece::Line(l)),
            Ident::Key(k) => match values.remove(k) {
                Some(Value::Lines(ls)) => out.extend(ls.into_iter().map(Piece::Line)),
                Some(Value::Conflict(o, t)) => out.push(Piece::Conflict(o, t)),
                Some(Value::Gone) | None => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{FrontSide, key_name, tokens};

    fn side(yaml: &str) -> FrontSide<'_> {
        FrontSide {
            text: "",
            yaml,
            lines: yaml.lines().collect(),
        }
    }

    #[test]
    fn key_names() {
        let rows: &[(&str, Option<&str>)] = &[
            ("name: A", Some("name")),
            ("name:", Some("name")),
            ("last_contact :  2026-01-01 # c", Some("last_contact")),
            ("\"quoted key\": 1", Some("quoted key")),
            ("'it''s': 1", None),
            ("url: http://x.org/a:b", Some("url")),
            ("http://x: y", Some("http://x")),
            ("- item", None),
            ("? complex", None),
            ("novalue", None),
        ];
        for (line, want) in rows {
            assert_eq!(key_name(line).as_deref(), *want, "{line}");
        }
    }

    #[test]
    fn tokens_group_continuations() {
        let s = side(
            "# head comment\nname: A\ntags:\n  - a\n  # about b\n  - b\n\nlist:\n- x\n- y\nnotes: |\n  line\n\n  more\n# tail\n",
        );
        let t = tokens(&s).expect("tokens");
        let shape: Vec<(String, usize)> = t
            .iter()
            .map(|t| match t {
                super::Tok::Key(k, v) => (k.clone(), v.len()),
                super::Tok::Other(l) => (format!("other {l}"), 1),
            })
            .collect();
        let want: Vec<(String, usize)> = vec![
            ("other # head comment".into(), 1),
            ("name".into(), 1),
            ("tags".into(), 4),
            ("other ".into(), 1),
            ("list".into(), 3),
            ("notes".into(), 4),
            ("other # tail".into(), 1),
        ];
        assert_eq!(shape, want);
        // a line the parser reads differently: give up
        assert_eq!(tokens(&side("a: 1\nb: 2\n")).map(|t| t.len()), Some(2));
        assert!(tokens(&side("? a\n: 1\n")).is_none());
    }
}
