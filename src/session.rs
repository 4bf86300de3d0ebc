//! The one place that finds the vault, reads its config and opens the index,
//! syncing it before every read. Every command goes through a `Session`.

use std::cell::{Cell, RefCell};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::concepts::Concepts;
use crate::followup::DueReport;
use crate::index::IndexError;
use crate::index::disk::scan::ScanProblem;
use crate::index::engine::columns::Ask;
use crate::index::engine::query::{Hit, TopicMatch};
use crate::index::engine::sync::{NoProgress, Progress, Report};
use crate::index::engine::topic_terms::TopicValues;
use crate::index::{self, IndexView, Opened, SyncMode, Terms};
use crate::topics::Cast;
use crate::vault::config::Config;
use crate::vault::note::Note;
use crate::vault::reading::Reading;
use crate::vault::rules::NoteRules;

/// Errors a session can meet; each names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{path}: {message}")]
    Config { path: String, message: String },
    #[error("{0}: not a folder")]
    NoVault(String),
    #[error(
        "{0}: not in a vault (no .rapport/ folder here or above); run `rapport init` to make \
         this folder one, or pass --vault DIR (or set RAPPORT_VAULT)"
    )]
    NotAVault(String),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Lookup(#[from] crate::vault::lookup::LookupError),
}

pub type Result<T> = std::result::Result<T, SessionError>;

/// The error again, when a repair failed: the first cause is what the user
/// needs to see.
fn e_owned(e: &IndexError) -> IndexError {
    IndexError::Query(e.to_string())
}

/// `RAPPORT_WHOLE_MODEL=1`: answer every report from the whole vault model
/// (every note read back and computed over), the straightforward way the
/// index-backed answers must agree with; for tests and to rule the index out
/// when an answer looks wrong (docs/ARCHITECTURE.md, "Tests").
pub fn whole_model() -> bool {
    std::env::var_os("RAPPORT_WHOLE_MODEL").is_some_and(|v| v == "1")
}

/// Listed notes `due` reads at once: 4096 slim notes are a few MiB, and a
/// block of the store is still decompressed once per part.
/// `RAPPORT_DUE_PART=N` reads N at a time instead, so that the tests see
/// a report made of many parts on a small vault.
fn due_part() -> usize {
    std::env::var("RAPPORT_DUE_PART")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(4096)
}

/// What the caller asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub vault: Option<PathBuf>,
    pub today: Option<Date>,
    pub mode: SyncMode,
    /// Where a session leaves one-line notices for the user (an index that
    /// could not be updated or read and was rebuilt); shown by the caller.
    pub notices: Notices,
}

/// One-line notices collected while a command runs.
pub type Notices = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

/// The notice when a damaged index was rebuilt.
fn rebuilt_notice(e: &IndexError) -> String {
    format!("the index could not be read ({e}); rebuilt it")
}

fn notify(n: &Notices, text: String) {
    if let Ok(mut v) = n.lock()
        && !v.contains(&text)
    {
        v.push(text);
    }
}

/// Find the vault: `--vault` (or `RAPPORT_VAULT`, which clap folds into it),
/// else the nearest ancestor with `.rapport/`. Never the working directory
/// by accident: `cd ~ && rapport due` must not index a home folder.
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
    Err(SessionError::NotAVault(cwd.display().to_string()))
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

