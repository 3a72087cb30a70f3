#!/usr/bin/env bash
# make e2e: real Debian programs, unmodified, on our libotr.so.5 (build/), headless.
# Runs each scenario, prints its PASS/FAIL lines, then one "N passed, N failed" line;
# fails if any check failed or a scenario produced no result.
#
#   tests/e2e/run.sh [SCENARIO...]      (default: all; E2E_KEEP=1 keeps the temp dirs)
cd "$(dirname "$0")/../.." || exit 1
SCENARIOS=${*:-toolkit relink irssi xmpp profanity-smp bitlbee bitlbee-mixed}
[ -e build/libotr.so.5 ] || { echo "build/libotr.so.5 missing: run make lib"; exit 1; }
out=$(mktemp)
status=0
for s in $SCENARIOS; do
    echo "== $s"
    start=$SECONDS
    timeout 300 bash "tests/e2e/$s.sh" >"$out.$s" 2>&1
    cat "$out.$s"
    cat "$out.$s" >>"$out"
    grep -q '^PASS ' "$out.$s" || echo "FAIL $s: no result" | tee -a "$out"
    rm -f "$out.$s"
    echo "   ($s: $((SECONDS - start)) s)"
done
passed=$(grep -c '^PASS ' "$out")
failed=$(grep -c '^FAIL ' "$out")
rm -f "$out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ] || status=1
exit $status
