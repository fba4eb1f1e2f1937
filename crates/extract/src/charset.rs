//! Character set handling: turn the page's bytes into text.
//!
//! The order follows the HTML standard's encoding sniffing, simplified: a byte order mark,
//! then the HTTP `Content-Type` charset, then a `<meta charset>` or `http-equiv` declaration in
//! the first bytes of the page, then detection with chardetng. A page declared as a legacy
//! single-byte encoding whose bytes are valid UTF-8 with multi-byte sequences is read as UTF-8:
//! such mislabelled pages are common, and the opposite mistake is rare.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};

/// How many bytes at the start of the page are searched for a `<meta>` charset declaration.
const PRESCAN_BYTES: usize = 8 * 1024;

/// Decodes `bytes` to text. `content_type` is the HTTP header value, if any; `tld` is the
/// top-level domain of the page's host (a hint for detection), if known.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    content_type: Option<&str>,
    tld: Option<&str>,
) -> Cow<'a, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return text;
    }
    let declared = content_type
        .and_then(charset_param)
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]));
    let utf8 = std::str::from_utf8(bytes).ok();
    let encoding = match declared {
        Some(enc) if enc == UTF_8 => UTF_8,
        // Mislabelled: valid UTF-8 with multi-byte sequences, declared single-byte.
        Some(enc) if enc.is_single_byte() && utf8.is_some() && !bytes.is_ascii() => UTF_8,
        Some(enc) => enc,
        None if utf8.is_some() => UTF_8,
        None => detect(bytes, tld),
    };
    if encoding == UTF_8
        && let Some(text) = utf8
    {
        return Cow::Borrowed(text);
    }
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    text
}

/// The encoding named by a `charset=` parameter in a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&'static Encoding> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let value = lower[at + 8..]
        .trim_start_matches(['"', '\''])
        .split(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .next()?;
    label(value.as_bytes())
}

/// Looks up an encoding label; UTF-16 labels in a page mean UTF-8, as the standard says
/// for `<meta>` (an ASCII-compatible declaration cannot describe UTF-16 bytes).
fn label(value: &[u8]) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(value)?;
    if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
        Some(UTF_8)
    } else {
        Some(enc)
    }
}

/// Finds a charset declared in a `<meta>` tag in `head` (the first bytes of the page).
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let mut rest = head;
    while let Some(at) = find_ci(rest, b"<meta") {
        let tag = &rest[at + 5..];
        let end = tag.iter().position(|&b| b == b'>').unwrap_or(tag.len());
        let tag = &tag[..end];
        if let Some(c) = find_ci(tag, b"charset") {
            let value = tag[c + 7..]
                .iter()
                .skip_while(|b| {
                    b.is_ascii_whitespace() || **b == b'=' || **b == b'"' || **b == b'\''
                })
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
                .copied()
                .collect::<Vec<u8>>();
            if let Some(enc) = label(&value) {
                return Some(enc);
            }
        }
        rest = &tag[end.min(tag.len())..];
    }
    None
}

/// Case-insensitive search for an ASCII needle.
fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Guesses the encoding of undeclared, non-UTF-8 bytes.
fn detect(bytes: &[u8], tld: Option<&str>) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(tld.map(str::as_bytes), Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_detection() {
        let bytes = b"<p>caf\xe9</p>";
        assert_eq!(
            decode(bytes, Some("text/html; charset=ISO-8859-1"), None),
            "<p>café</p>"
        );
    }

    #[test]
    fn meta_charset_is_read() {
        let bytes =
            b"<html><head><meta charset=\"windows-1251\"></head><p>\xcf\xf0\xe8\xe2\xe5\xf2</p>";
        assert!(decode(bytes, None, None).contains("Привет"));
    }

    #[test]
    fn http_equiv_is_read() {
        let bytes =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\"><p>\x93\xfa\x96\x7b</p>";
        assert!(decode(bytes, None, None).contains("日本"));
    }

    #[test]
    fn mislabelled_utf8_is_read_as_utf8() {
        let bytes = "<meta charset=iso-8859-1><p>café</p>".as_bytes();
        assert!(decode(bytes, None, None).contains("café"));
    }

    #[test]
    fn bom_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("<p>ü</p>".as_bytes());
        assert_eq!(
            decode(&bytes, Some("text/html; charset=latin1"), None),
            "<p>ü</p>"
        );
    }

    #[test]
    fn undeclared_legacy_is_detected() {
        let text = "Мороз и солнце; день чудесный! Еще ты дремлешь, друг прелестный";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert_eq!(decode(&bytes, None, Some("ru")), text);
    }
}
