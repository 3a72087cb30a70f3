/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __DH_H__
#define __DH_H__

#ifndef OTRL_TYPEDEF_DH_KEYPAIR
#define OTRL_TYPEDEF_DH_KEYPAIR
typedef struct DH_keypair DH_keypair;
#endif
#ifndef OTRL_TYPEDEF_DH_SESSKEYS
#define OTRL_TYPEDEF_DH_SESSKEYS
typedef struct DH_sesskeys DH_sesskeys;
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


#define DH1536_GROUP_ID 5

#define OTRL_EXTRAKEY_BYTES 32

/**
 * A D-H key pair; the MPI slots only fix the layout (see `gcrypt`).
 */
struct DH_keypair {
  unsigned int groupid;
  gcry_mpi_t priv;
  gcry_mpi_t pub;
};

/**
 * The keys derived from one pair of D-H keys.
 */
struct DH_sesskeys {
  unsigned char sendctr[16];
  unsigned char rcvctr[16];
  gcry_cipher_hd_t sendenc;
  gcry_cipher_hd_t rcvenc;
  gcry_md_hd_t sendmac;
  unsigned char sendmackey[20];
  int sendmacused;
  gcry_md_hd_t rcvmac;
  unsigned char rcvmackey[20];
  int rcvmacused;
  unsigned char extrakey[OTRL_EXTRAKEY_BYTES];
};

typedef unsigned int OtrlSessionIdHalf;

#define OTRL_SESSIONID_FIRST_HALF_BOLD 0

#define OTRL_SESSIONID_SECOND_HALF_BOLD 1

/**
 * Sets up the D-H group; nothing to do (the group is a constant).
 */
void otrl_dh_init(void);

/**
 * # Safety
 * `kp` must point to a writable `DH_keypair`.
 */
void otrl_dh_keypair_init(struct DH_keypair *kp);

/**
 * # Safety
 * Both must point to valid `DH_keypair`s.
 */
void otrl_dh_keypair_copy(struct DH_keypair *dst, const struct DH_keypair *src);

/**
 * # Safety
 * `kp` must point to a valid `DH_keypair`.
 */
void otrl_dh_keypair_free(struct DH_keypair *kp);

/**
 * # Safety
 * `kp` must point to a writable `DH_keypair`.
 */
gcry_error_t otrl_dh_gen_keypair(unsigned int groupid, struct DH_keypair *kp);

/**
 * # Safety
 * The pointers must be valid for the types they name.
 */
gcry_error_t otrl_dh_session(struct DH_sesskeys *sess, const struct DH_keypair *kp, gcry_mpi_t y);

/**
 * # Safety
 * The pointers must be valid for the types they name.
 */
gcry_error_t otrl_dh_compute_v2_auth_keys(const struct DH_keypair *our_dh,
                                          gcry_mpi_t their_pub,
                                          unsigned char *sessionid,
                                          size_t *sessionidlenp,
                                          gcry_cipher_hd_t *enc_c,
                                          gcry_cipher_hd_t *enc_cp,
                                          gcry_md_hd_t *mac_m1,
                                          gcry_md_hd_t *mac_m1p,
                                          gcry_md_hd_t *mac_m2,
                                          gcry_md_hd_t *mac_m2p);

/**
 * OTR version 1 is not supported by libotr 4 either; this always fails.
 *
 * # Safety
 * No pointer is dereferenced.
 */
gcry_error_t otrl_dh_compute_v1_session_id(const struct DH_keypair *our_dh,
                                           gcry_mpi_t their_pub,
                                           unsigned char *sessionid,
                                           size_t *sessionidlenp,
                                           OtrlSessionIdHalf *halfp);

/**
 * # Safety
 * `sess` must point to a valid `DH_sesskeys`.
 */
void otrl_dh_session_free(struct DH_sesskeys *sess);

/**
 * # Safety
 * `sess` must point to a writable `DH_sesskeys`.
 */
void otrl_dh_session_blank(struct DH_sesskeys *sess);

/**
 * Adds one to a big-endian 8-byte counter top half.
 *
 * # Safety
 * `ctr` must point to 8 writable bytes.
 */
void otrl_dh_incctr(unsigned char *ctr);

/**
 * Compares two 8-byte counter top halves: the difference of the first bytes that
 * differ, or 0 when equal.
 *
 * # Safety
 * Both must point to 8 readable bytes.
 */
int otrl_dh_cmpctr(const unsigned char *ctr1, const unsigned char *ctr2);

#endif  /* __DH_H__ */
