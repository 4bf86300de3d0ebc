//! The index schema and its analyzers. The only place that spells field names.
//! Every text group is indexed twice: folded (case and accents, with
//! positions for phrases) and stemmed (frequencies only): each word's German
//! and English stems at one position, once when they are the same word.

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Bump when the schema, analyzers or stored meta format change: a mismatch
/// rebuilds. A change to the field table needs no bump: [`schema_stamp`]
/// includes a fingerprint of it.
pub const SCHEMA_VERSION: u32 = 8;

/// What `rapport-version` holds: [`SCHEMA_VERSION`] and a fingerprint of the
/// field table's keys, aliases and groups (a new field, or one searched
/// elsewhere, changes what is stored and indexed), e.g. `7-3f09a1c2`.
pub fn schema_stamp() -> String {
    let mut h = blake3::Hasher::new();
    for f in crate::vault::fields::FIELDS {
        h.update(f.key.as_bytes());
        for a in f.aliases {
            h.update(b"|");
            h.update(a.as_bytes());
        }
        h.update(format!("={:?};", f.group).as_bytes());
    }
    let hex = h.finalize().to_hex();
    format!("{SCHEMA_VERSION}-{}", &hex[..8])
}

/// The longest word (run of alphanumeric chars, in bytes as written) that is
/// indexed and can be searched for: long enough for a SHA-512 in hex or a long
/// URL slug, far below tantivy's term limit (65530 bytes, which lowercasing
/// may grow a word by half towards). Longer words are left out of the index.
pub const MAX_WORD_BYTES: usize = 256;

/// The first word of `text` longer than [`MAX_WORD_BYTES`], split as the
/// analyzers split words: such a word is not in the index.
pub fn too_long_word(text: &str) -> Option<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > MAX_WORD_BYTES)
}

pub const TOKENIZER_FOLD: &str = "rapport_fold";
pub const TOKENIZER_STEM: &str = "rapport_stem";

pub use crate::vault::fields::Group;
use crate::vault::reading::Reading;

/// The two fields of one text group.
#[derive(Debug, Clone, Copy)]
pub struct Variants {
    pub folded: Field,
    /// German and English stems (see [`Mode::Stems`]).
    pub stem: Field,
}

/// All fields, built once.
#[derive(Debug, Clone)]
pub struct Fields {
    pub schema: Schema,
    /// Vault-relative path: the key of a note.
    pub path: Field,
    /// blake3 of the file bytes, first 8 bytes.
    pub hash: Field,
    /// The parsed `Note` as JSON.
    pub meta: Field,
    /// `contact` or `note`, as the vault's reading rules decide.
    pub kind: Field,
    /// Every key a link or NAME can use for the note (name, aliases, file
    /// stem), folded as links are resolved (`Note::keys`, `link_key`).
    pub keys: Field,
    /// The keys the note's wiki links point at (links out).
    pub links: Field,
    /// The keys a dated note's mentions point at (journal credit).
    pub mentions: Field,
    /// `error` and/or `warning`: the severities of the problems the parse
    /// found in the note, so `check` and the problems line find them without
    /// reading every note.
    pub problems: Field,
    /// A contact's folded name and aliases, each once (not its file stem,
    /// empty ones too): what `check` finds names held twice by.
    pub names: Field,
    /// `key` when one of the note's keys folds to nothing, `link` when one
    /// of its links' keys does (`keys` and `links` leave empty keys out).
    pub blank: Field,
    /// The facts `due` and `plan` read as columns (`index::columns`).
    pub due: DueFields,
    /// A contact's keys as a NAME is matched against them
    /// (`vault::names::key_terms`): `show`/`brief NAME` look them up.
    pub lookup: Field,
    /// A contact's interest and field values, folded: who an introduction
    /// could pair them with (`topics::partner_keys` groups them by concept).
    pub shares: Field,
    /// A contact's topic values (`index/engine/topic_terms.rs`: kind and
    /// spelling as written, with positions in the note's order), its status
    /// and markers, for `topics` and `intros`.
    pub topic: Field,
    /// The note's name as a column, to print a person without reading the note.
    pub name: Field,
    groups: Vec<(Group, Variants)>,
    /// How notes are read (the config's rules): applied before storing.
    pub reading: Reading,
}

impl Fields {
    /// The schema, storing notes as read without config rules.
    pub fn new() -> Fields {
        Fields::reading(Reading::default())
    }

