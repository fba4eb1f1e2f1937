//! Story views: the ranked top stories of the front page, the story page (full coverage
//! grouped by outlet, copies shown once with all their publishers, the same event's stories
//! in other languages, the score explained on `?explain=1`), and the related list of an
//! article page.

use crate::base_url::site_base;
use crate::comment_counts::{Commented, count_comments};
use crate::insight::{AiPanel, PanelFor, panel};
use crate::metadata::{self, PageMeta};
use crate::model_answers::ModelAccess;
use crate::pages::{Age, Card, PageError, PageQuery, excerpt, now, pager_links, respond};
use crate::people::client_ip::ClientIp;
use crate::people::session::Viewer;
use crate::reader_languages::ReaderLanguages;
use crate::reading::hiding::{self, Hiding};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use tidings_model::{ArticleId, CommentTarget, SourceId, Story, StoryId, UnixSeconds};
use tidings_store::{ArticleListing, EntityLookup, ListFilter, Store, StoryReport};
use tidings_stories::rank::{self, RankParams, Report, Score};
use tidings_stories::related::{Candidate, RelatedStory, related_articles};

/// Stories considered for the front page: the most recently updated.
const FRONT_CANDIDATES: i64 = 300;
/// Stories shown at the top of the front page.
pub(crate) const TOP_STORIES: usize = 12;
/// Outlets named on a story card before "and N more".
const NAMED_OUTLETS: usize = 4;
/// Related stories considered for an article page.
const RELATED_STORIES: i64 = 8;
/// Entries in an article page's related list.
const RELATED_LIMIT: usize = 8;
/// How many related stories to read for a list of `shown`: more for a reader who hid things,
/// to fill the list after the stories they hid.
fn related_to_read(shown: i64, hiding: Option<&Hiding>) -> i64 {
    match hiding {
        Some(_) => shown * RELATED_READ_HIDING,
        None => shown,
    }
}

/// Stories in a story page's related list.
const RELATED_CARDS: i64 = 5;
/// For a reader who hid things: how many times as many related stories are read, to fill a
/// related list after the stories they hid.
const RELATED_READ_HIDING: i64 = 3;

/// A story in a list.
pub(crate) struct StoryCard {
    pub(crate) href: String,
    pub(crate) title: String,
    pub(crate) excerpt: String,
    /// The story's language (BCP 47), or empty when unknown: `lang` on its title and excerpt.
    pub(crate) language: String,
    pub(crate) sources: i64,
    pub(crate) outlets: String,
    pub(crate) age: Age,
    /// The story, whose page the comments are on.
    pub(crate) story: StoryId,
    /// Comments everyone can see on its page (0 unless counted, see [`count_comments`]).
    pub(crate) comments: i64,
    /// The same event's stories in other languages ("Also in Deutsch"), on the top stories.
    pub(crate) also_in: Vec<OtherLanguage>,
}

impl Commented for StoryCard {
    fn comment_target(&self) -> CommentTarget {
        CommentTarget::Story(self.story)
    }

    fn set_comments(&mut self, count: i64) {
        self.comments = count;
    }
}

/// A story in a list's order (ranked, or see [`with_outlets`]), with its outlets in the order
/// they first reported.
pub(crate) struct RankedStory {
    pub(crate) story: Story,
    pub(crate) outlets: Vec<SourceId>,
    /// Its reports in time order, as the Stories score reads them.
    pub(crate) reports: Vec<Report>,
}

/// The recently updated stories, best first by the Stories score (ties by id, newest first):
/// the order of the front page and of `/api/v1/stories`.
pub(crate) async fn ranked_stories(
    store: &Store,
    filter: &ListFilter,
    now: UnixSeconds,
) -> Result<Vec<RankedStory>, PageError> {
    let candidates = store
        .stories()
        .recent_in(filter, 0, FRONT_CANDIDATES, 0)
        .await?;
    let ids: Vec<StoryId> = candidates.iter().map(|s| s.id).collect();
    let mut reports = reports_by_story(&store.stories().reports(&ids).await?);
    let params = RankParams::default();
    let mut ranked: Vec<(f64, Story)> = candidates
        .into_iter()
        .map(|s| {
            let score = rank::score(
                reports.get(&s.id).map_or(&[][..], Vec::as_slice),
                now,
                &params,
            );
            (score.total, s)
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.id.cmp(&a.1.id)));
    Ok(ranked
        .into_iter()
        .map(|(_, story)| ranked_story(story, &mut reports))
        .collect())
}

/// A story with its outlets and reports, taken from the reports of a list's stories.
fn ranked_story(story: Story, reports: &mut HashMap<StoryId, Vec<Report>>) -> RankedStory {
    let own = reports.remove(&story.id).unwrap_or_default();
    RankedStory {
        outlets: first_reported(Some(&own)),
        reports: own,
        story,
    }
}

/// A story's outlets in the order they first reported, from its reports in time order.
fn first_reported(reports: Option<&Vec<Report>>) -> Vec<SourceId> {
    let mut outlets: Vec<SourceId> = Vec::new();
    for r in reports.into_iter().flatten() {
        if !outlets.contains(&SourceId(r.outlet)) {
            outlets.push(SourceId(r.outlet));
        }
    }
    outlets
}

/// Stories in the order given, each with its outlets, ready for [`story_cards`]: for lists
/// the Stories score does not order (the stories a reader follows).
pub(crate) async fn with_outlets(
    store: &Store,
    stories: Vec<Story>,
) -> Result<Vec<RankedStory>, PageError> {
    let ids: Vec<StoryId> = stories.iter().map(|s| s.id).collect();
    let mut reports = reports_by_story(&store.stories().reports(&ids).await?);
    Ok(stories
        .into_iter()
        .map(|story| ranked_story(story, &mut reports))
        .collect())
}

