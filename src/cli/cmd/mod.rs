//! One file per command.

pub mod check;
pub mod due;
pub mod index;
pub mod matching;
pub mod search;
pub mod show;
pub mod topics;
pub mod watch;
