//! The command-line interface as clap types; the shared flags are defined once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A personal-networking memory over a folder of Markdown contact notes.
#[derive(Debug, Parser)]
#[command(name = "rapport", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The vault folder [default: nearest ancestor with .rapport/, else the working directory]
    #[arg(long, global = true, env = "RAPPORT_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// Pretend today is this date (YYYY-MM-DD), for reproducible output
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<jiff::civil::Date>,
    /// Print JSON (stable for scripts)
    #[arg(long, global = true)]
    pub json: bool,
    /// Use the index as it is, without bringing it in line with the vault first
    #[arg(long, global = true)]
    pub no_sync: bool,
    /// When to use colour (NO_COLOR is honoured by auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print nothing but results and errors
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    crate::vault::cadence::parse_date(s)
}

fn parse_span(s: &str) -> Result<crate::vault::cadence::Cadence, String> {
    crate::vault::cadence::Cadence::parse(s)
}

/// `--poll` INTERVAL: `500ms`, `2s`, `1m`, or plain seconds (`2`).
pub(crate) fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let d = match t.parse::<u64>() {
        Ok(secs) => std::time::Duration::from_secs(secs),
        Err(_) => {
            let sd: jiff::SignedDuration = t
                .parse()
                .map_err(|_| format!("{s:?} is not an interval like 500ms, 2s or 1m"))?;
            std::time::Duration::try_from(sd)
                .map_err(|_| format!("{s:?}: the interval must be positive"))?
        }
    };
    if d < std::time::Duration::from_millis(10) {
        return Err(format!("{s:?}: the interval must be at least 10ms"));
    }
    Ok(d)
}

/// `log --next`: a date, or a span after the entry's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    Date(jiff::civil::Date),
    Span(crate::vault::cadence::Cadence),
}

fn parse_next(s: &str) -> Result<Next, String> {
    if s.trim().len() == 10 && s.trim().as_bytes().get(4) == Some(&b'-') {
        return parse_date(s).map(Next::Date);
    }
    parse_span(s)
        .map(Next::Span)
        .map_err(|e| format!("{e}; or give a date YYYY-MM-DD"))
}

/// What `export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportFormat {
    /// Follow-ups, birthdays (yearly) and dated open items as iCalendar (RFC 5545) on stdout
    Ics {
        /// Follow-ups and open items due within this many days (or overdue)
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// Add the outreach plan (`rapport plan`) as all-day events
        #[arg(long)]
        plan: bool,
    },
    /// Every active contact as a vCard: one multi-card file on stdout, or
    /// with --out a folder (vdir) of <UID>.vcf files, each written atomically
    Vcard {
        /// Write a vdir here (one <UID>.vcf per contact) instead of stdout
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// vCard version
        #[arg(long, default_value = "4.0", value_parser = ["3.0", "4.0"])]
        version: String,
    },
}

