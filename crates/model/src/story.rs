//! A story: one event, reported by several outlets. Only its table exists so far; clustering
//! fills it.

use crate::{StoryId, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A group of articles about the same event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    /// The story's id.
    pub id: StoryId,
    /// Its headline, chosen from its articles.
    pub title: String,
    /// When the first article of it arrived.
    pub created_at: UnixSeconds,
    /// When the latest article joined it.
    pub updated_at: UnixSeconds,
}
