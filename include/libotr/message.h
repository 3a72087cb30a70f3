/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __MESSAGE_H__
#define __MESSAGE_H__

#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_OTRLUSERSTATE
#define OTRL_TYPEDEF_OTRLUSERSTATE
typedef struct s_OtrlUserState *OtrlUserState;
#endif
#ifndef OTRL_TYPEDEF_OTRLTLV
#define OTRL_TYPEDEF_OTRLTLV
typedef struct s_OtrlTLV OtrlTLV;
#endif
#ifndef OTRL_TYPEDEF_OTRLMESSAGEAPPOPS
#define OTRL_TYPEDEF_OTRLMESSAGEAPPOPS
typedef struct s_OtrlMessageAppOps OtrlMessageAppOps;
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
#include "proto.h"
#define OTR_ERROR_PREFIX "?OTR Error: "


typedef unsigned int OtrlErrorCode;

typedef unsigned int OtrlSMPEvent;

typedef unsigned int OtrlMessageEvent;

typedef unsigned int OtrlNotifyLevel;

typedef unsigned int OtrlConvertType;

/**
 * The client's callbacks, 24 slots in libotr's order; any slot but the ones libotr
 * always needs may be NULL.
 */
struct s_OtrlMessageAppOps {
  OtrlPolicy (*policy)(void *opdata, ConnContext *context);
  void (*create_privkey)(void *opdata, const char *accountname, const char *protocol);
  int (*is_logged_in)(void *opdata,
                      const char *accountname,
                      const char *protocol,
                      const char *recipient);
  void (*inject_message)(void *opdata,
                         const char *accountname,
                         const char *protocol,
                         const char *recipient,
                         const char *message);
  void (*update_context_list)(void *opdata);
  void (*new_fingerprint)(void *opdata,
                          OtrlUserState us,
                          const char *accountname,
                          const char *protocol,
                          const char *username,
                          unsigned char *fingerprint);
  void (*write_fingerprints)(void *opdata);
  void (*gone_secure)(void *opdata, ConnContext *context);
  void (*gone_insecure)(void *opdata, ConnContext *context);
  void (*still_secure)(void *opdata, ConnContext *context, int is_reply);
  int (*max_message_size)(void *opdata, ConnContext *context);
  const char *(*account_name)(void *opdata, const char *account, const char *protocol);
  void (*account_name_free)(void *opdata, const char *account_name);
  void (*received_symkey)(void *opdata,
                          ConnContext *context,
                          unsigned int use,
                          const unsigned char *usedata,
                          size_t usedatalen,
                          const unsigned char *symkey);
  const char *(*otr_error_message)(void *opdata, ConnContext *context, OtrlErrorCode err_code);
  void (*otr_error_message_free)(void *opdata, const char *err_msg);
  const char *(*resent_msg_prefix)(void *opdata, ConnContext *context);
  void (*resent_msg_prefix_free)(void *opdata, const char *prefix);
  void (*handle_smp_event)(void *opdata,
                           OtrlSMPEvent smp_event,
                           ConnContext *context,
                           unsigned short progress_percent,
                           char *question);
  void (*handle_msg_event)(void *opdata,
                           OtrlMessageEvent msg_event,
                           ConnContext *context,
                           const char *message,
                           gcry_error_t err);
  void (*create_instag)(void *opdata, const char *accountname, const char *protocol);
  void (*convert_msg)(void *opdata,
                      ConnContext *context,
                      OtrlConvertType convert_type,
                      char **dest,
                      const char *src);
  void (*convert_free)(void *opdata, ConnContext *context, char *dest);
  void (*timer_control)(void *opdata, unsigned int interval);
};

#define OTRL_ERRCODE_NONE 0

#define OTRL_ERRCODE_ENCRYPTION_ERROR 1

#define OTRL_ERRCODE_MSG_NOT_IN_PRIVATE 2

#define OTRL_ERRCODE_MSG_UNREADABLE 3

#define OTRL_ERRCODE_MSG_MALFORMED 4

#define OTRL_SMPEVENT_NONE 0

#define OTRL_SMPEVENT_ERROR 1

#define OTRL_SMPEVENT_ABORT 2

#define OTRL_SMPEVENT_CHEATED 3

#define OTRL_SMPEVENT_ASK_FOR_ANSWER 4

#define OTRL_SMPEVENT_ASK_FOR_SECRET 5

#define OTRL_SMPEVENT_IN_PROGRESS 6

#define OTRL_SMPEVENT_SUCCESS 7

#define OTRL_SMPEVENT_FAILURE 8

#define OTRL_MSGEVENT_NONE 0

#define OTRL_MSGEVENT_ENCRYPTION_REQUIRED 1

#define OTRL_MSGEVENT_ENCRYPTION_ERROR 2

#define OTRL_MSGEVENT_CONNECTION_ENDED 3

#define OTRL_MSGEVENT_SETUP_ERROR 4

#define OTRL_MSGEVENT_MSG_REFLECTED 5

#define OTRL_MSGEVENT_MSG_RESENT 6

#define OTRL_MSGEVENT_RCVDMSG_NOT_IN_PRIVATE 7

#define OTRL_MSGEVENT_RCVDMSG_UNREADABLE 8

#define OTRL_MSGEVENT_RCVDMSG_MALFORMED 9

#define OTRL_MSGEVENT_LOG_HEARTBEAT_RCVD 10

#define OTRL_MSGEVENT_LOG_HEARTBEAT_SENT 11

#define OTRL_MSGEVENT_RCVDMSG_GENERAL_ERR 12

#define OTRL_MSGEVENT_RCVDMSG_UNENCRYPTED 13

#define OTRL_MSGEVENT_RCVDMSG_UNRECOGNIZED 14

