//! A forgiving tokenizer for XML (and tag soup): it never fails. Unclosed comments, CDATA
//! sections and tags run to the end of input; a `<` that cannot open markup is text; attribute
//! values may be unquoted; undeclared HTML entities are decoded. In XML, declarations in the
//! internal DTD subset (`<!ENTITY name "value">`) are collected so later references resolve,
//! within the limits of [`entities::Budget`]: the one way tokenizing stops early, with an
//! error to take from [`Tokenizer::take_error`]. HTML has no internal subset (browsers ignore
//! one), so the HTML tokenizer declares nothing.

use super::entities::{self, Budget, Declared, MAX_ENTITY_BYTES};
use crate::error::ExpansionLimit;
use std::borrow::Cow;

/// The most entities one document may declare; later declarations are ignored.
const MAX_DECLARED: usize = 256;

/// One piece of markup or text.
#[derive(Debug, PartialEq)]
pub(crate) enum Token<'a> {
    /// A start tag, `self_closing` for `<x/>`.
    Start {
        /// The qualified name as written.
        name: &'a str,
        /// Attributes, values decoded.
        attrs: Vec<(&'a str, Cow<'a, str>)>,
        /// Whether the tag ends with `/>`.
        self_closing: bool,
    },
    /// An end tag.
    End(&'a str),
    /// Character data with references decoded, or a CDATA section verbatim.
    Text(Cow<'a, str>),
}

/// Splits a document into [`Token`]s; comments, processing instructions and doctypes vanish.
pub(crate) struct Tokenizer<'a> {
    src: &'a str,
    pos: usize,
    /// Entities declared by the document so far.
    declared: Declared,
    /// What declared entities may still produce in this document.
    budget: Budget,
    /// Why tokenizing stopped early, if it did.
    error: Option<ExpansionLimit>,
    /// Treat the input as HTML: raw text inside `script` and `style`.
    html: bool,
    raw_text_until: Option<&'static str>,
}

impl<'a> Tokenizer<'a> {
    /// A tokenizer for an XML (feed) document.
    pub(crate) fn new(src: &'a str) -> Self {
        Tokenizer {
            src,
            pos: 0,
            declared: Vec::new(),
            budget: Budget::per_document(),
            error: None,
            html: false,
            raw_text_until: None,
        }
    }

    /// A tokenizer for an HTML page.
    pub(crate) fn html(src: &'a str) -> Self {
        Tokenizer {
            html: true,
            ..Tokenizer::new(src)
        }
    }

    /// Why the document could not be tokenized to its end: its entities expanded past a
    /// limit. `None` while tokenizing goes on and once it ended normally.
    pub(crate) fn take_error(&mut self) -> Option<ExpansionLimit> {
        self.error.take()
    }

    /// Stops tokenizing: the rest of the document is not read.
    fn fail(&mut self, error: ExpansionLimit) {
        self.error = Some(error);
        self.pos = self.src.len();
    }

