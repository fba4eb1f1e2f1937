//! An article in a reader's own lists ("Latest from your sources" on `/for-you`, `/saved`):
//! the card the site's lists show, with the reader's marks ("Unread", "Saved") and, where the
//! list is of saved articles, an "Unsave" button. `templates/item_card.html` renders it.

use crate::pages::Card;
use crate::people::session::Viewer;
use tidings_model::UnixSeconds;
use tidings_store::Item;

/// A card's "Unsave" button: the article's mark form (`POST /article/{id}/mark`, `unstar`,
/// which reaches every copy), with the session's token, going back to `next`.
pub(crate) struct UnsaveButton {
    pub(crate) action: String,
    pub(crate) csrf: String,
    pub(crate) next: String,
}

/// One article of a reader's list.
pub(crate) struct ItemCard {
    pub(crate) card: Card,
    /// The reader has not read it.
    pub(crate) unread: bool,
    /// Marked "Saved" (in lists where not every article is).
    pub(crate) saved: bool,
    /// The "Unsave" button, on lists of saved articles.
    pub(crate) unsave: Option<UnsaveButton>,
}

impl ItemCard {
    /// The card of `item` for its reader, seen at `now`.
    pub(crate) fn of(item: &Item, now: UnixSeconds) -> ItemCard {
        ItemCard {
            card: Card::of(&item.listing, now),
            unread: item.read_at.is_none(),
            saved: item.starred_at.is_some(),
            unsave: None,
        }
    }

    /// The card of a saved article on a list of saved ones: no "Saved" mark (every one is),
    /// an "Unsave" button that returns to `next` instead.
    pub(crate) fn unsaving(self, viewer: &Viewer, next: &str) -> ItemCard {
        ItemCard {
            saved: false,
            unsave: Some(UnsaveButton {
                action: format!("/article/{}/mark", self.card.article),
                csrf: viewer.csrf.clone(),
                next: next.to_string(),
            }),
            ..self
        }
    }
}
