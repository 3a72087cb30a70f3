/* What libotr does as time passes, with the clock under the test's control: this
 * program defines time() itself, and since the library reads the clock through
 * time(NULL), its calls land here (the executable's definition comes first in the
 * dynamic symbol lookup, for Debian's libotr and ours alike).
 *
 * otrl_message_poll forgets a v3 D-H Commit nobody answered within 60 seconds and
 * stops the timer (timer_control) when nothing is left to wait for; a message that
 * arrives after we have been quiet for more than 60 seconds makes us send a
 * heartbeat, and only the user's messages, heartbeats and resends count as
 * sending. */
#include <libotr/context_priv.h>
#include "party.h"

static time_t fake_now = 1800000000;

time_t time(time_t *t)
{
    if (t) *t = fake_now;
    return fake_now;
}

static void drop_queue(void)
{
    while (q_head < q_tail) free(queue[q_head++].msg);
    q_head = q_tail = 0;
}

static ConnContext *master(party *p)
{
    return otrl_context_find(p->us, p->peer, p->account, p->protocol, OTRL_INSTAG_MASTER, 0,
                             NULL, NULL, NULL);
}

static void test_poll(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    time_t t0 = fake_now;
    char *query = NULL;
    send_text(&a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &query);
    receive(&b, query);
    otrl_message_free(query);
    CHECK(strstr(b.log, "timer_control(70)") != NULL && b.us->timer_running == 1,
          "poll: the D-H Commit starts the timer");
    ConnContext *mb = master(&b);
    CHECK(mb->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && mb->auth.protocol_version == 3,
          "poll: the master awaits a D-H Key");
    CHECK(mb->protocol_version == 3, "the master's protocol_version is the AKE's");
    CHECK(mb->context_priv->lastsent == 0 && mb->context_priv->lastrecv == t0,
          "a master's v3 D-H Commit does not count as sent");
    char *commit = strdup(queue[q_head].msg);
    drop_queue();

    clear_logs(&a, &b);
    fake_now = t0 + 60;
    otrl_message_poll(b.us, &ops, &b);
    CHECK(mb->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY && b.log[0] == 0 && b.us->timer_running == 1,
          "poll after 60 s: still waiting, the timer keeps running");
    fake_now = t0 + 61;
    otrl_message_poll(b.us, &ops, &b);
    CHECK(mb->auth.authstate == OTRL_AUTHSTATE_NONE && mb->auth.protocol_version == 0,
          "poll after 61 s: the unanswered D-H Commit is forgotten");
    CHECK_STR(b.log, "timer_control(0)", "poll after 61 s: the timer is stopped");
    CHECK(b.us->timer_running == 0, "poll: timer_running cleared");

    /* The D-H Commit arrives late: its D-H Key finds nobody waiting. */
    clear_logs(&a, &b);
    receive(&a, commit);
    free(commit);
    deliver_all();
    CHECK(best(&a)->msgstate == OTRL_MSGSTATE_PLAINTEXT && best(&b)->msgstate == OTRL_MSGSTATE_PLAINTEXT,
          "poll: a D-H Key after the expiry completes nothing");

    /* Nothing waiting: each poll stops the timer again; without timer_control nothing. */
    clear_logs(&a, &b);
    otrl_message_poll(a.us, &ops, &a);
    CHECK_STR(a.log, "timer_control(0)", "poll with nothing waiting: timer_control(0)");
    ops.timer_control = NULL;
    clear_logs(&a, &b);
    otrl_message_poll(a.us, &ops, &a);
    otrl_message_poll(a.us, NULL, &a);
    CHECK(a.log[0] == 0, "poll without timer_control: no callback");
    ops.timer_control = op_timer_control;
    teardown(&a, &b);
}

/* An established session at t0 (the AKE's messages count as sent at t0). */
static void established(party *a, party *b, OtrlPolicy policy)
{
    setup(a, b, policy);
    start_ake(a, b);
    clear_logs(a, b);
}

