//! The NAME policy, in one place for every command that takes a NAME (`show`,
//! `log`, `brief`, `snooze`, `give`, `got`, `ledger`) and for those that make
//! a contact (`new`, `import`): which contact a NAME means, which names are
//! taken, and where a new contact's note goes (docs/commands.md, "NAME").
//! Pure, over the notes.

use crate::vault::model::Note;
use crate::vault::names::{NameQuery, Resolution, decide, fold, name_folds, nfc, same_name, slug};

/// At most this many candidates are named for an ambiguous NAME.
const LISTED: usize = 10;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LookupError {
    #[error("no contact matches {0:?}")]
    NotFound(String),
    #[error("{name:?} is ambiguous: {candidates}")]
    Ambiguous { name: String, candidates: String },
    #[error("{path}: a contact {what} {key:?} already exists")]
    Taken {
        path: String,
        what: &'static str,
        key: String,
    },
    #[error("cannot make a file name from {0:?}: it has no letters a-z or digits")]
    NoFileName(String),
    #[error("new: the name is empty")]
    EmptyName,
}

/// Where [`find_in`] looks for contacts: the notes in memory
/// ([`NoteList`]) or the index. Ids come back in vault (path) order.
pub trait Contacts {
    type Id;
    type Error;
    /// The contact whose note is at `path`, if there is one.
    fn at_path(&self, path: &str) -> Result<Option<Self::Id>, Self::Error>;
    /// The contacts with a key matching `q` exactly ([`NameQuery::exactly`]).
    fn exact(&self, q: &NameQuery) -> Result<Vec<Self::Id>, Self::Error>;
    /// The contacts with a key matching `q` by prefix ([`NameQuery::starts`]).
    fn prefixed(&self, q: &NameQuery) -> Result<Vec<Self::Id>, Self::Error>;
    /// The name and path of a contact, for the ambiguity message.
    fn label(&self, id: &Self::Id) -> Result<(String, String), Self::Error>;
}

/// The contact `name` means: a vault-relative path as commands print it
/// (`people/anna.md`, also without `.md`), else a name, alias, stem or
/// unambiguous prefix. An ambiguous NAME lists at most ten candidates.
pub fn find<'a>(notes: &'a [Note], name: &str) -> Result<&'a Note, LookupError> {
    let found = find_in(&NoteList(notes), name).unwrap_or_else(|e| match e {});
    found.map(|i| &notes[i])
}

/// [`find`] over any source of contacts: the outer error is the source's,
/// the inner one the answer that no single contact is meant.
pub fn find_in<C: Contacts>(c: &C, name: &str) -> Result<Result<C::Id, LookupError>, C::Error> {
    let p = nfc(name.trim());
    let p = p.strip_prefix("./").unwrap_or(&p);
    for path in [p.to_string(), format!("{p}.md")] {
        if let Some(id) = c.at_path(&path)? {
            return Ok(Ok(id));
        }
    }
    let q = NameQuery::new(name);
    if q.is_empty() {
        return Ok(Err(LookupError::NotFound(name.to_string())));
    }
    let exact = c.exact(&q)?;
    Ok(match decide(exact, || c.prefixed(&q))? {
        Resolution::Found(id) => Ok(id),
        Resolution::NotFound => Err(LookupError::NotFound(name.to_string())),
        Resolution::Ambiguous(is) => {
            let mut listed = Vec::new();
            for id in is.iter().take(LISTED) {
                let (n, path) = c.label(id)?;
                listed.push(format!("{n} ({path})"));
            }
            let mut candidates = listed.join(", ");
            if is.len() > LISTED {
                candidates.push_str(&format!(" and {} more", is.len() - LISTED));
            }
            Err(LookupError::Ambiguous {
                name: name.to_string(),
                candidates,
            })
        }
    })
}

/// The contacts among parsed notes, by position.
pub struct NoteList<'a>(pub &'a [Note]);

impl NoteList<'_> {
    fn matching(&self, keep: impl Fn(&[String; 2]) -> bool) -> Vec<usize> {
        let contacts = self.0.iter().enumerate().filter(|(_, n)| n.is_contact);
        contacts
            .filter(|(_, n)| n.keys().iter().any(|k| keep(&name_folds(k))))
            .map(|(i, _)| i)
            .collect()
    }
}

impl Contacts for NoteList<'_> {
    type Id = usize;
    type Error = std::convert::Infallible;

    fn at_path(&self, path: &str) -> Result<Option<usize>, Self::Error> {
        Ok(self.0.iter().position(|n| n.is_contact && n.path == path))
    }

    fn exact(&self, q: &NameQuery) -> Result<Vec<usize>, Self::Error> {
        Ok(self.matching(|k| q.exactly(k)))
    }

    fn prefixed(&self, q: &NameQuery) -> Result<Vec<usize>, Self::Error> {
        Ok(self.matching(|k| q.starts(k)))
    }

    fn label(&self, &i: &usize) -> Result<(String, String), Self::Error> {
        Ok((self.0[i].name.clone(), self.0[i].path.clone()))
    }
}

