#!/usr/bin/env bash
# make deb-check: the packages of `make deb` on a fresh Debian 12, as a user would install
# them. In a chroot made by `debootstrap --variant=minbase bookworm` (its tarball cached in
# build/chroot/, so only the first run downloads the base system):
#   - lintian (on this machine) reports no errors on the three packages;
#   - apt installs them together with irssi-plugin-otr, whose dependency on
#     libotr5 (>= 4.0.0) our versioned Provides satisfies; Debian's libotr5 stays out;
#   - irssi's OTR module resolves libotr.so.5 to ours (ldd, and every otrl_ symbol it
#     needs bound: ldd -r); our toolkit runs, linking no libotr;
#   - installing Debian's libotr5 afterwards replaces ours, and the module resolves
#     libotr.so.5 to Debian's again; Debian's libotr5-bin replaces our toolkit.
# Prints PASS/FAIL lines and "N passed, N failed"; needs root (chroot, mount) and the
# Debian mirror (MIRROR, by default the first of this machine's apt sources).
#
#   packaging/deb/check.sh DEBDIR
set -u
debs=$(cd "${1:?usage: check.sh DEBDIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "deb-check: needs root (debootstrap, chroot)"; exit 1; }
# Its tools, from Debian's packages, installed when missing (as make check's test-deps does).
if ! command -v debootstrap >/dev/null || ! command -v lintian >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 debootstrap lintian ||
        { echo "deb-check: could not install debootstrap and lintian"; exit 1; }
fi
mirror=${MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*\).*/\1/p; s/^deb \(http[^ ]*\) .*/\1/p' \
    /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | grep -m1 -v security)}
mirror=${mirror:-http://deb.debian.org/debian}
cache=$top/build/chroot/bookworm-minbase.tar
root=$top/build/chroot/root
passed=0 failed=0
pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
check() { # check NAME COMMAND...
    local name=$1
    shift
    if "$@"; then pass "$name"; else fail "$name" "'$*' failed"; fi
}
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
cleanup() {
    mountpoint -q "$root/proc" && umount "$root/proc"
    rm -rf "$root"
}
trap cleanup EXIT

lib=libotr5-rs bin=libotr-rs-bin dev=libotr-rs-dev
for pkg in $lib $dev $bin; do
    ls "$debs/$pkg"_*.deb >/dev/null 2>&1 || { echo "deb-check: no $pkg in $debs (make deb)"; exit 1; }
done

# lintian: errors fail; warnings and the rest are shown.
lintian --fail-on error "$debs"/*.deb >"$debs/lintian.log" 2>&1
status=$?
sed 's/^/    lintian: /' "$debs/lintian.log"
[ $status = 0 ] && pass deb-lintian-no-errors || fail deb-lintian-no-errors "lintian exit status $status"

# A fresh Debian 12 from the cached minbase tarball (made once by debootstrap).
if [ ! -s "$cache" ]; then
    mkdir -p "$(dirname "$cache")"
    rm -rf "$root"
    echo "deb-check: debootstrap --variant=minbase bookworm from $mirror (once; cached in $cache)"
    debootstrap --variant=minbase bookworm "$root" "$mirror" >"$top/build/chroot/debootstrap.log" 2>&1 ||
        { tail -20 "$top/build/chroot/debootstrap.log"; echo "deb-check: debootstrap failed"; exit 1; }
    tar -C "$root" -cf "$cache.part" . && mv "$cache.part" "$cache"
    rm -rf "$root"
fi
mkdir -p "$root"
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
echo "deb http://${mirror#*://} bookworm main" >"$root/etc/apt/sources.list"
in_root apt-get update -qq >/dev/null 2>&1 || { fail deb-apt-update "apt-get update in the chroot failed"; exit 1; }
mkdir -p "$root/debs"
ours=
for pkg in $lib $dev $bin; do
    deb=$(ls "$debs/$pkg"_*.deb | tail -1)
    cp "$deb" "$root/debs/"
    ours="$ours /debs/$(basename "$deb")"
done

installed() { [ "$(in_root dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
# The file the dynamic loader takes for libotr.so.5 in FILE's ldd, and its package.
resolves_to() { # resolves_to FILE PACKAGE
    local so owner
    so=$(in_root ldd "$1" | sed -n 's/^\tlibotr\.so\.5 => \([^ ]*\) .*/\1/p')
    [ -n "$so" ] || { echo "    $1 does not load libotr.so.5"; return 1; }
    owner=$(in_root dpkg -S "$(in_root readlink -f "$so")" 2>/dev/null | cut -d: -f1)
    echo "    $1: libotr.so.5 => $so ($owner)"
    [ "$owner" = "$2" ]
}

# Ours and irssi-plugin-otr in one apt transaction.
if in_root apt-get install -y -q $ours irssi-plugin-otr >"$top/build/chroot/install.log" 2>&1; then
    pass deb-apt-installs-ours-with-irssi-plugin-otr
else
    fail deb-apt-installs-ours-with-irssi-plugin-otr "$(tail -5 "$top/build/chroot/install.log")"
fi
for pkg in $lib $dev $bin irssi-plugin-otr; do check "deb-$pkg-installed" installed $pkg; done
check deb-debian-libotr5-not-installed eval '! installed libotr5'
check deb-apt-dependencies-consistent eval "in_root apt-get check -q >/dev/null"
# Every libotr symbol FILE needs is bound (ldd -r reports no otrl_* undefined; a module's
# other symbols come from the program that loads it).
binds_every_libotr_symbol() {
    local out
    out=$(in_root ldd -r "$1" 2>&1) || { echo "    $out"; return 1; }
    ! grep 'undefined symbol: otrl_' <<<"$out"
}
# FILE loads no libotr.
links_no_libotr() {
    local out
    out=$(in_root ldd "$1" 2>&1) || { echo "    $out"; return 1; }
    ! grep libotr <<<"$out"
}
module=$(in_root dpkg -L irssi-plugin-otr 2>/dev/null | grep -m1 '/irssi/modules/libotr.*\.so$')
module=${module:-/irssi-plugin-otr/has/no/module}
check deb-irssi-module-resolves-ours resolves_to "$module" $lib
check deb-irssi-module-binds-every-libotr-symbol binds_every_libotr_symbol "$module"
msg='?OTR:AAMDAAAAAQAAAAIDAAAABAAAAAUAAAAAAAAAAAAAAAAAAAAA5ka6j1/GyouRy8gJAIecoNe7r9gAAAAA.'
check deb-toolkit-runs eval "echo '$msg' | in_root otr_parse | grep -q '^	Sender keyid: 4\$'"
check deb-toolkit-links-no-libotr links_no_libotr /usr/bin/otr_parse

# Debian's libotr5 back: apt replaces ours, the module resolves to Debian's again.
if in_root apt-get install -y -q libotr5 >"$top/build/chroot/reinstall.log" 2>&1; then
    pass deb-apt-reinstalls-debian-libotr5
else
    fail deb-apt-reinstalls-debian-libotr5 "$(tail -5 "$top/build/chroot/reinstall.log")"
fi
check deb-debian-libotr5-installed installed libotr5
check deb-ours-removed eval "! installed $lib"
check deb-irssi-plugin-otr-kept installed irssi-plugin-otr
check deb-irssi-module-resolves-debians resolves_to "$module" libotr5
# Debian's toolkit back too: it replaces ours.
check deb-apt-reinstalls-debian-libotr5-bin eval 'in_root apt-get install -y -q libotr5-bin >/dev/null 2>&1'
check deb-ours-bin-removed eval "! installed $bin"
check deb-apt-dependencies-consistent-after eval "in_root apt-get check -q >/dev/null"

echo "deb-check: $passed passed, $failed failed"
[ $failed = 0 ]