/// The formats `import` reads.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ImportFormat {
    /// vCard 2.1, 3.0 or 4.0 (a .vcf file or a folder of them)
    Vcard,
    /// Google Contacts CSV (current or older layout)
    Google,
    /// LinkedIn Connections.csv
    Linkedin,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Bring the index in line with the vault and print counts
    Index(IndexArgs),
    /// Full-text search (tantivy query syntax; fields: name: tags: interests: training: field: company: role: location: body:)
    Search(SearchArgs),
    /// Who to get back to: follow-ups, birthdays and open items
    Due(DueArgs),
    /// Who cares about a topic, ranked
    Match(MatchArgs),
    /// Every interest, field, training and tag with its contacts
    Topics,
    /// Pairs of contacts who share an interest or field and are not yet linked
    Intros(IntrosArgs),
    /// One contact: facts, last and next contact, open items, links
    Show(ShowArgs),
    /// Validate the vault; exit 1 when there are errors
    Check,
    /// Create a contact note from .rapport/template.md (or the built-in template); print its path
    New(NewArgs),
    /// No follow-up for a contact before a date: sets snooze_until
    Snooze(SnoozeArgs),
    /// Record what you gave: a `gave:` log entry for each NAME
    ///
    /// `give NAME... TEXT`: when several words are given, the last is TEXT
    /// and the others are NAMEs (`give anna jonas "book Getting to Yes"`).
    /// With --file, TEXT is optional: the entry records the article's title
    /// and first URL, and a last word that names no contact is TEXT.
    Give(GiveArgs),
    /// Record what you got: a `got:` log entry
    Got(GotArgs),
    /// Everything to read before meeting someone, and three ways to give first
    Brief(BriefArgs),
    /// The outreach plan for the coming week: at most --capacity people
    Plan(PlanArgs),
    /// What you gave and got, per contact, with the balance
    Ledger(LedgerArgs),
    /// Add a dated entry under ## Log; move last_contact forward, set next_contact with --next
    Log(LogArgs),
    /// Create or update contact notes from vCard, Google Contacts CSV or
    /// LinkedIn Connections.csv: matched by source id, then email, then name
    /// and alias; only what a note lacks or what an import wrote and the
    /// source changed is written; ambiguous matches are reported, never merged
    Import(ImportArgs),
    /// Export follow-ups, birthdays and open items, or contacts as vCards
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Print a shell completion script
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout
    Man,
    /// Set up a vault: .rapport/config.toml (every key explained, commented
    /// out) and, in a git work tree, the merge driver for notes (a
    /// `*.md merge=rapport` line in the vault's .gitattributes and
    /// merge.rapport.* in the repository's git config). Changes only what is
    /// missing and prints each change; the vault is --vault, RAPPORT_VAULT or
    /// the working directory
    Init(InitArgs),
    /// Merge two versions of a note for git (registered by `init`; git runs
    /// `rapport merge-driver %O %A %B %P`): contact notes by the contact
    /// rules (log and open items joined, the later last_contact, front-matter
    /// keys one by one), other notes line by line. Writes the result to OURS;
    /// exit 0 when clean, 1 when conflicts are left as <<<<<<< markers, 2 on error
    MergeDriver(MergeDriverArgs),
    /// Keep the index live while you edit and sync; one line per change
    Watch(WatchArgs),
}

/// The arguments of `index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Throw the index away and build it anew
    #[arg(long)]
    pub rebuild: bool,
}

/// The arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query; several words must all match, use OR for either
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// At most this many hits (0 lists none, like `rg -m 0`; more than
    /// there are lists all)
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
    /// Also find each plain word's concept: its German and English
    /// words (`sailing` finds `Segeln`); without it the search is literal
    #[arg(long)]
    pub concepts: bool,
}

/// The arguments of `due`.
#[derive(Debug, Args)]
pub struct DueArgs {
    /// Look this many days ahead [default: window_days from config, else 14]
    #[arg(long)]
    pub days: Option<i64>,
    /// List every open item, dated or not
    #[arg(long)]
    pub all: bool,
    /// Also list contacts without a follow-up rule not contacted for SPAN (e.g. 6mo)
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub cold: Option<crate::vault::cadence::Cadence>,
}

/// The arguments of `match`.
#[derive(Debug, Args)]
pub struct MatchArgs {
    /// Topic words (German or English)
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub topic: Vec<String>,
    /// Rank against the telling words of a whole text (`-` for stdin)
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// At most this many contacts (0 lists none; more than there are lists all)
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Print the words matched (the telling words of --file) and those
    /// left out as stop words
    #[arg(long)]
    pub explain: bool,
    /// With --file: leave out contacts who already got this article
    #[arg(long, requires = "file")]
    pub fresh: bool,
}

/// The arguments of `intros`.
#[derive(Debug, Args)]
pub struct IntrosArgs {
    /// At most this many pairs (0 lists none; more than there are lists all)
    #[arg(long, short = 'n', default_value_t = 20)]
    pub limit: usize,
}

/// The arguments of `show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Name, alias, file stem or unambiguous prefix
    pub name: String,
}

/// The arguments of `new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The person's full name
    pub name: String,
    /// Their line of work
    #[arg(long, value_name = "F")]
    pub field: Option<String>,
    /// A hobby horse (repeat for several)
    #[arg(long = "interest", value_name = "I")]
    pub interests: Vec<String>,
    /// A tag (repeat for several)
    #[arg(long = "tag", value_name = "T")]
    pub tags: Vec<String>,
    /// Keep-in-touch rhythm, e.g. 6w or 3mo
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub cadence: Option<crate::vault::cadence::Cadence>,
    /// Open the new note in $VISUAL or $EDITOR
    #[arg(long)]
    pub edit: bool,
}

