//! One pulldown-cmark pass over a note's body: log entries (dated list items and
//! headings), open task items, wiki links, the first `# ` heading; plus the
//! merge-conflict marker scan. Line numbers are 1-based file lines.

use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::vault::cadence::leading_date;
use crate::vault::note::{LogEntry, OpenItem, Problem, Severity, WikiLink};

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

fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parse `body`, whose first line is line `first_line` of the file.
pub fn parse(body: &str, first_line: usize) -> Body {
    let mut out = Body::default();
    let mut line_starts = vec![0usize];
    line_starts.extend(body.match_indices('\n').map(|(i, _)| i + 1));
    let line_of = |off: usize| line_starts.partition_point(|s| *s <= off) - 1 + first_line;

    let opts = Options::ENABLE_TASKLISTS
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TABLES;
    let mut items: Vec<Item> = Vec::new();
    let mut heading: Option<(HeadingLevel, usize, String)> = None;
    for (ev, range) in Parser::new_ext(body, opts).into_offset_iter() {
        match ev {
            Event::Start(Tag::Item) => items.push(Item {
                line: line_of(range.start),
                text: String::new(),
                task: None,
                closed: false,
            }),
            Event::Start(Tag::List(_)) => {
                if let Some(top) = items.last_mut() {
                    top.closed = true;
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(top) = items.last_mut() {
                    top.task = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                let Some(item) = items.pop() else { continue };
                let text = clean(&item.text);
                match item.task {
                    Some(true) => out.done += 1,
                    Some(false) => {
                        let due = leading_date(&text).map(|(d, _)| d);
                        out.open.push(OpenItem {
                            text,
                            due,
                            line: item.line,
                        });
                    }
                    None => {
                        if let Some((date, rest)) = leading_date(&text) {
                            out.log.push(LogEntry {
                                date,
                                text: rest.to_string(),
                                line: item.line,
                            });
                        }
                    }
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, line_of(range.start), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, line, text)) = heading.take() {
                    let text = clean(&text);
                    if let Some((date, rest)) = leading_date(&text) {
                        out.log.push(LogEntry {
                            date,
                            text: rest.to_string(),
                            line,
                        });
                    }
                    if level == HeadingLevel::H1 && out.first_heading.is_none() && !text.is_empty()
                    {
                        out.first_heading = Some(text);
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { .. },
                dest_url,
                ..
            }) => {
                let target = dest_url.split('#').next().unwrap_or("").trim().to_string();
                if !target.is_empty() {
                    out.links.push(WikiLink {
                        target,
                        line: line_of(range.start),
                    });
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, h)) = heading.as_mut() {
                    h.push_str(&t);
                } else if let Some(top) = items.last_mut()
                    && !top.closed
                {
                    top.text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(top) = items.last_mut()
                    && !top.closed
                {
                    top.text.push(' ');
                }
            }
            _ => {}
        }
    }
    out
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
                    "conflict",
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
    use super::parse;

    #[test]
    fn nested_items_and_headings() {
        let b = parse(
            "# Title\n\n## 2026-01-05 Workshop\n\n- 2026-02-01 call\n  - 2026-02-02 nested detail\n- not dated\n- [ ] 2026-03-01 task [[Bo]]\n- [ ] plain task\n\n```\n[[not a link]]\n- [ ] not a task\n```\n",
            10,
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
