//! `init [--no-git]`: set up a vault. Creates `.rapport/config.toml` with
//! every key commented out and explained (only when there is none) and, in a
//! git work tree, registers the merge driver: `*.md merge=rapport` in the
//! vault's `.gitattributes` and `merge.rapport.{name,driver}` in the
//! repository's config. Each step changes only what is missing, so a second
//! run changes nothing.
//!
//! The driver command is `rapport merge-driver %O %A %B %P` when the
//! `rapport` found on PATH is the running binary, so that it keeps working
//! when the binary is upgraded in place; otherwise (a binary run from a
//! build folder, or not on PATH at all) it names the running binary by its
//! absolute path, since git runs the driver through the shell with the
//! user's PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, anyhow};
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::InitArgs;
use crate::cli::exit::Exit;
use crate::edit::atomic::{Editor, WriteError, no_hook, overwrite};

/// The config file `init` writes: every key with its default, commented out.
pub const CONFIG_TEMPLATE: &str = r#"# rapport settings (see docs/config.md). Every key is optional; the values
# below are the defaults or examples. Remove the `# ` before a key to use it.

# Keep-in-touch rhythm for contacts without their own `cadence:` front-matter
# field: a span such as 10d, 6w, 3mo or 1y. Default: none. With it, every
# contact has a follow-up rule, so `due --cold` lists no one.
# default_cadence = "6mo"

# How many days ahead `due` looks when --days is not given (0 to 3660).
# window_days = 14

# `due` also lists contacts without a follow-up rule not contacted for this
# long (the --cold span when the flag is not given). Default: none.
# cold_after = "1y"

# Paths that are never notes: globs over vault-relative paths, applied like
# .gitignore ("templates/" ignores every templates folder). Default: none.
# ignore = ["templates/"]

# The folder inside the vault where `new` creates notes ("" or "." for the
# vault itself).
# people_dir = "people"

# `status` values that end follow-ups (compared ignoring case and accents).
# inactive_status = ["archived", "paused", "inactive", "dormant", "deceased"]

# Which notes are contacts: path globs (as for ignore) or KEY:VALUE, which
# matches a note whose front-matter KEY is VALUE or lists it ("tags:person",
# "categories:People" for categories: ["[[People]]"]). Default: every note
# with front matter.
# contacts = ["people/", "tags:person"]

# How many people `rapport plan` puts in one week.
# weekly_capacity = 5

# Links from dated notes (2026-11-20.md, or a `date:` in the front matter)
# to a contact count as contact on that date.
# journal = true

# More front-matter keys to read as one of rapport's fields: the field, then its keys.
[fields]
# last_contact = ["zuletzt", "last_seen"]

# Tiers (prm-tier) and the cadence each stands for, over the defaults
# A or 1: 2w, B or 2: 1mo, C or 3: 3mo, D or 4: 6mo.
[tiers]
# A = "1w"

# The vault's own concepts (words that mean one topic, in any language),
# beside the built-in list; the same name replaces a built-in concept.
[concepts]
# "Baltic Sea" = ["Ostsee", "Baltikum"]
"#;

/// The `.gitattributes` line that hands notes to the driver.
pub const ATTRIBUTE: &str = "*.md merge=rapport";
const DRIVER_NAME: &str = "rapport: contact notes (log and open items joined, later last_contact)";
const DRIVER_ARGS: &str = "merge-driver %O %A %B %P";

#[derive(Serialize)]
struct Change {
    /// `config`, `gitattributes` or `git-config`.
    what: &'static str,
    /// The file, or the git config key.
    target: String,
    /// What was written.
    value: String,
}

#[derive(Serialize)]
struct Report {
    vault: String,
    /// `registered`, `skipped` (--no-git), `no-repository` or `no-git`.
    git: &'static str,
    repository: Option<String>,
    changed: Vec<Change>,
}

