/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __INSTAG_H__
#define __INSTAG_H__

#ifndef OTRL_TYPEDEF_OTRLINSTAG
#define OTRL_TYPEDEF_OTRLINSTAG
typedef struct s_OtrlInsTag OtrlInsTag;
#endif
#ifndef OTRL_TYPEDEF_OTRLUSERSTATE
#define OTRL_TYPEDEF_OTRLUSERSTATE
typedef struct s_OtrlUserState *OtrlUserState;
#endif
#ifndef OTRL_TYPEDEF_OTRL_INSTAG_T
#define OTRL_TYPEDEF_OTRL_INSTAG_T
typedef unsigned int otrl_instag_t;
#endif
#if defined(__has_include)
#  if __has_include(<gcrypt.h>)
#    define OTRL_HAVE_GCRYPT_H 1
#  endif
#else
#  define OTRL_HAVE_GCRYPT_H 1
#endif
#ifdef OTRL_HAVE_GCRYPT_H
#include <gcrypt.h>
#elif !defined(OTRL_GCRYPT_NAMES)
#define OTRL_GCRYPT_NAMES
typedef unsigned int gcry_error_t;
typedef struct gcry_mpi *gcry_mpi_t;
typedef struct gcry_sexp *gcry_sexp_t;
typedef struct gcry_cipher_handle *gcry_cipher_hd_t;
typedef struct gcry_md_handle *gcry_md_hd_t;
#define GCRY_MD_SHA256 8
#endif
#include <stdio.h>
#include <errno.h>
#include "userstate.h"


#define OTRL_INSTAG_MASTER 0

#define OTRL_INSTAG_BEST 1

#define OTRL_INSTAG_RECENT 2

#define OTRL_INSTAG_RECENT_RECEIVED 3

#define OTRL_INSTAG_RECENT_SENT 4

#define OTRL_MIN_VALID_INSTAG 256

typedef unsigned int otrl_instag_t;

/**
 * One account's instance tag, in the userstate's `instag_root` list.
 */
struct s_OtrlInsTag {
  OtrlInsTag *next;
  OtrlInsTag **tous;
  char *accountname;
  char *protocol;
  otrl_instag_t instag;
};

/**
 * Removes one instance tag from its list and frees it.
 *
 * # Safety
 * `instag` must be NULL or an element of a userstate's list.
 */
void otrl_instag_forget(OtrlInsTag *instag);

/**
 * Frees every instance tag of the userstate.
 *
 * # Safety
 * `us` must be a userstate from `otrl_userstate_create`.
 */
void otrl_instag_forget_all(OtrlUserState us);

/**
 * The instance tag of an account, or NULL.
 *
 * # Safety
 * `us` must be a valid userstate; the strings NUL-terminated.
 */
OtrlInsTag *otrl_instag_find(OtrlUserState us, const char *accountname, const char *protocol);

/**
 * Reads the instance-tag file, adding its tags to the userstate's; a missing file
 * gives `gcry_error_from_errno(ENOENT)`.
 *
 * # Safety
 * `us` must be a valid userstate; `filename` NUL-terminated.
 */
gcry_error_t otrl_instag_read(OtrlUserState us, const char *filename);

/**
 * Reads instance tags from an open stream (NULL: nothing to read, success); lines
 * that are not `account\tprotocol\t<8 hex digits>` with a valid tag are skipped.
 *
 * # Safety
 * `us` must be a valid userstate; `instf` an open stream.
 */
gcry_error_t otrl_instag_read_FILEp(OtrlUserState us, FILE *instf);

/**
 * A fresh random instance tag (at least `OTRL_MIN_VALID_INSTAG`).
 */
otrl_instag_t otrl_instag_get_new(void);

/**
 * Makes a new instance tag for an account and writes every tag to the file.
 *
 * # Safety
 * `us` must be a valid userstate; the strings NUL-terminated.
 */
gcry_error_t otrl_instag_generate(OtrlUserState us,
                                  const char *filename,
                                  const char *accountname,
                                  const char *protocol);

/**
 * Makes a new instance tag for an account and writes every tag to an open stream;
 * NULL names do nothing and succeed, as in libotr.
 *
 * # Safety
 * `us` must be a valid userstate; `instf` an open stream; the strings NUL-terminated.
 */
gcry_error_t otrl_instag_generate_FILEp(OtrlUserState us,
                                        FILE *instf,
                                        const char *accountname,
                                        const char *protocol);

/**
 * Writes every instance tag to the file.
 *
 * # Safety
 * `us` must be a valid userstate; `filename` NUL-terminated.
 */
gcry_error_t otrl_instag_write(OtrlUserState us, const char *filename);

/**
 * Writes every instance tag to an open stream.
 *
 * # Safety
 * `us` must be a valid userstate; `instf` an open stream.
 */
gcry_error_t otrl_instag_write_FILEp(OtrlUserState us, FILE *instf);

#endif  /* __INSTAG_H__ */
