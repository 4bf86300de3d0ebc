//! `check`: every problem in the vault, as `path:line:col: severity[code]:
//! message` with the offending line and a caret; exit 1 when there are errors.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, RED, YELLOW};
use crate::index::SyncMode;
use crate::index::query::excerpt;
use crate::topics::LinkResolver;
use crate::vault::names::fold;
use crate::vault::note::{Code, Note, Problem, Severity};

#[derive(Serialize)]
struct Item {
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    severity: Severity,
    code: Code,
    message: String,
    #[serde(skip)]
    source: Option<String>,
}

#[derive(Serialize)]
struct Report {
    problems: Vec<Item>,
}

fn item(path: &str, p: Problem) -> Item {
    Item {
        path: path.to_string(),
        line: p.line,
        column: p.column,
        severity: p.severity,
        code: p.code,
        message: p.message,
        source: p.source,
    }
}

/// A duplicate warning names at most this many other holders, then says how
/// many more there are. One warning per group, on its first holder by path:
/// a warning on each of k holders made the output k lines (or, listing every
/// other holder, quadratic: 100k notes gave 286 MB of output, 1.37 GB of
/// memory).
const DUPLICATES_LISTED: usize = 10;

/// The holders of one folded name or alias: how many, and the first
/// `DUPLICATES_LISTED + 1` by path (the warning's holder and the others it
/// names). Memory per group is bounded whatever its size.
#[derive(Default)]
struct Holders {
    count: usize,
    first: Vec<usize>,
}

impl Holders {
    fn add(&mut self, notes: &[Note], i: usize) {
        self.count += 1;
        let path = notes[i].path.as_str();
        let at = self
            .first
            .partition_point(|&j| notes[j].path.as_str() <= path);
        if at <= DUPLICATES_LISTED {
            self.first.insert(at, i);
            self.first.truncate(DUPLICATES_LISTED + 1);
        }
    }
}

/// The warning for a group of holders of `key`: on the first holder by path,
/// naming up to [`DUPLICATES_LISTED`] others and how many are not listed.
fn duplicate_item(key: &str, notes: &[Note], h: &Holders) -> Option<Item> {
    let (&me, rest) = h.first.split_first()?;
    let others: Vec<&str> = rest.iter().map(|&i| notes[i].path.as_str()).collect();
    let total = h.count - 1;
    let mut message = format!(
        "name or alias {:?} is also used by {}",
        excerpt(key),
        others.join(", ")
    );
    if total > others.len() {
        message.push_str(&format!(" and {} more", total - others.len()));
    }
    Some(Item {
        path: notes[me].path.clone(),
        line: None,
        column: None,
        severity: Severity::Warning,
        code: Code::Duplicate,
        message,
        source: None,
    })
}

/// Problems that need all notes at once: duplicate names, broken links.
fn vault_problems(notes: &[Note]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut groups: BTreeMap<String, Holders> = BTreeMap::new();
    for (i, n) in notes.iter().enumerate().filter(|(_, n)| n.is_contact) {
        // a note whose name and alias fold alike holds the key once
        let keys: BTreeSet<String> = std::iter::once(&n.name)
            .chain(n.facts.aliases.iter())
            .map(|k| fold(k))
            .collect();
        for k in keys {
            groups.entry(k).or_default().add(notes, i);
        }
    }
    for (key, h) in &groups {
        if h.count >= 2 {
            out.extend(duplicate_item(key, notes, h));
        }
    }
    let resolver = LinkResolver::new(notes);
    for n in notes {
        for l in &n.links {
            if resolver.resolve(&l.target).is_empty() {
                out.push(Item {
                    path: n.path.clone(),
                    line: Some(l.line),
                    column: None,
                    severity: Severity::Warning,
                    code: Code::Link,
                    message: format!("{} matches no note's name, alias or file name", l.shown()),
                    source: None,
                });
            }
        }
    }
    out
}

/// A large vault where most notes count as contacts only because they have
/// front matter (an Obsidian vault's pages): say once how to choose.
fn contacts_hint(notes: &[Note], selective: bool) -> Option<Problem> {
    const LARGE: usize = 100;
    let contacts = notes.iter().filter(|n| n.is_contact).count();
    (!selective && notes.len() >= LARGE && contacts * 2 > notes.len()).then(|| {
        Problem::new(
            Severity::Warning,
            Code::Contacts,
            format!(
                "{contacts} of {} notes count as contacts because they have front matter; \
                 say which are in .rapport/config.toml, e.g. contacts = [\"people/\", \"tags:person\"]",
                notes.len()
            ),
        )
    })
}

pub fn run(ctx: &mut Ctx) -> anyhow::Result<Exit> {
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let mut items: Vec<Item> = Vec::new();
    for n in &notes {
        for p in &n.problems {
            items.push(item(&n.path, p.clone()));
        }
    }
    for sp in &s.scan_problems {
        items.push(item(&sp.rel, sp.problem.clone()));
    }
    items.extend(vault_problems(&notes));
    if let Some(p) = contacts_hint(&notes, s.reading.selective()) {
        items.push(item(".rapport/config.toml", p));
    }
    items.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then(a.line.cmp(&b.line))
            .then(a.code.as_str().cmp(b.code.as_str()))
    });
    let errors = items
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .count();
    let exit = if errors > 0 {
        Exit::NothingFound
    } else {
        Exit::Ok
    };
    if ctx.out.json {
        ctx.out.json(&Report { problems: items });
        return Ok(exit);
    }
    let o = &mut ctx.out;
    for i in &items {
        let loc = match (i.line, i.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", i.path),
            (Some(l), None) => format!("{}:{l}", i.path),
            _ => i.path.clone(),
        };
        let sev = match i.severity {
            Severity::Error => o.styled(RED, &format!("error[{}]", i.code)),
            Severity::Warning => o.styled(YELLOW, &format!("warning[{}]", i.code)),
        };
        o.line(format!("{}: {sev}: {}", o.styled(BOLD, &loc), i.message));
        if let (Some(src), Some(line)) = (&i.source, i.line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            o.line(format!(" {} {src}", o.styled(CYAN, &format!("{num} |"))));
            if let Some(col) = i.column {
                let caret_pad: String = src
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                o.line(format!(
                    " {} {caret_pad}{}",
                    o.styled(CYAN, &format!("{pad} |")),
                    o.styled(RED, "^")
                ));
            }
        }
    }
    if !o.quiet {
        let warnings = items.len() - errors;
        if items.is_empty() {
            o.line(format!("{} notes checked, no problems", notes.len()));
        } else {
            o.line(format!(
                "{} notes checked: {errors} errors, {warnings} warnings",
                notes.len()
            ));
        }
    }
    Ok(exit)
}
