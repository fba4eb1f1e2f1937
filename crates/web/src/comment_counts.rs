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

/// Sets every card's count of visible comments (cards of a list, or of several lists and
/// groups chained together), with one read for them all.
pub(crate) async fn count_comments<'a, T: Commented + 'a>(
    store: &Store,
    cards: impl IntoIterator<Item = &'a mut T>,
) -> Result<(), StoreError> {
    let mut cards: Vec<&mut T> = cards.into_iter().collect();
    let targets: Vec<CommentTarget> = cards.iter().map(|c| c.comment_target()).collect();
    let counts = store.comments().count_visible_on(&targets).await?;
    for (card, target) in cards.iter_mut().zip(&targets) {
        card.set_comments(counts.get(target).copied().unwrap_or(0));
    }
    Ok(())
}
