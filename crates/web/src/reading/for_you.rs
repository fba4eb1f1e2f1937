//! `/for-you`: a signed-in reader's own front page. First the stories they follow, latest
//! report first, ranked or not; then the other top stories that touch what they follow (a
//! followed source reported it, it is in a followed section, it mentions a followed entity,
//! a saved search finds it), in the front page's order (the Stories score); each story
//! marked when the reader has not read all of it. Then the newest items of their sources,
//! copies folded, unread and saved ones marked; then what they follow.
//!
//! What the reader hid (see [`super::hiding`]) leaves the top stories and the items as it
//! leaves the front page; the stories they follow stay (following one is the more
//! particular wish), without naming hidden outlets.

use crate::pages::{PageError, now};
use crate::people::accounts::see_other;
use crate::people::session::{self, Viewer};
use crate::reading::hiding::{self, Hiding};
use crate::reading::item_card::ItemCard;
use crate::state::AppState;
use crate::stories::{
    StoryCard, TOP_STORIES, cards_in_rounds, ranked_stories, story_cards, with_outlets,
};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use tidings_model::{StoryId, UserId};
use tidings_search::SearchRequest;
use tidings_store::{FollowKind, Item, ItemQuery, ItemScope, ListFilter, Reading, StoreError};
use tidings_stories::section::Section;

/// Items from the reader's sources the page lists.
const ITEMS: i64 = 40;
/// Stories a saved search or an entity contributes, at most.
const PER_FOLLOW: i64 = 40;
/// Followed stories shown as cards, the most recently updated.
const FOLLOWED_CARDS: usize = 20;
/// Followed stories named under "You follow", the most recently updated.
const FOLLOWED_LISTED: usize = 100;
/// For a reader who hid things: the most items read to find [`ITEMS`] not hidden.
const MAX_ITEMS_READ: i64 = 5 * ITEMS;
/// For a reader who hid words: the most unread headlines read to count those without one.
const MAX_UNREAD_HEADLINES: i64 = 5_000;

/// A story card and whether the reader has unread articles in it.
struct StoryEntry {
    story: StoryCard,
    unread: bool,
}

/// Something the reader follows, with its page.
struct FollowEntry {
    kind: &'static str,
    name: String,
    href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "for_you.html")]
struct ForYouPage {
    site_name: String,
    followed: Vec<StoryEntry>,
    /// The reader follows more stories than "You follow" names.
    more_followed: bool,
    /// How many followed stories "You follow" names at most.
    followed_listed: usize,
    stories: Vec<StoryEntry>,
    items: Vec<ItemCard>,
    unread: i64,
    /// The unread count stopped at [`MAX_UNREAD_HEADLINES`] headlines: at least `unread`.
    unread_at_least: bool,
    /// Whether the reader follows any source (the unread count is of their items).
    has_sources: bool,
    follows: Vec<FollowEntry>,
}

/// `GET /for-you`: the page, or the login page for anonymous readers.
pub(crate) async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let viewer = match session::viewer(&state, &headers).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => return see_other("/login?next=/for-you", Vec::new()),
        Err(err) => return PageError::from(err).render(&state.site_name),
    };
    match build(&state, &viewer).await {
        Ok(page) => page.into_response(),
        Err(err) => err.render(&state.site_name),
    }
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Whether the reader has not read some article of the story (copies folded).
async fn has_unread(
    reading: Reading<'_>,
    user: UserId,
    story: StoryId,
) -> Result<bool, StoreError> {
    let unread = ItemQuery {
        scope: Some(ItemScope::Story(story)),
        read: Some(false),
        ..ItemQuery::default()
    };
    Ok(reading.count(user, &unread).await? > 0)
}

/// Story cards, each marked read or unread for the reader.
async fn entries(
    reading: Reading<'_>,
    user: UserId,
    cards: Vec<StoryCard>,
) -> Result<Vec<StoryEntry>, StoreError> {
    let mut entries = Vec::with_capacity(cards.len());
    for card in cards {
        let unread = has_unread(reading, user, card.story).await?;
        entries.push(StoryEntry {
            story: card,
            unread,
        });
    }
    Ok(entries)
}

