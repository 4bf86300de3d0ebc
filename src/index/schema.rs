//! The index schema and its analyzers. The only place that spells field names.
//! Every text group is indexed three times: folded (case and accents, with
//! positions for phrases), German-stemmed and English-stemmed (frequencies only).

use std::cell::RefCell;
use std::collections::HashMap;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Bump when the schema, analyzers or stored meta format change: a mismatch rebuilds.
pub const SCHEMA_VERSION: u32 = 2;

pub const TOKENIZER_FOLD: &str = "rapport_fold";
pub const TOKENIZER_DE: &str = "rapport_de";
pub const TOKENIZER_EN: &str = "rapport_en";

/// A group of text the user can name in a query prefix (`interests:sail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Name,
    Aliases,
    Tags,
    Interests,
    Training,
    Field,
    Role,
    Company,
    Location,
    Body,
    Extra,
}

impl Group {
    pub const ALL: [Group; 11] = [
        Group::Name,
        Group::Aliases,
        Group::Tags,
        Group::Interests,
        Group::Training,
        Group::Field,
        Group::Role,
        Group::Company,
        Group::Location,
        Group::Body,
        Group::Extra,
    ];

    /// The name used in queries and in `match` results.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Name => "name",
            Group::Aliases => "aliases",
            Group::Tags => "tags",
            Group::Interests => "interests",
            Group::Training => "training",
            Group::Field => "field",
            Group::Role => "role",
            Group::Company => "company",
            Group::Location => "location",
            Group::Body => "body",
            Group::Extra => "extra",
        }
    }

    pub fn parse(s: &str) -> Option<Group> {
        let s = s.to_ascii_lowercase();
        let s = match s.as_str() {
            "alias" => "aliases",
            "tag" => "tags",
            "interest" => "interests",
            "text" => "body",
            other => other,
        };
        Group::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// The three fields of one text group.
#[derive(Debug, Clone, Copy)]
pub struct Variants {
    pub folded: Field,
    pub de: Field,
    pub en: Field,
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
    /// `contact` or `note`.
    pub kind: Field,
    groups: Vec<(Group, Variants)>,
}

impl Fields {
    pub fn new() -> Fields {
        let mut b = Schema::builder();
        let path = b.add_text_field("path", STRING | STORED | FAST);
        let hash = b.add_u64_field("hash", INDEXED | FAST);
        let meta = b.add_text_field("meta", STORED);
        let kind = b.add_text_field("kind", STRING);
        let folded_opts = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER_FOLD)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let stem_opts = |tok: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tok)
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
        };
        let mut groups = Vec::new();
        for g in Group::ALL {
            let n = g.as_str();
            let folded = b.add_text_field(n, folded_opts.clone());
            let de = b.add_text_field(&format!("{n}_de"), stem_opts(TOKENIZER_DE));
            let en = b.add_text_field(&format!("{n}_en"), stem_opts(TOKENIZER_EN));
            groups.push((g, Variants { folded, de, en }));
        }
        Fields {
            schema: b.build(),
            path,
            hash,
            meta,
            kind,
            groups,
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
            .find(|(_, v)| v.folded == f || v.de == f || v.en == f)
            .map(|(g, _)| *g)
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// Register the analyzers; call every time an index is opened.
pub fn register(tm: &TokenizerManager) {
    tm.register(TOKENIZER_FOLD, folded_analyzer());
    tm.register(TOKENIZER_DE, stem_analyzer(Lang::German));
    tm.register(TOKENIZER_EN, stem_analyzer(Lang::English));
}

pub fn folded_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn stem_analyzer(lang: Lang) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
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
    static BASE: RefCell<TextAnalyzer> = RefCell::new(
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(48))
            .filter(LowerCaser)
            .build(),
    );
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

/// One tokenizer pass feeding the three fields of a group: the same tokens as
/// the registered analyzers produce, without tokenizing the text three times.
pub fn pretokenize(text: &str) -> [tantivy::tokenizer::PreTokenizedString; 3] {
    use tantivy::tokenizer::PreTokenizedString;
    let mut base: Vec<Token> = Vec::new();
    BASE.with(|a| {
        let mut a = a.borrow_mut();
        let mut s = a.token_stream(text);
        while s.advance() {
            base.push(s.token().clone());
        }
    });
    let mut de = base.clone();
    let mut en = base.clone();
    for t in &mut de {
        stem_in_place(Lang::German, &mut t.text);
        fold_token(&mut t.text);
    }
    for t in &mut en {
        stem_in_place(Lang::English, &mut t.text);
        fold_token(&mut t.text);
    }
    for t in &mut base {
        fold_token(&mut t.text);
    }
    let mk = |tokens| PreTokenizedString {
        text: String::new(),
        tokens,
    };
    [mk(base), mk(de), mk(en)]
}

#[cfg(test)]
mod pretokenize_tests {
    use tantivy::tokenizer::TextAnalyzer;

    use super::{Lang, folded_analyzer, pretokenize, stem_analyzer};

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn pretokenized_equals_registered_analyzers() {
        let text = "Müller segelt gern; Sailing & Fortbildungen in Kiel, Straße 5. Ærø ÉCOLE naïve";
        let [f, d, e] = pretokenize(text);
        let texts = |p: &tantivy::tokenizer::PreTokenizedString| {
            p.tokens.iter().map(|t| t.text.clone()).collect::<Vec<_>>()
        };
        assert_eq!(texts(&f), tokens(folded_analyzer(), text));
        assert_eq!(texts(&d), tokens(stem_analyzer(Lang::German), text));
        assert_eq!(texts(&e), tokens(stem_analyzer(Lang::English), text));
    }
}
