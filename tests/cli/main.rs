//! The integration tests: one binary that runs the real `rapport` on
//! temporary vaults (see `harness.rs`), one module per command or area.
//! docs/ARCHITECTURE.md ("Tests") explains the layout and the environment
//! variables that switch on the slow and the timing checks.

// Test code: a failed expectation is a failed test, so helpers may panic like
// the tests themselves (clippy.toml only exempts `#[test]` functions).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod harness;

mod check_index;
mod concepts;
mod concurrency;
mod due_columns;
mod followups;
mod fresh;
mod freshness;
mod git_sync;
mod git_watch;
mod give;
mod hostile;
mod import;
mod json;
mod limits;
mod merge_props;
mod obsidian;
mod one_note;
mod readme;
mod robust;
mod safety;
mod search;
mod sync_search_model;
mod terminal;
mod topics_index;
mod values;
mod watch;
mod write;
