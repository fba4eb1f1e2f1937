//! When a reader's question is put to the language model: an answer already written for
//! the same story, articles and question is reused; otherwise the asking address must be
//! within its `model_questions_per_minute_per_ip` rate limit, and one of the client's call
//! slots must be free at once ([`OpenAiClient::try_reserve`]). When either is not so, the
//! page shows the extractive answer at once rather than queue behind other visitors' calls.
//! A reply the checks refuse (markup, a sentence without a citation, a claim its evidence
//! does not hold) is kept too, as the extractive answer it fell back to, so the same question
//! does not cost another call; a call that failed (the endpoint down, a timeout) is not.

use crate::answer_cache::AnswerCache;
use crate::people::limits::{Action, RateLimits};
use crate::state::AppState;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use tidings_insight::llm::{
    ChatMessage, GroundedText, Llm, LlmError, OpenAiClient, Origin, grounded_answer,
};
use tidings_insight::{Answer, StoryArticle};
use tidings_model::StoryId;

/// What a page needs to have the model answer a question: the client, the answers written
/// before, the site's rate limits and the asking address.
#[derive(Clone, Copy)]
pub(crate) struct ModelAccess<'a> {
    client: &'a OpenAiClient,
    cache: &'a AnswerCache,
    limits: &'a RateLimits,
    ip: IpAddr,
}

impl<'a> ModelAccess<'a> {
    /// The access of a request from `ip`, when the site has a model.
    pub(crate) fn of(state: &'a AppState, ip: IpAddr) -> Option<ModelAccess<'a>> {
        Some(ModelAccess {
            client: state.llm.as_deref()?,
            cache: &state.answers,
            limits: &state.people.limits,
            ip,
        })
    }

    /// The model's answer to `question` about `story` from the evidence `found` in
    /// `articles`, if it wrote one that holds: `None` when the evidence is empty, the
    /// address is over its limit, every call slot is taken, or the model's text fell back
    /// (now or when the same question was asked before).
    pub(crate) async fn answer(
        &self,
        story: StoryId,
        articles: &[StoryArticle],
        question: &str,
        found: &Answer,
    ) -> Option<GroundedText> {
        if found.evidence().is_empty() {
            return None;
        }
        let read = AnswerCache::articles(articles.iter().map(|a| (a.id.as_str(), a.body.len())));
        if let Some(kept) = self.cache.get(story, read, question) {
            // A refused reply is kept as its fallback: the extractive answer again.
            return (kept.origin == Origin::Llm).then_some(kept);
        }
        if self
            .limits
            .check(Action::ModelQuestion, self.ip, None)
            .is_err()
        {
            tracing::debug!(ip = %self.ip, "model question over the address's limit: extractive answer");
            return None;
        }
        let Some(slot) = self.client.try_reserve() else {
            tracing::debug!("every model call slot is taken: extractive answer");
            return None;
        };
        let outlets: Vec<String> = articles.iter().map(|a| a.outlet.clone()).collect();
        let model = Replied::new(&slot);
        let g = grounded_answer(&model, question, found, &outlets).await;
        let replied = model.replied();
        drop(slot);
        if g.origin == Origin::Llm || replied {
            // The model's answer, or the fallback from a reply it wrote that the checks
            // refused: asking again would get the same.
            self.cache.put(story, read, question, g.clone());
        }
        (g.origin == Origin::Llm).then_some(g)
    }
}

/// A model that notes whether it replied at all, to tell a reply the checks refused (which
/// asking again would not change) from a call that failed (which it might).
struct Replied<'a, L> {
    model: &'a L,
    replied: AtomicBool,
}

impl<'a, L> Replied<'a, L> {
    fn new(model: &'a L) -> Self {
        Replied {
            model,
            replied: AtomicBool::new(false),
        }
    }

    /// Whether a call got a reply.
    fn replied(&self) -> bool {
        self.replied.load(Ordering::Relaxed)
    }
}

impl<L: Llm + Sync> Llm for Replied<'_, L> {
    async fn chat(&self, messages: &[ChatMessage]) -> Result<String, LlmError> {
        let reply = self.model.chat(messages).await;
        if reply.is_ok() {
            self.replied.store(true, Ordering::Relaxed);
        }
        reply
    }
}
