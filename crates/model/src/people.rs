//! People: accounts, their roles, and the comments they write on articles and stories.

use crate::{ArticleId, StoryId, UnixSeconds};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The id of a [`User`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of a [`Comment`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommentId(pub i64);

impl fmt::Display for CommentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What an account may do beyond reading and commenting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads, comments, reports.
    Reader,
    /// Also hides and restores comments, approves held ones, bans readers.
    Moderator,
    /// Also changes roles.
    Admin,
}

impl Role {
    /// The role's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    /// The role a stored name names.
    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "reader" => Some(Role::Reader),
            "moderator" => Some(Role::Moderator),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether the role may moderate comments.
    pub fn moderates(self) -> bool {
        self >= Role::Moderator
    }
}

/// Whether an account may still act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    /// In good standing.
    Active,
    /// Banned by a moderator: may not log in or comment.
    Banned,
    /// Deleted by its owner: its name is gone and its comments show as deleted.
    Deleted,
}

impl AccountState {
    /// The state's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Banned => "banned",
            AccountState::Deleted => "deleted",
        }
    }

    /// The state a stored name names.
    pub fn parse(name: &str) -> Option<AccountState> {
        match name {
            "active" => Some(AccountState::Active),
            "banned" => Some(AccountState::Banned),
            "deleted" => Some(AccountState::Deleted),
            _ => None,
        }
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// The name it logs in with (unique, compared without case).
    pub name: String,
    /// The name shown beside its comments.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
    /// Whether it may still act.
    pub state: AccountState,
    /// Whether a moderator approved one of its comments: pre-moderation no longer holds it.
    pub trusted: bool,
    /// When it was created.
    pub created_at: UnixSeconds,
}

/// What a comment is written on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum CommentTarget {
    /// An article page.
    Article(ArticleId),
    /// A story page.
    Story(StoryId),
}

impl CommentTarget {
    /// The stored kind: `article` or `story`.
    pub fn kind(self) -> &'static str {
        match self {
            CommentTarget::Article(_) => "article",
            CommentTarget::Story(_) => "story",
        }
    }

    /// The stored id of the article or story.
    pub fn id(self) -> i64 {
        match self {
            CommentTarget::Article(id) => id.0,
            CommentTarget::Story(id) => id.0,
        }
    }

    /// The target a stored kind and id name.
    pub fn from_parts(kind: &str, id: i64) -> Option<CommentTarget> {
        match kind {
            "article" => Some(CommentTarget::Article(ArticleId(id))),
            "story" => Some(CommentTarget::Story(StoryId(id))),
            _ => None,
        }
    }
}

/// Who sees a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentState {
    /// Everyone.
    Visible,
    /// Its author and moderators, until a moderator approves it (pre-moderation).
    Held,
    /// Hidden by a moderator; shown to others as "hidden by a moderator".
    Hidden,
    /// Deleted by its author (or with their account); shown as "deleted" so replies keep
    /// their place.
    Deleted,
}

impl CommentState {
    /// The state's stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentState::Visible => "visible",
            CommentState::Held => "held",
            CommentState::Hidden => "hidden",
            CommentState::Deleted => "deleted",
        }
    }

    /// The state a stored name names.
    pub fn parse(name: &str) -> Option<CommentState> {
        match name {
            "visible" => Some(CommentState::Visible),
            "held" => Some(CommentState::Held),
            "hidden" => Some(CommentState::Hidden),
            "deleted" => Some(CommentState::Deleted),
            _ => None,
        }
    }
}

/// A comment, with its author's names as they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    /// Its id.
    pub id: CommentId,
    /// What it is written on.
    pub target: CommentTarget,
    /// The comment it answers, if it is a reply.
    pub parent_id: Option<CommentId>,
    /// Its author.
    pub user_id: UserId,
    /// The author's display name ("" once the account is deleted).
    pub author: String,
    /// The author's role as it is now, which pages show beside staff names.
    pub author_role: Role,
    /// The Markdown its author wrote.
    pub body_source: String,
    /// That Markdown rendered to sanitised HTML.
    pub body_html: String,
    /// Who sees it.
    pub state: CommentState,
    /// When it was written.
    pub created_at: UnixSeconds,
    /// When its author last edited it.
    pub edited_at: Option<UnixSeconds>,
    /// Open reports against it.
    pub reports: i64,
}
