//! Folding of names and words (case, accents, ß/ss) and lookup of a contact by
//! name, alias, file stem or unambiguous prefix. Pure: imports nothing outside std
//! and unicode-normalization.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// `s` in Unicode NFC. Text saved on macOS or pasted from some apps arrives
/// decomposed (`u` + U+0308 for `ü`), which word tokenizers split apart.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// Fold a string for comparison: lowercase, accents stripped, `ß` → `ss`, NFC/NFD
/// treated alike, inner whitespace collapsed to one space.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // fast path: most values are ASCII
        let mut out = String::with_capacity(s.len());
        for w in s.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        }
        return out;
    }
    let mut out = String::with_capacity(s.len());
    let mut last_space = true;
    for c in s.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
            continue;
        }
        last_space = false;
        match c {
            'ß' | 'ẞ' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// A file-name slug for a contact name: lowercase ASCII words joined by
/// hyphens, German umlauts spelled out (`Jürgen Müller` → `juergen-mueller`),
/// other accents dropped. Empty when the name has no ASCII letters or digits.
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let push = |s: &str, out: &mut String| {
        for c in s.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        }
    };
    for c in name.nfc() {
        match c {
            'ä' | 'Ä' => push("ae", &mut out),
            'ö' | 'Ö' => push("oe", &mut out),
            'ü' | 'Ü' => push("ue", &mut out),
            'ß' | 'ẞ' => push("ss", &mut out),
            'æ' | 'Æ' => push("ae", &mut out),
            'œ' | 'Œ' => push("oe", &mut out),
            'ø' | 'Ø' => push("o", &mut out),
            'ł' | 'Ł' => push("l", &mut out),
            'đ' | 'Đ' => push("d", &mut out),
            c if c.is_ascii() => push(c.encode_utf8(&mut [0; 4]), &mut out),
            c => {
                // accented letters lose their marks; anything else separates words
                let base: String = c
                    .nfd()
                    .filter(|m| !unicode_normalization::char::is_combining_mark(*m))
                    .collect();
                push(&base, &mut out);
            }
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// The two foldings a name is compared in: accents dropped (`Müller` →
/// `muller`, as [`fold`]) and German umlauts spelled out (`Müller` →
/// `mueller`, as people type them without the letters and as file stems
/// are made); in both, `-` and `_` count as spaces (`anna-schmidt`).
pub fn name_folds(s: &str) -> [String; 2] {
    let spaced: String = s
        .chars()
        .map(|c| if c == '-' || c == '_' { ' ' } else { c })
        .collect();
    let plain = fold(&spaced);
    let mut spelled = String::with_capacity(spaced.len() + 4);
    for c in nfc(&spaced).chars() {
        match c {
            'ä' | 'Ä' => spelled.push_str("ae"),
            'ö' | 'Ö' => spelled.push_str("oe"),
            'ü' | 'Ü' => spelled.push_str("ue"),
            c => spelled.push(c),
        }
    }
    [plain, fold(&spelled)]
}

/// Do `a` and `b` name the same person: equal in either of [`name_folds`].
pub fn same_name(a: &str, b: &str) -> bool {
    let (x, y) = (name_folds(a), name_folds(b));
    (!x[0].is_empty() && x[0] == y[0]) || (!x[1].is_empty() && x[1] == y[1])
}

/// One way a contact can be named: its name, an alias, or its file stem.
#[derive(Debug, Clone)]
pub struct NameKey {
    pub folded: String,
    pub index: usize,
}

/// The outcome of resolving a user-typed NAME against the vault's contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution<T = usize> {
    Found(T),
    Ambiguous(Vec<T>),
    NotFound,
}

/// A user-typed NAME in each of [`name_folds`], and what matches it: a key
/// equal to it in a folding (exact), else a key or a word of a key starting
/// with it in a folding (prefix).
#[derive(Debug, Clone)]
pub struct NameQuery([String; 2]);

/// Tags of [`key_terms`]: a whole key in folding 0/1, a word of one.
const WHOLE: [&str; 2] = ["0=", "1="];
const WORD: [&str; 2] = ["0~", "1~"];

impl NameQuery {
    pub fn new(query: &str) -> NameQuery {
        NameQuery(name_folds(query))
    }

    /// Nothing to look for (no letters).
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(String::is_empty)
    }

    /// Does a key, as [`name_folds`] folds it, equal the NAME?
    pub fn exactly(&self, key: &[String; 2]) -> bool {
        (0..2).any(|i| !self.0[i].is_empty() && key[i] == self.0[i])
    }

    /// Does a key, or a word of it, start with the NAME?
    pub fn starts(&self, key: &[String; 2]) -> bool {
        (0..2).any(|i| {
            let q = &self.0[i];
            !q.is_empty() && (key[i].starts_with(q) || key[i].split(' ').any(|w| w.starts_with(q)))
        })
    }

    /// The [`key_terms`] a key matching exactly has one of.
    pub fn exact_terms(&self) -> Vec<String> {
        (0..2)
            .filter(|&i| !self.0[i].is_empty())
            .map(|i| format!("{}{}", WHOLE[i], self.0[i]))
            .collect()
    }

    /// The prefixes one of the [`key_terms`] of a key matching by prefix
    /// starts with.
    pub fn prefix_terms(&self) -> Vec<String> {
        (0..2)
            .filter(|&i| !self.0[i].is_empty())
            .flat_map(|i| [WHOLE[i], WORD[i]].map(|t| format!("{t}{}", self.0[i])))
            .collect()
    }
}

