//! `match TOPIC... | --file PATH`: who cares about a topic, ranked.

use std::io::Read;

use anyhow::Context;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::MatchArgs;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, DIM, MAGENTA};
use crate::concepts::Concepts;
use crate::index::SyncMode;
use crate::index::query::{TopicMatch, is_function_word};

#[derive(Serialize)]
struct MatchResult {
    topic: String,
    matches: Vec<TopicMatch>,
}

/// How many telling words of a `--file` text are matched.
const FILE_TERMS: usize = 24;

/// The longest `--file` text: a book is a few MiB; `/dev/urandom` is endless.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// At most [`MAX_FILE_BYTES`] of `r` as text (invalid UTF-8 replaced), or
/// a one-line error naming `name` when there is more, or NUL bytes (binary).
fn read_text(name: &str, r: impl Read) -> anyhow::Result<String> {
    let mut buf = Vec::new();
    r.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .with_context(|| name.to_string())?;
    if buf.contains(&0) {
        anyhow::bail!("{name}: not a text file (it contains NUL bytes)");
    }
    if buf.len() > MAX_FILE_BYTES {
        anyhow::bail!(
            "{name}: larger than {} MiB; match --file reads texts up to that size",
            MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

pub fn run(ctx: &mut Ctx, a: MatchArgs) -> anyhow::Result<Exit> {
    let MatchArgs {
        topic,
        file,
        limit,
        explain,
        fresh,
    } = a;
    let topic = topic.as_slice();
    let file = file.as_deref();
    let text = match file {
        Some(p) if p.as_os_str() == "-" => Some(read_text("stdin", std::io::stdin())?),
        Some(p) => {
            let name = p.display().to_string();
            let f = std::fs::File::open(p).with_context(|| name.clone())?;
            Some(read_text(&name, f)?)
        }
        None => None,
    };
    let s = ctx.session(SyncMode::Sync)?;
    let concepts = Concepts::with_user(&s.config.concepts);
    let mut dropped: Vec<String> = Vec::new();
    let words: Vec<String> = match &text {
        Some(t) => s.telling_terms(t, FILE_TERMS),
        None => topic
            .iter()
            .flat_map(|t| t.split_whitespace().map(str::to_string))
            .filter(|w| {
                let stop = is_function_word(&concepts, w);
                if stop {
                    dropped.push(w.clone());
                }
                !stop
            })
            .collect(),
    };
    if words.is_empty() && !dropped.is_empty() {
        // one line on stderr (a notice, printed when the command ends)
        let why = format!(
            "nothing to match: {} {}",
            dropped.join(", "),
            if dropped.len() == 1 {
                "is a stop word (a German or English function word)"
            } else {
                "are stop words (German or English function words)"
            },
        );
        if ctx.out.json {
            ctx.out.json(&MatchResult {
                topic: String::new(),
                matches: vec![],
            });
        }
        if let Ok(mut n) = ctx.notices.lock() {
            n.push(why);
        }
        return Ok(Exit::NothingFound);
    }
    // the whole model is read only when needed, and then once
    let needs_notes = !words.is_empty() && (s.reading.selective() || text.is_some());
    let notes = if needs_notes { s.notes()? } else { vec![] };
    let mut matches = if words.is_empty() {
        vec![]
    } else if s.reading.selective() {
        // the index knows notes with front matter; the config's `contacts`
        // picks among them
        let contacts: std::collections::HashSet<&str> = notes
            .iter()
            .filter(|n| n.is_contact)
            .map(|n| n.path.as_str())
            .collect();
        let mut m = s.match_topics(&words, limit.saturating_mul(4))?;
        m.retain(|m| contacts.contains(m.path.as_str()));
        m
    } else {
        s.match_topics(&words, limit)?
    };
    // an article already given to someone: marked and ranked after the others
    if let Some(t) = &text {
        let (title, url) = crate::ledger::article(t);
        let given = given_dates(&notes, &title, url.as_deref());
        for m in &mut matches {
            m.already_given = given.get(&m.path).copied();
        }
        if fresh {
            matches.retain(|m| m.already_given.is_none());
        }
        matches.sort_by_key(|m| m.already_given.is_some());
    }
    matches.truncate(limit);
    let exit = if matches.is_empty() {
        Exit::NothingFound
    } else {
        Exit::Ok
    };
    let topic = words.join(" ");
    if ctx.out.json {
        ctx.out.json(&MatchResult { topic, matches });
        return Ok(exit);
    }
    if explain {
        let what = if text.is_some() {
            "telling words"
        } else {
            "topic words"
        };
        let l = ctx.out.styled(DIM, &format!("{what}: {topic}"));
        ctx.out.line(l);
        if !dropped.is_empty() {
            let l = ctx.out.styled(
                DIM,
                &format!("left out as stop words: {}", dropped.join(" ")),
            );
            ctx.out.line(l);
        }
    }
    for m in &matches {
        let mut place = m.fields.join(", ");
        if !m.via.is_empty() {
            place = format!("{place} via {}", m.via.join(", "));
        }
        let head = format!(
            "{}  {}  {}",
            ctx.out.styled(BOLD, &m.name),
            ctx.out.styled(CYAN, &place),
            ctx.out.styled(
                MAGENTA,
                &match m.line {
                    Some(l) => format!("{}:{l}", m.path),
                    None => m.path.clone(),
                }
            ),
        );
        ctx.out.line(head);
        if let Some(d) = m.already_given {
            let l = ctx.out.styled(DIM, &format!("    already given {d}"));
            ctx.out.line(l);
        }
        if !m.snippet.is_empty() {
            let snip = ctx.out.highlight(&m.snippet, &m.highlights);
            ctx.out.line(format!("    {}", snip.trim()));
        }
    }
    Ok(exit)
}

/// Who already got an article (a `gave:` entry with its URL, or its title,
/// compared folded), and when last.
fn given_dates(
    notes: &[crate::vault::note::Note],
    title: &str,
    url: Option<&str>,
) -> std::collections::HashMap<String, jiff::civil::Date> {
    use crate::vault::names::fold;
    let title = fold(title);
    let mut out = std::collections::HashMap::new();
    for n in notes {
        for x in crate::ledger::exchanges(n) {
            if x.way != crate::ledger::Way::Gave {
                continue;
            }
            let same_url = url.is_some_and(|u| x.text.contains(u));
            let same_title = title.chars().count() >= 4 && fold(&x.text).contains(&title);
            if same_url || same_title {
                let d = out.entry(n.path.clone()).or_insert(x.date);
                if x.date > *d {
                    *d = x.date;
                }
            }
        }
    }
    out
}