/// The newest [`ITEMS`] items of the reader's sources, without what they hid: hidden
/// outlets, topics and entities are left out by the statement; headlines with a hidden word
/// are matched here, reading a page at a time until enough are kept, at most
/// [`MAX_ITEMS_READ`].
async fn items_without_hidden(
    state: &AppState,
    user: UserId,
    hiding: Option<&Hiding>,
) -> Result<Vec<Item>, PageError> {
    let reading = state.store.reading();
    let Some(hiding) = hiding else {
        let query = ItemQuery {
            limit: ITEMS,
            ..ItemQuery::default()
        };
        return Ok(reading.items(user, &query).await?);
    };
    let mut query = ItemQuery {
        limit: ITEMS,
        excluded: hiding.exclusions(),
        ..ItemQuery::default()
    };
    if !hiding.hides_words() {
        return Ok(reading.items(user, &query).await?);
    }
    let mut kept = Vec::with_capacity(ITEMS as usize);
    while (kept.len() as i64) < ITEMS && query.offset < MAX_ITEMS_READ {
        let items = reading.items(user, &query).await?;
        query.offset += ITEMS;
        let full = items.len() as i64 == ITEMS;
        kept.extend(
            items
                .into_iter()
                .filter(|i| !hiding.hides_text(&i.listing.article.content.title)),
        );
        if !full {
            break;
        }
    }
    kept.truncate(ITEMS as usize);
    Ok(kept)
}

/// How many unread items of the reader's sources the page would show: without what they
/// hid (hidden outlets, topics and entities left out by the statement; headlines with a
/// hidden word matched here, reading at most [`MAX_UNREAD_HEADLINES`] of them). The second
/// value says the count stopped there: at least that many.
async fn unread_count(
    state: &AppState,
    user: UserId,
    hiding: Option<&Hiding>,
) -> Result<(i64, bool), PageError> {
    let reading = state.store.reading();
    let mut unread = ItemQuery {
        read: Some(false),
        ..ItemQuery::default()
    };
    let Some(hiding) = hiding else {
        return Ok((reading.count(user, &unread).await?, false));
    };
    unread.excluded = hiding.exclusions();
    if !hiding.hides_words() {
        return Ok((reading.count(user, &unread).await?, false));
    }
    unread.limit = MAX_UNREAD_HEADLINES + 1;
    let headlines = reading.item_headlines(user, &unread).await?;
    let cut = headlines.len() as i64 > MAX_UNREAD_HEADLINES;
    let shown = headlines
        .iter()
        .take(MAX_UNREAD_HEADLINES as usize)
        .filter(|(_, title)| !hiding.hides_text(title))
        .count();
    Ok((shown as i64, cut))
}

