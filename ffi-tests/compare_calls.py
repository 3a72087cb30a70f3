#!/usr/bin/env python3
"""Compares every_call's transcript on our library with the one on Debian's libotr.

    compare_calls.py [--subset] REFERENCE OURS DIFFERENCES

Both transcripts are split into blocks at their "== " lines (a state being built, or
one call in one state). Each block of ours must be the reference's block, except the
blocks DIFFERENCES lists (lines "STATE / CALL  <tab>  why", blank lines and "#"
comments ignored): those are our deliberate differences, and each must still differ
(a listed block that no longer does is reported, so the list stays true). Prints one
line per unexpected difference with a diff, and a summary; exits 1 on any problem.
With --subset, OURS holds only some of the blocks (a run of some states): only those
are compared.
"""
import difflib
import sys


def blocks(path):
    """{header: [lines]} in file order."""
    out, name = {}, None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("== "):
                name = line[3:]
                if name in out:
                    raise SystemExit("%s: block %r twice" % (path, name))
                out[name] = []
            elif name is not None:
                out[name].append(line)
    return out


def differences(path):
    """{block: why} of the deliberate differences."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            block, _, why = line.partition("\t")
            out[block.strip()] = why.strip()
    return out


def main():
    args = sys.argv[1:]
    subset = args[:1] == ["--subset"]
    if subset:
        args = args[1:]
    if len(args) != 3:
        raise SystemExit(__doc__)
    reference, ours = blocks(args[0]), blocks(args[1])
    deliberate = differences(args[2])
    if subset:
        reference = {name: lines for name, lines in reference.items() if name in ours}
        deliberate = {name: why for name, why in deliberate.items() if name in ours}
    problems = []
    for name in reference.keys() | ours.keys():
        want, got = reference.get(name), ours.get(name)
        if name in deliberate:
            if want == got:
                problems.append("%s: listed as a deliberate difference but the same" % name)
            continue
        if want is None or got is None:
            problems.append("%s: only in %s" % (name, "ours" if want is None else "the reference"))
        elif want != got:
            diff = difflib.unified_diff(want, got, "reference", "ours", lineterm="", n=2)
            problems.append("%s: differs\n%s" % (name, "\n".join(list(diff)[:40])))
    for name in deliberate:
        if name not in reference:
            problems.append("%s: listed but not in the transcripts" % name)
    for problem in sorted(problems):
        print("FAIL every_call " + problem)
    print("every_call: %d blocks, %d the same, %d deliberate differences, %d problems"
          % (len(reference), len(reference) - len(deliberate) - len(problems),
             len(deliberate), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
