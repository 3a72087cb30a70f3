#!/usr/bin/env python3
"""Runs bench/otrbench on Debian's libotr and on ours, alternately, and prints the
medians side by side (`make bench`).

One binary, built once against Debian's headers, runs on both libraries, each found by
LD_LIBRARY_PATH: the reference in the directory of --reference-lib, ours in build/.
Every run reports the path of the libotr.so.5 it loaded and this script refuses a run
that loaded the wrong one. Wall-clock figures come from ROUNDS rounds of "reference,
ours"; peak RSS from separate processes, one per measurement; instruction counts from
valgrind --tool=callgrind on a fixed workload (one dump per workload).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

# (name printed by otrbench, what it is, unit, which way is better)
FIGURES = [
    ("keygen_ms", "DSA key generation, 1024-bit (otrl_privkey_generate)", "ms", "lower"),
    ("ake_per_s", "AKE completions (fresh contexts, query to both encrypted)", "/s", "higher"),
    ("oneway_100_per_s", "one-way data messages, 100 B (no key rotation)", "msg/s", "higher"),
    ("oneway_10k_per_s", "one-way data messages, 10 kB (no key rotation)", "msg/s", "higher"),
    ("pingpong_per_s", "ping-pong data messages, 100 B (every one rotates keys)", "msg/s", "higher"),
    ("smp_per_s", "SMP runs (initiate to both succeeded)", "/s", "higher"),
    ("garbage_text_per_s", "rejecting garbage: `?OTR:` + 400 random base64 digits", "msg/s", "higher"),
    ("garbage_truncated_per_s", "rejecting garbage: data message cut in half", "msg/s", "higher"),
    ("garbage_forged_per_s", "rejecting garbage: data message with a bad MAC", "msg/s", "higher"),
    ("rss_baseline_kb", "peak RSS, one key loaded (floor)", "kB", "lower"),
    ("rss_100_keys_kb", "peak RSS, 100 more private keys loaded", "kB", "lower"),
    ("rss_10000_contexts_kb", "peak RSS, 10,000 contexts", "kB", "lower"),
    ("rss_1000_sessions_kb", "peak RSS, 1,000 encrypted sessions (both ends)", "kB", "lower"),
    ("Ir_ake_and_100_messages", "instructions: one AKE + 100 one-way 100 B messages", "Ir", "lower"),
    ("Ir_ake", "instructions: one AKE", "Ir", "lower"),
    ("Ir_oneway_100_x100", "instructions: 100 one-way 100 B messages", "Ir", "lower"),
    ("Ir_oneway_10k_x100", "instructions: 100 one-way 10 kB messages", "Ir", "lower"),
    ("Ir_pingpong_x100", "instructions: 100 ping-pong messages", "Ir", "lower"),
    ("Ir_smp", "instructions: one SMP run", "Ir", "lower"),
    ("Ir_garbage_text_x100", "instructions: 100 random `?OTR:` texts", "Ir", "lower"),
    ("Ir_garbage_truncated_x100", "instructions: 100 truncated data messages", "Ir", "lower"),
    ("Ir_garbage_forged_x100", "instructions: 100 data messages with a bad MAC", "Ir", "lower"),
]
LIBS = ("reference", "ours")
# Ratios this close to 1 are called even.
EVEN = 0.03


def parse_args():
    a = argparse.ArgumentParser(description=__doc__)
    a.add_argument("--bin", default="build/otrbench")
    a.add_argument("--ours", default="build", help="folder holding our libotr.so.5")
    a.add_argument("--reference-lib", required=True, help="real path of Debian's libotr.so.5")
    a.add_argument("--key", default="tests/files_data/sample.private_key")
    a.add_argument("--rounds", type=int, default=7, help="rounds of wall-clock figures")
    a.add_argument("--rss-rounds", type=int, default=3)
    a.add_argument("--callgrind-rounds", type=int, default=2)
    a.add_argument("--budget-ms", type=int, default=500, help="time per figure per run")
    a.add_argument("--keygen-samples", type=int, default=5, help="keys per run")
    a.add_argument("--out", default="build/bench", help="folder for the results")
    return a.parse_args()


class Runner:
    def __init__(self, args):
        self.args = args
        self.ours_dir = os.path.realpath(args.ours)
        self.reference = os.path.realpath(args.reference_lib)
        self.samples = {lib: {} for lib in LIBS}
        # per figure: one value per run (the run's median), in run order, per library
        self.runs = {lib: {} for lib in LIBS}

    def env(self, lib):
        env = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_PRELOAD")}
        # Each library by its directory: with ours installed system-wide, the loader's
        # default search would find ours for the reference too.
        env["LD_LIBRARY_PATH"] = self.ours_dir if lib == "ours" else os.path.dirname(self.reference)
        return env

    def check_library(self, lib, output):
        m = re.search(r"^# library (.*)$", output, re.M)
        loaded = m.group(1) if m else "(not reported)"
        if lib == "ours":
            ok = loaded.startswith(self.ours_dir + "/")
        else:
            ok = loaded == self.reference
        if not ok:
            sys.exit(f"compare.py: the {lib} run loaded {loaded}")

    def record(self, lib, output):
        values = {}
        for line in output.splitlines():
            parts = line.split()
            if len(parts) == 2 and not line.startswith("#"):
                values.setdefault(parts[0], []).append(float(parts[1]))
        self.add(lib, values)

    def add(self, lib, values):
        for name, xs in values.items():
            self.samples[lib].setdefault(name, []).extend(xs)
            self.runs[lib].setdefault(name, []).append(statistics.median(xs))

    def run(self, lib, mode, *extra, prefix=(), cwd=None):
        cmd = list(prefix) + [os.path.realpath(self.args.bin), os.path.realpath(self.args.key), mode]
        cmd += [str(e) for e in extra]
        p = subprocess.run(cmd, env=self.env(lib), cwd=cwd, capture_output=True, text=True,
                           timeout=900)
        if p.returncode != 0:
            sys.exit(f"compare.py: {' '.join(cmd)} ({lib}) failed:\n{p.stdout}{p.stderr}")
        self.check_library(lib, p.stdout)
        return p.stdout

    def speed(self):
        a = self.args
        for r in range(a.rounds):
            for lib in LIBS:
                print(f"  speed round {r + 1}/{a.rounds}: {lib}", file=sys.stderr, flush=True)
                self.record(lib, self.run(lib, "speed", a.budget_ms, a.keygen_samples))

    def rss(self):
        for mode in ("rss-baseline", "rss-keys", "rss-contexts", "rss-sessions"):
            for r in range(self.args.rss_rounds):
                for lib in LIBS:
                    print(f"  {mode} round {r + 1}: {lib}", file=sys.stderr, flush=True)
                    self.record(lib, self.run(lib, mode))

    def callgrind(self):
        prefix = ("valgrind", "--tool=callgrind", "--collect-atstart=no")
        for r in range(self.args.callgrind_rounds):
            for lib in LIBS:
                print(f"  callgrind round {r + 1}: {lib}", file=sys.stderr, flush=True)
                with tempfile.TemporaryDirectory() as d:
                    self.run(lib, "callgrind", prefix=prefix, cwd=d)
                    values = {}
                    for dump in glob.glob(os.path.join(d, "callgrind.out.*.*")):
                        text = open(dump).read()
                        name = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
                        total = re.search(r"^totals: (\d+)", text, re.M)
                        if name and total:
                            values["Ir_" + name.group(1)] = [float(total.group(1))]
                    self.add(lib, values)


def fmt(v, unit):
    if unit == "Ir":
        return f"{v / 1e6:,.2f} M"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def spread(xs):
    """Half the interquartile range of the samples relative to their median, in
    percent (robust to the odd run slowed down by other load on the machine)."""
    m = statistics.median(xs)
    if len(xs) < 2 or not m:
        return 0.0
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return 100 * (q[2] - q[0]) / 2 / m


def factor(ref, ours, better):
    """How many times better ours is than the reference (>1: ours is ahead)."""
    return ours / ref if better == "higher" else ref / ours


def table(runner):
    samples, runs = runner.samples, runner.runs
    rows = ["| figure | unit | libotr 4.1.1 | ours | ours vs libotr | spread libotr / ours | |",
            "|---|---|---:|---:|---:|---:|---|"]
    for name, what, unit, better in FIGURES:
        ref, ours = samples["reference"].get(name), samples["ours"].get(name)
        if not ref or not ours:
            continue
        mr, mo = statistics.median(ref), statistics.median(ours)
        # Each round ran the reference and then ours back to back: the median of the
        # per-round ratios cancels most of the load that other processes put on both.
        paired = [factor(r, o, better) for r, o in zip(runs["reference"][name], runs["ours"][name])]
        f = statistics.median(paired) if paired else factor(mr, mo, better)
        verdict = "ahead" if f >= 1 + EVEN else "**behind**" if f <= 1 - EVEN else "even"
        rows.append(f"| {what} | {unit} | {fmt(mr, unit)} | {fmt(mo, unit)} | "
                    f"{f:.2f}× | ±{spread(ref):.0f}% / ±{spread(ours):.0f}% | {verdict} |")
    return "\n".join(rows)


def machine():
    info = open("/proc/cpuinfo").read()
    model = re.search(r"^model name\s*:\s*(.*)$", info, re.M)
    load = open("/proc/loadavg").read().split()[:3]
    return (f"{model.group(1) if model else platform.processor()}, nproc {os.cpu_count()}, "
            f"{platform.system()} {platform.release()}, load average {' '.join(load)}")


def main():
    args = parse_args()
    r = Runner(args)
    start = datetime.datetime.now(datetime.timezone.utc)
    before = machine()
    r.speed()
    r.rss()
    r.callgrind()
    after = open("/proc/loadavg").read().split()[:3]
    minutes = (datetime.datetime.now(datetime.timezone.utc) - start).total_seconds() / 60
    text = (f"Run {start:%Y-%m-%d %H:%M} UTC, {minutes:.1f} min; {before} at the start, "
            f"{' '.join(after)} at the end.\n"
            f"Wall-clock: {args.rounds} rounds (libotr, ours, libotr, ours, ...), "
            f"{args.budget_ms} ms per figure per run, {args.keygen_samples} keys per run; "
            f"RSS: {args.rss_rounds} processes per figure and library; "
            f"callgrind: {args.callgrind_rounds} runs per library. "
            "Values are medians of all samples; \"ours vs libotr\" is how many times better "
            "ours is (>1: ours is ahead; within 3% of 1: even), the median of the per-round "
            "ratios; spread is half "
            "the interquartile range, relative to the median.\n\n"
            + table(r) + "\n")
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(args.out, "samples.json"), "w") as f:
        json.dump({"samples": r.samples, "runs": r.runs}, f, indent=1)
    print(text)


if __name__ == "__main__":
    main()
