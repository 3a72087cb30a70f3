/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __AUTH_H__
#define __AUTH_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_OTRLAUTHINFO
#define OTRL_TYPEDEF_OTRLAUTHINFO
typedef struct OtrlAuthInfo OtrlAuthInfo;
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
#include "privkey-t.h"


typedef unsigned int OtrlAuthState;

/**
 * The AKE state embedded in every context; clients read `authstate`.
 */
struct OtrlAuthInfo {
  OtrlAuthState authstate;
  ConnContext *context;
  DH_keypair our_dh;
  unsigned int our_keyid;
  unsigned char *encgx;
  size_t encgx_len;
  unsigned char r[16];
  unsigned char hashgx[32];
  gcry_mpi_t their_pub;
  unsigned int their_keyid;
  gcry_cipher_hd_t enc_c;
  gcry_cipher_hd_t enc_cp;
  gcry_md_hd_t mac_m1;
  gcry_md_hd_t mac_m1p;
  gcry_md_hd_t mac_m2;
  gcry_md_hd_t mac_m2p;
  unsigned char their_fingerprint[20];
  int initiated;
  unsigned int protocol_version;
  unsigned char secure_session_id[20];
  size_t secure_session_id_len;
  OtrlSessionIdHalf session_id_half;
  char *lastauthmsg;
  time_t commit_sent_time;
};

#define OTRL_AUTHSTATE_NONE 0

#define OTRL_AUTHSTATE_AWAITING_DHKEY 1

#define OTRL_AUTHSTATE_AWAITING_REVEALSIG 2

#define OTRL_AUTHSTATE_AWAITING_SIG 3

#define OTRL_AUTHSTATE_V1_SETUP 4

/**
 * Sets up the AKE state embedded in a new context (nothing for NULL).
 *
 * # Safety
 * `context` must be NULL or point to a valid context.
 */
void otrl_auth_new(ConnContext *context);

/**
 * Forgets an AKE in progress: back to `OTRL_AUTHSTATE_NONE`, releasing what the struct
 * holds (our D-H key pair's numbers, their public value, the six key handles, the
 * encrypted g^x and the last message) and zeroing the rest. As in libotr, the context
 * pointer, our key pair's group and `session_id_half` are kept.
 *
 * # Safety
 * `auth` must be NULL or point to a valid `OtrlAuthInfo` whose numbers and handles are
 * NULL or came from this library.
 */
void otrl_auth_clear(struct OtrlAuthInfo *auth);

/**
 * Starts an AKE of protocol `version` (2 or 3) as its initiator (spec "Authenticated
 * Key Exchange", step 1): clears `auth`, makes a new D-H key pair (key id 1) and r,
 * stores the encrypted and hashed g^x, and leaves the D-H Commit in `lastauthmsg` for
 * the caller to send, awaiting a D-H Key. `protocol_version` is set in `auth` and in
 * its context; a v3 message carries the context's instance tags.
 *
 * Returns 0; `GPG_ERR_INV_VALUE` (with `auth` cleared) for another version, which
 * libotr would write into a header anyway.
 *
 * # Safety
 * `auth` must point to a valid `OtrlAuthInfo` whose context is NULL or valid.
 */
gcry_error_t otrl_auth_start_v23(struct OtrlAuthInfo *auth, int version);

/**
 * Handles a D-H Commit of protocol `version` (spec "Protocol state machine",
 * "Receiving a D-H Commit Message"). Once the message decodes from base64,
 * `protocol_version` becomes `version` in `auth` and its context. Then:
 * - in NONE, AWAITING_SIG or V1_SETUP, or AWAITING_DHKEY when ours loses (our hashed
 *   g^x is not the greater, or `auth` is its master context's, whose commitment may be
 *   stale): clears `auth`, keeps their commitment, makes a new D-H key pair and leaves
 *   a D-H Key in `lastauthmsg`, awaiting a Reveal Signature;
 * - in AWAITING_DHKEY when ours wins: nothing (the caller resends our D-H Commit);
 * - in AWAITING_REVEALSIG: keeps their new commitment (the caller resends our D-H Key).
 *
 * Returns 0, or `GPG_ERR_INV_VALUE` for a message that does not parse as a D-H Commit
 * of `version` (libotr reads a message of another version with `version`'s layout).
 *
 * # Safety
 * `auth` must point to a valid `OtrlAuthInfo` whose context is NULL or valid;
 * `commitmsg` must be NULL or NUL-terminated.
 */