static void test_heartbeat(OtrlPolicy policy, const char *what)
{
    party a, b;
    char label[96];
    established(&a, &b, policy);
    time_t t0 = fake_now;
    fake_now = t0 + 60;
    client_send(&a, "one minute later");
    deliver_all();
    snprintf(label, sizeof label, "%s: quiet for 60 s, no heartbeat", what);
    CHECK(strstr(b.log, "msg_event(11)") == NULL && b.ret == 0, "%s", label);

    fake_now = t0 + 121;
    clear_logs(&a, &b);
    client_send(&a, "more than a minute after");
    ConnContext *cb = best(&b);
    receive(&b, queue[q_head].msg);
    free(queue[q_head++].msg);
    snprintf(label, sizeof label, "%s: quiet for 61 s, the message is shown", what);
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "more than a minute after") == 0, "%s", label);
    snprintf(label, sizeof label, "%s: ... and a heartbeat is injected", what);
    CHECK_STR(b.log, "inject msg_event(11)", label);
    snprintf(label, sizeof label, "%s: the heartbeat is a flagged empty Data Message", what);
    unsigned char flags = 0;
    CHECK(q_tail - q_head == 1 && otrl_proto_data_read_flags(queue[q_head].msg, &flags) == 0
          && flags == OTRL_MSGFLAGS_IGNORE_UNREADABLE, "%s", label);
    snprintf(label, sizeof label, "%s: the heartbeat counts as sending", what);
    CHECK(cb->context_priv->lastsent == t0 + 121 && cb->context_priv->lastrecv == t0 + 121, "%s", label);
    deliver_all();
    snprintf(label, sizeof label, "%s: the peer shows nothing for the heartbeat", what);
    CHECK(a.ret == 1 && a.shown == NULL, "%s", label);
    snprintf(label, sizeof label, "%s: the peer logs it", what);
    CHECK_STR(a.log, "msg_event(10)", label);
    teardown(&a, &b);
}

/* SMP messages are not the user's: after an SMP, a message still finds us quiet. */
static void test_heartbeat_after_smp(void)
{
    party a, b;
    established(&a, &b, OTRL_POLICY_MANUAL);
    time_t t0 = fake_now;
    fake_now = t0 + 100;
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)"s", 1);
    deliver_all();
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)"s", 1);
    deliver_all();
    CHECK(strstr(b.log, "smp(7,100)") != NULL, "smp at t0 + 100 succeeded");
    CHECK(best(&b)->context_priv->lastsent == t0, "smp messages do not change lastsent");
    unsigned char key[32];
    otrl_message_symkey(a.us, &ops, &a, best(&a), 1, NULL, 0, key);
    deliver_all();
    CHECK(best(&a)->context_priv->lastsent == t0, "a symkey message does not change lastsent");
    fake_now = t0 + 110;
    clear_logs(&a, &b);
    client_send(&a, "after the smp");
    deliver_all();
    CHECK(strstr(b.log, "inject msg_event(11)") != NULL, "after an smp: a heartbeat all the same");
    CHECK(strstr(a.log, "msg_event(10)") != NULL, "after an smp: the peer receives it");
    teardown(&a, &b);
}

/* A heartbeat is the last message sent too: an AKE after an error message then
 * resends it, empty. */
static void test_resend_after_heartbeat(void)
{
    party a, b;
    established(&a, &b, OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ERROR_START_AKE);
    time_t t0 = fake_now;
    client_send(&b, "fine");
    deliver_all();
    fake_now = t0 + 70;
    client_send(&a, "late");
    deliver_all();
    CHECK(strstr(b.log, "msg_event(11)") != NULL, "resend: b sent a heartbeat");
    clear_logs(&a, &b);
    receive(&b, "?OTR Error: what was that?");
    deliver_all();
    CHECK(strstr(b.log, "msg_event(6)") != NULL, "resend: after the error and the AKE, b resends");
    CHECK_STR(a.shown, "[resent] ", "resend: what b resends is its heartbeat, empty");
    teardown(&a, &b);
}

/* lastrecv: every message that reaches a context's message handling, readable
 * or not. */
