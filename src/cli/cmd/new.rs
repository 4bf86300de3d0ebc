//! `new NAME [--field F] [--interest I]... [--tag T]... [--cadence SPAN] [--edit]`:
//! create `<people_dir>/<slug>.md` from the template and print its path.

use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;

use anyhow::{anyhow, bail};
use serde_json::json;

use crate::cli::Ctx;
use crate::cli::exit::Exit;
use crate::edit::atomic::{Editor, no_hook};
use crate::edit::frontmatter::validate;
use crate::edit::template::{BUILTIN, NewContact, render};
use crate::index::SyncMode;
use crate::vault::cadence::Cadence;
use crate::vault::names::{same_name, slug};

/// What `new` was given.
pub struct NewArgs {
    pub name: String,
    pub field: Option<String>,
    pub interests: Vec<String>,
    pub tags: Vec<String>,
    pub cadence: Option<Cadence>,
    pub edit: bool,
}

const TEMPLATE: &str = ".rapport/template.md";

/// `people_dir` as a clean vault-relative folder ("" for the vault root).
pub(crate) fn people_dir(d: &str) -> anyhow::Result<String> {
    let d = d.trim().replace('\\', "/");
    let parts: Vec<&str> = d
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if d.starts_with('/') || Path::new(&d).is_absolute() || parts.contains(&"..") {
        bail!(".rapport/config.toml: people_dir {d:?} must be a folder inside the vault");
    }
    Ok(parts.join("/"))
}

/// A new contact's vault-relative path in `dir` (from [`people_dir`]):
/// `<dir>/<slug>.md`; `None` when the name gives no file name.
pub(crate) fn note_rel(dir: &str, name: &str) -> Option<String> {
    let file = slug(name);
    if file.is_empty() {
        return None;
    }
    Some(if dir.is_empty() {
        format!("{file}.md")
    } else {
        format!("{dir}/{file}.md")
    })
}

/// The vault's new-contact template and what it is called in errors.
pub(crate) fn load_template(root: &Path) -> anyhow::Result<(String, &'static str)> {
    match fs::read(root.join(TEMPLATE)) {
        Ok(b) => Ok((
            String::from_utf8(b).map_err(|_| anyhow!("{TEMPLATE}: not valid UTF-8"))?,
            TEMPLATE,
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok((BUILTIN.to_string(), "built-in template"))
        }
        Err(e) => bail!("{TEMPLATE}: {e}"),
    }
}

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

pub fn run(ctx: &mut Ctx, a: &NewArgs) -> anyhow::Result<Exit> {
    let name = a.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        bail!("new: the name is empty");
    }
    let s = ctx.session(SyncMode::Sync)?;
    let notes = s.notes()?;
    // any key that NAME would resolve to exactly: name, alias or file stem
    if let Some((n, key)) = notes.iter().filter(|n| n.is_contact).find_map(|n| {
        n.keys()
            .into_iter()
            .find(|k| same_name(k, &name))
            .map(|k| (n, k))
    }) {
        let what = if key == n.name {
            "named"
        } else if key == n.stem() {
            "with the file name"
        } else {
            "with the alias"
        };
        bail!("{}: a contact {what} {key:?} already exists", n.path);
    }
    let dir = people_dir(&s.config.people_dir)?;
    let Some(rel) = note_rel(&dir, &name) else {
        bail!("cannot make a file name from {name:?}: it has no letters a-z or digits");
    };
    let path = s.root.join(&rel);
    if fs::symlink_metadata(&path).is_ok() {
        bail!("{rel}: already exists; nothing written");
    }
    let (template, from) = load_template(&s.root)?;
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
        eprintln!("rapport: warning: {rel} is not a note under the vault's ignore rules");
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
