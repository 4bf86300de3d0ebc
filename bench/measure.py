#!/usr/bin/env python3
"""Interleaved side-by-side timing of rapport and its peers (stdlib only).

Called by bench/run.sh, which generates the vaults and installs the peers.
Each pair (rapport, peer) is run alternately, A B B A A B ..., so that load from
other processes hits both sides alike; wall time is taken around fork/exec/wait
and peak RSS from the child's rusage (wait4). Reports median, min and max, and
the ratio of the medians rapport/peer.
"""

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path


def sh(cmd, cwd=None):
    subprocess.run(["bash", "-c", cmd], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL)


def run_once(argv, stdin_path=None, cwd=None, ok=(0,)):
    """One timed run: (wall seconds, peak RSS KiB). Output goes to a file, not
    /dev/null (ripgrep stops early when its stdout is /dev/null)."""
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    # GNU time reports the peak RSS of the command itself: a child forked
    # straight from Python would count Python's pages it inherited
    wrapped = [GNU_TIME, "-f", "%x %M", "-o", str(RSS_FILE), *argv]
    with open(OUT_FILE, "wb") as out:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(wrapped, stdin=stdin, stdout=out,
                             stderr=subprocess.PIPE, cwd=cwd)
        err = p.stderr.read()
        p.wait()
        t1 = time.perf_counter_ns()
    if stdin_path:
        stdin.close()
    fields = RSS_FILE.read_text().split()
    code, rss = int(fields[-2]), int(fields[-1])
    if code not in ok:
        sys.exit(f"measure: {shlex.join(argv)}: exit {code}: {err.decode(errors='replace')[:500]}")
    return (t1 - t0) / 1e9, rss


class Cmd:
    def __init__(self, label, argv, shown, prepare=None, stdin=None, cwd=None, ok=(0,), note=None):
        self.label, self.argv, self.shown, self.note = label, argv, shown, note
        self.prepare, self.stdin, self.cwd, self.ok = prepare, stdin, cwd, ok
        self.times, self.rss = [], []

    def run(self, record=True):
        if self.prepare:
            sh(self.prepare)
        t, rss = run_once(self.argv, self.stdin, self.cwd, self.ok)
        if record:
            self.times.append(t)
            self.rss.append(rss)

    def stats(self):
        return {
            "median": statistics.median(self.times),
            "min": min(self.times),
            "max": max(self.times),
            "rss_median_kib": statistics.median(self.rss),
            "rss_max_kib": max(self.rss),
            "runs": len(self.times),
            "times": self.times,
        }


def interleave(cmds, reps, warmup):
    for _ in range(warmup):
        for c in cmds:
            c.run(record=False)
    for i in range(reps):
        order = cmds if i % 2 == 0 else list(reversed(cmds))
        for c in order:
            c.run()


