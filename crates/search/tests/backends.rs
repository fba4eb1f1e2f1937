//! The search suite, run on every backend: tantivy (SQLite store) and PostgreSQL full-text
//! (PostgreSQL store, when `TIDINGS_TEST_DATABASE_URL` is set). Both must give the same
//! matches for the same query language.

mod common;

use common::{Fixture, load, set};
use tidings_model::{ArticleId, NewArticle, SourceId};
use tidings_search::{SearchDoc, SearchRequest, Sort, catch_up, check, rebuild, saved_search};
use tidings_store::testing::each_backend;

fn day(y: i64, m: u32, d: u32) -> i64 {
    tidings_search::query::civil_to_days(y, m, d).expect("a date") * 86_400
}

#[tokio::test]
async fn words_phrases_exclusions_and_or() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        // Words are all required, stemmed: "floods" finds "flood" and "flooded".
        assert_eq!(fx.matches("rhine floods").await, set(&["a001"]), "{name}");
        let floods = fx.matches("floods").await;
        for id in ["a001", "a091", "a092", "a094", "a138"] {
            assert!(
                floods.contains(&id.to_string()),
                "{name}: {id} in {floods:?}"
            );
        }
        // Each language with its own stemmer.
        assert_eq!(
            fx.matches("Hochwasser").await,
            set(&["a002", "a004"]),
            "{name}"
        );
        assert_eq!(fx.matches("Москва").await, set(&["a130", "a132"]), "{name}");
        assert_eq!(
            fx.matches("verkiezing").await,
            set(&["a027", "a029"]),
            "{name}"
        );
        // Accents fold: Zurich finds Zürich, Pogacar finds Pogačar.
        assert_eq!(fx.matches("zurich").await, set(&["a133"]), "{name}");
        assert_eq!(
            fx.matches("pogacar").await,
            set(&["a032", "a033", "a034"]),
            "{name}"
        );
        // Phrases keep their order; stop words count.
        assert_eq!(
            fx.matches("\"Bank of England\"").await,
            set(&["a135", "a136"]),
            "{name}"
        );
        assert!(fx.matches("\"England of Bank\"").await.is_empty(), "{name}");
        assert_eq!(
            fx.matches("\"tour de france\"").await,
            set(&["a032", "a033", "a034"]),
            "{name}"
        );
        // A word that splits is a phrase.
        assert_eq!(fx.matches("covid-19").await, set(&["a134"]), "{name}");
        // Exclusions.
        let tariffs = fx.matches("tariffs").await;
        let without_china = fx.matches("tariffs -china").await;
        assert!(tariffs.contains(&"a051".to_string()), "{name}");
        assert!(!without_china.contains(&"a051".to_string()), "{name}");
        assert!(!without_china.contains(&"a052".to_string()), "{name}");
        assert!(without_china.contains(&"a047".to_string()), "{name}");
        assert!(
            fx.matches("-tariffs").await.len() > 140,
            "{name}: exclusions alone"
        );
        // OR.
        assert_eq!(
            fx.matches("Wimbledon OR Commerzbank").await,
            set(&["a107", "a108", "a117", "a118"]),
            "{name}"
        );
        assert_eq!(
            fx.matches("Wimbledon Commerzbank").await,
            Vec::<String>::new(),
            "{name}"
        );
        // Punctuation alone says nothing, so everything matches, as the empty query does (the
        // page, the API and saved searches do not search such a query: see typed_input.rs).
        assert_eq!(fx.matches("!!!").await.len(), 155, "{name}");
        assert_eq!(fx.matches("").await.len(), 155, "{name}");
    })
    .await;
}

