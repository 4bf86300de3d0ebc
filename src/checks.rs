//! The vault-wide rules of `check` (docs/commands.md): names or aliases held
//! by several contacts, links that name no note, and the hint for a vault
//! where most notes count as contacts. Each rule is one function over what
//! it needs (a group of holders, a note and a way to tell whether a target
//! names a note, two counts), fed from all notes here and from the index's
//! terms by `cli/cmd/check.rs`; it returns typed problems, which that file
//! orders and renders.

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

/// A folded name or alias held by this many contacts is a duplicate.
pub const SHARED: usize = 2;

/// The holders of one folded name or alias: how many, and the paths of the
/// first `DUPLICATES_LISTED + 1` by path (the warning's holder and the others
/// it names). Memory per group is bounded whatever its size. `P` is a path
/// borrowed from the notes or one read from the index.
#[derive(Debug)]
pub struct Holders<P> {
    count: usize,
    first: Vec<P>,
}

impl<P> Default for Holders<P> {
    fn default() -> Self {
        Holders {
            count: 0,
            first: Vec::new(),
        }
    }
}

impl<P: AsRef<str>> Holders<P> {
    /// One more holder, at `path`.
    pub fn add(&mut self, path: P) {
        self.count += 1;
        let at = self.first.partition_point(|j| j.as_ref() <= path.as_ref());
        if at <= DUPLICATES_LISTED {
            self.first.insert(at, path);
            self.first.truncate(DUPLICATES_LISTED + 1);
        }
    }

    /// How many notes hold the key.
    pub fn count(&self) -> usize {
        self.count
    }
}

/// The folded keys the duplicate rule counts for a note: a contact's name
/// and aliases (not its file stem), each once; none for other notes. A note
/// whose name and alias fold alike holds the key once.
pub fn name_keys(n: &Note) -> BTreeSet<String> {
    if !n.is_contact {
        return BTreeSet::new();
    }
    std::iter::once(&n.name)
        .chain(n.facts.aliases.iter())
        .map(|k| fold(k))
        .collect()
}

/// The warning for a group of holders of `key`, when they are
/// [`SHARED`] or more: on the first holder by path, naming up to
/// [`DUPLICATES_LISTED`] others and how many are not listed.
pub fn duplicate<P: AsRef<str>>(key: &str, h: &Holders<P>) -> Option<Found> {
    if h.count < SHARED {
        return None;
    }
    let (me, rest) = h.first.split_first()?;
    let others: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
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
        path: me.as_ref().to_string(),
        problem: Problem::new(Severity::Warning, Code::Duplicate, message),
    })
}

/// One warning per folded name or alias that several contacts hold, in
/// key order.
pub fn duplicates(notes: &[Note]) -> Vec<Found> {
    let mut groups: BTreeMap<String, Holders<&str>> = BTreeMap::new();
    for n in notes {
        for k in name_keys(n) {
            groups.entry(k).or_default().add(n.path.as_str());
        }
    }
    groups
        .iter()
        .filter_map(|(key, h)| duplicate(key, h))
        .collect()
}

/// Whether a link target names some note (by name, alias or file stem,
/// folded as [`link_key`](crate::topics::link_key) folds it): answered by a [`LinkResolver`] over the
/// notes, or by the index's terms.
pub trait NamesANote {
    fn names_a_note(&self, target: &str) -> bool;
}

impl NamesANote for LinkResolver {
    fn names_a_note(&self, target: &str) -> bool {
        !self.resolve(target).is_empty()
    }
}

/// The warnings for the links of `n` that name no note, in link order.
pub fn broken_links_of(n: &Note, names: &impl NamesANote) -> Vec<Found> {
    n.links
        .iter()
        .filter(|l| !names.names_a_note(&l.target))
        .map(|l| {
            let mut problem = Problem::new(
                Severity::Warning,
                Code::Link,
                format!("{} matches no note's name, alias or file name", l.shown()),
            );
            problem.line = Some(l.line);
            Found {
                path: n.path.clone(),
                problem,
            }
        })
        .collect()
}

/// One warning per link that matches no note's name, alias or file name.
pub fn broken_links(notes: &[Note]) -> Vec<Found> {
    let resolver = LinkResolver::new(notes);
    notes
        .iter()
        .flat_map(|n| broken_links_of(n, &resolver))
        .collect()
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
    let contacts = notes.iter().filter(|n| n.is_contact).count();
    contacts_hint_for(contacts, notes.len(), selective)
}

/// [`contacts_hint`] from the counts: `contacts` of `notes` notes.
pub fn contacts_hint_for(contacts: usize, notes: usize, selective: bool) -> Option<Problem> {
    const LARGE: usize = 100;
    (!selective && notes >= LARGE && contacts * 2 > notes).then(|| {
        Problem::new(
            Severity::Warning,
            Code::Contacts,
            format!(
                "{contacts} of {notes} notes count as contacts because they have front matter; \
                 say which are in .rapport/config.toml, e.g. contacts = [\"people/\", \"tags:person\"]"
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
