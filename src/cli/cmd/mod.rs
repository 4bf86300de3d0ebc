//! One file per command.

pub mod brief;
pub mod check;
pub mod completions;
pub mod due;
pub mod export;
pub mod give;
pub mod import;
pub mod index;
pub mod init;
pub mod log;
pub mod matching;
pub mod merge_driver;
pub mod new;
pub mod search;
pub mod show;
pub mod snooze;
pub mod topics;
pub mod watch;

use serde::Serialize;

use crate::cli::render::{Out, YELLOW};
use crate::vault::note::{Code, Note, untrusting};

/// A problem that may have kept facts out of an answer.
#[derive(Serialize)]
pub struct Trouble {
    pub path: String,
    pub line: Option<usize>,
    pub code: Code,
    pub message: String,
}

/// The problems of `notes` that an answer built on them should mention.
pub fn troubles<'a>(notes: impl IntoIterator<Item = &'a Note>) -> Vec<Trouble> {
    notes
        .into_iter()
        .flat_map(|n| {
            untrusting(n).map(|p| Trouble {
                path: n.path.clone(),
                line: p.line,
                code: p.code,
                message: p.message.clone(),
            })
        })
        .collect()
}

/// An answer in JSON with the problems behind it (`problems`, left out when
/// there are none).
#[derive(Serialize)]
pub struct WithProblems<'a, T: Serialize> {
    #[serde(flatten)]
    pub answer: &'a T,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Trouble>,
}

/// The closing line of a human answer when notes it used have problems.
pub fn trouble_line(out: &mut Out, t: &[Trouble]) {
    if t.is_empty() || out.quiet {
        return;
    }
    let mut paths: Vec<&str> = t.iter().map(|t| t.path.as_str()).collect();
    paths.dedup();
    let what = match paths.as_slice() {
        [one] => format!("{one} has"),
        many => format!("{} notes have", many.len()),
    };
    let line = out.styled(
        YELLOW,
        &format!(
            "{what} front-matter errors or merge-conflict markers; some facts may be missing (see `rapport check`)"
        ),
    );
    out.line(line);
}
