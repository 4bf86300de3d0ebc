//! `import FILE|DIR... [--dry-run] [--format F] [--tag T]` and
//! `export vcard [--out DIR] [--version V]`: the I/O around `crate::import`
//! (read the sources and the notes, carry out the plan through the editor,
//! print it).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use anyhow::{anyhow, bail};
use serde::Serialize;
use serde_json::Value;

use crate::cli::Ctx;
use crate::cli::args::{ImportArgs, ImportFormat};
use crate::cli::exit::Exit;
use crate::cli::render::{Bar, DIM, YELLOW};
use crate::dotdir::DOT;
use crate::edit::atomic::{Editor, no_hook, overwrite};
use crate::edit::frontmatter::validate;
use crate::edit::template::{NewContact, render};
use crate::edit::{EditError, edit_note};
use crate::import::plan::{Action, Entry, Existing, State, existing, next_state, plan, write_key};
use crate::import::vcard_out::{Version, card, derived_uid, file_name};
use crate::import::{Format, Parsed, VCARD_UID, parse, read_inputs};
use crate::index::SyncMode;
use crate::index::engine::sync::Progress;
use crate::session::Session;
use crate::vault::lookup;
use crate::vault::note::Note;

/// What the last imports wrote (see `import::plan::State`), beside the config.
const STATE: &str = "import-state.json";

/// The plan as JSON and as the human summary counts it.
#[derive(Serialize)]
struct Report<'a> {
    dry_run: bool,
    summary: Summary,
    contacts: &'a [Entry],
}

#[derive(Serialize, Default)]
struct Summary {
    created: usize,
    updated: usize,
    unchanged: usize,
    ambiguous: usize,
    skipped: usize,
    photos_left_out: usize,
}

fn read_state(root: &Path) -> anyhow::Result<State> {
    let p = root.join(DOT).join(STATE);
    match fs::read(&p) {
        Ok(b) => serde_json::from_slice(&b).map_err(|e| {
            anyhow!("{DOT}/{STATE}: not what rapport wrote ({e}); remove it to start afresh")
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::new()),
        Err(e) => bail!("{DOT}/{STATE}: {e}"),
    }
}

/// Every contact note with its front-matter values (read from the file).
fn contacts(s: &Session, notes: &[Note]) -> anyhow::Result<Vec<Existing>> {
    let mut out = Vec::new();
    for n in notes.iter().filter(|n| n.is_contact) {
        let text = fs::read(s.root.join(&n.path)).map_err(|e| anyhow!("{}: {e}", n.path))?;
        let text = String::from_utf8_lossy(&text);
        out.push(existing(n, &text));
    }
    Ok(out)
}

/// A new note's text: the template filled in, then each value set.
fn new_note(template: &str, e: &Entry, today: jiff::civil::Date) -> Result<String, EditError> {
    let mut text = render(
        template,
        &NewContact {
            name: e.name.clone(),
            field: None,
            interests: vec![],
            tags: vec![],
            cadence: None,
            today,
        },
    );
    for (k, v) in &e.values {
        if *k != "name" {
            text = write_key(&text, k, v)?;
        }
    }
    if let Some(note) = &e.note {
        if !text.ends_with('\n') {
            text.push('\n');
        }
        // quoted, so a line of it cannot pass for a heading, log entry or open item
        text.push_str("\n## Imported notes\n\n");
        for l in note.lines() {
            text.push_str(if l.trim().is_empty() { ">" } else { "> " });
            text.push_str(l.trim_end());
            text.push('\n');
        }
    }
    validate(&text)?;
    Ok(text)
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(show_value).collect();
            format!("[{}]", parts.join(", "))
        }
        v => v.to_string(),
    }
}