gcry_error_t otrl_auth_handle_commit(struct OtrlAuthInfo *auth, const char *commitmsg, int version);

/**
 * Handles a D-H Key (spec "Receiving a D-H Key Message"). `*havemsgp` is set to 1
 * when `lastauthmsg` is to be sent:
 * - in AWAITING_DHKEY, for a message of our protocol version: stores g^y in
 *   `their_pub`, derives the AKE keys (session id and the six key handles), signs with
 *   `privkey` and leaves the Reveal Signature in `lastauthmsg`, awaiting a Signature;
 *   a message of another version is ignored;
 * - in AWAITING_SIG: the same g^y again means "resend the Reveal Signature";
 * - otherwise the message is ignored.
 *
 * Returns 0; `GPG_ERR_INV_VALUE` for a message that does not parse or a g^y outside
 * `2 ..= p-2` (then `their_pub` holds it and the state is unchanged);
 * `GPG_ERR_UNUSABLE_SECKEY` for a `privkey` that cannot sign (libotr crashes on NULL).
 *
 * # Safety
 * `auth` must point to a valid `OtrlAuthInfo` whose numbers and handles came from this
 * library and whose context is NULL or valid; `keymsg` NULL or NUL-terminated;
 * `havemsgp` writable; `privkey` NULL or a key from a userstate of this library.
 */
gcry_error_t otrl_auth_handle_key(struct OtrlAuthInfo *auth,
                                  const char *keymsg,
                                  int *havemsgp,
                                  OtrlPrivKey *privkey);

/**
 * Handles a Reveal Signature (spec "Receiving a Reveal Signature Message"). The
 * revealed r is stored in `auth->r` whatever the state, as libotr does. Only in
 * AWAITING_REVEALSIG: r must decrypt the committed g^x to its hash (else the message
 * is ignored and 0 returned); g^x goes to `their_pub`, the AKE keys are derived, the
 * MAC and their signature checked. Then `their_fingerprint` and `their_keyid` are
 * set, the Signature (signed with `privkey`) is left in `lastauthmsg`,
 * `session_id_half` becomes `OTRL_SESSIONID_SECOND_HALF_BOLD` and `auth_succeeded`
 * (if not NULL) is called with `asdata`; its result is returned, `*havemsgp` set to
 * 1, `our_keyid` to 0 and the state to NONE. In other states the message is ignored.
 *
 * Returns `GPG_ERR_INV_VALUE` for a message that does not parse, a bad g^x or MAC or
 * a malformed signature block, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature
 * that does not verify (the state is then unchanged).
 *
 * Unlike libotr, r is kept only from a message that parses whole, and
 * `their_fingerprint` is set only once the signature verifies; a header saying
 * version 1, which libotr reads as version 2, is invalid (so in all four handlers).
 *
 * # Safety
 * As `otrl_auth_handle_key`; `auth_succeeded` must be NULL or callable with `auth` and
 * `asdata`.
 */
gcry_error_t otrl_auth_handle_revealsig(struct OtrlAuthInfo *auth,
                                        const char *revealmsg,
                                        int *havemsgp,
                                        OtrlPrivKey *privkey,
                                        gcry_error_t (*auth_succeeded)(const struct OtrlAuthInfo *auth,
                                                                       void *asdata),
                                        void *asdata);

/**
 * Handles a Signature (spec "Receiving a Signature Message"). Only in AWAITING_SIG:
 * checks the MAC and their signature with the keys in `auth`, sets
 * `their_fingerprint`, `their_keyid` and `session_id_half` =
 * `OTRL_SESSIONID_FIRST_HALF_BOLD`, calls `auth_succeeded` (if not NULL) with `asdata`
 * and returns its result; `lastauthmsg` is then freed, `our_keyid` set to 0 and the
 * state to NONE. In other states the message is ignored. `*havemsgp` is always 0.
 *
 * Returns `GPG_ERR_INV_VALUE` for a message that does not parse, a bad MAC or a
 * malformed signature block, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature that
 * does not verify (the state is then unchanged).
 *
 * # Safety
 * As `otrl_auth_handle_revealsig`.
 */
