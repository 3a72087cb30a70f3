/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __PROTO_H__
#define __PROTO_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_OTRLTLV
#define OTRL_TYPEDEF_OTRLTLV
typedef struct s_OtrlTLV OtrlTLV;
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
#include <stdlib.h>
#include "context.h"
#include "version.h"
#include "tlv.h"
#define OTRL_MESSAGE_TAG_BASE " \t  \t\t\t\t \t \t \t  "
#define OTRL_MESSAGE_TAG_V1 " \t \t  \t "
#define OTRL_MESSAGE_TAG_V2 "  \t\t  \t "
#define OTRL_MESSAGE_TAG_V3 "  \t\t  \t\t"


#define OTRL_MSGFLAGS_IGNORE_UNREADABLE 1

#define OTRL_HEADER_LEN 3

#define OTRL_B64_HEADER_LEN 4

typedef unsigned int OtrlPolicy;

typedef unsigned int OtrlMessageType;

typedef unsigned int OtrlFragmentResult;

typedef unsigned int OtrlFragmentPolicy;

#define OTRL_POLICY_ALLOW_V1 1

#define OTRL_POLICY_ALLOW_V2 2

#define OTRL_POLICY_ALLOW_V3 4

#define OTRL_POLICY_REQUIRE_ENCRYPTION 8

#define OTRL_POLICY_SEND_WHITESPACE_TAG 16

#define OTRL_POLICY_WHITESPACE_START_AKE 32

#define OTRL_POLICY_ERROR_START_AKE 64

#define OTRL_POLICY_VERSION_MASK ((OTRL_POLICY_ALLOW_V1 | OTRL_POLICY_ALLOW_V2) | OTRL_POLICY_ALLOW_V3)

#define OTRL_POLICY_NEVER 0

#define OTRL_POLICY_OPPORTUNISTIC ((((OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3) | OTRL_POLICY_SEND_WHITESPACE_TAG) | OTRL_POLICY_WHITESPACE_START_AKE) | OTRL_POLICY_ERROR_START_AKE)

#define OTRL_POLICY_MANUAL (OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3)

#define OTRL_POLICY_ALWAYS ((((OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3) | OTRL_POLICY_REQUIRE_ENCRYPTION) | OTRL_POLICY_WHITESPACE_START_AKE) | OTRL_POLICY_ERROR_START_AKE)

#define OTRL_POLICY_DEFAULT OTRL_POLICY_OPPORTUNISTIC

#define OTRL_MSGTYPE_NOTOTR 0

#define OTRL_MSGTYPE_TAGGEDPLAINTEXT 1

#define OTRL_MSGTYPE_QUERY 2

#define OTRL_MSGTYPE_DH_COMMIT 3

#define OTRL_MSGTYPE_DH_KEY 4

#define OTRL_MSGTYPE_REVEALSIG 5

#define OTRL_MSGTYPE_SIGNATURE 6

#define OTRL_MSGTYPE_V1_KEYEXCH 7

#define OTRL_MSGTYPE_DATA 8

#define OTRL_MSGTYPE_ERROR 9

#define OTRL_MSGTYPE_UNKNOWN 10

#define OTRL_FRAGMENT_UNFRAGMENTED 0

#define OTRL_FRAGMENT_INCOMPLETE 1

#define OTRL_FRAGMENT_COMPLETE 2

#define OTRL_FRAGMENT_SEND_SKIP 0

#define OTRL_FRAGMENT_SEND_ALL 1

#define OTRL_FRAGMENT_SEND_ALL_BUT_FIRST 2

#define OTRL_FRAGMENT_SEND_ALL_BUT_LAST 3

/**
 * Initialises the library for a client built against libotr `major.minor.sub`.
 *
 * Like Debian's libotr (which dropped upstream's version check), every version is
 * accepted and this never fails; the oldest version asked for is remembered in
 * `otrl_api_version`, which decides whether `received_symkey` is called.
 */
gcry_error_t otrl_init(unsigned int ver_major, unsigned int ver_minor, unsigned int ver_sub);

/**
 * The library's version string, "4.1.1".
 */
const char *otrl_version(void);

/**
 * The query message inviting `ourname`'s buddy to an OTR conversation, `malloc`ed.
 *
 * # Safety
 * `ourname` must be NUL-terminated.
 */
char *otrl_proto_default_query_msg(const char *ourname, OtrlPolicy policy);

/**
 * The highest version both the query message and the policy allow, or 0.
 *
 * # Safety
 * `querymsg` must be NUL-terminated.
 */
unsigned int otrl_proto_query_bestversion(const char *querymsg, OtrlPolicy policy);

/**
 * The highest version both the whitespace tag in `msg` and the policy allow, or 0;
 * `*starttagp` and `*endtagp` bracket the tag (`*starttagp` is NULL without one);
 * a NULL out-pointer is skipped.
 *
 * # Safety
 * `msg` must be NULL or NUL-terminated; the out-pointers NULL or writable.
 */
unsigned int otrl_proto_whitespace_bestversion(const char *msg,
                                               const char **starttagp,
                                               const char **endtagp,
                                               OtrlPolicy policy);

/**
 * What kind of OTR message `message` is, judged by its header.
 *
 * # Safety
 * `message` must be NUL-terminated.
 */
OtrlMessageType otrl_proto_message_type(const char *message);

/**
 * The protocol version of an encoded message (1, 2 or 3), or 0.
 *
 * # Safety
 * `message` must be NUL-terminated.
 */
int otrl_proto_message_version(const char *message);

