//! The one place that finds the vault, reads its config and opens the index,
//! syncing it before every read. Every command goes through a `Session`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::index::scan::ScanProblem;
use crate::index::store::IndexError;
use crate::index::sync::{NoProgress, Progress, Report};
use crate::index::{self, IndexView, Opened, SyncMode};
use crate::vault::config::Config;
use crate::vault::names::{Resolution, resolve};
use crate::vault::note::Note;
use crate::vault::rules::NoteRules;

/// Errors a session can meet; each names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{path}: {message}")]
    Config { path: String, message: String },
    #[error("{0}: not a folder")]
    NoVault(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error("no contact matches {0:?}")]
    NotFound(String),
    #[error("{name:?} is ambiguous: {candidates}")]
    Ambiguous { name: String, candidates: String },
}

pub type Result<T> = std::result::Result<T, SessionError>;

/// What the caller asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub vault: Option<PathBuf>,
    pub today: Option<Date>,
    pub mode: SyncMode,
}

/// Find the vault: `--vault` (or `RAPPORT_VAULT`, which clap folds into it),
/// else the nearest ancestor with `.rapport/`, else the working directory.
pub fn find_vault(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(v) = explicit {
        if !v.is_dir() {
            return Err(SessionError::NoVault(v.display().to_string()));
        }
        return Ok(v.to_path_buf());
    }
    let cwd = env::current_dir().map_err(|e| SessionError::NoVault(format!(".: {e}")))?;
    for dir in cwd.ancestors() {
        if dir.join(".rapport").is_dir() {
            return Ok(dir.to_path_buf());
        }
    }
    Ok(cwd)
}

/// Read `.rapport/config.toml` if present.
pub fn load_config(root: &Path) -> Result<Config> {
    let p = root.join(".rapport").join("config.toml");
    match fs::read(&p) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| SessionError::Config {
                path: ".rapport/config.toml".into(),
                message: "not valid UTF-8".into(),
            })?;
            Config::parse(&text).map_err(|e| SessionError::Config {
                path: match e.line {
                    Some(l) => format!(".rapport/config.toml:{l}"),
                    None => ".rapport/config.toml".into(),
                },
                message: e.message,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(SessionError::Config {
            path: ".rapport/config.toml".into(),
            message: e.to_string(),
        }),
    }
}

/// The local date (or `--today`).
pub fn today(explicit: Option<Date>) -> Date {
    explicit.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// An open vault with a fresh index.
pub struct Session {
    pub root: PathBuf,
    pub config: Config,
    pub rules: NoteRules,
    /// `--today`, else the local date on first use: finding the time zone
    /// walks the zoneinfo database (~1 ms), which `search` does not need.
    today: std::cell::OnceCell<Date>,
    explicit_today: Option<Date>,
    pub view: IndexView,
    pub report: Report,
    pub scan_problems: Vec<ScanProblem>,
    /// The index was used as it is because another process holds the writer.
    pub busy: bool,
}

impl Session {
    /// Open the vault and bring its index in line (unless `--no-sync`).
    pub fn open(o: &Options, progress: &dyn Progress) -> Result<Session> {
        let root = find_vault(o.vault.as_deref())?;
        let config = load_config(&root)?;
        let rules = NoteRules::new(&config.ignore).map_err(|e| SessionError::Config {
            path: ".rapport/config.toml".into(),
            message: e.to_string(),
        })?;
        let Opened {
            view,
            report,
            scan_problems,
            busy,
        } = index::open(&root, &rules, o.mode, progress)?;
        Ok(Session {
            today: std::cell::OnceCell::new(),
            explicit_today: o.today,
            root,
            config,
            rules,
            view,
            report,
            scan_problems,
            busy,
        })
    }

    /// Open without progress display.
    pub fn open_quiet(o: &Options) -> Result<Session> {
        Session::open(o, &NoProgress)
    }

    /// The date follow-ups are measured against.
    pub fn today(&self) -> Date {
        *self.today.get_or_init(|| today(self.explicit_today))
    }

    /// Every note, parsed, in path order, with the vault's inactive statuses applied.
    pub fn notes(&self) -> Result<Vec<Note>> {
        let mut notes = self.view.notes()?;
        for n in &mut notes {
            n.facts.apply_inactive(&self.config.inactive_status);
        }
        Ok(notes)
    }

    /// Resolve a NAME among contacts: a vault-relative path as commands print
    /// it (`people/anna.md`, also without `.md`), else a name, alias, stem or
    /// unambiguous prefix. An ambiguous NAME lists at most ten candidates.
    pub fn resolve<'a>(&self, notes: &'a [Note], name: &str) -> Result<&'a Note> {
        const LISTED: usize = 10;
        let p = crate::vault::names::nfc(name.trim());
        let p = p.strip_prefix("./").unwrap_or(&p);
        if let Some(n) = notes
            .iter()
            .filter(|n| n.is_contact)
            .find(|n| n.path == p || n.path.strip_suffix(".md") == Some(p))
        {
            return Ok(n);
        }
        let candidates = notes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.is_contact)
            .map(|(i, n)| (i, n.keys()));
        match resolve(name, candidates) {
            Resolution::Found(i) => Ok(&notes[i]),
            Resolution::NotFound => Err(SessionError::NotFound(name.to_string())),
            Resolution::Ambiguous(is) => {
                let mut candidates = is
                    .iter()
                    .take(LISTED)
                    .map(|&i| format!("{} ({})", notes[i].name, notes[i].path))
                    .collect::<Vec<_>>()
                    .join(", ");
                if is.len() > LISTED {
                    candidates.push_str(&format!(" and {} more", is.len() - LISTED));
                }
                Err(SessionError::Ambiguous {
                    name: name.to_string(),
                    candidates,
                })
            }
        }
    }
}