gcry_error_t otrl_auth_handle_signature(struct OtrlAuthInfo *auth,
                                        const char *sigmsg,
                                        int *havemsgp,
                                        gcry_error_t (*auth_succeeded)(const struct OtrlAuthInfo *auth,
                                                                       void *asdata),
                                        void *asdata);

/**
 * Starts OTR version 1's key exchange, which libotr 4.1.1 still runs here (its
 * message handling no longer does): clears `auth`, sets `initiated` and
 * `protocol_version` 1, takes a copy of `our_dh` with key id `our_keyid` (or, for
 * NULL, a new key pair with key id 1), and leaves our Key Exchange message, signed
 * with `privkey`, in `lastauthmsg`, in state V1_SETUP.
 *
 * Returns 0; `GPG_ERR_INV_VALUE` for a key that is not DSA, `GPG_ERR_UNUSABLE_SECKEY`
 * for one that cannot sign (the state is then NONE).
 *
 * # Safety
 * `auth` must point to a valid `OtrlAuthInfo` whose numbers came from this library;
 * `our_dh` NULL or a valid `DH_keypair` of this library; `privkey` NULL or a key from
 * a userstate of this library.
 */
gcry_error_t otrl_auth_start_v1(struct OtrlAuthInfo *auth,
                                DH_keypair *our_dh,
                                unsigned int our_keyid,
                                OtrlPrivKey *privkey);

/**
 * Handles an OTR version 1 Key Exchange message: its signature must verify. A reply
 * (flag 1) to nothing we sent (state not V1_SETUP) is ignored. Otherwise, unless in
 * V1_SETUP, `auth` is cleared first; their key id, D-H value and fingerprint are
 * stored; a message that is not a reply is answered with our own Key Exchange (flag 1,
 * signed with `privkey`) in `lastauthmsg` and `*havemsgp` = 1, with a copy of `our_dh`
 * and `our_keyid` if given, else the key pair `auth` holds, else a new one. Then the
 * version 1 session id (20 bytes) and its bold half are computed, `protocol_version`
 * set to 1 and `auth_succeeded` (if not NULL) called with `asdata`; its result is
 * returned, `our_keyid` set to 0 and the state to NONE.
 *
 * Returns `GPG_ERR_INV_VALUE` for a message that does not parse or a D-H value outside
 * `2 ..= p-2`, libgcrypt's `GPG_ERR_BAD_SIGNATURE` for a signature that does not
 * verify (then nothing changes).
 *
 * # Safety
 * As `otrl_auth_start_v1`; `keyexchmsg` NULL or NUL-terminated, `havemsgp` writable,
 * `auth_succeeded` NULL or callable with `auth` and `asdata`.
 */
gcry_error_t otrl_auth_handle_v1_key_exchange(struct OtrlAuthInfo *auth,
                                              const char *keyexchmsg,
                                              int *havemsgp,
                                              OtrlPrivKey *privkey,
                                              DH_keypair *our_dh,
                                              unsigned int our_keyid,
                                              gcry_error_t (*auth_succeeded)(const struct OtrlAuthInfo *auth,
                                                                             void *asdata),
                                              void *asdata);

/**
 * Gives the AKE of an instance context (`auth`) our D-H Commit from the master
 * context's (`m_auth`), when a D-H Key arrives from a new instance of the peer (spec
 * "Instance Tags": a v3 D-H Commit goes to every instance). Only when the master awaits
 * a D-H Key or a Signature: `auth` then gets a copy of our key pair (its own numbers
 * replaced), key id, `initiated`, r, encrypted g^x (its old buffer freed) and hashed
 * g^x, and awaits a D-H Key. Otherwise nothing changes.
 *
 * Unlike libotr, which leaves `encgx_len` as it was, the length of the copied buffer
 * is copied too.
 *
 * # Safety
 * Both must be NULL or point to valid `OtrlAuthInfo`s whose numbers came from this
 * library.
 */
void otrl_auth_copy_on_key(struct OtrlAuthInfo *m_auth, struct OtrlAuthInfo *auth);

#endif  /* __AUTH_H__ */
