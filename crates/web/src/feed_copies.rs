//! Copies in the site's lists: a wire text and its copies (republications, `duplicate_of`)
//! are one item, as the story page shows them once with all their publishers. The feeds
//! and the front page's latest list fold them here alike.
//!
//! [`fold_copies`] turns a list of articles into its items' articles: each copy is replaced
//! by its original, read when the list does not hold it (so the item keeps the original's id
//! from the first copy on, and a reader's app never sees the text twice): in its own place
//! when the list holds it, so items stay in their dates' order, else in the place of the
//! group's first (newest) copy. An original the list did not hold is read in only when it is
//! [`Within`] the list's bounds (its section, topic, language, what the reader hid), as the
//! listed articles are, and never into a list whose bounds are not of that kind (a search's
//! matches: [`Copies::FoldListed`]); otherwise, or when the original is gone, the text's
//! newest listed copy stands for it. A story's or an entity's list needs no bound: a copy is
//! placed in its original's story, so the original is one of the same stories' reports.
//!
//! Every item then names the other outlets that published its text (the original's, when a
//! copy stands for it, then the copies'), in the order they did, each once and not the
//! item's own outlet, read in one statement. A list made for a reader who hid outlets leaves
//! them out of that line too: such a page is that reader's alone, never cached for another
//! ([`crate::reading::hiding::answer`]).
//!
//! A paged list (the front page's latest list and the section and topic pages cut from it)
//! shows each text on one page only: the page that holds the text's newest listed article
//! (original or copy), as its first page would show it. A later page leaves out every
//! article of a text the list holds an article of before that page's first article
//! ([`without_earlier_pages`], one statement per page after the first), so an original
//! listed on page 2 whose copy made page 1 its item is not shown again, nor is a copy on
//! page 2 of a text page 1 showed. Each page then folds what is left as above. A text
//! newer on a later page than on an earlier one cannot happen: the list is newest first.
//!
//! An outlet's own feed keeps its own articles ([`Copies::Keep`]): a copy there is what
//! that outlet published, and its subscribers follow the outlet, not the text.

use crate::reading::hiding::Hiding;
use std::collections::{HashMap, HashSet};
use tidings_model::{ArticleId, SourceId};
use tidings_store::{ArticleListing, ListFilter, Republication, Store, StoreError};

/// What a list does with copies.
#[derive(Debug, Clone)]
pub(crate) enum Copies {
    /// One item per text (lists across outlets), kept within the list's bounds.
    Fold(Within),
    /// One item per text among the list's own articles: an original the list did not hold
    /// is never read in, and the text's newest listed copy stands for it. For a list whose
    /// bounds are not a [`Within`]: a search's matches (the original may not match).
    FoldListed,
    /// Every article its own item (one outlet's feed).
    Keep,
}

impl Copies {
    /// One item per text, in a list with no bounds beyond its own articles (the site's
    /// feed, a story's, an entity's, a search's).
    pub(crate) fn fold() -> Copies {
        Copies::Fold(Within::default())
    }
}

/// The bounds of a list: an original the list did not hold is read in only when it passes
/// them, as the list's own articles did.
#[derive(Debug, Clone, Default)]
pub(crate) struct Within {
    /// The list's section, topic and language.
    pub(crate) filter: ListFilter,
    /// What the reader hid, for a list made for one reader.
    pub(crate) hiding: Option<Hiding>,
}

impl Within {
    /// Whether it bounds anything.
    fn bounds(&self) -> bool {
        self.filter != ListFilter::default() || self.hiding.is_some()
    }
}

/// Another outlet that published an item's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Publisher {
    /// The outlet's name.
    pub(crate) name: String,
    /// Its article (a copy, or the original when a copy stands for the text).
    pub(crate) article: ArticleId,
    /// Its article's headline, for the link to its page.
    pub(crate) title: String,
}

/// An article a list shows, with the other outlets that published its text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeedArticle {
    /// The article (an original, unless its original is gone, outside the list's bounds, or
    /// copies are kept).
    pub(crate) listing: ArticleListing,
    /// The other outlets that published it, in the order they did.
    pub(crate) republished_by: Vec<Publisher>,
}

/// The articles of a list's items from its articles (newest first), copies folded as
/// `copies` says, each with the outlets that republished it.
pub(crate) async fn fold_copies(
    store: &Store,
    listings: Vec<ArticleListing>,
    copies: &Copies,
) -> Result<Vec<FeedArticle>, StoreError> {
    let (listings, originals) = match copies {
        Copies::Keep => (listings, HashMap::new()),
        Copies::Fold(_) | Copies::FoldListed => {
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
            // Originals the list did not hold are read all the same: an item a copy stands
            // for names its original's outlet.
            let passing = match copies {
                Copies::Fold(within) => passing(store, within, &originals).await?,
                _ => HashSet::new(),
            };
            let shown: Vec<ArticleListing> = originals
                .iter()
                .filter(|o| passing.contains(&o.article.id))
                .cloned()
                .collect();
            let originals = originals.into_iter().map(|o| (o.article.id, o)).collect();
            (fold(listings, shown), originals)
        }
    };
    // Each item's text: an original's own id, a copy's original.
    let mut texts: Vec<ArticleId> = listings
        .iter()
        .filter(|l| l.article.duplicate_of.is_none() || !matches!(copies, Copies::Keep))
        .map(|l| l.article.duplicate_of.unwrap_or(l.article.id))
        .collect();
    texts.sort();
    texts.dedup();
    let republications = if texts.is_empty() {
        Vec::new()
    } else {
        store.articles().republications(&texts).await?
    };
    let hiding = match copies {
        Copies::Fold(within) => within.hiding.as_ref(),
        _ => None,
    };
    Ok(name_publishers(
        listings,
        &originals,
        republications,
        hiding,
    ))
}

