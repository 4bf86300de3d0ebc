//! Queries over the index: full-text search with field prefixes, topic matching
//! with field weights, the telling terms of a text, snippets with line numbers,
//! and reading back every note's parsed model.

use std::collections::HashMap;
use std::fs;
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, QueryParser, TermQuery,
};
use tantivy::query_grammar::{Delimiter, UserInputAst, UserInputLeaf, UserInputLiteral};
use tantivy::schema::{Field, IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, StopWordFilter,
    TextAnalyzer,
};
use tantivy::{DocAddress, Searcher, SegmentReader, Term};

use crate::concepts::Concepts;
use crate::index::IndexView;
use crate::index::engine::schema::{Group, MAX_WORD_BYTES, query_tokenizers, too_long_word};
use crate::index::error::{IndexError, Result, tv_err};
use crate::vault::config::Config;
use crate::vault::frontmatter::{self, Split};
use crate::vault::names::nfc;
use crate::vault::note::{MAX_INDEXED_BYTES, Note};
use crate::vault::text::replace_controls;

/// One search hit.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub path: String,
    pub name: String,
    pub score: f32,
    pub line: Option<usize>,
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight.
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
}

/// One contact ranked for a topic.
#[derive(Debug, Clone, Serialize)]
pub struct TopicMatch {
    pub path: String,
    pub name: String,
    pub score: f32,
    pub fields: Vec<&'static str>,
    /// The words of the topic's concepts that matched, for topic words that
    /// did not match themselves (`Segeln` for `match sailing`).
    pub via: Vec<String>,
    pub snippet: String,
    /// With `match --file`: when this contact was already given the article.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub already_given: Option<jiff::civil::Date>,
    #[serde(skip)]
    pub highlights: Vec<Range<usize>>,
    #[serde(skip)]
    pub line: Option<usize>,
}

/// How much a concept's other words count against the word asked for: a
/// contact who wrote `Segeln` ranks below one who wrote `sailing`, for
/// `match sailing`, in the same field.
pub const MEMBER_BOOST: f32 = 0.5;
/// What a compound that holds a concept's word scores, of the asked word.
pub const PART_BOOST: f32 = 0.25;
/// A compound's first part must have at least this many letters (shorter
/// words split too much: `lauf` in `Laufbahn`, `golf` in `Golfstrom`) …
const MIN_PART: usize = 5;
/// … and its rest at least this many (`schach` + `tel` is no compound).
const MIN_REST: usize = 4;
/// At most this many compounds per concept word.
const MAX_PARTS: usize = 50;
/// Second parts of German compounds that people write about each other's
/// pursuits, folded (`Segel|regatten`, `Verhandlungs|training`): a rest is
/// a word when it is one of these or a word of the vault itself.
const COMPOUND_HEADS: &[&str] = &[
    "abend",
    "ausbildung",
    "boot",
    "club",
    "event",
    "freund",
    "gruppe",
    "kurs",
    "lehrer",
    "meister",
    "programm",
    "regatta",
    "regatten",
    "reise",
    "saison",
    "schein",
    "schule",
    "seminar",
    "sport",
    "team",
    "torn",
    "training",
    "trainer",
    "treffen",
    "urlaub",
    "verein",
    "wettkampf",
    "wochenende",
    "workshop",
    "zeit",
];

/// BM25's idf (as tantivy computes it) of a term in `df` of `n` documents.
fn idf(n: u64, df: u64) -> f32 {
    let (n, df) = (n as f32, df.min(n) as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

fn term_query(t: Term) -> Box<dyn Query> {
    Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
}

/// Does the query of `w` match document `doc` of `seg`?
fn matches(w: &dyn tantivy::query::Weight, seg: &SegmentReader, doc: u32) -> tantivy::Result<bool> {
    let mut sc = w.scorer(seg, 1.0)?;
    let at = sc.doc();
    Ok(at == doc || (at < doc && sc.seek(doc) == doc))
}

/// What tells, for one span with a concept, which member matched a contact.
struct SpanVia {
    /// the asked words themselves, in any topic group
    asked: Box<dyn tantivy::query::Weight>,
    /// each member (or compound part) per group, best group first
    members: Vec<(String, Box<dyn tantivy::query::Weight>)>,
}

/// The concept members through which a document matched: for each span
/// whose asked words it does not hold, the first member it does.
fn matched_members(
    vias: &[SpanVia],
    seg: &SegmentReader,
    doc: u32,
) -> tantivy::Result<Vec<String>> {
    let mut via = Vec::new();
    for span in vias {
        if matches(span.asked.as_ref(), seg, doc)? {
            continue;
        }
        for (m, w) in &span.members {
            if matches(w.as_ref(), seg, doc)? {
                if !via.contains(m) {
                    via.push(m.clone());
                }
                break;
            }
        }
    }
    Ok(via)
}

/// One run of the topic words and the other words of its concept.
struct SpanPlan {
    words: Vec<String>,
    members: Vec<String>,
    /// German compounds in the index that hold a word of the concept
    /// (`segelsport`, `verhandlungstraining`), folded.
    parts: Vec<String>,
}

impl SpanPlan {
    /// The asked words' terms in field `f`, each once.
    fn asked_terms(&self, view: &IndexView, f: Field) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::new();
        for w in &self.words {
            for t in view.analyze(f, w) {
                let t = Term::from_field_text(f, &t);
                if !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }
}

/// Words too common in German news prose to tell what a text is about that
/// neither tantivy's stop words nor stopwords-iso's German list have.
const EXTRA_STOP_WORDS: &str = include_str!("../../../data/stopwords-extra.txt");

/// A stop-word analyzer: lowercase, then tantivy's (snowball) English and
/// German stop words removed.
fn stop_analyzer() -> TextAnalyzer {
    let mut builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES + 1))
        .filter(LowerCaser)
        .dynamic();
    for lang in [Language::English, Language::German] {
        if let Some(sw) = StopWordFilter::new(lang) {
            builder = builder.filter_dynamic(sw);
        }
    }
    builder.filter_dynamic(AsciiFoldingFilter).build()
}

/// Is `word` a German or English function word (article, pronoun,
/// preposition, conjunction, auxiliary: tantivy's snowball lists) that is
/// not a word of a concept? `match` drops such topic words.
pub fn is_function_word(concepts: &Concepts, word: &str) -> bool {
    let word = nfc(word);
    let mut a = stop_analyzer();
    let mut s = a.token_stream(&word);
    let kept = s.advance();
    !kept && !word.trim().is_empty() && concepts.lookup(&word).is_none()
}

/// Is a (lowercased, folded) word too common to be a telling word:
/// stopwords-iso's German list (`sagte`, `wurde`, `heute`) or
/// [`EXTRA_STOP_WORDS`] (`bekommen`, `gemeinsam`)?
fn is_common_word(folded: &str) -> bool {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<String>> =
        std::sync::OnceLock::new();
    WORDS
        .get_or_init(|| {
            let iso = stop_words::lookup("de").unwrap_or(&[]);
            iso.iter()
                .copied()
                .chain(
                    EXTRA_STOP_WORDS
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty() && !l.starts_with('#')),
                )
                .map(crate::vault::names::fold)
                .collect()
        })
        .contains(folded)
}

