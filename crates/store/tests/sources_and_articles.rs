//! Sources and articles, on every backend.

use tidings_model::NewArticle;
use tidings_store::testing::each_backend;
use tidings_store::{FetchSuccess, NewSource, StoreError};

fn article(url: &str, title: &str, published: i64) -> NewArticle {
    NewArticle {
        url: url.to_string(),
        title: title.to_string(),
        standfirst: Some("Standfirst".into()),
        byline: Some("Jane Doe".into()),
        credit: None,
        published_at: Some(published),
        updated_at: None,
        fetched_at: published + 60,
        language: Some("en".into()),
        body_text: "Body text.".into(),
        body_html: "<p>Body text.</p>".into(),
        image_url: None,
    }
}

#[tokio::test]
async fn sources_are_added_listed_found_and_removed() {
    each_backend(|store| async move {
        let sources = store.sources();
        let new = NewSource {
            url: "https://example.org/feed.xml".into(),
            name: "Example".into(),
            category: Some("World".into()),
            ..NewSource::default()
        };
        let added = sources.add(&new, 1_000).await.expect("add");
        assert_eq!(added.url, new.url);
        assert_eq!(added.name, "Example");
        assert_eq!(added.next_fetch_at, 1_000, "a new source is due at once");
        assert_eq!(added.fetch.status(), "new");

        match sources.add(&new, 1_001).await {
            Err(StoreError::AlreadyExists(what)) => assert!(what.contains("example.org")),
            other => panic!("adding a URL twice must fail clearly, got {other:?}"),
        }

        let other = NewSource {
            url: "https://example.org/other.xml".into(),
            ..NewSource::default()
        };
        let other = sources.add(&other, 1_000).await.expect("add other");
        assert!(
            !sources
                .update_url(other.id, &new.url)
                .await
                .expect("update"),
            "a URL another source reads is not taken"
        );
        assert!(
            sources
                .update_url(other.id, "https://example.org/moved.xml")
                .await
                .expect("update")
        );
        let moved = sources.get(other.id).await.expect("get").expect("exists");
        assert_eq!(moved.url, "https://example.org/moved.xml");
        assert!(sources.remove(other.id, 1).await.expect("remove"));

        let found = sources.find_by_url(&new.url).await.expect("find");
        assert_eq!(found.as_ref().map(|s| s.id), Some(added.id));
        assert_eq!(sources.list().await.expect("list").len(), 1);
        assert_eq!(sources.due(999, 10).await.expect("due"), vec![]);
        assert_eq!(sources.due(1_000, 10).await.expect("due"), vec![added.id]);

        sources
            .record_failure(added.id, 1_000, "HTTP 500", 5_000)
            .await
            .expect("failure");
        assert_eq!(sources.due(1_000, 10).await.expect("due"), vec![]);
        assert_eq!(
            sources
                .make_due(Some(added.id), 1_001)
                .await
                .expect("make due"),
            1
        );
        assert_eq!(sources.due(1_001, 10).await.expect("due"), vec![added.id]);
        sources
            .record_failure(added.id, 1_002, "HTTP 500", 5_000)
            .await
            .expect("failure");
        assert_eq!(
            sources.make_due(None, 1_003).await.expect("make all due"),
            1
        );
        assert_eq!(sources.due(1_003, 10).await.expect("due"), vec![added.id]);

        assert!(sources.remove(added.id, 1).await.expect("remove"));
        assert!(!sources.remove(added.id, 1).await.expect("remove again"));
        assert_eq!(sources.count().await.expect("count"), 0);
    })
    .await;
}

