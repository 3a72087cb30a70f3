# libotr.m4: AM_PATH_LIBOTR for otr-rs, the drop-in replacement of libotr 4.1.1.
#
# Clients' configure scripts written for libotr call this macro; it keeps libotr's
# interface so they build unchanged against otr-rs:
#
#   AM_PATH_LIBOTR([MINIMUM-VERSION], [ACTION-IF-FOUND], [ACTION-IF-NOT-FOUND])
#
# - MINIMUM-VERSION (default 3.0.0) is MAJOR.MINOR.SUB; the headers' OTRL_VERSION_MAJOR
#   must equal MAJOR, and (MINOR, SUB) must be at least the ones asked for.
# - --with-libotr-prefix=DIR adds -LDIR to LIBOTR_LIBS; --with-libotr-inc-prefix=DIR
#   adds -IDIR to LIBOTR_CFLAGS (DIR holds the libotr/ directory of headers).
# - LIBOTR_LIBS always ends in -lotr; the link test adds $LIBGCRYPT_LIBS, which callers
#   set with AM_PATH_LIBGCRYPT first, as libotr's documentation asks.
# - Without ACTION-IF-NOT-FOUND, a missing or too old libotr stops configure.
#
# LIBOTR_CFLAGS and LIBOTR_LIBS are substituted; the link test defines HAVE_LIBOTR.
# LDFLAGS and LIBS are restored afterwards; CFLAGS keeps the -I of
# --with-libotr-inc-prefix, as with libotr's macro (later header checks see it).

AC_DEFUN([AM_PATH_LIBOTR],
[AC_ARG_WITH([libotr-prefix],
    [AS_HELP_STRING([--with-libotr-prefix=PFX], [prefix where libotr is installed (optional)])],
    [am_libotr_prefix=$withval], [am_libotr_prefix=])
AC_ARG_WITH([libotr-inc-prefix],
    [AS_HELP_STRING([--with-libotr-inc-prefix=PFX], [prefix where libotr's headers are (optional)])],
    [am_libotr_inc_prefix=$withval], [am_libotr_inc_prefix=])

am_libotr_saved_LDFLAGS=$LDFLAGS
am_libotr_saved_LIBS=$LIBS
am_libotr_ok=yes

AC_MSG_CHECKING([for libotr CFLAGS])
AS_IF([test -n "$am_libotr_inc_prefix"],
    [LIBOTR_CFLAGS="$LIBOTR_CFLAGS -I$am_libotr_inc_prefix"
     CFLAGS="$CFLAGS $LIBOTR_CFLAGS"])
AC_MSG_RESULT([$LIBOTR_CFLAGS])

AC_MSG_CHECKING([for libotr LIBS])
AS_IF([test -n "$am_libotr_prefix"],
    [LIBOTR_LIBS="$LIBOTR_LIBS -L$am_libotr_prefix"
     LDFLAGS="$LDFLAGS $LIBOTR_LIBS"])
LIBOTR_LIBS="$LIBOTR_LIBS -lotr"
LIBS="$LIBOTR_LIBS $LIBS"
AC_MSG_RESULT([$LIBOTR_LIBS])

m4_pushdef([am_libotr_min], m4_default([$1], [3.0.0]))
am_libotr_major=`echo "am_libotr_min" | cut -d. -f1`
am_libotr_minor=`echo "am_libotr_min" | cut -d. -f2`
am_libotr_sub=`echo "am_libotr_min" | cut -d. -f3`
AC_MSG_CHECKING([for libotr headers version $am_libotr_major.x >= am_libotr_min])
AC_LANG_PUSH([C])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <stdlib.h>
#include <libotr/version.h>
#if OTRL_VERSION_MAJOR != $am_libotr_major
#error libotr of another major version
#elif OTRL_VERSION_MINOR < $am_libotr_minor || \
      (OTRL_VERSION_MINOR == $am_libotr_minor && OTRL_VERSION_SUB < $am_libotr_sub)
#error libotr too old
#endif
]], [[]])],
    [AC_MSG_RESULT([found.])],
    [AC_MSG_RESULT([not present.])
     m4_ifval([$3], [], [AC_MSG_ERROR([Sufficiently new version of libotr not found.])])
     am_libotr_ok=no])
AC_LANG_POP([C])
m4_popdef([am_libotr_min])

AC_CHECK_LIB([otr], [otrl_message_receiving], [],
    [m4_ifval([$3], [], [AC_MSG_ERROR([No linkable libotr was found.])])
     am_libotr_ok=no],
    [$LIBGCRYPT_LIBS])

LDFLAGS=$am_libotr_saved_LDFLAGS
LIBS=$am_libotr_saved_LIBS

AS_IF([test "$am_libotr_ok" = yes],
    [m4_default([$2], [:])],
    [LIBOTR_CFLAGS=
     LIBOTR_LIBS=
     m4_default([$3], [:])])
AC_SUBST([LIBOTR_CFLAGS])
AC_SUBST([LIBOTR_LIBS])
])
