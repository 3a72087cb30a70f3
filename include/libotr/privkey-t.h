/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __PRIVKEY_T_H__
#define __PRIVKEY_T_H__

#ifndef OTRL_TYPEDEF_OTRLPRIVKEY
#define OTRL_TYPEDEF_OTRLPRIVKEY
typedef struct s_OtrlPrivKey OtrlPrivKey;
#endif
#ifndef OTRL_TYPEDEF_OTRLPENDINGPRIVKEY
#define OTRL_TYPEDEF_OTRLPENDINGPRIVKEY
typedef struct s_OtrlPendingPrivKey OtrlPendingPrivKey;
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
#include <stddef.h>


#define OTRL_PUBKEY_TYPE_DSA 0

/**
 * One account's long-term DSA key, in the userstate's `privkey_root` list.
 */
struct s_OtrlPrivKey {
  OtrlPrivKey *next;
  OtrlPrivKey **tous;
  char *accountname;
  char *protocol;
  unsigned short pubkey_type;
  gcry_sexp_t privkey;
  unsigned char *pubkey_data;
  size_t pubkey_datalen;
};

/**
 * A key generation started with `otrl_privkey_generate_start` and not finished yet.
 */
struct s_OtrlPendingPrivKey {
  OtrlPendingPrivKey *next;
  OtrlPendingPrivKey **tous;
  char *accountname;
  char *protocol;
};

#endif  /* __PRIVKEY_T_H__ */