    /// The schema, storing notes as `reading` reads them.
    pub fn reading(reading: Reading) -> Fields {
        let mut b = Schema::builder();
        let path = b.add_text_field("path", STRING | STORED | FAST);
        let hash = b.add_u64_field("hash", INDEXED | FAST);
        let meta = b.add_text_field("meta", STORED);
        let kind = b.add_text_field("kind", STRING);
        let keys = b.add_text_field("keys", STRING);
        let links = b.add_text_field("links", STRING);
        let mentions = b.add_text_field("mentions", STRING);
        let problems = b.add_text_field("problems", STRING);
        let names = b.add_text_field("names", STRING);
        let blank = b.add_text_field("blank", STRING);
        let due = DueFields::add(&mut b);
        let lookup = b.add_text_field("lookup", STRING);
        let shares = b.add_text_field("shares", STRING);
        let topic = b.add_text_field("topic", crate::index::engine::topic_terms::options());
        let name = b.add_text_field("name_column", FAST);
        let folded_opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_FOLD)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let stem_opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_STEM)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let mut groups = Vec::new();
        for g in Group::ALL {
            let n = g.as_str();
            let folded = b.add_text_field(n, folded_opts.clone());
            let stem = b.add_text_field(&format!("{n}_stem"), stem_opts.clone());
            groups.push((g, Variants { folded, stem }));
        }
        Fields {
            schema: b.build(),
            path,
            hash,
            meta,
            kind,
            keys,
            links,
            mentions,
            problems,
            names,
            blank,
            due,
            lookup,
            shares,
            topic,
            name,
            groups,
            reading,
        }
    }

    /// What `rapport-version` holds for this schema and these reading rules.
    /// A new or changed index field changes it too (a hash of the tantivy
    /// schema), so adding a field needs no version bump.
    pub fn stamp(&self) -> String {
        let schema = serde_json::to_string(&self.schema).unwrap_or_default();
        let fields = &blake3::hash(schema.as_bytes()).to_hex()[..8];
        match self.reading.stamp() {
            "" => format!("{}-{fields}", schema_stamp()),
            r => format!("{}-{fields}-{r}", schema_stamp()),
        }
    }

    pub fn group(&self, g: Group) -> Variants {
        self.groups
            .iter()
            .find(|(x, _)| *x == g)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| unreachable!("every group has fields"))
    }

    pub fn groups(&self) -> impl Iterator<Item = (Group, Variants)> + '_ {
        self.groups.iter().copied()
    }

    /// Which group and variant a field belongs to.
    pub fn group_of(&self, f: Field) -> Option<Group> {
        self.groups
            .iter()
            .find(|(_, v)| v.folded == f || v.stem == f)
            .map(|(g, _)| *g)
    }
}

/// The columns (fast fields) of the follow-up facts, one value per note
/// unless said otherwise; dates as `YYYYMMDD` numbers (ordered as the dates
/// are), absent when the note has none. Written by `index::columns`.
#[derive(Debug, Clone, Copy)]
pub struct DueFields {
    /// 1 for a contact, 0 for a note.
    pub contact: Field,
    /// `last_contact` from the front matter.
    pub last: Field,
    /// The dates of the note's own log entries (several values).
    pub logs: Field,
    pub next: Field,
    pub snooze: Field,
    /// The cadence, `count * 4 + unit`.
    pub cadence: Field,
    /// The birthday, `(year + 10000 or 0) << 9 | month << 5 | day`.
    pub birthday: Field,
    /// The due dates of the dated open items (several values).
    pub open_due: Field,
    /// How many open items the note has.
    pub open_count: Field,
    /// A dated note's date (journal credit).
    pub dated: Field,
    /// The folded `status` as an exact term, for the inactive statuses.
    pub status: Field,
}

