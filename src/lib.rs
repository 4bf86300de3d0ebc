//! rapport: a personal-networking memory over a folder of Markdown notes.
//!
//! Data flows one way: files on disk → `vault` (pure model) → `index`
//! (tantivy) → answers (`followup`, `topics`, queries) → `cli` rendering.

pub mod brief;
pub mod checks;
pub mod cli;
pub mod concepts;
pub mod dotdir;
pub mod edit;
pub mod followup;
pub mod ics;
pub mod import;
pub mod index;
pub mod journal;
pub mod ledger;
pub mod links;
pub mod merge;
pub mod session;
pub mod topics;
pub mod vault;
pub mod watch;
