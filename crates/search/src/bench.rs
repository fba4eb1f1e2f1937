//! Benchmark (placeholder).
