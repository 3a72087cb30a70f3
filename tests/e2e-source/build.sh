#!/usr/bin/env bash
# make e2e-source, part 1: the real OTR plugins and clients rebuilt from Debian's source
# against nothing but our headers and libotr.pc.
#
#   tests/e2e-source/build.sh [BINARY-PACKAGE...]
#       (default: pidgin-otr hexchat-otr irssi-plugin-otr bitlbee-plugin-otr mcabber profanity)
#
# 1. Our library is installed into a staging prefix (make install PREFIX=$STAGE).
# 2. A temporary apt configuration under build/e2e-source/apt/ (removed on exit, also on
#    failure) holds this machine's Debian mirror and release with deb-src lines, and
#    its own index directory, so the system's apt state is never touched. For each
#    package `apt-get source` fetches the source. Some parts are not served by the
#    mirror here: when the Debian part is missing but the upstream .orig tarball came,
#    that is unpacked and built with the upstream build system; when the release has no
#    served tarball at all, its backports are tried; when nothing is served the package
#    is reported SKIP. `apt-get build-dep` installs what the build needs.
# 3. Each is built with PKG_CONFIG_PATH, CPPFLAGS and LDFLAGS pointing at the stage and
#    installed under build/e2e-source/inst/. No patch is applied to any of them.
# 4. The compiler's dependency output (-MD files, or ninja's record of them) must name
#    our staged libotr headers and no other libotr header: Debian's libotr5-dev stays
#    installed (the reference), so a header found in /usr/include/libotr would show
#    there. The check itself is shown to catch a build on Debian's headers.
#
# Prints PASS/FAIL/SKIP lines; tests/e2e-source/run.sh adds them up.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=$ROOT/build/e2e-source
SRC=$OUT/src
STAGE=$OUT/stage
INST=$OUT/inst
DEPS=$OUT/deps
APT_DIR=$OUT/apt
PACKAGES=${*:-pidgin-otr hexchat-otr irssi-plugin-otr bitlbee-plugin-otr mcabber profanity}
JOBS=${JOBS:-2}

pass() { echo "PASS $1"; }
skip() { echo "SKIP $1: $2"; }
fail() {
    echo "FAIL $1: $2"
    [ -n "${3:-}" ] && [ -e "$3" ] && tail -n 25 "$3" | sed 's/^/    /'
    return 0
}

# --- the temporary apt configuration -------------------------------------------------
cleanup() { rm -rf "$APT_DIR"; }

# This machine's Debian mirror (and security mirror) from its apt sources, one-line
# or deb822 style.
mirror() { # mirror debian|debian-security
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -oE "(https?|file)://[^ ]*/$1/?( |\$)" | head -1 | tr -d ' '
}
. /etc/os-release
CODENAME=$VERSION_CODENAME
MIRROR=$(mirror debian)
SECURITY=$(mirror debian-security)
[ -n "$MIRROR" ] && [ -n "$CODENAME" ] || { fail source-apt "no Debian mirror or release found in /etc/apt"; exit 0; }
mkdir -p "$SRC"
exec 9>"$OUT/.lock"
flock -n 9 || { fail source-lock "another run is using $OUT"; exit 0; }
trap cleanup EXIT
mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/parts"
{
    echo "deb $MIRROR $CODENAME main"
    echo "deb $MIRROR $CODENAME-updates main"
    [ -n "$SECURITY" ] && echo "deb $SECURITY $CODENAME-security main"
    echo "deb-src $MIRROR $CODENAME main"
    echo "deb-src $MIRROR $CODENAME-backports main"
} >"$APT_DIR/sources.list"
APT=(-q -o "Dir::Etc::SourceList=$APT_DIR/sources.list" -o "Dir::Etc::SourceParts=$APT_DIR/parts"
    -o "Dir::State::Lists=$APT_DIR/lists" -o "Dir::Cache=$APT_DIR/cache"
    -o DPkg::Lock::Timeout=600 -o APT::Sandbox::User=root)
