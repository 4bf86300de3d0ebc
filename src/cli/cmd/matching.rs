//! `match TOPIC... | --file PATH`: who cares about a topic, ranked.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use crate::cli::Ctx;
use crate::cli::args::MatchArgs;
use crate::cli::exit::Exit;
use crate::cli::render::{BOLD, CYAN, DIM, MAGENTA};
use crate::concepts::Concepts;
use crate::index::SyncMode;
use crate::index::engine::query::{TopicMatch, is_function_word};
use crate::session::Session;
use crate::vault::note::Note;

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

/// The text of `--file PATH` (`-` for stdin), if given.
fn read_input(file: Option<&Path>) -> anyhow::Result<Option<String>> {
    Ok(match file {
        Some(p) if p.as_os_str() == "-" => Some(read_text("stdin", std::io::stdin())?),
        Some(p) => {
            let name = p.display().to_string();
            let f = std::fs::File::open(p).with_context(|| name.clone())?;
            Some(read_text(&name, f)?)
        }
        None => None,
    })
}

/// The words of the TOPIC arguments, and apart from them the stop words
/// left out.
fn topic_words(topic: &[String], concepts: &Concepts) -> (Vec<String>, Vec<String>) {
    topic
        .iter()
        .flat_map(|t| t.split_whitespace().map(str::to_string))
        .partition(|w| !is_function_word(concepts, w))
}

/// Only stop words were given: an empty result for `--json`, one notice on
/// stderr (printed when the command ends) saying why.
fn nothing_to_match(ctx: &mut Ctx, dropped: &[String]) -> Exit {
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
    Exit::NothingFound
}

/// The people `words` match, best first; with a selective reading only the
/// contacts the config picks (so more are asked for, then filtered).
fn find_matches(
    s: &Session,
    notes: &[Note],
    words: &[String],
    limit: usize,
) -> anyhow::Result<Vec<TopicMatch>> {
    if words.is_empty() {
        return Ok(vec![]);
    }
    if !s.reading.selective() {
        return Ok(s.match_topics(words, limit)?);
    }
    // the index knows notes with front matter; the config's `contacts`
    // picks among them
    let contacts: HashSet<&str> = notes
        .iter()
        .filter(|n| n.is_contact)
        .map(|n| n.path.as_str())
        .collect();
    let mut m = s.match_topics(words, limit.saturating_mul(4))?;
    m.retain(|m| contacts.contains(m.path.as_str()));
    Ok(m)
}

/// An article (the `--file` text) already given to someone: marked and
/// ranked after the others, or left out with `--fresh`.
fn mark_given(matches: &mut Vec<TopicMatch>, text: &str, notes: &[Note], fresh: bool) {
    let (title, url) = crate::ledger::article(text);
    let given = given_dates(notes, &title, url.as_deref());
    for m in matches.iter_mut() {
        m.already_given = given.get(&m.path).copied();
    }
    if fresh {
        matches.retain(|m| m.already_given.is_none());
    }
    matches.sort_by_key(|m| m.already_given.is_some());
}

/// `--explain`: the words matched and the stop words left out.
fn print_explain(ctx: &mut Ctx, what: &str, topic: &str, dropped: &[String]) {
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

/// One match: name, where it matched, the file (and line), whether the
/// article was given already, and the snippet.
fn print_match(ctx: &mut Ctx, m: &TopicMatch) {
    let mut place = m.fields.join(", ");
    if !m.via.is_empty() {
        place = format!("{place} via {}", m.via.join(", "));
    }
    let file = match m.line {
        Some(l) => format!("{}:{l}", m.path),
        None => m.path.clone(),
    };
    let head = format!(
        "{}  {}  {}",
        ctx.out.styled(BOLD, &m.name),
        ctx.out.styled(CYAN, &place),
        ctx.out.styled(MAGENTA, &file),
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

pub fn run(ctx: &mut Ctx, a: MatchArgs) -> anyhow::Result<Exit> {
    let MatchArgs {
        topic,
        file,
        limit,
        explain,
        fresh,
    } = a;
    let text = read_input(file.as_deref())?;
    let s = ctx.session(SyncMode::Sync)?;
    let concepts = Concepts::with_user(&s.config.concepts);
    let (words, dropped) = match &text {
        Some(t) => (s.telling_terms(t, FILE_TERMS), vec![]),
        None => topic_words(&topic, &concepts),
    };
    if words.is_empty() && !dropped.is_empty() {
        return Ok(nothing_to_match(ctx, &dropped));
    }
    // the whole model is read only when needed, and then once
    let needs_notes = !words.is_empty() && (s.reading.selective() || text.is_some());
    let notes = if needs_notes { s.notes()? } else { vec![] };
    let mut matches = find_matches(&s, &notes, &words, limit)?;
    if let Some(t) = &text {
        mark_given(&mut matches, t, &notes, fresh);
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
        print_explain(ctx, what, &topic, &dropped);
    }
    for m in &matches {
        print_match(ctx, m);
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
