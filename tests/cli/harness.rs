//! Test helper: a vault in a tempdir and the real `rapport` binary run on it.
//!
//! `TestVault::new().note("people/a.md", "...")` builds the vault; `run`
//! returns (exit code, stdout, stderr); `json` parses `--json` output;
//! `hash_all` fingerprints every file for read-only checks.

// Each test binary uses a different part of this helper.
#![allow(dead_code)]
// Test support code: a failed expectation here is a failed test, so it may
// panic like the tests themselves (clippy.toml only exempts `#[test]` fns).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;
use walkdir::WalkDir;

/// No single command of the suite should take longer than this, even on a
/// loaded 2-core machine; a hang (a FIFO read, a lock wait) fails the test.
pub const CMD_TIMEOUT: Duration = Duration::from_secs(120);

/// The binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rapport"))
}

/// A `rapport` command with a clean environment (no user vault, no colour
/// settings leaking in from the developer's shell).
pub fn rapport_cmd() -> Command {
    let mut c = Command::new(bin());
    c.env_remove("RAPPORT_VAULT")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::null());
    c
}

/// The outcome of one run.
#[derive(Debug, Clone)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run to completion with a deadline; kill and fail on a hang.
pub fn finish(mut cmd: Command, stdin: Option<&[u8]>) -> Run {
    use std::io::Write;
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("spawn rapport");
    if let Some(bytes) = stdin {
        let mut si = child.stdin.take().expect("stdin");
        si.write_all(bytes).expect("write stdin");
    }
    // Drain the pipes on threads so a large output cannot block the child.
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut so, &mut b).map(|_| b)
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut se, &mut b).map(|_| b)
    });
    let deadline = Instant::now() + CMD_TIMEOUT;
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rapport did not finish within {CMD_TIMEOUT:?}: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = Output {
        status,
        stdout: t_out.join().expect("join").expect("read stdout"),
        stderr: t_err.join().expect("join").expect("read stderr"),
    };
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "rapport panicked running {cmd:?}:\n{}",
        r.stderr
    );
    r
}

/// A vault in a temporary folder.
pub struct TestVault {
    dir: TempDir,
}

impl Default for TestVault {
    fn default() -> Self {
        TestVault::new()
    }
}

impl TestVault {
    pub fn new() -> TestVault {
        TestVault {
            dir: tempfile::Builder::new()
                .prefix("rapport-test-")
                .tempdir()
                .expect("tempdir"),
        }
    }

