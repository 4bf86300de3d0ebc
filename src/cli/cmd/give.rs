//! `give NAME... [TEXT] [--file ARTICLE]`, `got NAME TEXT`, `ledger [NAME]`:
//! the gives and gets in the log, written with the `log` editor.

use anyhow::{Context, anyhow, bail};
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::{GiveArgs, GotArgs, LedgerArgs};
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, DIM, GREEN, MAGENTA, YELLOW};
use crate::edit::atomic::{Editor, no_hook};
use crate::edit::{LogRequest, log_to_file};
use crate::index::SyncMode;
use crate::ledger::{article, ledger as accounts};
use crate::session::Session;
use crate::vault::note::Note;

/// Articles are read up to this size.
const MAX_ARTICLE: u64 = 4 << 20;

#[derive(Serialize)]
struct Written<'a> {
    path: &'a str,
    name: &'a str,
    line: usize,
    date: jiff::civil::Date,
    text: &'a str,
}

/// Write one `gave:`/`got:` entry to each note, all or none resolved first.
fn write(
    ctx: &mut Ctx,
    s: &Session,
    targets: &[&Note],
    text: &str,
    date: Option<jiff::civil::Date>,
) -> anyhow::Result<Exit> {
    let date = date.unwrap_or(s.today());
    let editor = Editor::open(&s.root)?;
    let mut done = Vec::new();
    for n in targets {
        let req = LogRequest {
            date,
            text: text.to_string(),
            next: None,
            today: s.today(),
        };
        let out = log_to_file(&editor, &s.root.join(&n.path), &n.path, &req, &mut no_hook)?;
        done.push((n, out.line));
    }
    drop(editor);
    if ctx.out.json {
        let v: Vec<Written<'_>> = done
            .iter()
            .map(|(n, line)| Written {
                path: &n.path,
                name: &n.name,
                line: *line,
                date,
                text,
            })
            .collect();
        ctx.out.json(&serde_json::json!({ "written": v }));
    } else {
        for (n, _) in &done {
            ctx.out
                .line(format!("{date} {text}  → {} ({})", n.name, n.path));
        }
    }
    Ok(Exit::Ok)
}

pub fn give(ctx: &mut Ctx, a: GiveArgs) -> anyhow::Result<Exit> {
    let GiveArgs { words, file, date } = a;
    let words = words.as_slice();
    let file = file.as_deref();
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let (names, text): (&[String], Option<&str>) = match (file, words) {
        (None, [] | [_]) => {
            bail!("give: say what you gave after the NAME (e.g. give anna \"book Getting to Yes\")")
        }
        (None, [names @ .., last]) => (names, Some(last.as_str())),
        (Some(_), [names @ .., last]) if s.resolve(&notes, last).is_err() && !names.is_empty() => {
            (names, Some(last.as_str()))
        }
        (Some(_), all) => (all, None),
    };
    let mut entry = String::from("gave: ");
    if let Some(p) = file {
        let shown = p.display().to_string();
        let mut raw = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::fs::File::open(p).with_context(|| shown.clone())?,
                MAX_ARTICLE,
            ),
            &mut raw,
        )
        .with_context(|| shown.clone())?;
        let (title, url) = article(&String::from_utf8_lossy(&raw));
        if title.is_empty() && url.is_none() {
            bail!("{shown}: no title or URL to record");
        }
        entry.push_str(&format!("article \"{}\"", title.replace('"', "'")));
        if let Some(u) = url {
            entry.push_str(&format!(" {u}"));
        }
        if let Some(t) = text {
            entry.push_str(&format!(" ({})", t.trim()));
        }
    } else if let Some(t) = text {
        entry.push_str(t.trim());
    }
    let targets = names
        .iter()
        .map(|n| s.resolve(&notes, n).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<Vec<&Note>>>()?;
    write(ctx, &s, &targets, &entry, date)
}

pub fn got(ctx: &mut Ctx, a: GotArgs) -> anyhow::Result<Exit> {
    let GotArgs { name, text, date } = a;
    let name = name.as_str();
    let text = &text.join(" ");
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let n = s.resolve(&notes, name)?;
    if text.trim().is_empty() {
        bail!("got: say what you got");
    }
    write(ctx, &s, &[n], &format!("got: {}", text.trim()), date)
}

pub fn ledger(ctx: &mut Ctx, a: LedgerArgs) -> anyhow::Result<Exit> {
    let LedgerArgs { name, since } = a;
    let name = name.as_deref();
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let from = match since {
        Some(c) => Some(
            c.before(s.today())
                .ok_or_else(|| anyhow!("--since {c}: out of range"))?,
        ),
        None => None,
    };
    let mut list = accounts(&notes, from);
    if let Some(nm) = name {
        let n = s.resolve(&notes, nm)?;
        list.retain(|a| a.path == n.path);
    }
    let exit = if list.is_empty() {
        Exit::NothingFound
    } else {
        Exit::Ok
    };
    if ctx.out.json {
        ctx.out
            .json(&serde_json::json!({ "since": from, "accounts": list }));
        return Ok(exit);
    }
    if list.is_empty() && !ctx.out.quiet {
        ctx.out
            .line("Nothing given or got yet (log entries starting gave: or got:).");
    }
    let o = &mut ctx.out;
    for a in &list {
        let last = match a.last_gave {
            Some(d) => format!("last gave {d}"),
            None => "never gave".into(),
        };
        let bal = if a.balance < 0 { YELLOW } else { GREEN };
        o.line(format!(
            "{}  {}  gave {} · got {} · {}  {}",
            o.styled(BOLD, &a.name),
            o.styled(MAGENTA, &a.path),
            a.gave,
            a.got,
            o.styled(bal, &format!("balance {:+}", a.balance)),
            o.styled(DIM, &last)
        ));
        for x in a.exchanges.iter().rev() {
            o.line(format!("  {}  {}  {}", x.date, x.way.word(), x.text));
        }
    }
    Ok(exit)
}
