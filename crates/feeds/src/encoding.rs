//! Bytes to text. The encoding is chosen, in order, from the HTTP `charset`, a byte-order
//! mark, the XML declaration, the first bytes' shape (UTF-16/32 without a BOM, EBCDIC), and
//! finally detection (chardetng) — each candidate must decode the bytes without error, else the
//! next is tried, ending with UTF-8 and windows-1252, which cannot fail. Labels encoding_rs
//! knows (the WHATWG set) decode with it; DOS, EBCDIC and old Mac code pages with the tables in
//! [`crate::codepages`].

use crate::codepages::{ALIASES, TABLES};
use encoding_rs::Encoding;
use std::borrow::Cow;

/// An encoding this crate can decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codec {
    /// One encoding_rs knows.
    Whatwg(&'static Encoding),
    /// A single-byte table from [`TABLES`].
    Table(usize),
    /// UTF-32, little or big endian.
    Utf32 { big_endian: bool },
}

/// The `charset` parameter of a `Content-Type` header value.
pub fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
            .filter(|v| !v.is_empty())
    })
}

fn lookup(label: &str) -> Option<Codec> {
    let norm: String = label
        .trim()
        .chars()
        .map(|c| match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    match norm.as_str() {
        "utf_32" | "utf32" | "ucs_4" | "utf_32be" | "utf_32_be" => {
            return Some(Codec::Utf32 { big_endian: true });
        }
        "utf_32le" | "utf_32_le" => return Some(Codec::Utf32 { big_endian: false }),
        _ => {}
    }
    if let Ok(i) = ALIASES.binary_search_by(|(n, _)| (*n).cmp(norm.as_str())) {
        let idx = ALIASES[i].1;
        // Where WHATWG and Python agree (ISO-8859-1 is windows-1252 on the web), prefer WHATWG.
        if TABLES.get(idx).is_some_and(|(n, _)| *n != "latin_1") {
            return Some(Codec::Table(idx));
        }
    }
    let dashed = norm.replace('_', "-");
    Encoding::for_label(dashed.as_bytes())
        .or_else(|| Encoding::for_label(norm.as_bytes()))
        .or_else(|| {
            // Python spellings WHATWG lacks: cp1252, windows_1252, utf8, macroman …
            let alt = match dashed.as_str() {
                "utf8" | "u8" => "utf-8",
                "utf-16-le" | "utf16le" => "utf-16le",
                "utf-16-be" | "utf16be" => "utf-16be",
                "utf16" => "utf-16",
                "latin-1" | "l1" | "iso8859-1" | "8859" | "cp819" => "iso-8859-1",
                "macroman" | "mac-roman" => "macintosh",
                "cp936" => "gbk",
                "euckr" | "ks-c-5601" => "euc-kr",
                "sjis" | "shift-jis" | "s-jis" => "shift_jis",
                "eucjp" => "euc-jp",
                "cp949" | "uhc" => "euc-kr",
                other => other
                    .strip_prefix("cp")
                    .filter(|n| n.starts_with("125"))
                    .map(|_| other)
                    .unwrap_or(""),
            };
            if let Some(n) = alt.strip_prefix("cp") {
                return Encoding::for_label(format!("windows-{n}").as_bytes());
            }
            Encoding::for_label(alt.as_bytes())
        })
        .map(Codec::Whatwg)
}

fn decode_strict(codec: Codec, bytes: &[u8]) -> Option<Cow<'_, str>> {
    match codec {
        Codec::Whatwg(enc) => enc.decode_without_bom_handling_and_without_replacement(bytes),
        Codec::Table(idx) => {
            let table = &TABLES.get(idx)?.1;
            let mut out = String::with_capacity(bytes.len());
            for &b in bytes {
                let c = table[usize::from(b)];
                if c == '\u{fffd}' {
                    return None;
                }
                out.push(c);
            }
            Some(Cow::Owned(out))
        }
        Codec::Utf32 { big_endian } => {
            if !bytes.len().is_multiple_of(4) {
                return None;
            }
            let mut out = String::with_capacity(bytes.len() / 4);
            for q in bytes.chunks_exact(4) {
                let arr = [q[0], q[1], q[2], q[3]];
                let v = if big_endian {
                    u32::from_be_bytes(arr)
                } else {
                    u32::from_le_bytes(arr)
                };
                out.push(char::from_u32(v)?);
            }
            Some(Cow::Owned(out))
        }
    }
}

fn is_wide(codec: Codec) -> bool {
    match codec {
        Codec::Whatwg(e) => e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE,
        Codec::Utf32 { .. } => true,
        Codec::Table(_) => false,
    }
}

/// The shape of the first bytes when there is no BOM.
fn sniff(bytes: &[u8]) -> Option<Codec> {
    match bytes {
        [0, 0, 0, b'<', ..] => Some(Codec::Utf32 { big_endian: true }),
        [b'<', 0, 0, 0, ..] => Some(Codec::Utf32 { big_endian: false }),
        [0, b'<', 0, b'?', ..] => Some(Codec::Whatwg(encoding_rs::UTF_16BE)),
        [b'<', 0, b'?', 0, ..] => Some(Codec::Whatwg(encoding_rs::UTF_16LE)),
        [0x4C, 0x6F, 0xA7, 0x94, ..] => lookup("cp037"),
        _ => None,
    }
}

