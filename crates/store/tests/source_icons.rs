//! Source icons on every backend: stored and read back by source and by icon id, a failure
//! remembered (and the icon kept) until its retry is due, hidden for a source awaiting
//! review, and gone with its source.

use tidings_model::SourceId;
use tidings_store::testing::each_backend;
use tidings_store::{AddedBy, NewIcon, NewSource, Store};

async fn source(store: &Store, name: &str, by: AddedBy) -> SourceId {
    let new = NewSource {
        url: format!("https://{name}.example/feed"),
        name: name.into(),
        ..NewSource::default()
    };
    store
        .sources()
        .add_by(&new, by, 0)
        .await
        .expect("add source")
        .id
}

fn icon(hash: &str, id: i64) -> NewIcon {
    NewIcon {
        content_type: "image/png".into(),
        data_base64: "iVBORw0KGgo=".into(),
        hash: hash.into(),
        icon_id: id,
    }
}

const DAY: i64 = 86_400;

#[tokio::test]
async fn an_icon_is_stored_refreshed_and_goes_with_its_source() {
    each_backend(|store| async move {
        let icons = store.source_icons();
        let a = source(&store, "a", AddedBy::Operator).await;
        assert!(icons.is_due(a, 1000, 7 * DAY, DAY).await.expect("due"));
        assert_eq!(icons.get(a).await.expect("get"), None);

        icons.save(a, &icon("abc", 42), 1000).await.expect("save");
        let got = icons.get(a).await.expect("get").expect("stored");
        assert_eq!(got.icon, icon("abc", 42));
        assert_eq!(got.fetched_at, 1000);
        assert!(
            !icons
                .is_due(a, 1000 + 6 * DAY, 7 * DAY, DAY)
                .await
                .expect("due")
        );
        assert!(
            icons
                .is_due(a, 1000 + 7 * DAY, 7 * DAY, DAY)
                .await
                .expect("due")
        );

        // A failed refresh keeps the icon and is not tried again for a day.
        icons
            .record_failure(a, "HTTP 404 Not Found", 9 * DAY)
            .await
            .expect("fail");
        assert_eq!(
            icons.get(a).await.expect("get").map(|i| i.icon.hash),
            Some("abc".into())
        );
        assert_eq!(
            icons.last_error(a).await.expect("error").as_deref(),
            Some("HTTP 404 Not Found")
        );
        assert!(
            !icons
                .is_due(a, 9 * DAY + DAY - 1, 7 * DAY, DAY)
                .await
                .expect("due")
        );
        assert!(icons.is_due(a, 10 * DAY, 7 * DAY, DAY).await.expect("due"));

        assert_eq!(
            icons
                .by_icon_id(42, &[a])
                .await
                .expect("by id")
                .map(|i| i.source_id),
            Some(a)
        );
        assert_eq!(
            icons
                .by_icon_id(42, &[SourceId(a.0 + 100)])
                .await
                .expect("by id"),
            None
        );
        let marks = icons.marks().await.expect("marks");
        assert_eq!(marks.len(), 1);
        assert_eq!((marks[0].source_id, marks[0].icon_id), (a, 42));

        assert!(store.sources().remove(a, 11 * DAY).await.expect("remove"));
        assert_eq!(icons.with_data(&[a]).await.expect("with data"), []);
        assert!(
            icons
                .is_due(a, 11 * DAY, 7 * DAY, DAY)
                .await
                .expect("no row left")
        );
    })
    .await;
}

#[tokio::test]
async fn a_source_without_an_icon_remembers_why_and_waits_and_a_waiting_source_is_unlisted() {
    each_backend(|store| async move {
        let icons = store.source_icons();
        let a = source(&store, "a", AddedBy::Operator).await;
        icons
            .record_failure(a, "no icon found", 100)
            .await
            .expect("fail");
        assert_eq!(icons.get(a).await.expect("get"), None);
        assert!(
            !icons
                .is_due(a, 100 + DAY - 1, 7 * DAY, DAY)
                .await
                .expect("due")
        );
        assert!(icons.marks().await.expect("marks").is_empty());

        let new = tidings_store::NewUser {
            name: "ana".into(),
            display_name: "Ana".into(),
            password_hash: "h".into(),
            role: tidings_model::Role::Reader,
        };
        let reader = store.users().create(&new, 1).await.expect("user").id;
        let waiting = source(&store, "w", AddedBy::ReaderForReview(reader)).await;
        icons.save(waiting, &icon("w", 7), 100).await.expect("save");
        assert!(
            icons.marks().await.expect("marks").is_empty(),
            "awaiting review"
        );
        icons.save(a, &icon("a", 8), 200).await.expect("save");
        assert_eq!(
            icons.last_error(a).await.expect("error"),
            None,
            "success clears it"
        );
        let marks: Vec<SourceId> = icons
            .marks()
            .await
            .expect("marks")
            .iter()
            .map(|m| m.source_id)
            .collect();
        assert_eq!(marks, [a]);
    })
    .await;
}