export DEBIAN_FRONTEND=noninteractive
apt-get "${APT[@]}" update >"$OUT/apt-update.log" 2>&1 ||
    { fail source-apt-update "apt-get update on the temporary sources list failed" "$OUT/apt-update.log"; exit 0; }

# fetch BINARY : $SRC/BINARY/ gets the source; sets SUITE (/<release> or /<release>-backports),
# HOW (debian: Debian's full source, patches applied; orig: the upstream tarball only)
# and TREE (the unpacked source directory).
fetch() {
    local d=$SRC/$1 orig
    : >"$d.log"
    for SUITE in "/$CODENAME" "/$CODENAME-backports"; do
        rm -rf "$d"
        mkdir -p "$d"
        if (cd "$d" && apt-get "${APT[@]}" source "$1$SUITE") >>"$d.log" 2>&1; then
            HOW=debian
            TREE=$(find "$d" -mindepth 1 -maxdepth 1 -type d | head -1)
            return 0
        fi
        orig=$(find "$d" -maxdepth 1 -name '*.orig.tar.*' ! -name '*.asc' | head -1)
        if [ -n "$orig" ]; then
            mkdir "$d/orig" && tar -xf "$orig" -C "$d/orig" || return 1
            HOW=orig
            TREE=$(find "$d/orig" -mindepth 1 -maxdepth 1 -type d | head -1)
            return 0
        fi
    done
    return 1
}

# --- our headers and library, staged ---------------------------------------------------
rm -rf "$STAGE" "$INST" "$DEPS"
mkdir -p "$DEPS" "$OUT/bin"
make -s -C "$ROOT" install PREFIX="$STAGE" LDCONFIG=true >"$OUT/stage.log" 2>&1 ||
    { fail source-stage "make install PREFIX=$STAGE failed" "$OUT/stage.log"; exit 0; }
export PKG_CONFIG_PATH=$STAGE/lib/pkgconfig
export CPPFLAGS="-I$STAGE/include"
export CFLAGS="-g -O2 -MD"
export LDFLAGS="-L$STAGE/lib"
case $(pkg-config --cflags --libs libotr) in
    *"-I$STAGE/include"*"-L$STAGE/lib"*) pass source-pkg-config-is-ours ;;
    *) fail source-pkg-config-is-ours "pkg-config libotr: $(pkg-config --cflags --libs libotr)" ;;
esac
# hexchat-otr's Makefile runs `python`; Debian has only python3.
ln -sf "$(command -v python3)" "$OUT/bin/python"
export PATH=$OUT/bin:$PATH

# --- the dependency check ------------------------------------------------------------
# deps_check NAME LISTFILE : LISTFILE holds every file the compiler read. It must list
# system headers (or it proves nothing, as -MMD output would not), our staged libotr
# headers, and no libotr header from anywhere else.
deps_check() {
    local name=$1 list=$2 others
    if ! grep -q '^/usr/include/' "$list"; then
        fail "$name-deps" "the dependency output names no system header"
    elif ! grep -q "^$STAGE/include/libotr/" "$list"; then
        fail "$name-deps" "no header from $STAGE/include/libotr was read"
    elif others=$(grep -E '(^|/)libotr/[^/]+\.h$' "$list" | grep -v "^$STAGE/include/libotr/"); then
        fail "$name-deps" "libotr headers from outside the stage: $(echo $others | head -c 300)"
    else
        pass "$name-deps-only-our-headers ($(grep -c "^$STAGE/include/libotr/" "$list") reads of $(sort -u "$list" | grep -c "^$STAGE/include/libotr/") headers)"
    fi
}
# deps_of DIR : every path named by the make-style dependency files under DIR, one a line.
deps_of() {
    find "$1" -type f \( -name '*.d' -o -name '*.Po' -o -name '*.Plo' -o -name '*.Tpo' \) -print0 |
        xargs -0 -r cat | tr ' \\:' '\n\n\n' | grep '^/' | sed 's|/\./|/|g'
}
# The check catches a build on Debian's headers: the same include, compiled without
# the stage, must fail it.
printf '#include <libotr/proto.h>\nint main(void) { return OTRL_VERSION_MAJOR; }\n' >"$DEPS/probe.c"
(cd "$DEPS" && cc -MD -c probe.c -o probe.o) && deps_of "$DEPS" >"$DEPS/probe.list"
if [ -s "$DEPS/probe.list" ] && deps_check probe "$DEPS/probe.list" | grep -q '^FAIL'; then
    pass source-deps-check-catches-debian-headers
