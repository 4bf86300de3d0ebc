//! The domain, pure: notes, contacts, dates, names and which files are notes.
//! Must not import tantivy, clap, notify, or touch the file system.

pub mod body;
pub mod cadence;
pub mod config;
pub mod fields;
pub mod frontmatter;
pub mod lookup;
pub mod model;
pub mod names;
pub mod note;
pub mod reading;
pub mod rules;
pub mod text;