/// The `encoding` pseudo-attribute of an XML declaration at the start of `text`.
fn declared_encoding(text: &str) -> Option<String> {
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let decl = text.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let at = decl.find("encoding")?;
    let rest = decl[at + 8..].trim_start().strip_prefix('=')?.trim_start();
    let q = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(q)?].trim().to_string())
}

/// Decodes a document. `http_charset` is the `charset` of the response's `Content-Type`.
pub fn decode<'a>(bytes: &'a [u8], http_charset: Option<&str>) -> Cow<'a, str> {
    let (bom, body): (Option<Codec>, &[u8]) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => (Some(Codec::Whatwg(encoding_rs::UTF_8)), rest),
        [0x00, 0x00, 0xFE, 0xFF, rest @ ..] => (Some(Codec::Utf32 { big_endian: true }), rest),
        [0xFF, 0xFE, 0x00, 0x00, rest @ ..] => (Some(Codec::Utf32 { big_endian: false }), rest),
        [0xFE, 0xFF, rest @ ..] => (Some(Codec::Whatwg(encoding_rs::UTF_16BE)), rest),
        [0xFF, 0xFE, rest @ ..] => (Some(Codec::Whatwg(encoding_rs::UTF_16LE)), rest),
        _ => (None, bytes),
    };
    let shape = bom.or_else(|| sniff(body));
    // Bytes that are valid UTF-8 and hold multi-byte sequences are almost never meant as a
    // single-byte code page: "Zürich" declared ISO-8859-1 would read "ZÃ¼rich". UTF-8 wins over
    // any declaration then, so none is read (it does not win over a BOM or the shape of
    // UTF-16/32 or EBCDIC).
    if shape.is_none()
        && !body.is_ascii()
        && let Ok(text) = std::str::from_utf8(body)
    {
        return strip_bom(Cow::Borrowed(text));
    }
    let head_len = body.len().min(512);
    let head: Cow<'_, str> = match shape {
        Some(c) => decode_strict(c, &body[..head_len - head_len % 4]).unwrap_or(Cow::Borrowed("")),
        None => String::from_utf8_lossy(&body[..head_len]),
    };
    let declared = declared_encoding(&head).and_then(|l| lookup(&l));
    let ascii_shaped = shape.is_none_or(|c| !is_wide(c));
    let http = http_charset.and_then(lookup);
    let mut candidates: Vec<Codec> = Vec::with_capacity(6);
    for c in [http, bom, declared, shape].into_iter().flatten() {
        // A declaration claiming UTF-16/32 over bytes that read as ASCII is wrong.
        if is_wide(c) && ascii_shaped && bom.is_none() {
            continue;
        }
        if !candidates.contains(&c) {
            candidates.push(c);
        }
    }
    for c in &candidates {
        if let Some(text) = decode_strict(*c, body) {
            return strip_bom(text);
        }
    }
    if let Ok(s) = std::str::from_utf8(body) {
        return strip_bom(Cow::Borrowed(s));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(body, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    if let Some(text) = decode_strict(Codec::Whatwg(guess), body) {
        return strip_bom(text);
    }
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(body);
    strip_bom(text)
}

fn strip_bom(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.strip_prefix('\u{feff}').unwrap_or(s)),
        Cow::Owned(s) if s.starts_with('\u{feff}') => {
            Cow::Owned(s['\u{feff}'.len_utf8()..].to_string())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_charset_beats_the_declaration() {
        let doc = b"<?xml version='1.0' encoding='utf-8'?><t>\xe9</t>";
        assert_eq!(
            decode(doc, Some("iso-8859-1")),
            "<?xml version='1.0' encoding='utf-8'?><t>é</t>"
        );
    }

    #[test]
    fn valid_multibyte_utf8_declared_latin1_reads_as_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Zürich</t>";
        assert!(decode(doc.as_bytes(), None).contains("<t>Zürich</t>"));
        assert!(decode(doc.as_bytes(), Some("iso-8859-1")).contains("<t>Zürich</t>"));
        // Real Latin-1 (not valid UTF-8) still reads as declared.
        let latin = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><t>Z\xfcrich</t>";
        assert!(decode(latin, None).contains("<t>Zürich</t>"));
    }

    #[test]
    fn legacy_code_pages_decode() {
        let doc = b"<?xml version=\"1.0\" encoding=\"cp437\"?><t>\x80</t>";
        assert!(decode(doc, None).contains("<t>Ç</t>"));
        let doc = b"<?xml version=\"1.0\" encoding=\"koi8-r\"?><t>\xc1</t>";
        assert!(decode(doc, None).contains("<t>а</t>"));
    }

    #[test]
    fn boms_and_utf16() {
        let mut doc = vec![0xFF, 0xFE];
        for c in "<a>é</a>".encode_utf16() {
            doc.extend_from_slice(&c.to_le_bytes());
        }
        assert_eq!(decode(&doc, None), "<a>é</a>");
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>", None), "<a/>");
    }

    #[test]
    fn undeclared_legacy_text_is_detected() {
        let doc = "<t>Привет, как дела? Это тест кодировки.</t>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(doc);
        assert_eq!(decode(&bytes, None), doc);
    }

    #[test]
    fn charset_parameter() {
        assert_eq!(charset_of("text/xml; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(charset_of("text/xml"), None);
    }
}