/// The terms an index keeps of a contact's key so that [`NameQuery`]'s
/// matches are term lookups: the key whole and each of its words, in each
/// of [`name_folds`], tagged by folding ([`NameQuery::exact_terms`] and
/// [`NameQuery::prefix_terms`]).
pub fn key_terms(key: &str) -> Vec<String> {
    let folds = name_folds(key);
    let mut out = Vec::new();
    for (i, f) in folds.iter().enumerate() {
        if f.is_empty() {
            continue;
        }
        out.push(format!("{}{f}", WHOLE[i]));
        out.extend(
            f.split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| format!("{}{w}", WORD[i])),
        );
    }
    out
}

/// The policy over the two candidate lists (in vault order): exact matches
/// win; otherwise a single prefix match; several are ambiguous. `prefix` is
/// asked only when nothing matched exactly.
pub fn decide<T, E>(
    exact: Vec<T>,
    prefix: impl FnOnce() -> Result<Vec<T>, E>,
) -> Result<Resolution<T>, E> {
    let mut v = match exact.len() {
        0 => prefix()?,
        _ => exact,
    };
    Ok(match v.len() {
        0 => Resolution::NotFound,
        1 => Resolution::Found(v.remove(0)),
        _ => Resolution::Ambiguous(v),
    })
}