async fn build(state: &AppState, viewer: &Viewer) -> Result<ForYouPage, PageError> {
    let user = viewer.user.id;
    let reading = state.store.reading();
    let now = now();
    let hiding = hiding::of_viewer(state, Some(viewer)).await?;
    let subs = reading.subscriptions(user).await?;
    let follows = reading.follows(user).await?;

    // The stories followed themselves; one gone since (retention) is simply not there.
    let mut followed = if follows.iter().any(|f| f.kind == FollowKind::Story) {
        reading
            .followed_stories(user, FOLLOWED_LISTED as i64 + 1)
            .await?
    } else {
        Vec::new()
    };
    let more_followed = followed.len() > FOLLOWED_LISTED;
    followed.truncate(FOLLOWED_LISTED);
    let followed_names: Vec<(StoryId, String)> =
        followed.iter().map(|s| (s.id, s.title.clone())).collect();
    followed.truncate(FOLLOWED_CARDS);
    let shown: HashSet<StoryId> = followed.iter().map(|s| s.id).collect();
    let mut followed = with_outlets(&state.store, followed).await?;
    if let Some(hiding) = &hiding {
        hiding
            .show_without_outlets(&state.store, &mut followed)
            .await?;
    }
    let followed_cards = story_cards(&state.store, followed, now).await?;
    let followed = entries(reading, user, followed_cards).await?;

    // The stories the follows touch.
    let sources: HashSet<i64> = subs.iter().map(|s| s.source_id.0).collect();
    let sections: HashSet<&str> = follows
        .iter()
        .filter(|f| f.kind == FollowKind::Section)
        .map(|f| f.target.as_str())
        .collect();
    let mut named: HashSet<StoryId> = HashSet::new();
    for follow in &follows {
        match follow.kind {
            FollowKind::Entity => {
                for story in state
                    .store
                    .insights()
                    .stories_of(&follow.target, PER_FOLLOW, 0)
                    .await?
                {
                    named.insert(story.id);
                }
            }
            FollowKind::Search => {
                if let Some(engine) = state.search.as_ref() {
                    let request = SearchRequest::new(&follow.target, PER_FOLLOW as usize);
                    match engine.search(&request).await {
                        Ok(results) => named.extend(results.hits.iter().filter_map(|h| h.story_id)),
                        Err(err) => tracing::warn!(%err, "a saved search failed"),
                    }
                }
            }
            FollowKind::Section | FollowKind::Story => {}
        }
    }
    let mut ranked = ranked_stories(&state.store, &ListFilter::default(), now).await?;
    if let Some(hiding) = &hiding {
        ranked = hiding.leave_out(&state.store, ranked).await?;
    }
    // Room for cards whose summaries turn out to have a hidden word.
    let room = if hiding.as_ref().is_some_and(Hiding::hides_words) {
        TOP_STORIES * 4
    } else {
        TOP_STORIES
    };
    let ranked: Vec<_> = ranked
        .into_iter()
        // A followed story is shown once, with the others followed.
        .filter(|r| !shown.contains(&r.story.id))
        .filter(|r| {
            named.contains(&r.story.id)
                || r.story
                    .section
                    .as_deref()
                    .is_some_and(|s| sections.contains(s))
                || r.outlets.iter().any(|o| sources.contains(&o.0))
        })
        .take(room)
        .map(|r| (r, ()))
        .collect();
    let cards = cards_in_rounds(&state.store, ranked, now, hiding.as_ref(), TOP_STORIES)
        .await?
        .into_iter()
        .map(|(card, ())| card)
        .collect();
    let stories = entries(reading, user, cards).await?;

    let items = items_without_hidden(state, user, hiding.as_ref())
        .await?
        .iter()
        .map(|i| ItemCard::of(i, now))
        .collect();
    let unread = unread_count(state, user, hiding.as_ref()).await?;

    let mut follow_list: Vec<FollowEntry> = subs
        .iter()
        .map(|s| FollowEntry {
            kind: "Source",
            name: s.shown_title(),
            href: format!("/source/{}", s.source_id),
        })
        .collect();
    for f in &follows {
        let entry = match f.kind {
            // Listed below, the most recently updated first, those that still exist.
            FollowKind::Story => continue,
            FollowKind::Section => FollowEntry {
                kind: "Section",
                name: Section::from_slug(&f.target)
                    .map_or_else(|| f.target.clone(), |s| s.name().to_string()),
                href: format!("/section/{}", f.target),
            },
            FollowKind::Entity => FollowEntry {
                kind: "Entity",
                name: state
                    .store
                    .insights()
                    .entity(&f.target)
                    .await?
                    .map_or_else(|| f.target.clone(), |(name, _)| name),
                href: format!("/entity/{}", f.target),
            },
            FollowKind::Search => FollowEntry {
                kind: "Search",
                name: f.target.clone(),
                href: format!("/search?q={}", encode(&f.target)),
            },
        };
        follow_list.push(entry);
    }
    follow_list.extend(followed_names.into_iter().map(|(id, title)| FollowEntry {
        kind: "Story",
        name: title,
        href: format!("/story/{id}"),
    }));
    Ok(ForYouPage {
        site_name: state.site_name.clone(),
        followed,
        more_followed,
        followed_listed: FOLLOWED_LISTED,
        stories,
        items,
        unread: unread.0,
        unread_at_least: unread.1,
        has_sources: !subs.is_empty(),
        follows: follow_list,
    })
}
