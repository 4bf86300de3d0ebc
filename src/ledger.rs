//! Give first: what I gave and got, from the log (docs/follow-ups.md,
//! "Gives and gets"). A log entry whose text starts with `gave:` or `got:`
//! (German `gegeben:` / `bekommen:`, any case) is a give or a get; its kind
//! comes from the first word. Pure over parsed notes.

use jiff::civil::Date;
use serde::Serialize;

use crate::vault::names::fold;
use crate::vault::note::Note;

/// Which way something went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Way {
    Gave,
    Got,
}

/// What it was, from the first word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Book,
    Article,
    Intro,
    Idea,
    Help,
    Other,
}

/// One give or get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exchange {
    pub way: Way,
    pub kind: Kind,
    pub date: Date,
    /// The text after `gave:`/`got:`.
    pub text: String,
    pub line: usize,
}

/// `gave: book "Getting to Yes"` → (Gave, Book, `book "Getting to Yes"`).
pub fn parse(text: &str) -> Option<(Way, Kind, &str)> {
    let t = text.trim_start();
    let (head, rest) = t.split_once(':')?;
    let way = match head.trim().to_lowercase().as_str() {
        "gave" | "gegeben" => Way::Gave,
        "got" | "bekommen" => Way::Got,
        _ => return None,
    };
    let rest = rest.trim();
    let first: String = rest
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    let kind = match first.as_str() {
        "book" | "books" | "buch" | "buchtipp" => Kind::Book,
        "article" | "artikel" | "link" | "paper" => Kind::Article,
        "intro" | "introduction" | "vorstellung" | "kontakt" => Kind::Intro,
        "idea" | "idee" => Kind::Idea,
        "help" | "hilfe" | "feedback" => Kind::Help,
        _ => Kind::Other,
    };
    Some((way, kind, rest))
}

/// The gives and gets of one note, oldest first.
pub fn exchanges(n: &Note) -> Vec<Exchange> {
    let mut v: Vec<Exchange> = n
        .log
        .iter()
        .filter(|e| e.source.is_none())
        .filter_map(|e| {
            parse(&e.text).map(|(way, kind, text)| Exchange {
                way,
                kind,
                date: e.date,
                text: text.to_string(),
                line: e.line,
            })
        })
        .collect();
    v.sort_by_key(|x| (x.date, x.line));
    v
}

/// The introductions a note records (`gave: intro …`, also got), folded,
/// for [`introduced_among`].
pub fn intro_texts(n: &Note) -> Vec<String> {
    exchanges(n)
        .into_iter()
        .filter(|x| x.kind == Kind::Intro)
        .map(|x| fold(&x.text))
        .collect()
}

/// Does one of these introductions name the person whose folded name
/// (`names::fold`) is `folded_name`?
fn introduced_folded(intro_texts: &[String], folded_name: &str) -> bool {
    !folded_name.is_empty() && intro_texts.iter().any(|t| t.contains(folded_name))
}

/// The people among `names` whom one of the introductions `given` (a
/// giver's [`intro_texts`]) names, the giver `me` left out, by their
/// place in `names`. The names are folded once, by `fold_all`, on the
/// first call that has an introduction to compare them with (`folded`
/// keeps them for the next giver).
pub fn introduced_among(
    given: &[String],
    me: usize,
    folded: &mut Option<Vec<String>>,
    fold_all: impl FnOnce() -> Vec<String>,
) -> Vec<usize> {
    if given.is_empty() {
        return Vec::new();
    }
    folded
        .get_or_insert_with(fold_all)
        .iter()
        .enumerate()
        .filter(|&(b, name)| b != me && introduced_folded(given, name))
        .map(|(b, _)| b)
        .collect()
}

impl Way {
    /// `gave` or `got `, four letters wide for columns.
    pub fn word(self) -> &'static str {
        match self {
            Way::Gave => "gave",
            Way::Got => "got ",
        }
    }
}

/// A contact's side of the ledger.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub path: String,
    pub name: String,
    pub gave: usize,
    pub got: usize,
    /// gave − got
    pub balance: i64,
    pub last_gave: Option<Date>,
    pub exchanges: Vec<Exchange>,
}