/// The arguments of `snooze`.
#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// Name, alias, file stem, vault-relative path or unambiguous prefix
    pub name: String,
    /// A date YYYY-MM-DD, or a span from today (e.g. 3w, 2m)
    #[arg(value_name = "DATE|SPAN", value_parser = parse_next)]
    pub until: Next,
}

/// The arguments of `give`.
#[derive(Debug, Args)]
pub struct GiveArgs {
    /// NAME... [TEXT]
    #[arg(required = true, num_args = 1.., value_name = "NAME... TEXT")]
    pub words: Vec<String>,
    /// An article (Markdown or text) given: its title and first URL are recorded
    #[arg(long, value_name = "ARTICLE")]
    pub file: Option<std::path::PathBuf>,
    /// The entry's date [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,
}

/// The arguments of `got`.
#[derive(Debug, Args)]
pub struct GotArgs {
    /// Name, alias, file stem, vault-relative path or unambiguous prefix
    pub name: String,
    /// What you got (several words are joined by spaces)
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// The entry's date [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,
}

/// The arguments of `brief`.
#[derive(Debug, Args)]
pub struct BriefArgs {
    /// Name, alias, file stem, vault-relative path or unambiguous prefix
    pub name: String,
}

/// The arguments of `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// People per period [default: config weekly_capacity, else 5]
    #[arg(long, value_name = "N")]
    pub capacity: Option<usize>,
    /// The period in days
    #[arg(long, value_name = "D", default_value_t = 7)]
    pub days: i64,
}

/// The arguments of `ledger`.
#[derive(Debug, Args)]
pub struct LedgerArgs {
    /// One contact (else everyone with a give or a get)
    pub name: Option<String>,
    /// Only entries since this long ago (e.g. 3mo, 1y)
    #[arg(long, value_name = "SPAN", value_parser = parse_span)]
    pub since: Option<crate::vault::cadence::Cadence>,
}

/// The arguments of `log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Name, alias, file stem or unambiguous prefix
    pub name: String,
    /// What happened (several words are joined by spaces)
    #[arg(required = true, num_args = 1..)]
    pub text: Vec<String>,
    /// The entry's date [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<jiff::civil::Date>,
    /// Set next_contact: a date, or a span after the entry's date (e.g. 6w)
    #[arg(long, value_name = "DATE|SPAN", value_parser = parse_next)]
    pub next: Option<Next>,
}

/// The arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell
    pub shell: clap_complete::Shell,
}

/// The arguments of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Leave git alone: no .gitattributes line, no git config
    #[arg(long)]
    pub no_git: bool,
}

/// The arguments of `merge-driver`.
#[derive(Debug, Args)]
pub struct MergeDriverArgs {
    /// The common ancestor's version (git's %O; empty when both sides added the note)
    pub base: PathBuf,
    /// Our version (git's %A); the result replaces it
    pub ours: PathBuf,
    /// Their version (git's %B)
    pub theirs: PathBuf,
    /// The note's path in the repository (git's %P), named in messages
    pub path: Option<String>,
}

/// The arguments of `watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Poll every INTERVAL (e.g. 500ms, 2s) instead of using native change
    /// notifications: for network drives and WSL [default: 1s]
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub poll: Option<Option<std::time::Duration>>,
    /// Also keep FILE up to date with `export ics`, rewritten atomically
    /// after every change that alters it (and when the date changes)
    #[arg(long, value_name = "FILE")]
    pub ics: Option<std::path::PathBuf>,
    /// With --ics: follow-ups and open items due within this many days
    #[arg(long, default_value_t = 90, requires = "ics")]
    pub days: i64,
}

/// The arguments of `import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files or folders (a folder is read as a vdir of .vcf files)
    #[arg(required = true, num_args = 1.., value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
    /// Print the plan and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// The format [default: detected from each file's content]
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Add this tag to every imported contact (repeatable)
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}