#[tokio::test]
async fn fetch_outcomes_are_recorded() {
    each_backend(|store| async move {
        let sources = store.sources();
        let nameless = NewSource {
            url: "https://example.org/rss".into(),
            ..NewSource::default()
        };
        let source = sources.add(&nameless, 0).await.expect("add");

        sources
            .record_failure(source.id, 10, "HTTP 500 Internal Server Error", 70)
            .await
            .expect("failure");
        sources
            .record_failure(source.id, 70, "HTTP 500 Internal Server Error", 190)
            .await
            .expect("failure");
        let failed = sources.get(source.id).await.expect("get").expect("exists");
        assert_eq!(failed.fetch.status(), "error");
        assert_eq!(failed.fetch.error_count, 2);
        assert_eq!(
            failed.fetch.last_error.as_deref(),
            Some("HTTP 500 Internal Server Error")
        );
        assert_eq!(failed.next_fetch_at, 190);

        let ok = FetchSuccess {
            at: 200,
            next_fetch_at: 1100,
            etag: Some("\"v1\"".into()),
            last_modified: Some("Wed, 25 Nov 2026 10:00:00 GMT".into()),
            feed_title: Some("Example News".into()),
            skipped_no_link: Some(2),
        };
        sources
            .record_success(source.id, &ok)
            .await
            .expect("success");
        let fine = sources.get(source.id).await.expect("get").expect("exists");
        assert_eq!(fine.fetch.status(), "ok");
        assert_eq!(fine.fetch.error_count, 0);
        assert_eq!(fine.fetch.last_error, None);
        assert_eq!(fine.fetch.etag.as_deref(), Some("\"v1\""));
        assert_eq!(
            fine.fetch.skipped_no_link, 2,
            "the linkless entries are kept"
        );
        assert_eq!(
            fine.fetch.skipped_no_link_note().as_deref(),
            Some("2 entries without a link left out at the last fetch")
        );
        assert_eq!(
            fine.name, "Example News",
            "a nameless source takes the feed's title"
        );

        let renamed = FetchSuccess {
            feed_title: Some("Another Title".into()),
            skipped_no_link: None,
            ..ok
        };
        sources
            .record_success(source.id, &renamed)
            .await
            .expect("success");
        let kept = sources.get(source.id).await.expect("get").expect("exists");
        assert_eq!(kept.name, "Example News", "a named source keeps its name");
        assert_eq!(
            kept.fetch.skipped_no_link, 2,
            "a fetch that did not read the feed (304) keeps the last count"
        );
        let all_linked = FetchSuccess {
            skipped_no_link: Some(0),
            ..renamed
        };
        sources
            .record_success(source.id, &all_linked)
            .await
            .expect("success");
        let clean = sources.get(source.id).await.expect("get").expect("exists");
        assert_eq!(clean.fetch.skipped_no_link, 0);
        assert_eq!(clean.fetch.skipped_no_link_note(), None);
    })
    .await;
}

#[tokio::test]
async fn an_article_is_stored_once_per_canonical_url() {
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://example.org/feed".into(),
                    name: "Example".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add");
        let batch = vec![
            article("https://example.org/a", "A", 100),
            article("https://example.org/b", "B", 300),
            article("https://example.org/c", "C", 200),
        ];
        let articles = store.articles();
        assert_eq!(
            articles
                .insert_new(source.id, &batch)
                .await
                .expect("insert"),
            3
        );
        assert_eq!(
            articles.insert_new(source.id, &batch).await.expect("again"),
            0
        );
        let mut more = batch.clone();
        more.push(article("https://example.org/d", "D", 400));
        assert_eq!(
            articles.insert_new(source.id, &more).await.expect("more"),
            1
        );
        assert_eq!(articles.count().await.expect("count"), 4);
        assert_eq!(articles.count_distinct_urls().await.expect("distinct"), 4);

        let latest = articles.latest(10, 0).await.expect("latest");
        let titles: Vec<&str> = latest
            .iter()
            .map(|l| l.article.content.title.as_str())
            .collect();
        assert_eq!(titles, vec!["D", "B", "C", "A"], "newest first");
        assert_eq!(latest[0].source_name, "Example");
        let page2 = articles.latest(2, 2).await.expect("page 2");
        assert_eq!(page2.len(), 2);
        assert_eq!(page2[0].article.content.title, "C");

        let one = articles
            .get(latest[1].article.id)
            .await
            .expect("get")
            .expect("exists");
        assert_eq!(one.article.content, batch[1]);
        assert_eq!(
            articles
                .by_source(source.id, 2)
                .await
                .expect("by source")
                .len(),
            2
        );
        assert_eq!(articles.count_by_source(source.id).await.expect("n"), 4);

        assert!(store.sources().remove(source.id, 1).await.expect("remove"));
        assert_eq!(
            articles.count().await.expect("count"),
            0,
            "articles go with their source"
        );
    })
    .await;
}

