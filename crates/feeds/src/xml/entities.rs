//! Character and entity references: the XML five, numeric references, entities declared in the
//! document's internal DTD subset, and the HTML named references that feeds use undeclared.
//! What declared entities produce is limited ([`Budget`]), so a "billion laughs" document
//! stops at a clear error instead of growing to gigabytes.

use super::entity_table::ENTITIES;
use crate::error::ExpansionLimit;
use std::borrow::Cow;

/// Entities declared in a document's `<!DOCTYPE … [ <!ENTITY name "value"> ]>`, each with its
/// replacement text already expanded (at most [`MAX_ENTITY_BYTES`]).
pub(crate) type Declared = Vec<(String, String)>;

/// The longest replacement text one declared entity may have, in bytes. Feeds declare
/// entities for single characters (`<!ENTITY nbsp "&#160;">`) or, rarely, a name or a
/// copyright line: tens of bytes. 8 KiB is a hundred times that, while a nested declaration
/// (`<!ENTITY b "&a;&a;…">`) can no longer multiply past it.
pub(crate) const MAX_ENTITY_BYTES: usize = 8 * 1024;

/// The most bytes all references to declared entities may produce in one document (in
/// other declarations, text and attribute values together). A feed that uses a
/// one-character entity in every line of a 500-item document produces some tens of KiB;
/// 1 MiB is far above any real feed, and bounds the memory and time a hostile one costs to
/// that much beyond its own size (instead of 10x per nesting level: 3 GB for 9 levels).
pub(crate) const MAX_EXPANSION_BYTES: usize = 1024 * 1024;

/// What declared entities may still produce in the document being read.
#[derive(Debug)]
pub(crate) struct Budget {
    left: usize,
}

impl Budget {
    /// The budget of one document: [`MAX_EXPANSION_BYTES`].
    pub(crate) fn per_document() -> Self {
        Budget {
            left: MAX_EXPANSION_BYTES,
        }
    }

    /// Takes `bytes` from the budget, or says the document went past it.
    fn spend(&mut self, bytes: usize) -> Result<(), ExpansionLimit> {
        self.left = self
            .left
            .checked_sub(bytes)
            .ok_or(ExpansionLimit::Document {
                limit: MAX_EXPANSION_BYTES,
            })?;
        Ok(())
    }
}

/// The replacement text of one of the five references XML predefines.
fn predefined(name: &str) -> Option<&'static str> {
    match name {
        "lt" => Some("<"),
        "gt" => Some(">"),
        "amp" => Some("&"),
        "quot" => Some("\""),
        "apos" => Some("'"),
        _ => None,
    }
}

/// The replacement text of an entity the document declared (the first declaration wins,
/// as in XML). Borrowed: a reference costs no copy of the value.
fn declared_value<'d>(name: &str, declared: &'d Declared) -> Option<&'d str> {
    declared
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The HTML5 named character reference `name` (without `&` and `;`).
pub(crate) fn html_named(name: &str) -> Option<&'static str> {
    ENTITIES
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .map(|i| ENTITIES[i].1)
}

/// The character of a numeric reference body such as `#38` or `#x26`.
pub(crate) fn numeric(body: &str) -> Option<char> {
    let digits = body.strip_prefix('#')?;
    let code = if let Some(hex) = digits.strip_prefix(['x', 'X']) {
        u32::from_str_radix(hex, 16).ok()?
    } else {
        digits.parse::<u32>().ok()?
    };
    match code {
        0 => Some('\u{fffd}'),
        _ => char::from_u32(code).or(Some('\u{fffd}')),
    }
}

/// Decodes every reference in `text`. Unknown named references and stray `&` stay literal.
/// What declared entities produce is taken from `budget`; the error says the document went
/// past it.
pub(crate) fn decode<'a>(
    text: &'a str,
    declared: &Declared,
    budget: &mut Budget,
) -> Result<Cow<'a, str>, ExpansionLimit> {
    if !text.contains('&') {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .char_indices()
            .take(40)
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#' || *c == '_' || *c == '.'))
            .map(|(i, c)| (i, c == ';'));
        if let Some((len, true)) = end
            && len > 0
        {
            let body = &after[..len];
            let replaced = if body.starts_with('#') {
                numeric(body).map(|c| out.push(c))
            } else if let Some(v) = predefined(body) {
                out.push_str(v);
                Some(())
            } else if let Some(v) = declared_value(body, declared) {
                budget.spend(v.len())?;
                out.push_str(v);
                Some(())
            } else {
                html_named(body).map(|v| out.push_str(v))
            };
            if replaced.is_some() {
                rest = &after[len + 1..];
                continue;
            }
        }
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Escapes text for an HTML or XML text node.
pub(crate) fn escape_into(out: &mut String, text: &str, attr: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str, declared: &Declared) -> String {
        decode(text, declared, &mut Budget::per_document())
            .map(Cow::into_owned)
            .unwrap_or_else(|err| err.to_string())
    }

    #[test]
    fn decodes_xml_html_and_numeric_references() {
        let none = Vec::new();
        assert_eq!(decoded("a &amp; b", &none), "a & b");
        assert_eq!(decoded("&eacute;&#233;&#xE9;", &none), "ééé");
        assert_eq!(decoded("&zwnj;", &none), "\u{200c}");
        assert_eq!(decoded("AT&T &bogus; &", &none), "AT&T &bogus; &");
        let declared = vec![("me".to_string(), "Mark".to_string())];
        assert_eq!(decoded("by &me;", &declared), "by Mark");
    }

    #[test]
    fn declared_entities_draw_on_the_document_budget() {
        let declared = vec![("kb".to_string(), "x".repeat(1024))];
        let mut budget = Budget::per_document();
        for _ in 0..MAX_EXPANSION_BYTES / 1024 {
            assert!(decode("&kb;", &declared, &mut budget).is_ok());
        }
        assert_eq!(
            decode("&kb;", &declared, &mut budget),
            Err(ExpansionLimit::Document {
                limit: MAX_EXPANSION_BYTES
            })
        );
        // The predefined, numeric and HTML references cost nothing: they are no longer
        // than what they replace, give or take a byte or two.
        assert_eq!(
            decode("&amp;&#233;&eacute;", &declared, &mut budget).as_deref(),
            Ok("&éé")
        );
    }
}