impl DueFields {
    fn add(b: &mut tantivy::schema::SchemaBuilder) -> DueFields {
        let mut u = |name: &str| b.add_u64_field(name, FAST);
        let (contact, cadence, birthday, open_count) = (
            u("due_contact"),
            u("due_cadence"),
            u("due_birthday"),
            u("due_open_count"),
        );
        let mut i = |name: &str| b.add_i64_field(name, FAST);
        let (last, logs, next, snooze, open_due, dated) = (
            i("due_last"),
            i("due_logs"),
            i("due_next"),
            i("due_snooze"),
            i("due_open_due"),
            i("due_dated"),
        );
        DueFields {
            contact,
            last,
            logs,
            next,
            snooze,
            cadence,
            birthday,
            open_due,
            open_count,
            dated,
            status: b.add_text_field("due_status", STRING),
        }
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// Register the analyzers; call every time an index is opened.
pub fn register(tm: &TokenizerManager) {
    tm.register(
        TOKENIZER_FOLD,
        TextAnalyzer::from(TermTokenizer::new(Mode::Fold)),
    );
    tm.register(
        TOKENIZER_STEM,
        TextAnalyzer::from(TermTokenizer::new(Mode::Stems)),
    );
}

/// The analyzers the query parser uses: stemmed fields are queried with
/// terms that are already stems (one literal per language, see `query.rs`),
/// which folding leaves as they are, so that one word never turns into two
/// tokens (a phrase, which a field without positions cannot answer).
pub fn query_tokenizers() -> TokenizerManager {
    let tm = TokenizerManager::default();
    for name in [TOKENIZER_FOLD, TOKENIZER_STEM] {
        tm.register(name, TextAnalyzer::from(TermTokenizer::new(Mode::Fold)));
    }
    tm
}

/// What a [`TermTokenizer`] makes of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// lowercased and ASCII-folded (the `folded_analyzer` chain)
    Fold,
    /// lowercased, stemmed, ASCII-folded (the `stem_analyzer` chain)
    #[cfg_attr(not(test), allow(dead_code))] // only the reference chains of the tests
    Stem(Lang),
    /// the German stem, then the English stem at the same position when it
    /// differs (the two `stem_analyzer` chains merged)
    Stems,
}

/// FxHash: the memo's keys are short words from the user's own notes.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

const FX_K: u64 = 0x517c_c1b7_2722_0a95;

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(FX_K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(FX_K);
        }
        self.0 = h;
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(FX_K);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A word's term, and for [`Mode::Stems`] its second (English) stem when it
/// differs from the first.
type Terms = (Box<str>, Option<Box<str>>);

type TermMemo = HashMap<Box<str>, Terms, std::hash::BuildHasherDefault<FxHasher>>;

/// The whole analyzer chain of a field in one pass, memoised: words are
/// found as by `SimpleTokenizer` (runs of alphanumeric chars), too long ones
/// dropped as by `RemoveLongFilter` (over [`MAX_WORD_BYTES`]), and each distinct word is
/// lowercased, stemmed and folded once per indexing thread and field, then
/// looked up. Produces exactly the tokens of `folded_analyzer` and
/// `stem_analyzer` (for [`Mode::Stems`] the German and English chains merged
/// by position; tested); tokenizing, lowercasing and folding every token once
/// per analyzer cost more than tantivy's postings (bench/PROFILE.md).
pub struct TermTokenizer {
    mode: Mode,
    token: Token,
    memo: TermMemo,
}

impl TermTokenizer {
    pub fn new(mode: Mode) -> TermTokenizer {
        TermTokenizer {
            mode,
            token: Token::default(),
            memo: TermMemo::default(),
        }
    }
}

/// Each clone (tantivy takes one per field and indexing thread) starts with
/// its own empty memo.
impl Clone for TermTokenizer {
    fn clone(&self) -> Self {
        TermTokenizer::new(self.mode)
    }
}

fn stem_fold(lang: Lang, lower: &str) -> String {
    let stemmer = frostem::Stemmer::new(match lang {
        Lang::German => frostem::Algorithm::German,
        Lang::English => frostem::Algorithm::English,
    });
    let mut w = stemmer.stem(lower).into_owned();
    fold_token(&mut w);
    w
}

fn terms_of(mode: Mode, raw: &str) -> Terms {
    let lower = if raw.is_ascii() {
        raw.to_ascii_lowercase()
    } else {
        raw.chars().flat_map(char::to_lowercase).collect()
    };
    match mode {
        Mode::Fold => {
            let mut w = lower;
            fold_token(&mut w);
            (w.into(), None)
        }
        Mode::Stem(lang) => (stem_fold(lang, &lower).into(), None),
        Mode::Stems => {
            let de = stem_fold(Lang::German, &lower);
            let en = stem_fold(Lang::English, &lower);
            let second = (en != de).then(|| en.into_boxed_str());
            (de.into(), second)
        }
    }
}

impl Tokenizer for TermTokenizer {
    type TokenStream<'a> = TermTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> TermTokenStream<'a> {
        self.token.reset();
        if self.memo.len() >= MEMO_LIMIT {
            self.memo.clear();
        }
        TermTokenStream {
            text,
            pos: 0,
            token: &mut self.token,
            mode: self.mode,
            memo: &mut self.memo,
            second: None,
        }
    }
}

pub struct TermTokenStream<'a> {
    text: &'a str,
    /// byte offset of the next char to look at
    pos: usize,
    token: &'a mut Token,
    mode: Mode,
    memo: &'a mut TermMemo,
    /// The current word's second term, still to be given at its position.
    second: Option<Box<str>>,
}

