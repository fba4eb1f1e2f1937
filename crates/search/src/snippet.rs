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
/// wrapped in the marks. Two matches apart only by a hyphen, an apostrophe or a full stop
/// are one mark: `<b>Saint-Aurel</b>`, `<b>O'Brien</b>`, not `<b>Saint</b>-<b>Aurel</b>`.
pub fn highlight(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    let mut open: Option<std::ops::Range<usize>> = None;
    let flush = |out: &mut String, at: &mut usize, r: std::ops::Range<usize>| {
        let (Some(before), Some(marked)) = (text.get(*at..r.start), text.get(r.clone())) else {
            return;
        };
        out.push_str(&escape_html(before));
        out.push_str(MARK_OPEN);
        out.push_str(&escape_html(marked));
        out.push_str(MARK_CLOSE);
        *at = r.end;
    };
    for r in ranges {
        let last_end = open.as_ref().map_or(at, |o| o.end);
        if r.start < last_end
            || r.end > text.len()
            || r.start >= r.end
            || text.get(r.clone()).is_none()
        {
            continue;
        }
        open = match open {
            Some(o) if text.get(o.end..r.start).is_some_and(joins_words) => Some(o.start..r.end),
            Some(o) => {
                flush(&mut out, &mut at, o);
                Some(r.clone())
            }
            None => Some(r.clone()),
        };
    }
    if let Some(o) = open {
        flush(&mut out, &mut at, o);
    }
    out.push_str(&escape_html(text.get(at..).unwrap_or_default()));
    out
}

/// Whether the text between two matches joins them into one name or word: one hyphen,
/// apostrophe or full stop (`Saint-Aurel`, `O'Brien`, `U.S`).
fn joins_words(gap: &str) -> bool {
    let mut chars = gap.chars();
    matches!(
        (chars.next(), chars.next()),
        (
            Some('-' | '\u{2010}' | '\u{2011}' | '\'' | '\u{2019}' | '.'),
            None
        )
    )
}

/// Turns text with matches between control-character markers (`\u{1}` open, `\u{2}` close,
/// as PostgreSQL's `ts_headline` is told to write them) into escaped HTML with marks, as
/// [`highlight`] writes them.
pub fn from_marked(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut ranges = Vec::new();
    let mut open: Option<usize> = None;
    for c in text.chars() {
        match c {
            '\u{1}' => {
                open.get_or_insert(plain.len());
            }
            '\u{2}' => {
                if let Some(start) = open.take() {
                    ranges.push(start..plain.len());
                }
            }
            _ => plain.push(c),
        }
    }
    if let Some(start) = open {
        ranges.push(start..plain.len());
    }
    highlight(&plain, &ranges)
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
    fn matches_joined_by_a_hyphen_or_apostrophe_are_one_mark() {
        let text = "Residents of Saint-Aurel met O\u{2019}Brien, not Saint Aurel.";
        let at = |w: &str, from: usize| {
            let i = text[from..].find(w).expect("word") + from;
            i..i + w.len()
        };
        let saint = at("Saint", 0);
        let aurel = at("Aurel", 0);
        let o = at("O", saint.end);
        let brien = at("Brien", 0);
        let saint2 = at("Saint", brien.end);
        let aurel2 = at("Aurel", saint2.end);
        assert_eq!(
            highlight(text, &[saint, aurel, o, brien, saint2, aurel2]),
            "Residents of <b>Saint-Aurel</b> met <b>O\u{2019}Brien</b>, not <b>Saint</b> \
             <b>Aurel</b>."
        );
        assert_eq!(
            from_marked("\u{1}Saint\u{2}-\u{1}Aurel\u{2} -- \u{1}a\u{2}--\u{1}b\u{2}"),
            "<b>Saint-Aurel</b> -- <b>a</b>--<b>b</b>"
        );
    }

    #[test]
    fn leads_cut_at_words() {
        assert_eq!(lead("short", 10), "short");
        assert_eq!(lead("one two three", 9), "one two…");
        assert_eq!(lead("a<b", 1), "a…");
    }
}
