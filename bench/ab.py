#!/usr/bin/env python3
"""Interleaved A/B of two rapport binaries on the same command (stdlib only).

    bench/ab.py OLD_BIN NEW_BIN --vault DIR [--reps 15] [--prepare CMD] -- ARGS...

Runs `BIN --vault DIR ARGS...` alternately (A B B A ...), one warm-up each, and
prints median/min/max wall time, median task time (user+sys) and the ratio
new/old. For before/after numbers in commit messages; use bench/run.sh for the
comparison with the peers.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def run(argv, prepare):
    if prepare:
        subprocess.run(["bash", "-c", prepare], check=True)
    t0 = time.perf_counter_ns()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.perf_counter_ns()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"ab: {' '.join(argv)}: exit {code}: {err.decode(errors='replace')[:300]}")
    return (t1 - t0) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--vault", required=True)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--prepare")
    ap.add_argument("args", nargs="+")
    a = ap.parse_args()
    bins = {"old": a.old, "new": a.new}
    wall = {k: [] for k in bins}
    cpu = {k: [] for k in bins}
    for k, b in bins.items():
        run([b, "--vault", a.vault, *a.args], a.prepare)
    for i in range(a.reps):
        order = ["old", "new"] if i % 2 == 0 else ["new", "old"]
        for k in order:
            w, c = run([bins[k], "--vault", a.vault, *a.args], a.prepare)
            wall[k].append(w)
            cpu[k].append(c)
    for k in bins:
        w = wall[k]
        print(f"{k}: wall median {statistics.median(w):.1f} ms (min {min(w):.1f}, max {max(w):.1f}),"
              f" cpu median {statistics.median(cpu[k]):.1f} ms")
    r = statistics.median(wall["new"]) / statistics.median(wall["old"])
    rc = statistics.median(cpu["new"]) / statistics.median(cpu["old"])
    print(f"ratio new/old: wall {r:.2f}, cpu {rc:.2f}  (args: {' '.join(a.args)}, reps {a.reps},"
          f" load {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
