/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __CONTEXT_H__
#define __CONTEXT_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_FINGERPRINT
#define OTRL_TYPEDEF_FINGERPRINT
typedef struct s_fingerprint Fingerprint;
#endif
#ifndef OTRL_TYPEDEF_CONNCONTEXTPRIV
#define OTRL_TYPEDEF_CONNCONTEXTPRIV
typedef struct context_priv ConnContextPriv;
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
#include "context_priv.h"
#include "dh.h"
#include "auth.h"
#include "sm.h"
#include "instag.h"
#include "userstate.h"


/**
 * Values of `ConnContext.otr_offer` (an anonymous enum in libotr's header).
 */
#define OFFER_NOT 0

#define OFFER_SENT 1

#define OFFER_REJECTED 2

#define OFFER_ACCEPTED 3

typedef unsigned int OtrlMessageState;

/**
 * A known fingerprint of a buddy; the list hangs off the master context's
 * `fingerprint_root`, whose own `fingerprint` is NULL.
 */
struct s_fingerprint {
  Fingerprint *next;
  Fingerprint **tous;
  unsigned char *fingerprint;
  ConnContext *context;
  char *trust;
};

/**
 * The context clients see: they read most fields and write `app_data`, `app_data_free`.
 */
struct context {
  ConnContext *next;
  ConnContext **tous;
  ConnContextPriv *context_priv;
  char *username;
  char *accountname;
  char *protocol;
  ConnContext *m_context;
  ConnContext *recent_rcvd_child;
  ConnContext *recent_sent_child;
  ConnContext *recent_child;
  otrl_instag_t our_instance;
  otrl_instag_t their_instance;
  OtrlMessageState msgstate;
  OtrlAuthInfo auth;
  struct s_fingerprint fingerprint_root;
  Fingerprint *active_fingerprint;
  unsigned char sessionid[20];
  size_t sessionid_len;
  OtrlSessionIdHalf sessionid_half;
  unsigned int protocol_version;
  unsigned int otr_offer;
  void *app_data;
  void (*app_data_free)(void *data);
  OtrlSMState *smstate;
};

#define OTRL_MSGSTATE_PLAINTEXT 0

#define OTRL_MSGSTATE_ENCRYPTED 1

#define OTRL_MSGSTATE_FINISHED 2

/**
 * Finds the context for a buddy and instance, adding it when `add_if_missing`.
 *
 * `their_instance` is a peer instance tag (at least `OTRL_MIN_VALID_INSTAG`; adding
 * one also adds its master), `OTRL_INSTAG_MASTER`, or a selector: `OTRL_INSTAG_BEST`
 * (the most secure child), `OTRL_INSTAG_RECENT`, `_RECENT_RECEIVED`, `_RECENT_SENT`.
 * The list stays sorted by username, account name, protocol and then instance tag,
 * each master directly followed by its children.
 *
 * # Safety
 * `us` must be a valid userstate; strings NUL-terminated; `addedp` NULL or writable.
 */
ConnContext *otrl_context_find(OtrlUserState us,
                               const char *user,
                               const char *accountname,
                               const char *protocol,
                               otrl_instag_t their_instance,
                               int add_if_missing,
                               int *addedp,
                               void (*add_app_data)(void *data, ConnContext *context),
                               void *data);

/**
 * Whether the fingerprint's trust string is set and non-empty.
 *
 * # Safety
 * `fprint` must be NULL or a valid fingerprint.
 */
int otrl_context_is_fingerprint_trusted(Fingerprint *fprint);

/**
 * Records that `context` (a child) just sent (`sent_msg` non-zero) or received a
 * message, in its master's `recent_*` pointers.
 *
 * # Safety
 * `context` must be NULL (nothing happens) or a valid context.
 */
void otrl_context_update_recent_child(ConnContext *context, unsigned int sent_msg);

/**
 * Finds a fingerprint among the master context's, adding it at the head of the list
 * when `add_if_missing`.
 *
 * # Safety
 * `context` must be valid; `fingerprint` 20 readable bytes; `addedp` NULL or writable.
 */
Fingerprint *otrl_context_find_fingerprint(ConnContext *context,
                                           unsigned char *fingerprint,
                                           int add_if_missing,
                                           int *addedp);

/**
 * Replaces the fingerprint's trust string with a `malloc`ed copy of `trust` (or NULL).
 *
 * # Safety
 * `fprint` must be NULL or valid; `trust` NULL or NUL-terminated.
 */
void otrl_context_set_trust(Fingerprint *fprint, const char *trust);

/**
 * Ends the private conversation locally: FINISHED, with every session secret and the
 * SMP state dropped.
 *
 * # Safety
 * `context` must be NULL (nothing happens) or a valid context.
 */
void otrl_context_force_finished(ConnContext *context);

/**
 * As `otrl_context_force_finished`, but back to PLAINTEXT.
 *
 * # Safety
 * `context` must be NULL (nothing happens) or a valid context.
 */
void otrl_context_force_plaintext(ConnContext *context);

/**
 * Forgets a fingerprint unless it is the one in use; given the list's root (or the
 * last fingerprint) of a PLAINTEXT context and `and_maybe_context`, forgets the
 * whole context.
 *
 * # Safety
 * `fprint` must be a valid fingerprint.
 */
void otrl_context_forget_fingerprint(Fingerprint *fprint, int and_maybe_context);

/**
 * Forgets a PLAINTEXT context (a master together with its children, if they are all
 * PLAINTEXT): 0 on success, 1 when something is not PLAINTEXT.
 *
 * # Safety
 * `context` must be NULL (0, nothing to forget) or a valid context in a
 * userstate's list.
 */
int otrl_context_forget(ConnContext *context);

/**
 * Forgets every context of the userstate, ending their conversations first.
 *
 * # Safety
 * `us` must be NULL (nothing happens) or a valid userstate.
 */
void otrl_context_forget_all(OtrlUserState us);

/**
 * The master's most recent child: any (`OTRL_INSTAG_RECENT`), the one that received
 * (`_RECENT_RECEIVED`) or sent (`_RECENT_SENT`) last; NULL for another selector.
 *
 * # Safety
 * `context` must be NULL or a valid context.
 */
ConnContext *otrl_context_find_recent_instance(ConnContext *context, otrl_instag_t recent_instag);

/**
 * The buddy's "best" context: a candidate replaces the best so far when it is no
 * worse in message state (encrypted, finished, plaintext) nor in fingerprint trust,
 * and better in one of them or at least as recent to receive.
 *
 * # Safety
 * `context` must be NULL or a valid context.
 */
ConnContext *otrl_context_find_recent_secure_instance(ConnContext *context);

#endif  /* __CONTEXT_H__ */