/// The new-contact template: `.rapport/template.md`, else the built-in one;
/// with what to call it in errors (`new`, `import`).
pub fn load_template(root: &Path) -> Result<(String, &'static str)> {
    const TEMPLATE: &str = ".rapport/template.md";
    let config = |message: String| SessionError::Config {
        path: TEMPLATE.into(),
        message,
    };
    match fs::read(root.join(TEMPLATE)) {
        Ok(b) => Ok((
            String::from_utf8(b).map_err(|_| config("not valid UTF-8".into()))?,
            TEMPLATE,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((crate::edit::template::builtin(), "built-in template"))
        }
        Err(e) => Err(config(e.to_string())),
    }
}

/// The local date (or `--today`).
pub fn today(explicit: Option<Date>) -> Date {
    explicit.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// The vault a command works on, resolved in one step for every command
/// (`watch` too): its folder, its config, which files are notes, and the
/// rules for reading them.
pub struct Vault {
    pub root: PathBuf,
    pub config: Config,
    pub rules: NoteRules,
    pub reading: Reading,
}

impl Vault {
    /// Find the vault (`--vault`, `RAPPORT_VAULT`, the nearest ancestor with
    /// `.rapport/`, else the working directory) and load it.
    pub fn resolve(explicit: Option<&Path>) -> Result<Vault> {
        Vault::load(find_vault(explicit)?)
    }

    /// Load the vault at `root`: its config and the rules built from it.
    pub fn load(root: PathBuf) -> Result<Vault> {
        let config = load_config(&root)?;
        let rules = NoteRules::new(&config.ignore).map_err(|e| SessionError::Config {
            path: ".rapport/config.toml".into(),
            message: e.to_string(),
        })?;
        let reading = Reading::new(&config).map_err(|e| SessionError::Config {
            path: ".rapport/config.toml".into(),
            message: format!("contacts: {e}"),
        })?;
        Ok(Vault {
            root,
            config,
            rules,
            reading,
        })
    }
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
    view: RefCell<IndexView>,
    /// The config's rules for reading notes (contacts, field keys, tiers).
    pub reading: Reading,
    pub report: Report,
    pub scan_problems: Vec<ScanProblem>,
    /// Another process holds the writer and changes were pending: this
    /// process did not update the index (its answers still include them).
    pub busy: bool,
    /// The answers may miss changes: why (said to the user, `stale` in JSON).
    pub stale: Option<String>,
    mode: SyncMode,
    notices: Notices,
    /// The index was found damaged and rebuilt during this session.
    repaired: Cell<bool>,
}

impl Session {
    /// Open the vault and bring its index in line (unless `--no-sync`).
    pub fn open(o: &Options, progress: &dyn Progress) -> Result<Session> {
        let Vault {
            root,
            config,
            rules,
            reading,
        } = Vault::resolve(o.vault.as_deref())?;
        let Opened {
            view,
            report,
            scan_problems,
            busy,
            notice,
            stale,
        } = match index::open(&root, &rules, &reading, o.mode, progress) {
            Err(e) if e.damaged() && o.mode != SyncMode::Rebuild => {
                notify(&o.notices, rebuilt_notice(&e));
                index::open(&root, &rules, &reading, SyncMode::Rebuild, progress)?
            }
            r => r?,
        };
        if let Some(n) = notice {
            notify(&o.notices, n);
        }
        if let Some(why) = &stale {
            notify(
                &o.notices,
                format!("the answer may miss recent changes: {why}"),
            );
        }
        Ok(Session {
            today: std::cell::OnceCell::new(),
            explicit_today: o.today,
            root,
            config,
            rules,
            view: RefCell::new(view),
            reading,
            report,
            scan_problems,
            busy,
            stale,
            mode: o.mode,
            notices: o.notices.clone(),
            repaired: Cell::new(false),
        })
    }

    /// Run a read of the index; an index found damaged on the way is rebuilt
    /// once (with a notice) and the read tried again.
    pub(crate) fn read<T>(&self, mut f: impl FnMut(&IndexView) -> index::Result<T>) -> Result<T> {
        let first = f(&self.view.borrow());
        match first {
            Err(e) if e.damaged() && !self.repaired.get() && self.mode != SyncMode::Rebuild => {
                self.repaired.set(true);
                let opened = index::open(
                    &self.root,
                    &self.rules,
                    &self.reading,
                    SyncMode::Rebuild,
                    &NoProgress,
                )
                .map_err(|_| e_owned(&e))?;
                notify(&self.notices, rebuilt_notice(&e));
                *self.view.borrow_mut() = opened.view;
                Ok(f(&self.view.borrow())?)
            }
            r => Ok(r?),
        }
    }

    /// Run `f` over the index view, once more from the start over a rebuilt
    /// index when it finds the index damaged: for an answer written while
    /// it is read (`check`), whose caller drops what the first run wrote.
    pub fn read_view<T>(&self, f: impl FnMut(&IndexView) -> index::Result<T>) -> Result<T> {
        self.read(f)
    }

    /// Search the index (see `IndexView::search`).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        self.read(|v| v.search(query, limit))
    }

    /// Rank contacts for a topic (see `IndexView::match_topics`).
    pub fn match_topics(&self, words: &[String], limit: usize) -> Result<Vec<TopicMatch>> {
        self.read(|v| v.match_topics(words, limit))
    }

    /// The telling words of a text for this vault.
    pub fn telling_terms(&self, text: &str, max: usize) -> Vec<String> {
        self.view.borrow().telling_terms(text, max)
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
        let mut notes = self.read(IndexView::notes)?;
        for n in &mut notes {
            self.finish(n);
        }
        if self.config.journal {
            crate::journal::credit(&mut notes);
        }
        Ok(notes)
    }

    /// The notes with `term` in the report field `field` (`IndexView::notes_with`).
    pub fn notes_with(&self, field: Terms, term: &str) -> Result<Vec<Note>> {
        let mut notes = self.read(|v| v.notes_with(field, term))?;
        for n in &mut notes {
            self.finish(n);
        }
        Ok(notes)
    }

    /// What `due`'s columns are asked with this vault's config.
    fn due_ask(&self, at_most: usize, part: usize) -> Ask<'_> {
        Ask {
            inactive: &self.config.inactive_status,
            journal: self.config.journal,
            at_most,
            part,
        }
    }

    /// The `due` report for `o` from the index's columns, the listed notes
    /// read a part at a time (so a long report holds its rows, not every
    /// listed note); `None` as for [`Session::due_notes_at_most`].
    pub fn due_report(&self, o: &crate::followup::DueOptions) -> Result<Option<DueReport>> {
        let report = self.due_parts(o, || DueReport::new(o.today), |r, part| r.add(&part, o))?;
        Ok(report.map(DueReport::sorted))
    }

    /// An answer made from the notes [`Session::due_notes_at_most`] gives, handed
    /// to `add` a part at a time and dropped after it (so a long answer
    /// holds what it makes of them, not every listed note); `start` makes a
    /// fresh answer for each attempt (`read` asks again after a repair).
    /// `None` as for [`Session::due_notes_at_most`].
    pub fn due_parts<A>(
        &self,
        o: &crate::followup::DueOptions,
        start: impl Fn() -> A,
        mut add: impl FnMut(&mut A, Vec<Note>),
    ) -> Result<Option<A>> {
        if whole_model() {
            return Ok(None);
        }
        let ask = self.due_ask(usize::MAX, due_part());
        self.read(|v| {
            let mut answer = start();
            let found = v.due_notes_in_parts(o, &ask, &mut |mut part| {
                for n in &mut part {
                    self.finish(n);
                }
                add(&mut answer, part);
                Ok(())
            })?;
            Ok(found.then_some(answer))
        })
    }

    /// The notes the `due` report for `o` has rows for, with the journal
    /// credit that decides them, read from the index's columns
    /// (`IndexView::due_notes`); `None` when the whole model must be read
    /// instead (`RAPPORT_WHOLE_MODEL=1`, or changed notes laid over the
    /// index), or when more than `at_most` contacts have rows (before any
    /// note is read).
    pub fn due_notes_at_most(
        &self,
        o: &crate::followup::DueOptions,
        at_most: usize,
    ) -> Result<Option<Vec<Note>>> {
        if whole_model() {
            return Ok(None);
        }
        let ask = self.due_ask(at_most, usize::MAX);
        let found = self.read(|v| v.due_notes(o, &ask))?;
        Ok(found.map(|mut notes| {
            for n in &mut notes {
                self.finish(n);
            }
            notes
        }))
    }

    /// Every contact's topic values from the index's topic terms
    /// (`IndexView::topic_values`); `None`: ask [`Session::notes`].
    pub fn topic_values(&self) -> Result<Option<TopicValues>> {
        self.read(IndexView::topic_values)
    }

    /// Who introductions choose from, from the index
    /// (`IndexView::intro_cast`, with the vault's inactive statuses);
    /// `None`: ask [`Session::notes`].
    pub fn intro_cast(&self, concepts: &Concepts) -> Result<Option<Cast>> {
        self.read(|v| v.intro_cast(&self.config.inactive_status, concepts))
    }

    /// What the index does not store of a note as read: whether its status
    /// is one of the config's inactive ones.
    pub fn finish(&self, n: &mut Note) {
        n.facts.apply_inactive(&self.config.inactive_status);
    }

    /// The notes with a problem of error severity: every problem an answer
    /// may have to mention (`cli::cmd::troubles`) is among theirs.
    pub fn notes_with_errors(&self) -> Result<Vec<Note>> {
        self.notes_with(Terms::Problems, "error")
    }

    /// Resolve a NAME among contacts (`vault::lookup::find`).
    pub fn resolve<'a>(&self, notes: &'a [Note], name: &str) -> Result<&'a Note> {
        Ok(crate::vault::lookup::find(notes, name)?)
    }
}
