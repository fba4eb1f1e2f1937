//! What a signed-in reader hid, as the lists read it: [`Hiding`] answers whether an outlet,
//! a headline or a summary is hidden, and leaves hidden stories and articles out of the
//! front, section, topic, entity, search and "For you" pages, out of the related lists of
//! story and article pages and out of the links to the same event in other languages; a story it keeps is shown without the hidden outlets,
//! led by an article from another outlet.
//!
//! Only a request with a live session has a [`Hiding`], and only when the reader hid
//! something ([`of_viewer`] answers `None` otherwise): anonymous readers and readers who
//! hid nothing get the pages everyone gets. The page cache never keeps an answer to a
//! request with a session, and such answers are `Cache-Control: private, no-store`
//! ([`crate::people::viewer_layer`]), so a filtered page reaches no one else.

use crate::pages::PageError;
use crate::people::session::Viewer;
use crate::state::AppState;
use crate::stories::{RankedStory, with_outlets};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use tidings_model::{SourceId, Story, StoryId};
use tidings_store::{Exclusions, HiddenKind, Store, hidden_words};

/// `response` marked as one reader's own (`Cache-Control: private, no-store`): a page
/// without what they hid. The page cache never keeps such an answer.
pub(crate) fn private(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

/// `page` as answered to a reader: private ([`private`]) when `hiding` left something out
/// of it, everyone's otherwise.
pub(crate) fn answer(hiding: Option<&Hiding>, page: impl IntoResponse) -> Response {
    match hiding {
        Some(_) => private(page.into_response()),
        None => page.into_response(),
    }
}

/// What one reader hid, ready to match.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hiding {
    sources: HashSet<SourceId>,
    entities: Vec<String>,
    topics: Vec<String>,
    /// Each hidden word or phrase as its words.
    words: Vec<Vec<String>>,
}

/// The hiding of a request's reader: `None` for anonymous readers and readers who hid
/// nothing, whose pages are everyone's.
pub(crate) async fn of_viewer(
    state: &AppState,
    viewer: Option<&Viewer>,
) -> Result<Option<Hiding>, PageError> {
    let Some(viewer) = viewer else {
        return Ok(None);
    };
    let mut hiding = Hiding::default();
    for hidden in state.store.hidden().list(viewer.user.id).await? {
        let thing = hidden.thing;
        match thing.kind {
            HiddenKind::Source => {
                if let Some(id) = thing.source_id() {
                    hiding.sources.insert(id);
                }
            }
            HiddenKind::Entity => hiding.entities.push(thing.target),
            HiddenKind::Topic => hiding.topics.push(thing.target),
            HiddenKind::Word => hiding.words.push(hidden_words(&thing.target)),
        }
    }
    hiding.words.retain(|w| !w.is_empty());
    Ok((!hiding.is_empty()).then_some(hiding))
}

impl Hiding {
    /// Whether nothing is hidden.
    pub(crate) fn is_empty(&self) -> bool {
        self.sources.is_empty()
            && self.entities.is_empty()
            && self.topics.is_empty()
            && self.words.is_empty()
    }

    /// Whether the outlet is hidden.
    pub(crate) fn hides_source(&self, source: SourceId) -> bool {
        self.sources.contains(&source)
    }

    /// Whether any outlet is hidden.
    pub(crate) fn hides_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// Whether any word is hidden.
    pub(crate) fn hides_words(&self) -> bool {
        !self.words.is_empty()
    }

    /// Whether the topic is hidden.
    pub(crate) fn hides_topic(&self, slug: &str) -> bool {
        self.topics.iter().any(|t| t == slug)
    }

    /// Whether `text` (a headline, a summary) contains a hidden word or phrase: its words,
    /// in order, among the text's words, whatever their case.
    pub(crate) fn hides_text(&self, text: &str) -> bool {
        if self.words.is_empty() {
            return false;
        }
        let words = hidden_words(text);
        // An empty hidden word matches nothing (and `windows(0)` would panic).
        self.words.iter().any(|hidden| {
            !hidden.is_empty()
                && words
                    .windows(hidden.len())
                    .any(|window| window == hidden.as_slice())
        })
    }

    /// The same hiding without one topic: a topic's own page lists it even when it is
    /// hidden elsewhere (it says so, with the button to unhide it).
    pub(crate) fn without_topic(mut self, slug: &str) -> Hiding {
        self.topics.retain(|t| t != slug);
        self
    }

    /// What the store leaves out of a latest list for this reader (words are matched
    /// here, see [`Hiding::hides_text`]).
    pub(crate) fn exclusions(&self) -> Exclusions {
        let mut sources: Vec<SourceId> = self.sources.iter().copied().collect();
        sources.sort();
        Exclusions {
            sources,
            topics: self.topics.clone(),
            entities: self.entities.clone(),
        }
    }

    /// Which of `stories` mention a hidden entity or have an article tagged with a hidden
    /// topic.
    pub(crate) async fn stories_touching(
        &self,
        store: &Store,
        stories: &[StoryId],
    ) -> Result<HashSet<StoryId>, PageError> {
        let hidden = store.hidden();
        Ok(hidden
            .stories_touching(stories, &self.entities, &self.topics)
            .await?)
    }

    /// The same hiding without one entity: an entity's own page lists its stories even when
    /// it is hidden elsewhere (the page says so, with the button to unhide it).
    pub(crate) fn without_entity(mut self, slug: &str) -> Hiding {
        self.entities.retain(|e| e != slug);
        self
    }