#[tokio::test]
async fn filters_source_lang_entity_dates() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let dw = fx.select(|a| a.source == "dw");
        assert_eq!(fx.matches("source:dw").await, dw, "{name}: by name");
        assert_eq!(fx.matches("source:dw.example").await, dw, "{name}: by host");
        assert_eq!(
            fx.matches("source:\"harbor gazette\"").await,
            fx.select(|a| a.source == "harbor"),
            "{name}"
        );
        assert_eq!(
            fx.matches("source:dw Russland").await,
            set(&["a055"]),
            "{name}"
        );
        let not_dw = fx.matches("-source:dw").await;
        assert_eq!(not_dw.len(), 155 - dw.len(), "{name}");
        assert_eq!(
            fx.matches("lang:de").await,
            fx.select(|a| a.lang == "de"),
            "{name}"
        );
        assert_eq!(
            fx.matches("lang:de OR lang:nl").await,
            fx.select(|a| a.lang == "de" || a.lang == "nl"),
            "{name}"
        );
        assert_eq!(
            fx.matches("entity:\"Kim Jong Un\"").await,
            set(&["a056", "a057"]),
            "{name}"
        );
        assert_eq!(
            fx.matches("entity:\"Jong Kim\"").await,
            Vec::<String>::new(),
            "{name}"
        );
        let sept = day(2025, 9, 1);
        assert_eq!(
            fx.matches("after:2025-09-01").await,
            fx.select(|a| a.published >= sept),
            "{name}"
        );
        let june = day(2025, 6, 1);
        assert_eq!(
            fx.matches("before:2025-06").await,
            fx.select(|a| a.published < june),
            "{name}"
        );
        let july = day(2025, 7, 1);
        let aug = day(2025, 8, 1);
        assert_eq!(
            fx.matches("after:2025-07 before:2025-08 lang:en").await,
            fx.select(|a| a.published >= july && a.published < aug && a.lang == "en"),
            "{name}"
        );
        let r = fx
            .engine
            .search(&SearchRequest::new("after:someday flood", 10))
            .await
            .expect("search");
        let ignored: Vec<&str> = r.ignored.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(ignored, vec!["after:someday"], "{name}");
    })
    .await;
}

#[tokio::test]
async fn ranking_sorting_grouping_paging() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        // The title weighs more than the body.
        let ranked = fx.flat("grid", Sort::Relevance, 10).await;
        assert_eq!(
            ranked.first().map(String::as_str),
            Some("a008"),
            "{name}: {ranked:?}"
        );
        assert!(ranked.contains(&"a146".to_string()), "{name}: {ranked:?}");
        // Date order, both ways.
        let newest = fx.flat("flood", Sort::Newest, 100).await;
        let oldest = fx.flat("flood", Sort::Oldest, 100).await;
        let date = |id: &String| {
            fx.articles
                .iter()
                .find(|a| &a.id == id)
                .map(|a| a.published)
        };
        assert!(
            newest.windows(2).all(|w| date(&w[0]) >= date(&w[1])),
            "{name}: {newest:?}"
        );
        let mut reversed = oldest.clone();
        reversed.reverse();
        assert_eq!(newest, reversed, "{name}");
        // One hit per story, with the story's other matching articles under it.
        let grouped = fx
            .engine
            .search(&SearchRequest::new("Rhine OR Rhein OR Rhin", 10))
            .await
            .expect("search");
        assert_eq!(grouped.hits.len(), 1, "{name}");
        assert_eq!(grouped.total_articles, 5, "{name}");
        assert_eq!(
            grouped.hits[0].others.len(),
            3,
            "{name}: at most three others"
        );
        assert!(grouped.hits[0].story_id.is_some(), "{name}");
        // Pages do not overlap and cover every story.
        let mut seen = Vec::new();
        for page in 0..4 {
            let mut request = SearchRequest::new("the", 5);
            request.offset = page * 5;
            let r = fx.engine.search(&request).await.expect("search");
            for h in r.hits {
                assert!(!seen.contains(&h.story_id), "{name}: story twice");
                seen.push(h.story_id);
            }
        }
        assert_eq!(seen.len(), 20, "{name}");
    })
    .await;
}

