//! Syncing a vault with git: a bare remote and two clones, `rapport init` in
//! each (the vault is a folder inside the repository), then both sides log,
//! edit, commit and `git pull --no-rebase`. The merge driver must make the
//! merges that should be clean clean, leave a conflict only around the one
//! line changed on both sides, and change nothing else.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::harness::{finish, rapport_cmd};
use tempfile::TempDir;

const TODAY: &str = "2026-11-26";
const NOTE: &str = "notes/people/anna.md";

const ANNA: &str = "---
name: Anna Schmidt
# where she works
company: Brandt Kommunikation
role: Communication trainer
location: Kiel   # since 2019
last_contact: 2026-10-12
next_contact: 2026-12-01
cadence: 6w
---
# Anna Schmidt

Met at the Kieler Woche.

## Log
- 2026-10-12 Coffee: talked about her NLP training.
- 2026-07-01 Call about speaker slots.

## Open
- [ ] send \"Getting to Yes\"
";

/// A remote and two clones, `a` and `b`, each with the vault in `notes/`.
struct Sync {
    root: TempDir,
}

impl Sync {
    fn new() -> Sync {
        let s = Sync {
            root: tempfile::Builder::new()
                .prefix("rapport-git-")
                .tempdir()
                .expect("tempdir"),
        };
        fs::write(s.root.path().join("gitconfig"), "").expect("global config");
        s.git_in(
            s.root.path(),
            &["init", "-q", "--bare", "-b", "main", "remote.git"],
        );
        s.clone_as("a");
        fs::create_dir_all(s.dir("a").join("notes/people")).expect("mkdir");
        fs::write(s.dir("a").join(NOTE), ANNA).expect("write note");
        let init = s.rapport("a", &["init"]);
        assert_eq!(init.code, 0, "{}", init.stderr);
        assert!(
            init.stdout.contains("created .rapport/config.toml"),
            "{}",
            init.stdout
        );
        assert!(
            init.stdout.contains("*.md merge=rapport"),
            "{}",
            init.stdout
        );
        s.git("a", &["add", "-A"]);
        s.git("a", &["commit", "-q", "-m", "vault"]);
        s.git("a", &["push", "-q", "-u", "origin", "main"]);
        s.clone_as("b");
        // the files are in the repository already: only b's git config is new
        let init = s.rapport("b", &["init"]);
        assert_eq!(init.code, 0, "{}", init.stderr);
        assert!(!init.stdout.contains("config.toml"), "{}", init.stdout);
        assert!(!init.stdout.contains(".gitattributes"), "{}", init.stdout);
        assert!(
            init.stdout.contains("merge.rapport.driver"),
            "{}",
            init.stdout
        );
        // and a second run changes nothing
        let again = s.rapport("b", &["init"]);
        assert!(again.stdout.contains("nothing changed"), "{}", again.stdout);
        s
    }

    fn dir(&self, side: &str) -> PathBuf {
        self.root.path().join(side)
    }

    fn env(&self, c: &mut Command) {
        c.env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.root.path().join("gitconfig"))
            .env("GIT_TERMINAL_PROMPT", "0")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE");
    }

    fn git_out(&self, dir: &Path, args: &[&str]) -> Output {
        let mut c = Command::new("git");
        c.current_dir(dir).args(args);
        self.env(&mut c);
        c.output().expect("run git")
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let out = self.git_out(dir, args);
        assert!(
            out.status.success(),
            "git {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn git(&self, side: &str, args: &[&str]) -> String {
        self.git_in(&self.dir(side), args)
    }

    fn clone_as(&self, side: &str) {
        self.git_in(self.root.path(), &["clone", "-q", "remote.git", side]);
        for (k, v) in [
            ("user.name", side),
            ("user.email", "test@example.org"),
            ("commit.gpgsign", "false"),
            ("core.autocrlf", "false"),
        ] {
            self.git(side, &["config", k, v]);
        }
    }

    fn rapport(&self, side: &str, args: &[&str]) -> crate::harness::Run {
        let mut c = rapport_cmd();
        c.current_dir(self.dir(side))
            .arg("--vault")
            .arg(self.dir(side).join("notes"))
            .args(["--today", TODAY])
            .args(args);
        self.env(&mut c);
        finish(c, None)
    }

    fn ok(&self, side: &str, args: &[&str]) -> String {
        let r = self.rapport(side, args);
        assert_eq!(r.code, 0, "rapport {args:?} in {side}: {}", r.stderr);
        r.stdout
    }

    fn read(&self, side: &str) -> String {
        fs::read_to_string(self.dir(side).join(NOTE)).expect("read note")
    }

    /// Replace `from` by `to` in the note, as an editor would.
    fn edit(&self, side: &str, from: &str, to: &str) {
        let text = self.read(side);
        assert!(text.contains(from), "{from:?} not in {text}");
        fs::write(self.dir(side).join(NOTE), text.replacen(from, to, 1)).expect("write");
    }

    fn commit(&self, side: &str, msg: &str) {
        self.git(side, &["add", NOTE]);
        self.git(side, &["commit", "-q", "-m", msg]);
    }

    /// a pushes; b pulls (a merge); the pull's output and success.
    fn a_pushes_b_pulls(&self) -> (bool, String) {
        self.git("a", &["push", "-q"]);
        let out = self.git_out(&self.dir("b"), &["pull", "--no-rebase", "--no-edit"]);
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    }

    /// The lines the merge commit on b changed against one parent (`^1`: b's
    /// own commit, `^2`: a's), as `+line` / `-line`, without the diff headers.
    fn merge_diff(&self, parent: &str) -> Vec<String> {
        let diff = self.git(
            "b",
            &[
                "diff",
                "--no-color",
                "-U0",
                &format!("HEAD{parent}"),
                "HEAD",
            ],
        );
        diff.lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .map(str::to_string)
            .collect()
    }
}

