//! The tantivy schema and its analysers: one title and one body field per language (each
//! with its own Snowball stemmer), plus the fields results are filtered, sorted, grouped and
//! shown by.

use crate::lang::{LANGS, Lang};
use crate::stem_cache::WordForm;
use tantivy::Index;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
    Tokenizer,
};

/// The schema's version, kept in the commit payload: an index of another version is rebuilt.
/// 2: the source id is indexed, so a search can leave outlets out
/// ([`crate::SearchRequest::exclude_sources`]). 3: words are folded to ASCII before they are
/// stemmed, not after (`anais` finds `Anaïs`; see [`analyser`]). 4: the outlet's name is a
/// field of its own that plain words are looked up in too ([`SOURCE_WORDS`]), so `Horizon`
/// finds the articles of the outlet "l'Horizon".
pub const SCHEMA_VERSION: u32 = 4;

/// Article id (u64; indexed to delete by it).
pub const ID: &str = "id";
/// Story id (i64, fast).
pub const STORY: &str = "story";
/// Source id (i64, indexed to leave outlets out, stored).
pub const SOURCE_ID: &str = "source_id";
/// Outlet name (raw string, fast for facets).
pub const SOURCE_NAME: &str = "source_name";
/// Outlet name and host as words, for `source:`.
pub const SOURCE_TERMS: &str = "source_terms";
/// Outlet name as words, folded to ASCII (no host): plain words and phrases are looked up in
/// it too, with a low weight (see [`crate::tantivy_query::OUTLET_SCORE`]).
pub const SOURCE_WORDS: &str = "source_words";
/// Normalised language code (raw string, fast for facets).
pub const LANG: &str = "lang";
/// Sort time, seconds (i64, indexed for ranges, fast for sorting).
pub const DATE: &str = "date";
/// URL (stored).
pub const URL: &str = "url";
/// Headline as written (stored, for display and snippets).
pub const TITLE: &str = "title";
/// Body as written (stored, for snippets).
pub const BODY: &str = "body";
/// Entities as words, one per line (indexed and stored).
pub const ENTITIES: &str = "entities";
/// The tokenizer of names (outlets, entities): words, lower-cased.
pub const NAMES_TOKENIZER: &str = "names";
/// The tokenizer of outlet names looked up by plain words: words, lower-cased, folded to
/// ASCII, not stemmed (a name is not a sentence of its language).
pub const OUTLET_WORDS_TOKENIZER: &str = "outlet_words";

/// Tokens of this many bytes or more are dropped (URLs pasted into text, base64).
pub const MAX_TOKEN_BYTES: usize = 40;

/// The fields, resolved once.
#[derive(Debug, Clone)]
pub struct Fields {
    /// See [`ID`].
    pub id: Field,
    /// See [`STORY`].
    pub story: Field,
    /// See [`SOURCE_ID`].
    pub source_id: Field,
    /// See [`SOURCE_NAME`].
    pub source_name: Field,
    /// See [`SOURCE_TERMS`].
    pub source_terms: Field,
    /// See [`SOURCE_WORDS`].
    pub source_words: Field,
    /// See [`LANG`].
    pub lang: Field,
    /// See [`DATE`].
    pub date: Field,
    /// See [`URL`].
    pub url: Field,
    /// See [`TITLE`].
    pub title: Field,
    /// See [`BODY`].
    pub body: Field,
    /// See [`ENTITIES`].
    pub entities: Field,
    /// Per language, in [`LANGS`] order: the analysed title and body fields.
    pub text: Vec<LangFields>,
}

/// The analysed fields of one language.
#[derive(Debug, Clone, Copy)]
pub struct LangFields {
    /// The language.
    pub lang: &'static Lang,
    /// `title_<code>`.
    pub title: Field,
    /// `body_<code>`.
    pub body: Field,
}

impl Fields {
    /// The analysed fields for a normalised language code (the catch-all for others).
    pub fn for_lang(&self, code: &str) -> &LangFields {
        self.text
            .iter()
            .find(|f| f.lang.code == code)
            .unwrap_or_else(|| &self.text[self.text.len() - 1])
    }
}

/// The tokenizer name of a language's fields.
pub fn tokenizer_name(lang: &Lang) -> String {
    format!("lang_{}", lang.code)
}

