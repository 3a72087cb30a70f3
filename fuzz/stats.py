#!/usr/bin/env python3
"""The results table of fuzz/README.md, from the logs fuzz/run.sh leaves in fuzz/logs/:
per target, the runs, the CPU time, the executions, the highest coverage libFuzzer
reported (cov: edges, ft: features) and the size of the checked-in corpus."""
import glob, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
targets = sorted(os.path.basename(p)[:-3] for p in glob.glob(os.path.join(here, "fuzz_targets", "*.rs")))
rows, total_cpu, total_execs = [], 0.0, 0
for t in targets:
    logs = sorted(glob.glob(os.path.join(here, "logs", t + ".log")) +
                  glob.glob(os.path.join(here, "logs", t + "-2*.log")))
    cpu = execs = cov = ft = 0
    for log in logs:
        text = open(log, errors="replace").read()
        m = re.findall(r"stat::number_of_executed_units: (\d+)", text)
        execs += int(m[-1]) if m else 0
        for c, f in re.findall(r"cov: (\d+) ft: (\d+)", text):
            cov, ft = max(cov, int(c)), max(ft, int(f))
        if os.path.exists(log + ".time"):
            for line in open(log + ".time"):
                f = line.split()
                if f and f[0] == "cpu_seconds":
                    cpu += float(f[1]) + float(f[2])
    corpus = os.path.join(here, "corpus", t)
    files = os.listdir(corpus) if os.path.isdir(corpus) else []
    size = sum(os.path.getsize(os.path.join(corpus, f)) for f in files)
    rows.append((t, len(logs), cpu, execs, cov, ft, len(files), size))
    total_cpu += cpu
    total_execs += execs
print("| target | runs | CPU time | executions | cov | ft | corpus (files, KiB) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for t, runs, cpu, execs, cov, ft, n, size in rows:
    print(f"| `{t}` | {runs} | {cpu/60:.1f} min | {execs:,} | {cov} | {ft} | {n}, {size/1024:.0f} |")
print(f"| **total** | | **{total_cpu/3600:.2f} h** | **{total_execs:,}** | | | |")