    /// Decodes references in `text`, or stops tokenizing when they expand past a limit.
    fn decode(&mut self, text: &'a str) -> Option<Cow<'a, str>> {
        match entities::decode(text, &self.declared, &mut self.budget) {
            Ok(decoded) => Some(decoded),
            Err(error) => {
                self.fail(error);
                None
            }
        }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    fn skip_past(&mut self, pat: &str) {
        match self.rest().find(pat) {
            Some(i) => self.pos += i + pat.len(),
            None => self.pos = self.src.len(),
        }
    }

    fn doctype(&mut self) {
        // `<!DOCTYPE name ... [ subset ]>`: find the subset, if any, and its declarations.
        let rest = self.rest();
        let gt = rest.find('>').unwrap_or(rest.len());
        let bracket = rest.find('[').filter(|b| *b < gt);
        let Some(open) = bracket else {
            self.pos += (gt + 1).min(rest.len());
            return;
        };
        let close = rest[open..]
            .find("]")
            .map(|c| open + c)
            .unwrap_or(rest.len());
        let subset = &rest[open + 1..close];
        let after = &rest[close..];
        let end = after.find('>').map(|g| close + g + 1).unwrap_or(rest.len());
        self.pos += end;
        if !self.html
            && let Err(error) = self.read_entity_decls(subset)
        {
            self.fail(error);
        }
    }

    /// Collects the internal subset's general entity declarations, each value expanded with
    /// the entities declared before it. An entity can therefore never refer to itself or to
    /// a later one (such a reference stays literal text), so expansion cannot recurse.
    fn read_entity_decls(&mut self, subset: &str) -> Result<(), ExpansionLimit> {
        let mut rest = subset;
        while let Some(i) = rest.find("<!ENTITY") {
            rest = &rest[i + 8..];
            let body = rest.trim_start();
            if body.starts_with('%') {
                continue;
            }
            let name_end = body.find(|c: char| c.is_whitespace()).unwrap_or(body.len());
            let name = &body[..name_end];
            let value_part = body[name_end..].trim_start();
            let Some(q) = value_part
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')
            else {
                continue;
            };
            let inner = &value_part[1..];
            let Some(vend) = inner.find(q) else { continue };
            if self.declared.len() >= MAX_DECLARED || name.is_empty() {
                continue;
            }
            let value = entities::decode(&inner[..vend], &self.declared, &mut self.budget)?;
            if value.len() > MAX_ENTITY_BYTES {
                return Err(ExpansionLimit::Entity {
                    name: name.chars().take(40).collect(),
                    limit: MAX_ENTITY_BYTES,
                });
            }
            self.declared.push((name.to_string(), value.into_owned()));
        }
        Ok(())
    }

    fn text_until_markup(&mut self) -> Option<Token<'a>> {
        let rest = self.rest();
        let mut search = 0;
        let end = loop {
            match rest[search..].find('<') {
                None => break rest.len(),
                Some(i) => {
                    let at = search + i;
                    let next = rest[at + 1..].chars().next();
                    if next.is_some_and(|c| c.is_alphabetic() || matches!(c, '/' | '!' | '?' | '_'))
                    {
                        break at;
                    }
                    search = at + 1;
                }
            }
        };
        let end = if end == 0 { 1.min(rest.len()) } else { end };
        self.pos += end;
        self.decode(&rest[..end]).map(Token::Text)
    }

    fn tag(&mut self) -> Option<Token<'a>> {
        let rest = self.rest();
        let bytes = rest.as_bytes();
        let closing = bytes.get(1) == Some(&b'/');
        let name_start = if closing { 2 } else { 1 };
        let name_len = rest[name_start..]
            .find(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '<' | '='))
            .unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        let mut i = name_start + name_len;
        if closing {
            let gt = rest[i..].find(['>', '<']).map(|g| i + g);
            self.pos += match gt {
                Some(g) if bytes[g] == b'>' => g + 1,
                Some(g) => g,
                None => rest.len(),
            };
            return Some(Token::End(name));
        }
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                None => break,
                Some(b'>') => {
                    i += 1;
                    break;
                }
                Some(b'<') => break,
                Some(b'/') => {
                    if bytes.get(i + 1) == Some(&b'>') {
                        self_closing = true;
                        i += 2;
                        break;
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            let an_len = rest[i..]
                .find(|c: char| c.is_ascii_whitespace() || matches!(c, '/' | '>' | '<' | '='))
                .unwrap_or(rest.len() - i);
            if an_len == 0 {
                // A lone `=` or similar junk: skip it.
                i += rest[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let aname = &rest[i..i + an_len];
            i += an_len;
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if bytes.get(j) != Some(&b'=') {
                attrs.push((aname, Cow::Borrowed("")));
                continue;
            }
            j += 1;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            let value = match bytes.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let start = j + 1;
                    let len = rest[start..].find(q as char).unwrap_or(rest.len() - start);
                    j = (start + len + 1).min(rest.len());
                    &rest[start..start + len]
                }
                _ => {
                    let start = j;
                    let len = rest[start..]
                        .find(|c: char| c.is_ascii_whitespace() || c == '>')
                        .unwrap_or(rest.len() - start);
                    j = start + len;
                    &rest[start..start + len]
                }
            };
            i = j;
            attrs.push((aname, self.decode(value)?));
        }
        self.pos += i.min(rest.len());
        if self.html && !self_closing {
            let lower = name.to_ascii_lowercase();
            self.raw_text_until = match lower.as_str() {
                "script" => Some("</script"),
                "style" => Some("</style"),
                _ => None,
            };
        }
        Some(Token::Start {
            name,
            attrs,
            self_closing,
        })
    }

