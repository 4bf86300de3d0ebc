//! Links in and out of one note, pure over the notes: which notes its
//! wiki and Markdown links name, and which notes link to it.

use serde::Serialize;

use crate::topics::LinkResolver;
use crate::vault::note::Note;

/// One link written in the note: its target as written and the note it
/// names (the first match when ambiguous; `None` when no note matches).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkOut {
    pub target: String,
    pub name: Option<String>,
    pub path: Option<String>,
    pub line: usize,
}

/// Another note linking to this one, with the line of its first such link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkIn {
    pub name: String,
    pub path: String,
    pub line: usize,
}

/// The links of `note`, in the order written.
pub fn links_out(notes: &[Note], resolver: &LinkResolver, note: &Note) -> Vec<LinkOut> {
    note.links
        .iter()
        .map(|l| {
            let target = resolver.resolve(&l.target).first().map(|&i| &notes[i]);
            LinkOut {
                target: l.target.clone(),
                name: target.map(|n| n.name.clone()),
                path: target.map(|n| n.path.clone()),
                line: l.line,
            }
        })
        .collect()
}

/// The other notes that link to `notes[me]`, in vault order, each once.
pub fn links_in(notes: &[Note], resolver: &LinkResolver, me: usize) -> Vec<LinkIn> {
    notes
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != me)
        .filter_map(|(_, n)| {
            n.links
                .iter()
                .find(|l| resolver.resolve(&l.target).contains(&me))
                .map(|l| LinkIn {
                    name: n.name.clone(),
                    path: n.path.clone(),
                    line: l.line,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::note::parse_note;

    fn note(path: &str, text: &str) -> Note {
        parse_note(path, text.as_bytes()).note
    }

    #[test]
    fn out_resolves_names_and_keeps_unknown_targets() {
        let notes = vec![
            note(
                "people/ada.md",
                "---\nname: Ada\n---\nMet [[Bob]] and [[Nobody]].\n",
            ),
            note(
                "people/bob.md",
                "---\nname: Bob\n---\nSee [[Ada]].\n[[ada]] again\n",
            ),
        ];
        let r = LinkResolver::new(&notes);
        let out = links_out(&notes, &r, &notes[0]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].name.as_deref(), Some("Bob"));
        assert_eq!(out[0].path.as_deref(), Some("people/bob.md"));
        assert_eq!(out[1].target, "Nobody");
        assert_eq!(out[1].name, None);
        let inn = links_in(&notes, &r, 0);
        assert_eq!(
            inn,
            vec![LinkIn {
                name: "Bob".into(),
                path: "people/bob.md".into(),
                line: 4
            }]
        );
        assert!(links_in(&notes, &r, 1).iter().all(|l| l.name == "Ada"));
    }
}