#[tokio::test]
async fn too_few_with_every_word_are_counted_and_come_first() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let every = fx.matches("rhine floods").await;
        let some = fx.matches("rhine OR floods").await;
        assert!(!every.is_empty() && some.len() > every.len(), "{name}");
        let mut request = SearchRequest::new("rhine floods", 50);
        request.group_stories = false;
        let r = fx.engine.search(&request).await.expect("search");
        assert!(r.relaxed, "{name}");
        assert_eq!(r.with_every_word, every.len() as u64, "{name}");
        assert_eq!(r.total_articles, some.len() as u64, "{name}");
        let fixture_id = |id: ArticleId| {
            fx.ids
                .iter()
                .find(|e| *e.1 == id)
                .map(|e| e.0.clone())
                .expect("a fixture article")
        };
        let mut first: Vec<String> = r.hits[..every.len()]
            .iter()
            .map(|h| fixture_id(h.article.id))
            .collect();
        first.sort();
        assert_eq!(first, every, "{name}: those with every word first");
        // Enough with every word: not relaxed, and all of them have it.
        let r = fx
            .engine
            .search(&SearchRequest::new("rhine floods", 1))
            .await
            .expect("search");
        assert!(!r.relaxed, "{name}");
        assert_eq!(r.with_every_word, r.total_articles, "{name}");
    })
    .await;
}

/// The fixture's article a001 again, in English, with this outlet name, headline and body.
fn article_a001(fx: &Fixture, source_name: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        id: fx.ids["a001"],
        story_id: None,
        source_id: SourceId(1),
        source_name: source_name.into(),
        source_host: "harborgazette.example".into(),
        url: "https://x.example/1".into(),
        language: Some("en".into()),
        date: day(2025, 7, 1),
        title: title.into(),
        body: body.into(),
        entities: vec![],
    }
}

#[tokio::test]
async fn snippets_are_escaped_and_highlighted() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let doc = article_a001(
            &fx,
            "Harbor <Gazette>",
            "Tom & Jerry <i>flooded</i>",
            "Before the water came, <script>alert(1)</script> the cellar flooded & the \
                   street too. Everyone said \"never again\".",
        );
        fx.engine.index(&[doc]).await.expect("index");
        fx.engine.commit().await.expect("commit");
        let r = fx
            .engine
            .search(&SearchRequest::new("flooded cellar", 5))
            .await
            .expect("search");
        let hit = &r.hits[0].article;
        assert_eq!(hit.id, fx.ids["a001"], "{name}");
        assert!(
            hit.snippet_html.contains("<b>flooded</b>"),
            "{name}: {}",
            hit.snippet_html
        );
        assert!(
            hit.snippet_html.contains("<b>cellar</b>"),
            "{name}: {}",
            hit.snippet_html
        );
        // tantivy escapes the markup; ts_headline drops tags. Neither lets it through.
        assert!(
            hit.snippet_html.contains("&lt;script&gt;") || name == "postgres",
            "{name}: {}",
            hit.snippet_html
        );
        assert!(!hit.snippet_html.contains("<script"), "{name}");
        assert!(
            hit.title_html.contains("<b>flooded</b>"),
            "{name}: {}",
            hit.title_html
        );
        assert!(
            hit.title_html.contains("Tom &amp; Jerry &lt;i&gt;"),
            "{name}: {}",
            hit.title_html
        );
        let stripped = hit.snippet_html.replace("<b>", "").replace("</b>", "");
        assert!(!stripped.contains('<'), "{name}: only the marks are markup");
    })
    .await;
}

