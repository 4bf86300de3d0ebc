//! The model, as plain values: `Note`, `Facts`, `LogEntry`, `OpenItem`,
//! `WikiLink`, `Mention`, `Problem`. Built by `vault::note::parse_note`, read
//! by everything else; this module imports no other part of `vault` but the
//! value types of `cadence` and `names`, so the parsers (`note`, `body`,
//! `frontmatter`) depend on it and not on each other.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::vault::cadence::{Birthday, Cadence};
use crate::vault::names::fold;

/// Notes larger than this are indexed only up to this many bytes.
pub const MAX_INDEXED_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// What kind of problem: the word `check` prints in `error[…]` and JSON
/// gives as `code` (docs/json.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    /// The front matter cannot be read (YAML, not a mapping, a `#` tag).
    Yaml,
    /// A date field that is not a date.
    Date,
    /// A cadence that is not a span.
    Cadence,
    /// Git conflict markers.
    Conflict,
    /// NUL bytes: not text.
    Binary,
    /// Invalid UTF-8 in the text or the file name.
    Encoding,
    /// No text at all.
    Empty,
    /// The file or folder cannot be read.
    Io,
    /// A folder, FIFO, socket or device named like a note.
    NotAFile,
    /// Larger than rapport indexes.
    Size,
    /// A symlink out of the vault, broken or looping.
    Symlink,
    /// Folders nested deeper than rapport walks.
    Depth,
    /// Most notes count as contacts (no `contacts` selector).
    Contacts,
    /// Several notes share a name.
    Duplicate,
    /// A link to no note.
    Link,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Yaml => "yaml",
            Code::Date => "date",
            Code::Cadence => "cadence",
            Code::Conflict => "conflict",
            Code::Binary => "binary",
            Code::Encoding => "encoding",
            Code::Empty => "empty",
            Code::Io => "io",
            Code::NotAFile => "not_a_file",
            Code::Size => "size",
            Code::Symlink => "symlink",
            Code::Depth => "depth",
            Code::Contacts => "contacts",
            Code::Duplicate => "duplicate",
            Code::Link => "link",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Something wrong in a note, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// The offending source line, for `check`'s caret display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Problem {
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Problem {
        Problem {
            line: None,
            column: None,
            severity,
            code,
            message: message.into(),
            source: None,
        }
    }
    pub fn at(mut self, line: usize, column: Option<usize>, text: &str) -> Problem {
        self.line = Some(line);
        self.column = column;
        self.source = text.lines().nth(line.saturating_sub(1)).map(|l| {
            let mut l = l.trim_end_matches('\r').to_string();
            if l.len() > 200 {
                let mut cut = 200;
                while !l.is_char_boundary(cut) {
                    cut -= 1;
                }
                l.truncate(cut);
            }
            l
        });
        self
    }
}

/// The facts of a contact from its front matter. Unparsable values are left
/// out (and reported as problems); unknown keys are kept in `extra`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interests: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub training: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// E-mail addresses (`email: a@x` or a list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phone: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub url: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthday: Option<Birthday>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_contact: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_contact: Option<Date>,
    /// No follow-up is listed before this date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snooze_until: Option<Date>,
    /// A tier (`prm-tier`): sets the cadence where none is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// Fields read from another key: field → the key as written
    /// (`last_contact` → `lastContact`), for `show`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// The vCard `UID` of the card this contact was imported from or exported as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcard_uid: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Whether `status` is one of the vault's inactive statuses, once the
    /// configured list was applied ([`Facts::apply_inactive`]); until then
    /// the built-in list decides.
    #[serde(skip)]
    pub inactive: Option<bool>,
}

/// The problems that make a contact's facts untrustworthy: a front-matter
/// error (the facts may be missing) or git conflict markers.
pub fn untrusting(n: &Note) -> impl Iterator<Item = &Problem> {
    n.problems.iter().filter(move |p| {
        n.is_contact
            && p.severity == Severity::Error
            && matches!(p.code, Code::Yaml | Code::Conflict)
    })
}

/// The `status` values that end follow-ups when the config names none.
pub const DEFAULT_INACTIVE: [&str; 5] = ["archived", "paused", "inactive", "dormant", "deceased"];

/// A contact's `status` as written: free text (`active`, `paused`,
/// `Ruhend`). Which statuses end follow-ups is the vault's list
/// (`inactive_status`, docs/config.md), compared folded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Status(String);

