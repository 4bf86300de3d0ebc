//! Journal mentions count as contact (docs/follow-ups.md, "Journal
//! mentions"): a link from a dated note (a daily note `2026-11-20.md`, a
//! meeting note with `date:`) to a contact is a contact on that date, with
//! the line as the talking point. Pure over parsed notes; each note's
//! mentions come from its own parse, so editing one daily note re-reads only
//! that note.

use crate::topics::LinkResolver;
use crate::vault::note::{LogEntry, Note};

/// Add each dated note's mentions to the log of the contact it names (an
/// ambiguous link names nobody; a note never mentions itself). One entry per
/// dated note and contact: the first line that names them.
pub fn credit(notes: &mut [Note]) {
    if notes.iter().all(|n| n.mentions.is_empty()) {
        return;
    }
    let resolver = LinkResolver::new(notes);
    let named = |target: &str| match resolver.resolve(target) {
        [t] => Some(*t),
        _ => None,
    };
    let adds = credits(notes.iter().enumerate(), named, |t| notes[t].is_contact);
    for (t, e) in adds {
        notes[t].log.push(e);
    }
}

/// Does a mention in note `source` of the note `target` (the one note its
/// key names) count as a contact of `target`? Only contacts are credited,
/// and never by themselves.
pub fn credits_target<T: PartialEq>(source: T, target: T, target_is_contact: bool) -> bool {
    source != target && target_is_contact
}

/// The log entries the dated notes among `sources` give the contacts their
/// mentions name, in source order: `named` is the one note a link target
/// names (`None` when none or several do), `is_contact` tells contacts.
/// The whole model passes every note; the index passes the dated notes
/// that mention the contacts it prints, with ids of its own.
pub fn credits<'a, T: PartialEq + Copy>(
    sources: impl Iterator<Item = (T, &'a Note)>,
    named: impl Fn(&str) -> Option<T>,
    is_contact: impl Fn(T) -> bool,
) -> Vec<(T, LogEntry)> {
    let mut adds: Vec<(T, LogEntry)> = Vec::new();
    for (i, n) in sources {
        let Some(date) = n.dated else { continue };
        let mut seen: Vec<T> = Vec::new();
        for m in &n.mentions {
            let Some(t) = named(&m.target) else {
                continue;
            };
            if !credits_target(i, t, is_contact(t)) || seen.contains(&t) {
                continue;
            }
            seen.push(t);
            adds.push((
                t,
                LogEntry {
                    date,
                    text: m.text.clone(),
                    line: m.line,
                    source: Some(n.path.clone()),
                },
            ));
        }
    }
    adds
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::credit;
    use crate::vault::note::parse_note;

    fn notes(files: &[(&str, &str)]) -> Vec<crate::vault::note::Note> {
        let mut v: Vec<_> = files
            .iter()
            .map(|(p, t)| parse_note(p, t.as_bytes()).note)
            .collect();
        credit(&mut v);
        v
    }

    #[test]
    fn what_counts_as_a_mention() {
        // (daily note text, is Anna's contact on that day credited)
        let rows: &[(&str, bool)] = &[
            ("Lunch with [[Anna Schmidt]]\n", true),
            ("- Coffee with [[anna-schmidt|Anna]] at the harbour\n", true),
            ("- [x] called [[Anna Schmidt]]\n", true),
            ("- [ ] call [[Anna Schmidt]]\n", false),
            ("> [[Anna Schmidt]] once said\n", false),
            ("![[Anna Schmidt]]\n", false),
            ("`[[Anna Schmidt]]`\n", false),
            ("```\n[[Anna Schmidt]]\n```\n", false),
            ("Lunch with [[Someone Else]]\n", false),
        ];
        for (text, want) in rows {
            let v = notes(&[
                ("people/anna-schmidt.md", "---\nname: Anna Schmidt\n---\n"),
                ("journal/2026/11/2026-11-20.md", text),
            ]);
            let anna = &v[0];
            assert_eq!(
                anna.last_contact(date(2026, 11, 26)) == Some(date(2026, 11, 20)),
                *want,
                "{text:?}: {:?}",
                anna.log
            );
        }
    }

    #[test]
    fn dated_by_stem_or_front_matter_with_talking_point_and_source() {
        let v = notes(&[
            ("people/anna.md", "---\nname: Anna Schmidt\n---\n"),
            ("people/bo.md", "---\nname: Bo Berg\n---\n"),
            (
                "meetings/kickoff.md",
                "---\ndate: 2026-11-18\npeople: [\"[[Bo Berg]]\"]\n---\n# Kickoff\n",
            ),
            (
                "journal/2026-11-20 Harbour walk.md",
                "- Walked with [[Anna Schmidt]] along the harbour\n- again [[Anna Schmidt]]\n",
            ),
            ("notes/undated.md", "[[Anna Schmidt]]\n"),
        ]);
        let anna = &v[0];
        assert_eq!(anna.log.len(), 1, "{:?}", anna.log);
        let e = &anna.log[0];
        assert_eq!(e.date, date(2026, 11, 20));
        assert_eq!(e.text, "Walked with Anna Schmidt along the harbour");
        assert_eq!(
            e.source.as_deref(),
            Some("journal/2026-11-20 Harbour walk.md")
        );
        let bo = &v[1];
        assert_eq!(bo.log.len(), 1, "{:?}", bo.log);
        assert_eq!(bo.log[0].date, date(2026, 11, 18));
        assert_eq!(bo.log[0].text, "Kickoff");
    }
}
