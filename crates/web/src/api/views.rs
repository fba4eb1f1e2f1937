//! The JSON shapes the API answers with, and how stored values become them. Times are
//! RFC 3339 strings in UTC; `url` fields are absolute links to this site's pages, `api_url`
//! fields to the API's own resources.

use crate::age::rfc3339;
use crate::display::DisplayPolicy;
use crate::pages::{article_href, excerpt, is_web_url};
use serde::Serialize;
use tidings_model::{Source, Story};
use tidings_store::ArticleListing;

/// Characters of an article's excerpt in lists.
const EXCERPT_CHARS: usize = 300;

/// An outlet, as other resources name it.
#[derive(Debug, Serialize)]
pub(crate) struct SourceRef {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) api_url: String,
}

impl SourceRef {
    pub(crate) fn new(base: &str, id: i64, name: &str) -> SourceRef {
        SourceRef {
            id,
            name: name.to_string(),
            url: format!("{base}/source/{id}"),
            api_url: format!("{base}/api/v1/sources/{id}"),
        }
    }
}

/// A source with its health.
#[derive(Debug, Serialize)]
pub(crate) struct SourceView {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) api_url: String,
    pub(crate) feed_url: String,
    pub(crate) site_url: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) status: &'static str,
    pub(crate) last_fetch_at: Option<String>,
    pub(crate) last_success_at: Option<String>,
    pub(crate) last_error: Option<String>,
    pub(crate) error_count: i64,
    /// Entries the last fetch left out for having no usable link.
    pub(crate) skipped_no_link: i64,
    pub(crate) feeds: FeedLinks,
}

/// This site's feeds of a resource.
#[derive(Debug, Serialize)]
pub(crate) struct FeedLinks {
    pub(crate) rss: String,
    pub(crate) atom: String,
    pub(crate) json: String,
}

impl FeedLinks {
    /// The three feeds in `dir` (an absolute URL ending in `/`).
    pub(crate) fn in_dir(dir: &str) -> FeedLinks {
        FeedLinks {
            rss: format!("{dir}feed.xml"),
            atom: format!("{dir}feed.atom"),
            json: format!("{dir}feed.json"),
        }
    }
}

impl SourceView {
    pub(crate) fn of(base: &str, s: &Source) -> SourceView {
        SourceView {
            id: s.id.0,
            name: s.display_name().to_string(),
            url: format!("{base}/source/{}", s.id),
            api_url: format!("{base}/api/v1/sources/{}", s.id),
            feed_url: s.public_url(),
            site_url: s.site_url.clone().filter(|u| is_web_url(u)),
            category: s.category.clone(),
            language: s.language.clone(),
            status: s.status(),
            last_fetch_at: s.fetch.last_fetch_at.map(rfc3339),
            last_success_at: s.fetch.last_success_at.map(rfc3339),
            last_error: s.fetch.last_error.clone(),
            error_count: s.fetch.error_count,
            skipped_no_link: s.fetch.skipped_no_link,
            feeds: FeedLinks::in_dir(&format!("{base}/source/{}/", s.id)),
        }
    }
}

/// An article in a list.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) api_url: String,
    pub(crate) original_url: String,
    pub(crate) source: SourceRef,
    pub(crate) story_id: Option<i64>,
    /// The article whose text this one carries, when it is a copy.
    pub(crate) copy_of: Option<i64>,
    pub(crate) published_at: String,
    pub(crate) updated_at: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) standfirst: Option<String>,
    pub(crate) excerpt: String,
}

impl ArticleView {
    pub(crate) fn of(base: &str, l: &ArticleListing) -> ArticleView {
        let a = &l.article;
        let c = &a.content;
        let published = c.shown_time();
        ArticleView {
            id: a.id.0,
            title: c.title.clone(),
            url: format!("{base}{}", article_href(a.id, &c.title)),
            api_url: format!("{base}/api/v1/articles/{}", a.id),
            original_url: c.url.clone(),
            source: SourceRef::new(base, a.source_id.0, &l.source_name),
            story_id: a.story_id.map(|s| s.0),
            copy_of: a.duplicate_of.map(|d| d.0),
            published_at: rfc3339(published),
            updated_at: c.updated_at.filter(|u| *u > published).map(rfc3339),
            language: c.language.clone(),
            standfirst: c.standfirst.clone(),
            excerpt: excerpt(
                c.standfirst.as_deref().unwrap_or(&c.body_text),
                EXCERPT_CHARS,
            ),
        }
    }
}

/// One article in full.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleDetail {
    #[serde(flatten)]
    pub(crate) article: ArticleView,
    pub(crate) byline: Option<String>,
    pub(crate) credit: Option<String>,
    pub(crate) image_url: Option<String>,
    pub(crate) body_text: String,
    /// Sanitised when it was stored.
    pub(crate) body_html: String,
    /// `full`, or `excerpt` when the display policy gives only the opening paragraphs.
    pub(crate) display: DisplayPolicy,
}