/// `listings`, a page after the first of a paged list within `within`'s bounds, without the
/// articles of texts an earlier page shows already: those with a member the list holds before
/// the page's first article (see the module). One statement.
pub(crate) async fn without_earlier_pages(
    store: &Store,
    listings: Vec<ArticleListing>,
    within: &Within,
) -> Result<Vec<ArticleListing>, StoreError> {
    let Some(first) = listings.first() else {
        return Ok(listings);
    };
    let position = (first.sort_at, first.article.id);
    let mut texts: Vec<ArticleId> = listings.iter().map(text_of).collect();
    texts.sort();
    texts.dedup();
    let hiding = within.hiding.as_ref();
    let excluded = hiding.map(Hiding::exclusions).unwrap_or_default();
    let earlier: HashSet<ArticleId> = store
        .articles()
        .listed_before(&within.filter, &excluded, &texts, position)
        .await?
        .into_iter()
        // A headline with a hidden word is not in the reader's list.
        .filter(|(_, title)| !hiding.is_some_and(|h| h.hides_text(title)))
        .map(|(text, _)| text)
        .collect();
    Ok(listings
        .into_iter()
        .filter(|l| !earlier.contains(&text_of(l)))
        .collect())
}

/// The text an article carries: its original's id for a copy, else its own.
fn text_of(listing: &ArticleListing) -> ArticleId {
    listing.article.duplicate_of.unwrap_or(listing.article.id)
}

/// The ids of the `originals` within the list's bounds.
async fn passing(
    store: &Store,
    within: &Within,
    originals: &[ArticleListing],
) -> Result<HashSet<ArticleId>, StoreError> {
    let ids: Vec<ArticleId> = originals
        .iter()
        .filter(|o| {
            !within
                .hiding
                .as_ref()
                .is_some_and(|h| h.hides_text(&o.article.content.title))
        })
        .map(|o| o.article.id)
        .collect();
    if !within.bounds() || ids.is_empty() {
        return Ok(ids.into_iter().collect());
    }
    let excluded = within
        .hiding
        .as_ref()
        .map(Hiding::exclusions)
        .unwrap_or_default();
    Ok(store
        .articles()
        .passing(&within.filter, &excluded, &ids)
        .await?
        .into_iter()
        .collect())
}

/// One article per text: a copy gives way to its original, which keeps its own place when
/// `listings` holds it and otherwise takes the place of the text's first copy (read from
/// `originals`).
fn fold(listings: Vec<ArticleListing>, originals: Vec<ArticleListing>) -> Vec<ArticleListing> {
    let mut originals: HashMap<ArticleId, ArticleListing> =
        originals.into_iter().map(|l| (l.article.id, l)).collect();
    let listed: HashSet<ArticleId> = listings.iter().map(|l| l.article.id).collect();
    let mut seen: HashSet<ArticleId> = HashSet::new();
    let mut folded = Vec::with_capacity(listings.len());
    for listing in listings {
        let Some(original) = listing.article.duplicate_of else {
            folded.push(listing);
            continue;
        };
        // A copy whose original is listed gives way to it, in the original's own place, so
        // the items keep the list's order (newest first by their own dates). Otherwise the
        // text's first copy is replaced by the original read, or stands for it when the
        // original is gone; later copies of the same text add nothing.
        if listed.contains(&original) || !seen.insert(original) {
            continue;
        }
        folded.push(originals.remove(&original).unwrap_or(listing));
    }
    folded
}

/// `listings` with the outlets that republished each: for a copy standing for its text,
/// first its original's outlet (from `originals`), then the text's copies' outlets, each
/// once, in the order they published, leaving out the item's own outlet and the outlets
/// the reader hid (`hiding`).
fn name_publishers(
    listings: Vec<ArticleListing>,
    originals: &HashMap<ArticleId, ArticleListing>,
    republications: Vec<Republication>,
    hiding: Option<&Hiding>,
) -> Vec<FeedArticle> {
    let not_hidden = |source: SourceId| !hiding.is_some_and(|h| h.hides_source(source));
    let mut by_original: HashMap<ArticleId, Vec<Republication>> = HashMap::new();
    for r in republications {
        by_original.entry(r.original).or_default().push(r);
    }
    listings
        .into_iter()
        .map(|listing| {
            let mut outlets: HashSet<SourceId> = HashSet::from([listing.article.source_id]);
            let text = listing.article.duplicate_of.unwrap_or(listing.article.id);
            let original = listing
                .article
                .duplicate_of
                .and_then(|o| originals.get(&o))
                .filter(|o| not_hidden(o.article.source_id) && outlets.insert(o.article.source_id))
                .map(|o| Publisher {
                    name: o.source_name.clone(),
                    article: o.article.id,
                    title: o.article.content.title.clone(),
                });
            let copies = by_original
                .get(&text)
                .into_iter()
                .flatten()
                .filter(|r| not_hidden(r.source_id) && outlets.insert(r.source_id))
                .map(|r| Publisher {
                    name: r.source_name.clone(),
                    article: r.id,
                    title: r.title.clone(),
                })
                .collect::<Vec<_>>();
            FeedArticle {
                listing,
                republished_by: original.into_iter().chain(copies).collect(),
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
    fn a_copy_listed_with_its_original_leaves_the_original_in_its_place() {
        // Newest first: the copy (3) came after its original (1).
        let list = vec![
            listing(3, 2, Some(1)),
            listing(2, 1, None),
            listing(1, 1, None),
        ];
        assert_eq!(ids(&fold(list, Vec::new())), vec![2, 1]);
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
            &HashMap::new(),
            vec![copy(4, 3), copy(5, 1), copy(6, 3), copy(7, 2)],
            None,
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
