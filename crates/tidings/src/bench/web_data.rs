//! The web benchmark's database: N articles in real stories on SQLite, built quickly.
//!
//! Texts come from the shared clustering corpora (`clustering/*.jsonl` under `--corpora`,
//! read in place, never copied): each gold story of those sets is a template, replayed as
//! many times as needed with its articles spread over fifty made-up outlets and the past
//! week. Without the corpora a fixed made-up text stands in. Articles are stored in bulk
//! (one transaction per outlet and chunk), placed through the store's placement batches
//! (so stories get their real aggregates, lead articles and links to the previous story),
//! and the most recent stories are understood (summary, key points, entities) as the
//! pipeline would, so front and article pages show their AI panels.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;
use tidings_insight::{StoryArticle, understand};
use tidings_model::{NewArticle, SourceId, StoryId};
use tidings_store::{NewSource, Placement, Store, StoredInsight, StoryEntity};

/// Made-up outlets the articles are spread over.
const OUTLETS: usize = 50;
/// Stories stored (and placed) per chunk.
const CHUNK_STORIES: usize = 250;
/// The most recent stories that get an insight (the front page reads its 300 most recent).
const UNDERSTOOD: usize = 400;
/// The time the articles span, ending now.
const SPAN_SECS: i64 = 7 * 24 * 3600;

/// A gold story of the corpora: its articles' titles and bodies.
struct Template {
    articles: Vec<(String, String)>,
}