pub fn run(ctx: &mut Ctx, a: ImportArgs) -> anyhow::Result<Exit> {
    let ImportArgs {
        paths,
        dry_run,
        format,
        tags,
    } = a;
    let (paths, tags) = (paths.as_slice(), tags.as_slice());
    let format = format.map(|f| match f {
        ImportFormat::Vcard => Format::Vcard,
        ImportFormat::Google => Format::Google,
        ImportFormat::Linkedin => Format::Linkedin,
    });
    let mut parsed = Parsed::default();
    for input in read_inputs(paths)? {
        parsed.extend(parse(&input, format)?);
    }
    for c in &mut parsed.contacts {
        for t in tags {
            c.add("tags", t.trim().trim_start_matches('#'));
        }
    }
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let existing = contacts(&s, &notes)?;
    let dir = s.config.people_folder()?;
    let root = s.root.clone();
    let new_path = |name: &str| -> Option<String> {
        let rel = lookup::new_note_path(&dir, name).ok()?;
        if fs::symlink_metadata(root.join(&rel)).is_err() {
            return Some(rel);
        }
        // a file that is not a contact note has the name: number the new one
        let stem = rel.strip_suffix(".md").unwrap_or(&rel);
        (2..100)
            .map(|i| format!("{stem}-{i}.md"))
            .find(|r| fs::symlink_metadata(root.join(r)).is_err())
    };
    let state = read_state(&s.root)?;
    let mut entries = plan(&parsed.contacts, &existing, &state, &new_path);
    entries.extend(parsed.skipped.iter().map(Entry::skipped));
    if !dry_run {
        carry_out(ctx, &s, &mut entries)?;
        let new_state = next_state(state.clone(), &entries);
        if new_state != state {
            let p = s.root.join(DOT).join(STATE);
            let bytes = serde_json::to_vec_pretty(&new_state)?;
            overwrite(&p, &bytes, &format!("{DOT}/{STATE}"))?;
        }
    }
    let mut sum = Summary {
        photos_left_out: parsed.photos,
        ..Summary::default()
    };
    for e in &entries {
        match e.action {
            Action::Create => sum.created += 1,
            Action::Update => sum.updated += 1,
            Action::Unchanged => sum.unchanged += 1,
            Action::Ambiguous => sum.ambiguous += 1,
            Action::Skip => sum.skipped += 1,
        }
    }
    if ctx.out.json {
        ctx.out.json(&Report {
            dry_run,
            summary: sum,
            contacts: &entries,
        });
        return Ok(Exit::Ok);
    }
    print_plan(ctx, &entries, &sum, dry_run);
    Ok(Exit::Ok)
}

/// Write each created or updated note through the editor; a note that
/// cannot be written becomes a skip with the reason (the others go on).
fn carry_out(ctx: &Ctx, s: &Session, entries: &mut [Entry]) -> anyhow::Result<()> {
    let writes = entries
        .iter()
        .filter(|e| matches!(e.action, Action::Create | Action::Update))
        .count();
    if writes == 0 {
        return Ok(());
    }
    let (template, from) = crate::session::load_template(&s.root)?;
    let editor = Editor::open(&s.root)?;
    let bar = Bar::labelled(
        !ctx.global.quiet && !ctx.global.json && writes >= 200,
        "importing",
        "notes",
    );
    bar.start(writes);
    for e in entries.iter_mut() {
        let Some(rel) = e.path.clone() else { continue };
        let path = s.root.join(&rel);
        let done: anyhow::Result<()> = match e.action {
            Action::Create => (|| {
                let text = new_note(&template, e, s.today())
                    .map_err(|err| anyhow!("{from}: after filling in: {err}"))?;
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(|err| anyhow!("{rel}: {err}"))?;
                }
                editor.create(&path, text.as_bytes(), &rel, &mut no_hook)?;
                Ok(())
            })(),
            Action::Update => {
                let changes = e.changes.clone();
                edit_note(
                    &editor,
                    &path,
                    &rel,
                    |text| {
                        let mut out = text.to_string();
                        for c in &changes {
                            out = write_key(&out, &c.key, &c.write)?;
                        }
                        Ok((out, ()))
                    },
                    &mut no_hook,
                )
                .map_err(anyhow::Error::from)
            }
            _ => continue,
        };
        bar.inc();
        if let Err(err) = done {
            e.action = Action::Skip;
            e.why = Some(crate::cli::one_line(&err));
            e.changes.clear();
        }
    }
    bar.finish();
    Ok(())
}

/// The plan as lines: each entry's action (and, for an update, its
/// changes; for a matched note, the values it keeps), then the summary.
fn print_plan(ctx: &mut Ctx, entries: &[Entry], sum: &Summary, dry_run: bool) {
    for e in entries {
        print_entry(ctx, e);
        if matches!(e.action, Action::Update | Action::Unchanged) && !ctx.out.quiet {
            print_kept(ctx, e);
        }
    }
    if !ctx.out.quiet {
        print_summary(ctx, sum, dry_run);
    }
}

