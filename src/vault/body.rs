//! One pulldown-cmark pass over a note's body: log entries (dated list items and
//! headings), open task items, links to notes (wiki links as Obsidian writes
//! them, Markdown links to `.md` files), the first `# ` heading; plus the
//! merge-conflict marker scan. Line numbers are 1-based file lines.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::vault::cadence::leading_date;
use crate::vault::model::{Code, LogEntry, OpenItem, Problem, Severity, WikiLink};
use crate::vault::text::squash_whitespace;

/// What the body says.
#[derive(Debug, Default)]
pub struct Body {
    pub first_heading: Option<String>,
    pub log: Vec<LogEntry>,
    pub open: Vec<OpenItem>,
    pub done: usize,
    pub links: Vec<WikiLink>,
}

struct Item {
    line: usize,
    text: String,
    task: Option<bool>,
    closed: bool,
}

/// File extensions that name an attachment, not a note, in a link: what
/// Obsidian embeds (images, audio, video, PDF, canvas, bases) and common
/// documents. Compared without case.
const ATTACHMENTS: &[&str] = &[
    "avif",
    "bmp",
    "gif",
    "heic",
    "ico",
    "jpeg",
    "jpg",
    "png",
    "svg",
    "tif",
    "tiff",
    "webp",
    "3gp",
    "aac",
    "flac",
    "m4a",
    "mp3",
    "ogg",
    "opus",
    "wav",
    "m4v",
    "mkv",
    "mov",
    "mp4",
    "ogv",
    "webm",
    "pdf",
    "canvas",
    "base",
    "excalidraw",
    "epub",
    "csv",
    "doc",
    "docx",
    "json",
    "key",
    "numbers",
    "odp",
    "ods",
    "odt",
    "pages",
    "ppt",
    "pptx",
    "rtf",
    "txt",
    "xls",
    "xlsx",
    "zip",
    "ics",
    "vcf",
    "html",
    "htm",
    "xml",
    "yaml",
    "yml",
];