impl TermTokenStream<'_> {
    /// The offset of the next char that is (`alnum`) or is not alphanumeric,
    /// moving past it; ASCII bytes without decoding.
    fn scan(&mut self, alnum: bool) -> Option<usize> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            let at = self.pos;
            let (is, len) = if b < 0x80 {
                (b.is_ascii_alphanumeric(), 1)
            } else {
                let c = self.text.get(at..)?.chars().next()?;
                (c.is_alphanumeric(), c.len_utf8())
            };
            self.pos += len;
            if is == alnum {
                return Some(at);
            }
        }
        None
    }
}

impl TokenStream for TermTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        if let Some(t) = self.second.take() {
            self.token.text.push_str(&t);
            return true;
        }
        loop {
            // every word takes a position, also one dropped as too long
            self.token.position = self.token.position.wrapping_add(1);
            let Some(start) = self.scan(true) else {
                return false;
            };
            let end = self.scan(false).unwrap_or(self.text.len());
            if end - start > MAX_WORD_BYTES {
                continue;
            }
            let raw = &self.text[start..end];
            self.token.offset_from = start;
            self.token.offset_to = end;
            match self.memo.get(raw) {
                Some((t, second)) => {
                    self.token.text.push_str(t);
                    self.second.clone_from(second);
                }
                None => {
                    let (t, second) = terms_of(self.mode, raw);
                    self.token.text.push_str(&t);
                    self.second.clone_from(&second);
                    self.memo.insert(raw.into(), (t, second));
                }
            }
            return true;
        }
    }
    fn token(&self) -> &Token {
        self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The reference chain that `TermTokenizer` reproduces (tests compare them).
#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The reference chain that `TermTokenizer` reproduces (tests compare them).
#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
pub fn stem_analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(MemoStemmer { lang })
        .filter(AsciiFoldingFilter)
        .build()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    German,
    English,
}

/// Stem memo per thread: a vault's vocabulary is small, and snowball stemming
/// is the dominant cost of indexing (see PERF-NOTES.md).
#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
struct Memo {
    de: frostem::Stemmer,
    en: frostem::Stemmer,
    cache: [HashMap<String, String>; 2],
}

const MEMO_LIMIT: usize = 200_000;

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo {
        de: frostem::Stemmer::new(frostem::Algorithm::German),
        en: frostem::Stemmer::new(frostem::Algorithm::English),
        cache: [HashMap::new(), HashMap::new()],
    });
}

#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
fn stem_in_place(lang: Lang, word: &mut String) {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let slot = match lang {
            Lang::German => 0,
            Lang::English => 1,
        };
        if let Some(s) = m.cache[slot].get(word.as_str()) {
            word.clone_from(s);
            return;
        }
        let stemmed = match lang {
            Lang::German => m.de.stem(word).into_owned(),
            Lang::English => m.en.stem(word).into_owned(),
        };
        if m.cache[slot].len() >= MEMO_LIMIT {
            m.cache[slot].clear();
        }
        m.cache[slot].insert(std::mem::take(word), stemmed.clone());
        *word = stemmed;
    });
}

/// A snowball stemmer token filter with a per-thread memo.
#[derive(Clone, Copy)]
#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
pub struct MemoStemmer {
    lang: Lang,
}

impl TokenFilter for MemoStemmer {
    type Tokenizer<T: Tokenizer> = MemoStemFilter<T>;
    fn transform<T: Tokenizer>(self, tokenizer: T) -> MemoStemFilter<T> {
        MemoStemFilter {
            lang: self.lang,
            inner: tokenizer,
        }
    }
}

#[derive(Clone)]
#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
pub struct MemoStemFilter<T> {
    lang: Lang,
    inner: T,
}

impl<T: Tokenizer> Tokenizer for MemoStemFilter<T> {
    type TokenStream<'a> = MemoStemStream<T::TokenStream<'a>>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        MemoStemStream {
            lang: self.lang,
            tail: self.inner.token_stream(text),
        }
    }
}

#[cfg_attr(not(test), allow(dead_code))] // the reference chains the tests compare with
pub struct MemoStemStream<T> {
    lang: Lang,
    tail: T,
}