/// For `log`: the contact `name` means; failing that, a note without front
/// matter named by its path or file stem (logging to it makes it a contact).
pub fn find_or_plain<'a>(notes: &'a [Note], name: &str) -> Result<&'a Note, LookupError> {
    let e = match find(notes, name) {
        Err(e @ LookupError::NotFound(_)) => e,
        other => return other,
    };
    let f = fold(name.trim_end_matches(".md"));
    let plain: Vec<&Note> = notes
        .iter()
        .filter(|n| !n.is_contact)
        .filter(|n| n.path == name || fold(n.stem()) == f)
        .collect();
    match plain.as_slice() {
        [one] => Ok(one),
        [] => Err(e),
        many => Err(LookupError::Ambiguous {
            name: name.to_string(),
            candidates: many
                .iter()
                .map(|n| n.path.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// A new contact's name as it will be written: inner whitespace collapsed.
pub fn new_name(name: &str) -> Result<String, LookupError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(LookupError::EmptyName);
    }
    Ok(name)
}

/// Refuse `name` when a contact already answers to it exactly: its name, an
/// alias or its file stem (folded as NAME is, so `Müller` and `Mueller` clash).
pub fn check_free(notes: &[Note], name: &str) -> Result<(), LookupError> {
    let taken = notes.iter().filter(|n| n.is_contact).find_map(|n| {
        n.keys()
            .into_iter()
            .find(|k| same_name(k, name))
            .map(|k| (n, k))
    });
    let Some((n, key)) = taken else {
        return Ok(());
    };
    let what = if key == n.name {
        "named"
    } else if key == n.stem() {
        "with the file name"
    } else {
        "with the alias"
    };
    Err(LookupError::Taken {
        path: n.path.clone(),
        what,
        key: key.to_string(),
    })
}

/// The vault-relative path of a new contact named `name` in `folder` (a clean
/// folder from [`crate::vault::config::Config::people_folder`]; "" for the root).
pub fn new_note_path(folder: &str, name: &str) -> Result<String, LookupError> {
    let file = slug(name);
    if file.is_empty() {
        return Err(LookupError::NoFileName(name.to_string()));
    }
    Ok(if folder.is_empty() {
        format!("{file}.md")
    } else {
        format!("{folder}/{file}.md")
    })
}

#[cfg(test)]
mod tests {
    use super::{LookupError, check_free, find, find_or_plain, new_name, new_note_path};
    use crate::vault::note::parse_note;

    fn notes() -> Vec<crate::vault::model::Note> {
        [
            (
                "people/anna-schmidt.md",
                "---\nname: Anna Schmidt\naliases: [Anni]\n---\n",
            ),
            ("people/jürgen.md", "---\nname: Jürgen Müller\n---\n"),
            ("people/anna-berg.md", "---\nname: Anna Berg\n---\n"),
            ("notes/plain.md", "no front matter\n"),
        ]
        .iter()
        .map(|(p, t)| parse_note(p, t.as_bytes()).note)
        .collect()
    }

    #[test]
    fn find_by_path_name_alias_prefix() {
        let n = notes();
        let path = |q: &str| find(&n, q).map(|x| x.path.as_str());
        assert_eq!(path("people/anna-schmidt"), Ok("people/anna-schmidt.md"));
        assert_eq!(path("./people/anna-berg.md"), Ok("people/anna-berg.md"));
        assert_eq!(path("anni"), Ok("people/anna-schmidt.md"));
        assert_eq!(path("mueller"), Ok("people/jürgen.md"));
        assert!(matches!(
            find(&n, "anna"),
            Err(LookupError::Ambiguous { .. })
        ));
        assert_eq!(path("plain"), Err(LookupError::NotFound("plain".into())));
        let plain = |q: &str| find_or_plain(&n, q).map(|x| x.path.as_str());
        assert_eq!(plain("plain"), Ok("notes/plain.md"));
        assert_eq!(plain("notes/plain.md"), Ok("notes/plain.md"));
        assert_eq!(plain("anni"), Ok("people/anna-schmidt.md"));
        assert_eq!(plain("nobody"), Err(LookupError::NotFound("nobody".into())));
    }

    #[test]
    fn taken_names_and_new_paths() {
        let n = notes();
        assert!(check_free(&n, "Anna Smith").is_ok());
        let e = check_free(&n, "Juergen Mueller").map_err(|e| e.to_string());
        assert_eq!(
            e,
            Err("people/jürgen.md: a contact named \"Jürgen Müller\" already exists".into())
        );
        let e = check_free(&n, "anni").map_err(|e| e.to_string());
        assert!(e.is_err_and(|m| m.contains("with the alias \"Anni\"")));
        assert_eq!(new_name("  Ada \t Lovelace "), Ok("Ada Lovelace".into()));
        assert_eq!(new_name(" "), Err(LookupError::EmptyName));
        assert_eq!(
            new_note_path("people", "Jürgen Müller"),
            Ok("people/juergen-mueller.md".into())
        );
        assert_eq!(new_note_path("", "Ada"), Ok("ada.md".into()));
        assert!(new_note_path("people", "!!!").is_err());
    }
}
