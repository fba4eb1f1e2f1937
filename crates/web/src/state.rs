//! What every request handler can reach.

use tidings_store::Store;

/// The web app's shared state. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The site's name, shown in the header and titles.
    pub site_name: String,
}

impl AppState {
    /// State over a store, with the default site name.
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            site_name: "Tidings".to_string(),
        }
    }
}
