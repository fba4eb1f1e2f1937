//! Character and entity references: the XML five, numeric references, entities declared in the
//! document's internal DTD subset, and the HTML named references that feeds use undeclared.

use super::entity_table::ENTITIES;
use std::borrow::Cow;

/// Entities declared in a document's `<!DOCTYPE … [ <!ENTITY name "value"> ]>`.
pub(crate) type Declared = Vec<(String, String)>;

/// The replacement text of the named reference `name` (without `&` and `;`), if known.
pub(crate) fn named(name: &str, declared: &Declared) -> Option<Cow<'static, str>> {
    match name {
        "lt" => return Some(Cow::Borrowed("<")),
        "gt" => return Some(Cow::Borrowed(">")),
        "amp" => return Some(Cow::Borrowed("&")),
        "quot" => return Some(Cow::Borrowed("\"")),
        "apos" => return Some(Cow::Borrowed("'")),
        _ => {}
    }
    if let Some((_, v)) = declared.iter().find(|(n, _)| n == name) {
        return Some(Cow::Owned(v.clone()));
    }
    html_named(name).map(Cow::Borrowed)
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
pub(crate) fn decode<'a>(text: &'a str, declared: &Declared) -> Cow<'a, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
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
        match end {
            Some((len, true)) if len > 0 => {
                let body = &after[..len];
                let replaced = if body.starts_with('#') {
                    numeric(body).map(|c| {
                        out.push(c);
                    })
                } else {
                    named(body, declared).map(|v| out.push_str(&v))
                };
                if replaced.is_some() {
                    rest = &after[len + 1..];
                    continue;
                }
                out.push('&');
                rest = after;
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
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

    #[test]
    fn decodes_xml_html_and_numeric_references() {
        let none = Vec::new();
        assert_eq!(decode("a &amp; b", &none), "a & b");
        assert_eq!(decode("&eacute;&#233;&#xE9;", &none), "ééé");
        assert_eq!(decode("&zwnj;", &none), "\u{200c}");
        assert_eq!(decode("AT&T &bogus; &", &none), "AT&T &bogus; &");
        let declared = vec![("me".to_string(), "Mark".to_string())];
        assert_eq!(decode("by &me;", &declared), "by Mark");
    }
}