#[tokio::test]
async fn new_articles_can_bring_their_follow_up_jobs_and_take_page_content() {
    use tidings_store::{NewJob, PageContent};
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://example.org/f".into(),
                    name: "Example".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add");
        let mut teaser = article("https://example.org/t", "Teaser", 100);
        teaser.standfirst = None;
        teaser.byline = None;
        let batch = vec![teaser, article("https://example.org/full", "Full", 200)];
        let follow_up = |id: tidings_model::ArticleId, a: &NewArticle| {
            (a.title == "Teaser").then(|| NewJob {
                kind: "fetch_article".into(),
                key: Some(format!("fetch_article:{id}")),
                payload: format!("{{\"article_id\":{id}}}"),
                run_at_ms: 0,
                max_attempts: 3,
            })
        };
        let articles = store.articles();
        assert_eq!(
            articles
                .insert_new_with(source.id, &batch, follow_up, 0)
                .await
                .expect("insert"),
            2
        );
        assert_eq!(store.jobs().counts().await.expect("jobs").queued, 1);
        assert_eq!(
            articles
                .insert_new_with(source.id, &batch, follow_up, 0)
                .await
                .expect("again"),
            0
        );
        assert_eq!(
            store.jobs().counts().await.expect("jobs").queued,
            1,
            "no job for old articles"
        );

        let job = store
            .jobs()
            .claim("w", std::time::Duration::from_secs(30), 0)
            .await
            .expect("claim")
            .expect("job");
        let id: i64 = job
            .payload
            .trim_start_matches("{\"article_id\":")
            .trim_end_matches('}')
            .parse()
            .expect("id");
        let page = PageContent {
            body_text: "The whole story.".into(),
            body_html: "<p>The whole story.</p>".into(),
            standfirst: Some("From the page".into()),
            byline: Some("Ann Lee".into()),
            credit: Some("AFP".into()),
            image_url: None,
            language: Some("fr".into()),
            section: None,
        };
        assert!(
            articles
                .update_from_page(tidings_model::ArticleId(id), &page, 0)
                .await
                .expect("update")
        );
        let updated = articles
            .get(tidings_model::ArticleId(id))
            .await
            .expect("get")
            .expect("exists");
        let c = updated.article.content;
        assert_eq!(c.body_text, "The whole story.");
        assert_eq!(
            c.standfirst.as_deref(),
            Some("From the page"),
            "filled when missing"
        );
        assert_eq!(c.byline.as_deref(), Some("Ann Lee"));
        assert_eq!(c.credit.as_deref(), Some("AFP"));
        assert_eq!(
            c.language.as_deref(),
            Some("en"),
            "the feed's language is kept"
        );
    })
    .await;
}

#[tokio::test]
async fn a_section_the_page_gives_fills_a_missing_one_and_its_story_follows() {
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://example.org/feed".into(),
                    name: "Example".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add");
        let articles = store.articles();
        let teasers = [
            article("https://example.org/a", "A", 100),
            article("https://example.org/b", "B", 200),
        ];
        let labels = [
            tidings_store::ArticleLabels::default(),
            tidings_store::ArticleLabels {
                section: Some("business".into()),
                topics: Vec::new(),
                completed_from_page: false,
            },
        ];
        articles
            .insert_labelled(source.id, &teasers, &labels, |_, _| None, 0)
            .await
            .expect("insert");
        let listed = articles.by_source(source.id, 10).await.expect("list");
        let id = |title: &str| {
            listed
                .iter()
                .find(|l| l.article.content.title == title)
                .map(|l| l.article.id)
                .expect("article")
        };
        let (a, b) = (id("A"), id("B"));
        let mut batch = store.stories().begin().await.expect("batch");
        let story = batch
            .create_story("A", Some("en"), 300)
            .await
            .expect("story");
        for article in [a, b] {
            batch
                .place(&tidings_store::Placement {
                    article,
                    story,
                    duplicate_of: None,
                    related: Vec::new(),
                })
                .await
                .expect("place");
        }
        batch.commit(300).await.expect("commit");
        let section_of_story = || async {
            store
                .stories()
                .get(story)
                .await
                .expect("get")
                .expect("story")
                .section
        };
        assert_eq!(section_of_story().await.as_deref(), Some("business"));

        let page = |section: &str| tidings_store::PageContent {
            body_text: "The whole story.".into(),
            body_html: "<p>The whole story.</p>".into(),
            section: Some(section.into()),
            ..tidings_store::PageContent::default()
        };
        for (article, section) in [(a, "sport"), (b, "sport")] {
            assert!(
                articles
                    .update_from_page(article, &page(section), 400)
                    .await
                    .expect("update")
            );
        }
        let section = |article| async move {
            articles
                .get(article)
                .await
                .expect("get")
                .expect("exists")
                .section
        };
        assert_eq!(section(a).await.as_deref(), Some("sport"), "filled");
        assert_eq!(section(b).await.as_deref(), Some("business"), "kept");
        // One sport and one business report: the tie goes to the earlier article's.
        assert_eq!(section_of_story().await.as_deref(), Some("sport"));
    })
    .await;
}

