#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Hostile vaults: odd file names, extreme sizes and depths, YAML
//! bombs, closed folders, permissive umasks, and no network. Each case runs
//! the real binary: no panic (`crate::harness::finish` fails on "panicked"), no hang
//! (the helper's deadline, plus explicit bounds), a clear `check` problem
//! where the case is one, and the rest of the vault indexed and searchable.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{AsNobody, TestVault, finish, paths, promised, tool_works};

const GOOD: &str = "---\nname: Good Person\ninterests: [sailing]\n---\ngood text\n";

/// `check --json` problems, each checked for the stable keys.
fn problems(v: &TestVault) -> (i32, Vec<Value>) {
    let (code, r) = v.json_code(&["check"]);
    let ps = r["problems"].as_array().expect("problems").clone();
    for p in &ps {
        assert_eq!(
            crate::harness::keys(p),
            vec!["code", "column", "line", "message", "path", "severity"],
            "{p}"
        );
    }
    (code, ps)
}

/// The problems reported for `path`.
fn problems_for<'a>(ps: &'a [Value], path: &str) -> Vec<&'a Value> {
    ps.iter().filter(|p| p["path"] == path).collect()
}

/// Run `f`, failing when it takes longer than `limit` with
/// `RAPPORT_TIMING=1`, else longer than the generous bound of `promised`
/// (only a blow-up or a hang fails on a loaded machine).
fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let limit = promised(limit);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    eprintln!("{what}: {took:?}");
    assert!(took < limit, "{what} took {took:?}, more than {limit:?}");
    out
}

// 1. Spaces, emoji, NFC and NFD file names

const NFC: &str = "people/M\u{fc}ller.md";
const NFD: &str = "people/Mu\u{308}ller.md";