/// Does the link target `t` name a file other than a note? Its last part
/// ends in a known attachment extension, or in any other short extension
/// (2 to 4 lowercase letters or digits, starting with a letter). `.md` and
/// names like `St.Pauli` or `Dr. Who` are notes.
fn is_attachment(t: &str) -> bool {
    let file = t.rsplit('/').next().unwrap_or(t);
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    if stem.is_empty() || ext.eq_ignore_ascii_case("md") {
        return false;
    }
    ATTACHMENTS.iter().any(|a| a.eq_ignore_ascii_case(ext))
        || ((2..=4).contains(&ext.len())
            && ext.starts_with(|c: char| c.is_ascii_lowercase())
            && ext
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// The note a wiki link names, as Obsidian writes it: without `#heading`,
/// `#^block`, `^block` or `|label`, and without the `\` that escapes the `|`
/// inside a table (`[[Anna\|Anni]]`). `None` for a link within the note
/// (`[[#heading]]`) and for an attachment (`[[photo.png]]`).
fn wiki_target(dest: &str) -> Option<String> {
    let t = dest.split(['#', '^', '|']).next().unwrap_or("");
    let t = t.trim().trim_end_matches('\\').trim();
    (!t.is_empty() && !is_attachment(t)).then(|| t.to_string())
}

/// `%20` and other `%XX` escapes decoded; the text as it is when the bytes
/// are not UTF-8.
fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    String::from_utf8(crate::vault::text::decode_hex_escapes(s, b'%'))
        .unwrap_or_else(|_| s.to_string())
}

/// Does `dest` start with a URL scheme (`https:`, `mailto:`, `obsidian:`)?
fn has_scheme(dest: &str) -> bool {
    dest.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The vault-relative path a Markdown link to a note names, from the folder
/// `dir` of the note that holds it: `anna.md`, `../people/anna.md`, vault-absolute
/// `/people/anna.md`, URL-encoded `Anna%20Schmidt.md`, with or without
/// `#heading`. `None` for a URL, an attachment or a link without `.md`.
fn markdown_target(dest: &str, dir: &str) -> Option<String> {
    let d = dest.trim().split('#').next().unwrap_or("");
    if d.is_empty() || has_scheme(d) {
        return None;
    }
    let d = percent_decode(d);
    let lower = d.to_lowercase();
    if !lower.ends_with(".md") {
        return None;
    }
    let (base, rel) = match d.strip_prefix('/') {
        Some(abs) => ("", abs),
        None => (dir, d.as_str()),
    };
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                // above the vault root: keep it, the link is broken
                if parts.last().is_none_or(|l| *l == "..") {
                    parts.push("..");
                } else {
                    parts.pop();
                }
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The state of one walk over a body's Markdown events.
struct Walk<'a> {
    out: Body,
    /// Byte offset of every line's start, for [`Walk::line_of`].
    line_starts: Vec<usize>,
    first_line: usize,
    dir: &'a str,
    /// The list items open around the current event, innermost last.
    items: Vec<Item>,
    /// The heading being read: its level, line and text so far.
    heading: Option<(HeadingLevel, usize, String)>,
    /// How many block quotes the current event is in.
    quotes: usize,
}

impl<'a> Walk<'a> {
    fn new(body: &str, first_line: usize, dir: &'a str) -> Walk<'a> {
        let mut line_starts = vec![0usize];
        line_starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
        Walk {
            out: Body::default(),
            line_starts,
            first_line,
            dir,
            items: Vec::new(),
            heading: None,
            quotes: 0,
        }
    }

    /// The file line of byte `off` of the body (a binary search: a body has
    /// many events).
    fn line_of(&self, off: usize) -> usize {
        self.line_starts.partition_point(|s| *s <= off) - 1 + self.first_line
    }

    /// A dated line (`2026-01-05 text`) is a log entry.
    fn log_if_dated(&mut self, text: &str, line: usize) {
        if let Some((date, rest)) = leading_date(text) {
            self.out.log.push(LogEntry {
                date,
                text: rest.to_string(),
                line,
                source: None,
            });
        }
    }

    /// A list item ends: a done task is counted, an open one is an open
    /// item, a plain dated item a log entry.
    fn end_item(&mut self) {
        let Some(item) = self.items.pop() else { return };
        let text = squash_whitespace(&item.text);
        match item.task {
            Some(true) => self.out.done += 1,
            Some(false) => {
                let due = leading_date(&text).map(|(d, _)| d);
                self.out.open.push(OpenItem {
                    text,
                    due,
                    line: item.line,
                });
            }
            None => self.log_if_dated(&text, item.line),
        }
    }

    /// A heading ends: a dated one is a log entry, the first `#` heading
    /// names a note that gives no name.
    fn end_heading(&mut self) {
        let Some((level, line, text)) = self.heading.take() else {
            return;
        };
        let text = squash_whitespace(&text);
        self.log_if_dated(&text, line);
        if level == HeadingLevel::H1 && self.out.first_heading.is_none() && !text.is_empty() {
            self.out.first_heading = Some(text);
        }
    }

    /// A wiki or Markdown link (or embed) to a note starts at `off`; it is an
    /// aside in an image, a quote or an open task.
    fn link(&mut self, link_type: LinkType, dest_url: &str, image: bool, off: usize) {
        // `![[Note]]` embeds a note: a link too; `![[photo.png]]` is not
        let aside =
            image || self.quotes > 0 || self.items.last().is_some_and(|i| i.task == Some(false));
        let (target, markdown) = match link_type {
            LinkType::WikiLink { .. } => (wiki_target(dest_url), false),
            LinkType::Autolink | LinkType::Email => (None, false),
            _ => (markdown_target(dest_url, self.dir), true),
        };
        if let Some(target) = target {
            self.out.links.push(WikiLink {
                target,
                line: self.line_of(off),
                markdown,
                aside,
            });
        }
    }

    /// Text goes to the heading being read, else to the innermost list item
    /// whose own text has not ended (a nested list ends it).
    fn push_text(&mut self, t: &str) {
        if let Some((_, _, h)) = self.heading.as_mut() {
            h.push_str(t);
        } else if let Some(top) = self.items.last_mut()
            && !top.closed
        {
            top.text.push_str(t);
        }
    }

    fn event(&mut self, ev: Event<'_>, off: usize) {
        match ev {
            Event::Start(Tag::BlockQuote(_)) => self.quotes += 1,
            Event::End(TagEnd::BlockQuote(_)) => self.quotes = self.quotes.saturating_sub(1),
            Event::Start(Tag::Item) => self.items.push(Item {
                line: self.line_of(off),
                text: String::new(),
                task: None,
                closed: false,
            }),
            Event::Start(Tag::List(_)) => {
                if let Some(top) = self.items.last_mut() {
                    top.closed = true;
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(top) = self.items.last_mut() {
                    top.task = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => self.end_item(),
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level, self.line_of(off), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => self.end_heading(),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => self.link(link_type, &dest_url, false, off),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => self.link(link_type, &dest_url, true, off),
            Event::Text(t) | Event::Code(t) => self.push_text(&t),
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = self.items.last_mut()
                    && !top.closed
                {
                    top.text.push(' ');
                }
            }
            _ => {}
        }
    }
}

/// Parse `body`, whose first line is line `first_line` of the file; `dir` is
/// the vault-relative folder of the note (`""` at the root), for relative
/// Markdown links.
pub fn parse(body: &str, first_line: usize, dir: &str) -> Body {
    let opts = Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES;
    let mut walk = Walk::new(body, first_line, dir);
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        walk.event(ev, range.start);
    }
    walk.out
}

/// Report git merge-conflict markers (`<<<<<<<`, `>>>>>>>`) in `text`.
pub fn conflict_markers(text: &str, problems: &mut Vec<Problem>) {
    let mut opened = false;
    for (i, line) in text.lines().enumerate() {
        let marker = |m: &str| {
            line.strip_prefix(m)
                .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\r']))
        };
        if marker("<<<<<<<") {
            opened = true;
            problems.push(
                Problem::new(
                    Severity::Error,
                    Code::Conflict,
                    "merge-conflict marker: resolve the conflict before this note can be trusted",
                )
                .at(i + 1, Some(1), text),
            );
        } else if opened && marker(">>>>>>>") {
            opened = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{markdown_target, parse, percent_decode, wiki_target};

    #[test]
    fn wiki_targets_as_obsidian_writes_them() {
        let rows: &[(&str, Option<&str>)] = &[
            ("Anna Schmidt", Some("Anna Schmidt")),
            ("Anna Schmidt\\", Some("Anna Schmidt")),
            ("Anna#Heading", Some("Anna")),
            ("Anna#^block1", Some("Anna")),
            ("Anna^block1", Some("Anna")),
            ("people/anna.md#Log", Some("people/anna.md")),
            ("St.Pauli", Some("St.Pauli")),
            ("Dr. Who", Some("Dr. Who")),
            ("J.R.R. Tolkien", Some("J.R.R. Tolkien")),
            ("v1.2", Some("v1.2")),
            ("#Heading", None),
            ("^block", None),
            ("", None),
            ("photo.png", None),
            ("scans/Photo.JPG", None),
            ("talk.pdf", None),
            ("board.canvas", None),
            ("notes.docx", None),
            ("data.abc", None),
        ];
        for (dest, want) in rows {
            assert_eq!(wiki_target(dest).as_deref(), *want, "{dest:?}");
        }
    }

    #[test]
    fn markdown_targets_resolve_from_the_note_folder() {
        let rows: &[(&str, &str, Option<&str>)] = &[
            ("anna.md", "people", Some("people/anna.md")),
            ("./anna.md", "people", Some("people/anna.md")),
            ("../work/bo.md", "people/kiel", Some("people/work/bo.md")),
            ("/people/anna.md", "notes/2026", Some("people/anna.md")),
            ("Anna%20Schmidt.md", "", Some("Anna Schmidt.md")),
            ("J%C3%BCrgen.md#Log", "p", Some("p/Jürgen.md")),
            ("anna.md#^block", "", Some("anna.md")),
            ("ANNA.MD", "", Some("ANNA.MD")),
            ("../../x.md", "a", Some("../x.md")),
            ("%ZZ.md", "", Some("%ZZ.md")),
            ("https://example.org/a.md", "", None),
            ("obsidian://open?file=a.md", "", None),
            ("mailto:a@b.md", "", None),
            ("photo.png", "", None),
            ("people/anna", "", None),
            ("#heading", "", None),
            ("", "", None),
        ];
        for (dest, dir, want) in rows {
            assert_eq!(
                markdown_target(dest, dir).as_deref(),
                *want,
                "{dest:?} in {dir:?}"
            );
        }
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%FF.md"), "%FF.md");
    }

    #[test]
    fn links_in_tables_embeds_markdown_and_code() {
        let text = "| who | note |\n|---|---|\n| [[Anna Schmidt\\|Anna]] | [[Bo#Log\\|Bo]] |\n\n\
            ![[Cleo]] ![[photo.png]] ![[scan.pdf#page=2]] [[Dan^x1]] [[Eva#^x2]]\n\
            [Finn](Finn%20Berg.md#Log) [site](https://example.org/a.md) [pic](img/a.png)\n\
            `[[Not In Code]]` and `[x](code.md)`\n\n\
            ```\n[[Not Fenced]]\n```\n\n    [[Not Indented]]\n\n~~~md\n[y](fenced.md)\n~~~\n";
        let b = parse(text, 5, "people");
        let got: Vec<(&str, usize, bool)> = b
            .links
            .iter()
            .map(|l| (l.target.as_str(), l.line, l.markdown))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Anna Schmidt", 7, false),
                ("Bo", 7, false),
                ("Cleo", 9, false),
                ("Dan", 9, false),
                ("Eva", 9, false),
                ("people/Finn Berg.md", 10, true),
            ]
        );
    }

    #[test]
    fn nested_items_and_headings() {
        let b = parse(
            "# Title\n\n## 2026-01-05 Workshop\n\n- 2026-02-01 call\n  - 2026-02-02 nested detail\n- not dated\n- [ ] 2026-03-01 task [[Bo]]\n- [ ] plain task\n\n```\n[[not a link]]\n- [ ] not a task\n```\n",
            10,
            "",
        );
        assert_eq!(b.first_heading.as_deref(), Some("Title"));
        let dates: Vec<String> = b.log.iter().map(|e| e.date.to_string()).collect();
        assert_eq!(dates, vec!["2026-01-05", "2026-02-02", "2026-02-01"]);
        assert_eq!(b.log[0].line, 12);
        assert_eq!(b.open.len(), 2);
        assert_eq!(b.open[0].text, "2026-03-01 task Bo");
        assert_eq!(b.open[0].line, 17);
        assert_eq!(b.links.len(), 1);
        assert_eq!(b.links[0].target, "Bo");
    }
}