/// One entry's line: what is created, updated, ambiguous or skipped
/// (an unchanged note says nothing).
fn print_entry(ctx: &mut Ctx, e: &Entry) {
    let path = e.path.as_deref().unwrap_or("");
    let why = e.why.as_deref().unwrap_or("");
    match e.action {
        Action::Create => {
            let keys: Vec<&str> = e.changes.iter().map(|c| c.key.as_str()).collect();
            let line = format!(
                "create     {path}  {} ({})  {}",
                e.name,
                e.source,
                ctx.out.styled(DIM, &keys.join(", "))
            );
            ctx.out.line(line);
        }
        Action::Update => {
            ctx.out.line(format!(
                "update     {path}  {} ({}, by {})",
                e.name,
                e.source,
                e.matched_by.unwrap_or("")
            ));
            for c in &e.changes {
                ctx.out.line(format!(
                    "             {}: {} -> {}",
                    c.key,
                    show_value(&c.from),
                    show_value(&c.to)
                ));
            }
        }
        Action::Unchanged => {}
        Action::Ambiguous => {
            let candidates = if e.candidates.is_empty() {
                String::new()
            } else {
                format!(": {}", e.candidates.join(", "))
            };
            let line = format!("ambiguous  {} ({}): {why}{candidates}", e.name, e.source);
            let line = ctx.out.styled(YELLOW, &line);
            ctx.out.line(line);
        }
        Action::Skip => {
            let line = format!("skip       {}: {why}", e.source);
            let line = ctx.out.styled(YELLOW, &line);
            ctx.out.line(line);
        }
    }
}

/// The values a matched note keeps against the source, one line each.
fn print_kept(ctx: &mut Ctx, e: &Entry) {
    let path = e.path.as_deref().unwrap_or("");
    for k in &e.kept {
        let line = format!(
            "kept       {path}: {} stays {} (the source says {})",
            k.key,
            show_value(&k.note),
            show_value(&k.source)
        );
        let line = ctx.out.styled(DIM, &line);
        ctx.out.line(line);
    }
}

/// The counts of each action, the photos left out, and whether it was a dry run.
fn print_summary(ctx: &mut Ctx, sum: &Summary, dry_run: bool) {
    let mut line = format!(
        "{} created, {} updated, {} unchanged, {} ambiguous, {} skipped",
        sum.created, sum.updated, sum.unchanged, sum.ambiguous, sum.skipped
    );
    if sum.photos_left_out > 0 {
        line.push_str(&format!("; {} photos left out", sum.photos_left_out));
    }
    if dry_run {
        line.push_str(" (dry run: nothing written)");
    }
    ctx.out.line(line);
}

/// `export vcard`: every active contact as a vCard.
pub fn export_vcard(ctx: &mut Ctx, out: Option<&Path>, version: &str) -> anyhow::Result<Exit> {
    let v = if version == "3.0" {
        Version::V3
    } else {
        Version::V4
    };
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    let active: Vec<Note> = notes
        .into_iter()
        .filter(|n| n.is_contact && !n.facts.is_inactive())
        .collect();
    let people = contacts(&s, &active)?;
    let cards: Vec<(String, String)> = people
        .iter()
        .map(|p| {
            let uid = p
                .values
                .get(VCARD_UID)
                .and_then(|u| u.first())
                .cloned()
                .unwrap_or_else(|| derived_uid(&p.path));
            let text = card(&p.name, &uid, &p.values, v);
            (uid, text)
        })
        .collect();
    match out {
        None => {
            if ctx.out.json {
                let list: Vec<Value> = people
                    .iter()
                    .zip(&cards)
                    .map(|(p, (uid, _))| serde_json::json!({"path": p.path, "uid": uid}))
                    .collect();
                ctx.out
                    .json(&serde_json::json!({"version": version, "contacts": list}));
            } else {
                let all: String = cards.iter().map(|(_, t)| t.as_str()).collect();
                ctx.out.raw(&all);
            }
        }
        Some(dir) => {
            fs::create_dir_all(dir).map_err(|e| anyhow!("{}: {e}", dir.display()))?;
            let mut files: BTreeMap<String, &str> = BTreeMap::new();
            for (p, (uid, text)) in people.iter().zip(&cards) {
                let name = file_name(uid);
                if files.insert(name.clone(), &p.path).is_some() {
                    bail!("{}: its vcard_uid {uid:?} is another contact's too", p.path);
                }
                let path = dir.join(&name);
                overwrite(&path, text.as_bytes(), &path.display().to_string())?;
            }
            if ctx.out.json {
                let list: Vec<Value> = files
                    .iter()
                    .map(|(f, p)| serde_json::json!({"path": p, "file": f}))
                    .collect();
                ctx.out.json(&serde_json::json!({"version": version, "dir": dir.display().to_string(), "contacts": list}));
            } else if !ctx.out.quiet {
                ctx.out.line(format!(
                    "{} contacts written to {}",
                    files.len(),
                    dir.display()
                ));
            }
        }
    }
    Ok(Exit::Ok)
}
