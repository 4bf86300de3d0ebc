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
use crate::vault::note::{Note, Problem, Severity};

#[derive(Serialize)]
struct Item {
    path: String,
    line: Option<usize>,
    column: Option<usize>,
    severity: Severity,
    code: String,
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
/// many more there are: each of k holders listing all k - 1 others made
/// `check` quadratic (100k notes: 286 MB of output, 1.37 GB of memory).
const DUPLICATES_LISTED: usize = 3;

/// The warning for holder `me` of `key`: up to [`DUPLICATES_LISTED`] of the
/// `others` other holders by path (from `first`, the group's first holders),
/// and how many are not listed.
fn duplicate_message(
    key: &str,
    notes: &[Note],
    first: &[usize],
    me: usize,
    others: usize,
) -> String {
    let listed: Vec<&str> = first
        .iter()
        .filter(|&&i| i != me)
        .take(DUPLICATES_LISTED)
        .map(|&i| notes[i].path.as_str())
        .collect();
    let mut msg = format!(
        "name or alias {:?} is also used by {}",
        excerpt(key),
        listed.join(", ")
    );
    if others > listed.len() {
        msg.push_str(&format!(" and {} more", others - listed.len()));
    }
    msg
}

/// Problems that need all notes at once: duplicate names, broken links.
fn vault_problems(notes: &[Note]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut owners: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, n) in notes.iter().enumerate().filter(|(_, n)| n.is_contact) {
        for k in std::iter::once(&n.name).chain(n.facts.aliases.iter()) {
            owners.entry(fold(k)).or_default().insert(i);
        }
    }
    for (key, set) in &owners {
        if set.len() < 2 {
            continue;
        }
        // the first few holders (in path order) are named; enough to cover
        // any one holder's others
        let first: Vec<usize> = set.iter().copied().take(DUPLICATES_LISTED + 1).collect();
        for &i in set {
            out.push(Item {
                path: notes[i].path.clone(),
                line: None,
                column: None,
                severity: Severity::Warning,
                code: "duplicate".into(),
                message: duplicate_message(key, notes, &first, i, set.len() - 1),
                source: None,
            });
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
                    code: "link".into(),
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
            "contacts",
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
            .then(a.code.cmp(&b.code))
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
