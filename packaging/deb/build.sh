#!/bin/sh
# Splits a `make install` staged under /usr into three Debian packages and builds them
# with dpkg-deb (called by `make deb`):
#   libotr5-rs     libotr.so.5 in the multiarch libdir; Provides, Conflicts and Replaces
#                  libotr5, so packages depending on libotr5 (>= 4.0.0) run on it
#   libotr-rs-dev  headers, libotr.so, libotr.a, libotr.pc and libotr.m4, in place of libotr5-dev
#   libotr-rs-bin  the toolkit (otr_parse ...) and its manual page, in place of libotr5-bin
#
#   DEB_VERSION=V DEB_MAINTAINER='Name <address>' packaging/deb/build.sh STAGE OUTDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
stage=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)
version=${DEB_VERSION:?} maintainer=${DEB_MAINTAINER:?}
arch=$(dpkg --print-architecture)
libdir=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
PACKAGES="libotr5-rs libotr-rs-dev libotr-rs-bin"

# What each package holds, as paths in the staged tree.
contents() {
    case $1 in
    libotr5-rs) echo "$libdir/libotr.so.5.1.1 $libdir/libotr.so.5" ;;
    libotr-rs-dev) echo "usr/include/libotr $libdir/libotr.so $libdir/libotr.a $libdir/pkgconfig usr/share/aclocal" ;;
    libotr-rs-bin) echo "usr/bin usr/share/man" ;;
    esac
}

# The Depends of ELF files, as dpkg-shlibdeps finds them (it wants a debian/control).
shlib_depends() {
    scratch=$(mktemp -d)
    mkdir "$scratch/debian"
    printf 'Source: otr-rs\n\nPackage: otr-rs\nArchitecture: any\n' >"$scratch/debian/control"
    (cd "$scratch" && dpkg-shlibdeps -O "$@" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
    rm -rf "$scratch"
}

# Strips as dh_strip does: debugging symbols out, .comment and .note sections away.
strip_elf() {
    for f in "$@"; do
        case $f in
        *.a) strip --strip-debug --enable-deterministic-archives -R .comment -R .note "$f" ;;
        *.so*) strip --strip-unneeded -R .comment -R .note "$f" ;;
        *) strip -R .comment -R .note "$f" ;;
        esac
    done
}

# The crates linked into the library and the tools: "name version: licence" lines.
crates() {
    ${CARGO:-cargo} tree --manifest-path "$top/Cargo.toml" --offline -e normal,no-proc-macro \
        --prefix none -f '{p}: {l}' -p otr-rs -p otr-toolkit |
        grep -v -e '^otr-' -e '(\*)' -e '^$' | sed 's/ v\([0-9]\)/ \1/; s/^/ /' | sort -u
}

# The library's symbols and the libotr version that brought each (all 4.0.0 but
# otrl_mem_differ, new in 4.1.0): a package built against these headers depends on
# libotr5 (>= ...), which Debian's libotr5 and this one both satisfy.
symbols() {
    echo "libotr.so.5 libotr5 #MINVER#"
    echo "* Build-Depends-Package: libotr5-dev"
    sed -n 's/^ *\(otrl_[a-z0-9_]*\);$/\1/p' "$top/libotr.map" | sort | while read -r sym; do
        case $sym in otrl_mem_differ) since=4.1.0 ;; *) since=4.0.0 ;; esac
        echo " $sym@Base $since"
    done
}

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
crate_list=$(crates)
[ -n "$crate_list" ] || { echo "build.sh: cargo tree listed no crates" >&2; exit 1; }

for pkg in $PACKAGES; do
    root=$out/$pkg
    rm -rf "$root"
    mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$pkg"
    for path in $(contents $pkg); do
        mkdir -p "$root/$(dirname "$path")"
        cp -a "$stage/$path" "$root/$path"
    done
    elf=$(find "$root/usr" -type f \( -perm -u+x -o -name '*.so*' -o -name '*.a' \) | sort)
    [ -z "$elf" ] || strip_elf $elf

    # Manual pages compressed, their links following.
    if [ -d "$root/usr/share/man" ]; then
        find "$root/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
        find "$root/usr/share/man" -type l -name '*.[0-9]' | while read -r link; do
            ln -s "$(readlink "$link").gz" "$link.gz"
            rm "$link"
        done
    fi

    if [ -e "$here/lintian/$pkg" ]; then
        mkdir -p "$root/usr/share/lintian/overrides"
        cp "$here/lintian/$pkg" "$root/usr/share/lintian/overrides/$pkg"
    fi
    doc=$root/usr/share/doc/$pkg
    sed -e "/@CRATES@/{r /dev/stdin" -e "d}" "$here/copyright.in" <<CRATES >"$doc/copyright"
$crate_list
CRATES
    sed -e "s|@VERSION@|$version|; s|@MAINTAINER@|$maintainer|; s|@COMMIT@|$commit|" \
        -e "s|@DATE@|$(date -R -u -d "@$epoch")|" "$here/changelog.in" | gzip -9n >"$doc/changelog.gz"

    if [ $pkg = libotr5-rs ]; then
        echo "libotr 5 libotr5 (>= 4.0.0)" >"$root/DEBIAN/shlibs"
        symbols >"$root/DEBIAN/symbols"
        echo "activate-noawait ldconfig" >"$root/DEBIAN/triggers"
    fi
    depends=
    [ -z "$elf" ] || depends=$(shlib_depends $(echo "$elf" | grep -v '\.a$'))
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    sed -e "s|@VERSION@|$version|g; s|@ARCH@|$arch|; s|@MAINTAINER@|$maintainer|" \
        -e "s|@INSTALLED_SIZE@|$size|; s|@DEPENDS@|$depends|" "$here/$pkg.control" >"$root/DEBIAN/control"
    (cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
    find "$root" -type d -exec chmod 0755 {} +
    find "$root" -type f -exec chmod go-w {} +
    chmod 0644 "$root/DEBIAN"/*
    dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${pkg}_${version}_$arch.deb" >/dev/null
    echo "built $out/${pkg}_${version}_$arch.deb"
done

# Every installed file is in exactly one package.
for pkg in $PACKAGES; do (cd "$out/$pkg" && find usr ! -type d); done |
    grep -v -e '^usr/share/doc/' -e '^usr/share/lintian/' | sed 's/\.gz$//' | LC_ALL=C sort >"$out/packaged.list"
(cd "$stage" && find usr ! -type d) | LC_ALL=C sort >"$out/installed.list"
diff -u "$out/installed.list" "$out/packaged.list" >&2 ||
    { echo "build.sh: the packages do not hold exactly what make install staged" >&2; exit 1; }
rm "$out/packaged.list" "$out/installed.list"