/// Create `.rapport/config.toml` (every key commented out) unless there is
/// one; a config made by someone else meanwhile stays theirs.
fn create_config(vault: &Path) -> anyhow::Result<Option<Change>> {
    let config = vault.join(".rapport").join("config.toml");
    if std::fs::symlink_metadata(&config).is_ok() {
        return Ok(None);
    }
    let editor = Editor::open(vault)?;
    match editor.create(
        &config,
        CONFIG_TEMPLATE.as_bytes(),
        ".rapport/config.toml",
        &mut no_hook,
    ) {
        Ok(()) => Ok(Some(Change {
            what: "config",
            target: ".rapport/config.toml".into(),
            value: "every key commented out".into(),
        })),
        Err(WriteError::Exists { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Register the merge driver in the git work tree around `vault`: the
/// `.gitattributes` line and the two git config keys, each only when not set
/// already. Returns the report's `git` word and the repository's top level.
fn register_driver(
    vault: &Path,
    changed: &mut Vec<Change>,
) -> anyhow::Result<(&'static str, Option<String>)> {
    let top = match toplevel(vault)? {
        Toplevel::NoGit => return Ok(("no-git", None)),
        Toplevel::NoRepository => return Ok(("no-repository", None)),
        Toplevel::Found(top) => top,
    };
    if let Some(c) = attributes(vault)? {
        changed.push(c);
    }
    for (key, value) in [
        ("merge.rapport.name", DRIVER_NAME.to_string()),
        ("merge.rapport.driver", driver_command()),
    ] {
        if git_config_get(vault, key)?.as_deref() != Some(value.as_str()) {
            git_config_set(vault, key, &value)?;
            changed.push(Change {
                what: "git-config",
                target: key.into(),
                value,
            });
        }
    }
    Ok(("registered", Some(top)))
}

/// What init did, for people: each change, why git was left alone, or that
/// there was nothing to do.
fn print_report(ctx: &mut Ctx, report: &Report) {
    for c in &report.changed {
        ctx.out.line(match c.what {
            "config" => format!("created {} ({})", c.target, c.value),
            "gitattributes" => format!("added {:?} to {}", c.value, c.target),
            _ => format!("set git config {} = {}", c.target, c.value),
        });
    }
    match report.git {
        "no-git" => ctx
            .out
            .line("git not found: the merge driver is not registered"),
        "no-repository" => ctx
            .out
            .line("not in a git work tree: the merge driver is not registered"),
        _ => {}
    }
    if report.changed.is_empty() {
        ctx.out
            .line(format!("{}: already set up; nothing changed", report.vault));
    }
}

pub fn run(ctx: &mut Ctx, a: InitArgs) -> anyhow::Result<Exit> {
    let InitArgs { no_git } = a;
    let vault = match &ctx.global.vault {
        Some(v) => v.clone(),
        None => std::env::current_dir().context("cannot read the working directory")?,
    };
    std::fs::create_dir_all(&vault).map_err(|e| anyhow!("{}: {e}", vault.display()))?;
    let mut changed: Vec<Change> = create_config(&vault)?.into_iter().collect();
    let (git, repository) = if no_git {
        ("skipped", None)
    } else {
        register_driver(&vault, &mut changed)?
    };
    let report = Report {
        vault: vault.display().to_string(),
        git,
        repository,
        changed,
    };
    if ctx.out.json {
        ctx.out.json(&report);
    } else {
        print_report(ctx, &report);
    }
    Ok(Exit::Ok)
}

enum Toplevel {
    NoGit,
    NoRepository,
    Found(String),
}

fn git(vault: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(vault);
    c
}

/// The work tree the vault is in, if any.
fn toplevel(vault: &Path) -> anyhow::Result<Toplevel> {
    let out = match git(vault).args(["rev-parse", "--show-toplevel"]).output() {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Toplevel::NoGit),
        Err(e) => return Err(anyhow!("cannot run git: {e}")),
    };
    let top = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(if out.status.success() && !top.is_empty() {
        Toplevel::Found(top)
    } else {
        Toplevel::NoRepository
    })
}

fn git_config_get(vault: &Path, key: &str) -> anyhow::Result<Option<String>> {
    let out = git(vault)
        .args(["config", "--get", key])
        .output()
        .map_err(|e| anyhow!("cannot run git config: {e}"))?;
    // exit 1: the key is not set
    Ok(out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .trim_end_matches(['\r', '\n'])
            .to_string()
    }))
}

fn git_config_set(vault: &Path, key: &str, value: &str) -> anyhow::Result<()> {
    let out = git(vault)
        .args(["config", key, value])
        .output()
        .map_err(|e| anyhow!("cannot run git config: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(anyhow!(
            "git config {key}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// `text` with the attribute line added when it lacks it, keeping its
/// content and line ending; `None` when it has it.
pub fn with_attribute(text: &str) -> Option<String> {
    if text.lines().any(|l| l.trim() == ATTRIBUTE) {
        return None;
    }
    let nl = crate::edit::newline(text);
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(nl);
    }
    out.push_str(ATTRIBUTE);
    out.push_str(nl);
    Some(out)
}

/// Add the attribute line to the vault's `.gitattributes` (created if missing).
fn attributes(vault: &Path) -> anyhow::Result<Option<Change>> {
    let path = vault.join(".gitattributes");
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8(b)
            .map_err(|_| anyhow!(".gitattributes: not valid UTF-8; add {ATTRIBUTE:?} by hand"))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow!(".gitattributes: {e}")),
    };
    let Some(new) = with_attribute(&text) else {
        return Ok(None);
    };
    overwrite(&path, new.as_bytes(), ".gitattributes")?;
    Ok(Some(Change {
        what: "gitattributes",
        target: ".gitattributes".into(),
        value: ATTRIBUTE.into(),
    }))
}

/// The driver command git runs: see the module comment.
fn driver_command() -> String {
    let exe = std::env::current_exe().and_then(std::fs::canonicalize).ok();
    let on_path = find_on_path("rapport").and_then(|p| std::fs::canonicalize(p).ok());
    match exe {
        Some(exe) if on_path.as_ref() != Some(&exe) => match shell_word(&exe) {
            Some(w) => format!("{w} {DRIVER_ARGS}"),
            None => format!("rapport {DRIVER_ARGS}"),
        },
        _ => format!("rapport {DRIVER_ARGS}"),
    }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(&file))
        .find(|p| p.is_file())
}

