/* Two accounts talking through the message API, as clients drive it: each has its
 * own userstate; inject_message puts what the library sends into a queue the other
 * side reads, and every callback is logged in the party's log. */
#ifndef OTR_FFI_TESTS_PARTY_H
#define OTR_FFI_TESTS_PARTY_H
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdlib.h>
#include <unistd.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>
#include <libotr/instag.h>
#include <libotr/tlv.h>
#include <libotr/sm.h>
#include "harness.h"

#define INV_VALUE 0x20000037u

typedef struct party {
    const char *account, *protocol, *peer;
    OtrlUserState us;
    OtrlPolicy policy;
    int mms;
    struct party *other;
    char log[16384];
    char instag_file[64];
    /* What the last otrl_message_receiving gave back (shown text, *tlvsp). */
    int ret;
    char *shown;
    OtrlTLV *tlvs;
    /* The last received_symkey call. */
    unsigned int symkey_use;
    unsigned char symkey[32], symkey_data[64];
    size_t symkey_datalen;
    /* Free the SMP state when an exchange ends, inside the callback (bitlbee). */
    int free_smp_at_end;
    /* What inject_message and handle_smp_event saw of the best context's SMP state:
     * "inject@E,Q,P,S" and "smp(EVENT)@E,Q,P,S" (nextExpected, received_question,
     * sm_prog_state, secret set). */
    char smp_log[4096];
} party;

typedef struct { party *to; char *msg; } queued;
static queued queue[4096];
static size_t q_head, q_tail;

static void logf_(party *p, const char *what)
{
    size_t len = strlen(p->log);
    snprintf(p->log + len, sizeof p->log - len, "%s%s", len ? " " : "", what);
}

/* Appends what `what` saw of the SMP state of `c` to the party's smp_log. */
static void log_smp_state(party *p, const char *what, ConnContext *c)
{
    char entry[64];
    OtrlSMState *sm = c ? c->smstate : NULL;
    if (sm)
        snprintf(entry, sizeof entry, "%s@%d,%d,%d,%d", what, (int)sm->nextExpected,
                 sm->received_question, (int)sm->sm_prog_state, sm->secret != NULL);
    else
        snprintf(entry, sizeof entry, "%s@-", what);
    size_t len = strlen(p->smp_log);
    snprintf(p->smp_log + len, sizeof p->smp_log - len, "%s%s", len ? " " : "", entry);
}

static void enqueue(party *to, const char *msg)
{
    if (q_tail < sizeof queue / sizeof queue[0]) {
        queue[q_tail].to = to;
        queue[q_tail].msg = strdup(msg);
        q_tail++;
    }
}

static OtrlPolicy op_policy(void *opdata, ConnContext *context) { return ((party *)opdata)->policy; }
static void op_create_privkey(void *opdata, const char *a, const char *p) { logf_(opdata, "create_privkey"); }
static int op_is_logged_in(void *opdata, const char *a, const char *p, const char *r) { return 1; }
static void op_inject(void *opdata, const char *a, const char *p, const char *r, const char *msg)
{
    party *me = opdata;
    logf_(me, "inject");
    log_smp_state(me, "inject", otrl_context_find(me->us, r, a, p, OTRL_INSTAG_BEST, 0, NULL, NULL, NULL));
    enqueue(me->other, msg);
}
static void op_update_context_list(void *opdata) { logf_(opdata, "update_context_list"); }
static void op_new_fingerprint(void *opdata, OtrlUserState us, const char *a, const char *p,
                               const char *u, unsigned char fp[20]) { logf_(opdata, "new_fingerprint"); }
static void op_write_fingerprints(void *opdata) { logf_(opdata, "write_fingerprints"); }
static void op_gone_secure(void *opdata, ConnContext *c) { logf_(opdata, "gone_secure"); }
static void op_gone_insecure(void *opdata, ConnContext *c) { logf_(opdata, "gone_insecure"); }
static void op_still_secure(void *opdata, ConnContext *c, int is_reply)
{
    logf_(opdata, is_reply ? "still_secure(reply)" : "still_secure");
}
static int op_max_message_size(void *opdata, ConnContext *c) { return ((party *)opdata)->mms; }
static void op_received_symkey(void *opdata, ConnContext *c, unsigned int use,
                               const unsigned char *usedata, size_t usedatalen,
                               const unsigned char *symkey)
{
    party *me = opdata;
    logf_(me, "received_symkey");
    me->symkey_use = use;
    memcpy(me->symkey, symkey, 32);
    me->symkey_datalen = usedatalen < 64 ? usedatalen : 64;
    memcpy(me->symkey_data, usedata, me->symkey_datalen);
}
static const char *op_otr_error_message(void *opdata, ConnContext *c, OtrlErrorCode code)
{
    char what[32];
    snprintf(what, sizeof what, "otr_error_message(%d)", (int)code);
    logf_(opdata, what);
    return strdup("something went wrong");
}
static void op_otr_error_message_free(void *opdata, const char *msg) { free((char *)msg); }
static void op_handle_smp_event(void *opdata, OtrlSMPEvent e, ConnContext *c,
                                unsigned short progress, char *question)
{
    char what[32];
    snprintf(what, sizeof what, "smp(%d,%u)", (int)e, progress);
    logf_(opdata, what);
    snprintf(what, sizeof what, "smp(%d)", (int)e);
    log_smp_state(opdata, what, c);
    if (((party *)opdata)->free_smp_at_end && (e == OTRL_SMPEVENT_SUCCESS || e == OTRL_SMPEVENT_FAILURE))
        otrl_sm_state_free(c->smstate);
}
static void op_handle_msg_event(void *opdata, OtrlMessageEvent e, ConnContext *c,
                                const char *message, gcry_error_t err)
{
    char what[64];
    snprintf(what, sizeof what, "msg_event(%d%s%s)", (int)e, message ? "," : "", message ? message : "");
    logf_(opdata, what);
}
static void op_create_instag(void *opdata, const char *a, const char *p)
{
    party *me = opdata;
    logf_(me, "create_instag");
    otrl_instag_generate(me->us, me->instag_file, a, p);
}
static void op_timer_control(void *opdata, unsigned int interval)
{
    char what[32];
    snprintf(what, sizeof what, "timer_control(%u)", interval);
    logf_(opdata, what);
}

