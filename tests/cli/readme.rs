//! The README's console examples, run: every `$ rapport …` line of a
//! ```` ```console ```` block in README.md is run in a temporary folder that
//! holds a copy of `sample-vault/` (so the repository is never written to),
//! and its stdout must be exactly the lines below it, up to the next `$` line
//! or the end of the block (blank lines before the next `$` separate the
//! examples). A line `...` on its own stands for any number of lines, `[..]`
//! for any text within a line (snapbox's wildcards). Colour is off: stdout is
//! a pipe and no colour variable is passed on.

use std::fs;
use std::path::Path;

use crate::harness::{TestVault, copy_vault, finish, rapport_cmd, sample_vault};

/// One example: the README line of its `$`, the command, the expected stdout.
struct Example {
    line: usize,
    command: String,
    expected: String,
}

/// The `$` examples of every ```` ```console ```` block of a Markdown text.
fn examples(markdown: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in markdown.lines().enumerate() {
        if !in_console {
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.starts_with("```") {
            in_console = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                line: i + 1,
                command: command.to_string(),
                expected: String::new(),
            });
        } else if let Some(ex) = out.last_mut() {
            ex.expected.push_str(line);
            ex.expected.push('\n');
        } else {
            panic!("README.md:{}: output before the first `$` line", i + 1);
        }
    }
    assert!(!in_console, "README.md: a ```console block is not closed");
    for ex in &mut out {
        let kept = ex.expected.trim_end_matches('\n').len();
        ex.expected.truncate(kept);
        ex.expected.push('\n');
    }
    out
}

#[test]
fn readme_console_examples_are_what_the_binary_prints() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = fs::read_to_string(&readme).expect("read README.md");
    let examples = examples(&text);
    // the session has a dozen; fewer means the blocks were not found
    assert!(
        examples.len() >= 8,
        "only {} console examples found in README.md",
        examples.len()
    );
    let work = TestVault::new();
    copy_vault(&sample_vault(), &work.abs("sample-vault"));
    for ex in &examples {
        let words = shlex::split(&ex.command)
            .unwrap_or_else(|| panic!("README.md:{}: cannot split {:?}", ex.line, ex.command));
        assert_eq!(
            words.first().map(String::as_str),
            Some("rapport"),
            "README.md:{}: an example runs rapport",
            ex.line
        );
        let mut cmd = rapport_cmd();
        cmd.current_dir(work.path()).args(&words[1..]);
        let run = finish(cmd, None);
        assert_eq!(
            run.code, 0,
            "README.md:{}: $ {}\nstderr: {}",
            ex.line, ex.command, run.stderr
        );
        eprintln!("README.md:{}: $ {}", ex.line, ex.command);
        snapbox::Assert::new().eq(run.stdout, ex.expected.as_str());
    }
    // the examples ran in the copy, and the repository's vault has no cache
    assert!(
        !sample_vault()
            .join(".rapport")
            .read_dir()
            .expect("sample-vault/.rapport")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("cache-")),
        "an example wrote into sample-vault/.rapport"
    );
}