else
    fail source-deps-check-catches-debian-headers "a build on /usr/include/libotr passed the check"
fi
rm -f "$DEPS"/probe.*

# --- the builds ----------------------------------------------------------------------
# Each builder runs in TREE, installs under $INST and writes the dependency list.
build_pidgin_otr() {
    ./configure --prefix="$INST" --with-libotr-prefix="$STAGE" --disable-dependency-tracking &&
        make -j"$JOBS" && make install && deps_of . >"$DEPS/pidgin-otr.list"
}
# hexchat-otr 0.2.2 defines a variable in a header it includes four times: GCC 10 and
# later (-fno-common) refuse to link that, so it is built with -fcommon, as C compilers
# did by default when it was written (a flag, not a patch; nothing about libotr).
build_hexchat_otr() {
    NOCONFIGURE=1 ./autogen.sh && ./configure --prefix="$INST" --disable-dependency-tracking &&
        make -j"$JOBS" CFLAGS="$CFLAGS -fcommon" && make install hexchatlibdir="$INST/lib/hexchat/plugins" &&
        deps_of . >"$DEPS/hexchat-otr.list"
}
build_irssi_plugin_otr() {
    meson setup _build --prefix="$INST" -Dwith-otr=yes -Dwith-perl=no -Dwith-proxy=no &&
        ninja -C _build -j"$JOBS" && ninja -C _build install &&
        ninja -C _build -t deps | grep '^ ' | tr -d ' ' | sed 's|/\./|/|g' >"$DEPS/irssi-plugin-otr.list"
}
build_bitlbee_plugin_otr() {
    ./configure --prefix="$INST" --etcdir="$INST/etc" --config="$INST/var" --plugindir="$INST/lib/bitlbee" \
        --pidfile="$INST/bitlbee.pid" --systemdsystemunitdir="$INST/systemd" \
        --otr=plugin --purple=0 --ssl=gnutls &&
        make -j"$JOBS" && make install install-plugin-otr && deps_of . >"$DEPS/bitlbee-plugin-otr.list"
}
build_mcabber() {
    [ -x configure ] || ./autogen.sh
    ./configure --prefix="$INST" --enable-otr --disable-dependency-tracking &&
        make -j"$JOBS" && make install && deps_of . >"$DEPS/mcabber.list"
}
build_profanity() {
    [ -x configure ] || ./bootstrap.sh
    ./configure --prefix="$INST" --enable-otr --disable-dependency-tracking --disable-python-plugins \
        --disable-c-plugins && make -j"$JOBS" && make install && deps_of . >"$DEPS/profanity.list"
}

for p in $PACKAGES; do
    start=$SECONDS
    if ! fetch "$p"; then
        skip "$p-source" "apt-get source served neither Debian's source nor the upstream tarball ($(grep -o '[^/ ]*\.orig\.tar\.[a-z0-9]*' "$SRC/$p.log" | sort -u | tr '\n' ' '))"
        continue
    fi
    pass "$p-source ($HOW: $(basename "$TREE") from ${SUITE#/})"
    apt-get "${APT[@]}" -y build-dep "$p$SUITE" >"$SRC/$p.build-dep.log" 2>&1 ||
        { fail "$p-build-dep" "apt-get build-dep failed" "$SRC/$p.build-dep.log"; continue; }
    if (cd "$TREE" && "build_${p//-/_}") >"$SRC/$p.build.log" 2>&1; then
        pass "$p-builds ($((SECONDS - start)) s)"
        deps_check "$p" "$DEPS/$p.list"
    else
        fail "$p-builds" "the build failed" "$SRC/$p.build.log"
    fi
done
exit 0
