#!/usr/bin/env bash
# make e2e-source: the real OTR plugins rebuilt from Debian's source against our headers
# only (tests/e2e-source/build.sh), then the real-client scenarios of make e2e run on
# the rebuilt programs (tests/e2e/*.sh, pointed at them through E2E_* variables), then
# the clients only this target runs (Pidgin, HexChat: tests/e2e-source/*.sh).
# Prints every PASS/FAIL/SKIP line and one closing "N passed, N failed, N skipped" line;
# fails if any check failed or nothing passed.
#
#   tests/e2e-source/run.sh [SCENARIO...]   (default: all; SOURCE_BUILD=0 reuses the last build)
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/e2e-source
INST=$OUT/inst
SCENARIOS=${*:-irssi bitlbee bitlbee-mixed pidgin hexchat hexchat-mixed}
[ -e build/libotr.so.5 ] || { echo "build/libotr.so.5 missing: run make lib"; exit 1; }
mkdir -p "$OUT"
exec 8>"$OUT/.run.lock"
flock -n 8 || { echo "another make e2e-source is running in $OUT"; exit 1; }
log=$OUT/results.txt
: >"$log"

# What the builds and the scenarios need beyond make e2e's packages (as root).
PACKAGES="dpkg-dev build-essential autoconf automake libtool pkg-config meson ninja-build
    pidgin libpurple-bin hexchat xvfb xauth xdotool dbus-x11 imagemagick x11-utils
    at-spi2-core python3-pyatspi libatk-adaptor libgail-common"
if [ "$(id -u)" = 0 ]; then
    missing=$(for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
    [ -z "$missing" ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >"$OUT/install.log" 2>&1 ||
        echo "FAIL source-install: apt-get install $missing failed" | tee -a "$log"
fi

if [ "${SOURCE_BUILD:-1}" != 0 ]; then
    echo "== build"
    start=$SECONDS
    bash tests/e2e-source/build.sh | tee -a "$log"
    echo "   (build: $((SECONDS - start)) s)"
fi

# The rebuilt programs, for tests/e2e/lib.sh.
export E2E_REBUILT=1
export E2E_IRSSI=$INST/bin/irssi
export E2E_IRSSI_OTR
E2E_IRSSI_OTR=$(find "$INST/lib" -name libotr_core.so 2>/dev/null | head -1)
export E2E_BITLBEE=$INST/sbin/bitlbee
export E2E_BITLBEE_PLUGINDIR=$INST/lib/bitlbee
export E2E_PIDGIN_OTR=$INST/lib/pidgin/pidgin-otr.so
export E2E_HEXCHAT_OTR=$INST/lib/hexchat/plugins/otr.so
export E2E_SHOTS=$OUT

# Which rebuilt files each scenario needs, and where its script is.
needs() {
    case $1 in
        irssi) echo "$E2E_IRSSI $E2E_IRSSI_OTR" ;;
        bitlbee | bitlbee-mixed) echo "$E2E_BITLBEE $E2E_BITLBEE_PLUGINDIR/otr.so" ;;
        pidgin) echo "$E2E_PIDGIN_OTR" ;;
        hexchat | hexchat-mixed) echo "$E2E_HEXCHAT_OTR $E2E_IRSSI" ;;
    esac
}
script() { if [ -e "tests/e2e-source/$1.sh" ]; then echo "tests/e2e-source/$1.sh"; else echo "tests/e2e/$1.sh"; fi; }

for s in $SCENARIOS; do
    echo "== $s (rebuilt)"
    start=$SECONDS
    ok=1
    for f in $(needs "$s") ""; do
        [ -n "$f" ] || continue
        [ -e "$f" ] || ok=0
    done
    [ -n "$(needs "$s" | tr -d ' ')" ] || ok=0
    if [ $ok = 0 ]; then
        echo "FAIL $s-rebuilt: not built ($(needs "$s"))" | tee -a "$log"
        continue
    fi
    timeout 300 bash "$(script "$s")" >"$OUT/$s.out" 2>&1
    cat "$OUT/$s.out"
    cat "$OUT/$s.out" >>"$log"
    grep -q '^PASS ' "$OUT/$s.out" || echo "FAIL $s: no result" | tee -a "$log"
    echo "   ($s: $((SECONDS - start)) s)"
done
passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
skipped=$(grep -c '^SKIP ' "$log")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
