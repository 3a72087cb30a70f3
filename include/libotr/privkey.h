/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __PRIVKEY_H__
#define __PRIVKEY_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_OTRLUSERSTATE
#define OTRL_TYPEDEF_OTRLUSERSTATE
typedef struct s_OtrlUserState *OtrlUserState;
#endif
#ifndef OTRL_TYPEDEF_OTRLPRIVKEY
#define OTRL_TYPEDEF_OTRLPRIVKEY
typedef struct s_OtrlPrivKey OtrlPrivKey;
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
#include "privkey-t.h"
#include "userstate.h"


#define OTRL_PRIVKEY_FPRINT_HUMAN_LEN 45

/**
 * Writes a fingerprint as five groups of eight upper-case hex digits, NUL-terminated.
 *
 * # Safety
 * `human` must be NULL (nothing is written) or have room for 45 bytes; `hash` must
 * hold 20 (NULL reads as zeros).
 */
void otrl_privkey_hash_to_human(char *human, const unsigned char *hash);

/**
 * Writes the human form of an account's fingerprint into `fingerprint` and returns it,
 * or returns NULL when the account has no key.
 *
 * # Safety
 * `us` valid; `fingerprint` 45 writable bytes; strings NUL-terminated.
 */
char *otrl_privkey_fingerprint(OtrlUserState us,
                               char *fingerprint,
                               const char *accountname,
                               const char *protocol);

/**
 * Writes the 20 bytes of an account's fingerprint into `hash` and returns it, or
 * returns NULL when the account has no key.
 *
 * # Safety
 * `us` valid; `hash` 20 writable bytes; strings NUL-terminated.
 */
unsigned char *otrl_privkey_fingerprint_raw(OtrlUserState us,
                                            unsigned char *hash,
                                            const char *accountname,
                                            const char *protocol);

/**
 * Reads the key file into the userstate, replacing its keys; a missing file gives
 * `gcry_error_from_errno(ENOENT)` and keeps them.
 *
 * # Safety
 * `us` valid; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_read(OtrlUserState us, const char *filename);

/**
 * As `otrl_privkey_read`, from an open stream (NULL: nothing read, success).
 *
 * Like libotr: all keys are forgotten first; the file's size comes from `fstat` and
 * exactly that many bytes must be readable from the stream (an empty file gives
 * `gcry_error_from_errno(errno)`, so success when `errno` is 0); each account is linked
 * at the head of the list, so the list is in reverse file order; an account libotr
 * would reject stops the reading with its error, keeping the accounts before it.
 *
 * # Safety
 * `us` valid; `privf` NULL or an open stream.
 */
gcry_error_t otrl_privkey_read_FILEp(OtrlUserState us, FILE *privf);

/**
 * Forgets every pending key generation of the userstate (the `newkey` handles stay
 * valid for `otrl_privkey_generate_cancelled`).
 *
 * # Safety
 * `us` must be NULL or a valid userstate.
 */
void otrl_privkey_pending_forget_all(OtrlUserState us);

/**
 * Starts a key generation for an account: marks it pending in the userstate and sets
 * `*newkeyp` to the handle for `_calculate` and `_finish`. A generation already
 * pending for the account gives `GPG_ERR_EEXIST` and a NULL handle.
 *
 * # Safety
 * `us` valid; strings NUL-terminated; `newkeyp` writable.
 */
gcry_error_t otrl_privkey_generate_start(OtrlUserState us,
                                         const char *accountname,
                                         const char *protocol,
                                         void **newkeyp);

/**
 * Generates the key (the slow part). Touches nothing but `newkey`: it may run in
 * another thread, or in a `fork()`ed child, while the main thread goes on.
 *
 * # Safety
 * `newkey` must come from `otrl_privkey_generate_start`, not finished or cancelled.
 */
gcry_error_t otrl_privkey_generate_calculate(void *newkey);

/**
 * Writes the new key with the userstate's other keys to the file, then reads the file
 * back into the userstate (see `otrl_privkey_generate_finish_FILEp`). When the file
 * cannot be opened, returns the error and leaves the generation pending.
 *
 * # Safety
 * `us` valid; `newkey` from `otrl_privkey_generate_start`; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_generate_finish(OtrlUserState us, void *newkey, const char *filename);

/**
 * As libotr: writes `(privkeys`, every key of `privkey_root` in list order except the
 * account's old one, the new key (`()` if it was never calculated), `)`; seeks back to
 * the start and reads the stream with `otrl_privkey_read_FILEp`, which replaces the
 * userstate's keys (so every generation reverses the order of the other keys in the
 * file). Then frees `newkey` as `otrl_privkey_generate_cancelled` does, even on error.
 *
 * # Safety
 * `us` valid; `newkey` from `otrl_privkey_generate_start`; `privf` NULL or a stream
 * open for reading and writing.
 */
gcry_error_t otrl_privkey_generate_finish_FILEp(OtrlUserState us, void *newkey, FILE *privf);