    /// The cache folder `.rapport/cache-*/` (the one with the newest stat
    /// cache when there are several).
    pub fn cache_dir(&self) -> Option<PathBuf> {
        let mut v: Vec<PathBuf> = fs::read_dir(self.abs(".rapport"))
            .ok()?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("cache-"))
            .map(|e| e.path())
            .collect();
        v.sort_by_key(|d| {
            fs::metadata(d.join("index/rapport-state"))
                .and_then(|m| m.modified())
                .ok()
        });
        v.pop()
    }

    /// The index folder, vault-relative (for `read`, `write`, `remove`).
    pub fn index_rel(&self) -> String {
        let d = self.index_dir();
        d.strip_prefix(self.path())
            .map(|r| r.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// `.rapport/cache-*/index`, the index folder.
    pub fn index_dir(&self) -> PathBuf {
        self.cache_dir()
            .map(|c| c.join("index"))
            .unwrap_or_else(|| self.abs(".rapport/no-cache-yet/index"))
    }

    /// Builder form of `write`.
    pub fn note(self, rel: &str, text: &str) -> TestVault {
        self.write(rel, text);
        self
    }

    /// Builder: `.rapport/config.toml`.
    pub fn config(self, toml: &str) -> TestVault {
        self.write(".rapport/config.toml", toml);
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Write a file (creating folders), replacing any content.
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.abs(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, bytes).unwrap_or_else(|e| panic!("write {rel}: {e}"));
    }

    /// Save the way editors do: write a temp file beside it, rename over.
    pub fn write_via_rename(&self, rel: &str, text: &str) {
        let tmp = format!("{rel}.rapport-test.tmp");
        self.write(&tmp, text);
        self.rename(&tmp, rel);
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.abs(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn rename(&self, from: &str, to: &str) {
        let t = self.abs(to);
        if let Some(parent) = t.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::rename(self.abs(from), t).unwrap_or_else(|e| panic!("rename {from} → {to}: {e}"));
    }

    pub fn remove(&self, rel: &str) {
        let p = self.abs(rel);
        if p.is_dir() {
            fs::remove_dir_all(&p).unwrap_or_else(|e| panic!("rm -r {rel}: {e}"));
        } else {
            fs::remove_file(&p).unwrap_or_else(|e| panic!("rm {rel}: {e}"));
        }
    }

    pub fn mkdir(&self, rel: &str) {
        fs::create_dir_all(self.abs(rel)).expect("mkdir");
    }

    /// `rapport --vault DIR ARGS...` as a Command, not yet run.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = rapport_cmd();
        c.arg("--vault").arg(self.path()).args(args);
        c
    }

    /// Run and return (exit code, stdout, stderr). Fails on a panic or hang.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let r = finish(self.cmd(args), None);
        (r.code, r.stdout, r.stderr)
    }

    /// Run with `stdin` fed to the process.
    pub fn run_stdin(&self, args: &[&str], stdin: &[u8]) -> (i32, String, String) {
        let r = finish(self.cmd(args), Some(stdin));
        (r.code, r.stdout, r.stderr)
    }

    /// Run with `--json`, expect exit 0 or 1, and parse stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        self.json_code(args).1
    }

    /// Run with `--json` and return the exit code too (0 or 1 only).
    pub fn json_code(&self, args: &[&str]) -> (i32, Value) {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let (code, out, err) = self.run(&a);
        assert!(
            code == 0 || code == 1,
            "rapport {a:?} exited {code}\nstdout: {out}\nstderr: {err}"
        );
        let v = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("rapport {a:?}: stdout is not JSON ({e}):\n{out}"));
        (code, v)
    }

    /// Run, expecting exit 0, and return stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "rapport {args:?}\nstdout: {out}\nstderr: {err}");
        out
    }

    /// Paths of `search --json` hits, in rank order.
    pub fn search_paths(&self, query: &str) -> Vec<String> {
        let v = self.json(&["search", "--limit", "1000", query]);
        paths(&v["hits"])
    }

    /// Every file (not folder) below the vault: relative path → content hash.
    /// Symlinks are recorded by their target, never followed.
    pub fn hash_all(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for e in WalkDir::new(self.path()).follow_links(false) {
            let e = e.expect("walk");
            let rel = e
                .path()
                .strip_prefix(self.path())
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            let ft = e.file_type();
            let fp = if ft.is_symlink() {
                format!(
                    "symlink → {}",
                    fs::read_link(e.path()).expect("readlink").display()
                )
            } else if ft.is_file() {
                match fs::read(e.path()) {
                    Ok(b) => blake3::hash(&b).to_hex().to_string(),
                    Err(err) => format!("unreadable: {}", err.kind()),
                }
            } else if ft.is_dir() {
                continue;
            } else {
                "special file".to_string()
            };
            out.insert(rel, fp);
        }
        out
    }

    /// A copy of every file except the cache (`.rapport/cache-*`), in a new vault.
    pub fn copy(&self) -> TestVault {
        let to = TestVault::new();
        for e in WalkDir::new(self.path()).follow_links(false) {
            let e = e.expect("walk");
            let rel = e.path().strip_prefix(self.path()).expect("below root");
            let rs = rel.to_string_lossy();
            if rs.is_empty()
                || rs.starts_with(".rapport/cache-")
                || rs.starts_with(".rapport/index")
            {
                continue;
            }
            if rs.starts_with(".git/") || rs == ".git" {
                continue;
            }
            let dest = to.path().join(rel);
            if e.file_type().is_dir() {
                fs::create_dir_all(&dest).expect("mkdir");
            } else if e.file_type().is_file() {
                fs::copy(e.path(), &dest).expect("copy");
            }
        }
        to
    }

    /// Run `git ARGS` in the vault; fail on error.
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .expect("run git");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git init` with a local identity and no hooks or signing.
    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["config", "user.name", "Rapport Test"]);
        self.git(&["config", "user.email", "test@example.org"]);
        self.git(&["config", "commit.gpgsign", "false"]);
        self.git(&["config", "core.autocrlf", "false"]);
    }
}

/// The `path` of each element of a JSON array.
pub fn paths(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|h| h["path"].as_str().expect("path").to_string())
        .collect()
}

/// The `name` of each element of a JSON array.
pub fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|h| h["name"].as_str().expect("name").to_string())
        .collect()
}

/// The keys of a JSON object, sorted.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// Poll `f` until it returns `Some`, or fail after `timeout`.
pub fn poll<T>(timeout: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Run a command as `nobody` (65534), to test permissions when the suite
/// runs as root, which reads through mode 000.
pub trait AsNobody {
    fn uid_gid_nobody(&mut self) -> &mut Self;
}

impl AsNobody for Command {
    fn uid_gid_nobody(&mut self) -> &mut Self {
        use std::os::unix::process::CommandExt;
        self.uid(65534).gid(65534)
    }
}

/// Can `nobody` run the binary here at all (its path must be reachable)?
pub fn nobody_can_run() -> bool {
    Command::new(bin())
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .uid_gid_nobody()
        .status()
        .is_ok_and(|s| s.success())
}

/// Take the index writer lock the way another rapport process (a `watch`)
/// holds it, for as long as the file lives: a lock on the open cache folder
/// (made by a first `index` if there is none).
pub fn hold_writer(v: &TestVault) -> fs::File {
    if v.cache_dir().is_none() {
        v.ok(&["index"]);
    }
    let f = fs::File::open(v.cache_dir().expect("a cache folder")).expect("open cache");
    f.try_lock().expect("lock is free");
    f
}

/// Is the index writer held by some process now?
pub fn writer_held(v: &TestVault) -> bool {
    v.cache_dir()
        .and_then(|d| fs::File::open(d).ok())
        .is_some_and(|f| matches!(f.try_lock(), Err(fs::TryLockError::WouldBlock)))
}

/// Start `rapport watch ARGS` on the vault (stdout discarded, stderr kept
/// for the caller) and wait until it holds the index writer.
pub fn spawn_watch(v: &TestVault, args: &[&str]) -> std::process::Child {
    let child = rapport_cmd()
        .arg("--vault")
        .arg(v.path())
        .arg("watch")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("watch");
    poll(Duration::from_secs(60), "watch to start", || {
        writer_held(v).then_some(())
    });
    child
}