    /// `ranked` without the stories this reader hid: those whose every outlet is hidden,
    /// which touch a hidden entity or topic, or whose headline has a hidden word. The
    /// stories kept lose their hidden outlets and are led by an outlet not hidden
    /// ([`Hiding::show_without_outlets`]), whose headline is the one checked for words. The
    /// order stays.
    pub(crate) async fn leave_out(
        &self,
        store: &Store,
        ranked: Vec<RankedStory>,
    ) -> Result<Vec<RankedStory>, PageError> {
        let ids: Vec<StoryId> = ranked.iter().map(|r| r.story.id).collect();
        let touching = self.stories_touching(store, &ids).await?;
        let mut kept: Vec<RankedStory> = ranked
            .into_iter()
            .filter(|r| {
                let only_hidden_outlets =
                    !r.outlets.is_empty() && r.outlets.iter().all(|o| self.hides_source(*o));
                !only_hidden_outlets && !touching.contains(&r.story.id)
            })
            .collect();
        self.show_without_outlets(store, &mut kept).await?;
        kept.retain(|r| !self.hides_text(&r.story.title));
        Ok(kept)
    }

    /// The stories of `stories` this reader sees ([`Hiding::leave_out`]), in their order,
    /// each with its headline and count of sources as they see them: for lists of stories
    /// that are not cards, such as the "Also in Deutsch" links.
    pub(crate) async fn visible_stories(
        &self,
        store: &Store,
        stories: Vec<Story>,
    ) -> Result<Vec<Story>, PageError> {
        let ranked = with_outlets(store, stories).await?;
        Ok(self
            .leave_out(store, ranked)
            .await?
            .into_iter()
            .map(|r| r.story)
            .collect())
    }

    /// Shows each story without the hidden outlets: they leave its outlets and its count of
    /// sources ([`Hiding::strip_outlets`]), and a story led by a hidden outlet's article is
    /// led by its article from another outlet chosen as leads are (the newest original that
    /// makes a headline, copies only when no original is left), whose headline it takes and
    /// whose opening its card shows when the story has no summary.
    pub(crate) async fn show_without_outlets(
        &self,
        store: &Store,
        ranked: &mut [RankedStory],
    ) -> Result<(), PageError> {
        if self.sources.is_empty() {
            return Ok(());
        }
        let ids: Vec<StoryId> = ranked.iter().map(|r| r.story.id).collect();
        let mut sources: Vec<SourceId> = self.sources.iter().copied().collect();
        sources.sort();
        let mut leads = store.hidden().leads_without(&ids, &sources).await?;
        for r in ranked.iter_mut() {
            if let Some((article, title)) = leads.remove(&r.story.id) {
                r.story.lead_article_id = Some(article);
                r.story.title = title;
            }
        }
        self.strip_outlets(ranked);
        Ok(())
    }

    /// Takes the hidden outlets off each story's list of outlets, out of its count of
    /// sources, so a card does not name them, and out of its reports, so a card folding the
    /// same event in several languages is not placed by their coverage
    /// ([`crate::stories::top_stories`] ranks such cards by their reports).
    fn strip_outlets(&self, ranked: &mut [RankedStory]) {
        if self.sources.is_empty() {
            return;
        }
        for r in ranked {
            let before = r.outlets.len();
            r.outlets.retain(|o| !self.hides_source(*o));
            r.reports
                .retain(|report| !self.hides_source(SourceId(report.outlet)));
            let gone = (before - r.outlets.len()) as i64;
            if gone > 0 {
                r.story.source_count = (r.story.source_count - gone).max(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hiding(words: &[&str]) -> Hiding {
        Hiding {
            words: words.iter().map(|w| hidden_words(w)).collect(),
            ..Hiding::default()
        }
    }

    #[test]
    fn words_match_whole_words_in_any_case() {
        let h = hiding(&["art", "royal family"]);
        assert!(h.hides_text("ART fair opens"));
        assert!(h.hides_text("Street art, again"));
        assert!(!h.hides_text("Season starts"), "part of a word is no match");
        assert!(!h.hides_text("Artists gather"));
        assert!(h.hides_text("What the Royal  Family said"));
        assert!(
            h.hides_text("the royal-family row"),
            "punctuation splits words alike"
        );
        assert!(
            !h.hides_text("a family that is royal"),
            "a phrase keeps its order"
        );
        assert!(!hiding(&[]).hides_text("art"));
        let h = hiding(&["Ärger"]);
        assert!(h.hides_text("ÄRGER im Rat"));
    }

    #[test]
    fn a_hidden_outlet_leaves_a_storys_outlets_count_and_reports() {
        let h = Hiding {
            sources: [SourceId(2)].into_iter().collect(),
            ..Hiding::default()
        };
        let report = |outlet, time| tidings_stories::rank::Report { outlet, time };
        let mut ranked = [RankedStory {
            story: Story {
                id: StoryId(1),
                title: "Quake".into(),
                lead_article_id: None,
                language: Some("en".into()),
                created_at: 0,
                updated_at: 40,
                first_at: 10,
                last_at: 40,
                article_count: 4,
                source_count: 3,
                section: None,
            },
            outlets: vec![SourceId(1), SourceId(2), SourceId(3)],
            reports: vec![report(1, 10), report(2, 20), report(3, 30), report(2, 40)],
        }];
        h.strip_outlets(&mut ranked);
        let r = &ranked[0];
        assert_eq!(r.outlets, [SourceId(1), SourceId(3)]);
        assert_eq!(r.story.source_count, 2);
        assert_eq!(r.reports, [report(1, 10), report(3, 30)]);
    }

    #[test]
    fn a_topic_page_keeps_its_own_topic() {
        let h = Hiding {
            topics: vec!["royals".into(), "sport".into()],
            ..Hiding::default()
        };
        assert!(h.hides_topic("royals"));
        let on_its_page = h.without_topic("royals");
        assert!(!on_its_page.hides_topic("royals"));
        assert_eq!(on_its_page.exclusions().topics, ["sport"]);
    }
}