/// Every contact with a give or a get since `since` (all when `None`):
/// first those I only took from (got, never gave), then by longest since I
/// last gave (never first), then by name.
pub fn ledger(notes: &[Note], since: Option<Date>) -> Vec<Account> {
    let mut out: Vec<Account> = notes
        .iter()
        .filter(|n| n.is_contact)
        .filter_map(|n| {
            let ex: Vec<Exchange> = exchanges(n)
                .into_iter()
                .filter(|x| since.is_none_or(|s| x.date >= s))
                .collect();
            if ex.is_empty() {
                return None;
            }
            let gave = ex.iter().filter(|x| x.way == Way::Gave).count();
            let got = ex.len() - gave;
            Some(Account {
                path: n.path.clone(),
                name: n.name.clone(),
                gave,
                got,
                balance: gave as i64 - got as i64,
                last_gave: ex
                    .iter()
                    .filter(|x| x.way == Way::Gave)
                    .map(|x| x.date)
                    .max(),
                exchanges: ex,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        let only_took = |x: &Account| !(x.got > 0 && x.gave == 0);
        only_took(a)
            .cmp(&only_took(b))
            .then(a.last_gave.cmp(&b.last_gave))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// An article given by `--file`: its title (first heading, else first
/// non-empty line) and its first URL.
pub fn article(text: &str) -> (String, Option<String>) {
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .or_else(|| text.lines().map(str::trim).find(|l| !l.is_empty()))
        .unwrap_or("")
        .chars()
        .take(160)
        .collect::<String>();
    let url = text
        .split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '"' | '\''))
        .find(|w| w.starts_with("https://") || w.starts_with("http://"))
        .map(|u| u.trim_end_matches(['.', ',', ';', ']']).to_string());
    (title, url)
}

#[cfg(test)]
mod tests {
    use super::{Kind, Way, article, ledger, parse};
    use crate::vault::note::parse_note;

    #[test]
    fn gives_gets_and_kinds() {
        let rows: &[(&str, Option<(Way, Kind)>)] = &[
            (
                "gave: book \"Getting to Yes\"",
                Some((Way::Gave, Kind::Book)),
            ),
            (
                "Gave: intro to [[Jonas Weber]]",
                Some((Way::Gave, Kind::Intro)),
            ),
            ("got: feedback on my talk", Some((Way::Got, Kind::Help))),
            (
                "gegeben: Artikel über Segeln",
                Some((Way::Gave, Kind::Article)),
            ),
            (
                "BEKOMMEN: Idee für den Vortrag",
                Some((Way::Got, Kind::Idea)),
            ),
            ("gave: a bottle of wine", Some((Way::Gave, Kind::Other))),
            ("Coffee at the harbour", None),
            ("gave away: nothing", None),
        ];
        for (text, want) in rows {
            assert_eq!(parse(text).map(|(w, k, _)| (w, k)), *want, "{text}");
        }
    }

    #[test]
    fn ledger_order_and_balance() {
        let note = |p: &str, name: &str, log: &str| {
            parse_note(
                p,
                format!("---\nname: {name}\n---\n## Log\n{log}").as_bytes(),
            )
            .note
        };
        let notes = vec![
            note(
                "a.md",
                "Ann",
                "- 2026-11-20 gave: book X\n- 2026-11-22 got: idea Y\n",
            ),
            note("b.md", "Bob", "- 2026-11-01 got: help with the move\n"),
            note("c.md", "Cem", "- 2026-10-01 gave: intro to Dan\n"),
            note("d.md", "Dan", "- 2026-10-01 Coffee\n"),
        ];
        let l = ledger(&notes, None);
        let order: Vec<&str> = l.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(order, ["Bob", "Cem", "Ann"]);
        assert_eq!((l[2].gave, l[2].got, l[2].balance), (1, 1, 0));
        assert_eq!(l[0].balance, -1);
        let since = ledger(&notes, Some(jiff::civil::date(2026, 11, 21)));
        assert_eq!(since.len(), 1);
        assert_eq!((since[0].gave, since[0].got), (0, 1));
    }

    #[test]
    fn article_title_and_url() {
        let (t, u) =
            article("Some intro\n# Sailing the Baltic\nRead at https://example.org/baltic.\n");
        assert_eq!(t, "Sailing the Baltic");
        assert_eq!(u.as_deref(), Some("https://example.org/baltic"));
        let (t, u) = article("\n\nPlain first line\nno link\n");
        assert_eq!((t.as_str(), u), ("Plain first line", None));
    }
}
