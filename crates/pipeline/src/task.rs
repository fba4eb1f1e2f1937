//! The kinds of job the pipeline runs, and how each is written into the queue.

use serde::{Deserialize, Serialize};
use tidings_model::{ArticleId, SourceId, StoryId};
use tidings_store::{Job, NewJob};

/// A unit of pipeline work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "task", rename_all = "snake_case")]
pub enum Task {
    /// Fetch a source's feed and store its new articles.
    FetchSource {
        /// The source to fetch.
        source_id: SourceId,
    },
    /// Fetch a teaser article's page and complete the article from it.
    FetchArticle {
        /// The article to complete.
        article_id: ArticleId,
    },
    /// Recompute a story's summary, key points, entities and timeline after it changed.
    UnderstandStory {
        /// The story.
        story_id: StoryId,
    },
    /// Ask a source's WebSub hub for (or to renew) its subscription.
    WebsubSubscribe {
        /// The source.
        source_id: SourceId,
    },
    /// Ask the hubs of a source's ended WebSub subscriptions to stop pushing.
    WebsubUnsubscribe {
        /// The source (which may be gone).
        source_id: SourceId,
    },
    /// Find, fetch and store a source's icon (see [`crate::fetch_icon`]).
    FetchIcon {
        /// The source.
        source_id: SourceId,
        /// The feed's own images, the first candidates.
        #[serde(default)]
        feed_images: Vec<String>,
    },
    /// Ingest the signed push the WebSub callback kept for a source (the web process queues
    /// it: see [`tidings_store::push_job`]).
    WebsubPush {
        /// The source.
        source_id: SourceId,
    },
}

impl Task {
    /// The queue's `kind` column for this task.
    pub fn kind(&self) -> &'static str {
        match self {
            Task::FetchSource { .. } => "fetch_source",
            Task::FetchArticle { .. } => "fetch_article",
            Task::UnderstandStory { .. } => "understand_story",
            Task::WebsubSubscribe { .. } => "websub_subscribe",
            Task::WebsubUnsubscribe { .. } => "websub_unsubscribe",
            Task::WebsubPush { .. } => tidings_store::PUSH_JOB_KIND,
            Task::FetchIcon { .. } => "fetch_icon",
        }
    }

    /// The start of the key of an article's page job; the article's id follows. An article
    /// with such a job pending is not placed in a story yet: its text is not final.
    pub const PAGE_JOB_KEY_PREFIX: &'static str = "fetch_article:";

    /// The start of the key of a story's understanding job; the story's id follows.
    pub const UNDERSTAND_JOB_KEY_PREFIX: &'static str = "understand_story:";

    /// The unique key that keeps the same work from being queued twice.
    pub fn key(&self) -> String {
        match self {
            Task::FetchSource { source_id } => format!("fetch_source:{source_id}"),
            Task::FetchArticle { article_id } => {
                format!("{}{article_id}", Task::PAGE_JOB_KEY_PREFIX)
            }
            Task::UnderstandStory { story_id } => {
                format!("{}{story_id}", Task::UNDERSTAND_JOB_KEY_PREFIX)
            }
            Task::WebsubSubscribe { source_id } => format!("websub_subscribe:{source_id}"),
            Task::WebsubUnsubscribe { source_id } => format!("websub_unsubscribe:{source_id}"),
            Task::WebsubPush { source_id } => {
                format!("{}:{source_id}", tidings_store::PUSH_JOB_KIND)
            }
            Task::FetchIcon { source_id, .. } => format!("fetch_icon:{source_id}"),
        }
    }

    /// The job that carries this task, due at `run_at_ms`.
    pub fn to_job(&self, run_at_ms: i64, max_attempts: i64) -> Result<NewJob, serde_json::Error> {
        Ok(NewJob {
            kind: self.kind().to_string(),
            key: Some(self.key()),
            payload: serde_json::to_string(self)?,
            run_at_ms,
            max_attempts,
        })
    }

    /// Reads the task back from a claimed job.
    pub fn from_job(job: &Job) -> Result<Task, crate::PipelineError> {
        let task: Task = serde_json::from_str(&job.payload)?;
        if task.kind() != job.kind {
            return Err(crate::PipelineError::UnknownKind(job.kind.clone()));
        }
        Ok(task)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_model::JobId;

    #[test]
    fn tasks_round_trip_through_jobs() {
        let task = Task::FetchSource {
            source_id: SourceId(7),
        };
        let new = task.to_job(5, 3).expect("serialise");
        assert_eq!(new.key.as_deref(), Some("fetch_source:7"));
        let job = Job {
            id: JobId(1),
            kind: new.kind,
            key: new.key,
            payload: new.payload,
            attempts: 1,
            max_attempts: 3,
            lease_owner: "w".into(),
        };
        assert_eq!(Task::from_job(&job).expect("read back"), task);
    }

    #[test]
    fn a_story_job_key_is_its_prefix_and_the_story() {
        let task = Task::UnderstandStory {
            story_id: StoryId(12),
        };
        assert_eq!(task.key(), "understand_story:12");
        assert!(task.key().starts_with(Task::UNDERSTAND_JOB_KEY_PREFIX));
    }

    #[test]
    fn the_push_job_the_web_queues_is_a_push_task() {
        let new = tidings_store::push_job(SourceId(42), 9);
        let job = Job {
            id: JobId(1),
            kind: new.kind.clone(),
            key: new.key.clone(),
            payload: new.payload,
            attempts: 1,
            max_attempts: new.max_attempts,
            lease_owner: "w".into(),
        };
        let task = Task::from_job(&job).expect("read back");
        assert_eq!(
            task,
            Task::WebsubPush {
                source_id: SourceId(42)
            }
        );
        assert_eq!(new.key, Some(task.key()));
    }

    #[test]
    fn unknown_payloads_are_errors() {
        let job = Job {
            id: JobId(1),
            kind: "fetch_source".into(),
            key: None,
            payload: "{\"task\":\"paint_the_fence\"}".into(),
            attempts: 1,
            max_attempts: 3,
            lease_owner: "w".into(),
        };
        assert!(Task::from_job(&job).is_err());
    }
}