/// The front page's top stories, best first by the Stories score, each card naming the same
/// event's stories in other languages ("Also in Deutsch"). Listing every language, stories
/// linked together (directly or through one another) make one card, the best-ranked of them
/// ([`fold_linked`]), placed by the score of all their reports together ([`rank_groups`]).
///
/// For a reader who hid things (`hiding`), the stories they hid leave the whole list of
/// candidates ([`FRONT_CANDIDATES`]) before the cards are chosen, so the cards fill from the
/// stories ranked after them; a card whose summary has a hidden word is replaced by the next
/// one, from at most [`TOP_STORIES`] × 4 ranked stories.
///
/// A card folding stories of several languages leads with the best-ranked of them in the
/// first of the reader's `languages` (most wanted first) it has ([`lead_in`]), else with its
/// best-ranked story.
pub(crate) async fn top_stories(
    store: &Store,
    filter: &ListFilter,
    now: UnixSeconds,
    hiding: Option<&Hiding>,
    languages: &[String],
) -> Result<Vec<StoryCard>, PageError> {
    let mut ranked = ranked_stories(store, filter, now).await?;
    if let Some(hiding) = hiding {
        ranked = hiding.leave_out(store, ranked).await?;
    }
    let words_hidden = hiding.is_some_and(Hiding::hides_words);
    // Room for the stories that fold into others (and, when words are hidden, for cards
    // whose summaries turn out to have one).
    let room = if words_hidden {
        TOP_STORIES * 4
    } else {
        TOP_STORIES * 2
    };
    let ranked: Vec<RankedStory> = ranked.into_iter().take(room).collect();
    let ids: Vec<StoryId> = ranked.iter().map(|r| r.story.id).collect();
    let links = store.cross_language().links_of_many(&ids).await?;
    // Links to stories the reader hid go before any folding: no card names them.
    let links = visible_links(store, hiding, links).await?;
    let groups = if filter.language.is_none() {
        let pairs: Vec<(StoryId, StoryId)> = links.iter().map(|l| (l.0, l.1.id)).collect();
        let reports: Vec<&[Report]> = ranked.iter().map(|r| r.reports.as_slice()).collect();
        rank_groups(fold_linked(&ids, &pairs), &reports, now)
    } else {
        (0..ids.len()).map(|i| (i, Vec::new())).collect()
    };
    let wanted = if words_hidden {
        groups.len()
    } else {
        TOP_STORIES
    };
    let story_languages: Vec<String> = ranked.iter().map(|r| primary_language(&r.story)).collect();
    let mut stories: Vec<Option<RankedStory>> = ranked.into_iter().map(Some).collect();
    let mut shown = Vec::with_capacity(TOP_STORIES);
    for (first, rest) in groups.into_iter().take(wanted) {
        let (first, rest) = lead_in(first, rest, &story_languages, languages);
        let Some(story) = stories[first].take() else {
            continue;
        };
        let own = primary_language(&story.story);
        // Stories of the card's own language fold into it, but are not "also in" it.
        let folded: Vec<Story> = rest
            .into_iter()
            .filter_map(|i| stories[i].take().map(|r| r.story))
            .filter(|s| primary_language(s) != own)
            .collect();
        shown.push((story, folded));
    }
    let mut cards = cards_in_rounds(store, shown, now, hiding, TOP_STORIES).await?;
    for (card, folded) in &mut cards {
        // Its own links, best first, then the rest of its group; one story per language.
        let direct = links
            .iter()
            .filter(|l| l.0 == card.story)
            .map(|l| l.1.clone());
        for other in direct.chain(folded.drain(..)) {
            let other = other_language(other);
            if !card.also_in.iter().any(|o| o.language == other.language) {
                card.also_in.push(other);
            }
        }
    }
    Ok(cards.into_iter().map(|(card, _)| card).collect())
}

/// The cards of `ranked` stories (each with a companion value), in their order, at most
/// `limit`. Without `hiding`, or when it hides no words, that is the first `limit`, made at
/// once; otherwise cards whose summary or excerpt has a hidden word are left out and the next
/// stories are made into cards in their place, round by round, until `limit` are kept or the
/// stories run out.
pub(crate) async fn cards_in_rounds<T>(
    store: &Store,
    ranked: Vec<(RankedStory, T)>,
    now: UnixSeconds,
    hiding: Option<&Hiding>,
    limit: usize,
) -> Result<Vec<(StoryCard, T)>, PageError> {
    let words = hiding.filter(|h| h.hides_words());
    let mut pending = ranked.into_iter();
    let mut kept: Vec<(StoryCard, T)> = Vec::with_capacity(limit);
    loop {
        let round: Vec<(RankedStory, T)> = pending.by_ref().take(limit - kept.len()).collect();
        if round.is_empty() {
            break;
        }
        let (stories, companions): (Vec<RankedStory>, Vec<T>) = round.into_iter().unzip();
        let cards = story_cards(store, stories, now).await?;
        for (card, companion) in cards.into_iter().zip(companions) {
            if words.is_some_and(|h| h.hides_text(&card.excerpt)) {
                continue;
            }
            kept.push((card, companion));
        }
        if kept.len() >= limit || words.is_none() {
            break;
        }
    }
    Ok(kept)
}