impl<T: TokenStream> TokenStream for MemoStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let lang = self.lang;
        stem_in_place(lang, &mut self.tail.token_mut().text);
        true
    }
    fn token(&self) -> &Token {
        self.tail.token()
    }
    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::{Lang, folded_analyzer, stem_analyzer};

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn analyzers_fold_and_stem() {
        assert_eq!(
            tokens(folded_analyzer(), "Müller Straße"),
            vec!["muller", "strasse"]
        );
        assert_eq!(
            tokens(stem_analyzer(Lang::English), "sailing"),
            vec!["sail"]
        );
        assert_eq!(
            tokens(
                stem_analyzer(Lang::German),
                "Segeln Fortbildungen Fortbildung"
            ),
            tokens(stem_analyzer(Lang::German), "Segel Fortbildung Fortbildung")
        );
    }
}

thread_local! {
    static FOLD_ONE: RefCell<TextAnalyzer> = RefCell::new(
        TextAnalyzer::builder(tantivy::tokenizer::RawTokenizer::default())
            .filter(AsciiFoldingFilter)
            .build(),
    );
}

fn fold_token(word: &mut String) {
    if word.is_ascii() {
        return;
    }
    FOLD_ONE.with(|a| {
        let mut a = a.borrow_mut();
        let mut s = a.token_stream(word);
        if s.advance() {
            let folded = s.token().text.clone();
            drop(s);
            *word = folded;
        }
    });
}

#[cfg(test)]
mod term_tokenizer_tests {
    use proptest::prelude::*;
    use tantivy::tokenizer::TextAnalyzer;

    use super::{Lang, Mode, TermTokenizer, folded_analyzer, stem_analyzer};

    fn all(a: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    fn same_as_reference(text: &str) {
        // twice through the same analyzer: the second pass reads the memo
        for (mode, reference) in [
            (Mode::Fold, folded_analyzer()),
            (Mode::Stem(Lang::German), stem_analyzer(Lang::German)),
            (Mode::Stem(Lang::English), stem_analyzer(Lang::English)),
        ] {
            let want = all(&mut { reference }, text);
            let mut fused = TextAnalyzer::from(TermTokenizer::new(mode));
            for _ in 0..2 {
                assert_eq!(all(&mut fused, text), want, "{mode:?} {text:?}");
            }
        }
        // both stems at one position: German, then English when it differs
        let de = all(&mut stem_analyzer(Lang::German), text);
        let en = all(&mut stem_analyzer(Lang::English), text);
        assert_eq!(de.len(), en.len(), "{text:?}");
        let mut want = Vec::new();
        for (d, e) in de.into_iter().zip(en) {
            assert_eq!((d.1, d.2, d.3), (e.1, e.2, e.3), "{text:?}");
            let differs = d.0 != e.0;
            want.push(d);
            if differs {
                want.push(e);
            }
        }
        let mut fused = TextAnalyzer::from(TermTokenizer::new(Mode::Stems));
        for _ in 0..2 {
            assert_eq!(all(&mut fused, text), want, "Stems {text:?}");
        }
    }

    #[test]
    fn equals_the_reference_chains() {
        for text in [
            "",
            "  ,;  ",
            "Müller segelt gern; Sailing & Fortbildungen in Kiel, Straße 5. Ærø ÉCOLE naïve",
            "İstanbul ΣΊΣΥΦΟΣ ǅemal ﬁnance Ⅻ ½ x²",
            "a-b_c.d/e:f 2026-11-26 Sailing SAILING sailing",
            "kurz Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellerverband lang ok",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ä aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b",
            "ääääääääääääääääääääääää x äääääääääääääääääääääääa y",
        ] {
            same_as_reference(text);
        }
        // at the length limit, one byte under and over it
        let limit = super::MAX_WORD_BYTES;
        for n in [limit - 1, limit, limit + 1] {
            same_as_reference(&format!("a {} b", "x".repeat(n)));
            same_as_reference(&format!("a {}x b", "ä".repeat(n / 2)));
        }
    }

    proptest! {
        #[test]
        fn equals_the_reference_chains_on_any_text(text in "\\PC{0,80}") {
            same_as_reference(&text);
        }

        #[test]
        fn equals_the_reference_chains_on_wordy_text(text in "([A-Za-zÄÖÜäöüßéø0-9]{1,60}[ ,.;\\-_]{1,3}){0,12}") {
            same_as_reference(&text);
        }
    }
}
