//! The front page's latest list on every backend: a wire text and its copy on one page are
//! one card, the original's; the copy's own outlet page still lists it.

mod support;

use tidings_store::testing::each_backend;

#[tokio::test]
async fn a_copy_on_the_same_page_as_its_original_is_not_a_second_card() {
    each_backend(|store| async move {
        let site = support::site_on(store, support::config(), |_| {}).await;
        let (wire, copy) = site.add_wire_copy().await;
        let mut browser = site.browser();
        let front = browser.get("/").await;
        assert_eq!(front.status, 200);
        let copy_link = format!("/article/{copy}/");
        assert!(
            front.body.contains(&site.article_path),
            "the original's card: {}",
            front.body
        );
        assert!(
            !front.body.contains(&copy_link),
            "no second card for the copy: {}",
            front.body
        );
        // The outlet that republished it still shows what it published.
        let outlet = browser.get(&format!("/source/{}", wire.0)).await;
        assert!(outlet.body.contains(&copy_link), "{}", outlet.body);
    })
    .await;
}