/// Groups a ranked list by the links between its stories (`pairs`, either way round): each
/// group is the stories connected through links, in the order of its best-ranked member,
/// which it names first, with the rest in rank order. Unlinked stories are groups of one.
fn fold_linked(ids: &[StoryId], pairs: &[(StoryId, StoryId)]) -> Vec<(usize, Vec<usize>)> {
    // Each story's group is named by its best-ranked member; links join groups until
    // nothing changes (a list is a page's worth, so the passes are cheap).
    let mut group: Vec<usize> = (0..ids.len()).collect();
    let index = |id: StoryId| ids.iter().position(|&s| s == id);
    let edges: Vec<(usize, usize)> = pairs
        .iter()
        .filter_map(|&(a, b)| Some((index(a)?, index(b)?)))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for &(a, b) in &edges {
            let low = group[a].min(group[b]);
            for i in [a, b] {
                if group[i] != low {
                    group[i] = low;
                    changed = true;
                }
            }
        }
    }
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, &g) in group.iter().enumerate() {
        match out.iter_mut().find(|(first, _)| *first == g) {
            Some((_, rest)) => rest.push(i),
            None => out.push((i, Vec::new())),
        }
    }
    out
}

/// A group of [`fold_linked`] led by its best-ranked story in the first of `wanted` languages
/// (most wanted first) any of its stories is in; unchanged when none is, or when its lead is
/// already in that language. `languages` are each listed story's primary language, by index.
/// The stories that do not lead keep their rank order.
fn lead_in(
    first: usize,
    rest: Vec<usize>,
    languages: &[String],
    wanted: &[String],
) -> (usize, Vec<usize>) {
    let members = || std::iter::once(first).chain(rest.iter().copied());
    let lead = wanted
        .iter()
        .find_map(|want| members().find(|&i| languages.get(i).is_some_and(|l| l == want)));
    match lead {
        Some(lead) if lead != first => {
            let mut others: Vec<usize> = members().filter(|&i| i != lead).collect();
            others.sort_unstable();
            (lead, others)
        }
        _ => (first, rest),
    }
}

/// Orders the groups of [`fold_linked`] by the Stories score of all their members' reports
/// together, best first (ties keep the order of their best-ranked member): one event
/// reported in three languages by two outlets each is covered by six, and ranks so, while a
/// group of one keeps its story's own score. `reports` are each listed story's, by index.
fn rank_groups(
    groups: Vec<(usize, Vec<usize>)>,
    reports: &[&[Report]],
    now: UnixSeconds,
) -> Vec<(usize, Vec<usize>)> {
    let params = RankParams::default();
    let mut scored: Vec<(f64, (usize, Vec<usize>))> = groups
        .into_iter()
        .map(|(first, rest)| {
            let mut all: Vec<Report> = std::iter::once(first)
                .chain(rest.iter().copied())
                .filter_map(|i| reports.get(i))
                .flat_map(|r| r.iter().copied())
                .collect();
            all.sort_by_key(|r| (r.time, r.outlet));
            (rank::score(&all, now, &params).total, (first, rest))
        })
        .collect();
    // A stable sort: equal scores keep the ranked order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, group)| group).collect()
}

/// The cards of ranked stories, in their order.
pub(crate) async fn story_cards(
    store: &Store,
    ranked: Vec<RankedStory>,
    now: UnixSeconds,
) -> Result<Vec<StoryCard>, PageError> {
    let names = outlet_names(
        store,
        ranked
            .iter()
            .flat_map(|r| r.outlets.iter().take(NAMED_OUTLETS)),
    )
    .await?;
    let mut cards = Vec::new();
    for RankedStory { story, outlets, .. } in ranked {
        let outlets: Vec<i64> = outlets.iter().map(|o| o.0).collect();
        // The lead article is read only when the story has no summary to show.
        let excerpt = match short_summary(store, story.id).await? {
            Some(summary) => summary,
            None => match story.lead_article_id {
                Some(id) => store
                    .articles()
                    .get(id)
                    .await?
                    .map_or_else(String::new, |l| {
                        let c = &l.article.content;
                        excerpt(c.standfirst.as_deref().unwrap_or(&c.body_text), 220)
                    }),
                None => String::new(),
            },
        };
        cards.push(StoryCard {
            href: format!("/story/{}", story.id),
            title: story.title.clone(),
            excerpt,
            language: story.language.clone().unwrap_or_default(),
            sources: story.source_count,
            outlets: name_list(&outlets, &names),
            age: Age::of(story.last_at, now),
            story: story.id,
            comments: 0,
            also_in: Vec::new(),
        });
    }
    count_comments(store, &mut cards).await?;
    Ok(cards)
}

/// A story's short summary, when it has been understood and has one.
pub(crate) async fn short_summary(
    store: &Store,
    story: StoryId,
) -> Result<Option<String>, PageError> {
    let Some(stored) = store.insights().get(story).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str::<ShortSummaryOnly>(&stored.json)
        .ok()
        .map(|i| i.summary.short_text())
        .filter(|t| !t.is_empty()))
}

/// The part of a stored [`tidings_insight::StoryInsight`] a story card shows: reading only
/// this skips building the long summary, key points, entities and timeline (the rest of the
/// JSON is skipped, not parsed into values).
#[derive(Deserialize)]
struct ShortSummaryOnly {
    summary: ShortSentences,
}

#[derive(Deserialize)]
struct ShortSentences {
    short: Vec<ShortSentence>,
}

#[derive(Deserialize)]
struct ShortSentence {
    text: String,
}

