//! Concepts: groups of words, German and English, that name the same topic
//! (`sailing`, `Segeln`, `Segler`, …). The built-in list is
//! `data/concepts.toml`; a vault adds or replaces concepts in the
//! `[concepts]` table of `.rapport/config.toml`. Pure: the list is compiled
//! in, user concepts arrive as values.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use crate::vault::names::fold;

/// The curated list, `key = ["member", …]` in sections.
pub const BUILTIN_TOML: &str = include_str!("../data/concepts.toml");

/// One concept: its name (the key, shown to the user) and its other words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concept {
    pub key: String,
    pub members: Vec<String>,
    /// From the vault's config rather than the built-in list.
    pub user: bool,
}

impl Concept {
    /// The key, then the members.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.key.as_str()).chain(self.members.iter().map(String::as_str))
    }
}

/// A set of concepts with a lookup from each folded word to its concept.
#[derive(Debug, Clone, Default)]
pub struct Concepts {
    list: Vec<Concept>,
    by_word: HashMap<String, usize>,
    /// The most words (separated by spaces) any word of a concept has.
    longest: usize,
}

/// Why the built-in list could not be read (only a broken `data/concepts.toml`).
pub fn parse_list(text: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    toml::from_str(text).map_err(|e| e.message().trim().to_string())
}

impl Concepts {
    /// The built-in concepts, parsed once. Empty if the compiled-in list
    /// does not parse (a unit test keeps it parsing).
    pub fn builtin() -> &'static Concepts {
        static BUILTIN: OnceLock<Concepts> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let list = parse_list(BUILTIN_TOML).unwrap_or_default();
            Concepts::from_list(
                list.into_iter()
                    .map(|(key, members)| Concept {
                        key,
                        members,
                        user: false,
                    })
                    .collect(),
            )
        })
    }

    /// The built-in concepts with the user's on top: a user concept with the
    /// key of a built-in one replaces it, and a word of a user concept is
    /// taken out of the built-in concept that had it (a built-in concept
    /// left with a single word is dropped).
    pub fn with_user(user: &[(String, Vec<String>)]) -> Concepts {
        if user.is_empty() {
            return Concepts::builtin().clone();
        }
        let taken: std::collections::HashSet<String> = user
            .iter()
            .flat_map(|(k, ms)| std::iter::once(k).chain(ms.iter()))
            .map(|w| fold(w))
            .collect();
        let user_keys: std::collections::HashSet<String> =
            user.iter().map(|(k, _)| fold(k)).collect();
        let mut list: Vec<Concept> = Vec::new();
        for c in &Concepts::builtin().list {
            if user_keys.contains(&fold(&c.key)) {
                continue;
            }
            let mut words: Vec<String> = c
                .words()
                .filter(|w| !taken.contains(&fold(w)))
                .map(str::to_string)
                .collect();
            if words.len() < 2 {
                continue;
            }
            let key = words.remove(0);
            list.push(Concept {
                key,
                members: words,
                user: false,
            });
        }
        for (key, members) in user {
            list.push(Concept {
                key: key.trim().to_string(),
                members: members.iter().map(|m| m.trim().to_string()).collect(),
                user: true,
            });
        }
        Concepts::from_list(list)
    }

    /// Index a list; a word already claimed by an earlier concept stays
    /// with it (the checked lists have no such word).
    fn from_list(list: Vec<Concept>) -> Concepts {
        let mut by_word = HashMap::new();
        let mut longest = 0;
        for (i, c) in list.iter().enumerate() {
            for w in c.words() {
                let f = fold(w);
                if f.is_empty() {
                    continue;
                }
                longest = longest.max(f.split(' ').count());
                by_word.entry(f).or_insert(i);
            }
        }
        Concepts {
            list,
            by_word,
            longest,
        }
    }

    /// The concept a word (or a phrase of words) belongs to, compared folded.
    pub fn lookup(&self, word: &str) -> Option<&Concept> {
        self.by_word.get(&fold(word)).map(|&i| &self.list[i])
    }

    /// Every concept, built-in (sorted by key) first, then the user's.
    pub fn iter(&self) -> impl Iterator<Item = &Concept> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Split `words` into runs, each the longest run of consecutive words
    /// that is a concept's word (`board games`), else a single word.
    pub fn spans<'a, S: AsRef<str>>(&'a self, words: &[S]) -> Vec<Span<'a>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut found = None;
            let most = self.longest.min(words.len() - i);
            for n in (1..=most).rev() {
                let phrase: Vec<&str> = words[i..i + n].iter().map(|w| w.as_ref()).collect();
                if let Some(c) = self.lookup(&phrase.join(" ")) {
                    found = Some((n, c));
                    break;
                }
            }
            let n = found.map_or(1, |(n, _)| n);
            out.push(Span {
                words: words[i..i + n]
                    .iter()
                    .map(|w| w.as_ref().to_string())
                    .collect(),
                concept: found.map(|(_, c)| c),
            });
            i += n;
        }
        out
    }
}

/// A run of the words asked for, and its concept if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span<'a> {
    pub words: Vec<String>,
    pub concept: Option<&'a Concept>,
}