/// Builds the database in `store`: `articles` articles in stories of 2 to 8.
pub(crate) async fn build(store: &Store, corpora: &Path, articles: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let templates = load_templates(corpora);
    println!(
        "building {articles} articles from {} story templates ({})",
        templates.len(),
        if templates.len() > 1 {
            "the shared clustering corpora"
        } else {
            "made-up text: the corpora were not found"
        }
    );
    let sources = add_outlets(store).await?;
    let now = chrono::Utc::now().timestamp();

    // Plan the stories: sizes follow the templates, clamped to 2..=8 articles.
    let mut plan: Vec<usize> = Vec::new();
    let mut total = 0;
    while total < articles {
        let template = &templates[plan.len() % templates.len()];
        let size = template
            .articles
            .len()
            .clamp(2, 8)
            .min(articles - total)
            .max(1);
        plan.push(size);
        total += size;
    }
    let stories = plan.len();
    let step = SPAN_SECS / stories as i64;

    let mut story_ids: Vec<StoryId> = Vec::with_capacity(stories);
    for chunk_start in (0..stories).step_by(CHUNK_STORIES) {
        let chunk_end = (chunk_start + CHUNK_STORIES).min(stories);
        // Articles by outlet, each remembering its story index and its order in the story.
        let mut by_outlet: BTreeMap<usize, Vec<NewArticle>> = BTreeMap::new();
        for (i, &size) in plan.iter().enumerate().take(chunk_end).skip(chunk_start) {
            let template = &templates[i % templates.len()];
            let base = now - SPAN_SECS + i as i64 * step;
            for j in 0..size {
                let (title, body) = &template.articles[j % template.articles.len()];
                let outlet = (i * 7 + j * 11) % OUTLETS;
                let at = base + j as i64 * 300;
                by_outlet.entry(outlet).or_default().push(NewArticle {
                    url: format!("https://outlet{outlet:02}.example/story/{i}/{j}"),
                    title: title.clone(),
                    standfirst: None,
                    byline: Some(format!("Reporter {}", (i + j) % 97)),
                    credit: None,
                    published_at: Some(at),
                    updated_at: None,
                    fetched_at: at + 60,
                    language: Some("en".into()),
                    body_text: body.clone(),
                    body_html: paragraphs_html(body),
                    image_url: None,
                });
            }
        }
        for (outlet, list) in &by_outlet {
            store.articles().insert_new(sources[*outlet], list).await?;
        }
        // Place this chunk's articles: read them back (their URLs name story and order).
        let mut placed: BTreeMap<usize, Vec<(usize, tidings_model::ArticleId)>> = BTreeMap::new();
        let after = story_ids_last_article(store).await?;
        let mut cursor = after;
        loop {
            let page = store.articles().after_id(cursor, 2_000).await?;
            let Some(last) = page.last() else { break };
            cursor = last.article.id;
            for listing in &page {
                if let Some((i, j)) = story_and_order(&listing.article.content.url) {
                    placed.entry(i).or_default().push((j, listing.article.id));
                }
            }
        }
        let mut batch = store.stories().begin().await?;
        for (i, mut members) in placed {
            members.sort();
            let title = &templates[i % templates.len()].articles[0].0;
            let story = batch.create_story(title, Some("en"), now).await?;
            let related = story_ids
                .last()
                .map(|&previous| vec![(previous, 0.3)])
                .unwrap_or_default();
            for (_, article) in members {
                batch
                    .place(&Placement {
                        article,
                        story,
                        duplicate_of: None,
                        related: related.clone(),
                    })
                    .await?;
            }
            story_ids.push(story);
        }
        batch.commit(now).await?;
        if chunk_end % 5_000 < CHUNK_STORIES || chunk_end == stories {
            println!(
                "  {chunk_end}/{stories} stories, {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }

    let understood = story_ids
        .iter()
        .rev()
        .take(UNDERSTOOD)
        .copied()
        .collect::<Vec<_>>();
    for story in understood {
        understand_one(store, story, now).await?;
    }
    println!(
        "built {} articles in {stories} stories in {:.0} s",
        store.articles().count().await?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The highest article id placed so far (the articles of a new chunk come after it).
async fn story_ids_last_article(store: &Store) -> anyhow::Result<tidings_model::ArticleId> {
    // Unplaced articles are exactly the new chunk's: the first of them minus one.
    let unplaced = store.stories().unplaced("none:", 1).await?;
    Ok(unplaced
        .first()
        .map(|a| tidings_model::ArticleId(a.id.0 - 1))
        .unwrap_or(tidings_model::ArticleId(i64::MAX)))
}

/// The story index and order in the story that an article's URL carries.
fn story_and_order(url: &str) -> Option<(usize, usize)> {
    let mut parts = url.rsplit('/');
    let j = parts.next()?.parse().ok()?;
    let i = parts.next()?.parse().ok()?;
    Some((i, j))
}

/// Computes and saves one story's insight, as the pipeline's understanding step does.
async fn understand_one(store: &Store, story: StoryId, now: i64) -> anyhow::Result<()> {
    let members = store.stories().articles(story).await?;
    let articles: Vec<StoryArticle> = members
        .iter()
        .map(|m| StoryArticle::from_article(&m.article, &m.source_name))
        .collect();
    let insight = tokio::task::spawn_blocking(move || understand(&articles)).await?;
    let entities: Vec<StoryEntity> = insight
        .entities
        .iter()
        .map(|e| StoryEntity {
            slug: e.slug.clone(),
            name: e.name.clone(),
            kind: e.kind.as_str().to_string(),
            mentions: e.count as i64,
        })
        .collect();
    let stored = StoredInsight {
        version: members.len() as i64,
        computed_at: now,
        json: serde_json::to_string(&insight)?,
    };
    store.insights().save(story, &stored, &entities).await?;
    Ok(())
}

/// Fifty outlets in five sections.
async fn add_outlets(store: &Store) -> anyhow::Result<Vec<SourceId>> {
    const SECTIONS: [&str; 5] = ["World", "Business", "Technology", "Science", "Culture"];
    let mut ids = Vec::with_capacity(OUTLETS);
    for n in 0..OUTLETS {
        let source = NewSource {
            url: format!("https://outlet{n:02}.example/feed.xml"),
            name: format!("Outlet {n:02} News"),
            site_url: Some(format!("https://outlet{n:02}.example/")),
            category: Some(SECTIONS[n % SECTIONS.len()].to_string()),
            language: Some("en".into()),
        };
        ids.push(store.sources().add(&source, 0).await?.id);
    }
    Ok(ids)
}

/// The gold stories of the clustering corpora, or one made-up story without them.
fn load_templates(corpora: &Path) -> Vec<Template> {
    let mut stories: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for file in [
        "clustering/ecbplus.dev.jsonl",
        "clustering/multinews.dev.jsonl",
    ] {
        let Ok(text) = std::fs::read_to_string(corpora.join(file)) else {
            continue;
        };
        for line in text.lines() {
            let Ok(record) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let body = record["body"].as_str().unwrap_or_default().trim();
            if body.len() < 200 {
                continue;
            }
            let title = record["title"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| headline(body));
            let cluster = record["cluster"].as_str().unwrap_or_default().to_string();
            // Keep the pages realistic: an article of a few thousand characters.
            let body: String = body.chars().take(6_000).collect();
            stories
                .entry(cluster)
                .or_default()
                .push((headline(&title), body));
        }
    }
    let mut templates: Vec<Template> = stories
        .into_values()
        .map(|articles| Template { articles })
        .collect();
    if templates.is_empty() {
        let body = "The city council approved the harbour plan late on Tuesday after a long \
                    debate. Fishing crews, ferry operators and residents have argued over the \
                    quay for months. Supporters said the plan would bring jobs; opponents \
                    warned of traffic and noise. Work is due to start in the spring."
            .repeat(6);
        templates.push(Template {
            articles: (0..5)
                .map(|k| {
                    (
                        format!("Council approves harbour plan, report {k}"),
                        body.clone(),
                    )
                })
                .collect(),
        });
    }
    templates
}

/// A headline from a text: its first sentence, cut at a word to 110 characters.
fn headline(text: &str) -> String {
    let first = text
        .split_inclusive(['.', '!', '?'])
        .next()
        .unwrap_or(text)
        .trim();
    if first.chars().count() <= 110 {
        return first.trim_end_matches('.').to_string();
    }
    let cut: String = first.chars().take(110).collect();
    match cut.rfind(' ') {
        Some(i) => cut[..i].to_string(),
        None => cut,
    }
}

/// Plain text as paragraphs of about three sentences, escaped.
fn paragraphs_html(text: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let sentences: Vec<&str> = text.split_inclusive(". ").collect();
    sentences
        .chunks(3)
        .map(|c| format!("<p>{}</p>", escape(c.concat().trim())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_story_and_order_and_headlines_are_short() {
        assert_eq!(
            story_and_order("https://outlet03.example/story/12/4"),
            Some((12, 4))
        );
        assert_eq!(story_and_order("https://outlet03.example/x"), None);
        assert_eq!(headline("Quake hits. More follows."), "Quake hits");
        assert!(headline(&"word ".repeat(60)).chars().count() <= 110);
        assert_eq!(
            paragraphs_html("A <b>. B. C. D."),
            "<p>A &lt;b&gt;. B. C.</p><p>D.</p>"
        );
    }
}