#define OTRL_MSGEVENT_RCVDMSG_FOR_OTHER_INSTANCE 15

#define OTRL_NOTIFY_ERROR 0

#define OTRL_NOTIFY_WARNING 1

#define OTRL_NOTIFY_INFO 2

#define OTRL_CONVERT_SENDING 0

#define OTRL_CONVERT_RECEIVING 1

/**
 * Frees a message this library returned; exactly `free()`.
 *
 * # Safety
 * `message` must be NULL or come from `malloc`.
 */
void otrl_message_free(char *message);

/**
 * Handles a message the user is about to send to `recipient`: encrypts it in an
 * encrypted session, tags it with the whitespace tag or replaces it with a query
 * message as the policy says, or refuses it in a finished session. The result is
 * left in `*messagep` (NULL: send the original as is) and, unless `fragPolicy` is
 * `OTRL_FRAGMENT_SEND_SKIP`, injected in fragments as `max_message_size` requires.
 * Non-zero means encryption was attempted and failed: send nothing.
 *
 * # Safety
 * The pointers must be valid for the types they name; strings NUL-terminated.
 */
gcry_error_t otrl_message_sending(OtrlUserState us,
                                  const OtrlMessageAppOps *ops,
                                  void *opdata,
                                  const char *accountname,
                                  const char *protocol,
                                  const char *recipient,
                                  otrl_instag_t instag,
                                  const char *original_msg,
                                  OtrlTLV *tlvs,
                                  char **messagep,
                                  OtrlFragmentPolicy fragPolicy,
                                  ConnContext **contextp,
                                  void (*add_appdata)(void *data, ConnContext *context),
                                  void *data);

/**
 * Handles a message received from `sender`. Returns 1 when it was an internal
 * protocol message the user should not see; 0 otherwise, with `*newmessagep` the
 * text to show instead of the original (NULL: show the original).
 *
 * # Safety
 * The pointers must be valid for the types they name; strings NUL-terminated.
 */
int otrl_message_receiving(OtrlUserState us,
                           const OtrlMessageAppOps *ops,
                           void *opdata,
                           const char *accountname,
                           const char *protocol,
                           const char *sender,
                           const char *message,
                           char **newmessagep,
                           OtrlTLV **tlvsp,
                           ConnContext **contextp,
                           void (*add_appdata)(void *data, ConnContext *context),
                           void *data);

/**
 * Ends the private conversation with one instance of `username` (telling the
 * peer if it is logged in) and goes back to plaintext.
 *
 * # Safety
 * The pointers must be valid for the types they name; strings NUL-terminated.
 */
void otrl_message_disconnect(OtrlUserState us,
                             const OtrlMessageAppOps *ops,
                             void *opdata,
                             const char *accountname,
                             const char *protocol,
                             const char *username,
                             otrl_instag_t instance);

/**
 * As `otrl_message_disconnect`, for the master context and every instance.
 *
 * # Safety
 * The pointers must be valid for the types they name; strings NUL-terminated.
 */
void otrl_message_disconnect_all_instances(OtrlUserState us,
                                           const OtrlMessageAppOps *ops,
                                           void *opdata,
                                           const char *accountname,
                                           const char *protocol,
                                           const char *username);

/**
 * Starts the Socialist Millionaires' Protocol with `secret` in an encrypted session.
 *
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
void otrl_message_initiate_smp(OtrlUserState us,
                               const OtrlMessageAppOps *ops,
                               void *opdata,
                               ConnContext *context,
                               const unsigned char *secret,
                               size_t secretlen);

/**
 * As `otrl_message_initiate_smp`, showing the peer `question`.
 *
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
void otrl_message_initiate_smp_q(OtrlUserState us,
                                 const OtrlMessageAppOps *ops,
                                 void *opdata,
                                 ConnContext *context,
                                 const char *question,
                                 const unsigned char *secret,
                                 size_t secretlen);

/**
 * Answers the peer's SMP with our `secret`.
 *
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
void otrl_message_respond_smp(OtrlUserState us,
                              const OtrlMessageAppOps *ops,
                              void *opdata,
                              ConnContext *context,
                              const unsigned char *secret,
                              size_t secretlen);

/**
 * Abandons the SMP exchange, telling the peer.
 *
 * # Safety
 * The pointers must be valid for the types they name.
 */
void otrl_message_abort_smp(OtrlUserState us,
                            const OtrlMessageAppOps *ops,
                            void *opdata,
                            ConnContext *context);

/**
 * Tells the peer that the current extra symmetric key will be used for `use`
 * (with `usedata`), and writes the 32-byte key to `symkey`. Only in an encrypted
 * session; `GPG_ERR_INV_VALUE` otherwise.
 *
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_message_symkey(OtrlUserState us,
                                 const OtrlMessageAppOps *ops,
                                 void *opdata,
                                 ConnContext *context,
                                 unsigned int use,
                                 const unsigned char *usedata,
                                 size_t usedatalen,
                                 unsigned char *symkey);

/**
 * How often, in seconds, clients without `timer_control` should call `otrl_message_poll`.
 *
 * # Safety
 * `us` is not dereferenced.
 */
unsigned int otrl_message_poll_get_default_interval(OtrlUserState us);

/**
 * The periodic housekeeping libotr asks clients to run: a master context's v3 D-H
 * Commit that nobody answered within a minute is forgotten, and the timer is
 * stopped (`timer_control(0)`) when nothing is left to wait for.
 *
 * # Safety
 * `us` must be NULL or valid; `ops` NULL or a valid table.
 */
void otrl_message_poll(OtrlUserState us, const OtrlMessageAppOps *ops, void *opdata);

#endif  /* __MESSAGE_H__ */
