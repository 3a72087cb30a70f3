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
 * `human` must have room for 45 bytes; `hash` must hold 20.
 */
void otrl_privkey_hash_to_human(char *human, const unsigned char *hash);

/**
 * # Safety
 * `us` valid; `fingerprint` 45 writable bytes; strings NUL-terminated.
 */
char *otrl_privkey_fingerprint(OtrlUserState us,
                               char *fingerprint,
                               const char *accountname,
                               const char *protocol);

/**
 * # Safety
 * `us` valid; `hash` 20 writable bytes; strings NUL-terminated.
 */
unsigned char *otrl_privkey_fingerprint_raw(OtrlUserState us,
                                            unsigned char *hash,
                                            const char *accountname,
                                            const char *protocol);

/**
 * # Safety
 * `us` valid; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_read(OtrlUserState us, const char *filename);

/**
 * # Safety
 * `us` valid; `privf` an open stream.
 */
gcry_error_t otrl_privkey_read_FILEp(OtrlUserState us, FILE *privf);

/**
 * # Safety
 * `us` must be a valid userstate.
 */
void otrl_privkey_pending_forget_all(OtrlUserState us);

/**
 * # Safety
 * `us` valid; strings NUL-terminated; `newkeyp` writable.
 */
gcry_error_t otrl_privkey_generate_start(OtrlUserState us,
                                         const char *accountname,
                                         const char *protocol,
                                         void **newkeyp);

/**
 * # Safety
 * `newkey` must come from `otrl_privkey_generate_start`.
 */
gcry_error_t otrl_privkey_generate_calculate(void *newkey);

/**
 * # Safety
 * `us` valid; `newkey` from `otrl_privkey_generate_start`; `filename` NUL-terminated.
 */
gcry_error_t otrl_privkey_generate_finish(OtrlUserState us, void *newkey, const char *filename);

/**
 * # Safety
 * `us` valid; `newkey` from `otrl_privkey_generate_start`; `privf` an open stream.
 */
gcry_error_t otrl_privkey_generate_finish_FILEp(OtrlUserState us, void *newkey, FILE *privf);

/**
 * # Safety
 * `us` valid; `newkey` from `otrl_privkey_generate_start`.
 */
void otrl_privkey_generate_cancelled(OtrlUserState us, void *newkey);

/**
 * # Safety
 * `us` valid; strings NUL-terminated.
 */
gcry_error_t otrl_privkey_generate(OtrlUserState us,
                                   const char *filename,
                                   const char *accountname,
                                   const char *protocol);

/**
 * # Safety
 * `us` valid; `privf` an open stream; strings NUL-terminated.
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
 * # Safety
 * `us` valid; strings NUL-terminated.
 */
OtrlPrivKey *otrl_privkey_find(OtrlUserState us, const char *accountname, const char *protocol);

/**
 * # Safety
 * `privkey` must be NULL or in a userstate's list.
 */
void otrl_privkey_forget(OtrlPrivKey *privkey);

/**
 * # Safety
 * `us` must be a valid userstate.
 */
void otrl_privkey_forget_all(OtrlUserState us);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_privkey_sign(unsigned char **sigp,
                               size_t *siglenp,
                               OtrlPrivKey *privkey,
                               const unsigned char *data,
                               size_t len);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_privkey_verify(const unsigned char *sigbuf,
                                 size_t siglen,
                                 unsigned short pubkey_type,
                                 gcry_sexp_t pubs,
                                 const unsigned char *data,
                                 size_t len);

#endif  /* __PRIVKEY_H__ */
