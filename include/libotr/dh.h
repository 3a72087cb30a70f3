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
 * A D-H key pair; `priv` and `pub` are NULL or number objects of this library
 * (`otrl_dh_gen_keypair`), not libgcrypt MPIs.
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
 * Empties a key pair: group 0, `priv` and `pub` NULL (nothing is freed).
 *
 * # Safety
 * `kp` must be NULL or point to a writable `DH_keypair`.
 */
void otrl_dh_keypair_init(struct DH_keypair *kp);

/**
 * Makes `dst` an independent copy of `src` (new number objects; what `dst` held is
 * overwritten, not freed).
 *
 * # Safety
 * Both must be NULL or point to valid `DH_keypair`s whose numbers came from this library.
 */
void otrl_dh_keypair_copy(struct DH_keypair *dst, const struct DH_keypair *src);

/**
 * Frees the numbers of a key pair (wiping the private one) and sets them to NULL.
 *
 * # Safety
 * `kp` must be NULL or point to a valid `DH_keypair` whose numbers came from this library.
 */
void otrl_dh_keypair_free(struct DH_keypair *kp);

/**
 * Generates a key pair in group `groupid`, which must be `DH1536_GROUP_ID` (else
 * `GPG_ERR_INV_VALUE`): a 320-bit random private exponent and `g^x mod p` (spec
 * "Authenticated Key Exchange"), in new number objects of this library. What `kp` held
 * is overwritten, not freed.
 *
 * # Safety
 * `kp` must be NULL or point to a writable `DH_keypair`.
 */
gcry_error_t otrl_dh_gen_keypair(unsigned int groupid, struct DH_keypair *kp);

/**
 * Derives the data-message keys of our key pair and their public value `y` (spec
 * "Computing AES keys, MAC keys, and the secure session id"; "Extra symmetric key"):
 * `sess` is blanked first, then holds the sending and receiving AES-128-CTR keys and
 * HMAC-SHA1 keys as handles of this library (see `otrl_dh_session_free`), the MAC keys
 * and the extra key. Whoever has the greater public value is the "high" end.
 *
 * Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` and, unlike
 * libotr (which computes with it), for `y` outside `2 ..= p-2`.
 *
 * # Safety
 * `sess` must be NULL or writable; `kp` NULL or a valid `DH_keypair` and `y` NULL or a
 * number, both from this library.
 */
gcry_error_t otrl_dh_session(struct DH_sesskeys *sess, const struct DH_keypair *kp, gcry_mpi_t y);

/**
 * Derives the AKE's keys from our key pair and their public value (spec "Computing AES
 * keys, MAC keys, and the secure session id"): the 8-byte secure session id into
 * `sessionid` (its length, 8, into `*sessionidlenp`), the AES-128-CTR keys c and c'
 * (counter 0) and the HMAC-SHA256 keys m1, m1', m2, m2' as handles of this library.
 * The six handles are NULL unless this succeeds.
 *
 * Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` or `their_pub`
 * outside `2 ..= p-2`.
 *
 * # Safety
 * `our_dh` and `their_pub` as for `otrl_dh_session`; `sessionid` must have room for 8
 * bytes; the other pointers must be writable.
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
 * The secure session id of OTR version 1, which libotr 4 still exports: SHA-1 of the
 * byte 0 and the shared secret as an MPI (20 bytes into `sessionid`, 20 into
 * `*sessionidlenp`), and which half to show in bold: the second when our public value
 * is the greater.
 *
 * Returns `GPG_ERR_INV_VALUE` for a key pair not in `DH1536_GROUP_ID` or `their_pub`
 * outside `2 ..= p-2`.
 *
 * # Safety
 * As `otrl_dh_compute_v2_auth_keys`; `sessionid` must have room for 20 bytes.
 */
gcry_error_t otrl_dh_compute_v1_session_id(const struct DH_keypair *our_dh,
                                           gcry_mpi_t their_pub,
                                           unsigned char *sessionid,
                                           size_t *sessionidlenp,
                                           OtrlSessionIdHalf *halfp);

/**
 * Frees the four key handles of `sess` and blanks it (`otrl_dh_session_blank`).
 *
 * # Safety
 * `sess` must be NULL or point to a valid `DH_sesskeys` whose handles are NULL or came
 * from this library.
 */
void otrl_dh_session_free(struct DH_sesskeys *sess);

/**
 * Blanks `sess` without freeing anything: handles NULL, counters, MAC keys, "used"
 * flags and the extra key zero.
 *
 * # Safety
 * `sess` must be NULL or point to a writable `DH_sesskeys`.
 */
void otrl_dh_session_blank(struct DH_sesskeys *sess);

/**
 * Adds one to a big-endian 8-byte counter top half.
 *
 * # Safety
 * `ctr` must be NULL (nothing happens) or point to 8 writable bytes.
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