#[test]
fn unicode_file_names_are_indexed_and_printed_as_stored() {
    let v = TestVault::new()
        .note(
            NFC,
            "---\nname: J\u{fc}rgen M\u{fc}ller\n---\nnfc aardvark\n",
        )
        .note(NFD, "---\nname: Hans Mu\u{308}ller\n---\nnfd badger\n")
        .note("people/with  two spaces .md", "space cat\n")
        .note(
            "people/\u{1f389} party \u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}.md",
            "---\nname: Emoji Person\n---\nemoji dingo\n",
        )
        .note("people/good.md", GOOD);
    // two distinct files on disk, byte-wise
    let listed: Vec<String> = fs::read_dir(v.abs("people"))
        .expect("ls")
        .map(|e| e.expect("entry").file_name().into_string().expect("utf-8"))
        .collect();
    assert!(listed.contains(&"M\u{fc}ller.md".to_string()));
    assert!(listed.contains(&"Mu\u{308}ller.md".to_string()));

    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 5, "{idx}");
    assert_eq!(idx["errors"], 0, "{idx}");
    // search prints each path exactly as stored: NFC stays NFC, NFD stays NFD
    assert_eq!(v.search_paths("aardvark"), vec![NFC]);
    assert_eq!(v.search_paths("badger"), vec![NFD]);
    assert_eq!(v.search_paths("cat"), vec!["people/with  two spaces .md"]);
    assert_eq!(
        v.search_paths("dingo"),
        vec!["people/\u{1f389} party \u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}.md"]
    );
    // the names fold alike (`Müller` = `Müller`), so either spelling finds both
    let mut both = v.search_paths("name:M\u{fc}ller");
    both.sort();
    let mut want = vec![NFC.to_string(), NFD.to_string()];
    want.sort();
    assert_eq!(both, want);
    // `show` finds each by its full name, in either normalization
    assert_eq!(v.json(&["show", "J\u{fc}rgen M\u{fc}ller"])["path"], NFC);
    assert_eq!(
        v.json(&["show", "Ju\u{308}rgen Mu\u{308}ller"])["path"],
        NFC
    );
    assert_eq!(v.json(&["show", "Hans M\u{fc}ller"])["path"], NFD);
    assert_eq!(v.json(&["show", "Emoji"])["name"], "Emoji Person");
    // the shared stem is ambiguous: a clear error naming both files
    let (code, _, err) = v.run(&["show", "M\u{fc}ller"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ambiguous"), "{err}");
    assert!(err.contains(NFC) && err.contains(NFD), "{err}");
    // different names: nothing to report
    let (code, ps) = problems(&v);
    assert_eq!(code, 0);
    assert!(ps.is_empty(), "{ps:?}");
}

#[test]
fn nfc_and_nfd_twins_named_by_their_stem_are_duplicates() {
    // Without front matter names, both notes are named by their stem, which
    // folds to the same `muller`: by the naming rules (docs/commands.md, "check") a duplicate name, a warning.
    let v = TestVault::new()
        .note(NFC, "---\ninterests: [chess]\n---\nnfc aardvark\n")
        .note(NFD, "---\ninterests: [chess]\n---\nnfd badger\n")
        .note(
            "people/linker.md",
            "---\nname: Linker\n---\nsee [[M\u{fc}ller]]\n",
        );
    let (code, ps) = problems(&v);
    assert_eq!(code, 0, "warnings only: {ps:?}");
    // one warning for the pair, on the first path in sorted order
    let (first, other) = if NFC < NFD { (NFC, NFD) } else { (NFD, NFC) };
    let mine = problems_for(&ps, first);
    assert_eq!(mine.len(), 1, "{ps:?}");
    assert_eq!(mine[0]["code"], "duplicate");
    assert_eq!(mine[0]["severity"], "warning");
    assert!(
        mine[0]["message"].as_str().expect("msg").contains(other),
        "{ps:?}"
    );
    assert!(problems_for(&ps, other).is_empty(), "{ps:?}");
    // the link resolves (to both), so it is not reported as broken
    assert!(problems_for(&ps, "people/linker.md").is_empty(), "{ps:?}");
    assert_eq!(v.search_paths("aardvark"), vec![NFC]);
    assert_eq!(v.search_paths("badger"), vec![NFD]);
    // `show` lists the link once, resolved to one of the twins
    let show = v.json(&["show", "Linker"]);
    let out = paths(&show["links_out"]);
    assert_eq!(out.len(), 1, "{show}");
    assert!(out[0] == NFC || out[0] == NFD, "{show}");
}

// 2. File names of 255 bytes (the ext4 maximum)

#[test]
fn file_names_of_255_bytes_work_for_every_command() {
    let ascii = format!("{}.md", "a".repeat(252));
    let umlauts = format!("{}xy.md", "\u{fc}".repeat(125));
    let cjk = format!("{}.md", "\u{65e5}".repeat(84));
    for n in [&ascii, &umlauts, &cjk] {
        assert_eq!(n.len(), 255, "{n}");
    }
    let v = TestVault::new()
        .note(&ascii, "---\nname: Long Ascii\n---\nlong ascii narwhal\n")
        .note(&umlauts, "---\ntags: [t]\n---\nlong umlaut okapi\n")
        .note(&cjk, "long cjk tapir\n")
        .note("good.md", GOOD);
    let idx = v.json(&["index"]);
    assert_eq!(idx["notes"], 4, "{idx}");
    assert_eq!(idx["errors"], 0, "{idx}");
    assert_eq!(v.search_paths("narwhal"), vec![ascii.clone()]);
    assert_eq!(v.search_paths("okapi"), vec![umlauts.clone()]);
    assert_eq!(v.search_paths("tapir"), vec![cjk.clone()]);
    assert_eq!(v.json(&["show", "Long Ascii"])["path"], ascii.as_str());
    let stem = umlauts.trim_end_matches(".md");
    assert_eq!(v.json(&["show", stem])["path"], umlauts.as_str());
    let (code, ps) = problems(&v);
    assert_eq!((code, ps.len()), (0, 0), "{ps:?}");
    // a write: the temp file beside the note must not need a longer name
    let (code, _, err) = v.run(&["--today", "2026-11-26", "log", "Long Ascii", "met again"]);
    assert_eq!(code, 0, "{err}");
    assert!(v.read(&ascii).contains("- 2026-11-26 met again"));
    let leftovers: Vec<_> = fs::read_dir(v.path())
        .expect("ls")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("rapport-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // `new` with a name whose file name would pass 255 bytes: a clear error
    let long_name = "Zebra ".repeat(60);
    let (code, out, err) = v.run(&["new", long_name.trim()]);
    assert!(code == 0 || code == 2, "{out}{err}");
    if code == 2 {
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert_eq!(v.search_paths("narwhal"), vec![ascii]);
}

// 3. Very deep folders

fn nest(levels: usize, seg: &str) -> String {
    let mut rel = String::new();
    for i in 0..levels {
        if i > 0 {
            rel.push('/');
        }
        rel.push_str(&format!("{seg}{i:03}"));
    }
    rel
}

#[test]
fn deep_folders_are_walked_or_reported_without_overflow() {
    let v = TestVault::new().note("good.md", GOOD);
    // 200 levels, 3.8 KB of path: below PATH_MAX, walked
    let deep = nest(200, "d00000000000000");
    assert!(deep.len() > 3500);
    v.write(
        &format!("{deep}/deep.md"),
        "---\nname: Deep Down\n---\ndeep quokka\n",
    );
    // 300 one-letter levels: past the walk's 256-level guard, reported
    let deeper = nest(300, "e");
    v.write(&format!("{deeper}/deeper.md"), "deeper hyrax\n");
    // 230 levels of 20 bytes: the absolute path passes PATH_MAX (4096). No
    // single path that long can be created, so build the lower 130 levels
    // apart and move them under the upper 100 in one rename.
    let seg = |i: usize| format!("f{i:018}");
    let upper: Vec<String> = (0..100).map(seg).collect();
    let lower: Vec<String> = (100..230).map(seg).collect();
    v.mkdir(&upper.join("/"));
    v.write(
        &format!("apart/{}/far.md", lower.join("/")),
        "far tarsier\n",
    );
    v.rename(
        &format!("apart/{}", lower[0]),
        &format!("{}/{}", upper.join("/"), lower[0]),
    );
    v.remove("apart");
    assert!(v.path().as_os_str().len() + 230 * 20 > 4096);
    let idx = within(Duration::from_secs(60), "index of deep folders", || {
        v.json(&["index"])
    });
    let deep_note = format!("{deep}/deep.md");
    assert_eq!(v.search_paths("quokka"), vec![deep_note.clone()]);
    assert_eq!(v.json(&["show", "Deep Down"])["path"], deep_note.as_str());
    assert_eq!(v.search_paths("good"), vec!["good.md"]);
    let (_, ps) = problems(&v);
    // too deep: a `depth` warning naming the folder where the walk stopped
    let depth: Vec<&Value> = ps.iter().filter(|p| p["code"] == "depth").collect();
    assert_eq!(depth.len(), 1, "{ps:?}");
    assert!(deeper.starts_with(depth[0]["path"].as_str().expect("path")));
    assert!(v.search_paths("hyrax").is_empty());
    // past PATH_MAX: the first folder whose path is too long cannot be
    // read, an `io` error that says why, never a crash
    let io: Vec<&Value> = ps.iter().filter(|p| p["code"] == "io").collect();
    assert_eq!(io.len(), 1, "{ps:?}");
    assert_eq!(io[0]["severity"], "error");
    assert!(io[0]["path"].as_str().expect("path").starts_with("f000"));
    assert!(
        io[0]["message"].as_str().expect("msg").contains("PATH_MAX"),
        "{}",
        io[0]
    );
    assert!(v.search_paths("tarsier").is_empty());
    assert_eq!(idx["errors"], 1, "{idx}");
}

// 4. 100k tiny notes

#[test]
fn a_hundred_thousand_tiny_notes() {
    let v = TestVault::new();
    let start = Instant::now();
    for d in 0..100 {
        let dir = v.abs(&format!("f{d:03}"));
        fs::create_dir(&dir).expect("mkdir");
        for i in 0..1000 {
            let n = d * 1000 + i;
            fs::write(dir.join(format!("n{n:06}.md")), format!("w{n}\n")).expect("write");
        }
    }
    eprintln!("generated 100k notes in {:?}", start.elapsed());
    // measured: ~6 s for the debug binary on an idle 2-core machine
    let idx = within(Duration::from_secs(100), "index of 100k notes", || {
        v.json(&["index"])
    });
    assert_eq!(idx["notes"], 100_000, "{idx}");
    assert_eq!(idx["errors"], 0, "{idx}");
    // a read command's sync over an unchanged vault: ~2 s measured
    within(Duration::from_secs(60), "search in 100k notes", || {
        assert_eq!(v.search_paths("w54321"), vec!["f054/n054321.md"]);
    });
    fs::write(v.abs("f099/n099999.md"), "changed wombat\n").expect("write");
    within(Duration::from_secs(60), "search after one change", || {
        assert_eq!(v.search_paths("wombat"), vec!["f099/n099999.md"]);
    });
}

// 5. A note with 10k wiki links

#[test]
fn ten_thousand_wiki_links() {
    let mut hub = String::from("---\nname: Hub\ninterests: [sailing]\n---\n");
    for i in 0..10_000 {
        hub.push_str(&format!("[[Person {i}]] "));
        if i % 10 == 9 {
            hub.push('\n');
        }
    }
    hub.push_str("\n[[Anna]] [[Bo|the bo]] [[Anna]]\n");
    let v = TestVault::new()
        .note("hub.md", &hub)
        .note("anna.md", "---\nname: Anna\ninterests: [sailing]\n---\nx\n")
        .note("bo.md", "---\nname: Bo\ninterests: [sailing]\n---\nx\n");
    for i in (0..10_000).step_by(1000) {
        v.write(
            &format!("p{i}.md"),
            &format!("---\nname: Person {i}\ninterests: [sailing]\n---\n"),
        );
    }
    let limit = Duration::from_secs(30); // each ~0.2 s measured
    let idx = within(limit, "index", || v.json(&["index"]));
    assert_eq!(idx["notes"], 13);
    let intros = within(limit, "intros", || v.json(&["intros", "--limit", "1000"]));
    let pairs = intros["pairs"].as_array().expect("pairs");
    assert!(!pairs.is_empty());
    // the hub links to every one of them: never suggested for an intro
    assert!(
        pairs
            .iter()
            .all(|p| p["a"]["name"] != "Hub" && p["b"]["name"] != "Hub"),
        "{intros}"
    );
    let show = within(limit, "show hub", || v.json(&["show", "Hub"]));
    let out = show["links_out"].as_array().expect("links_out");
    assert_eq!(out.len(), 10_003);
    assert_eq!(out.iter().filter(|l| l["path"].is_string()).count(), 13);
    let anna = within(limit, "show anna", || v.json(&["show", "Anna"]));
    assert_eq!(paths(&anna["links_in"]), vec!["hub.md"]);
    let (code, ps) = within(limit, "check", || problems(&v));
    assert_eq!(code, 0, "broken links are warnings");
    assert_eq!(ps.len(), 9_990);
    assert!(
        ps.iter()
            .all(|p| p["code"] == "link" && p["path"] == "hub.md")
    );
}

// 6. YAML bombs

/// Run `rapport ARGS` on the vault with the helper's deadline; return the
/// run and its peak RSS in KiB (VmHWM from /proc, read until it exits; `None`
/// without /proc).
fn run_measured(v: &TestVault, args: &[&str]) -> (crate::harness::Run, Option<u64>) {
    let mut cmd = v.cmd(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn rapport");
    let status_file = format!("/proc/{}/status", child.id());
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut so, &mut s).map(|_| s)
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + crate::harness::CMD_TIMEOUT;
    let mut peak: Option<u64> = None;
    let status = loop {
        if let Ok(s) = fs::read_to_string(&status_file)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|x| x.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak = Some(peak.map_or(kb, |p| p.max(kb)));
        }
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rapport {args:?} did not finish within {:?}",
                crate::harness::CMD_TIMEOUT
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = crate::harness::Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().expect("join").expect("stdout"),
        stderr: t_err.join().expect("join").expect("stderr"),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    (run, peak)
}

#[test]
fn yaml_bombs_are_refused_in_bounded_time_and_memory() {
    let mut laughs = String::from(
        "---\nname: Laughs\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for c in 'b'..='k' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        laughs.push_str(&format!("{c}: &{c} [{refs}]\n"));
        prev = c;
    }
    laughs.push_str("---\nlaughs body pangolin\n");
    let nested = format!(
        "---\nname: Nested\nx: {}{}\n---\nnested body axolotl\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let nested_map = format!(
        "---\nname: Nested Map\nx: {}1{}\n---\nnestedmap body tarsier\n",
        "{a: ".repeat(50_000),
        "}".repeat(50_000)
    );
    // 300 KiB of one flow list on one line: the parser's events would take
    // over 100 bytes per input byte
    let flat = format!(
        "---\nname: Flat\nx: [{}a]\n---\nflat body koala\n",
        "a,".repeat(150_000)
    );
    // a 20 MiB single line: past the 16 MiB that are indexed
    let long_line = format!(
        "---\nname: Long Line\nrole: {}\n---\nlongline body dugong\n",
        "x".repeat(20 * 1024 * 1024)
    );
    let v = TestVault::new()
        .note("people/good.md", GOOD)
        .note("people/laughs.md", &laughs)
        .note("people/nested.md", &nested)
        .note("people/nested-map.md", &nested_map)
        .note("people/flat.md", &flat)
        .note("people/long-line.md", &long_line);
    // before the guard: 35 s (nested), 67 s (nested map), 1.6 GB (a 14 MB list)
    let (run, peak) = within(Duration::from_secs(40), "index of YAML bombs", || {
        run_measured(&v, &["--json", "index"])
    });
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let idx: Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(idx["notes"], 6, "{idx}");
    assert_eq!(idx["errors"], 5, "{idx}");
    if let Some(kb) = peak {
        eprintln!("peak RSS of index: {} MiB", kb / 1024);
        assert!(kb < 500 * 1024, "index peaked at {} MiB", kb / 1024);
    } else {
        eprintln!("note: peak RSS not measured (no /proc)");
    }
    let (code, ps) = within(Duration::from_secs(40), "check of YAML bombs", || {
        problems(&v)
    });
    assert_eq!(code, 1);
    for (path, needle) in [
        ("people/laughs.md", "repetition limit"),
        ("people/nested.md", "too much to parse"),
        ("people/nested-map.md", "too much to parse"),
        ("people/flat.md", "more than the 256 KiB"),
        ("people/long-line.md", "not closed within the indexed part"),
    ] {
        let yaml: Vec<&Value> = problems_for(&ps, path)
            .into_iter()
            .filter(|p| p["code"] == "yaml")
            .collect();
        assert_eq!(yaml.len(), 1, "{path}: {ps:?}");
        assert_eq!(yaml[0]["severity"], "error");
        let msg = yaml[0]["message"].as_str().expect("message");
        assert!(msg.contains(needle), "{path}: {msg}");
        assert!(yaml[0]["line"].as_u64().is_some(), "{path}");
    }
    assert!(
        problems_for(&ps, "people/long-line.md")
            .iter()
            .any(|p| p["code"] == "size")
    );
    // the rest is indexed; bodies stay searchable
    assert_eq!(v.search_paths("good"), vec!["people/good.md"]);
    for (word, path) in [
        ("pangolin", "people/laughs.md"),
        ("axolotl", "people/nested.md"),
        ("tarsier", "people/nested-map.md"),
        ("koala", "people/flat.md"),
    ] {
        assert_eq!(v.search_paths(word), vec![path], "{word}");
    }
    for args in [&["due", "--all"][..], &["topics"][..], &["intros"][..]] {
        let (code, out, err) = v.run(args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    // `log` refuses the bombs just as fast, and changes nothing
    for (name, path, text) in [
        ("nested", "people/nested.md", &nested),
        ("nested-map", "people/nested-map.md", &nested_map),
        ("flat", "people/flat.md", &flat),
        ("laughs", "people/laughs.md", &laughs),
    ] {
        let (code, out, err) = within(Duration::from_secs(20), "log on a YAML bomb", || {
            v.run(&["log", name, "Call"])
        });
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(path), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert_eq!(
            &fs::read_to_string(v.abs(path)).expect("read"),
            text,
            "{name}"
        );
    }
}

#[test]
fn ordinary_front_matter_with_many_lists_is_still_parsed() {
    // the bomb guard must not refuse a long but sane front matter
    let mut fm = String::from("---\nname: Listy\ninterests: [sailing, chess]\n");
    for i in 0..1500 {
        fm.push_str(&format!("k{i}: [a{i}, b, {{c: d}}]\n"));
    }
    fm.push_str("---\nbody\n");
    let v = TestVault::new().note("listy.md", &fm);
    let (code, ps) = problems(&v);
    assert_eq!((code, ps.len()), (0, 0), "{ps:?}");
    assert_eq!(v.search_paths("interests:chess"), vec!["listy.md"]);
}

// 7. A folder that cannot be read

#[test]
fn unreadable_folders_are_reported_and_the_rest_indexed() {
    let v = TestVault::new()
        .note("people/good.md", GOOD)
        .note("people/closed/inner.md", "hidden hyrax\n")
        .note("people/closed/deeper/more.md", "hidden ibex\n")
        .note("people/list-only/a.md", "listed jackal\n")
        .note("people/enter-only/b.md", "entered kudu\n");
    let closed = v.abs("people/closed");
    let list_only = v.abs("people/list-only");
    let enter_only = v.abs("people/enter-only");
    let set =
        |p: &Path, m: u32| fs::set_permissions(p, fs::Permissions::from_mode(m)).expect("chmod");
    let privileged = {
        set(&closed, 0o000);
        let r = fs::read_dir(&closed).is_ok();
        set(&closed, 0o755);
        r
    };
    if privileged {
        // root reads through mode 000: open the vault to `nobody`, run as it
        for e in walkdir::WalkDir::new(v.path()).into_iter().flatten() {
            let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
            set(e.path(), mode);
        }
        if !crate::harness::nobody_can_run() {
            eprintln!("skipped: running as root and `nobody` cannot run the binary");
            return;
        }
    }
    set(&closed, 0o000);
    set(&list_only, 0o444); // names can be listed, nothing opened
    set(&enter_only, 0o111); // entries can be opened by name, not listed
    let run_as = |args: &[&str]| -> crate::harness::Run {
        let mut c = v.cmd(args);
        if privileged {
            c.uid_gid_nobody();
        }
        finish(c, None)
    };
    let r = run_as(&["--json", "index"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let idx: Value = serde_json::from_str(&r.stdout).expect("json");
    let r = run_as(&["--json", "check"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let report: Value = serde_json::from_str(&r.stdout).expect("json");
    let ps = report["problems"].as_array().expect("problems");
    let io_paths: Vec<&str> = ps
        .iter()
        .filter(|p| p["code"] == "io" && p["severity"] == "error")
        .map(|p| p["path"].as_str().expect("path"))
        .collect();
    assert!(io_paths.contains(&"people/closed"), "{report}");
    assert!(io_paths.contains(&"people/enter-only"), "{report}");
    assert!(
        io_paths.iter().any(|p| p.starts_with("people/list-only")),
        "{report}"
    );
    assert!(idx["errors"].as_u64().expect("errors") >= 3, "{idx}");
    let r = run_as(&[
        "--json",
        "search",
        "good OR hyrax OR ibex OR jackal OR kudu",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let hits: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(paths(&hits["hits"]), vec!["people/good.md"]);
    // opened again, the notes come back without a rebuild
    for p in [&closed, &list_only, &enter_only] {
        set(p, 0o777);
    }
    let r = run_as(&["--json", "search", "hyrax OR ibex OR jackal OR kudu"]);
    let hits: Value = serde_json::from_str(&r.stdout).expect("json");
    assert_eq!(paths(&hits["hits"]).len(), 4, "{hits}");
}

// 8. Personal data stays private, notes keep their modes

/// Every path under `.rapport/` whose mode gives group or others anything.
fn open_modes(v: &TestVault) -> Vec<String> {
    walkdir::WalkDir::new(v.abs(".rapport"))
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let mode = e.metadata().ok()?.permissions().mode() & 0o777;
            let want = if e.file_type().is_dir() { 0o700 } else { 0o600 };
            (mode != want).then(|| format!("{:o} {}", mode, e.path().display()))
        })
        .collect()
}

/// `rapport ARGS` under `umask 000`.
fn permissive(v: &TestVault, args: &[&str]) -> crate::harness::Run {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(crate::harness::bin())
        .arg("--vault")
        .arg(v.path())
        .args(args)
        .env_remove("RAPPORT_VAULT")
        .stdin(Stdio::null());
    finish(c, None)
}

fn temp_leftovers(v: &TestVault) -> Vec<String> {
    walkdir::WalkDir::new(v.path())
        .into_iter()
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.contains("rapport-tmp") || p.ends_with(".tmp"))
        .collect()
}

#[test]
fn rapport_files_are_user_only_even_with_umask_000() {
    let v = TestVault::new()
        .note("people/open.md", "---\nname: Open Note\n---\nopen text\n")
        .note(
            "people/private.md",
            "---\nname: Private Note\n---\nprivate text\n",
        );
    set_mode(&v.abs("people/open.md"), 0o644);
    set_mode(&v.abs("people/private.md"), 0o600);
    let r = permissive(&v, &["index"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(open_modes(&v), Vec::<String>::new());
    // incremental syncs, a rebuild and a merge of many small commits
    for i in 0..12 {
        v.write(&format!("people/n{i}.md"), &format!("note {i} text\n"));
        let r = permissive(&v, &["search", "text"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = permissive(&v, &["index", "--rebuild"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(open_modes(&v), Vec::<String>::new());
    // `log` keeps each note's own mode and leaves no temp file
    for (who, rel, mode) in [
        ("Open Note", "people/open.md", 0o644),
        ("Private Note", "people/private.md", 0o600),
    ] {
        let r = permissive(&v, &["--today", "2026-11-26", "log", who, "coffee"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(v.read(rel).contains("- 2026-11-26 coffee"));
        let got = fs::metadata(v.abs(rel)).expect("stat").permissions().mode() & 0o777;
        assert_eq!(got, mode, "{rel}");
    }
    assert_eq!(temp_leftovers(&v), Vec::<String>::new());
    assert_eq!(open_modes(&v), Vec::<String>::new());
}

fn set_mode(p: &Path, m: u32) {
    fs::set_permissions(p, fs::Permissions::from_mode(m)).expect("chmod");
}

#[test]
fn watch_keeps_rapport_files_user_only_with_umask_000() {
    let v = TestVault::new().note("a.md", GOOD);
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(crate::harness::bin())
        .arg("--vault")
        .arg(v.path())
        .args(["--json", "watch"])
        .env_remove("RAPPORT_VAULT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = c.spawn().expect("spawn watch");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |what: &str| {
        let deadline = Instant::now() + crate::harness::CMD_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(l) if l.contains(what) => return,
                Ok(_) => {}
                Err(_) => panic!("watch never printed {what:?}"),
            }
        }
    };
    wait_for("\"watching\"");
    for i in 0..8 {
        v.write(&format!("w{i}.md"), &format!("watched{i} lynx\n"));
        wait_for(&format!("w{i}.md"));
    }
    // SIGTERM: watch commits what is pending and lets merges finish
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let deadline = Instant::now() + crate::harness::CMD_TIMEOUT;
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "watch did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(open_modes(&v), Vec::<String>::new());
    assert_eq!(temp_leftovers(&v), Vec::<String>::new());
    assert_eq!(v.search_paths("lynx").len(), 8);
}

// 9. No network

/// `WRAPPER... rapport --vault V ARGS`, with the environment the suite uses.
fn wrapped(wrapper: &[&str], v: &TestVault, args: &[&str]) -> Command {
    let mut c = Command::new(wrapper[0]);
    c.args(&wrapper[1..])
        .arg(crate::harness::bin())
        .arg("--vault")
        .arg(v.path())
        .args(args)
        .env_remove("RAPPORT_VAULT")
        .stdin(Stdio::null());
    c
}

#[test]
fn read_commands_open_no_sockets() {
    let v = TestVault::new()
        .note("people/good.md", GOOD)
        .note("people/b.md", "---\nname: B\ncadence: 1w\n---\n");
    let commands: [&[&str]; 5] = [
        &["index"],
        &["search", "good"],
        &["--today", "2026-11-26", "due"],
        &["check"],
        &["match", "sailing"],
    ];
    if tool_works("strace", &["-V"]) {
        for args in commands {
            let log = v.path().join("..").join(format!(
                "{}-strace.txt",
                v.path().file_name().expect("name").to_string_lossy()
            ));
            let log_arg = log.to_str().expect("utf-8 temp path");
            let strace = ["strace", "-f", "-qq", "-e", "trace=network", "-o", log_arg];
            let r = finish(wrapped(&strace, &v, args), None);
            let trace = fs::read_to_string(&log).unwrap_or_default();
            let _ = fs::remove_file(&log);
            if r.code != 0 && trace.is_empty() && r.stderr.contains("ptrace") {
                eprintln!("skipped strace: ptrace not permitted here");
                break;
            }
            assert!(r.code == 0, "{args:?}: {}", r.stderr);
            // not even AF_UNIX: rapport does no lookups of any kind
            assert!(
                trace.trim().is_empty(),
                "{args:?} made network calls:\n{trace}"
            );
        }
    } else {
        eprintln!("skipped strace part: strace not installed");
    }
    // and everything works with no network at all
    if !tool_works("unshare", &["-rn", "true"]) {
        eprintln!("skipped unshare part: no user/network namespaces here");
        return;
    }
    for args in commands {
        let r = finish(wrapped(&["unshare", "-rn"], &v, args), None);
        assert_eq!(r.code, 0, "{args:?} without network: {}", r.stderr);
    }
}

/// A note is anyone's text (a shared or merged vault): escape sequences in it
/// must not reach the terminal, where they could retitle the window, move the
/// cursor or hide output. Only rapport's own colour codes are printed.
#[test]
fn escape_sequences_in_notes_never_reach_the_terminal() {
    let v = TestVault::new().note(
        "people/mallory.md",
        "---\nname: \"Mal\\e]0;pwned\\alory\"\nnext_contact: 2026-11-20\ninterests: [\"sail\\e[2Jing\"]\n---\n## Log\n- 2026-11-01 met \u{1b}[8mhidden\u{1b}[0m text, bell \u{7}\n- [ ] 2026-11-02 move \u{1b}[2A up\n",
    );
    for args in [
        &["--today", "2026-11-26", "due", "--all"][..],
        &["--today", "2026-11-26", "show", "mallory"][..],
        &["search", "hidden"][..],
        &["match", "sail"][..],
        &["topics"][..],
        &["check"][..],
    ] {
        for color in ["always", "never"] {
            let mut full = vec!["--color", color];
            full.extend_from_slice(args);
            let (code, out, err) = v.run(&full);
            assert!(code == 0 || code == 1, "{full:?}: {out}{err}");
            // every ESC starts a colour code (ESC [ digits ; m), nothing else
            for (i, _) in out.match_indices('\u{1b}') {
                let rest = &out[i + 1..];
                let sgr = rest
                    .strip_prefix('[')
                    .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';'))
                    .is_some_and(|r| r.starts_with('m'));
                assert!(sgr, "{full:?}: raw escape in {out:?}");
                assert!(
                    color == "always",
                    "{full:?}: colour codes without colour: {out:?}"
                );
            }
            assert!(!out.contains('\u{7}'), "{full:?}: bell in {out:?}");
        }
    }
}