impl Span<'_> {
    /// The words as asked, joined by spaces.
    pub fn asked(&self) -> String {
        self.words.join(" ")
    }

    /// The concept's words other than the one asked for, in the list's order.
    pub fn others(&self) -> Vec<&str> {
        let asked = fold(&self.asked());
        self.concept.map_or_else(Vec::new, |c| {
            c.words().filter(|w| fold(w) != asked).collect::<Vec<_>>()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use unicode_normalization::UnicodeNormalization;

    use super::{BUILTIN_TOML, Concepts, parse_list};
    use crate::vault::names::fold;

    /// The checks that keep `data/concepts.toml` usable: it parses, is large
    /// enough, every word is clean and belongs to one concept only, and keys
    /// are sorted within each `# ---` section.
    #[test]
    fn builtin_list_is_valid() {
        let list = parse_list(BUILTIN_TOML).expect("data/concepts.toml parses");
        assert!(list.len() >= 400, "only {} concepts", list.len());
        let mut owner: HashMap<String, &str> = HashMap::new();
        let mut problems = Vec::new();
        for (key, members) in &list {
            if members.is_empty() {
                problems.push(format!("{key:?} has no members"));
            }
            for w in std::iter::once(key).chain(members) {
                if w.trim() != w
                    || w.contains("  ")
                    || w.chars().any(|c| c.is_whitespace() && c != ' ')
                {
                    problems.push(format!("{key:?}: {w:?} has stray whitespace"));
                }
                if w.nfc().collect::<String>() != *w {
                    problems.push(format!("{key:?}: {w:?} is not NFC"));
                }
            }
        }
        // keys first, so a member equal to another key is reported as such
        for key in list.keys() {
            if let Some(other) = owner.insert(fold(key), key) {
                problems.push(format!("keys {key:?} and {other:?} fold alike"));
            }
        }
        for (key, members) in &list {
            for m in members {
                match owner.get(&fold(m)) {
                    Some(k) if *k == key.as_str() => problems.push(format!(
                        "{key:?}: member {m:?} repeats a word of the concept"
                    )),
                    Some(k) => problems.push(format!("{key:?}: member {m:?} is a word of {k:?}")),
                    None => {
                        owner.insert(fold(m), key);
                    }
                }
            }
        }
        let mut section: Option<&str> = None;
        let mut last: Option<String> = None;
        for line in BUILTIN_TOML.lines() {
            if let Some(title) = line.strip_prefix("# ---") {
                section = Some(title);
                last = None;
                continue;
            }
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let Some((raw, _)) = line.split_once(" = ") else {
                problems.push(format!("not a one-line entry: {line:?}"));
                continue;
            };
            if section.is_none() {
                problems.push(format!("{raw} comes before the first section"));
            }
            let key = fold(raw.trim_matches('"'));
            if let Some(prev) = &last
                && *prev >= key
            {
                problems.push(format!(
                    "{raw} is out of order after {prev:?} in{section:?}"
                ));
            }
            last = Some(key);
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(Concepts::builtin().len(), list.len());
    }

    #[test]
    fn lookup_is_folded_and_finds_members() {
        let c = Concepts::builtin();
        for (word, key) in [
            ("Segeln", "sailing"),
            ("SEGLER", "sailing"),
            ("sailing", "sailing"),
            ("Segelflug", "gliding"),
            ("bogenschiessen", "archery"),
            ("Bogenschießen", "archery"),
            ("Board Games", "board games"),
        ] {
            assert_eq!(c.lookup(word).map(|c| c.key.as_str()), Some(key), "{word}");
        }
        assert!(c.lookup("Stoizismusxyz").is_none());
    }

    #[test]
    fn user_concepts_replace_and_take_words() {
        let user = vec![
            (
                "Baltic Sea".to_string(),
                vec!["Ostsee".to_string(), "Baltikum".to_string()],
            ),
            // replaces the built-in concept of the same key
            ("sailing".to_string(), vec!["Segeln".to_string()]),
            // takes a word from a built-in concept
            ("Jollen".to_string(), vec!["Segler".to_string()]),
        ];
        let c = Concepts::with_user(&user);
        assert_eq!(
            c.lookup("ostsee").map(|c| c.key.as_str()),
            Some("Baltic Sea")
        );
        let sailing = c.lookup("Segeln").expect("user sailing");
        assert!(sailing.user);
        assert_eq!(sailing.members, vec!["Segeln"]);
        // the built-in members of sailing that the user did not name are gone
        assert!(c.lookup("Segelboot").is_none());
        assert_eq!(c.lookup("segler").map(|c| c.key.as_str()), Some("Jollen"));
        // the built-in list is untouched
        assert_eq!(
            Concepts::builtin().lookup("segler").map(|c| c.key.as_str()),
            Some("sailing")
        );
        // a built-in concept left with one word is dropped
        let c = Concepts::with_user(&[(
            "X".into(),
            vec![
                "Schach".into(),
                "chess player".into(),
                "Schachspiel".into(),
                "Schachspieler".into(),
            ],
        )]);
        assert_eq!(c.lookup("chess").map(|c| c.key.as_str()), Some("chess"));
        let c = Concepts::with_user(&[(
            "X".into(),
            vec![
                "Schach".into(),
                "chess player".into(),
                "Schachspiel".into(),
                "Schachspieler".into(),
                "Schachspielerin".into(),
            ],
        )]);
        assert!(c.lookup("chess").is_none());
        assert!(c.lookup("Schach").is_some_and(|c| c.key == "X"));
    }

    #[test]
    fn spans_take_the_longest_phrase() {
        let c = Concepts::builtin();
        let words = ["board", "games", "Segeln", "xyzzy"];
        let spans = c.spans(&words);
        let got: Vec<(String, Option<&str>)> = spans
            .iter()
            .map(|s| (s.asked(), s.concept.map(|c| c.key.as_str())))
            .collect();
        assert_eq!(
            got,
            vec![
                ("board games".to_string(), Some("board games")),
                ("Segeln".to_string(), Some("sailing")),
                ("xyzzy".to_string(), None),
            ]
        );
        let others = spans[1].others();
        assert!(others.contains(&"sailing") && !others.contains(&"Segeln"));
    }
}
