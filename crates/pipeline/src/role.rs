//! A role only one process may play at a time (placing stories, scheduling), held through the
//! store's [`Leadership`] and checked at every tick: when the holder dies or loses its
//! database connection, another process takes the role over at its next tick.

use tidings_store::{Leadership, Store};

/// Whether this process plays the role now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It does, and did at the last check too.
    Held,
    /// It does since this check: state built while another process played it is stale.
    Gained,
    /// Another process does (or the database cannot be reached).
    NotHeld,
}

/// A role and, while this process plays it, its leadership.
#[derive(Debug)]
pub struct Role {
    name: &'static str,
    lead: Option<Leadership>,
}

impl Role {
    /// The role `name`, not yet held.
    pub fn new(name: &'static str) -> Role {
        Role { name, lead: None }
    }

    /// Checks the role is still held, or tries to take it.
    pub async fn check(&mut self, store: &Store) -> Standing {
        if let Some(lead) = self.lead.as_mut() {
            if lead.is_held().await {
                return Standing::Held;
            }
            tracing::warn!(
                role = self.name,
                "lost the role with the database connection"
            );
            self.lead = None;
        }
        match store.try_lead(self.name).await {
            Ok(Some(lead)) => {
                tracing::info!(role = self.name, "this process now plays the role");
                self.lead = Some(lead);
                Standing::Gained
            }
            Ok(None) => Standing::NotHeld,
            Err(err) => {
                tracing::warn!(role = self.name, %err, "could not ask for the role");
                Standing::NotHeld
            }
        }
    }
}
