#!/usr/bin/env bash
# Source relink: tests/e2e/plugin.c, a small OTR plugin written the way Debian's
# clients use libotr (forked keygen, /dev/null instance tags, app_data, fragments,
# smstate freed in the SMP callback, trust strings replaced in the struct), compiled
# unchanged against our *installed* headers with `pkg-config --cflags --libs libotr`
# (make install into a staging DESTDIR) and run on the installed library; the same
# source built against Debian's libotr5-dev (by path: tests/ref/debian-cc) must pass on
# Debian's library too, and that binary must also pass on ours.
source "$(dirname "$0")/lib.sh"

STAGE=$WORK/stage
PREFIX=/usr/local
make -s -C "$ROOT" install DESTDIR="$STAGE" PREFIX="$PREFIX" >"$WORK/install.log" 2>&1 ||
    { fail relink-install "make install failed" "$WORK/install.log"; exit 0; }
LIBDIR=$STAGE$PREFIX/lib
flags=$(PKG_CONFIG_SYSROOT_DIR="$STAGE" PKG_CONFIG_LIBDIR="$LIBDIR/pkgconfig" pkg-config --cflags --libs libotr)
case $flags in
    *"-I$STAGE$PREFIX/include"*"-L$LIBDIR"*) pass relink-pkg-config-points-at-install ;;
    *) fail relink-pkg-config-points-at-install "pkg-config gave: $flags" ;;
esac
# Reports each "ok"/"not ok" line of a run as PASS/FAIL NAME-...
run_plugin() { # run_plugin NAME BINARY LIBDIR : runs BINARY on the libotr.so.5 in LIBDIR
    local name=$1 bin=$2 dir
    dir=$(mktemp -d "$WORK/run.XXXXXX")
    LD_LIBRARY_PATH=$3 ldd "$bin" | grep -qF "$3/libotr.so.5" ||
        { fail "$name-loads-its-library" "$(LD_LIBRARY_PATH=$3 ldd "$bin" | grep libotr)"; return; }
    LD_LIBRARY_PATH=$3 timeout 60 "$bin" "$dir" >"$dir/out" 2>&1
    echo "exit $?" >>"$dir/out"
    sed -n -e "s/^ok - \(.*\)/PASS $name: \1/p" -e "s/^not ok - \(.*\)/FAIL $name: \1: failed/p" "$dir/out"
    grep -q '^ok - disconnect: the peer is finished' "$dir/out" && grep -q '^exit 0$' "$dir/out" ||
        fail "$name-completes" "did not run to the end" "$dir/out"
}

if ${CC:-cc} -Wall -Wextra -Wno-unused-parameter -Werror -o "$WORK/plugin" "$E2E_DIR/plugin.c" $flags 2>"$WORK/cc.log"; then
    pass relink-plugin-builds-on-installed-headers
    run_plugin relink-installed "$WORK/plugin" "$LIBDIR"
else
    fail relink-plugin-builds-on-installed-headers "cc $flags failed" "$WORK/cc.log"
fi
if "$ROOT/tests/ref/debian-cc" -Wall -Wextra -Wno-unused-parameter -o "$WORK/plugin-debian" \
    "$E2E_DIR/plugin.c" -lotr 2>"$WORK/cc-debian.log"; then
    run_plugin relink-debian "$WORK/plugin-debian" "$SYSTEM_LIBDIR"
    run_plugin relink-debian-built-on-installed "$WORK/plugin-debian" "$LIBDIR"
else
    fail relink-plugin-builds-on-debian "cc failed" "$WORK/cc-debian.log"
fi
exit 0