fn no_markers(text: &str) {
    for m in ["<<<<<<<", "=======", ">>>>>>>"] {
        assert!(!text.contains(m), "marker {m} in\n{text}");
    }
}

#[test]
fn both_log_and_the_merge_is_clean() {
    let s = Sync::new();
    s.ok(
        "a",
        &[
            "log",
            "anna",
            "--date",
            "2026-11-20",
            "Lunch at the harbour",
        ],
    );
    s.commit("a", "a logs");
    s.ok("b", &["log", "anna", "--next", "6w", "Walk on the beach"]);
    s.commit("b", "b logs");
    let (clean, out) = s.a_pushes_b_pulls();
    assert!(clean, "{out}");
    let text = s.read("b");
    no_markers(&text);
    assert!(text.contains(
        "## Log\n- 2026-11-26 Walk on the beach\n- 2026-11-20 Lunch at the harbour\n- 2026-10-12 Coffee"
    ), "{text}");
    assert!(text.contains("last_contact: 2026-11-26\n"), "{text}");
    assert!(text.contains("next_contact: 2027-01-07\n"), "{text}");
    let check = s.rapport("b", &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    // against b's own commit only a's entry is new; against a's only b's changes
    assert_eq!(s.merge_diff("^1"), ["+- 2026-11-20 Lunch at the harbour"]);
    assert_eq!(
        s.merge_diff("^2"),
        [
            "-last_contact: 2026-11-20",
            "-next_contact: 2026-12-01",
            "+last_contact: 2026-11-26",
            "+next_contact: 2027-01-07",
            "+- 2026-11-26 Walk on the beach",
        ]
    );
    // and back: a fast-forwards to the same note
    s.git("b", &["push", "-q"]);
    s.git("a", &["pull", "-q", "--no-rebase"]);
    assert_eq!(s.read("a"), text);
    let json: serde_json::Value =
        serde_json::from_str(&s.ok("a", &["--json", "show", "anna"])).expect("json");
    assert_eq!(json["last_contact"], "2026-11-26", "{json}");
}

#[test]
fn different_fields_and_open_items_merge_cleanly() {
    let s = Sync::new();
    s.edit("a", "company: Brandt Kommunikation", "company: Kiel AG");
    s.edit(
        "a",
        "- [ ] send \"Getting to Yes\"\n",
        "- [x] send \"Getting to Yes\"\n",
    );
    s.ok(
        "a",
        &["log", "anna", "--date", "2026-11-25", "Sent the book"],
    );
    s.commit("a", "a edits");
    s.edit(
        "b",
        "role: Communication trainer",
        "role: Negotiation coach",
    );
    s.edit(
        "b",
        "- [ ] send \"Getting to Yes\"\n",
        "- [ ] send \"Getting to Yes\"\n- [ ] introduce her to [[Jonas Weber]]\n",
    );
    s.ok("b", &["snooze", "anna", "2027-01-15"]);
    s.commit("b", "b edits");
    let (clean, out) = s.a_pushes_b_pulls();
    assert!(clean, "{out}");
    let text = s.read("b");
    no_markers(&text);
    for want in [
        "company: Kiel AG\nrole: Negotiation coach\n",
        "last_contact: 2026-11-25\n",
        "## Log\n- 2026-11-25 Sent the book\n- 2026-10-12 Coffee",
        "## Open\n- [x] send \"Getting to Yes\"\n- [ ] introduce her to [[Jonas Weber]]\n",
        "snooze_until: 2027-01-15\n",
    ] {
        assert!(text.contains(want), "{want:?} not in\n{text}");
    }
    // against b's own commit (which holds the snooze) the merge adds a's lines only
    assert_eq!(
        s.merge_diff("^1"),
        [
            "-company: Brandt Kommunikation",
            "+company: Kiel AG",
            "-last_contact: 2026-10-12",
            "+last_contact: 2026-11-25",
            "+- 2026-11-25 Sent the book",
            "-- [ ] send \"Getting to Yes\"",
            "+- [x] send \"Getting to Yes\"",
        ]
    );
    let check = s.rapport("b", &["check"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
}

#[test]
fn the_same_field_changed_on_both_sides_conflicts_on_that_line_only() {
    let s = Sync::new();
    s.edit(
        "a",
        "location: Kiel   # since 2019",
        "location: Hamburg   # since 2019",
    );
    s.ok("a", &["log", "anna", "--date", "2026-11-20", "Lunch"]);
    s.commit("a", "a moves her");
    s.edit(
        "b",
        "location: Kiel   # since 2019",
        "location: Berlin   # since 2019",
    );
    s.ok("b", &["log", "anna", "Walk"]);
    s.commit("b", "b moves her");
    let (clean, out) = s.a_pushes_b_pulls();
    assert!(!clean, "the pull should stop on the conflict: {out}");
    assert!(out.contains("CONFLICT"), "{out}");
    let text = s.read("b");
    assert_eq!(text.matches("<<<<<<<").count(), 1, "{text}");
    assert!(
        text.contains(
            "role: Communication trainer\n<<<<<<< ours\nlocation: Berlin   # since 2019\n=======\nlocation: Hamburg   # since 2019\n>>>>>>> theirs\nlast_contact: 2026-11-26\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("## Log\n- 2026-11-26 Walk\n- 2026-11-20 Lunch\n"),
        "{text}"
    );
    // the rest is the clean merge: the note without the markers is b's with a's entry
    let resolved = text.replace(
        "<<<<<<< ours\nlocation: Berlin   # since 2019\n=======\nlocation: Hamburg   # since 2019\n>>>>>>> theirs\n",
        "location: Berlin   # since 2019\n",
    );
    let b_side = s.git("b", &["show", &format!("HEAD:{NOTE}")]);
    assert_eq!(
        resolved,
        b_side.replace(
            "- 2026-11-26 Walk\n",
            "- 2026-11-26 Walk\n- 2026-11-20 Lunch\n"
        )
    );
    let check = s.rapport("b", &["check"]);
    assert_eq!(check.code, 1, "{}", check.stdout);
    assert!(check.stdout.contains("conflict"), "{}", check.stdout);
}

#[test]
fn merge_driver_exit_codes_without_a_vault() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = |n: &str| dir.path().join(n);
    fs::write(p("base"), "---\nrole: a\n---\nx\n").expect("write");
    fs::write(p("ours"), "---\nrole: b\n---\nx\n").expect("write");
    fs::write(p("theirs"), "---\nrole: c\n---\nx\ny\n").expect("write");
    let run = |args: &[&std::ffi::OsStr]| {
        let mut c = rapport_cmd();
        c.current_dir(dir.path()).arg("merge-driver").args(args);
        finish(c, None)
    };
    let (b, o, t) = (p("base"), p("ours"), p("theirs"));
    let r = run(&[
        b.as_os_str(),
        o.as_os_str(),
        t.as_os_str(),
        "people/x.md".as_ref(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("people/x.md: 1 conflict left"),
        "{}",
        r.stdout
    );
    assert_eq!(
        fs::read_to_string(&o).expect("read"),
        "---\n<<<<<<< ours\nrole: b\n=======\nrole: c\n>>>>>>> theirs\n---\nx\ny\n"
    );
    // clean, with --json
    fs::write(&o, "---\nrole: a\n---\nx\n").expect("write");
    let r = run(&[
        "--json".as_ref(),
        b.as_os_str(),
        o.as_os_str(),
        t.as_os_str(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(
        (v["how"].as_str(), v["conflicts"].as_u64()),
        (Some("contact"), Some(0))
    );
    assert_eq!(
        fs::read_to_string(&o).expect("read"),
        "---\nrole: c\n---\nx\ny\n"
    );
    // a missing file: exit 2, one line naming the note, OURS untouched
    let missing = p("nope");
    let r = run(&[
        missing.as_os_str(),
        o.as_os_str(),
        t.as_os_str(),
        "people/x.md".as_ref(),
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("rapport: people/x.md: cannot read the base version"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&o).expect("read"),
        "---\nrole: c\n---\nx\ny\n"
    );
    // no index or .rapport/ was made anywhere
    assert!(!dir.path().join(".rapport").exists());
}
