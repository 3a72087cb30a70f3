/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __USERSTATE_H__
#define __USERSTATE_H__

#ifndef OTRL_TYPEDEF_OTRLUSERSTATE
#define OTRL_TYPEDEF_OTRLUSERSTATE
typedef struct s_OtrlUserState *OtrlUserState;
#endif
#ifndef OTRL_TYPEDEF_CONNCONTEXT
#define OTRL_TYPEDEF_CONNCONTEXT
typedef struct context ConnContext;
#endif
#ifndef OTRL_TYPEDEF_OTRLPRIVKEY
#define OTRL_TYPEDEF_OTRLPRIVKEY
typedef struct s_OtrlPrivKey OtrlPrivKey;
#endif
#ifndef OTRL_TYPEDEF_OTRLINSTAG
#define OTRL_TYPEDEF_OTRLINSTAG
typedef struct s_OtrlInsTag OtrlInsTag;
#endif
#ifndef OTRL_TYPEDEF_OTRLPENDINGPRIVKEY
#define OTRL_TYPEDEF_OTRLPENDINGPRIVKEY
typedef struct s_OtrlPendingPrivKey OtrlPendingPrivKey;
#endif
#include "instag.h"
#include "context.h"
#include "privkey-t.h"


/**
 * The userstate clients hold; they read its lists directly.
 */
struct s_OtrlUserState {
  ConnContext *context_root;
  OtrlPrivKey *privkey_root;
  OtrlInsTag *instag_root;
  OtrlPendingPrivKey *pending_root;
  int timer_running;
};

/**
 * A new, empty userstate.
 */
OtrlUserState otrl_userstate_create(void);

/**
 * Frees a userstate and everything in it.
 *
 * # Safety
 * `us` must be NULL or come from `otrl_userstate_create`, and not be used afterwards.
 */
void otrl_userstate_free(OtrlUserState us);

#endif  /* __USERSTATE_H__ */