static void test_lastrecv(void)
{
    party a, b;
    established(&a, &b, OTRL_POLICY_ALLOW_V2);
    time_t t0 = fake_now;
    ConnContext *cb = best(&b);
    CHECK(cb->context_priv->lastrecv == t0, "lastrecv: the AKE");
    fake_now = t0 + 5;
    receive(&b, "?OTR:AAIDAAAA.");
    CHECK(cb->context_priv->lastrecv == t0 + 5 && strstr(b.log, "msg_event(9)"),
          "lastrecv: a malformed Data Message");
    fake_now = t0 + 6;
    clear_logs(&a, &b);
    receive(&b, "?OTR:AAIZ.");
    CHECK(cb->context_priv->lastrecv == t0 + 6 && strstr(b.log, "msg_event(14)"),
          "lastrecv: an unrecognized OTR message");
    fake_now = t0 + 7;
    receive(&b, "?OTR:AAMDAAAA.");
    CHECK(cb->context_priv->lastrecv == t0 + 6, "lastrecv: not a v3 message the policy refuses");
    fake_now = t0 + 8;
    receive(&b, "just text");
    CHECK(cb->context_priv->lastrecv == t0 + 8, "lastrecv: plain text");
    fake_now = t0 + 9;
    otrl_message_disconnect(b.us, &ops, &b, b.account, b.protocol, b.peer, OTRL_INSTAG_MASTER);
    CHECK(cb->msgstate == OTRL_MSGSTATE_PLAINTEXT && cb->protocol_version == 0
          && cb->context_priv->lastsent == t0 && cb->context_priv->lastrecv == t0 + 8,
          "disconnect: protocol_version 0, lastsent and lastrecv kept");
    drop_queue();
    teardown(&a, &b);
}

/* Whether `n` bytes at `p` are all zero. */
static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* Whether a private part reads as otrl_context_priv_new leaves one: every member
 * it sets is 0 or NULL. */
static int fresh_priv(const ConnContextPriv *p)
{
    int ok = p->fragment == NULL && p->fragment_len == 0 && p->fragment_n == 0 && p->fragment_k == 0
        && p->their_keyid == 0 && p->their_y == NULL && p->their_old_y == NULL && p->our_keyid == 0
        && p->our_dh_key.groupid == 0 && p->our_dh_key.priv == NULL && p->our_dh_key.pub == NULL
        && p->our_old_dh_key.groupid == 0 && p->our_old_dh_key.priv == NULL
        && p->our_old_dh_key.pub == NULL && p->numsavedkeys == 0 && p->saved_mac_keys == NULL
        && p->generation == 0 && p->lastsent == 0 && p->lastrecv == 0 && p->lastmessage == NULL
        && p->may_retransmit == 0;
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            const DH_sesskeys *k = &p->sesskeys[i][j];
            ok = ok && all_zero(k->sendctr, 16) && all_zero(k->rcvctr, 16) && k->sendenc == NULL
                && k->rcvenc == NULL && k->sendmac == NULL && k->rcvmac == NULL
                && all_zero(k->sendmackey, 20) && all_zero(k->rcvmackey, 20) && k->sendmacused == 0
                && k->rcvmacused == 0 && all_zero(k->extrakey, OTRL_EXTRAKEY_BYTES);
        }
    return ok;
}

/* A new context's private part reads as a new one; a message changes only that
 * of the context it reaches; forgetting contexts, used or not, frees them whole
 * (valgrind). */
static void test_private_part(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    ConnContext *carol = otrl_context_find(b.us, "carol", b.account, b.protocol, OTRL_INSTAG_MASTER,
                                           1, NULL, NULL, NULL);
    ConnContext *dave = otrl_context_find(b.us, "dave", b.account, b.protocol, OTRL_INSTAG_MASTER,
                                          1, NULL, NULL, NULL);
    CHECK(carol->context_priv && fresh_priv(carol->context_priv) && fresh_priv(dave->context_priv),
          "private part: a new context's reads as a new one");
    otrl_context_priv_force_finished(dave->context_priv);
    CHECK(fresh_priv(dave->context_priv) && dave->msgstate == OTRL_MSGSTATE_PLAINTEXT,
          "private part: forcing a new one finished leaves it new");
    time_t t0 = fake_now;
    receive(&b, "just text");
    ConnContext *mb = master(&b);
    CHECK(mb && mb->context_priv != carol->context_priv && mb->context_priv->lastrecv == t0,
          "private part: a message reaches its context's");
    CHECK(fresh_priv(carol->context_priv) && fresh_priv(dave->context_priv),
          "private part: the other contexts' stay new");
    CHECK(otrl_context_forget(carol) == 0 && otrl_context_forget(mb) == 0,
          "private part: contexts used or not are forgotten");
    CHECK(b.us->context_root == dave && dave->next == NULL && fresh_priv(dave->context_priv),
          "private part: the one left is still new");
    teardown(&a, &b);
}

int main(void)
{
    OTRL_INIT;
    test_private_part();
    test_poll();
    test_heartbeat(OTRL_POLICY_MANUAL, "v3");
    test_heartbeat(OTRL_POLICY_ALLOW_V2, "v2");
    test_heartbeat_after_smp();
    test_lastrecv();
    test_resend_after_heartbeat();
    HARNESS_EXIT();
}
