//! Test helper: a vault in a tempdir and the real `rapport` binary run on it.
//!
//! `TestVault::new().note("people/a.md", "...")` builds the vault; `run`
//! returns (exit code, stdout, stderr); `json` parses `--json` output;
//! `hash_all` fingerprints every file for read-only checks.

// Test support code: a failed expectation here is a failed test, so it may
// panic like the tests themselves (clippy.toml only exempts `#[test]` fns).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Output, Stdio};
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

/// Wall-clock promises (a save is searchable within a second, a command
/// takes under N seconds, doubling the input at most triples the time) are
/// checked only when `RAPPORT_TIMING=1`: on a loaded machine they fail for
/// reasons that are not bugs. Without it the same waits run to
/// [`GENEROUS`] and only a hang fails.
pub fn timing() -> bool {
    std::env::var_os("RAPPORT_TIMING").is_some_and(|v| v == "1")
}

/// How long a correctness test waits for something that should happen at once.
pub const GENEROUS: Duration = Duration::from_secs(60);

/// The time allowed for something promised within `promise`: the promise
/// itself with `RAPPORT_TIMING=1`, else at least [`GENEROUS`].
pub fn promised(promise: Duration) -> Duration {
    if timing() {
        promise
    } else {
        promise.max(GENEROUS)
    }
}

/// A `rapport` command with a clean environment (no user vault, no colour
/// settings or editor leaking in from the developer's shell).
pub fn rapport_cmd() -> Command {
    let mut c = Command::new(bin());
    c.env_remove("RAPPORT_VAULT")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .stdin(Stdio::null());
    c
}

/// `rapport --vault ROOT` with a clean environment, arguments to follow.
pub fn vault_cmd(root: &Path) -> Command {
    let mut c = rapport_cmd();
    c.arg("--vault").arg(root);
    c
}

/// Run to completion (see [`finish`]): (exit code, stdout, stderr).
pub fn run_cmd(cmd: Command) -> (i32, String, String) {
    let r = finish(cmd, None);
    (r.code, r.stdout, r.stderr)
}

/// Wait for `child` to exit, at most `limit`; `None` when it is still running.
pub fn wait_deadline(child: &mut std::process::Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return Some(s);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
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
    let Some(status) = wait_deadline(&mut child, CMD_TIMEOUT) else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("rapport did not finish within {CMD_TIMEOUT:?}: {cmd:?}");
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
    /// The vault folder: the tempdir itself, or `vault/` inside it.
    root: PathBuf,
    /// `--today` for every command (see [`Self::today`]).
    today: Option<String>,
}

impl Default for TestVault {
    fn default() -> Self {
        TestVault::new()
    }
}

impl TestVault {
    pub fn new() -> TestVault {
        let dir = tempfile::Builder::new()
            .prefix("rapport-test-")
            .tempdir()
            .expect("tempdir");
        TestVault {
            root: dir.path().to_path_buf(),
            dir,
            today: None,
        }
    }

    /// A vault one level down in its tempdir (`<tmp>/vault`), so the vault
    /// folder itself can be moved away and replaced; [`Self::outer`] is the
    /// tempdir.
    pub fn nested() -> TestVault {
        let v = TestVault::new();
        let root = v.dir.path().join("vault");
        fs::create_dir_all(&root).expect("mkdir");
        TestVault { root, ..v }
    }

    /// The tempdir that holds the vault (the vault itself unless `nested`).
    pub fn outer(&self) -> &Path {
        self.dir.path()
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

    /// Builder: every command below runs with `--today DATE`.
    pub fn today(self, date: &str) -> TestVault {
        TestVault {
            today: Some(date.to_string()),
            ..self
        }
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
        &self.root
    }

    pub fn abs(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
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
        let mut c = vault_cmd(self.path());
        if let Some(d) = &self.today {
            c.arg("--today").arg(d);
        }
        c.args(args);
        c
    }

    /// Run and return (exit code, stdout, stderr). Fails on a panic or hang.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_cmd(self.cmd(args))
    }

    /// Run as [`TestVault::run`] with `RAPPORT_WHOLE_MODEL=1`: the reports
    /// computed over every note, the reference the answers from the index
    /// are compared with.
    pub fn run_whole_model(&self, args: &[&str]) -> (i32, String, String) {
        let mut c = self.cmd(args);
        c.env("RAPPORT_WHOLE_MODEL", "1");
        run_cmd(c)
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
        copy_vault(self.path(), to.path());
        to
    }

    /// A copy of the bundled `sample-vault/` (without its cache), the vault
    /// of the README and of the JSON snapshots.
    pub fn sample() -> TestVault {
        let to = TestVault::new();
        copy_vault(&sample_vault(), to.path());
        to
    }

    /// Run `git ARGS` in the vault, whatever its exit status.
    pub fn git_output(&self, args: &[&str]) -> std::process::Output {
        Command::new("git")
            .current_dir(self.path())
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .expect("run git")
    }

    /// Run `git ARGS` in the vault; fail on error.
    pub fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
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

/// The bundled `sample-vault/` of the repository.
pub fn sample_vault() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-vault")
}

/// Copy every file below `from` into `to`, except rapport's cache
/// (`.rapport/cache-*`, `.rapport/index`) and `.git/`.
pub fn copy_vault(from: &Path, to: &Path) {
    for e in WalkDir::new(from).follow_links(false) {
        let e = e.expect("walk");
        let rel = e.path().strip_prefix(from).expect("below root");
        let rs = rel.to_string_lossy();
        if rs.is_empty() || rs.starts_with(".rapport/cache-") || rs.starts_with(".rapport/index") {
            continue;
        }
        if rs.starts_with(".git/") || rs == ".git" {
            continue;
        }
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).expect("mkdir");
        } else if e.file_type().is_file() {
            fs::copy(e.path(), &dest).expect("copy");
        }
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
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} ({timeout:?})"
        );
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

/// Does `program ARGS` run and succeed here (installed, permitted)?
pub fn tool_works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
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
    let child = vault_cmd(v.path())
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

/// `examples/gen_vault`, built beside this test binary by a plain `cargo
/// test` (`target/<profile>/deps/cli-…` → `target/<profile>/examples/`);
/// `None` when it is not there (`cargo test --test cli` alone builds no
/// examples).
pub fn gen_vault() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile = exe.parent()?.parent()?;
    let p = profile
        .join("examples")
        .join(format!("gen_vault{}", std::env::consts::EXE_SUFFIX));
    p.is_file().then_some(p)
}