/// Builds the schema and the handles of its fields.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let names = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NAMES_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let id = b.add_u64_field(ID, INDEXED | FAST | STORED);
    let story = b.add_i64_field(STORY, FAST | STORED);
    let source_id = b.add_i64_field(SOURCE_ID, INDEXED | STORED);
    let source_name = b.add_text_field(SOURCE_NAME, STRING | STORED | FAST);
    let source_terms = b.add_text_field(SOURCE_TERMS, names.clone());
    let source_words = b.add_text_field(
        SOURCE_WORDS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(OUTLET_WORDS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        ),
    );
    let lang = b.add_text_field(LANG, STRING | STORED | FAST);
    let date = b.add_i64_field(DATE, INDEXED | FAST | STORED);
    let url = b.add_text_field(URL, STORED);
    let title = b.add_text_field(TITLE, STORED);
    let body = b.add_text_field(BODY, STORED);
    let entities = b.add_text_field(ENTITIES, names | STORED);
    let text = LANGS
        .iter()
        .map(|lang| {
            let options = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&tokenizer_name(lang))
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            LangFields {
                lang,
                title: b.add_text_field(&format!("title_{}", lang.code), options.clone()),
                body: b.add_text_field(&format!("body_{}", lang.code), options),
            }
        })
        .collect();
    let fields = Fields {
        id,
        story,
        source_id,
        source_name,
        source_terms,
        source_words,
        lang,
        date,
        url,
        title,
        body,
        entities,
        text,
    };
    (b.build(), fields)
}

/// The analyser of a language: words, long ones dropped, lower-cased, folded to ASCII (so
/// `Zurich` finds `Zürich`), stemmed; the last three remembered per word (see [`WordForm`]).
pub fn analyser(lang: &Lang) -> TextAnalyzer {
    let slot = LANGS.iter().position(|l| l == lang).unwrap_or(LANGS.len());
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(WordForm::new(slot, lang.stemmer))
        .build()
}

/// The analyser of names: words, lower-cased.
pub fn names_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// The analyser of outlet names looked up by plain words: words, long ones dropped,
/// lower-cased, folded to ASCII (`Suddeutsche` finds `Süddeutsche`).
pub fn outlet_words_analyser() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers every analyser with an index.
pub fn register(index: &Index) {
    let tokenizers = index.tokenizers();
    for lang in LANGS {
        tokenizers.register(&tokenizer_name(lang), analyser(lang));
    }
    tokenizers.register(NAMES_TOKENIZER, names_analyser());
    tokenizers.register(OUTLET_WORDS_TOKENIZER, outlet_words_analyser());
}

/// The tokens `analyser` makes of `text`.
pub fn tokens(analyser: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyser.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(token.text.clone());
    }
    out
}

/// What the index can make of a word or phrase as typed, split the way every analyser splits
/// it (see [`indexable`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexable {
    /// Words the index holds: it can be looked up.
    Words,
    /// No word at all (punctuation, symbols): there is nothing to look up.
    NoWords,
    /// A word of [`MAX_TOKEN_BYTES`] or more, which no analyser keeps: no article can hold it.
    TooLong,
}

/// Whether `text` has words the index can hold: [`Indexable::TooLong`] when any of its words
/// is one the analysers drop, else [`Indexable::NoWords`] when it has none.
pub fn indexable(text: &str) -> Indexable {
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut any = false;
    while let Some(token) = stream.next() {
        if token.text.len() >= MAX_TOKEN_BYTES {
            return Indexable::TooLong;
        }
        any = true;
    }
    if any {
        Indexable::Words
    } else {
        Indexable::NoWords
    }
}

/// The text split and folded the way every analyser splits it, words joined by spaces: what
/// the PostgreSQL backend hands to `to_tsvector`, so both backends see the same words.
pub fn plain_words(text: &str) -> String {
    let mut analyser = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(AsciiFoldingFilter)
        .build();
    let mut out = String::with_capacity(text.len());
    let mut stream = analyser.token_stream(text);
    while let Some(token) = stream.next() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&token.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::analyser_for;

    #[test]
    fn languages_stem_their_own_way() {
        let mut en = analyser(analyser_for("en"));
        assert_eq!(
            tokens(&mut en, "Elections, Zürich!"),
            vec!["elect", "zurich"]
        );
        let mut de = analyser(analyser_for("de"));
        assert_eq!(tokens(&mut de, "Häuser"), vec!["haus"]);
        let mut ru = analyser(analyser_for("ru"));
        assert_eq!(tokens(&mut ru, "выборы"), vec!["выбор"]);
        let mut xx = analyser(analyser_for("xx"));
        assert_eq!(tokens(&mut xx, "Wybory"), vec!["wybory"]);
    }

    #[test]
    fn plain_words_split_like_the_analysers() {
        assert_eq!(
            plain_words("covid-19 in Zürich, dw.com"),
            "covid 19 in Zurich dw com"
        );
    }
}