/// `search --concepts`: `query` with each plain word (letters and digits
/// only, outside `"phrases"`, without a `field:` or `*`, not `AND`/`OR`/`NOT`)
/// that is a concept's word replaced by `(word OR other OR "other words")`.
/// Everything else is left as written.
pub fn concept_query(query: &str, concepts: &Concepts) -> String {
    let mut out = String::with_capacity(query.len());
    let mut in_phrase = false;
    for (i, piece) in query.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let quotes = piece.matches('"').count();
        if in_phrase || quotes > 0 {
            in_phrase ^= quotes % 2 == 1;
            out.push_str(piece);
            continue;
        }
        let body = piece.trim_start_matches(['+', '-']).trim_start_matches('(');
        let lead = &piece[..piece.len() - body.len()];
        let word = body.trim_end_matches(')');
        let tail = &body[word.len()..];
        let plain = !word.is_empty()
            && word.chars().all(char::is_alphanumeric)
            && !matches!(word, "AND" | "OR" | "NOT");
        match concepts.lookup(word).filter(|_| plain) {
            Some(c) => {
                let mut alts = vec![word.to_string()];
                for w in c.words() {
                    if crate::vault::names::fold(w) == crate::vault::names::fold(word) {
                        continue;
                    }
                    if w.chars().all(char::is_alphanumeric) {
                        alts.push(w.to_string());
                    } else if !w.contains(['"', '\\']) {
                        alts.push(format!("\"{w}\""));
                    }
                }
                out.push_str(&format!("{lead}({}){tail}", alts.join(" OR ")));
            }
            None => out.push_str(piece),
        }
    }
    out
}

/// The concepts of the vault at `root`: the built-in list with the
/// `[concepts]` of its config. The session has already refused a config
/// that does not parse; if it cannot be read now, the built-in list is used.
pub fn vault_concepts(root: &std::path::Path) -> Concepts {
    let user = fs::read_to_string(root.join(".rapport").join("config.toml"))
        .ok()
        .and_then(|t| Config::parse(&t).ok())
        .map(|c| c.concepts)
        .unwrap_or_default();
    Concepts::with_user(&user)
}

fn has_terms(q: &dyn Query, f: Field) -> bool {
    let mut any = false;
    q.query_terms(&mut |t, _| any |= t.field() == f);
    any
}

/// `O'Brien`, `don't`: an apostrophe between two letters belongs to the word;
/// tantivy's grammar would take it for the start of a `'phrase'`.
fn escape_inner_apostrophes(q: &str) -> std::borrow::Cow<'_, str> {
    let chars: Vec<char> = q.chars().collect();
    let inner = |i: usize| {
        chars[i] == '\''
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())
    };
    if !(0..chars.len()).any(inner) {
        return q.into();
    }
    let mut out = String::with_capacity(q.len() + 2);
    for (i, c) in chars.iter().enumerate() {
        if inner(i) {
            out.push('\\');
        }
        out.push(*c);
    }
    out.into()
}

/// The longest snippet: a line up to this many chars is shown whole.
const SNIPPET_CHARS: usize = 160;

/// What a hit shows of its matching line: the whole line (without its
/// indentation) when it is short, else tantivy's fragment around the match
/// (which ends at the last word, dropping a closing `]` or `.`).
fn shown(line: &str, s: &tantivy::snippet::Snippet) -> (String, Vec<Range<usize>>) {
    let trimmed = line.trim();
    let lead = line.len() - line.trim_start().len();
    let fragment = s.fragment();
    match line.find(fragment) {
        Some(at) if trimmed.chars().count() <= SNIPPET_CHARS => {
            // highlights are on words, never in the indentation
            let hl = s
                .highlighted()
                .iter()
                .map(|r| (r.start + at).saturating_sub(lead)..(r.end + at).saturating_sub(lead))
                .collect();
            (trimmed.to_string(), hl)
        }
        _ => (fragment.to_string(), s.highlighted().to_vec()),
    }
}

/// How deeply a query may nest groups `( … )` and `NOT`s. tantivy's query
/// grammar recurses once per level (and so does every step after it): ten
/// thousand `(` overflowed the stack.
pub const MAX_QUERY_DEPTH: usize = 32;