impl ShortSentences {
    /// The sentences as one paragraph, as [`tidings_insight::Summary::short_text`] joins
    /// them.
    fn short_text(&self) -> String {
        self.short
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Reports per story, in time order, as the ranking reads them.
fn reports_by_story(reports: &[StoryReport]) -> HashMap<StoryId, Vec<Report>> {
    let mut by_story: HashMap<StoryId, Vec<Report>> = HashMap::new();
    for r in reports {
        by_story.entry(r.story).or_default().push(Report {
            outlet: r.source_id.0,
            time: r.sort_at,
        });
    }
    for list in by_story.values_mut() {
        list.sort_by_key(|r| (r.time, r.outlet));
    }
    by_story
}

/// The display names of the outlets a list of stories names, by source id: only those, not
/// every source.
pub(crate) async fn outlet_names<'a>(
    store: &Store,
    outlets: impl IntoIterator<Item = &'a SourceId>,
) -> Result<HashMap<i64, String>, PageError> {
    let mut ids: Vec<SourceId> = outlets.into_iter().copied().collect();
    ids.sort();
    ids.dedup();
    Ok(store
        .sources()
        .names(&ids)
        .await?
        .into_iter()
        .map(|(id, name)| (id.0, name))
        .collect())
}

/// "A, B, C and 2 more".
fn name_list(outlets: &[i64], names: &HashMap<i64, String>) -> String {
    let named: Vec<&str> = outlets
        .iter()
        .take(NAMED_OUTLETS)
        .filter_map(|id| names.get(id).map(String::as_str))
        .collect();
    let rest = outlets.len().saturating_sub(NAMED_OUTLETS);
    match (named.as_slice(), rest) {
        ([], _) => String::new(),
        ([one], 0) => (*one).to_string(),
        (many, 0) => format!(
            "{} and {}",
            many[..many.len() - 1].join(", "),
            many[many.len() - 1]
        ),
        (many, rest) => format!("{} and {rest} more", many.join(", ")),
    }
}

/// The same event's story in another language, as the story page and the API show it.
pub(crate) struct OtherLanguage {
    /// The story.
    pub(crate) story: StoryId,
    /// Its language's code (`de`).
    pub(crate) language: String,
    /// The language's own name (`Deutsch`).
    pub(crate) name: String,
    /// Its headline, in its language.
    pub(crate) title: String,
    /// Its outlets.
    pub(crate) sources: i64,
    /// Its page (`/story/7`).
    pub(crate) href: String,
}

/// The stories of other languages linked to `story`, best match first, without those
/// `hiding` hides ([`visible_links`]).
pub(crate) async fn other_languages(
    store: &Store,
    story: StoryId,
    hiding: Option<&Hiding>,
) -> Result<Vec<OtherLanguage>, PageError> {
    let links = store.cross_language().links_of_many(&[story]).await?;
    Ok(visible_links(store, hiding, links)
        .await?
        .into_iter()
        .map(|(_, s, _)| other_language(s))
        .collect())
}

/// Links between stories of different languages (from, to, similarity) without those to a
/// story the reader hid ([`Hiding::leave_out`]), each linked story with the headline and
/// count of sources the reader sees. Without `hiding`, `links` as they are.
async fn visible_links(
    store: &Store,
    hiding: Option<&Hiding>,
    links: Vec<(StoryId, Story, f64)>,
) -> Result<Vec<(StoryId, Story, f64)>, PageError> {
    let Some(hiding) = hiding else {
        return Ok(links);
    };
    let mut linked: Vec<Story> = Vec::new();
    for (_, s, _) in &links {
        if !linked.iter().any(|l| l.id == s.id) {
            linked.push(s.clone());
        }
    }
    let seen: HashMap<StoryId, Story> = hiding
        .visible_stories(store, linked)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(links
        .into_iter()
        .filter_map(|(from, s, similarity)| Some((from, seen.get(&s.id)?.clone(), similarity)))
        .collect())
}

/// A story's language as links compare it: the primary subtag, lowercase (`en` for `en-GB`).
fn primary_language(s: &Story) -> String {
    s.language
        .as_deref()
        .map(tidings_insight::crosslang::primary)
        .unwrap_or_default()
}

/// How a linked story of another language is shown.
fn other_language(s: Story) -> OtherLanguage {
    let language = primary_language(&s);
    OtherLanguage {
        story: s.id,
        name: crate::front::language_name(&language),
        language,
        title: s.title,
        sources: s.source_count,
        href: format!("/story/{}", s.id),
    }
}

/// One report on the story page.
struct CoverageItem {
    card: Card,
    /// For a copy: the outlet whose text it carries and a link to that report.
    copy_of: Option<(String, String)>,
    /// For an original: the outlets that republished it.
    also_published_by: Vec<String>,
}

/// An outlet's reports on the story page.
struct OutletGroup {
    name: String,
    href: String,
    items: Vec<CoverageItem>,
}

/// One part of the score, as `?explain=1` lists it.
struct ScoreLine {
    name: &'static str,
    value: String,
    note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "story.html")]
struct StoryPage {
    site_name: String,
    /// The story's path (`/story/7`); its feeds live under it.
    href: String,
    title: String,
    sources: i64,
    articles: i64,
    first: Age,
    /// The outlet that reported the story first: its headline may be a later report's.
    first_by: Option<String>,
    last: Age,
    groups: Vec<OutletGroup>,
    /// The same event's stories in other languages.
    other_languages: Vec<OtherLanguage>,
    related: Vec<StoryCard>,
    explain: Option<Vec<ScoreLine>>,
    ai: Option<AiPanel>,
    meta: PageMeta,
    newer: Option<String>,
    older: Option<String>,
    comments: crate::people::CommentSection,
    /// The story's language (BCP 47), the page's `lang`; empty when unknown (then English).
    language: String,
    /// The story is in another language than the interface, whose parts are then marked
    /// `lang="en"`.
    foreign: bool,
}

#[derive(Deserialize)]
pub(crate) struct StoryQuery {
    explain: Option<String>,
    q: Option<String>,
    page: Option<i64>,
    comments: Option<String>,
    comment_page: Option<usize>,
}

/// Outlets on one page of a story's coverage.
const OUTLETS_PER_PAGE: usize = 25;
/// Stories on one page of an entity's list.
const ENTITY_PAGE: i64 = 40;
/// For a reader who hid things: the most stories of an entity's list read, from its top, to
/// find one page of those not hidden.
const MAX_ENTITY_STORIES_READ: i64 = 1_000;

