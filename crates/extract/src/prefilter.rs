//! A cheap pass over the page text before parsing: drop what can never be article text.
//!
//! Inline scripts and styles are over half of a typical news page's bytes, inline SVG and
//! comments a few per cent more. The extractor reads none of them, yet the HTML tokenizer
//! would copy every byte into the tree. This pass empties `<script>` and `<style>` elements
//! (keeping JSON-LD scripts, which carry metadata), removes `<svg>` elements and comments,
//! and (unless asked not to) `<nav>`, `<aside>` and `<footer>` elements, which are a third
//! of what is left of a typical page and practically never the article.
//!
//! Raw-text elements end where the tokenizer ends them (the first `</script` or `</style`,
//! case-insensitive); removed elements end at their matching end tag, counting nested ones.
//! Open tags are scanned with their quoted attribute values, so a `>` inside a quoted value
//! does not end a tag early. The pass also bounds the nesting depth ([`MAX_DEPTH`]).

use std::borrow::Cow;

/// What to do with an element's content.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    /// Keep the tags, drop the content.
    Empty,
    /// Drop the element.
    Remove,
}

/// The page text after [`strip`].
pub(crate) struct Stripped<'a> {
    /// The text to parse.
    pub(crate) html: Cow<'a, str>,
}

/// Returns `html` with script and style contents, SVG elements and comments removed, and
/// with `nav`, `aside` and `footer` elements removed if `drop_furniture`.
pub(crate) fn strip(html: &str, drop_furniture: bool) -> Stripped<'_> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0; // bytes of `html` already handled
    let mut pos = 0;
    let mut nesting = Nesting::default();
    while let Some(off) = html[pos..].find('<') {
        let lt = pos + off;
        pos = lt + 1;
        if bytes[lt + 1..].starts_with(b"!--") {
            // A comment: dropped up to its `-->` (an unterminated one is left to the parser).
            let Some(end) = html[lt + 4..].find("-->") else {
                break;
            };
            let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
            buf.push_str(&html[copied..lt]);
            copied = lt + 4 + end + 3;
            pos = copied;
            continue;
        }
        let (name, action) = match tag_name(&bytes[lt + 1..], drop_furniture) {
            Some(found) => found,
            None => {
                // Any other tag: keep the nesting depth bounded.
                match nesting.visit(bytes, lt) {
                    Visit::Keep => {}
                    Visit::Drop(end) => {
                        let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
                        buf.push_str(&html[copied..lt]);
                        copied = end;
                        pos = end;
                    }
                    Visit::Stop => break,
                }
                continue;
            }
        };
        let Some(open_end) = open_tag_end(bytes, lt + 1 + name.len()) else {
            break;
        };
        let open_tag = &html[lt..open_end];
        if name == b"script" && contains_ci(open_tag.as_bytes(), b"ld+json") {
            pos = open_end;
            continue;
        }
        let self_closing = open_tag.ends_with("/>") && action == Action::Remove;
        let close = if self_closing {
            Some(open_end)
        } else if action == Action::Remove {
            find_close_nested(html, open_end, name)
        } else {
            find_close(html, open_end, name)
        };
        let Some(close) = close else {
            break;
        };
        let buf = out.get_or_insert_with(|| String::with_capacity(html.len() / 2));
        match action {
            Action::Empty => {
                buf.push_str(&html[copied..open_end]);
                copied = close;
            }
            Action::Remove => {
                buf.push_str(&html[copied..lt]);
                // Skip past the closing tag's `>`.
                copied = if self_closing {
                    close
                } else {
                    html[close..]
                        .find('>')
                        .map_or(html.len(), |i| close + i + 1)
                };
            }
        }
        pos = copied.max(pos);
    }
    let html = match out {
        Some(mut buf) => {
            buf.push_str(&html[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(html),
    };
    Stripped { html }
}

/// Deepest element nesting passed to the parser. The HTML tree builder checks scopes by
/// walking its stack of open elements, so each tag costs time in proportion to the depth:
/// 100,000 nested elements would take minutes. Real pages stay far below this depth; start
/// tags beyond it are dropped (with as many end tags), keeping their text.
pub(crate) const MAX_DEPTH: usize = 256;

/// What to do with a tag.
enum Visit {
    /// Pass it on.
    Keep,
    /// Drop it; the tag ends just before this index.
    Drop(usize),
    /// The tag does not end: stop scanning.
    Stop,
}

/// Tracks the nesting depth of the tags seen so far (approximately: end tags that HTML lets
/// pages leave out, and void elements, are not counted).
#[derive(Default)]
struct Nesting {
    depth: usize,
    dropped: usize,
}

impl Nesting {
    /// Looks at the tag starting with the `<` at `lt`.
    fn visit(&mut self, bytes: &[u8], lt: usize) -> Visit {
        let end_tag = bytes.get(lt + 1) == Some(&b'/');
        let start = lt + 1 + usize::from(end_tag);
        let len = bytes[start.min(bytes.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if len == 0 || !bytes[start].is_ascii_alphabetic() {
            return Visit::Keep;
        }
        let name = &bytes[start..start + len];
        if end_tag {
            if self.dropped > 0 {
                self.dropped -= 1;
                return match bytes[start..].iter().position(|&b| b == b'>') {
                    Some(i) => Visit::Drop(start + i + 1),
                    None => Visit::Stop,
                };
            }
            if !uncounted(name) {
                self.depth = self.depth.saturating_sub(1);
            }
            return Visit::Keep;
        }
        if uncounted(name) {
            return Visit::Keep;
        }
        if self.depth < MAX_DEPTH {
            self.depth += 1;
            return Visit::Keep;
        }
        self.dropped += 1;
        match open_tag_end(bytes, start + len) {
            Some(end) => Visit::Drop(end),
            None => Visit::Stop,
        }
    }
}

/// Elements that are void or whose end tag may be left out: not counted in the depth.
fn uncounted(name: &[u8]) -> bool {
    if name.len() > 8 {
        return false;
    }
    let mut lower = [0u8; 8];
    for (l, b) in lower.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..name.len()],
        b"p" | b"li"
            | b"dt"
            | b"dd"
            | b"tr"
            | b"td"
            | b"th"
            | b"option"
            | b"optgroup"
            | b"thead"
            | b"tbody"
            | b"tfoot"
            | b"colgroup"
            | b"caption"
            | b"rb"
            | b"rt"
            | b"rp"
            | b"rtc"
            | b"br"
            | b"img"
            | b"hr"
            | b"meta"
            | b"link"
            | b"input"
            | b"area"
            | b"base"
            | b"col"
            | b"embed"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
            | b"html"
            | b"head"
            | b"body"
            | b"image"
            | b"keygen"
    )
}

/// The raw-text or removable element whose name starts `rest`, if any.
fn tag_name(rest: &[u8], furniture: bool) -> Option<(&'static [u8], Action)> {
    let candidates: [(&'static [u8], Action); 6] = [
        (b"script", Action::Empty),
        (b"style", Action::Empty),
        (b"svg", Action::Remove),
        (b"nav", Action::Remove),
        (b"aside", Action::Remove),
        (b"footer", Action::Remove),
    ];
    let candidates = if furniture {
        &candidates[..]
    } else {
        &candidates[..3]
    };
    for &(name, action) in candidates {
        if rest.len() > name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && matches!(
                rest[name.len()],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/'
            )
        {
            return Some((name, action));
        }
    }
    None
}

/// The index just past the `>` that ends the open tag whose attributes start at `from`.
fn open_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\''
                    if i > 0 && bytes[i - 1] == b'=' || matches!(bytes[i - 1], b' ' | b'=') =>
                {
                    quote = Some(b)
                }
                b'>' => return Some(i + 1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The index of the `</name` that closes an element whose content starts at `from`.
fn find_close(html: &str, from: usize, name: &[u8]) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = from;
    while i + 2 + name.len() <= bytes.len() {
        // `find` with a char pattern is a memchr; a `</` pattern would be much slower.
        let at = i + html.get(i..)?.find('<')?;
        let after = &bytes[at + 1..];
        if after.first() == Some(&b'/')
            && after.len() > name.len()
            && after[1..=name.len()].eq_ignore_ascii_case(name)
            && after
                .get(name.len() + 1)
                .is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/'))
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Like [`find_close`], for elements that may nest: the end tag that matches, counting the
/// same element's start and end tags in between.
fn find_close_nested(html: &str, from: usize, name: &[u8]) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut i = from;
    while i < bytes.len() {
        let at = i + html.get(i..)?.find('<')?;
        let after = &bytes[at + 1..];
        let (end_tag, rest) = match after.first() {
            Some(b'/') => (true, &after[1..]),
            _ => (false, after),
        };
        let named = rest.len() > name.len()
            && rest[..name.len()].eq_ignore_ascii_case(name)
            && matches!(
                rest[name.len()],
                b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'>' | b'/'
            );
        if named {
            if !end_tag {
                depth += 1;
            } else if depth == 0 {
                return Some(at);
            } else {
                depth -= 1;
            }
        }
        i = at + 1;
    }
    None
}

/// Case-insensitive ASCII substring test.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn scripts_and_styles_are_emptied() {
        let html = "<p>a</p><script src=x>var s = '<p>no</p>';</script><STYLE>p{}</STYLE><p>b</p>";
        assert_eq!(
            strip(html, true).html,
            "<p>a</p><script src=x></script><STYLE></STYLE><p>b</p>"
        );
    }

    #[test]
    fn json_ld_is_kept() {
        let html = "<script type=\"application/ld+json\">{\"a\":1}</script>";
        assert_eq!(strip(html, true).html, html);
    }

    #[test]
    fn svg_is_removed_and_quotes_respected() {
        let html = "<p>a<svg viewBox=\"0 0 1 1\" data-x=\"a>b\"><path d=\"M0\"/></svg>b</p>";
        assert_eq!(strip(html, true).html, "<p>ab</p>");
    }

    #[test]
    fn unterminated_script_is_left_alone() {
        let html = "<p>a</p><script>var x = 1;";
        assert_eq!(strip(html, true).html, html);
    }

    #[test]
    fn comments_are_removed() {
        assert_eq!(
            strip("<p>a<!-- x <p>y</p> -->b</p><!-- open", true).html,
            "<p>ab</p><!-- open"
        );
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let depth = super::MAX_DEPTH + 10;
        let html = "<div>".repeat(depth) + "x" + &"</div>".repeat(depth) + "<p>after</p>";
        let out = strip(&html, true).html;
        assert_eq!(out.matches("<div>").count(), super::MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), super::MAX_DEPTH);
        assert!(
            out.ends_with(&("x".to_string() + &"</div>".repeat(super::MAX_DEPTH) + "<p>after</p>"))
        );
    }

    #[test]
    fn optional_end_tags_do_not_count() {
        let html = "<p>a".repeat(1000) + "<div>b</div>";
        assert_eq!(strip(&html, true).html, html);
    }

    #[test]
    fn furniture_is_removed_with_nested_elements() {
        let html =
            "<nav><ul><li><nav>x</nav></li></ul></nav><p>a</p><aside>b</aside><footer>c</footer>";
        let out = strip(html, true);
        assert_eq!(out.html, "<p>a</p>");
        let kept = strip(html, false);
        assert_eq!(kept.html, html);
    }

    #[test]
    fn names_must_end() {
        let html = "<scripts>x</scripts><svgx>y</svgx>";
        assert_eq!(strip(html, true).html, html);
    }
}
