//! Copies in the site's feeds: a wire text and its copies (republications, `duplicate_of`)
//! are one item, as the story page shows them once with all their publishers.
//!
//! [`fold_copies`] turns a feed's list of articles into its items' articles: each copy is
//! replaced by its original, read when the list does not hold it (so the item keeps the
//! original's id from the first copy on, and a reader's app never sees the text twice), in
//! the place of the group's first article in the list; a copy whose original is gone stands
//! for itself. Every item's original then names the outlets that republished it, in the
//! order they did, each once and not the original's own outlet, read in one statement.
//!
//! An outlet's own feed keeps its own articles ([`Copies::Keep`]): a copy there is what
//! that outlet published, and its subscribers follow the outlet, not the text.

use std::collections::{HashMap, HashSet};
use tidings_model::{ArticleId, SourceId};
use tidings_store::{ArticleListing, Republication, Store, StoreError};

/// What a feed does with copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Copies {
    /// One item per text, the original's (feeds across outlets).
    Fold,
    /// Every article its own item (one outlet's feed).
    Keep,
}

/// Another outlet that published an item's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Publisher {
    /// The outlet's name.
    pub(crate) name: String,
    /// Its copy.
    pub(crate) article: ArticleId,
    /// Its copy's headline, for the link to its page.
    pub(crate) title: String,
}

/// An article a feed lists, with the other outlets that published its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeedArticle {
    /// The article (an original, unless its original is gone or copies are kept).
    pub(crate) listing: ArticleListing,
    /// The other outlets that published it, in the order they did.
    pub(crate) republished_by: Vec<Publisher>,
}

/// The articles of a feed's items from its list (newest first), copies folded as `copies`
/// says, each with the outlets that republished it.
pub(crate) async fn fold_copies(
    store: &Store,
    listings: Vec<ArticleListing>,
    copies: Copies,
) -> Result<Vec<FeedArticle>, StoreError> {
    let listings = match copies {
        Copies::Keep => listings,
        Copies::Fold => {
            let listed: HashSet<ArticleId> = listings.iter().map(|l| l.article.id).collect();
            let mut missing: Vec<ArticleId> = listings
                .iter()
                .filter_map(|l| l.article.duplicate_of)
                .filter(|o| !listed.contains(o))
                .collect();
            missing.sort();
            missing.dedup();
            let originals = if missing.is_empty() {
                Vec::new()
            } else {
                store.articles().many(&missing).await?
            };
            fold(listings, originals)
        }
    };
    let ids: Vec<ArticleId> = listings
        .iter()
        .filter(|l| l.article.duplicate_of.is_none())
        .map(|l| l.article.id)
        .collect();
    let republications = if ids.is_empty() {
        Vec::new()
    } else {
        store.articles().republications(&ids).await?
    };
    Ok(name_publishers(listings, republications))
}

/// One article per text: each copy replaced by its original (from `listings` or
/// `originals`), at the place of the text's first article in `listings`.
fn fold(listings: Vec<ArticleListing>, originals: Vec<ArticleListing>) -> Vec<ArticleListing> {
    let mut originals: HashMap<ArticleId, ArticleListing> =
        originals.into_iter().map(|l| (l.article.id, l)).collect();
    let place: HashMap<ArticleId, usize> = listings
        .iter()
        .enumerate()
        .map(|(i, l)| (l.article.id, i))
        .collect();
    let mut slots: Vec<Option<ArticleListing>> = listings.into_iter().map(Some).collect();
    let mut seen: HashSet<ArticleId> = HashSet::new();
    let mut folded = Vec::with_capacity(slots.len());
    for i in 0..slots.len() {
        // An original already moved up to its first copy's place is empty here.
        let Some(listing) = slots[i].take() else {
            continue;
        };
        let group = listing.article.duplicate_of.unwrap_or(listing.article.id);
        if !seen.insert(group) {
            continue;
        }
        if group == listing.article.id {
            folded.push(listing);
            continue;
        }
        // A copy: its original, listed further down or read; if it is gone, the copy stands
        // for the text.
        let original = place
            .get(&group)
            .and_then(|&j| slots[j].take())
            .or_else(|| originals.remove(&group));
        folded.push(original.unwrap_or(listing));
    }
    folded
}

/// `listings` with the outlets that republished each: its copies' outlets, each once, in the
/// order they published, leaving out its own outlet.
fn name_publishers(
    listings: Vec<ArticleListing>,
    republications: Vec<Republication>,
) -> Vec<FeedArticle> {
    let mut by_original: HashMap<ArticleId, Vec<Republication>> = HashMap::new();
    for r in republications {
        by_original.entry(r.original).or_default().push(r);
    }
    listings
        .into_iter()
        .map(|listing| {
            let mut outlets: HashSet<SourceId> = HashSet::from([listing.article.source_id]);
            let republished_by = by_original
                .remove(&listing.article.id)
                .unwrap_or_default()
                .into_iter()
                .filter(|r| outlets.insert(r.source_id))
                .map(|r| Publisher {
                    name: r.source_name,
                    article: r.id,
                    title: r.title,
                })
                .collect();
            FeedArticle {
                listing,
                republished_by,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_model::{Article, NewArticle};

    fn listing(id: i64, source: i64, copy_of: Option<i64>) -> ArticleListing {
        ArticleListing {
            article: Article {
                id: ArticleId(id),
                source_id: SourceId(source),
                story_id: None,
                duplicate_of: copy_of.map(ArticleId),
                content: NewArticle {
                    title: format!("Article {id}"),
                    ..NewArticle::default()
                },
            },
            source_name: format!("Outlet {source}"),
            section: None,
            source_display: None,
            sort_at: 0,
        }
    }

    fn ids(listings: &[ArticleListing]) -> Vec<i64> {
        listings.iter().map(|l| l.article.id.0).collect()
    }

    #[test]
    fn a_copy_listed_with_its_original_leaves_one_item_in_the_first_place() {
        // Newest first: the copy (3) came after its original (1).
        let list = vec![
            listing(3, 2, Some(1)),
            listing(2, 1, None),
            listing(1, 1, None),
        ];
        assert_eq!(ids(&fold(list, Vec::new())), vec![1, 2]);
    }

    #[test]
    fn a_copy_whose_original_is_not_listed_becomes_the_original() {
        let list = vec![listing(5, 2, Some(1)), listing(4, 3, Some(1))];
        let folded = fold(list, vec![listing(1, 1, None)]);
        assert_eq!(ids(&folded), vec![1]);
        // A copy whose original is gone stands for the text.
        assert_eq!(
            ids(&fold(vec![listing(5, 2, Some(9))], Vec::new())),
            vec![5]
        );
    }

    #[test]
    fn publishers_are_named_once_in_order_without_the_originals_outlet() {
        let copy = |id: i64, source: i64| Republication {
            original: ArticleId(1),
            id: ArticleId(id),
            title: format!("Copy {id}"),
            source_id: SourceId(source),
            source_name: format!("Outlet {source}"),
        };
        let named = name_publishers(
            vec![listing(1, 1, None), listing(2, 1, None)],
            vec![copy(4, 3), copy(5, 1), copy(6, 3), copy(7, 2)],
        );
        let names: Vec<&str> = named[0]
            .republished_by
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, vec!["Outlet 3", "Outlet 2"]);
        assert_eq!(named[0].republished_by[0].article, ArticleId(4));
        assert!(named[1].republished_by.is_empty());
    }
}