#[tokio::test]
async fn a_corrected_entry_updates_its_article_and_queues_its_story_and_search() {
    each_backend(|store| async move {
        let source = store
            .sources()
            .add(
                &NewSource {
                    url: "https://example.org/feed".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add");
        let articles = store.articles();
        let first = article("https://example.org/quake", "At least 12 dead", 100);
        let teaser = article("https://example.org/teaser", "Storm nears", 100);
        let labels = |completed_from_page| tidings_store::ArticleLabels {
            completed_from_page,
            ..tidings_store::ArticleLabels::default()
        };
        let all_labels = [labels(false), labels(true)];
        let stored = articles
            .store_entries(
                source.id,
                &[first.clone(), teaser.clone()],
                &all_labels,
                |_, _| None,
                0,
            )
            .await
            .expect("insert");
        assert_eq!((stored.new, stored.updated), (2, 0));
        let listed = articles.by_source(source.id, 10).await.expect("list");
        let id_of = |url: &str| {
            listed
                .iter()
                .find(|l| l.article.content.url == url)
                .map(|l| l.article.id)
                .expect("article")
        };
        let (quake, storm) = (id_of(&first.url), id_of(&teaser.url));
        let mut batch = store.stories().begin().await.expect("batch");
        let story = batch
            .create_story("Quake", Some("en"), 300)
            .await
            .expect("story");
        batch
            .place(&tidings_store::Placement {
                article: quake,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
        batch.commit(300).await.expect("commit");
        // The teaser's page gave the whole article.
        let page = tidings_store::PageContent {
            body_text: "The whole story of the storm, far longer than the teaser.".into(),
            body_html: "<p>The whole story of the storm, far longer than the teaser.</p>".into(),
            ..tidings_store::PageContent::default()
        };
        assert!(
            articles
                .update_from_page(storm, &page, 400)
                .await
                .expect("page")
        );
        let revision = store.revision().await.expect("revision");

        // The same feed again: nothing is written.
        let again = articles
            .store_entries(
                source.id,
                &[first.clone(), teaser.clone()],
                &all_labels,
                |_, _| None,
                0,
            )
            .await
            .expect("again");
        assert_eq!((again.new, again.updated), (0, 0));
        assert_eq!(store.revision().await.expect("revision"), revision);
        assert!(
            store
                .stories_to_understand()
                .pending(10)
                .await
                .expect("q")
                .is_empty()
        );
        assert!(
            store
                .forgotten_articles()
                .pending(10)
                .await
                .expect("q")
                .is_empty()
        );

        // Corrected, without a newer `updated`: the title and text follow the feed.
        let mut corrected = first.clone();
        corrected.title = "58 dead".into();
        corrected.body_text = "58 people died.".into();
        corrected.body_html = "<p>58 people died.</p>".into();
        let mut teaser_again = teaser.clone();
        teaser_again.title = "Storm hits".into();
        teaser_again.body_text = "Body text, corrected.".into();
        let fixed = articles
            .store_entries(
                source.id,
                &[corrected, teaser_again],
                &all_labels,
                |_, _| None,
                0,
            )
            .await
            .expect("corrected");
        assert_eq!((fixed.new, fixed.updated), (0, 2));
        let quake_now = articles.get(quake).await.expect("get").expect("there");
        assert_eq!(quake_now.article.content.title, "58 dead");
        assert_eq!(quake_now.article.content.body_text, "58 people died.");
        let storm_now = articles.get(storm).await.expect("get").expect("there");
        assert_eq!(storm_now.article.content.title, "Storm hits");
        assert_eq!(
            storm_now.article.content.body_text, page.body_text,
            "the page's fuller text wins over the feed's teaser"
        );
        assert!(store.revision().await.expect("revision") > revision);
        assert_eq!(
            store.stories_to_understand().pending(10).await.expect("q"),
            vec![story]
        );
        let mut reindex = store.forgotten_articles().pending(10).await.expect("q");
        reindex.sort();
        let mut expected = vec![quake, storm];
        expected.sort();
        assert_eq!(reindex, expected, "both go to the search index again");

        // Another feed carrying the same link under its own headline does not overwrite
        // this source's article (they would take turns at every poll).
        let other = store
            .sources()
            .add(
                &NewSource {
                    url: "https://example.net/feed".into(),
                    ..NewSource::default()
                },
                0,
            )
            .await
            .expect("add");
        let mut elsewhere = first.clone();
        elsewhere.title = "Quake: the other outlet's headline".into();
        let theirs = articles
            .store_entries(other.id, &[elsewhere], &[labels(false)], |_, _| None, 0)
            .await
            .expect("other feed");
        assert_eq!((theirs.new, theirs.updated), (0, 0));
        let quake_now = articles.get(quake).await.expect("get").expect("there");
        assert_eq!(quake_now.article.content.title, "58 dead");

        // Text that retention emptied is not brought back by the next fetch of the feed.
        let stripped = store
            .retention()
            .strip_text(i64::MAX, 10)
            .await
            .expect("strip");
        assert!(stripped.contains(&quake), "{stripped:?}");
        let mut unchanged = first.clone();
        unchanged.title = "58 dead".into();
        unchanged.body_text = "58 people died.".into();
        unchanged.body_html = "<p>58 people died.</p>".into();
        let after_retention = articles
            .store_entries(source.id, &[unchanged], &[labels(false)], |_, _| None, 0)
            .await
            .expect("after retention");
        assert_eq!((after_retention.new, after_retention.updated), (0, 0));
        let quake_now = articles.get(quake).await.expect("get").expect("there");
        assert_eq!(quake_now.article.content.body_text, "");
    })
    .await;
}
