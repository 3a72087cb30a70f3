#!/bin/sh
# make offline-check: once the crates of Cargo.lock are vendored, building needs no
# network (what a distribution's build daemon asks). In a copy of the tree (its tracked
# and new files; no target/ or build/):
#   1. `cargo vendor --locked vendor`, and the .cargo/config.toml it prints: the only step
#      that may download;
#   2. a control: without vendor/, an empty CARGO_HOME leaves cargo nothing to build from,
#      and the offline build fails at once;
#   3. with vendor/, CARGO_NET_OFFLINE=true, an empty CARGO_HOME (no registry cache) and,
#      where `unshare -n` works (root), no network at all, `make lib tools` builds the
#      library and the toolkit from scratch, and the toolkit runs.
# Prints PASS/FAIL lines and "N passed, N failed". Takes minutes (a full release build).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/otr-offline.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy=$work/src
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }

mkdir -p "$copy/.cargo" "$work/cargo-home"
(cd "$top" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) |
    tar -xf - -C "$copy"
if (cd "$copy" && ${CARGO:-cargo} vendor --locked vendor >.cargo/config.toml 2>"$work/vendor.log"); then
    pass "offline-vendor ($(ls "$copy/vendor" | wc -l) crates)"
else
    fail offline-vendor "$(tail -3 "$work/vendor.log")"
    exit 1
fi

# No network: a network namespace of our own where we may make one, else only cargo's word.
isolate=
if unshare -n true 2>/dev/null; then isolate="unshare -n --"; fi
offline() { # offline COMMAND...: in the copy, offline, with the empty CARGO_HOME
    (cd "$copy" && $isolate env CARGO_HOME="$work/cargo-home" CARGO_NET_OFFLINE=true "$@")
}

mv "$copy/.cargo" "$copy/.cargo-vendored"
if offline ${CARGO:-cargo} metadata --locked --format-version 1 >/dev/null 2>&1; then
    fail offline-control "cargo resolved the crates without vendor/: the check would prove nothing"
else
    pass offline-control-fails-without-vendor
fi
mv "$copy/.cargo-vendored" "$copy/.cargo"

start=$(date +%s)
if offline ${MAKE:-make} lib tools >"$work/build.log" 2>&1; then
    pass "offline-build-lib-and-tools (${isolate:+without network, }$(($(date +%s) - start)) s)"
else
    fail offline-build-lib-and-tools "$(tail -5 "$work/build.log")"
fi
if [ -e "$copy/build/libotr.so.5.1.1" ] && "$copy/build/bin/otr_mackey" 000102030405060708090a0b0c0d0e0f |
    grep -q '^MAC key: '; then
    pass offline-results-run
else
    fail offline-results-run "no build/libotr.so.5.1.1, or build/bin/otr_mackey does not run"
fi
downloaded=$(find "$work/cargo-home" \( -name '*.crate' -o -path '*/registry/src/*' \) -print)
[ -z "$downloaded" ] && pass offline-nothing-downloaded ||
    fail offline-nothing-downloaded "in CARGO_HOME: $(echo "$downloaded" | head -3)"

echo "offline-check: $passed passed, $failed failed"
[ $failed = 0 ]