    fn raw_text(&mut self, until: &'static str) -> Token<'a> {
        let rest = self.rest();
        let lower_end = find_ascii_ci(rest, until).unwrap_or(rest.len());
        self.pos += lower_end;
        Token::Text(Cow::Borrowed(&rest[..lower_end]))
    }
}

fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.len() > h.len() {
        return None;
    }
    (0..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            if self.pos >= self.src.len() {
                return None;
            }
            if let Some(until) = self.raw_text_until.take() {
                let t = self.raw_text(until);
                if matches!(&t, Token::Text(s) if !s.is_empty()) {
                    return Some(t);
                }
                continue;
            }
            let rest = self.rest();
            if !rest.starts_with('<') {
                return self.text_until_markup();
            }
            if rest.starts_with("<!--") {
                self.pos += 4;
                self.skip_past("-->");
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let len = body.find("]]>").unwrap_or(body.len());
                self.pos += 9 + (len + 3).min(body.len());
                return Some(Token::Text(Cow::Borrowed(&body[..len])));
            }
            if rest.starts_with("<?") {
                self.skip_past("?>");
                continue;
            }
            if rest.starts_with("<!") {
                if rest
                    .as_bytes()
                    .get(2..9)
                    .is_some_and(|d| d.eq_ignore_ascii_case(b"DOCTYPE"))
                {
                    self.doctype();
                } else {
                    self.skip_past(">");
                }
                continue;
            }
            let next = rest[1..].chars().next();
            let opens = match next {
                Some('/') => rest[2..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_'),
                Some(c) => c.is_alphabetic() || c == '_',
                None => false,
            };
            if !opens {
                return self.text_until_markup();
            }
            return self.tag();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<Token<'_>> {
        Tokenizer::new(s).collect()
    }

    #[test]
    fn reads_tags_text_and_cdata() {
        let t = tokens("<a x='1' y=\"&amp;\" z=w><![CDATA[<b>]]>t&lt;</a><c/>");
        assert_eq!(
            t[0],
            Token::Start {
                name: "a",
                attrs: vec![
                    ("x", Cow::Borrowed("1")),
                    ("y", Cow::Borrowed("&")),
                    ("z", Cow::Borrowed("w"))
                ],
                self_closing: false
            }
        );
        assert_eq!(t[1], Token::Text(Cow::Borrowed("<b>")));
        assert_eq!(t[2], Token::Text(Cow::Borrowed("t<")));
        assert_eq!(t[3], Token::End("a"));
        assert!(matches!(
            t[4],
            Token::Start {
                name: "c",
                self_closing: true,
                ..
            }
        ));
    }

    #[test]
    fn survives_broken_markup() {
        let t = tokens("<a>1 < 2 <!-- open");
        assert_eq!(t.len(), 2);
        let t = tokens("<rss><channel></rss");
        assert_eq!(t.last(), Some(&Token::End("rss")));
        assert_eq!(tokens("<a b=\"unterminated").len(), 1);
    }

    #[test]
    fn declared_entities_resolve() {
        let t = tokens("<!DOCTYPE x [<!ENTITY who \"Ann\">]><x>&who;</x>");
        assert_eq!(t[1], Token::Text(Cow::Borrowed("Ann")));
    }

    #[test]
    fn an_entity_cannot_refer_to_itself_or_to_a_later_one() {
        let doc = "<!DOCTYPE x [<!ENTITY a \"(&a;)\"><!ENTITY b \"{&c;}\"><!ENTITY c \"&b;&b;\">]>\
                   <x>&a; &b; &c;</x>";
        let mut tokenizer = Tokenizer::new(doc);
        let t: Vec<_> = tokenizer.by_ref().collect();
        assert_eq!(t[1], Token::Text(Cow::Borrowed("(&a;) {&c;} {&c;}{&c;}")));
        assert_eq!(tokenizer.take_error(), None);
    }

    #[test]
    fn an_entity_longer_than_its_limit_stops_the_document() {
        let long = "y".repeat(MAX_ENTITY_BYTES / 2);
        let doc = format!(
            "<!DOCTYPE x [<!ENTITY half \"{long}\"><!ENTITY whole \"&half;&half;\">\
             <!ENTITY more \"&whole;.\">]><x>&whole;</x><y>after</y>"
        );
        let mut tokenizer = Tokenizer::new(&doc);
        let t: Vec<_> = tokenizer.by_ref().collect();
        assert!(t.is_empty(), "nothing after the doctype is read: {t:?}");
        assert_eq!(
            tokenizer.take_error(),
            Some(ExpansionLimit::Entity {
                name: "more".into(),
                limit: MAX_ENTITY_BYTES
            })
        );
        // Exactly at the limit is allowed.
        let fits = doc.replace("<!ENTITY more \"&whole;.\">", "");
        let mut tokenizer = Tokenizer::new(&fits);
        let t: Vec<_> = tokenizer.by_ref().collect();
        assert_eq!(tokenizer.take_error(), None);
        assert!(matches!(&t[1], Token::Text(v) if v.len() == MAX_ENTITY_BYTES));
    }

    #[test]
    fn references_in_text_and_attributes_share_one_budget() {
        let kb = "z".repeat(1024);
        let refs = "&kb;".repeat(entities::MAX_EXPANSION_BYTES / 1024 / 2);
        let doc =
            format!("<!DOCTYPE x [<!ENTITY kb \"{kb}\">]><x a=\"{refs}\">{refs}</x><x>&kb;</x>");
        let mut tokenizer = Tokenizer::new(&doc);
        let t: Vec<_> = tokenizer.by_ref().collect();
        assert_eq!(
            tokenizer.take_error(),
            Some(ExpansionLimit::Document {
                limit: entities::MAX_EXPANSION_BYTES
            }),
            "half the budget in an attribute, half in text, then one more: {} tokens",
            t.len()
        );
        let fits = doc.replace("<x>&kb;</x>", "");
        let mut tokenizer = Tokenizer::new(&fits);
        assert_eq!(tokenizer.by_ref().count(), 3);
        assert_eq!(tokenizer.take_error(), None);
    }

    #[test]
    fn html_declares_no_entities() {
        let laughs =
            "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><p>&b;";
        let mut tokenizer = Tokenizer::html(laughs);
        let t: Vec<_> = tokenizer.by_ref().collect();
        assert_eq!(t[1], Token::Text(Cow::Borrowed("&b;")));
        assert_eq!(tokenizer.take_error(), None);
    }
}