impl ArticleDetail {
    pub(crate) fn of(base: &str, l: &ArticleListing, instance: DisplayPolicy) -> ArticleDetail {
        let c = &l.article.content;
        let display = instance.for_source(l.source_display.as_deref());
        let (body_html, body_text) = match display {
            DisplayPolicy::Full => (c.body_html.clone(), c.body_text.clone()),
            DisplayPolicy::Excerpt => crate::display::excerpt(&c.body_text),
        };
        ArticleDetail {
            display,
            article: ArticleView::of(base, l),
            byline: c.byline.clone(),
            credit: c.credit.clone(),
            image_url: c.image_url.clone().filter(|u| is_web_url(u)),
            body_text,
            body_html,
        }
    }
}

/// A story in a list.
#[derive(Debug, Serialize)]
pub(crate) struct StoryView {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) url: String,
    pub(crate) api_url: String,
    pub(crate) source_count: i64,
    pub(crate) article_count: i64,
    pub(crate) first_at: String,
    pub(crate) last_at: String,
    pub(crate) lead_article_id: Option<i64>,
    /// The language of its articles (BCP 47, `en`, `de`), when known.
    pub(crate) language: Option<String>,
    pub(crate) outlets: Vec<SourceRef>,
    /// The short summary, once the story has been understood.
    pub(crate) summary: Option<String>,
    /// The story's own feeds (`/story/{id}/feed.…`).
    pub(crate) feeds: FeedLinks,
}

impl StoryView {
    pub(crate) fn of(
        base: &str,
        s: &Story,
        outlets: Vec<SourceRef>,
        summary: Option<String>,
    ) -> StoryView {
        StoryView {
            id: s.id.0,
            title: s.title.clone(),
            url: format!("{base}/story/{}", s.id),
            api_url: format!("{base}/api/v1/stories/{}", s.id),
            source_count: s.source_count,
            article_count: s.article_count,
            first_at: rfc3339(s.first_at),
            last_at: rfc3339(s.last_at),
            lead_article_id: s.lead_article_id.map(|a| a.0),
            language: s.language.clone(),
            outlets,
            summary,
            feeds: FeedLinks::in_dir(&format!("{base}/story/{}/", s.id)),
        }
    }
}

/// A story in full: its coverage by outlet and what the understanding step computed.
#[derive(Debug, Serialize)]
pub(crate) struct StoryDetail {
    #[serde(flatten)]
    pub(crate) story: StoryView,
    pub(crate) coverage: Vec<OutletCoverage>,
    pub(crate) insight: Option<InsightView>,
    /// The same event's stories in other languages, best match first.
    pub(crate) other_languages: Vec<OtherLanguageView>,
}

/// A story reporting the same event in another language.
#[derive(Debug, Serialize)]
pub(crate) struct OtherLanguageView {
    pub(crate) id: i64,
    pub(crate) language: String,
    pub(crate) language_name: String,
    pub(crate) title: String,
    pub(crate) source_count: i64,
    pub(crate) url: String,
    pub(crate) api_url: String,
}

impl OtherLanguageView {
    pub(crate) fn of(base: &str, other: crate::stories::OtherLanguage) -> OtherLanguageView {
        OtherLanguageView {
            id: other.story.0,
            language: other.language,
            language_name: other.name,
            title: other.title,
            source_count: other.sources,
            url: format!("{base}{}", other.href),
            api_url: format!("{base}/api/v1/stories/{}", other.story),
        }
    }
}

/// One outlet's reports of a story, earliest first.
#[derive(Debug, Serialize)]
pub(crate) struct OutletCoverage {
    pub(crate) source: SourceRef,
    pub(crate) articles: Vec<ArticleView>,
}

/// A sentence and the article it came from.
#[derive(Debug, Serialize)]
pub(crate) struct CitedSentence {
    pub(crate) text: String,
    pub(crate) article_id: Option<i64>,
}

/// A key point, with how many articles say much the same.
#[derive(Debug, Serialize)]
pub(crate) struct KeyPointView {
    pub(crate) text: String,
    pub(crate) article_id: Option<i64>,
    pub(crate) support: usize,
}

/// An entity the story mentions.
#[derive(Debug, Serialize)]
pub(crate) struct EntityView {
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) mentions: i64,
    pub(crate) url: String,
}

/// A dated event.
#[derive(Debug, Serialize)]
pub(crate) struct TimelineView {
    pub(crate) time: String,
    pub(crate) precision: &'static str,
    pub(crate) text: String,
    pub(crate) article_id: Option<i64>,
}

/// A story's computed summary, key points, entities and timeline.
#[derive(Debug, Serialize)]
pub(crate) struct InsightView {
    pub(crate) computed_at: String,
    pub(crate) summary: Vec<CitedSentence>,
    pub(crate) key_points: Vec<KeyPointView>,
    pub(crate) entities: Vec<EntityView>,
    pub(crate) timeline: Vec<TimelineView>,
}