#[tokio::test]
async fn control_characters_in_an_article_neither_mark_nor_fail() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let doc = article_a001(
            &fx,
            "Harbor\u{0} Gazette",
            "Cellar \u{2}flooded",
            "Before the water came, \u{1}the cellar flooded\u{0} and the street \
                   stayed dry for a day and a night.",
        );
        fx.engine.index(&[doc]).await.expect("index");
        fx.engine.commit().await.expect("commit");
        let r = fx
            .engine
            .search(&SearchRequest::new("flooded", 50))
            .await
            .expect("search");
        let hit = r
            .hits
            .iter()
            .map(|h| &h.article)
            .find(|a| a.id == fx.ids["a001"])
            .expect("the article is found");
        // Only the match is bold: the stray \u{1} opens no highlight of its own.
        assert_eq!(
            hit.snippet_html.matches("<b>").count(),
            1,
            "{name}: {}",
            hit.snippet_html
        );
        assert!(hit.snippet_html.contains("<b>flooded</b>"), "{name}");
        assert!(!hit.snippet_html.contains("<b>the"), "{name}");
        for q in [
            "flood\u{0}ed",
            "\u{0}",
            "source:\u{0}x",
            "\"a\u{0}b\"",
            "entity:\u{1}",
        ] {
            let mut r = SearchRequest::new(q, 5);
            r.facets = true;
            fx.engine
                .search(&r)
                .await
                .expect("a query with a NUL is answered");
        }
    })
    .await;
}

#[tokio::test]
async fn facets_count_every_match() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let mut request = SearchRequest::new("flood OR floods OR Hochwasser", 3);
        request.facets = true;
        let r = fx.engine.search(&request).await.expect("search");
        let facets = r.facets.expect("facets");
        let total: u64 = facets.sources.iter().map(|f| f.count).sum();
        assert_eq!(total, r.total_articles, "{name}");
        let months: u64 = facets.months.iter().map(|f| f.count).sum();
        assert_eq!(months, r.total_articles, "{name}");
        assert_eq!(
            facets.days.iter().map(|f| f.count).sum::<u64>(),
            r.total_articles
        );
        assert!(
            facets
                .languages
                .iter()
                .any(|f| f.value == "de" && f.count == 2),
            "{name}: {facets:?}"
        );
        assert!(facets.months.iter().any(|f| f.value == "2025-07"), "{name}");
        assert!(
            facets.days.windows(2).all(|w| w[0].value > w[1].value),
            "{name}"
        );
        let mut all = SearchRequest::new("", 1);
        all.facets = true;
        let r = fx.engine.search(&all).await.expect("search");
        let f = r.facets.expect("facets");
        assert_eq!(
            f.languages.iter().map(|l| l.count).sum::<u64>(),
            155,
            "{name}"
        );
        assert_eq!(f.sources.len(), 11, "{name}");
    })
    .await;
}

