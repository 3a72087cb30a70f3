/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __CONTEXT_PRIV_H__
#define __CONTEXT_PRIV_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXTPRIV
#define OTRL_TYPEDEF_CONNCONTEXTPRIV
typedef struct context_priv ConnContextPriv;
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
#include <time.h>
#include "dh.h"
#include "auth.h"
#include "sm.h"


/**
 * Per-context protocol state libotr keeps private; only its layout is public.
 */
struct context_priv {
  char *fragment;
  size_t fragment_len;
  unsigned short fragment_n;
  unsigned short fragment_k;
  unsigned int their_keyid;
  gcry_mpi_t their_y;
  gcry_mpi_t their_old_y;
  unsigned int our_keyid;
  DH_keypair our_dh_key;
  DH_keypair our_old_dh_key;
  DH_sesskeys sesskeys[2][2];
  unsigned int numsavedkeys;
  unsigned char *saved_mac_keys;
  unsigned int generation;
  time_t lastsent;
  time_t lastrecv;
  char *lastmessage;
  int may_retransmit;
};

/**
 * A new private context part, as libotr initialises it (NULL if memory runs out).
 */
ConnContextPriv *otrl_context_priv_new(void);

/**
 * Drops a context's session state (keys, fragments, saved MAC keys, last message),
 * keeping its generation count and the times of the last message sent and
 * received; the session is left FINISHED.
 *
 * # Safety
 * `context_priv` must be NULL or come from `otrl_context_priv_new` or a context.
 */
void otrl_context_priv_force_finished(ConnContextPriv *context_priv);

#endif  /* __CONTEXT_PRIV_H__ */