/**
 * Ends a key generation without using it: the account is no longer pending (when `us`
 * is not NULL) and `newkey` is freed. A `newkey` already finished or cancelled is
 * ignored (libotr frees it again).
 *
 * # Safety
 * `us` NULL or valid; `newkey` from `otrl_privkey_generate_start`.
 */
void otrl_privkey_generate_cancelled(OtrlUserState us, void *newkey);

/**
 * Generates a key for an account, writes it with the other keys to the file (created
 * mode 0600) and reloads the file into the userstate. The file is opened, and so
 * truncated, before anything else, even when a generation for the account is pending.
 *
 * # Safety
 * `us` valid; strings NUL-terminated.
 */
gcry_error_t otrl_privkey_generate(OtrlUserState us,
                                   const char *filename,
                                   const char *accountname,
                                   const char *protocol);

/**
 * `otrl_privkey_generate_start`, `_calculate` and `_finish_FILEp` in a row (the
 * calculation's error is not reported: its key is then written as `()`).
 *
 * # Safety
 * `us` valid; `privf` a stream open for reading and writing; strings NUL-terminated.
 */
gcry_error_t otrl_privkey_generate_FILEp(OtrlUserState us,
                                         FILE *privf,
                                         const char *accountname,
                                         const char *protocol);

/**
 * Reads the fingerprint store into master contexts (added as needed, with
 * `add_app_data`), setting each fingerprint's trust.
 *
 * # Safety
 * `us` valid; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_read_fingerprints(OtrlUserState us,
                                            const char *filename,
                                            void (*add_app_data)(void *data, ConnContext *context),
                                            void *data);

/**
 * As `otrl_privkey_read_fingerprints`, from an open stream (NULL: success).
 *
 * # Safety
 * `us` valid; `storef` NULL or an open stream.
 */
gcry_error_t otrl_privkey_read_fingerprints_FILEp(OtrlUserState us,
                                                  FILE *storef,
                                                  void (*add_app_data)(void *data,
                                                                       ConnContext *context),
                                                  void *data);

/**
 * Writes every master context's fingerprints with their trust.
 *
 * # Safety
 * `us` valid; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_write_fingerprints(OtrlUserState us, const char *filename);

/**
 * As `otrl_privkey_write_fingerprints`, to an open stream (NULL: success).
 *
 * # Safety
 * `us` valid; `storef` NULL or an open stream.
 */
gcry_error_t otrl_privkey_write_fingerprints_FILEp(OtrlUserState us, FILE *storef);

/**
 * The key of an account in the userstate's list (the first match), or NULL.
 *
 * # Safety
 * `us` NULL or valid; the strings NULL or NUL-terminated.
 */
OtrlPrivKey *otrl_privkey_find(OtrlUserState us, const char *accountname, const char *protocol);

/**
 * Takes a key out of its list and frees it (the secret is zeroized).
 *
 * # Safety
 * `privkey` must be NULL or in a userstate's list.
 */
void otrl_privkey_forget(OtrlPrivKey *privkey);

/**
 * Forgets every key of the userstate.
 *
 * # Safety
 * `us` must be NULL or a valid userstate.
 */
void otrl_privkey_forget_all(OtrlUserState us);

/**
 * Signs `data` (read as a big-endian integer, reduced modulo q) with a key of the
 * userstate: `*sigp` gets a `malloc`ed r || s of `*siglenp` = 40 bytes.
 *
 * A key that cannot sign (no `x`, numbers our DSA code rejects) gives
 * `GPG_ERR_UNUSABLE_SECKEY` and leaves `*sigp` alone, where libotr crashes.
 *
 * # Safety
 * `sigp`, `siglenp` writable; `privkey` from a userstate's list; `data` `len` bytes.
 */
gcry_error_t otrl_privkey_sign(unsigned char **sigp,
                               size_t *siglenp,
                               OtrlPrivKey *privkey,
                               const unsigned char *data,
                               size_t len);

/**
 * Verifies a 40-byte r || s signature of `data` against `pubs`, which must be the
 * `privkey` of a key this library loaded (our stand-in for libgcrypt's key
 * S-expression). A wrong signature gives
 * libgcrypt's `GPG_ERR_BAD_SIGNATURE` (`0x01000008`); another type or length
 * `GPG_ERR_INV_VALUE`; a NULL or foreign `pubs` libgcrypt's `GPG_ERR_INV_OBJ`.
 *
 * # Safety
 * `sigbuf` `siglen` bytes; `pubs` NULL or a `privkey` of a live key; `data` `len` bytes.
 */
gcry_error_t otrl_privkey_verify(const unsigned char *sigbuf,
                                 size_t siglen,
                                 unsigned short pubkey_type,
                                 gcry_sexp_t pubs,
                                 const unsigned char *data,
                                 size_t len);

#endif  /* __PRIVKEY_H__ */