def loadavg():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def version(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout
        return out.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def fmt_t(s):
    return f"{s * 1000:.0f} ms" if s < 10 else f"{s:.2f} s"


def fmt_t_full(st):
    return f"{fmt_t(st['median'])} ({fmt_t(st['min'])}–{fmt_t(st['max'])})"


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--vault", action="append", required=True,
                    help="N=DIR, one per size")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--reps-large", type=int, default=3,
                    help="repetitions of the long runs at 100k+ (rebuilds)")
    ap.add_argument("--term", default="sailing")
    ap.add_argument("--time", default="/usr/bin/time", help="GNU time, for peak RSS")
    ap.add_argument("--report", required=True)
    ap.add_argument("--commit", default="?")
    ap.add_argument("--command-line", default="bench/run.sh")
    a = ap.parse_args()

    global OUT_FILE, RSS_FILE, GNU_TIME
    out_dir = Path(a.out).resolve()
    OUT_FILE = out_dir / "last-output.txt"
    RSS_FILE = out_dir / "last-rss.txt"
    GNU_TIME = a.time
    rapport = str(Path(a.bin).resolve())
    term = a.term
    start_load = loadavg()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    rows = []  # dicts for the report
    raw = {}

    for spec in a.vault:
        n_s, vdir = spec.split("=", 1)
        n = int(n_s)
        v = str(Path(vdir).resolve())
        size = f"{n // 1000}k"
        db = str(out_dir / f"fts-{n}.db")
        build_sql = str(out_dir / f"fts-{n}-build.sql")
        top = sorted(p.name for p in Path(v).iterdir()
                     if p.is_dir() and not p.name.startswith("."))
        selects = "\n  UNION ALL ".join(
            f"SELECT name, CAST(data AS TEXT) FROM fsdir('{d}') WHERE name LIKE '%.md'"
            for d in top)
        Path(build_sql).write_text(
            "CREATE VIRTUAL TABLE notes USING fts5(path, body, "
            "tokenize='porter unicode61 remove_diacritics 2');\n"
            f"INSERT INTO notes(path, body)\n  {selects};\n")
        query_sql = (f"SELECT path, snippet(notes, 1, '[', ']', '…', 16) FROM notes "
                     f"WHERE notes MATCH '{term}' ORDER BY rank LIMIT 20")
        edit_file = sorted(Path(v, "people").rglob("*.md"))[0]
        edit_rel = str(edit_file.relative_to(v))
        reps = a.reps
        reps_long = a.reps if n <= 20000 else a.reps_large
        R = lambda *args: [rapport, "--vault", v, *args]  # noqa: E731
        Rs = lambda *args: f"rapport --vault $V{size} " + shlex.join(args)  # noqa: E731

        def bench(key, what, a_cmd, b_cmd, target, reps_n, warmup=1):
            cmds = [a_cmd] + ([b_cmd] if b_cmd else [])
            print(f"[{time.strftime('%H:%M:%S')}] {size} {what} (load {loadavg()})",
                  file=sys.stderr, flush=True)
            interleave(cmds, reps_n, warmup)
            sa = a_cmd.stats()
            sb = b_cmd.stats() if b_cmd else None
            raw[f"{size}/{key}"] = {"rapport": sa, "peer": sb,
                                    "rapport_cmd": a_cmd.shown,
                                    "peer_cmd": b_cmd.shown if b_cmd else None}
            rows.append({"size": size, "what": what, "a": a_cmd, "sa": sa,
                         "b": b_cmd, "sb": sb, "target": target})

        # a fresh index that mirrors the vault, with every stat settled (older
        # than the 2 s racy window), so that the no-op runs are real no-ops
        sh(f"{shlex.quote(rapport)} --vault {shlex.quote(v)} -q index --rebuild")
        time.sleep(2.2)
        sh(f"{shlex.quote(rapport)} --vault {shlex.quote(v)} -q index")

        big = n > 20000
        bench("rebuild", "index --rebuild",
              Cmd("rapport", R("index", "--rebuild"), Rs("index", "--rebuild")),
              Cmd("fts5-build", ["sqlite3", db], f"sqlite3 fts.db < build.sql  (fsdir + readfile of the raw files)",
                  prepare=f"rm -f {shlex.quote(db)}", stdin=build_sql, cwd=v,
                  note="`rm -f fts.db`; build.sql is written by measure.py"),
              ("ratio", 1.0, 300), reps_long)
        time.sleep(2.2)
        sh(f"{shlex.quote(rapport)} --vault {shlex.quote(v)} -q index")
        bench("noop", "no-op index",
              Cmd("rapport", R("index"), Rs("index")),
              Cmd("git-status", ["git", "status", "--porcelain"], "git status --porcelain", cwd=v),
              None if big else ("ratio", 1.5), reps)
        bench("search-sync", f"search {term} (with sync, no watch)",
              Cmd("rapport", R("search", term), Rs("search", term)),
              Cmd("rg", ["rg", "-i", term], f"rg -i {term}", cwd=v),
              ("ratio", 0.3) if big else ("ratio", 0.5), reps)
        bench("search-nosync", f"search {term} --no-sync",
              Cmd("rapport", R("--no-sync", "search", term), Rs("--no-sync", "search", term)),
              Cmd("fts5-query", ["sqlite3", db, query_sql], f'sqlite3 fts.db "{query_sql}"'),
              ("ratio", 1.5), reps)
        # the reports, the cost of the answer alone (--no-sync), beside `rg -c`
        # reading every file: the floor of "just read it"
        rg_c = lambda: Cmd("rg -c", ["rg", "-c", "-i", term], f"rg -c -i {term}", cwd=v, ok=(0, 1))  # noqa: E731
        report_target = ("ratio", 0.05, 100) if big else ("ratio", 0.25)
        who = edit_file.stem
        today = ("--today", "2026-11-26")
        for key, what, args, target in [
            ("due", "due --no-sync", [*today, "due"], report_target),
            ("plan", "plan --no-sync", [*today, "plan"], None),
            ("topics", "topics --no-sync", ["topics"], report_target),
            ("intros", "intros --no-sync", ["intros"], report_target),
            ("show", f"show {who} --no-sync", [*today, "show", who], report_target),
            ("brief", f"brief {who} --no-sync", [*today, "brief", who], None),
            ("check", "check --no-sync", ["check"], ("ratio", 0.5, 200) if big else None),
        ]:
            bench(key, what,
                  Cmd("rapport", R("--no-sync", *args), Rs("--no-sync", *args), ok=(0, 1)),
                  rg_c(), target, reps)
        bench("due-sync", "due (with sync)",
              Cmd("rapport", R(*today, "due"), Rs(*today, "due")),
              None, None, reps)
        bench("match", f"match {term}",
              Cmd("rapport", R("match", term), Rs("match", term)),
              None, None, reps)
        # one edit before every run: append a line to one note
        edit = (f"printf '\\nBench edit %s.\\n' \"$(date +%s%N)\" >> "
                f"{shlex.quote(str(edit_file))}")
        bench("edit", "index after one edit",
              Cmd("rapport", R("index"), Rs("index"), prepare=edit,
                  note=f"append a line to `{edit_rel}`"),
              Cmd("git-status", ["git", "status", "--porcelain"], "git status --porcelain",
                  prepare=edit, cwd=v, note=f"append a line to `{edit_rel}`"),
              ("ratio", 2.0), reps)
        sh(f"git checkout -q -- {shlex.quote(edit_rel)}", cwd=v)
        sh(f"{shlex.quote(rapport)} --vault {shlex.quote(v)} -q index")

    end_load = loadavg()
    (out_dir / "results.json").write_text(json.dumps(raw, indent=1))
    write_report(a, rows, start_load, end_load, started)


