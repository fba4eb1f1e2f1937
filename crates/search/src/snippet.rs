//! HTML for snippets: escaping, and the marks around highlighted matches. Every backend's
//! snippet goes through here, so only `<b>` and `</b>` ever reach a page unescaped.

/// The mark that opens a highlighted match.
pub const MARK_OPEN: &str = "<b>";
/// The mark that closes a highlighted match.
pub const MARK_CLOSE: &str = "</b>";
/// Roughly how many characters a snippet shows.
pub const SNIPPET_CHARS: usize = 220;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes `text` with highlighted byte ranges (sorted, non-overlapping, on char boundaries)
/// wrapped in the marks.
pub fn highlight(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() || r.start >= r.end {
            continue;
        }
        let (Some(before), Some(marked)) = (text.get(at..r.start), text.get(r.clone())) else {
            continue;
        };
        out.push_str(&escape_html(before));
        out.push_str(MARK_OPEN);
        out.push_str(&escape_html(marked));
        out.push_str(MARK_CLOSE);
        at = r.end;
    }
    out.push_str(&escape_html(text.get(at..).unwrap_or_default()));
    out
}

/// Turns text with matches between control-character markers (`\u{1}` open, `\u{2}` close,
/// as PostgreSQL's `ts_headline` is told to write them) into escaped HTML with marks.
pub fn from_marked(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut open = false;
    for part in text.split_inclusive(['\u{1}', '\u{2}']) {
        let (body, marker) = match part.chars().last() {
            Some(c @ ('\u{1}' | '\u{2}')) => (&part[..part.len() - 1], Some(c)),
            _ => (part, None),
        };
        out.push_str(&escape_html(body));
        match marker {
            Some('\u{1}') if !open => {
                out.push_str(MARK_OPEN);
                open = true;
            }
            Some('\u{2}') if open => {
                out.push_str(MARK_CLOSE);
                open = false;
            }
            _ => {}
        }
    }
    if open {
        out.push_str(MARK_CLOSE);
    }
    out
}

/// The first `max_chars` characters of `text`, cut at a word boundary, escaped: the snippet
/// when no match lies in the body.
pub fn lead(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max_chars) else {
        return escape_html(text);
    };
    let head = &text[..cut];
    let head = head.rfind(char::is_whitespace).map_or(head, |i| &head[..i]);
    format!("{}…", escape_html(head.trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_marks_stay_unescaped() {
        assert_eq!(
            escape_html("<a href='x'>&\""),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
        );
        assert_eq!(
            highlight("a <b> c", std::slice::from_ref(&(2..5))),
            "a <b>&lt;b&gt;</b> c"
        );
        assert_eq!(
            highlight("héllo wörld", std::slice::from_ref(&(7..13))),
            "héllo <b>wörld</b>"
        );
        assert_eq!(highlight("abc", std::slice::from_ref(&(1..9))), "abc");
        assert_eq!(
            from_marked("x <i> \u{1}flood\u{2} & \u{1}rain"),
            "x &lt;i&gt; <b>flood</b> &amp; <b>rain</b>"
        );
        assert_eq!(from_marked("\u{2}a\u{2}"), "a");
    }

    #[test]
    fn leads_cut_at_words() {
        assert_eq!(lead("short", 10), "short");
        assert_eq!(lead("one two three", 9), "one two…");
        assert_eq!(lead("a<b", 1), "a…");
    }
}