/// Resolve `query` against `(index, [name, aliases..., stem])` candidates.
/// Exact matches on any key win; otherwise a unique prefix match of a key or
/// of a word in it. Both are tried in each of [`name_folds`], so `mueller`,
/// `müller` and `muller` all find `Jürgen Müller` and `juergen-mueller`.
pub fn resolve<'a, I>(query: &str, candidates: I) -> Resolution
where
    I: IntoIterator<Item = (usize, Vec<&'a str>)>,
{
    let q = NameQuery::new(query);
    if q.is_empty() {
        return Resolution::NotFound;
    }
    let mut exact: Vec<usize> = Vec::new();
    let mut prefix: Vec<usize> = Vec::new();
    for (idx, keys) in candidates {
        let folded: Vec<[String; 2]> = keys.iter().map(|k| name_folds(k)).collect();
        if folded.iter().any(|k| q.exactly(k)) {
            exact.push(idx);
        } else if folded.iter().any(|k| q.starts(k)) {
            prefix.push(idx);
        }
    }
    exact.dedup();
    prefix.dedup();
    let found: Result<_, std::convert::Infallible> = decide(exact, || Ok(prefix));
    found.unwrap_or_else(|e| match e {})
}

#[cfg(test)]
mod tests {
    use super::{NameQuery, Resolution, fold, key_terms, name_folds, resolve, same_name, slug};

    #[test]
    fn key_terms_answer_as_the_query_matches() {
        let keys = [
            "Jürgen Müller",
            "juergen-mueller",
            "Anna-Lena  Krämer",
            "Margarete Strauß",
            "ÖZDEMIR_Ayşe",
            "",
        ];
        let queries = [
            "mueller",
            "müller",
            "muller",
            "jür",
            "jue",
            "anna lena",
            "lena",
            "kraemer",
            "kra",
            "strauss",
            "x",
            "Müeller",
            "ay",
            "oez",
            "oz",
            "",
        ];
        let mut hits = 0;
        for k in keys {
            let terms = key_terms(k);
            let folds = name_folds(k);
            for q in queries {
                let nq = NameQuery::new(q);
                let exact = nq.exact_terms().iter().any(|t| terms.contains(t));
                let prefix = nq
                    .prefix_terms()
                    .iter()
                    .any(|p| terms.iter().any(|t| t.starts_with(p.as_str())));
                assert_eq!(exact, nq.exactly(&folds), "{k:?} = {q:?}");
                assert_eq!(prefix, nq.starts(&folds), "{k:?} ^ {q:?}");
                hits += usize::from(prefix);
            }
        }
        assert!(hits > 10, "{hits}");
    }

    #[test]
    fn names_fold_plain_and_spelled_out() {
        let rows: &[(&str, &str, &str)] = &[
            ("Jürgen Müller", "jurgen muller", "juergen mueller"),
            (
                "Ju\u{308}rgen Mu\u{308}ller",
                "jurgen muller",
                "juergen mueller",
            ),
            ("juergen-mueller", "juergen mueller", "juergen mueller"),
            ("Margarete Strauß", "margarete strauss", "margarete strauss"),
            ("ÖZDEMIR_Ayşe", "ozdemir ayse", "oezdemir ayse"),
            ("Anna-Lena  Krämer", "anna lena kramer", "anna lena kraemer"),
            ("", "", ""),
        ];
        for (s, plain, spelled) in rows {
            assert_eq!(
                name_folds(s),
                [plain.to_string(), spelled.to_string()],
                "{s}"
            );
        }
        assert!(same_name("Jürgen Müller", "juergen-mueller"));
        assert!(same_name("JUERGEN MUELLER", "Jürgen Müller"));
        assert!(same_name("Jurgen Muller", "Jürgen Müller"));
        assert!(!same_name("Jürgen Müller", "Jürgen Möller"));
        assert!(!same_name("", ""));
    }

    #[test]
    fn resolves_umlauts_spelled_out_and_stems() {
        let c = vec![
            (0, vec!["Jürgen Müller", "juergen-mueller"]),
            (1, vec!["Anna Krämer", "anna-kraemer"]),
            (2, vec!["Mu Lee", "mu-lee"]),
        ];
        for (q, want) in [
            ("mueller", Resolution::Found(0)),
            ("müller", Resolution::Found(0)),
            ("muller", Resolution::Found(0)),
            ("juergen mueller", Resolution::Found(0)),
            ("juergen-mueller", Resolution::Found(0)),
            ("kraemer", Resolution::Found(1)),
            ("Krämer", Resolution::Found(1)),
            ("kramer", Resolution::Found(1)),
            ("mu lee", Resolution::Found(2)),
            ("mu", Resolution::Ambiguous(vec![0, 2])),
            ("mue", Resolution::Found(0)),
            ("m", Resolution::Ambiguous(vec![0, 2])),
            ("moeller", Resolution::NotFound),
        ] {
            assert_eq!(resolve(q, c.clone()), want, "{q}");
        }
    }

    #[test]
    fn folds_case_accents_and_sharp_s() {
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("MÜLLER"), "muller");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("José  Núñez"), "jose nunez");
        // NFD input folds like NFC input
        assert_eq!(fold("Mu\u{308}ller"), "muller");
        assert_eq!(super::nfc("Mu\u{308}ller"), "Müller");
    }

    #[test]
    fn resolves_exact_alias_prefix_and_ambiguity() {
        let c = vec![
            (0, vec!["Anna Schmidt", "Anni", "anna-schmidt"]),
            (1, vec!["Anna Berg", "anna-berg"]),
            (2, vec!["Jonas Weber", "jonas"]),
        ];
        assert_eq!(resolve("anni", c.clone()), Resolution::Found(0));
        assert_eq!(resolve("jon", c.clone()), Resolution::Found(2));
        assert_eq!(
            resolve("anna", c.clone()),
            Resolution::Ambiguous(vec![0, 1])
        );
        assert_eq!(resolve("weber", c.clone()), Resolution::Found(2));
        assert_eq!(resolve("zed", c.clone()), Resolution::NotFound);
        assert_eq!(resolve("ANNA SCHMIDT", c), Resolution::Found(0));
    }

    #[test]
    fn slug_table() {
        let rows: &[(&str, &str)] = &[
            ("Jürgen Müller", "juergen-mueller"),
            ("Ju\u{308}rgen Mu\u{308}ller", "juergen-mueller"),
            ("Margarete Strauß", "margarete-strauss"),
            ("ÖZDEMIR, Ayşe", "oezdemir-ayse"),
            ("Zoë  Martin", "zoe-martin"),
            ("José Núñez", "jose-nunez"),
            ("  -Anna- Schmidt!  ", "anna-schmidt"),
            ("O'Brien & Sons", "o-brien-sons"),
            ("Dr. Anna-Lena K.", "dr-anna-lena-k"),
            ("李小龙", ""),
            ("", ""),
        ];
        for (name, want) in rows {
            assert_eq!(slug(name), *want, "{name}");
        }
    }
}
