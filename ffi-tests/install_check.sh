#!/bin/sh
# `make install` into a staging DESTDIR lays out lib/, include/libotr/, lib/pkgconfig/,
# bin/ (the toolkit), share/man/man1/ and share/aclocal/ as Debian does; a client builds
# with `pkg-config --cflags --libs libotr` against it and runs, and so does one whose
# configure script finds libotr with AM_PATH_LIBOTR (the installed libotr.m4); `make
# uninstall` then removes every file it installed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
prefix=/usr/local
fail() { echo "install-check: $*"; echo "install-check: 0 passed, 1 failed"; exit 1; }

make -s -C "$top" install DESTDIR="$stage" PREFIX="$prefix" >/dev/null
for f in lib/libotr.so.5.1.1 lib/libotr.so.5 lib/libotr.so lib/libotr.a lib/pkgconfig/libotr.pc \
         include/libotr/proto.h include/libotr/message.h include/libotr/version.h \
         bin/otr_parse bin/otr_remac share/man/man1/otr_toolkit.1 share/man/man1/otr_parse.1 \
         share/aclocal/libotr.m4; do
    [ -e "$stage$prefix/$f" ] || fail "missing $prefix/$f"
done
[ "$(readlink "$stage$prefix/lib/libotr.so.5")" = libotr.so.5.1.1 ] || fail "libotr.so.5 link"
"$stage$prefix/bin/otr_mackey" 000102030405060708090a0b0c0d0e0f | grep -q '^MAC key: ' ||
    fail "the installed otr_mackey does not run"

export PKG_CONFIG_SYSROOT_DIR="$stage" PKG_CONFIG_LIBDIR="$stage$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion libotr)" = 4.1.1 ] || fail "pkg-config --modversion"
flags=$(pkg-config --cflags --libs libotr)
${CC:-cc} -o "$stage/client" "$top/ffi-tests/test_pure.c" $flags || fail "client does not build with: $flags"
LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/client" >/dev/null || fail "client fails on the installed library"
rm -f "$stage/client"

# A configure script as clients write them (aclocal finds AM_PATH_LIBOTR in the installed
# share/aclocal); a version above ours is refused, 4.0.0 is found, and its flags build the
# client against the staged library.
conf=$stage/configure-client
mkdir "$conf"
cat >"$conf/configure.ac" <<'AC'
AC_INIT([client], [1])
AC_PROG_CC
AM_PATH_LIBOTR([4.2.0], [AC_MSG_ERROR([libotr 4.2.0 reported found])], [:])
AM_PATH_LIBOTR([4.0.0])
AC_CONFIG_FILES([flags])
AC_OUTPUT
AC
echo '@LIBOTR_CFLAGS@ @LIBOTR_LIBS@' >"$conf/flags.in"
(cd "$conf" && aclocal -I "$stage$prefix/share/aclocal" && autoconf &&
    ./configure --with-libotr-prefix="$stage$prefix/lib" \
        --with-libotr-inc-prefix="$stage$prefix/include") >"$stage/configure.log" 2>&1 ||
    { cat "$stage/configure.log"; fail "AM_PATH_LIBOTR: configure failed"; }
flags=$(echo $(cat "$conf/flags"))
[ "$flags" = "-I$stage$prefix/include -L$stage$prefix/lib -lotr" ] || fail "AM_PATH_LIBOTR gave: $flags"
${CC:-cc} -o "$stage/client" "$top/ffi-tests/test_pure.c" $flags || fail "client does not build with: $flags"
LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/client" >/dev/null || fail "client fails on the installed library"
rm -rf "$stage/client" "$stage/configure.log" "$conf"

make -s -C "$top" uninstall DESTDIR="$stage" PREFIX="$prefix" >/dev/null
left=$(find "$stage" -type f -o -type l)
[ -z "$left" ] || fail "uninstall left: $left"
echo "install-check: 1 passed, 0 failed"