#[tokio::test]
async fn index_follows_the_database() {
    each_backend(|store| async move {
        let fx: Fixture = load(store).await;
        let name = fx.engine.name();
        // Catching up again finds nothing new.
        let again = catch_up(&fx.engine, &fx.store).await.expect("catch up");
        assert_eq!(again.indexed, 0, "{name}");
        // A new article in the database is found after the next catch-up.
        let source = fx.store.sources().list().await.expect("sources")[0].id;
        let new = NewArticle {
            url: "https://late.example/1".into(),
            title: "Late article about zeppelins".into(),
            fetched_at: day(2025, 9, 30),
            language: Some("en".into()),
            body_text: "A zeppelin landed.".into(),
            ..NewArticle::default()
        };
        fx.store
            .articles()
            .insert_new(source, &[new])
            .await
            .expect("insert");
        assert!(fx.matches("zeppelin").await.is_empty(), "{name}");
        let more = catch_up(&fx.engine, &fx.store).await.expect("catch up");
        assert_eq!(more.indexed, 1, "{name}");
        assert_eq!(fx.matches("zeppelin").await.len(), 1, "{name}");
        // Consistency: a document lost from the index is found missing; the articles of a
        // removed source are extra in tantivy (PostgreSQL's rows go with their articles).
        let report = check(&fx.engine, &fx.store, false).await.expect("check");
        assert!(report.consistent(), "{name}: {report:?}");
        let gone = fx.ids["a001"];
        fx.engine.delete(gone).await.expect("delete");
        fx.engine.commit().await.expect("commit");
        let vestnik = fx
            .store
            .sources()
            .list()
            .await
            .expect("sources")
            .into_iter()
            .find(|s| s.url.contains("nevskyvestnik"))
            .expect("the Russian outlet");
        let removed: Vec<ArticleId> = fx
            .articles
            .iter()
            .filter(|a| a.source == "vestnik")
            .map(|a| fx.ids[&a.id])
            .collect();
        assert!(
            fx.store
                .sources()
                .remove(vestnik.id, 1)
                .await
                .expect("remove source")
        );
        let report = check(&fx.engine, &fx.store, false).await.expect("check");
        assert_eq!(report.missing, vec![gone], "{name}");
        assert_eq!(report.database, 156 - removed.len() as u64, "{name}");
        if name == "tantivy" {
            assert_eq!(report.extra, removed, "{name}");
        } else {
            assert!(report.extra.is_empty(), "{name}: {report:?}");
        }
        let fixed = check(&fx.engine, &fx.store, true).await.expect("fix");
        assert!(fixed.fixed, "{name}");
        assert!(
            check(&fx.engine, &fx.store, false)
                .await
                .expect("check")
                .consistent(),
            "{name}"
        );
        assert!(fx.matches("Москва").await.is_empty(), "{name}");
        // A rebuild starts over from the database.
        let rebuilt = rebuild(&fx.engine, &fx.store).await.expect("rebuild");
        let left = 156 - removed.len();
        assert_eq!(rebuilt.indexed, left as u64, "{name}");
        assert_eq!(fx.matches("").await.len(), left, "{name}");
        // Saved searches: flat, newest first.
        let feed = saved_search(&fx.engine, "Rhine OR Rhein OR Rhin", Sort::Newest, 10)
            .await
            .expect("saved search");
        assert_eq!(feed.len(), 5, "{name}");
        assert!(feed.windows(2).all(|w| w[0].date >= w[1].date), "{name}");
    })
    .await;
}

#[tokio::test]
async fn the_last_copy_of_an_article_in_one_batch_wins() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        let copy = |title: &str| SearchDoc {
            id: fx.ids["a001"],
            story_id: None,
            source_id: SourceId(1),
            source_name: "Harbor Gazette".into(),
            source_host: "harborgazette.example".into(),
            url: "https://x.example/1".into(),
            language: Some("en".into()),
            date: day(2025, 7, 1),
            title: title.into(),
            body: "The quay was rebuilt.".into(),
            entities: vec![],
        };
        // Two copies of one article in a batch (a re-index racing a catch-up): one statement
        // must not write the row twice, and the later copy is the one kept.
        fx.engine
            .index(&[
                copy("Zebra crossing repainted"),
                copy("Giraffe escapes zoo"),
            ])
            .await
            .expect("index");
        fx.engine.commit().await.expect("commit");
        assert_eq!(fx.matches("giraffe").await, set(&["a001"]), "{name}");
        assert!(fx.matches("zebra").await.is_empty(), "{name}");
    })
    .await;
}