/// `/story/{id}`: a story's page. For a reader who hid things, "In other languages" and the
/// related stories leave out the stories they hid ([`other_languages`],
/// [`related_story_cards`]); the rest is everyone's.
pub(crate) async fn story(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(id): Path<i64>,
    Query(query): Query<StoryQuery>,
    ip: ClientIp,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PageError> = async {
        let store = &state.store;
        let story = store
            .stories()
            .get(StoryId(id))
            .await?
            .filter(|s| s.article_count > 0)
            .ok_or(PageError::NotFound)?;
        let now = now();
        let members = store.stories().articles(story.id).await?;
        let explain = query
            .explain
            .as_deref()
            .filter(|v| !matches!(*v, "" | "0" | "false"))
            .map(|_| {
                let reports: Vec<Report> = members
                    .iter()
                    .map(|m| Report {
                        outlet: m.article.source_id.0,
                        time: m.article.content.shown_time(),
                    })
                    .collect();
                let params = RankParams::default();
                explain_score(&rank::score(&reports, now, &params), &params)
            });
        let hiding = hiding::of_viewer(&state, viewer.as_deref()).await?;
        let related = related_story_cards(store, story.id, now, hiding.as_ref()).await?;
        let other_languages = other_languages(store, story.id, hiding.as_ref()).await?;
        let ai = panel(
            store,
            ModelAccess::of(&state, ip.0),
            story.id,
            &members,
            query.q.as_deref(),
            PanelFor::Story,
        )
        .await?;
        let description = match &ai {
            Some(ai) if !ai.summary.is_empty() => ai
                .summary
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            _ => format!("{} sources report: {}", story.source_count, story.title),
        };
        let meta = metadata::story(
            &story.title,
            format!(
                "{}/story/{}",
                site_base(state.base_url.as_deref(), &headers),
                story.id
            ),
            excerpt(&description, 200),
            &members
                .iter()
                .map(|m| (m.article.content.title.clone(), m.source_name.clone()))
                .collect::<Vec<_>>(),
            &state.site_name,
        );
        let mut groups = coverage_groups(&members, now);
        let page = query.page.unwrap_or(1).clamp(1, 10_000) as usize;
        let has_more = groups.len() > page * OUTLETS_PER_PAGE;
        groups = groups
            .into_iter()
            .skip((page - 1) * OUTLETS_PER_PAGE)
            .take(OUTLETS_PER_PAGE)
            .collect();
        count_comments(
            store,
            groups
                .iter_mut()
                .flat_map(|g| g.items.iter_mut())
                .map(|i| &mut i.card),
        )
        .await?;
        let (newer, older) = pager_links(&format!("/story/{}", story.id), page as i64, has_more);
        let page = StoryPage {
            newer,
            older,
            site_name: state.site_name.clone(),
            href: format!("/story/{}", story.id),
            title: story.title.clone(),
            sources: story.source_count,
            articles: story.article_count,
            first: Age::of(story.first_at, now),
            first_by: first_reporter(&members),
            last: Age::of(story.last_at, now),
            groups,
            other_languages,
            related,
            explain,
            ai,
            meta,
            comments: crate::people::section(
                &state,
                tidings_model::CommentTarget::Story(story.id),
                &format!("/story/{}", story.id),
                &headers,
                query.comments.as_deref(),
                query.comment_page,
            )
            .await?,
            foreign: crate::interface_language::is_foreign(
                story.language.as_deref().unwrap_or_default(),
            ),
            language: story.language.clone().unwrap_or_default(),
        };
        Ok(hiding::answer(hiding.as_ref(), page))
    }
    .await;
    respond(result, &state.site_name)
}

/// The outlet of a story's first report (its earliest original; `members` are in story
/// order), named on its page beside the headline, which follows the latest report.
fn first_reporter(members: &[ArticleListing]) -> Option<String> {
    members
        .iter()
        .find(|m| m.article.duplicate_of.is_none())
        .or(members.first())
        .map(|m| m.source_name.clone())
}

/// The story's reports grouped by outlet, outlets in the order they first reported, each
/// outlet's reports earliest first; copies point at the text they carry.
fn coverage_groups(members: &[ArticleListing], now: UnixSeconds) -> Vec<OutletGroup> {
    let by_id: HashMap<ArticleId, &ArticleListing> =
        members.iter().map(|m| (m.article.id, m)).collect();
    let mut republished: HashMap<ArticleId, Vec<String>> = HashMap::new();
    for m in members {
        if let Some(original) = m.article.duplicate_of {
            republished
                .entry(original)
                .or_default()
                .push(m.source_name.clone());
        }
    }
    let mut groups: Vec<OutletGroup> = Vec::new();
    let mut index: BTreeMap<SourceId, usize> = BTreeMap::new();
    for m in members {
        let a = &m.article;
        let slot = *index.entry(a.source_id).or_insert_with(|| {
            groups.push(OutletGroup {
                name: m.source_name.clone(),
                href: format!("/source/{}", a.source_id),
                items: Vec::new(),
            });
            groups.len() - 1
        });
        let copy_of = a.duplicate_of.and_then(|o| by_id.get(&o)).map(|o| {
            (
                o.source_name.clone(),
                crate::pages::article_href(o.article.id, &o.article.content.title),
            )
        });
        let mut card = Card::of(m, now);
        if copy_of.is_some() {
            card.excerpt.clear();
        }
        groups[slot].items.push(CoverageItem {
            card,
            copy_of,
            also_published_by: republished.remove(&a.id).unwrap_or_default(),
        });
    }
    groups
}