static OtrlMessageAppOps ops = {
    op_policy, op_create_privkey, op_is_logged_in, op_inject, op_update_context_list,
    op_new_fingerprint, op_write_fingerprints, op_gone_secure, op_gone_insecure,
    op_still_secure, op_max_message_size, NULL, NULL, op_received_symkey,
    op_otr_error_message, op_otr_error_message_free, NULL, NULL, op_handle_smp_event,
    op_handle_msg_event, op_create_instag, NULL, NULL, op_timer_control,
};

static void setup(party *a, party *b, OtrlPolicy policy)
{
    static int n;
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
    a->account = "alice@example.org"; a->protocol = "prpl-jabber"; a->peer = "alice";
    b->account = "alice"; b->protocol = "IRC"; b->peer = "alice@example.org";
    a->other = b; b->other = a;
    a->policy = b->policy = policy;
    a->us = otrl_userstate_create();
    b->us = otrl_userstate_create();
    otrl_privkey_read(a->us, SAMPLES "/sample.private_key");
    otrl_privkey_read(b->us, SAMPLES "/sample.private_key");
    snprintf(a->instag_file, sizeof a->instag_file, "/tmp/otr-msg-%d-%d-a", (int)getpid(), n);
    snprintf(b->instag_file, sizeof b->instag_file, "/tmp/otr-msg-%d-%d-b", (int)getpid(), n++);
}

static void teardown(party *a, party *b)
{
    while (q_head < q_tail) free(queue[q_head++].msg);
    q_head = q_tail = 0;
    free(a->shown); free(b->shown);
    otrl_tlv_free(a->tlvs); otrl_tlv_free(b->tlvs);
    otrl_userstate_free(a->us);
    otrl_userstate_free(b->us);
    unlink(a->instag_file);
    unlink(b->instag_file);
}

/* The user of `p` sends `text`; returns the error, fragments go out by `policy`. */
static gcry_error_t send_text(party *p, const char *text, OtrlFragmentPolicy policy, char **out)
{
    char *msg = NULL;
    gcry_error_t err = otrl_message_sending(p->us, &ops, p, p->account, p->protocol, p->peer,
                                            OTRL_INSTAG_BEST, text, NULL, &msg, policy,
                                            NULL, NULL, NULL);
    if (out) *out = msg; else otrl_message_free(msg);
    return err;
}

/* The client sends what otrl_message_sending left it (its original if NULL). */
static void client_send(party *p, const char *text)
{
    char *msg = NULL;
    otrl_message_sending(p->us, &ops, p, p->account, p->protocol, p->peer, OTRL_INSTAG_BEST,
                         text, NULL, &msg, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    enqueue(p->other, msg ? msg : text);
    otrl_message_free(msg);
}

/* One message arrives at `p`. */
static void receive(party *p, const char *msg)
{
    char *shown = NULL;
    OtrlTLV *tlvs = NULL;
    p->ret = otrl_message_receiving(p->us, &ops, p, p->account, p->protocol, p->peer, msg,
                                    &shown, &tlvs, NULL, NULL, NULL);
    free(p->shown);
    p->shown = shown;
    otrl_tlv_free(p->tlvs);
    p->tlvs = tlvs;
}

static void deliver_all(void)
{
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        receive(q.to, q.msg);
        free(q.msg);
    }
    q_head = q_tail = 0;
}

static ConnContext *best(party *p)
{
    return otrl_context_find(p->us, p->peer, p->account, p->protocol, OTRL_INSTAG_BEST, 0,
                             NULL, NULL, NULL);
}

static void clear_logs(party *a, party *b) { a->log[0] = b->log[0] = a->smp_log[0] = b->smp_log[0] = 0; }

static void start_ake(party *a, party *b)
{
    char *msg = NULL;
    send_text(a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &msg);
    enqueue(b, msg);
    otrl_message_free(msg);
    deliver_all();
}


#endif