/// The deepest nesting of `query`: open parentheses plus a run of `NOT`
/// keywords, outside `"phrases"` and not escaped with `\`. Counts more than
/// the grammar nests (an unclosed `(` stays open), never less.
pub fn query_depth(query: &str) -> usize {
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut deepest = 0usize;
    let mut in_phrase = false;
    let mut word = String::new();
    let mut chars = query.chars();
    let end_word = |word: &mut String, nots: &mut usize| {
        if !word.is_empty() {
            if word == "NOT" {
                *nots += 1;
            } else {
                *nots = 0;
            }
            word.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
                word.push('x');
            }
            '"' => {
                end_word(&mut word, &mut nots);
                in_phrase = !in_phrase;
                if !in_phrase {
                    nots = 0;
                }
            }
            _ if in_phrase => {}
            '(' => {
                end_word(&mut word, &mut nots);
                depth += 1;
            }
            ')' => {
                end_word(&mut word, &mut nots);
                depth = depth.saturating_sub(1);
            }
            c if c.is_whitespace() => end_word(&mut word, &mut nots),
            c => word.push(c),
        }
        deepest = deepest.max(depth + nots);
    }
    end_word(&mut word, &mut nots);
    deepest.max(depth + nots)
}

/// The most different words one `prefix*` may stand for: each becomes a term
/// of the query, in every group searched.
pub const MAX_PREFIX_WORDS: usize = 200;

/// The shortest `prefix*`, in letters or digits (as folded): one letter
/// would stand for a large part of the vocabulary.
pub const MIN_PREFIX_CHARS: usize = 2;

/// Queries are quoted in error messages as `vault::text::excerpt` makes them.
pub use crate::vault::text::excerpt;

/// A requested number of hits, cut to the number of documents there are
/// (`-n 18446744073709551615` must not size a heap); 0 stays 0.
fn clamp_limit(limit: usize, searcher: &Searcher) -> usize {
    limit.min(usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX))
}

impl IndexView {
    fn dir(&self) -> std::path::PathBuf {
        self.root.join(".rapport").join("index")
    }

    pub fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    /// Every note's parsed model, in path order. Segments are read on both
    /// cores (largest first): decompressing the store and deserialising
    /// each model is most of `due`, `topics` and `intros`.
    pub fn notes(&self) -> Result<Vec<Note>> {
        let mut out = self.committed_notes()?;
        if let Some(ov) = &self.overlay {
            out.retain(|n| !ov.shadowed.contains(&n.path));
            out.append(&mut ov.view.notes()?);
            out.sort_by(|a, b| a.path.cmp(&b.path));
        }
        Ok(out)
    }

    /// How many committed hits the overlay may hide: ask for that many more.
    fn hidden(&self) -> usize {
        self.overlay.as_ref().map_or(0, |o| o.shadowed.len())
    }

    /// Is a committed document for `path` out of date?
    pub(crate) fn shadowed(&self, path: &str) -> bool {
        self.overlay
            .as_ref()
            .is_some_and(|o| o.shadowed.contains(path))
    }

    fn committed_notes(&self) -> Result<Vec<Note>> {
        let searcher = self.searcher();
        let dir = self.dir();
        let segs = searcher.segment_readers();
        let mut order: Vec<&SegmentReader> = segs.iter().collect();
        order.sort_by_key(|s| std::cmp::Reverse(s.max_doc()));
        let docs: u32 = order.iter().map(|s| s.num_docs()).sum();
        let parts: Vec<Result<Vec<Note>>> = if docs > 2000 {
            order
                .par_iter()
                .map(|seg| self.segment_notes(seg, &dir))
                .collect()
        } else {
            order
                .iter()
                .map(|seg| self.segment_notes(seg, &dir))
                .collect()
        };
        let mut out = Vec::with_capacity(docs as usize);
        for part in parts {
            out.append(&mut part?);
        }
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }

    fn segment_notes(&self, seg: &SegmentReader, dir: &std::path::Path) -> Result<Vec<Note>> {
        let store = seg
            .get_store_reader(64)
            .map_err(|e| tv_err(dir)(e.into()))?;
        let mut out = Vec::with_capacity(seg.num_docs() as usize);
        for doc in store.iter::<TantivyDocument>(seg.alive_bitset()) {
            let doc = doc.map_err(tv_err(dir))?;
            if let Some(meta) = doc.get_first(self.fields.meta).and_then(|v| v.as_str()) {
                out.push(self.read_back(&doc, meta)?);
            }
        }
        Ok(out)
    }

    /// The `Note` stored as `meta` in `doc`; one that does not read back is
    /// an error that makes the session rebuild the index.
    pub(crate) fn read_back(&self, doc: &TantivyDocument, meta: &str) -> Result<Note> {
        serde_json::from_str::<Note>(meta).map_err(|e| IndexError::Unreadable {
            path: self.root.join(".rapport"),
            note: doc
                .get_first(self.fields.path)
                .and_then(|v| v.as_str())
                .unwrap_or("a note")
                .to_string(),
            why: e.to_string(),
        })
    }

    /// The note stored at `addr` (whether the overlay replaces it: [`Self::shadowed`]).
    pub(crate) fn note_of(&self, searcher: &Searcher, addr: DocAddress) -> Result<Note> {
        let doc: TantivyDocument = searcher.doc(addr).map_err(tv_err(&self.dir()))?;
        let meta = doc
            .get_first(self.fields.meta)
            .and_then(|v| v.as_str())
            .unwrap_or("{}");
        self.read_back(&doc, meta)
    }

    fn field_name(&self, f: Field) -> String {
        self.fields.schema.get_field_name(f).to_string()
    }

    /// Rewrite a parsed user query so that every word is looked up in the
    /// folded field and the stemmed field (both stems) of the groups it names (or all groups).
    fn expand(&self, ast: UserInputAst) -> std::result::Result<UserInputAst, String> {
        Ok(match ast {
            UserInputAst::Clause(cs) => UserInputAst::Clause(
                cs.into_iter()
                    .map(|(o, a)| self.expand(a).map(|a| (o, a)))
                    .collect::<std::result::Result<_, _>>()?,
            ),
            UserInputAst::Boost(a, b) => UserInputAst::Boost(Box::new(self.expand(*a)?), b),
            UserInputAst::Leaf(leaf) => match *leaf {
                UserInputLeaf::Literal(lit) => self.expand_literal(lit)?,
                UserInputLeaf::All => {
                    return Err(format!(
                        "a bare * is not a search; give at least {MIN_PREFIX_CHARS} letters before it (Kaffe*)"
                    ));
                }
                _ => {
                    return Err("ranges, sets, regexes and exists queries are not supported".into());
                }
            },
        })
    }

