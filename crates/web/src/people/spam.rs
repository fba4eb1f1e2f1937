//! Spam heuristics for a new comment, from its text and its author's recent comments:
//! bursts (many comments in a minute), repeated text (the same comment again), and links
//! (many links from an account not yet trusted).

use tidings_model::Comment;

/// What to do with a new comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Publish it (or hold it, if pre-moderation says so).
    Accept,
    /// Hold it for a moderator, for this reason.
    Hold(&'static str),
    /// Refuse it, telling the author why.
    Refuse(&'static str),
    /// Refuse it for now: the account is posting in a burst.
    Burst,
}

/// Links an untrusted account may put in one comment before it is held.
const MAX_LINKS_UNTRUSTED: usize = 2;

/// Judges `body` by an account whose comments of the last hour are `recent` (newest first),
/// at `now` (Unix seconds); `burst` comments within a minute count as a burst (`0`: never).
pub fn judge(body: &str, recent: &[Comment], trusted: bool, now: i64, burst: usize) -> Verdict {
    let in_last_minute = recent.iter().filter(|c| now - c.created_at < 60).count();
    if burst > 0 && in_last_minute >= burst {
        return Verdict::Burst;
    }
    let key = normalise(body);
    if !key.is_empty() && recent.iter().any(|c| normalise(&c.body_source) == key) {
        return Verdict::Refuse("You posted this comment already.");
    }
    if !trusted && links(body) > MAX_LINKS_UNTRUSTED {
        return Verdict::Hold("many links");
    }
    Verdict::Accept
}

/// How many links a comment's Markdown holds (bare URLs and Markdown links).
fn links(body: &str) -> usize {
    let lower = body.to_ascii_lowercase();
    lower.matches("http://").count()
        + lower.matches("https://").count()
        + lower.matches("www.").count()
}

/// The text with case, spaces and punctuation folded, so trivial variations match.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_model::{ArticleId, CommentId, CommentState, CommentTarget, UserId};

    fn comment(text: &str, at: i64) -> Comment {
        Comment {
            id: CommentId(1),
            target: CommentTarget::Article(ArticleId(1)),
            parent_id: None,
            user_id: UserId(1),
            author: "a".into(),
            author_role: tidings_model::Role::Reader,
            body_source: text.into(),
            body_html: String::new(),
            state: CommentState::Visible,
            created_at: at,
            edited_at: None,
            reports: 0,
        }
    }

    #[test]
    fn bursts_repeats_and_links_are_caught() {
        let now = 10_000;
        assert_eq!(judge("Hello", &[], false, now, 5), Verdict::Accept);
        let burst: Vec<Comment> = (0..5)
            .map(|i| comment(&format!("c{i}"), now - 10))
            .collect();
        assert_eq!(judge("new", &burst, true, now, 5), Verdict::Burst);
        let older: Vec<Comment> = (0..5)
            .map(|i| comment(&format!("c{i}"), now - 120))
            .collect();
        assert_eq!(judge("new", &older, true, now, 5), Verdict::Accept);
        let said = [comment("Buy cheap pills!", now - 600)];
        assert!(matches!(
            judge("buy CHEAP pills", &said, true, now, 5),
            Verdict::Refuse(_)
        ));
        let spam = "https://a.example https://b.example http://c.example";
        assert_eq!(judge(spam, &[], false, now, 5), Verdict::Hold("many links"));
        assert_eq!(judge(spam, &[], true, now, 5), Verdict::Accept);
    }
}