fn explain_score(s: &Score, params: &RankParams) -> Vec<ScoreLine> {
    vec![
        ScoreLine {
            name: "Outlets",
            value: format!("{:.3}", s.outlet_part),
            note: format!("log2(1 + {} outlets)", s.outlets),
        },
        ScoreLine {
            name: "Spread",
            value: format!("{:.3}", s.spread_part),
            note: format!(
                "evenness {:.2} of {} reports across outlets × weight",
                s.spread, s.reports
            ),
        },
        ScoreLine {
            name: "Velocity",
            value: format!("{:.3}", s.velocity_part),
            note: format!("ln(1 + {:.2} new reports per hour) × weight", s.velocity),
        },
        ScoreLine {
            name: "Recency",
            value: format!("× {:.3}", s.decay),
            note: format!(
                "latest report {:.1} hours ago, halving every {} hours",
                s.age_hours, params.half_life_hours
            ),
        },
        ScoreLine {
            name: "Score",
            value: format!("{:.3}", s.total),
            note: "(outlets + spread + velocity) × recency".to_string(),
        },
    ]
}

/// Cards for the stories related to `story`, best first. For a reader who hid things
/// (`hiding`), the stories they hid are left out as on the front page
/// ([`Hiding::visible_stories`]: led or covered only by hidden outlets, about a hidden entity
/// or topic, a hidden word in the headline) and further related stories fill the list.
async fn related_story_cards(
    store: &Store,
    story: StoryId,
    now: UnixSeconds,
    hiding: Option<&Hiding>,
) -> Result<Vec<StoryCard>, PageError> {
    let read = related_to_read(RELATED_CARDS, hiding);
    let related: Vec<StoryId> = store
        .stories()
        .related(story, read)
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    // One read for them all, put back in the order of relatedness.
    let mut stories: HashMap<StoryId, Story> = store
        .stories()
        .many(&related)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    let mut ordered: Vec<Story> = related.iter().filter_map(|id| stories.remove(id)).collect();
    if let Some(hiding) = hiding {
        ordered = hiding.visible_stories(store, ordered).await?;
    }
    let mut cards = Vec::new();
    for s in ordered.into_iter().take(RELATED_CARDS as usize) {
        cards.push(StoryCard {
            href: format!("/story/{}", s.id),
            language: s.language.clone().unwrap_or_default(),
            title: s.title,
            excerpt: String::new(),
            sources: s.source_count,
            outlets: String::new(),
            age: Age::of(s.last_at, now),
            story: s.id,
            comments: 0,
            also_in: Vec::new(),
        });
    }
    count_comments(store, &mut cards).await?;
    Ok(cards)
}