    fn expand_literal(&self, lit: UserInputLiteral) -> std::result::Result<UserInputAst, String> {
        let groups: Vec<Group> = match &lit.field_name {
            Some(f) => vec![Group::parse(f).ok_or_else(|| {
                let names: Vec<&str> = Group::ALL.iter().map(|g| g.as_str()).collect();
                format!(
                    "unknown field {:?}; use one of {}",
                    excerpt(f),
                    names.join(", ")
                )
            })?],
            None => Group::ALL.to_vec(),
        };
        if let Some(w) = too_long_word(&lit.phrase) {
            return Err(format!(
                "the word {:?} is longer than {MAX_WORD_BYTES} bytes; words that long are not indexed",
                excerpt(w)
            ));
        }
        // `Kaffe*` arrives as the word `Kaffe*` (tantivy's "wildcard" term)
        if lit.delimiter == Delimiter::None && lit.phrase.contains('*') {
            let stem = lit.phrase.trim_end_matches('*');
            if stem.contains('*') {
                return Err(format!(
                    "{:?}: only a * at the end of a word is supported (Kaffe*)",
                    excerpt(&lit.phrase)
                ));
            }
            let mut l = lit.clone();
            l.phrase = stem.to_string();
            return self.expand_prefix(&l, &groups);
        }
        // A word that splits into several tokens (`e-mail`, `2026-10-12`,
        // `anna@example.org`) is a phrase: only the folded fields have positions.
        let several = self
            .analyze(self.fields.group(Group::Body).folded, &lit.phrase)
            .len()
            > 1;
        let exact = lit.delimiter != Delimiter::None || lit.prefix || lit.slop > 0 || several;
        // a single word's stems (German, and English when it differs), each
        // looked up as it is (see `schema::query_tokenizers`)
        let stems = if exact {
            vec![]
        } else {
            self.analyze(self.fields.group(Group::Body).stem, &lit.phrase)
        };
        let mut clauses = Vec::new();
        let mut push = |f: Field, phrase: Option<&str>| {
            let mut l = lit.clone();
            l.field_name = Some(self.field_name(f));
            if let Some(p) = phrase {
                l.phrase = p.to_string();
            }
            clauses.push((
                Some(tantivy::query_grammar::Occur::Should),
                UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(l))),
            ));
        };
        for g in groups {
            let v = self.fields.group(g);
            push(v.folded, None);
            for s in &stems {
                push(v.stem, Some(s));
            }
        }
        Ok(UserInputAst::Clause(clauses))
    }

    /// `word*`: every folded word of the index that starts with `word` (as
    /// folded), in the folded field of each group searched, as one
    /// "any of these" clause. At most [`MAX_PREFIX_WORDS`] distinct words.
    fn expand_prefix(
        &self,
        lit: &UserInputLiteral,
        groups: &[Group],
    ) -> std::result::Result<UserInputAst, String> {
        let shown = format!("{}*", excerpt(&lit.phrase));
        let tokens = self.analyze(self.fields.group(Group::Body).folded, &lit.phrase);
        let prefix = match tokens.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(format!(
                    "{shown:?} has no letters or digits before *; give at least {MIN_PREFIX_CHARS}"
                ));
            }
            _ => {
                return Err(format!(
                    "{shown:?}: a prefix is one word of letters and digits (use a phrase for several)"
                ));
            }
        };
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            return Err(format!(
                "{shown:?} is too short a prefix; give at least {MIN_PREFIX_CHARS} letters or digits before *"
            ));
        }
        let searcher = self.searcher();
        let mut words: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut clauses = Vec::new();
        for g in groups {
            let f = self.fields.group(*g).folded;
            let mut in_field: std::collections::BTreeSet<String> =
                std::collections::BTreeSet::new();
            for seg in searcher.segment_readers() {
                let inv = seg.inverted_index(f).map_err(|e| e.to_string())?;
                let mut terms = inv
                    .terms()
                    .range()
                    .ge(prefix.as_bytes())
                    .into_stream()
                    .map_err(|e| e.to_string())?;
                while terms.advance() {
                    let key = terms.key();
                    if !key.starts_with(prefix.as_bytes()) {
                        break;
                    }
                    let Ok(word) = std::str::from_utf8(key) else {
                        continue;
                    };
                    if in_field.insert(word.to_string())
                        && words.insert(word.to_string())
                        && words.len() > MAX_PREFIX_WORDS
                    {
                        return Err(format!(
                            "{shown:?} matches more than {MAX_PREFIX_WORDS} different words; make the prefix longer"
                        ));
                    }
                }
            }
            for word in in_field {
                let mut l = lit.clone();
                l.field_name = Some(self.field_name(f));
                l.phrase = word;
                l.prefix = false;
                clauses.push((
                    Some(tantivy::query_grammar::Occur::Should),
                    UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(l))),
                ));
            }
        }
        Ok(UserInputAst::Clause(clauses))
    }

    fn parser(&self) -> QueryParser {
        let mut all = Vec::new();
        for (_, v) in self.fields.groups() {
            all.extend([v.folded, v.stem]);
        }
        let mut p = QueryParser::new(self.fields.schema.clone(), all, query_tokenizers());
        p.set_conjunction_by_default();
        for (g, boost) in Group::ALL
            .into_iter()
            .filter_map(|g| g.search_boost().map(|b| (g, b)))
        {
            let v = self.fields.group(g);
            for f in [v.folded, v.stem] {
                p.set_field_boost(f, boost);
            }
        }
        p
    }

    /// Full-text search in tantivy's query syntax; all words must match
    /// (use `OR` for either).
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>> {
        let q = self.user_query(query)?;
        let mut hits = self.search_hits(q.as_ref(), limit.saturating_add(self.hidden()))?;
        if let Some(ov) = &self.overlay {
            hits.retain(|h| !ov.shadowed.contains(&h.path));
            hits.extend(ov.view.search_hits(q.as_ref(), limit)?);
            hits.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.path.cmp(&b.path))
            });
        }
        hits.truncate(limit);
        Ok(hits)
    }

    /// A user's query, checked and expanded over rapport's fields.
    fn user_query(&self, query: &str) -> Result<Box<dyn Query>> {
        let query = &*nfc(query);
        let shown = excerpt(query);
        if query_depth(query) > MAX_QUERY_DEPTH {
            return Err(IndexError::Query(format!(
                "query {shown:?} nests groups or NOTs more than {MAX_QUERY_DEPTH} deep"
            )));
        }
        let escaped = escape_inner_apostrophes(query);
        let ast = tantivy::query_grammar::parse_query(&escaped)
            .map_err(|_| IndexError::Query(format!("cannot parse query {shown:?}")))?;
        let ast = self.expand(ast).map_err(IndexError::Query)?;
        let q = self
            .parser()
            .build_query_from_user_input_ast(ast)
            .map_err(|e| {
                IndexError::Query(format!("bad query {shown:?}: {}", excerpt(&e.to_string())))
            })?;
        Ok(q)
    }

    /// The best `limit` hits of `q` in this view's own index.
    fn search_hits(&self, q: &dyn Query, limit: usize) -> Result<Vec<Hit>> {
        let searcher = self.searcher();
        // never more hits than documents: the collector allocates by its limit
        let limit = clamp_limit(limit, &searcher);
        if limit == 0 {
            return Ok(vec![]);
        }
        let top = searcher
            .search(q, &TopDocs::with_limit(limit).order_by_score())
            .map_err(tv_err(&self.dir()))?;
        let gens = self.snippet_generators(&searcher, q);
        let mut hits = Vec::new();
        for (score, addr) in top {
            let note = self.note_of(&searcher, addr)?;
            if self.shadowed(&note.path) {
                continue;
            }
            let (snippet, highlights, line) = self.snippet(&gens, &note.path);
            hits.push(Hit {
                path: note.path,
                name: note.name,
                score,
                line,
                snippet,
                highlights,
            });
        }
        Ok(hits)
    }

    fn snippet_generators(
        &self,
        searcher: &Searcher,
        q: &dyn Query,
    ) -> Vec<(Group, SnippetGenerator)> {
        let mut order = vec![Group::Body];
        order.extend(Group::ALL.into_iter().filter(|g| *g != Group::Body));
        let mut gens = Vec::new();
        for g in order {
            let v = self.fields.group(g);
            for f in [v.folded, v.stem] {
                if has_terms(q, f)
                    && let Ok(mut sg) = SnippetGenerator::create(searcher, q, f)
                {
                    sg.set_max_num_chars(SNIPPET_CHARS);
                    gens.push((g, sg));
                }
            }
        }
        gens
    }

    /// A snippet of the note's current text around the first match, and the
    /// line of that match: from the body first, else the front-matter line.
    fn snippet(
        &self,
        gens: &[(Group, SnippetGenerator)],
        rel: &str,
    ) -> (String, Vec<Range<usize>>, Option<usize>) {
        let Ok(bytes) = fs::read(self.root.join(rel)) else {
            return (String::new(), vec![], None);
        };
        let bytes = &bytes[..bytes.len().min(MAX_INDEXED_BYTES)];
        let text = String::from_utf8_lossy(bytes);
        // as indexed (see parse_note): without a BOM, in NFC (which keeps
        // every line on its line)
        let text = nfc(text.strip_prefix('\u{feff}').unwrap_or(&text));
        let (yaml, yaml_line, body, body_line) = match frontmatter::split(&text) {
            Split::Block {
                yaml,
                yaml_line,
                body,
                body_line,
            } => (yaml, yaml_line, body, body_line),
            _ => ("", 1, &text[..], 1),
        };
        let clean = |s: &str| -> String { replace_controls(s, &[], ' ').into_owned() };
        let body_gens: Vec<&SnippetGenerator> = gens
            .iter()
            .filter(|(g, _)| *g == Group::Body)
            .map(|(_, sg)| sg)
            .collect();
        // the first line that matches, as `grep -n` would show it (no token
        // spans a line break, so no match is missed this way)
        if !body_gens.is_empty() {
            for (i, l) in body.lines().enumerate() {
                for sg in &body_gens {
                    let s = sg.snippet(l);
                    if !s.highlighted().is_empty() {
                        let (text, hl) = shown(l, &s);
                        return (clean(&text), hl, Some(body_line + i));
                    }
                }
            }
        }
        for (i, l) in yaml.lines().enumerate() {
            for (_, sg) in gens.iter().filter(|(g, _)| *g != Group::Body) {
                let s = sg.snippet(l);
                if !s.highlighted().is_empty() {
                    let (text, hl) = shown(l, &s);
                    return (clean(&text), hl, Some(yaml_line + i));
                }
            }
        }
        (String::new(), vec![], None)
    }

    fn analyze(&self, field: Field, word: &str) -> Vec<String> {
        let Ok(mut a) = self.index.tokenizer_for_field(field) else {
            return vec![];
        };
        let mut out = Vec::new();
        let word = nfc(word);
        let mut s = a.token_stream(&word);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    /// A folded term per word of `phrase`, or none when a word is too long.
    fn folded_terms(&self, f: Field, phrase: &str) -> Vec<Term> {
        self.analyze(f, phrase)
            .iter()
            .map(|t| Term::from_field_text(f, t))
            .collect()
    }

    /// The query for one topic in one group: the words asked for (folded
    /// and stemmed, as `match` always did), then the other words of their
    /// concepts at [`MEMBER_BOOST`] of what the asked word would score
    /// (their boost evens out how rare each word is), each term once.
    fn topic_group_query(
        &self,
        searcher: &Searcher,
        g: Group,
        plan: &[SpanPlan],
    ) -> Box<dyn Query> {
        let v = self.fields.group(g);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for span in plan {
            for f in [v.folded, v.stem] {
                for t in span.asked_terms(self, f) {
                    clauses.push((Occur::Should, term_query(t)));
                }
            }
            for m in &span.members {
                if let Some(q) = self.member_query(searcher, v, span, m) {
                    clauses.push((Occur::Should, q));
                }
            }
            for part in &span.parts {
                if let Some(q) = self.part_query(searcher, v.folded, span, part) {
                    clauses.push((Occur::Should, q));
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// A compound that holds a concept word, at [`PART_BOOST`] of the asked
    /// word's score (its boost evens out how rare each word is).
    /// The number of documents and the idf of the most common of the asked
    /// words' terms: what a concept's other words are scaled against.
    fn asked_idf(searcher: &Searcher, asked: &[Term]) -> (u64, f32) {
        let n = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum::<u64>();
        let most = asked
            .iter()
            .map(|t| searcher.doc_freq(t).unwrap_or(0))
            .max()
            .unwrap_or(0);
        (n, idf(n, most))
    }

    fn part_query(
        &self,
        searcher: &Searcher,
        f: Field,
        span: &SpanPlan,
        part: &str,
    ) -> Option<Box<dyn Query>> {
        let t = Term::from_field_text(f, part);
        let df = searcher.doc_freq(&t).unwrap_or(0);
        if df == 0 {
            return None;
        }
        let (n, ask_idf) = Self::asked_idf(searcher, &span.asked_terms(self, f));
        let boost = PART_BOOST * ask_idf / idf(n, df).max(f32::EPSILON);
        Some(Box::new(BoostQuery::new(term_query(t), boost)))
    }

    /// Is `r` a word of its own: a common compound head (with a plural
    /// ending), or a word the vault uses by itself?
    fn is_word(&self, searcher: &Searcher, r: &str) -> bool {
        let bare = ["", "s", "e", "n", "en", "er"]
            .iter()
            .filter_map(|end| r.strip_suffix(end))
            .any(|b| COMPOUND_HEADS.contains(&b));
        bare || Group::topic_weights().iter().any(|(g, _)| {
            let f = self.fields.group(*g).folded;
            searcher
                .doc_freq(&Term::from_field_text(f, r))
                .is_ok_and(|n| n > 0)
        })
    }

    /// The German compounds in the index that start with a word of the
    /// span's concept (as folded, or as its German stem), joined directly or
    /// with a linking `s`, `n`, `en`, `es` or `e` to a rest of its own: not
    /// words of the concept itself, and never a compound another concept
    /// claims by a longer word (`segelflug` is gliding: `Segelflugzeug` is
    /// no sailing).
    fn compound_parts(
        &self,
        searcher: &Searcher,
        concepts: &Concepts,
        span: &SpanPlan,
    ) -> Vec<String> {
        let Some(own) = concepts.lookup(&span.words.join(" ")) else {
            return vec![];
        };
        let known: std::collections::HashSet<String> = own
            .words()
            .flat_map(|w| self.analyze(self.fields.group(Group::Body).folded, w))
            .collect();
        let mut bases: Vec<String> = Vec::new();
        for w in own.words() {
            let body = self.fields.group(Group::Body);
            let folded = self.analyze(body.folded, w);
            let [one] = folded.as_slice() else { continue };
            for b in std::iter::once(one.clone()).chain(self.analyze(body.stem, w)) {
                if b.chars().count() >= MIN_PART && !bases.contains(&b) {
                    bases.push(b);
                }
            }
        }
        let mut out: Vec<String> = Vec::new();
        for &(g, _) in Group::topic_weights() {
            let f = self.fields.group(g).folded;
            for b in &bases {
                let mut found = 0;
                for seg in searcher.segment_readers() {
                    let Ok(inv) = seg.inverted_index(f) else {
                        continue;
                    };
                    let Ok(mut terms) = inv.terms().range().ge(b.as_bytes()).into_stream() else {
                        continue;
                    };
                    while terms.advance() && found < MAX_PARTS {
                        let key = terms.key();
                        if !key.starts_with(b.as_bytes()) {
                            break;
                        }
                        let Ok(t) = std::str::from_utf8(key) else {
                            continue;
                        };
                        if known.contains(t) || out.iter().any(|o| o == t) {
                            continue;
                        }
                        let rest = &t[b.len()..];
                        let joined = ["", "s", "n", "en", "es", "e"].iter().any(|l| {
                            rest.strip_prefix(l).is_some_and(|r| {
                                r.chars().count() >= MIN_REST && self.is_word(searcher, r)
                            })
                        });
                        // a longer word of another concept at its start claims it
                        let claimed = t
                            .char_indices()
                            .map(|(i, c)| i + c.len_utf8())
                            .filter(|&end| end > b.len())
                            .any(|end| {
                                concepts.lookup(&t[..end]).is_some_and(|c| c.key != own.key)
                            });
                        if joined && !claimed {
                            out.push(t.to_string());
                            found += 1;
                        }
                    }
                }
            }
        }
        out
    }

    /// One concept member in one group (its folded field and stems), or
    /// `None` when all its terms are the asked word's own.
    fn member_query(
        &self,
        searcher: &Searcher,
        v: crate::index::engine::schema::Variants,
        span: &SpanPlan,
        member: &str,
    ) -> Option<Box<dyn Query>> {
        let df = |t: &Term| searcher.doc_freq(t).unwrap_or(0);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for f in [v.folded, v.stem] {
            let asked = span.asked_terms(self, f);
            let (n, ask_idf) = Self::asked_idf(searcher, &asked);
            let terms = self.folded_terms(f, member);
            if f == v.folded && terms.len() > 1 {
                // a member of several words is a phrase (only folded fields have positions)
                let idf_sum: f32 = terms.iter().map(|t| idf(n, df(t))).sum();
                let q = PhraseQuery::new(terms);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(q),
                        MEMBER_BOOST * ask_idf / idf_sum.max(f32::EPSILON),
                    )),
                ));
                continue;
            }
            if f == v.stem && self.folded_terms(v.folded, member).len() > 1 {
                continue;
            }
            for t in terms {
                if asked.contains(&t) {
                    continue;
                }
                let boost = MEMBER_BOOST * ask_idf / idf(n, df(&t)).max(f32::EPSILON);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term_query(t), boost)),
                ));
            }
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    /// Rank contacts for a topic (one or more words), weighting where they
    /// match; each word is widened to its concept (the built-in list and the
    /// vault's `[concepts]`).
    pub fn match_topics(&self, words: &[String], limit: usize) -> Result<Vec<TopicMatch>> {
        let concepts = vault_concepts(&self.root);
        self.match_concepts(words, &concepts, limit)
    }

    /// [`IndexView::match_topics`] with the given concepts.
    pub fn match_concepts(
        &self,
        words: &[String],
        concepts: &Concepts,
        limit: usize,
    ) -> Result<Vec<TopicMatch>> {
        let mut out = self.topic_hits(words, concepts, limit.saturating_add(self.hidden()))?;
        if let Some(ov) = &self.overlay {
            out.extend(ov.view.topic_hits(words, concepts, limit)?);
            out.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.path.cmp(&b.path))
            });
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The best `limit` contacts for the topic in this view's own index.
    fn topic_hits(
        &self,
        words: &[String],
        concepts: &Concepts,
        limit: usize,
    ) -> Result<Vec<TopicMatch>> {
        let searcher = self.searcher();
        let dir = self.dir();
        let plan = self.topic_plan(&searcher, words, concepts);
        let groups: Vec<(Group, f32, Box<dyn Query>)> = Group::topic_weights()
            .iter()
            .map(|(g, w)| (*g, *w, self.topic_group_query(&searcher, *g, &plan)))
            .collect();
        let q = self.topic_query(&groups);
        let limit = clamp_limit(limit, &searcher);
        if limit == 0 {
            return Ok(vec![]);
        }
        let top = searcher
            .search(&q, &TopDocs::with_limit(limit).order_by_score())
            .map_err(tv_err(&dir))?;
        let enable = EnableScoring::disabled_from_searcher(&searcher);
        let weights = groups
            .iter()
            .map(|(g, _, q)| q.weight(enable).map(|w| (*g, w)))
            .collect::<tantivy::Result<Vec<_>>>()
            .map_err(tv_err(&dir))?;
        let vias = self.span_vias(&searcher, &plan, enable)?;
        let gens = self.snippet_generators(&searcher, &q);
        let mut out = Vec::new();
        for (score, addr) in top {
            let seg = searcher.segment_reader(addr.segment_ord);
            let mut fields = Vec::new();
            for (g, w) in &weights {
                if matches(w.as_ref(), seg, addr.doc_id).map_err(tv_err(&dir))? {
                    fields.push(g.as_str());
                }
            }
            let via = matched_members(&vias, seg, addr.doc_id).map_err(tv_err(&dir))?;
            let note = self.note_of(&searcher, addr)?;
            if self.shadowed(&note.path) {
                continue;
            }
            let (snippet, highlights, line) = self.snippet(&gens, &note.path);
            out.push(TopicMatch {
                path: note.path,
                name: note.name,
                score,
                fields,
                via,
                already_given: None,
                snippet,
                highlights,
                line,
            });
        }
        Ok(out)
    }

    /// The spans of the asked words, each with the other members of its
    /// concept and the German compounds in the index that hold one of them.
    fn topic_plan(
        &self,
        searcher: &Searcher,
        words: &[String],
        concepts: &Concepts,
    ) -> Vec<SpanPlan> {
        let mut plan: Vec<SpanPlan> = concepts
            .spans(words)
            .iter()
            .map(|s| SpanPlan {
                words: s.words.clone(),
                members: s.others().into_iter().map(str::to_string).collect(),
                parts: vec![],
            })
            .collect();
        for span in &mut plan {
            span.parts = self.compound_parts(searcher, concepts, span);
        }
        plan
    }

    /// Contacts matching any of the weighted group queries.
    fn topic_query(&self, groups: &[(Group, f32, Box<dyn Query>)]) -> BooleanQuery {
        let any: Vec<(Occur, Box<dyn Query>)> = groups
            .iter()
            .map(|(_, w, q)| {
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(q.box_clone(), *w)) as Box<dyn Query>,
                )
            })
            .collect();
        let contact: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(self.fields.kind, "contact"),
            IndexRecordOption::Basic,
        ));
        BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
            ),
            (Occur::Must, contact),
        ])
    }

    /// Per span with a concept: the asked words anywhere, and each member
    /// (and compound part) in each group, best group first, to name the
    /// member that matched.
    fn span_vias(
        &self,
        searcher: &Searcher,
        plan: &[SpanPlan],
        enable: EnableScoring<'_>,
    ) -> Result<Vec<SpanVia>> {
        let dir = self.dir();
        let mut vias = Vec::new();
        for span in plan {
            if span.members.is_empty() {
                continue;
            }
            let mut asked: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for &(g, _) in Group::topic_weights() {
                let v = self.fields.group(g);
                for f in [v.folded, v.stem] {
                    for t in span.asked_terms(self, f) {
                        asked.push((Occur::Should, term_query(t)));
                    }
                }
            }
            let asked = BooleanQuery::new(asked)
                .weight(enable)
                .map_err(tv_err(&dir))?;
            let mut members = Vec::new();
            for &(g, _) in Group::topic_weights() {
                for m in &span.members {
                    if let Some(q) = self.member_query(searcher, self.fields.group(g), span, m) {
                        members.push((m.clone(), q.weight(enable).map_err(tv_err(&dir))?));
                    }
                }
            }
            for &(g, _) in Group::topic_weights() {
                for part in &span.parts {
                    let f = self.fields.group(g).folded;
                    if let Some(q) = self.part_query(searcher, f, span, part) {
                        members.push((part.clone(), q.weight(enable).map_err(tv_err(&dir))?));
                    }
                }
            }
            vias.push(SpanVia { asked, members });
        }
        Ok(vias)
    }

    /// The most telling words of a text for this vault: frequent in the text,
    /// rare in the notes, stop words left out (German and English).
    pub fn telling_terms(&self, text: &str, max: usize) -> Vec<String> {
        let text = &*nfc(text);
        let mut a = stop_analyzer();
        let mut tf: HashMap<String, usize> = HashMap::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = &s.token().text;
            if t.chars().count() >= 3
                && !t.chars().all(|c| c.is_ascii_digit())
                && !is_common_word(t)
            {
                *tf.entry(t.clone()).or_default() += 1;
            }
        }
        let searcher = self.searcher();
        let n = searcher.num_docs().max(1) as f64;
        let mut scored: Vec<(f64, String)> = Vec::new();
        let v = self.fields.group(Group::Body);
        let iv = self.fields.group(Group::Interests);
        for (word, count) in tf {
            let mut df = 0u64;
            for f in [v.folded, v.stem, iv.folded, iv.stem] {
                for t in self.analyze(f, &word) {
                    df = df.max(
                        searcher
                            .doc_freq(&Term::from_field_text(f, &t))
                            .unwrap_or(0),
                    );
                }
            }
            if df == 0 {
                continue;
            }
            let idf = (1.0 + n / (df as f64)).ln();
            scored.push(((count as f64).sqrt() * idf, word));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.into_iter().take(max).map(|(_, w)| w).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_QUERY_DEPTH, excerpt, query_depth};
    use crate::concepts::Concepts;
    use crate::index::engine::schema::{Lang, folded_analyzer, stem_analyzer, too_long_word};

    fn tokens(mut a: tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<String> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn concept_query_widens_plain_words_only() {
        let c = Concepts::with_user(&[(
            "Baltic Sea".into(),
            vec!["Ostsee".into(), "Baltic coast".into()],
        )]);
        for (q, want) in [
            ("ostsee", "(ostsee OR \"Baltic Sea\" OR \"Baltic coast\")"),
            (
                "Kiel ostsee",
                "Kiel (ostsee OR \"Baltic Sea\" OR \"Baltic coast\")",
            ),
            (
                "-(ostsee)",
                "-((ostsee OR \"Baltic Sea\" OR \"Baltic coast\"))",
            ),
            (
                "\"die ostsee\" interests:ostsee ostsee* AND",
                "\"die ostsee\" interests:ostsee ostsee* AND",
            ),
            ("\"a b\" Kiel", "\"a b\" Kiel"),
        ] {
            assert_eq!(super::concept_query(q, &c), want, "{q}");
        }
        let sailing = super::concept_query("Segeln", Concepts::builtin());
        assert!(
            sailing.starts_with("(Segeln OR sailing OR sail OR sailor"),
            "{sailing}"
        );
        assert!(!sailing.contains("Segelflug"), "{sailing}");
    }

    #[test]
    fn stop_words() {
        let c = Concepts::builtin();
        for w in ["der", "Die", "das", "und", "the", "of", "über", "weil"] {
            assert!(super::is_function_word(c, w), "{w}");
        }
        // concept words are never function words, nor are content words
        for w in ["Segeln", "sailing", "Schach", "Hafen", ""] {
            assert!(!super::is_function_word(c, w), "{w}");
        }
        for w in ["sagte", "bekommen", "gemeinsam", "wurde", "uber"] {
            assert!(super::is_common_word(w), "{w}");
        }
        for w in ["segeln", "hafen", "regatta", "research", "burgermeister"] {
            assert!(!super::is_common_word(w), "{w}");
        }
    }

    /// Every word of the built-in concepts folds and stems to as many
    /// non-empty terms as it has words, in both languages: `match` can look
    /// each of them up.
    #[test]
    fn concept_words_fold_and_stem() {
        let mut problems = Vec::new();
        let mut words = 0;
        for c in Concepts::builtin().iter() {
            for w in c.words() {
                words += 1;
                if let Some(long) = too_long_word(w) {
                    problems.push(format!("{w:?}: {long:?} is too long to index"));
                }
                let folded = tokens(folded_analyzer(), w);
                let n = folded.len();
                if n == 0 || folded.iter().any(|t| t.is_empty() || !t.is_ascii()) {
                    problems.push(format!("{w:?} folds to {folded:?}"));
                }
                for lang in [Lang::German, Lang::English] {
                    let stems = tokens(stem_analyzer(lang), w);
                    if stems.len() != n || stems.iter().any(String::is_empty) {
                        problems.push(format!("{w:?} stems ({lang:?}) to {stems:?}"));
                    }
                }
            }
        }
        assert!(words > 2000, "{words}");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn depth_counts_groups_and_nots() {
        for (q, want) in [
            ("segeln", 0),
            ("(a OR b) c", 1),
            ("name:(a (b OR c))", 2),
            ("NOT a", 1),
            ("NOT NOT (NOT a)", 4),
            ("a NOT b NOT c", 1),
            ("\"((((\" x", 0),
            ("\\(\\(\\( x", 0),
            ("((( x", 3),
            ("(a) (b) (c)", 1),
        ] {
            assert_eq!(query_depth(q), want, "{q}");
        }
        let deep = format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(query_depth(&deep), 10_000);
        assert!(query_depth(&"NOT ".repeat(MAX_QUERY_DEPTH + 1)) > MAX_QUERY_DEPTH);
    }

    #[test]
    fn excerpt_is_short() {
        assert_eq!(excerpt("short"), "short");
        let long = "ä".repeat(1000);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), 61);
        assert!(e.ends_with('…'));
        assert_eq!(excerpt(&"x".repeat(60)), "x".repeat(60));
    }
}
