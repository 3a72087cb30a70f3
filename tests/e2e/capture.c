/* Prints, one per line, every message two OTR parties exchange on the libotr.so.5 it
 * runs on: query, AKE, data messages both ways, SMP with a question, fragments (a long
 * message with a small max_message_size) and the disconnect, for protocol version
 * 3 and then 2. tests/e2e/toolkit.sh feeds them to Debian's OTR toolkit.
 *
 * usage: capture KEYDIR   (keys are generated there on first use) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libotr/proto.h>
#include <libotr/privkey.h>
#include <libotr/message.h>

typedef struct party {
    const char *name, *peer;
    OtrlUserState us;
    char keyfile[512], instagfile[512];
    struct party *other;
    int mms;
    ConnContext *asked; /* an SMP question waiting for its answer */
} party;

static OtrlPolicy policy = OTRL_POLICY_MANUAL;
static char *queue[256];
static party *queue_to[256];
static int q_len;

static void put(party *to, const char *msg)
{
    printf("%s\n", msg);
    if (q_len < 256) { queue_to[q_len] = to; queue[q_len++] = strdup(msg); }
}

static OtrlPolicy op_policy(void *opdata, ConnContext *c) { return policy; }
static void op_create_privkey(void *opdata, const char *account, const char *protocol)
{
    party *p = opdata;
    otrl_privkey_generate(p->us, p->keyfile, account, protocol);
}
static int op_is_logged_in(void *o, const char *a, const char *p, const char *r) { return 1; }
static void op_inject(void *opdata, const char *a, const char *p, const char *r, const char *msg)
{
    put(((party *)opdata)->other, msg);
}
static int op_max_message_size(void *opdata, ConnContext *c) { return ((party *)opdata)->mms; }
static void op_create_instag(void *opdata, const char *account, const char *protocol)
{
    party *p = opdata;
    otrl_instag_generate(p->us, p->instagfile, account, protocol);
}
static void op_smp_event(void *opdata, OtrlSMPEvent e, ConnContext *c, unsigned short progress,
                         char *question)
{
    if (e == OTRL_SMPEVENT_ASK_FOR_ANSWER) ((party *)opdata)->asked = c;
}

static OtrlMessageAppOps ops;

static void deliver(void)
{
    for (int i = 0; i < q_len; i++) {
        party *p = queue_to[i];
        char *shown = NULL;
        otrl_message_receiving(p->us, &ops, p, p->name, "prpl-jabber", p->peer, queue[i], &shown,
                               NULL, NULL, NULL, NULL);
        otrl_message_free(shown);
        free(queue[i]);
    }
    q_len = 0;
}

/* Delivers until the wire is quiet, answering an SMP question between rounds. */
static void deliver_all(party *a, party *b)
{
    while (q_len > 0) {
        deliver();
        party *parties[] = { a, b };
        for (int i = 0; i < 2; i++) {
            party *p = parties[i];
            if (p->asked) {
                otrl_message_respond_smp(p->us, &ops, p, p->asked, (const unsigned char *)"blue", 4);
                p->asked = NULL;
            }
        }
    }
}

/* The user of `p` types `text`; the library injects what goes on the wire. */
static void type(party *p, const char *text)
{
    char *msg = NULL;
    otrl_message_sending(p->us, &ops, p, p->name, "prpl-jabber", p->peer, OTRL_INSTAG_BEST, text,
                         NULL, &msg, OTRL_FRAGMENT_SEND_ALL, NULL, NULL, NULL);
    otrl_message_free(msg);
}

static void conversation(party *a, party *b)
{
    type(a, "?OTR?");
    deliver_all(a, b);
    type(a, "Hello Bob, this is Alice.");
    type(b, "Hi Alice.");
    deliver_all(a, b);
    ConnContext *c = otrl_context_find(a->us, a->peer, a->name, "prpl-jabber", OTRL_INSTAG_BEST,
                                       0, NULL, NULL, NULL);
    otrl_message_initiate_smp_q(a->us, &ops, a, c, "Favourite colour?",
                                (const unsigned char *)"blue", 4);
    deliver_all(a, b);
    char longtext[700];
    memset(longtext, 'z', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = 0;
    a->mms = 250;
    type(a, longtext);
    a->mms = 0;
    deliver_all(a, b);
    otrl_message_disconnect_all_instances(a->us, &ops, a, a->name, "prpl-jabber", a->peer);
    deliver_all(a, b);
}

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: capture KEYDIR\n"); return 2; }
    OTRL_INIT;
    ops.policy = op_policy;
    ops.create_privkey = op_create_privkey;
    ops.is_logged_in = op_is_logged_in;
    ops.inject_message = op_inject;
    ops.max_message_size = op_max_message_size;
    ops.create_instag = op_create_instag;
    ops.handle_smp_event = op_smp_event;
    party a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.name = b.peer = "alice@example.org";
    b.name = a.peer = "bob@example.org";
    a.other = &b; b.other = &a;
    snprintf(a.keyfile, sizeof a.keyfile, "%s/alice.key", argv[1]);
    snprintf(b.keyfile, sizeof b.keyfile, "%s/bob.key", argv[1]);
    snprintf(a.instagfile, sizeof a.instagfile, "%s/alice.instag", argv[1]);
    snprintf(b.instagfile, sizeof b.instagfile, "%s/bob.instag", argv[1]);
    long versions[] = { OTRL_POLICY_ALLOW_V3, OTRL_POLICY_ALLOW_V2 };
    for (int v = 0; v < 2; v++) {
        policy = versions[v];
        a.us = otrl_userstate_create();
        b.us = otrl_userstate_create();
        otrl_privkey_read(a.us, a.keyfile);
        otrl_privkey_read(b.us, b.keyfile);
        conversation(&a, &b);
        otrl_userstate_free(a.us);
        otrl_userstate_free(b.us);
    }
    return 0;
}
