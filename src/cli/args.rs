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
    Index {
        /// Throw the index away and build it anew
        #[arg(long)]
        rebuild: bool,
    },
    /// Full-text search (tantivy query syntax; fields: name: tags: interests: training: field: company: role: location: body:)
    Search {
        /// The query; several words must all match, use OR for either
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// At most this many hits (0 lists none, like `rg -m 0`; more than
        /// there are lists all)
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: usize,
        /// Also find each plain word's concept: its German and English
        /// words (`sailing` finds `Segeln`); without it the search is literal
        #[arg(long)]
        concepts: bool,
    },
    /// Who to get back to: follow-ups, birthdays and open items
    Due {
        /// Look this many days ahead [default: window_days from config, else 14]
        #[arg(long)]
        days: Option<i64>,
        /// List every open item, dated or not
        #[arg(long)]
        all: bool,
        /// Also list contacts without a follow-up rule not contacted for SPAN (e.g. 6mo)
        #[arg(long, value_name = "SPAN", value_parser = parse_span)]
        cold: Option<crate::vault::cadence::Cadence>,
    },
    /// Who cares about a topic, ranked
    Match {
        /// Topic words (German or English)
        #[arg(required_unless_present = "file", conflicts_with = "file")]
        topic: Vec<String>,
        /// Rank against the telling words of a whole text (`-` for stdin)
        #[arg(long, value_name = "PATH")]
        file: Option<PathBuf>,
        /// At most this many contacts (0 lists none; more than there are lists all)
        #[arg(long, short = 'n', default_value_t = 10)]
        limit: usize,
        /// Print the words matched (the telling words of --file) and those
        /// left out as stop words
        #[arg(long)]
        explain: bool,
        /// With --file: leave out contacts who already got this article
        #[arg(long, requires = "file")]
        fresh: bool,
    },
    /// Every interest, field, training and tag with its contacts
    Topics,
    /// Pairs of contacts who share an interest or field and are not yet linked
    Intros {
        /// At most this many pairs (0 lists none; more than there are lists all)
        #[arg(long, short = 'n', default_value_t = 20)]
        limit: usize,
    },
    /// One contact: facts, last and next contact, open items, links
    Show {
        /// Name, alias, file stem or unambiguous prefix
        name: String,
    },
    /// Validate the vault; exit 1 when there are errors
    Check,
    /// Create a contact note from .rapport/template.md (or the built-in template); print its path
    New {
        /// The person's full name
        name: String,
        /// Their line of work
        #[arg(long, value_name = "F")]
        field: Option<String>,
        /// A hobby horse (repeat for several)
        #[arg(long = "interest", value_name = "I")]
        interests: Vec<String>,
        /// A tag (repeat for several)
        #[arg(long = "tag", value_name = "T")]
        tags: Vec<String>,
        /// Keep-in-touch rhythm, e.g. 6w or 3mo
        #[arg(long, value_name = "SPAN", value_parser = parse_span)]
        cadence: Option<crate::vault::cadence::Cadence>,
        /// Open the new note in $VISUAL or $EDITOR
        #[arg(long)]
        edit: bool,
    },
    /// No follow-up for a contact before a date: sets snooze_until
    Snooze {
        /// Name, alias, file stem, vault-relative path or unambiguous prefix
        name: String,
        /// A date YYYY-MM-DD, or a span from today (e.g. 3w, 2m)
        #[arg(value_name = "DATE|SPAN", value_parser = parse_next)]
        until: Next,
    },
    /// Record what you gave: a `gave:` log entry for each NAME
    ///
    /// `give NAME... TEXT`: when several words are given, the last is TEXT
    /// and the others are NAMEs (`give anna jonas "book Getting to Yes"`).
    /// With --file, TEXT is optional: the entry records the article's title
    /// and first URL, and a last word that names no contact is TEXT.
    Give {
        /// NAME... [TEXT]
        #[arg(required = true, num_args = 1.., value_name = "NAME... TEXT")]
        words: Vec<String>,
        /// An article (Markdown or text) given: its title and first URL are recorded
        #[arg(long, value_name = "ARTICLE")]
        file: Option<std::path::PathBuf>,
        /// The entry's date [default: today]
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<jiff::civil::Date>,
    },
    /// Record what you got: a `got:` log entry
    Got {
        /// Name, alias, file stem, vault-relative path or unambiguous prefix
        name: String,
        /// What you got (several words are joined by spaces)
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// The entry's date [default: today]
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<jiff::civil::Date>,
    },
    /// Everything to read before meeting someone, and three ways to give first
    Brief {
        /// Name, alias, file stem, vault-relative path or unambiguous prefix
        name: String,
    },
    /// The outreach plan for the coming week: at most --capacity people
    Plan {
        /// People per period [default: config weekly_capacity, else 5]
        #[arg(long, value_name = "N")]
        capacity: Option<usize>,
        /// The period in days
        #[arg(long, value_name = "D", default_value_t = 7)]
        days: i64,
    },
    /// What you gave and got, per contact, with the balance
    Ledger {
        /// One contact (else everyone with a give or a get)
        name: Option<String>,
        /// Only entries since this long ago (e.g. 3mo, 1y)
        #[arg(long, value_name = "SPAN", value_parser = parse_span)]
        since: Option<crate::vault::cadence::Cadence>,
    },
    /// Add a dated entry under ## Log; move last_contact forward, set next_contact with --next
    Log {
        /// Name, alias, file stem or unambiguous prefix
        name: String,
        /// What happened (several words are joined by spaces)
        #[arg(required = true, num_args = 1..)]
        text: Vec<String>,
        /// The entry's date [default: today]
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<jiff::civil::Date>,
        /// Set next_contact: a date, or a span after the entry's date (e.g. 6w)
        #[arg(long, value_name = "DATE|SPAN", value_parser = parse_next)]
        next: Option<Next>,
    },
    /// Create or update contact notes from vCard, Google Contacts CSV or
    /// LinkedIn Connections.csv: matched by source id, then email, then name
    /// and alias; only what a note lacks or what an import wrote and the
    /// source changed is written; ambiguous matches are reported, never merged
    Import {
        /// Files or folders (a folder is read as a vdir of .vcf files)
        #[arg(required = true, num_args = 1.., value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Print the plan and write nothing
        #[arg(long)]
        dry_run: bool,
        /// The format [default: detected from each file's content]
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// Add this tag to every imported contact (repeatable)
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
    },
    /// Export follow-ups, birthdays and open items, or contacts as vCards
    Export {
        #[command(subcommand)]
        format: ExportFormat,
    },
    /// Print a shell completion script
    Completions {
        /// bash, zsh, fish, elvish or powershell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout
    Man,
    /// Set up a vault: .rapport/config.toml (every key explained, commented
    /// out) and, in a git work tree, the merge driver for notes (a
    /// `*.md merge=rapport` line in the vault's .gitattributes and
    /// merge.rapport.* in the repository's git config). Changes only what is
    /// missing and prints each change; the vault is --vault, RAPPORT_VAULT or
    /// the working directory
    Init {
        /// Leave git alone: no .gitattributes line, no git config
        #[arg(long)]
        no_git: bool,
    },
    /// Merge two versions of a note for git (registered by `init`; git runs
    /// `rapport merge-driver %O %A %B %P`): contact notes by the contact
    /// rules (log and open items joined, the later last_contact, front-matter
    /// keys one by one), other notes line by line. Writes the result to OURS;
    /// exit 0 when clean, 1 when conflicts are left as <<<<<<< markers, 2 on error
    MergeDriver {
        /// The common ancestor's version (git's %O; empty when both sides added the note)
        base: PathBuf,
        /// Our version (git's %A); the result replaces it
        ours: PathBuf,
        /// Their version (git's %B)
        theirs: PathBuf,
        /// The note's path in the repository (git's %P), named in messages
        path: Option<String>,
    },
    /// Keep the index live while you edit and sync; one line per change
    Watch {
        /// Poll every INTERVAL (e.g. 500ms, 2s) instead of using native change
        /// notifications: for network drives and WSL [default: 1s]
        #[arg(long, value_name = "INTERVAL", value_parser = crate::cli::cmd::watch::parse_interval)]
        poll: Option<Option<std::time::Duration>>,
        /// Also keep FILE up to date with `export ics`, rewritten atomically
        /// after every change that alters it (and when the date changes)
        #[arg(long, value_name = "FILE")]
        ics: Option<std::path::PathBuf>,
        /// With --ics: follow-ups and open items due within this many days
        #[arg(long, default_value_t = 90, requires = "ics")]
        days: i64,
    },
}
