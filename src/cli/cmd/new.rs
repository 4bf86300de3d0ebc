//! `new NAME [--field F] [--interest I]... [--tag T]... [--cadence SPAN] [--edit]`:
//! create `<people_dir>/<slug>.md` from the template and print its path.

use std::fs;
use std::path::Path;
use std::process::Command;

use anyhow::{anyhow, bail};
use serde_json::json;

use crate::cli::Ctx;
use crate::cli::args::NewArgs;
use crate::cli::exit::Exit;
use crate::edit::atomic::{Editor, no_hook};
use crate::edit::frontmatter::validate;
use crate::edit::template::{NewContact, render};
use crate::index::SyncMode;
use crate::vault::lookup;

fn clean_list(v: &[String], strip_hash: bool) -> Vec<String> {
    v.iter()
        .map(|s| {
            let s = s.trim();
            if strip_hash {
                s.trim_start_matches('#').trim()
            } else {
                s
            }
        })
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Run `$VISUAL` or `$EDITOR` on `path` through the shell (so `code --wait` works).
fn open_editor(path: &Path) -> anyhow::Result<()> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
    let editor = var("VISUAL")
        .or_else(|| var("EDITOR"))
        .ok_or_else(|| anyhow!("--edit: set $VISUAL or $EDITOR"))?;
    #[cfg(unix)]
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status();
    #[cfg(not(unix))]
    let status = Command::new("cmd")
        .arg("/C")
        .arg(&editor)
        .arg(path)
        .status();
    let status = status.map_err(|e| anyhow!("--edit: cannot run {editor:?}: {e}"))?;
    if !status.success() {
        bail!("--edit: {editor:?} exited with {status}");
    }
    Ok(())
}

pub fn run(ctx: &mut Ctx, a: NewArgs) -> anyhow::Result<Exit> {
    let a = &a;
    let name = lookup::new_name(&a.name)?;
    let s = ctx.session(SyncMode::Sync)?;
    lookup::check_free(&s.notes()?, &name)?;
    let dir = s.config.people_folder()?;
    let rel = lookup::new_note_path(&dir, &name)?;
    let path = s.root.join(&rel);
    if fs::symlink_metadata(&path).is_ok() {
        bail!("{rel}: already exists; nothing written");
    }
    let (template, from) = crate::session::load_template(&s.root)?;
    let text = render(
        &template,
        &NewContact {
            name: name.clone(),
            field: a
                .field
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_string),
            interests: clean_list(&a.interests, false),
            tags: clean_list(&a.tags, true),
            cadence: a.cadence.map(|c| c.to_string()),
            today: s.today(),
        },
    );
    validate(&text).map_err(|e| anyhow!("{from}: after filling in: {e}"))?;
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| anyhow!("{dir}: {e}"))?;
    }
    Editor::open(&s.root)?.create(&path, text.as_bytes(), &rel, &mut no_hook)?;
    if !s.rules.is_note(&rel) && !ctx.global.quiet {
        crate::cli::render::say(&format!(
            "warning: {rel} is not a note under the vault's ignore rules"
        ));
    }
    if ctx.out.json {
        ctx.out.json(&json!({"path": rel, "name": name}));
    } else {
        ctx.out.line(&rel);
    }
    if a.edit {
        open_editor(&path)?;
    }
    Ok(Exit::Ok)
}