#[tokio::test]
async fn outlets_left_out_leave_totals_facets_stories_and_pages_exact() {
    each_backend(|store| async move {
        let fx = load(store).await;
        let name = fx.engine.name();
        // Every match of "the", flat, with its outlet and story.
        let everything = fx
            .engine
            .search(&SearchRequest::flat("the", Sort::Newest, 1_000))
            .await
            .expect("search");
        let all: Vec<_> = everything.hits.iter().map(|h| h.article.clone()).collect();
        assert_eq!(all.len() as u64, everything.total_articles, "{name}");
        assert_eq!(everything.excluded_articles, 0, "{name}");
        // Leave out the outlet of the Rhine story's lead, and one more.
        let rhine = fx
            .engine
            .search(&SearchRequest::new("Rhine OR Rhein OR Rhin", 10))
            .await
            .expect("search");
        let lead = &rhine.hits[0].article;
        let other = all
            .iter()
            .map(|a| a.source_id)
            .find(|s| *s != lead.source_id)
            .expect("another outlet");
        let left_out = vec![lead.source_id, other];
        let kept: Vec<_> = all
            .iter()
            .filter(|a| !left_out.contains(&a.source_id))
            .collect();
        assert!(
            !kept.is_empty() && kept.len() < all.len(),
            "{name}: some of each"
        );

        // Flat: exactly the others, counted, and the left-out ones counted apart.
        let mut flat = SearchRequest::flat("the", Sort::Newest, 1_000);
        flat.exclude_sources = left_out.clone();
        flat.facets = true;
        let r = fx.engine.search(&flat).await.expect("search");
        let ids = |hits: &[tidings_search::StoryHit]| -> Vec<ArticleId> {
            hits.iter().map(|h| h.article.id).collect()
        };
        assert_eq!(
            ids(&r.hits),
            kept.iter().map(|a| a.id).collect::<Vec<_>>(),
            "{name}"
        );
        assert_eq!(r.total_articles, kept.len() as u64, "{name}");
        assert_eq!(
            r.excluded_articles,
            (all.len() - kept.len()) as u64,
            "{name}"
        );
        assert!(!r.excluded_estimated, "{name}");
        // Facets count only what is left.
        let facets = r.facets.expect("facets");
        let left_out_names: Vec<&str> = all
            .iter()
            .filter(|a| left_out.contains(&a.source_id))
            .map(|a| a.source_name.as_str())
            .collect();
        assert!(
            facets
                .sources
                .iter()
                .all(|f| !left_out_names.contains(&f.value.as_str())),
            "{name}: {facets:?}"
        );
        assert_eq!(
            facets.sources.iter().map(|f| f.count).sum::<u64>(),
            r.total_articles,
            "{name}"
        );
        assert_eq!(
            facets.languages.iter().map(|f| f.count).sum::<u64>()
                + kept.iter().filter(|a| a.language.is_empty()).count() as u64,
            r.total_articles,
            "{name}"
        );

        // Grouped: the Rhine story is led by its best match from an outlet left in.
        let mut grouped = SearchRequest::new("Rhine OR Rhein OR Rhin", 10);
        grouped.exclude_sources = left_out.clone();
        let r = fx.engine.search(&grouped).await.expect("search");
        let expected: Vec<ArticleId> = std::iter::once(lead)
            .chain(rhine.hits[0].others.iter())
            .filter(|a| !left_out.contains(&a.source_id))
            .map(|a| a.id)
            .collect();
        if let Some(first) = expected.first() {
            assert_eq!(r.hits[0].article.id, *first, "{name}");
            assert_eq!(r.hits[0].story_id, rhine.hits[0].story_id, "{name}");
        }
        for hit in &r.hits {
            assert!(!left_out.contains(&hit.article.source_id), "{name}");
            assert!(
                hit.others.iter().all(|o| !left_out.contains(&o.source_id)),
                "{name}"
            );
        }

        // Pages of story hits: no overlap, every story with an article left, nothing else.
        let mut stories_left: Vec<Option<i64>> = Vec::new();
        let mut singles = 0;
        for a in &kept {
            match a.story_id {
                Some(s) if stories_left.contains(&Some(s.0)) => {}
                Some(s) => stories_left.push(Some(s.0)),
                None => singles += 1,
            }
        }
        let mut seen: Vec<ArticleId> = Vec::new();
        let mut pages = 0;
        loop {
            let mut request = SearchRequest::new("the", 5);
            request.sort = Sort::Newest;
            request.offset = pages * 5;
            request.exclude_sources = left_out.clone();
            let r = fx.engine.search(&request).await.expect("search");
            assert_eq!(r.total_articles, kept.len() as u64, "{name}");
            if r.hits.is_empty() {
                break;
            }
            for h in &r.hits {
                assert!(!left_out.contains(&h.article.source_id), "{name}");
                assert!(!seen.contains(&h.article.id), "{name}: a hit twice");
                seen.push(h.article.id);
            }
            pages += 1;
        }
        assert_eq!(seen.len(), stories_left.len() + singles, "{name}");
    })
    .await;
}