/// `path` as one word for `sh`, single-quoted when needed; `None` when it
/// cannot be (not UTF-8, or a `%`, which git would take for a placeholder).
pub fn shell_word(path: &Path) -> Option<String> {
    let s = path.to_str()?;
    if s.contains('%') || s.is_empty() {
        return None;
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+:@,=".contains(c);
    Some(if s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{CONFIG_TEMPLATE, shell_word, with_attribute};
    use crate::vault::config::Config;

    #[test]
    fn the_template_parses_and_names_every_key() {
        let c = Config::parse(CONFIG_TEMPLATE).expect("the template as it is");
        assert_eq!(c.window_days, 14);
        // uncommenting every key gives a valid config with the documented values
        let on: String = CONFIG_TEMPLATE
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(k) if k.contains(" = ") => format!("{k}\n"),
                _ => format!("{l}\n"),
            })
            .collect();
        let c = Config::parse(&on).expect("every key uncommented");
        assert_eq!(c.window_days, 14);
        assert_eq!(c.people_dir, "people");
        assert_eq!(c.ignore, vec!["templates/".to_string()]);
        assert!(c.default_cadence.is_some() && c.cold_after.is_some());
        for key in [
            "default_cadence",
            "window_days",
            "cold_after",
            "ignore",
            "people_dir",
            "inactive_status",
            "contacts",
            "journal",
            "weekly_capacity",
            "last_contact",
            "\"Baltic Sea\"",
            "A",
        ] {
            assert!(on.contains(&format!("\n{key} = ")), "{key}");
        }
    }

    #[test]
    fn attribute_line() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("missing file", "", Some("*.md merge=rapport\n")),
            (
                "kept content",
                "*.png binary\n",
                Some("*.png binary\n*.md merge=rapport\n"),
            ),
            (
                "no final newline",
                "*.png binary",
                Some("*.png binary\n*.md merge=rapport\n"),
            ),
            (
                "crlf",
                "*.png binary\r\n",
                Some("*.png binary\r\n*.md merge=rapport\r\n"),
            ),
            ("already there", "a\n*.md merge=rapport\n", None),
            ("already there, crlf", "*.md merge=rapport\r\n", None),
        ];
        for (case, text, want) in rows {
            assert_eq!(with_attribute(text).as_deref(), *want, "{case}");
        }
    }

    #[test]
    fn shell_words() {
        assert_eq!(
            shell_word(Path::new("/usr/bin/rapport")).as_deref(),
            Some("/usr/bin/rapport")
        );
        assert_eq!(
            shell_word(Path::new("/home/a b/it's/rapport")).as_deref(),
            Some(r"'/home/a b/it'\''s/rapport'")
        );
        assert_eq!(shell_word(Path::new("/tmp/100%/rapport")), None);
    }
}