/**
 * The sender and receiver instance tags of a v3 message starting `?OTR:AAM`; a
 * NULL out-pointer is skipped.
 *
 * # Safety
 * `otrmsg` must be NULL or NUL-terminated; the out-pointers NULL or writable.
 */
gcry_error_t otrl_proto_instance(const char *otrmsg,
                                 unsigned int *instance_from,
                                 unsigned int *instance_to);

/**
 * Encrypts `msg` and `tlvs` into a Data Message of the context's encrypted
 * session with `flags` (e.g. `OTRL_MSGFLAGS_IGNORE_UNREADABLE`), left
 * `malloc`ed in `*encmessagep`; reveals the MAC keys waiting to be revealed
 * and remembers `msg` as the last message sent. With a non-NULL `extrakey`,
 * the 32-byte extra symmetric key of the keys used is copied there.
 * `GPG_ERR_CONFLICT` outside an encrypted session (`*encmessagep` NULL);
 * NULL arguments give `GPG_ERR_INV_VALUE`. The time of the last message sent
 * is not updated (libotr's callers do that).
 *
 * # Safety
 * The pointers must be NULL or valid for the types they name; `extrakey`
 * must have room for 32 bytes.
 */
gcry_error_t otrl_proto_create_data(char **encmessagep,
                                    ConnContext *context,
                                    const char *msg,
                                    const OtrlTLV *tlvs,
                                    unsigned char flags,
                                    unsigned char *extrakey);

/**
 * Reads the flags of a Data Message without decrypting it (for one that
 * cannot be read: `OTRL_MSGFLAGS_IGNORE_UNREADABLE` says not to complain).
 * `*flagsp` is 0 unless the header is readable; `GPG_ERR_INV_VALUE` when it
 * is not the start of a Data Message.
 *
 * # Safety
 * `datamsg` must be NULL or NUL-terminated; `flagsp` NULL or writable.
 */
gcry_error_t otrl_proto_data_read_flags(const char *datamsg, unsigned char *flagsp);

/**
 * Verifies and decrypts a Data Message with the context's keys: the text
 * is left `malloc`ed in `*plaintextp` (the whole decrypted payload, NUL
 * terminated, so its C string is the message without the TLVs), the TLVs
 * in `*tlvsp`, the flags in `*flagsp` and the 32-byte extra symmetric key in
 * `extrakey` (these two if non-NULL). The keys rotate as the message says; the
 * message state is not checked and no callback runs. `GPG_ERR_INV_VALUE`
 * for a message that does not parse, `GPG_ERR_CONFLICT` for one these keys
 * cannot read (unknown key ids, bad MAC, old counter).
 *
 * # Safety
 * The pointers must be NULL or valid for the types they name; `extrakey`
 * must have room for 32 bytes.
 */
gcry_error_t otrl_proto_accept_data(char **plaintextp,
                                    OtrlTLV **tlvsp,
                                    ConnContext *context,
                                    const char *datamsg,
                                    unsigned char *flagsp,
                                    unsigned char *extrakey);

/**
 * Feeds one incoming message to the context's reassembly of a fragmented
 * message (spec "Fragmentation"): `OTRL_FRAGMENT_UNFRAGMENTED` for a message
 * that is no fragment (any partial message is dropped),
 * `OTRL_FRAGMENT_INCOMPLETE` while pieces are missing (and for a malformed
 * fragment, which changes nothing), `OTRL_FRAGMENT_COMPLETE` with the whole
 * message `malloc`ed in `*unfragmessagep`. Pieces must arrive in order; a
 * first piece starts over. The partial message is the one
 * `otrl_message_receiving` uses for this context.
 *
 * # Safety
 * The pointers must be NULL or valid for the types they name.
 */
OtrlFragmentResult otrl_proto_fragment_accumulate(char **unfragmessagep,
                                                  ConnContext *context,
                                                  const char *msg);

/**
 * Splits `message` into `fragment_count` fragments for a transport carrying
 * at most `mms` bytes, in a `malloc`ed array of `malloc`ed strings left in
 * `*fragments` (free it with `otrl_proto_fragment_free`): piece k holds the
 * next `mms` minus the header allowance (37 bytes for a context of protocol
 * version 3, else 19) bytes of the message, written as `?OTR,k,n,piece,`, or
 * with the instance tags as `?OTR|sender|receiver,k,n,piece,` when the AKE
 * was of version 3. A count too small drops the end of the message; a count
 * too large adds empty pieces. `GPG_ERR_INV_VALUE` for a count outside
 * 1..=65535, an `mms` leaving no room after the header (where libotr's
 * arithmetic goes wrong) or NULL arguments.
 *
 * # Safety
 * The pointers must be NULL or valid for the types they name.
 */
gcry_error_t otrl_proto_fragment_create(int mms,
                                        int fragment_count,
                                        char ***fragments,
                                        ConnContext *context,
                                        const char *message);

/**
 * Frees a fragment array from `otrl_proto_fragment_create` and its first
 * `arraylen` strings (NULL entries are skipped). `*fragments` itself is
 * left as it is.
 *
 * # Safety
 * `fragments` must be NULL or point to NULL or to an array from
 * `otrl_proto_fragment_create` with at least `arraylen` entries.
 */
void otrl_proto_fragment_free(char ***fragments, unsigned short arraylen);

#endif  /* __PROTO_H__ */

/* Initialise the library, exiting if it refuses this client's API version. */
#define OTRL_INIT do { \
        if (otrl_init(OTRL_VERSION_MAJOR, OTRL_VERSION_MINOR, \
                      OTRL_VERSION_SUB)) { \
            exit(1); \
        } \
    } while (0)