/// An article page's related list: more coverage of its story (whose articles, read once by
/// the page, are `same_story`), then related stories. For a reader who hid things
/// (`hiding`), articles of hidden outlets or with a hidden word in the headline are no
/// candidates, nor are the related stories they hid ([`Hiding::visible_stories`]); further
/// related stories are read to fill the list.
pub(crate) async fn related_cards(
    store: &Store,
    listing: &ArticleListing,
    same_story: &[ArticleListing],
    now: UnixSeconds,
    hiding: Option<&Hiding>,
) -> Result<Vec<Card>, PageError> {
    let Some(story) = listing.article.story_id else {
        return Ok(Vec::new());
    };
    let candidate = |l: &ArticleListing| Candidate {
        article: l.article.id.0,
        outlet: l.article.source_id.0,
        time: l.article.content.shown_time(),
        duplicate_of: l.article.duplicate_of.map(|a| a.0),
    };
    let shown = |l: &&ArticleListing| {
        hiding.is_none_or(|h| {
            !h.hides_source(l.article.source_id) && !h.hides_text(&l.article.content.title)
        })
    };
    let mut known: HashMap<i64, &ArticleListing> =
        same_story.iter().map(|l| (l.article.id.0, l)).collect();
    let same: Vec<Candidate> = same_story.iter().filter(shown).map(candidate).collect();
    let mut links = store
        .stories()
        .related(story, related_to_read(RELATED_STORIES, hiding))
        .await?;
    if let Some(hiding) = hiding {
        let ids: Vec<StoryId> = links.iter().map(|(id, _)| *id).collect();
        let stories = store.stories().many(&ids).await?;
        let visible: std::collections::HashSet<StoryId> = hiding
            .visible_stories(store, stories)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        links.retain(|(id, _)| visible.contains(id));
        links.truncate(RELATED_STORIES as usize);
    }
    let mut others = Vec::new();
    let mut related = Vec::new();
    for (id, similarity) in links {
        let members = store.stories().articles(id).await?;
        related.push(RelatedStory {
            similarity,
            articles: members.iter().filter(shown).map(candidate).collect(),
        });
        others.push(members);
    }
    known.extend(others.iter().flatten().map(|l| (l.article.id.0, l)));
    Ok(
        related_articles(&candidate(listing), &same, &related, now, RELATED_LIMIT)
            .iter()
            .filter_map(|r| known.get(&r.article))
            .map(|l| Card::of(l, now))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_leads_with_its_best_ranked_story_in_the_first_wanted_language_it_has() {
        let languages: Vec<String> = ["fr", "en", "de", "en"].map(String::from).to_vec();
        let wanted = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let group = || (0, vec![1, 2, 3]);
        let lead = |codes: &[&str]| {
            let (first, rest) = group();
            lead_in(first, rest, &languages, &wanted(codes))
        };
        assert_eq!(
            lead(&["en"]),
            (1, vec![0, 2, 3]),
            "the better-ranked English"
        );
        assert_eq!(lead(&["de", "en"]), (2, vec![0, 1, 3]));
        assert_eq!(
            lead(&["it", "en"]),
            (1, vec![0, 2, 3]),
            "the first one it has"
        );
        assert_eq!(lead(&["fr", "en"]), group(), "already in French");
        assert_eq!(lead(&["it"]), group(), "none wanted: best-ranked");
        assert_eq!(lead(&[]), group());
        assert_eq!(
            lead_in(3, vec![], &languages, &wanted(&["fr"])),
            (3, vec![])
        );
    }

    #[test]
    fn linked_stories_fold_into_their_best_ranked_member() {
        let ids: Vec<StoryId> = [10, 11, 12, 13, 14, 15].map(StoryId).to_vec();
        let s = StoryId;
        // 10 (en) and 13 (fr) are linked through 12 (de) only; 14 links to a story that is
        // not listed; 11 and 15 are on their own.
        let pairs = [(s(12), s(10)), (s(13), s(12)), (s(14), s(99))];
        assert_eq!(
            fold_linked(&ids, &pairs),
            vec![(0, vec![2, 3]), (1, vec![]), (4, vec![]), (5, vec![])]
        );
        // The group comes at its best-ranked member's place, whichever way round the links are.
        let pairs = [(s(15), s(11)), (s(13), s(15))];
        assert_eq!(
            fold_linked(&ids, &pairs),
            vec![(0, vec![]), (1, vec![3, 5]), (2, vec![]), (4, vec![])]
        );
        // A chain whose far end is met first needs a second pass.
        let pairs = [(s(13), s(12)), (s(12), s(10))];
        assert_eq!(
            fold_linked(&ids, &pairs),
            vec![(0, vec![2, 3]), (1, vec![]), (4, vec![]), (5, vec![])]
        );
        assert_eq!(fold_linked(&[], &pairs), vec![]);
    }

    #[test]
    fn a_group_ranks_by_the_coverage_of_all_its_members() {
        let now = 100_000;
        let by = |outlets: &[i64]| -> Vec<Report> {
            outlets
                .iter()
                .map(|&outlet| Report {
                    outlet,
                    time: now - 3_600,
                })
                .collect()
        };
        // Ranked by their own scores: a story of three outlets, one of two, then two
        // stories of two outlets each (another language's report of one event).
        let reports = [by(&[1, 2, 3]), by(&[4, 5]), by(&[6, 7]), by(&[8, 9])];
        let slices: Vec<&[Report]> = reports.iter().map(Vec::as_slice).collect();
        let groups = vec![(0, vec![]), (1, vec![]), (2, vec![3])];
        assert_eq!(
            rank_groups(groups, &slices, now),
            vec![(2, vec![3]), (0, vec![]), (1, vec![])],
            "four outlets across two languages outrank three in one"
        );
        // Groups of one keep the ranked order, ties included.
        let same = [by(&[1, 2]), by(&[3, 4]), by(&[5])];
        let slices: Vec<&[Report]> = same.iter().map(Vec::as_slice).collect();
        let alone = vec![(0, vec![]), (1, vec![]), (2, vec![])];
        assert_eq!(rank_groups(alone.clone(), &slices, now), alone);
        // One outlet in two languages' stories counts once.
        let reports = [by(&[1, 2]), by(&[3]), by(&[3])];
        let slices: Vec<&[Report]> = reports.iter().map(Vec::as_slice).collect();
        assert_eq!(
            rank_groups(vec![(0, vec![]), (1, vec![2])], &slices, now),
            vec![(0, vec![]), (1, vec![2])]
        );
    }

    #[test]
    fn outlet_lists_read_naturally() {
        let names: HashMap<i64, String> = (1..=6).map(|i| (i, format!("O{i}"))).collect();
        assert_eq!(name_list(&[1], &names), "O1");
        assert_eq!(name_list(&[1, 2], &names), "O1 and O2");
        assert_eq!(name_list(&[1, 2, 3], &names), "O1, O2 and O3");
        assert_eq!(
            name_list(&[1, 2, 3, 4, 5, 6], &names),
            "O1, O2, O3, O4 and 2 more"
        );
        assert_eq!(name_list(&[], &names), "");
    }

    #[test]
    fn the_short_summary_read_alone_is_the_insight_s() {
        let article = |id: &str, body: &str| tidings_insight::StoryArticle {
            id: id.into(),
            outlet: "Harbour Post".into(),
            body: body.into(),
            ..Default::default()
        };
        let insight = tidings_insight::understand(&[
            article(
                "1",
                "A dam above Saint-Aurel gave way on Tuesday. Prefect Claire Vautrin said two \
                 people were missing. About 1,200 residents were evacuated overnight.",
            ),
            article(
                "2",
                "Residents of Saint-Aurel waded through water after the dam broke. Some 1,200 \
                 people were in shelters, Claire Vautrin said.",
            ),
        ]);
        let json = serde_json::to_string(&insight).expect("json");
        let short: ShortSummaryOnly = serde_json::from_str(&json).expect("short part");
        assert!(!insight.summary.short.is_empty());
        assert_eq!(short.summary.short_text(), insight.summary.short_text());
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "entity.html")]
struct EntityPage {
    site_name: String,
    /// The entity's path (`/entity/kim-jong-un`); its feeds live under it.
    href: String,
    /// Its name in the reader's language where known.
    name: String,
    /// The language of `name` when the entity goes by names of several languages (its
    /// heading's `lang`); empty otherwise.
    name_language: String,
    kind: String,
    stories: Vec<StoryCard>,
    newer: Option<String>,
    older: Option<String>,
}

/// The path of the entity `slug`'s page, or of `rest` under it (`feed.xml`), for a
/// `Location`: the slug percent-encoded (a slug may keep letters of any script).
pub(crate) fn entity_location(slug: &str, rest: &str) -> String {
    let slug: String = url::form_urlencoded::byte_serialize(slug.as_bytes()).collect();
    if rest.is_empty() {
        format!("/entity/{slug}")
    } else {
        format!("/entity/{slug}/{rest}")
    }
}

/// `/entity/{slug}`: the stories that mention an entity, latest first, with pages, each
/// story in its own language; the entity named in the reader's language (`Accept-Language`)
/// where one of its names is of it, else by its own name. An entity merged into another
/// (one place named in several languages, [`tidings_store::EntityGroups`]) redirects there
/// (`308`, keeping the page number). For a reader who hid things, without the stories they
/// hid ([`entity_stories`]), except that an entity they hid still lists its own stories (its
/// page says so, with the unhide button).
pub(crate) async fn entity(
    State(state): State<AppState>,
    viewer: Option<Extension<Viewer>>,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
    languages: ReaderLanguages,
) -> Response {
    let result: Result<Response, PageError> = async {
        let store = &state.store;
        let page = query.number();
        let group = match store
            .entity_groups()
            .lookup(&slug)
            .await?
            .ok_or(PageError::NotFound)?
        {
            EntityLookup::Entity(group) => group,
            EntityLookup::MergedInto(target) => {
                let mut to = entity_location(&target, "");
                if page > 1 {
                    to.push_str(&format!("?page={page}"));
                }
                return Ok(Redirect::permanent(&to).into_response());
            }
        };
        let hiding = hiding::of_viewer(&state, viewer.as_deref())
            .await?
            .map(|h| h.without_entity(&slug))
            .filter(|h| !h.is_empty());
        let now = now();
        let (found, has_more) = entity_stories(store, &slug, hiding.as_ref(), page).await?;
        let (newer, older) = pager_links(&format!("/entity/{slug}"), page, has_more);
        let mut stories = Vec::with_capacity(found.len());
        for (story, excerpt) in found {
            stories.push(StoryCard {
                href: format!("/story/{}", story.id),
                excerpt: excerpt.unwrap_or_default(),
                language: story.language.clone().unwrap_or_default(),
                title: story.title,
                sources: story.source_count,
                outlets: String::new(),
                age: Age::of(story.last_at, now),
                story: story.id,
                comments: 0,
                also_in: Vec::new(),
            });
        }
        count_comments(store, &mut stories).await?;
        let kind = match group.kind.as_str() {
            "person" => "Person",
            "place" => "Place",
            _ => "Organisation",
        };
        // An entity of one name is headed alike for everyone, so its page is one page for
        // every language (no `Vary`, one rendering in the page cache).
        let one_name = group.has_one_name();
        let (name, name_language) = if one_name {
            group.name_for(&[])
        } else {
            group.name_for(&languages.0)
        };
        let name_language = if group.names.len() > 1 {
            name_language.to_string()
        } else {
            String::new()
        };
        let page = EntityPage {
            site_name: state.site_name.clone(),
            href: format!("/entity/{slug}"),
            name: name.to_string(),
            name_language,
            kind: kind.to_string(),
            stories,
            newer,
            older,
        };
        let response = hiding::answer(hiding.as_ref(), page);
        Ok(if one_name {
            response
        } else {
            crate::front::varies_by_language(response)
        })
    }
    .await;
    respond(result, &state.site_name)
}

/// Page `page` of the stories that mention the entity `slug`, each with its short summary
/// when it has one, and whether another page follows. For a reader who hid things, the
/// stories they hid are left out as the front page leaves them out ([`Hiding::leave_out`],
/// and a summary with a hidden word), so the list is read from its top, a batch at a time,
/// at most [`MAX_ENTITY_STORIES_READ`] stories: a deeper page is cut short there.
async fn entity_stories(
    store: &Store,
    slug: &str,
    hiding: Option<&Hiding>,
    page: i64,
) -> Result<(Vec<(Story, Option<String>)>, bool), PageError> {
    let insights = store.insights();
    let skip = (page - 1) * ENTITY_PAGE;
    let want = ENTITY_PAGE as usize + 1;
    let mut kept: Vec<(Story, Option<String>)> = Vec::with_capacity(want);
    let Some(hiding) = hiding else {
        let mut stories = insights.stories_of(slug, ENTITY_PAGE + 1, skip).await?;
        let has_more = stories.len() > ENTITY_PAGE as usize;
        // The extra story only says whether a page follows: its summary is not read.
        stories.truncate(ENTITY_PAGE as usize);
        for story in stories {
            let excerpt = short_summary(store, story.id).await?;
            kept.push((story, excerpt));
        }
        return Ok((kept, has_more));
    };
    let words = hiding.hides_words();
    // The first read covers the page and a page more; later ones as much again.
    let batch = skip + 2 * ENTITY_PAGE + 1;
    let mut passed = 0;
    let mut read = 0;
    while kept.len() < want && read < MAX_ENTITY_STORIES_READ {
        let size = batch.min(MAX_ENTITY_STORIES_READ - read);
        let found = insights.stories_of(slug, size, read).await?;
        read += found.len() as i64;
        let last = (found.len() as i64) < size;
        for story in hiding.visible_stories(store, found).await? {
            // Summaries are read for the page's stories, and for every story when a hidden
            // word in one leaves its story out.
            let on_page = passed >= skip;
            let excerpt = if words || on_page {
                short_summary(store, story.id).await?
            } else {
                None
            };
            if excerpt.as_deref().is_some_and(|e| hiding.hides_text(e)) {
                continue;
            }
            if on_page && kept.len() < want {
                kept.push((story, excerpt));
            }
            passed += 1;
        }
        if last {
            break;
        }
    }
    let has_more = kept.len() > ENTITY_PAGE as usize;
    kept.truncate(ENTITY_PAGE as usize);
    Ok((kept, has_more))
}