def verdict(row):
    """The target as text and whether it is met: ("ratio", r[, rss MiB]) or
    ("abs", seconds, rss MiB)."""
    t = row["target"]
    if not t:
        return "", ""
    sa, sb = row["sa"], row["sb"]
    rss_ok = lambda limit: limit is None or sa["rss_max_kib"] / 1024 <= limit  # noqa: E731
    if t[0] == "ratio":
        limit = t[2] if len(t) > 2 else None
        ratio = sa["median"] / sb["median"]
        text = f"≤ {t[1]:g}" + (f", ≤ {limit} MiB" if limit else "")
        return text, "met" if ratio <= t[1] and rss_ok(limit) else "not met"
    _, secs, rss_mib = t
    ok = sa["median"] <= secs and rss_ok(rss_mib)
    return f"≤ {secs:g} s, ≤ {rss_mib} MiB", "met" if ok else "not met"


def write_report(a, rows, start_load, end_load, started):
    lines = []
    p = lines.append
    p("# Benchmarks")
    p("")
    p("Generated by `bench/run.sh` (see its header for options); do not edit by hand.")
    p("Every row is rapport and its peer run **interleaved in the same run** "
      "(A B B A …, after one warm-up run each, page cache warm; wall time of the whole process "
      "including GNU time's fork/exec, the same for both sides; peak RSS from GNU time `%M`), so load from other "
      "processes hits both alike: compare the ratio, not the absolute times.")
    p("Profile findings, what each optimisation bought, and what stands in the way of the "
      "targets not met: [bench/PROFILE.md](bench/PROFILE.md).")
    p("")
    p("## Machine")
    p("")
    p(f"- started: {started}; command: `{a.command_line}`; rapport commit `{a.commit}`")
    p(f"- nproc: {os.cpu_count()}; CPU: {cpu_model()}; kernel: {platform.release()}")
    p(f"- load average (1/5/15 min): at start {start_load}, at end {end_load}")
    p(f"- peers: {version(['rg', '--version'])}; sqlite3 {version(['sqlite3', '--version']).split(' ')[0]}; "
      f"{version(['git', '--version'])}")
    p(f"- repetitions: {a.reps} (rebuilds at 100k: {a.reps_large}); search term `{a.term}`")
    p("")
    p("## Targets")
    p("")
    p("| what | vault | rapport median (min–max) | peer | peer median (min–max) | ratio rapport/peer | target | met? |")
    p("|---|---|---|---|---|---|---|---|")
    for r in rows:
        target, met = verdict(r)
        if not target:
            continue
        sa, sb = r["sa"], r["sb"]
        if r["target"][0] == "ratio":
            ratio = f"**{sa['median'] / sb['median']:.2f}**"
            if len(r["target"]) > 2:
                ratio += f" (peak RSS {mib(sa['rss_max_kib'])})"
            peer = r["b"].label
            pm = fmt_t_full(sb)
        else:
            ratio = f"— (peak RSS {mib(sa['rss_max_kib'])})"
            peer, pm = "— (absolute)", "—"
        p(f"| {r['what']} | {r['size']} | {fmt_t_full(sa)} | {peer} | {pm} | {ratio} | {target} | {met} |")
    p("")
    p("## All measurements")
    p("")
    p("| what | vault | rapport median (min–max) | rapport peak RSS | peer | peer median (min–max) | peer peak RSS | ratio |")
    p("|---|---|---|---|---|---|---|---|")
    for r in rows:
        sa, sb = r["sa"], r["sb"]
        if sb:
            p(f"| {r['what']} | {r['size']} | {fmt_t_full(sa)} | {mib(sa['rss_max_kib'])} | {r['b'].label} | "
              f"{fmt_t_full(sb)} | {mib(sb['rss_max_kib'])} | {sa['median'] / sb['median']:.2f} |")
        else:
            p(f"| {r['what']} | {r['size']} | {fmt_t_full(sa)} | {mib(sa['rss_max_kib'])} | — | — | — | — |")
    p("")
    p("## Exact commands")
    p("")
    p("`$V10k`, `$V100k`: the generated vaults (`gen_vault DIR N --seed 42`, git-initialised and "
      "committed); peers run with the vault as working directory.")
    p("")
    seen = set()
    for r in rows:
        for c in (r["a"], r["b"]):
            if c is None:
                continue
            key = (r["size"], c.shown)
            if key in seen:
                continue
            seen.add(key)
            extra = f"  (before each run: {c.note})" if c.note else ""
            p(f"- {r['size']} {r['what']}: `{c.shown}`{extra}")
    p("")
    Path(a.report).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
