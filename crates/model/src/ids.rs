//! Typed ids, so an article id is never passed where a source id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// The id of a [`crate::Source`].
    SourceId
);
id_type!(
    /// The id of an [`crate::Article`].
    ArticleId
);
id_type!(
    /// The id of a [`crate::Story`].
    StoryId
);
id_type!(
    /// The id of a job in the durable queue.
    JobId
);
