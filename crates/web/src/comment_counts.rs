//! Comment counts on the cards of a list page ("3 comments" under a headline), read for the
//! whole page in one call.

use tidings_model::CommentTarget;
use tidings_store::{Store, StoreError};

/// A card that links to a page readers comment on.
pub(crate) trait Commented {
    /// The page its comments are on.
    fn comment_target(&self) -> CommentTarget;
    /// Records how many comments everyone can see there.
    fn set_comments(&mut self, count: i64);
}

/// Sets every card's count of visible comments.
pub(crate) async fn count_comments<T: Commented>(
    store: &Store,
    cards: &mut [T],
) -> Result<(), StoreError> {
    let targets: Vec<CommentTarget> = cards.iter().map(Commented::comment_target).collect();
    let counts = store.comments().count_visible_on(&targets).await?;
    for (card, target) in cards.iter_mut().zip(&targets) {
        card.set_comments(counts.get(target).copied().unwrap_or(0));
    }
    Ok(())
}
