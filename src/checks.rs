//! The vault-wide rules of `check` (docs/commands.md), pure over the notes:
//! names or aliases held by several contacts, links that name no note, and
//! the hint for a vault where most notes count as contacts. Each rule
//! returns typed problems; `cli/cmd/check.rs` only sorts and renders them.

use std::collections::{BTreeMap, BTreeSet};

use crate::topics::LinkResolver;
use crate::vault::model::{Code, Note, Problem, Severity};
use crate::vault::names::fold;
use crate::vault::text::excerpt;

/// A problem and the vault-relative path of the file it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: String,
    pub problem: Problem,
}

/// A duplicate warning names at most this many other holders, then says how
/// many more there are. One warning per group, on its first holder by path:
/// a warning on each of k holders made the output k lines (or, listing every
/// other holder, quadratic: 100k notes gave 286 MB of output, 1.37 GB of
/// memory).
pub const DUPLICATES_LISTED: usize = 10;

/// The holders of one folded name or alias: how many, and the first
/// `DUPLICATES_LISTED + 1` by path (the warning's holder and the others it
/// names). Memory per group is bounded whatever its size.
#[derive(Default)]
struct Holders {
    count: usize,
    first: Vec<usize>,
}

impl Holders {
    fn add(&mut self, notes: &[Note], i: usize) {
        self.count += 1;
        let path = notes[i].path.as_str();
        let at = self
            .first
            .partition_point(|&j| notes[j].path.as_str() <= path);
        if at <= DUPLICATES_LISTED {
            self.first.insert(at, i);
            self.first.truncate(DUPLICATES_LISTED + 1);
        }
    }
}

/// The warning for a group of holders of `key`: on the first holder by path,
/// naming up to [`DUPLICATES_LISTED`] others and how many are not listed.
fn duplicate(key: &str, notes: &[Note], h: &Holders) -> Option<Found> {
    let (&me, rest) = h.first.split_first()?;
    let others: Vec<&str> = rest.iter().map(|&i| notes[i].path.as_str()).collect();
    let total = h.count - 1;
    let mut message = format!(
        "name or alias {:?} is also used by {}",
        excerpt(key),
        others.join(", ")
    );
    if total > others.len() {
        message.push_str(&format!(" and {} more", total - others.len()));
    }
    Some(Found {
        path: notes[me].path.clone(),
        problem: Problem::new(Severity::Warning, Code::Duplicate, message),
    })
}

/// One warning per folded name or alias that several contacts hold, in
/// key order.
pub fn duplicates(notes: &[Note]) -> Vec<Found> {
    let mut groups: BTreeMap<String, Holders> = BTreeMap::new();
    for (i, n) in notes.iter().enumerate().filter(|(_, n)| n.is_contact) {
        // a note whose name and alias fold alike holds the key once
        let keys: BTreeSet<String> = std::iter::once(&n.name)
            .chain(n.facts.aliases.iter())
            .map(|k| fold(k))
            .collect();
        for k in keys {
            groups.entry(k).or_default().add(notes, i);
        }
    }
    groups
        .iter()
        .filter(|(_, h)| h.count >= 2)
        .filter_map(|(key, h)| duplicate(key, notes, h))
        .collect()
}

/// One warning per link that matches no note's name, alias or file name.
pub fn broken_links(notes: &[Note]) -> Vec<Found> {
    let resolver = LinkResolver::new(notes);
    let mut out = Vec::new();
    for n in notes {
        for l in &n.links {
            if resolver.resolve(&l.target).is_empty() {
                let mut problem = Problem::new(
                    Severity::Warning,
                    Code::Link,
                    format!("{} matches no note's name, alias or file name", l.shown()),
                );
                problem.line = Some(l.line);
                out.push(Found {
                    path: n.path.clone(),
                    problem,
                });
            }
        }
    }
    out
}

/// Problems that need all notes at once: duplicate names, then broken links.
pub fn vault_problems(notes: &[Note]) -> Vec<Found> {
    let mut out = duplicates(notes);
    out.extend(broken_links(notes));
    out
}

/// A large vault where most notes count as contacts only because they have
/// front matter (an Obsidian vault's pages): say once how to choose.
/// `selective` is whether the config names which notes are contacts.
pub fn contacts_hint(notes: &[Note], selective: bool) -> Option<Problem> {
    const LARGE: usize = 100;
    let contacts = notes.iter().filter(|n| n.is_contact).count();
    (!selective && notes.len() >= LARGE && contacts * 2 > notes.len()).then(|| {
        Problem::new(
            Severity::Warning,
            Code::Contacts,
            format!(
                "{contacts} of {} notes count as contacts because they have front matter; \
                 say which are in .rapport/config.toml, e.g. contacts = [\"people/\", \"tags:person\"]",
                notes.len()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::note::parse_note;

    fn note(path: &str, text: &str) -> Note {
        parse_note(path, text.as_bytes()).note
    }

    #[test]
    fn a_shared_name_warns_once_on_the_first_path() {
        let notes = vec![
            note("people/b.md", "---\nname: Ada\n---\n"),
            note("people/a.md", "---\nname: Bob\naliases: [ada]\n---\n"),
            note("people/c.md", "---\nname: Cy\n---\n"),
        ];
        let d = duplicates(&notes);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "people/a.md");
        assert_eq!(d[0].problem.code, Code::Duplicate);
        assert!(d[0].problem.message.contains("people/b.md"));
    }

    #[test]
    fn a_link_to_nobody_is_a_warning_on_its_line() {
        let notes = vec![note(
            "people/a.md",
            "---\nname: Ada\n---\n[[Ada]]\n[[Nobody]]\n",
        )];
        let b = broken_links(&notes);
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].problem.code, Code::Link);
        assert_eq!(b[0].problem.line, Some(5));
        assert!(b[0].problem.message.contains("Nobody"));
    }

    #[test]
    fn the_contacts_hint_needs_a_large_unselective_vault() {
        let many: Vec<Note> = (0..120)
            .map(|i| note(&format!("n{i}.md"), "---\nname: X\n---\n"))
            .collect();
        assert!(contacts_hint(&many, false).is_some());
        assert!(contacts_hint(&many, true).is_none());
        assert!(contacts_hint(&many[..10], false).is_none());
    }
}
