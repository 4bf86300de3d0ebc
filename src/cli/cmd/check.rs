//! `check`: every problem in the vault, as `path:line:col: severity[code]:
//! message` with the offending line and a caret; exit 1 when there are errors.

use serde::Serialize;

use crate::checks::{contacts_hint, vault_problems};
use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, Out, RED, YELLOW};
use crate::index::SyncMode;
use crate::vault::note::{Code, Problem, Severity};

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
    items.extend(
        vault_problems(&notes)
            .into_iter()
            .map(|f| item(&f.path, f.problem)),
    );
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
        print_item(o, i);
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

/// One problem: `path:line:col: severity[code]: message`, then the
/// offending line with a caret under the column when there is one.
fn print_item(o: &mut Out, i: &Item) {
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
