//! Stories, placements and canonical URLs, on every backend.

use tidings_model::{ArticleId, NewArticle, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{
    CanonicalMove, NewJob, NewSource, Placement, Store, StoredInsight, StoryEntity,
};

fn article(url: &str, title: &str, published: i64) -> NewArticle {
    NewArticle {
        url: url.to_string(),
        title: title.to_string(),
        published_at: Some(published),
        fetched_at: published + 60,
        language: Some("en".into()),
        body_text: format!("{title} body."),
        body_html: format!("<p>{title} body.</p>"),
        ..NewArticle::default()
    }
}

async fn source(store: &Store, url: &str, name: &str) -> SourceId {
    store
        .sources()
        .add(
            &NewSource {
                url: url.into(),
                name: name.into(),
                ..NewSource::default()
            },
            0,
        )
        .await
        .expect("add source")
        .id
}

async fn ids(store: &Store) -> Vec<ArticleId> {
    let mut ids: Vec<ArticleId> = store
        .articles()
        .latest(100, 0)
        .await
        .expect("latest")
        .into_iter()
        .map(|l| l.article.id)
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn placements_build_stories_with_aggregates_links_and_copies() {
    each_backend(|store| async move {
        let dw = source(&store, "https://dw.example/feed", "DW").await;
        let afp = source(&store, "https://afp.example/feed", "AFP").await;
        store
            .articles()
            .insert_new(dw, &[article("https://dw.example/1", "Quake hits", 1_000)])
            .await
            .expect("insert");
        store
            .articles()
            .insert_new(
                afp,
                &[
                    article("https://afp.example/1", "Quake copy", 1_100),
                    article("https://afp.example/2", "Budget passes", 1_200),
                ],
            )
            .await
            .expect("insert");
        let [a1, a2, a3] = ids(&store).await[..] else {
            panic!("three articles")
        };
        let stories = store.stories();
        let waiting = stories
            .unplaced("fetch_article:", 10)
            .await
            .expect("unplaced");
        assert_eq!(
            waiting.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![a1, a2, a3]
        );

        let mut batch = stories.begin().await.expect("begin");
        let quake = batch
            .create_story("Quake hits", Some("en"), 5_000)
            .await
            .expect("story");
        let budget = batch
            .create_story("Budget", Some("en"), 5_000)
            .await
            .expect("story");
        for placement in [
            Placement {
                article: a1,
                story: quake,
                duplicate_of: None,
                related: vec![],
            },
            Placement {
                article: a2,
                story: quake,
                duplicate_of: Some(a1),
                related: vec![],
            },
            Placement {
                article: a3,
                story: budget,
                duplicate_of: None,
                related: vec![(quake, 0.2)],
            },
        ] {
            batch.place(&placement).await.expect("place");
        }
        batch.commit(5_000).await.expect("commit");

        assert!(
            stories
                .unplaced("fetch_article:", 10)
                .await
                .expect("unplaced")
                .is_empty()
        );
        let story = stories.get(quake).await.expect("get").expect("exists");
        assert_eq!(story.article_count, 2);
        assert_eq!(story.source_count, 2);
        assert_eq!((story.first_at, story.last_at), (1_000, 1_100));
        assert_eq!(story.lead_article_id, Some(a1));
        assert_eq!(story.title, "Quake hits");
        let members = stories.articles(quake).await.expect("articles");
        assert_eq!(members.len(), 2);
        assert_eq!(members[1].article.duplicate_of, Some(a1));
        assert_eq!(members[1].source_name, "AFP");
        assert_eq!(
            stories.related(quake, 5).await.expect("related"),
            vec![(budget, 0.2)]
        );
        assert_eq!(
            stories.related(budget, 5).await.expect("related"),
            vec![(quake, 0.2)]
        );
        let recent = stories.recent(0, 10).await.expect("recent");
        assert_eq!(
            recent.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![budget, quake]
        );
        // The feeds of a story and of an entity: newest first, over the stories given.
        let latest = |stories: Vec<StoryId>, limit: i64| {
            let store = store.clone();
            async move {
                store
                    .articles()
                    .latest_of_stories(&stories, limit)
                    .await
                    .expect("latest of stories")
                    .iter()
                    .map(|l| l.article.id)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(latest(vec![quake], 50).await, vec![a2, a1]);
        assert_eq!(latest(vec![quake, budget], 50).await, vec![a3, a2, a1]);
        assert_eq!(latest(vec![budget, quake], 2).await, vec![a3, a2]);
        assert!(latest(vec![], 50).await.is_empty());
        let reports = stories.reports(&[quake]).await.expect("reports");
        assert_eq!(reports.len(), 2);
        assert_eq!(stories.count().await.expect("count"), 2);

        let window = stories.placed_since(1_050, 0, 10).await.expect("window");
        assert_eq!(
            window.iter().map(|(_, a)| a.id).collect::<Vec<_>>(),
            vec![a2, a3],
            "the window holds what was shown since, in placement order"
        );
        assert!(window[0].0 < window[1].0);
        assert_eq!(window[0].1.story_id, Some(quake));
    })
    .await;
}

/// Places `article` in `story` (a copy of `duplicate_of`, if any) in a batch of its own,
/// committed at `at`.
async fn place_one(
    store: &Store,
    story: StoryId,
    article: ArticleId,
    duplicate_of: Option<ArticleId>,
    at: i64,
) {
    let mut batch = store.stories().begin().await.expect("begin");
    batch
        .place(&Placement {
            article,
            story,
            duplicate_of,
            related: vec![],
        })
        .await
        .expect("place");
    batch.commit(at).await.expect("commit");
}

#[tokio::test]
async fn a_developing_story_is_headed_by_its_newest_original_report() {
    each_backend(|store| async move {
        let mut outlets = Vec::new();
        for name in ["Wire", "Ledger", "Review", "Echo", "Gazette"] {
            let url = format!("https://{}.example/feed", name.to_lowercase());
            outlets.push(source(&store, &url, name).await);
        }
        let [wire, ledger, review, echo, gazette] = outlets[..] else {
            panic!("five outlets")
        };
        let report = |outlet: SourceId, slug: &str, title: &str, at: i64| {
            let store = store.clone();
            let (slug, title) = (slug.to_string(), title.to_string());
            async move {
                let url = format!("https://news.example/{slug}");
                store
                    .articles()
                    .insert_new(outlet, &[article(&url, &title, at)])
                    .await
                    .expect("insert");
                store
                    .articles()
                    .latest(100, 0)
                    .await
                    .expect("latest")
                    .into_iter()
                    .find(|l| l.article.content.url == url)
                    .expect("inserted")
                    .article
                    .id
            }
        };
        let headed = |story: StoryId| {
            let store = store.clone();
            async move {
                let s = store
                    .stories()
                    .get(story)
                    .await
                    .expect("get")
                    .expect("story");
                (s.lead_article_id, s.title)
            }
        };
        let first = "Strong earthquake strikes Marovia, killing at least 41";
        let a41 = report(wire, "41", first, 1_000).await;
        let mut batch = store.stories().begin().await.expect("begin");
        let story = batch
            .create_story(first, Some("en"), 1_000)
            .await
            .expect("story");
        batch
            .place(&Placement {
                article: a41,
                story,
                duplicate_of: None,
                related: vec![],
            })
            .await
            .expect("place");
        batch.commit(1_000).await.expect("commit");
        assert_eq!(headed(story).await, (Some(a41), first.to_string()));

        let update = "Marovia quake toll climbs to 58 as rescue teams arrive";
        let a58 = report(ledger, "58", update, 2_000).await;
        place_one(&store, story, a58, None, 2_000).await;
        assert_eq!(
            headed(story).await,
            (Some(a58), update.to_string()),
            "the newer report's headline, with the newer toll"
        );

        // An analysis, and a later outlet's run of the 58 report's text: neither leads.
        let analysis = report(
            review,
            "why",
            "Analysis: why Marovia's old town fell",
            3_000,
        )
        .await;
        place_one(&store, story, analysis, None, 3_000).await;
        let copy = report(echo, "copy", "Quake toll in Marovia reaches 58", 4_000).await;
        place_one(&store, story, copy, Some(a58), 4_000).await;
        assert_eq!(headed(story).await, (Some(a58), update.to_string()));

        let latest = "Death toll in Marovia earthquake rises to 71";
        let a71 = report(gazette, "71", latest, 5_000).await;
        place_one(&store, story, a71, None, 5_000).await;
        assert_eq!(headed(story).await, (Some(a71), latest.to_string()));
        let shown = store
            .stories()
            .get(story)
            .await
            .expect("get")
            .expect("story");
        assert_eq!(
            (shown.first_at, shown.last_at, shown.article_count),
            (1_000, 5_000, 5),
            "the first report's time is kept"
        );

        // The latest report's outlet is removed: the story is headed as it was before it.
        assert!(
            store
                .sources()
                .remove(gazette, 6_000)
                .await
                .expect("remove")
        );
        assert_eq!(headed(story).await, (Some(a58), update.to_string()));
    })
    .await;
}

#[tokio::test]
async fn the_earliest_published_copy_of_a_text_is_its_original() {
    each_backend(|store| async move {
        let dw = source(&store, "https://dw.example/feed", "DW").await;
        store
            .articles()
            .insert_new(
                dw,
                &[
                    article("https://dw.example/late-copy", "Copy", 2_000),
                    article("https://dw.example/later-copy", "Copy 2", 3_000),
                    article("https://dw.example/original", "Original", 1_000),
                ],
            )
            .await
            .expect("insert");
        let [late, later, original] = ids(&store).await[..] else {
            panic!("three articles")
        };
        let stories = store.stories();
        let mut batch = stories.begin().await.expect("begin");
        let story = batch.create_story("Copy", None, 1).await.expect("story");
        for (article, duplicate_of) in [(late, None), (later, Some(late)), (original, Some(late))] {
            batch
                .place(&Placement {
                    article,
                    story,
                    duplicate_of,
                    related: vec![],
                })
                .await
                .expect("place");
        }
        batch.commit(5).await.expect("commit");
        let members = stories.articles(story).await.expect("members");
        let of = |id| {
            members
                .iter()
                .find(|m| m.article.id == id)
                .map(|m| m.article.duplicate_of)
                .expect("member")
        };
        assert_eq!(of(original), None, "the earliest text is the original");
        assert_eq!(of(late), Some(original));
        assert_eq!(of(later), Some(original));
        let story = stories.get(story).await.expect("get").expect("story");
        assert_eq!(story.lead_article_id, Some(original));
    })
    .await;
}

#[tokio::test]
async fn an_article_whose_page_is_pending_waits_and_a_dropped_batch_records_nothing() {
    each_backend(|store| async move {
        let dw = source(&store, "https://dw.example/feed", "DW").await;
        store
            .articles()
            .insert_new_with(
                dw,
                &[article("https://dw.example/1", "Teaser", 1_000)],
                |id, _| {
                    Some(NewJob {
                        kind: "fetch_article".into(),
                        key: Some(format!("fetch_article:{}", id.0)),
                        payload: "{}".into(),
                        run_at_ms: 0,
                        max_attempts: 3,
                    })
                },
                0,
            )
            .await
            .expect("insert");
        let stories = store.stories();
        assert!(
            stories
                .unplaced("fetch_article:", 10)
                .await
                .expect("unplaced")
                .is_empty()
        );
        let job = store
            .jobs()
            .claim("w", std::time::Duration::from_secs(30), 1)
            .await
            .expect("claim")
            .expect("job");
        assert!(
            stories
                .unplaced("fetch_article:", 10)
                .await
                .expect("unplaced")
                .is_empty()
        );
        store.jobs().complete(&job).await.expect("complete");
        let waiting = stories
            .unplaced("fetch_article:", 10)
            .await
            .expect("unplaced");
        assert_eq!(waiting.len(), 1);

        let mut batch = stories.begin().await.expect("begin");
        let story = batch.create_story("Teaser", None, 1).await.expect("story");
        batch
            .place(&Placement {
                article: waiting[0].id,
                story,
                duplicate_of: None,
                related: vec![],
            })
            .await
            .expect("place");
        drop(batch);
        assert_eq!(
            stories
                .unplaced("fetch_article:", 10)
                .await
                .expect("unplaced")
                .len(),
            1
        );
        assert_eq!(stories.get(story).await.expect("get"), None);
        assert_eq!(stories.get(StoryId(9_999)).await.expect("get"), None);

        // Placed once, an article cannot be placed again: the second batch fails whole.
        let place = |story| Placement {
            article: waiting[0].id,
            story,
            duplicate_of: None,
            related: vec![],
        };
        let mut batch = stories.begin().await.expect("begin");
        let first = batch.create_story("Teaser", None, 1).await.expect("story");
        batch.place(&place(first)).await.expect("place");
        batch.commit(1).await.expect("commit");
        let mut batch = stories.begin().await.expect("begin");
        let second = batch
            .create_story("Teaser again", None, 1)
            .await
            .expect("story");
        assert!(matches!(
            batch.place(&place(second)).await,
            Err(tidings_store::StoreError::Conflict(_))
        ));
        drop(batch);
        let members = stories.articles(first).await.expect("members");
        assert_eq!(members.len(), 1, "the first placement stands");
        assert_eq!(stories.get(second).await.expect("get"), None);
    })
    .await;
}

#[tokio::test]
async fn a_canonical_url_moves_an_article_or_folds_it_into_the_same_article() {
    each_backend(|store| async move {
        let dw = source(&store, "https://dw.example/feed", "DW").await;
        let articles = store.articles();
        articles
            .insert_new(
                dw,
                &[
                    article("https://dw.example/amp/1", "One", 1_000),
                    article("https://dw.example/2", "Two", 1_000),
                    article("https://m.dw.example/2", "Two (mobile)", 1_000),
                ],
            )
            .await
            .expect("insert");
        let [one, two, mobile] = ids(&store).await[..] else {
            panic!("three articles")
        };
        assert_eq!(
            articles
                .move_to_canonical(one, "https://dw.example/1")
                .await
                .expect("move"),
            CanonicalMove::Moved
        );
        assert_eq!(
            articles
                .move_to_canonical(two, "https://dw.example/2")
                .await
                .expect("move"),
            CanonicalMove::Unchanged
        );
        assert_eq!(
            articles
                .move_to_canonical(mobile, "https://dw.example/2")
                .await
                .expect("move"),
            CanonicalMove::SameAs(two)
        );
        assert_eq!(ids(&store).await, vec![one, two]);
        let again = articles
            .insert_new(
                dw,
                &[
                    article("https://dw.example/amp/1", "One", 1_000),
                    article("https://m.dw.example/2", "Two (mobile)", 1_000),
                    article("https://dw.example/1", "One", 1_000),
                ],
            )
            .await
            .expect("insert");
        assert_eq!(again, 0, "old and new URLs of a moved article add nothing");
    })
    .await;
}

#[tokio::test]
async fn one_process_at_a_time_leads_a_role() {
    each_backend(|store| async move {
        let mut first = store
            .try_lead("story-assigner")
            .await
            .expect("lead")
            .expect("the first taker leads");
        assert!(first.is_held().await);
        let other_role = store.try_lead("scheduler").await.expect("lead");
        assert!(other_role.is_some(), "roles are independent");
        let second = store.try_lead("story-assigner").await.expect("lead");
        match store.backend() {
            tidings_store::Backend::Postgres => {
                assert!(second.is_none(), "a held role is not taken twice");
                drop(first);
                let mut taken = None;
                for _ in 0..50 {
                    taken = store.try_lead("story-assigner").await.expect("lead");
                    if taken.is_some() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                assert!(
                    taken.is_some(),
                    "the role passes on when its holder lets go"
                );
            }
            tidings_store::Backend::Sqlite => {
                assert!(
                    second.is_some(),
                    "the embedded database's one process always leads"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn many_reads_the_stories_that_exist_in_one_call() {
    each_backend(|store| async move {
        let stories = store.stories();
        assert!(stories.many(&[]).await.expect("none").is_empty());
        let mut batch = stories.begin().await.expect("begin");
        let a = batch.create_story("A", None, 10).await.expect("story");
        let b = batch.create_story("B", None, 10).await.expect("story");
        batch.commit(10).await.expect("commit");
        let mut got: Vec<(StoryId, String)> = stories
            .many(&[b, a, StoryId(999_999)])
            .await
            .expect("many")
            .into_iter()
            .map(|s| (s.id, s.title))
            .collect();
        got.sort();
        assert_eq!(got, vec![(a, "A".to_string()), (b, "B".to_string())]);
    })
    .await;
}

#[tokio::test]
async fn entity_names_of_many_stories_come_in_one_call_most_mentioned_first() {
    use tidings_store::{StoredInsight, StoryEntity};
    fn entity(name: &str, mentions: i64) -> StoryEntity {
        StoryEntity {
            slug: name.to_lowercase().replace(' ', "-"),
            name: name.into(),
            kind: "person".into(),
            mentions,
        }
    }
    each_backend(|store| async move {
        let stories = store.stories();
        let mut batch = stories.begin().await.expect("begin");
        let a = batch.create_story("A", None, 10).await.expect("story");
        let b = batch.create_story("B", None, 10).await.expect("story");
        let bare = batch.create_story("C", None, 10).await.expect("story");
        batch.commit(10).await.expect("commit");
        let insight = StoredInsight {
            version: 1,
            computed_at: 10,
            json: "{}".into(),
        };
        let insights = store.insights();
        let a_names = [entity("Sergei Lavrov", 2), entity("Kim Jong Un", 5)];
        insights.save(a, &insight, &a_names).await.expect("save a");
        let b_names = [entity("Kim Jong Un", 1)];
        insights.save(b, &insight, &b_names).await.expect("save b");
        assert!(
            insights
                .entity_names_of(&[])
                .await
                .expect("none")
                .is_empty()
        );
        let names = insights
            .entity_names_of(&[b, a, bare, a, StoryId(999_999)])
            .await
            .expect("names");
        assert_eq!(
            names.len(),
            2,
            "stories without entities are left out: {names:?}"
        );
        assert_eq!(names[&a], ["Kim Jong Un", "Sergei Lavrov"]);
        assert_eq!(names[&b], ["Kim Jong Un"]);
        // The same order as the one-story read.
        let one: Vec<String> = insights
            .entities_of(a)
            .await
            .expect("one")
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(names[&a], one);
    })
    .await;
}

#[tokio::test]
async fn sections_topics_languages_and_display_cut_the_lists() {
    use tidings_store::{ArticleLabels, ListFilter};
    each_backend(|store| async move {
        let dw = source(&store, "https://dw.example/feed", "DW").await;
        let mut german = article("https://dw.example/tor", "Tor in letzter Minute", 1_000);
        german.language = Some("de".into());
        let batch = [
            article("https://dw.example/cup", "Cup final", 2_000),
            article("https://dw.example/bank", "Rates held", 3_000),
            german,
        ];
        let topic = |slug: &str, name: &str| (slug.to_string(), name.to_string());
        let labels = [
            ArticleLabels {
                section: Some("sport".into()),
                topics: vec![topic("football", "Football"), topic("cup", "Cup")],
                completed_from_page: false,
            },
            ArticleLabels {
                section: Some("business".into()),
                topics: vec![topic("rates", "Rates")],
                completed_from_page: false,
            },
            ArticleLabels {
                section: Some("sport".into()),
                topics: vec![topic("football", "Fußball")],
                completed_from_page: false,
            },
        ];
        let articles = store.articles();
        let n = articles
            .insert_labelled(dw, &batch, &labels, |_, _| None, 0)
            .await
            .expect("insert");
        assert_eq!(n, 3);

        let titles = |list: Vec<tidings_store::ArticleListing>| -> Vec<String> {
            list.into_iter().map(|l| l.article.content.title).collect()
        };
        let sport = ListFilter {
            section: Some("sport".into()),
            ..ListFilter::default()
        };
        let found = articles.latest_in(&sport, 10, 0).await.expect("sport");
        assert_eq!(titles(found), vec!["Cup final", "Tor in letzter Minute"]);
        let german_sport = ListFilter {
            language: Some("de".into()),
            ..sport.clone()
        };
        let found = articles.latest_in(&german_sport, 10, 0).await.expect("de");
        assert_eq!(titles(found), vec!["Tor in letzter Minute"]);
        let football = ListFilter {
            topic: Some("football".into()),
            ..ListFilter::default()
        };
        let found = articles.latest_in(&football, 1, 1).await.expect("page 2");
        assert_eq!(titles(found), vec!["Tor in letzter Minute"], "offset");
        // A value that looks like SQL is only ever a value.
        let hostile = ListFilter {
            section: Some("sport' OR '1'='1".into()),
            ..ListFilter::default()
        };
        assert!(
            articles
                .latest_in(&hostile, 10, 0)
                .await
                .expect("q")
                .is_empty()
        );

        let popular = articles.popular_topics(0, 10).await.expect("popular");
        assert_eq!(popular[0].0, "football");
        assert_eq!(popular[0].2, 2);
        assert!(articles.topic_name("rates").await.expect("name").is_some());
        assert!(articles.topic_name("none").await.expect("name").is_none());

        let page = articles.by_source_from(dw, 2, 1).await.expect("page");
        assert_eq!(titles(page), vec!["Cup final", "Tor in letzter Minute"]);

        // A story's section is its articles' most common; it filters stories like articles.
        let ids = ids(&store).await;
        let stories = store.stories();
        let mut placing = stories.begin().await.expect("begin");
        let match_story = placing
            .create_story("Cup final", Some("en"), 5_000)
            .await
            .expect("story");
        let rates_story = placing
            .create_story("Rates held", Some("en"), 5_000)
            .await
            .expect("story");
        for (article, story) in [
            (ids[0], match_story),
            (ids[2], match_story),
            (ids[1], rates_story),
        ] {
            placing
                .place(&Placement {
                    article,
                    story,
                    duplicate_of: None,
                    related: Vec::new(),
                })
                .await
                .expect("place");
        }
        placing.commit(6_000).await.expect("commit");
        let story = stories.get(match_story).await.expect("get").expect("story");
        assert_eq!(story.section.as_deref(), Some("sport"));
        let found = stories.recent_in(&sport, 0, 10, 0).await.expect("stories");
        assert_eq!(
            found.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![match_story]
        );
        assert_eq!(
            stories.languages(0).await.expect("languages"),
            vec![("en".to_string(), 2)]
        );

        // The operator's display policy for a source reaches its listings.
        assert!(
            store
                .sources()
                .set_display(dw, Some("full"))
                .await
                .expect("set")
        );
        let one = articles.get(ids[0]).await.expect("get").expect("article");
        assert_eq!(one.source_display.as_deref(), Some("full"));
        assert_eq!(one.section.as_deref(), Some("sport"));
        assert!(store.sources().set_display(dw, None).await.expect("unset"));
        let one = articles.get(ids[0]).await.expect("get").expect("article");
        assert_eq!(one.source_display, None);
        assert!(
            !store
                .sources()
                .set_display(SourceId(999), None)
                .await
                .expect("none")
        );
    })
    .await;
}

#[tokio::test]
async fn a_long_story_is_sampled_from_its_first_and_latest_originals() {
    each_backend(|store| async move {
        let src = source(&store, "https://example.org/feed", "Example").await;
        // 60 reports, inserted out of story order (published times shuffled), one a copy.
        let published = |i: i64| 1_000 + (i * 37) % 60 * 10;
        let batch: Vec<NewArticle> = (0..60)
            .map(|i| {
                article(
                    &format!("https://example.org/{i}"),
                    &format!("R{i}"),
                    published(i),
                )
            })
            .collect();
        store
            .articles()
            .insert_new(src, &batch)
            .await
            .expect("insert");
        let ids = ids(&store).await;
        assert_eq!(ids.len(), 60);
        let mut tx = store.stories().begin().await.expect("batch");
        let story = tx
            .create_story("R", Some("en"), 2_000)
            .await
            .expect("story");
        for (k, id) in ids.iter().enumerate() {
            tx.place(&Placement {
                article: *id,
                story,
                duplicate_of: (k == 5).then_some(ids[4]),
                related: Vec::new(),
            })
            .await
            .expect("place");
        }
        tx.commit(2_000).await.expect("commit");
        let in_order: Vec<(i64, ArticleId)> = {
            let mut all: Vec<(i64, ArticleId)> = store
                .stories()
                .articles(story)
                .await
                .expect("articles")
                .into_iter()
                .filter(|l| l.article.duplicate_of.is_none())
                .map(|l| (l.article.content.shown_time(), l.article.id))
                .collect();
            all.sort();
            all
        };
        assert_eq!(in_order.len(), 59, "the copy is left out");
        let sampled = |first, latest| {
            let store = store.clone();
            async move {
                store
                    .stories()
                    .sample(story, first, latest)
                    .await
                    .expect("sample")
                    .into_iter()
                    .map(|l| (l.article.content.shown_time(), l.article.id))
                    .collect::<Vec<_>>()
            }
        };
        let want: Vec<(i64, ArticleId)> = in_order[..10]
            .iter()
            .chain(&in_order[59 - 30..])
            .copied()
            .collect();
        assert_eq!(
            sampled(10, 30).await,
            want,
            "first 10 and latest 30, in story order"
        );
        assert_eq!(sampled(40, 40).await, in_order, "all of them, each once");
    })
    .await;
}

#[tokio::test]
async fn a_placement_batch_writes_though_an_article_was_stored_after_it_began() {
    each_backend(|store| async move {
        let src = source(&store, "https://a.example/feed", "A").await;
        store
            .articles()
            .insert_new(src, &[article("https://a.example/1", "First", 1_000)])
            .await
            .expect("first");
        let first = ids(&store).await[0];
        // The batch reads (its placement number) before it writes; meanwhile a fetcher
        // stores an article on another connection.
        let mut batch = store.stories().begin().await.expect("batch");
        let fetcher = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .articles()
                    .insert_new(src, &[article("https://a.example/2", "Second", 2_000)])
                    .await
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let story = batch
            .create_story("First", Some("en"), 3_000)
            .await
            .expect("the batch's first write is not refused");
        batch
            .place(&Placement {
                article: first,
                story,
                duplicate_of: None,
                related: Vec::new(),
            })
            .await
            .expect("place");
        batch.commit(3_000).await.expect("commit");
        fetcher
            .await
            .expect("fetcher task")
            .expect("the fetcher's article is stored too");
        assert_eq!(ids(&store).await.len(), 2);
    })
    .await;
}

#[tokio::test]
async fn stories_understood_at_once_naming_the_same_new_entities_both_save() {
    each_backend(|store| async move {
        let mut batch = store.stories().begin().await.expect("batch");
        let a = batch.create_story("A", Some("en"), 1).await.expect("a");
        let b = batch.create_story("B", Some("de"), 1).await.expect("b");
        batch.commit(1).await.expect("commit");
        // Each round names 40 entities nobody named before, most mentioned first: one
        // story mentions them in one order, the other in the opposite order.
        for round in 0..25 {
            let named = |reversed: bool| -> Vec<StoryEntity> {
                let mut all: Vec<StoryEntity> = (0..40)
                    .map(|i| StoryEntity {
                        slug: format!("entity-{round}-{i:02}"),
                        name: format!("Entity {round} {i}"),
                        kind: "place".into(),
                        mentions: if reversed { i } else { 40 - i },
                    })
                    .collect();
                all.sort_by_key(|e| std::cmp::Reverse(e.mentions));
                all
            };
            let insight = StoredInsight {
                version: round,
                computed_at: round,
                json: "{}".into(),
            };
            let (forward, backward) = (named(false), named(true));
            let (insights_a, insights_b) = (store.insights(), store.insights());
            let (first, second) = tokio::join!(
                insights_a.save(a, &insight, &forward),
                insights_b.save(b, &insight, &backward),
            );
            first.expect("story A saved");
            second.expect("story B saved");
        }
        assert_eq!(store.insights().entities_of(a).await.expect("a").len(), 40);
    })
    .await;
}