impl Status {
    pub fn new(text: impl Into<String>) -> Status {
        Status(text.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What statuses are compared by: folded (case, accents, spaces).
    pub fn key(&self) -> String {
        status_key(&self.0)
    }

    /// Is it one of `list`? An empty status is none.
    pub fn is_one_of<S: AsRef<str>>(&self, list: &[S]) -> bool {
        let s = self.key();
        !s.is_empty() && list.iter().any(|l| status_key(l.as_ref()) == s)
    }
}

/// The key a status (or an `inactive_status` entry) is compared by.
pub fn status_key(text: &str) -> String {
    fold(text)
}

impl Facts {
    pub fn birthday(&self) -> Option<Birthday> {
        self.birthday
    }
    pub fn cadence(&self) -> Option<Cadence> {
        self.cadence
    }
    /// Contacts with an inactive `status` (`archived`, `paused`, … or the
    /// config's `inactive_status`) take no part in `due`.
    pub fn is_inactive(&self) -> bool {
        self.inactive
            .unwrap_or_else(|| self.status_in(&DEFAULT_INACTIVE))
    }

    /// Decide [`Facts::is_inactive`] by the vault's list of statuses.
    pub fn apply_inactive<S: AsRef<str>>(&mut self, list: &[S]) {
        self.inactive = Some(self.status_in(list));
    }

    fn status_in<S: AsRef<str>>(&self, list: &[S]) -> bool {
        self.status.as_ref().is_some_and(|s| s.is_one_of(list))
    }
}

/// A dated line: a list item or heading starting with `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub date: Date,
    pub text: String,
    pub line: usize,
    /// A mention in a dated note (a journal page) rather than this note's
    /// own log: that note's path (and `line` is its line).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A link from a dated note (a daily note, a meeting note): a contact on
/// that date, with the line (or the note's title) as the talking point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub target: String,
    pub line: usize,
    pub text: String,
}

/// An unchecked task `- [ ]`, with its due date when the text starts with one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItem {
    pub text: String,
    pub due: Option<Date>,
    pub line: usize,
}

/// A link to a note: a wiki link `[[Target]]` (`[[Target|label]]`,
/// `![[Target]]`, `[[Target#heading]]`), or a Markdown link to a `.md` file,
/// whose target is then the vault-relative path (`people/anna.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WikiLink {
    pub target: String,
    pub line: usize,
    /// A Markdown link `[text](path.md)`, not a wiki link.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub markdown: bool,
    /// In an unchecked task, a block quote or an embed: a reference, not a
    /// meeting (never counted as contact from a journal).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub aside: bool,
}

impl WikiLink {
    /// The link as a reader would recognise it: `[[Target]]` or `(path.md)`.
    pub fn shown(&self) -> String {
        if self.markdown {
            format!("({})", self.target)
        } else {
            format!("[[{}]]", self.target)
        }
    }
}

/// Everything `rapport` knows about one note, without its full text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    pub path: String,
    pub name: String,
    pub is_contact: bool,
    pub facts: Facts,
    pub log: Vec<LogEntry>,
    pub open: Vec<OpenItem>,
    pub done: usize,
    pub links: Vec<WikiLink>,
    pub problems: Vec<Problem>,
    /// The note's date, when it is a dated note (file stem starting with
    /// an ISO date, or a `date:` in its front matter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dated: Option<Date>,
    /// The links of a dated note that count as contact (not in unchecked
    /// tasks, code, block quotes or embeds).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mention>,
}

impl Note {
    /// The file stem: `people/anna-schmidt.md` → `anna-schmidt`.
    pub fn stem(&self) -> &str {
        let file = self.path.rsplit('/').next().unwrap_or(&self.path);
        file.strip_suffix(".md").unwrap_or(file)
    }

    /// Name, aliases and stem: every key a link or NAME can use.
    pub fn keys(&self) -> Vec<&str> {
        let mut k = vec![self.name.as_str()];
        k.extend(self.facts.aliases.iter().map(String::as_str));
        k.push(self.stem());
        k
    }

    /// The latest past contact: `last_contact` or a log entry dated on or before today.
    pub fn last_contact(&self, today: Date) -> Option<Date> {
        let from_log = self
            .log
            .iter()
            .map(|e| e.date)
            .filter(|d| *d <= today)
            .max();
        match (self.facts.last_contact, from_log) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// The most recent past log entry, as a talking point.
    pub fn last_log(&self, today: Date) -> Option<&LogEntry> {
        self.log
            .iter()
            .filter(|e| e.date <= today)
            .max_by_key(|e| (e.date, std::cmp::Reverse(e.line)))
    }
}

/// A parsed note plus the text to index.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub note: Note,
    /// The Markdown body (after front matter), or the whole text without one.
    pub body: String,
    /// Line number (1-based) of the body's first line in the file.
    pub body_line: usize,
    /// Unknown front-matter values and unparsable front matter, as text.
    pub extra_text: String,
}
