//! Story logic for Tidings.
