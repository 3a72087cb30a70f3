/* The Socialist Millionaires' Protocol through the message API, in the situations a
 * conversation brings (spec "Authenticating Buddies"): an abort from either side
 * mid-way, both sides starting at once, SMP messages crossing data messages while keys
 * rotate, and a tampered SMP message. Every callback sequence is the one libotr 4.1.1
 * produces; after each situation the session must still carry messages both ways and a
 * fresh SMP must succeed. */
#include "party.h"

static const char *SECRET = "our first pet";

static OtrlSMState *sm(party *p) { return best(p)->smstate; }

static int encrypted(party *p) { return best(p)->msgstate == OTRL_MSGSTATE_ENCRYPTED; }

/* `from` sends `text` straight to its peer (not through the queue): it must be shown. */
static int chat(party *from, const char *text)
{
    char *msg = NULL;
    send_text(from, text, OTRL_FRAGMENT_SEND_SKIP, &msg);
    party *to = from->other;
    receive(to, msg);
    otrl_message_free(msg);
    return to->ret == 0 && to->shown && strcmp(to->shown, text) == 0;
}

/* One message each way still decrypts. */
static int session_alive(party *a, party *b)
{
    return encrypted(a) && encrypted(b) && chat(a, "still private?") && chat(b, "yes, still");
}

/* A whole exchange started by `a`, both with `secret`: both sides report success. */
static int smp_succeeds(party *a, party *b, const char *secret)
{
    clear_logs(a, b);
    otrl_message_initiate_smp(a->us, &ops, a, best(a), (const unsigned char *)secret, strlen(secret));
    deliver_all();
    otrl_message_respond_smp(b->us, &ops, b, best(b), (const unsigned char *)secret, strlen(secret));
    deliver_all();
    return strstr(a->log, "smp(7,100)") && strstr(b->log, "smp(7,100)") &&
           sm(a)->nextExpected == OTRL_SMP_EXPECT1 && sm(b)->nextExpected == OTRL_SMP_EXPECT1;
}

static void check_recovered(party *a, party *b, const char *what)
{
    CHECK(session_alive(a, b), "%s: the session still carries messages both ways", what);
    CHECK(smp_succeeds(a, b, SECRET), "%s: a fresh SMP succeeds", what);
}

/* The initiator aborts once the responder holds SMP1 (its user not yet answering). */
static void test_initiator_aborts(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT2 && sm(&b)->nextExpected == OTRL_SMP_EXPECT1 &&
          sm(&b)->secret != NULL, "initiator aborts: SMP1 arrived, the responder waits for its user");
    otrl_message_abort_smp(a.us, &ops, &a, best(&a));
    CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT1, "initiator aborts: its own state is reset at once");
    deliver_all();
    CHECK_STR(a.log, "inject inject", "initiator aborts: the initiator sent SMP1 and the abort");
    CHECK_STR(b.log, "smp(5,25) msg_event(10) smp(2,0) msg_event(10)",
              "initiator aborts: the responder is asked for its secret, then told of the abort");
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT1, "initiator aborts: the responder expects SMP1 again");
    check_recovered(&a, &b, "initiator aborts");
    teardown(&a, &b);
}

/* The responder answers and aborts right after: the initiator, receiving SMP2 then
 * the abort, sends SMP3 which reaches a responder no longer in the exchange. */
static void test_responder_aborts(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    clear_logs(&a, &b);
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)SECRET, strlen(SECRET));
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT3, "responder aborts: SMP2 sent, SMP3 expected");
    otrl_message_abort_smp(b.us, &ops, &b, best(&b));
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT1, "responder aborts: its own state is reset at once");
    deliver_all();
    CHECK_STR(a.log, "inject smp(6,60) msg_event(10) smp(2,0) msg_event(10)",
              "responder aborts: the initiator answers SMP2, then learns of the abort");
    CHECK_STR(b.log, "inject inject smp(1,0) msg_event(10)",
              "responder aborts: the late SMP3 is an error for the responder");
    CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT1 && sm(&b)->nextExpected == OTRL_SMP_EXPECT1,
          "responder aborts: both expect SMP1 again");
    CHECK(best(&a)->active_fingerprint->trust == NULL && best(&b)->active_fingerprint->trust == NULL,
          "responder aborts: no trust recorded");
    check_recovered(&b, &a, "responder aborts");
    teardown(&a, &b);
}

/* Both users start an SMP before either SMP1 arrives. */
static void test_simultaneous_smp(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    otrl_message_initiate_smp(b.us, &ops, &b, best(&b), (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    CHECK_STR(a.log, "inject smp(1,0) msg_event(10)", "simultaneous SMP: the SMP1 from the peer is an error");
    CHECK_STR(b.log, "inject smp(1,0) msg_event(10)", "simultaneous SMP: the same on the other side");
    CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT2 && sm(&b)->nextExpected == OTRL_SMP_EXPECT2,
          "simultaneous SMP: both still wait for an SMP2 that never comes");
    CHECK(encrypted(&a) && encrypted(&b), "simultaneous SMP: the session stays encrypted");
    /* Starting over without aborting does not help: the peer still expects SMP2. */
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    CHECK_STR(b.log, "smp(1,0) msg_event(10)", "simultaneous SMP: a second SMP1 is an error too");
    /* Clients abort on an error (pidgin-otr does): both ends are reset. */
    clear_logs(&a, &b);
    otrl_message_abort_smp(a.us, &ops, &a, best(&a));
    otrl_message_abort_smp(b.us, &ops, &b, best(&b));
    deliver_all();
    CHECK_STR(a.log, "inject smp(2,0) msg_event(10)", "simultaneous SMP: both abort, each is told");
    CHECK_STR(b.log, "inject smp(2,0) msg_event(10)", "simultaneous SMP: the same on the other side");
    check_recovered(&a, &b, "simultaneous SMP");
    teardown(&a, &b);
}

/* Data messages of the SMP-amid-data test: how many each side (0 Alice, 1 Bob) sent,
 * how many of them the peer showed in order, and how many replies are still due. */
typedef struct { party *alice; int sent[2], shown[2], misplaced, replies_due; } chatter;

static void send_data(party *p, chatter *c)
{
    int side = p != c->alice;
    char text[64];
    snprintf(text, sizeof text, "data %d from %s", c->sent[side]++, side ? "bob" : "alice");
    client_send(p, text);
}

/* Delivers the queue one message at a time, in order. Each SMP message delivered
 * starts a conversation of `rounds` more messages, each typed once the previous one
 * arrived, so that every one of them makes both sides rotate their D-H keys; the SMP
 * replies travel among them (and across them, in the other direction). */
static void deliver_amid_chat(int rounds, chatter *c)
{
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        receive(q.to, q.msg);
        free(q.msg);
        if (q.to->shown) {
            int from = q.to == c->alice;
            char want[64];
            snprintf(want, sizeof want, "data %d from %s", c->shown[from]++, from ? "bob" : "alice");
            c->misplaced += strcmp(q.to->shown, want) != 0;
            if (c->replies_due == 0) continue;
            c->replies_due--;
        } else {
            c->replies_due += rounds;
        }
        send_data(q.to, c);
    }
    q_head = q_tail = 0;
}

static void test_smp_amid_data(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    chatter c = {&a, {0, 0}, {0, 0}, 0, 0};
    unsigned int keyid_a = best(&a)->context_priv->our_keyid, keyid_b = best(&b)->context_priv->our_keyid;
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    send_data(&a, &c);
    deliver_amid_chat(3, &c);
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT1 && sm(&b)->secret && strstr(b.log, "smp(5,25)"),
          "SMP amid data: SMP1 arrived among data messages");
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)SECRET, strlen(SECRET));
    send_data(&b, &c);
    deliver_amid_chat(3, &c);
    CHECK(c.sent[0] == c.shown[0] && c.sent[1] == c.shown[1] && c.misplaced == 0 && c.sent[0] + c.sent[1] >= 16,
          "SMP amid data: every data message shown, in order (%d and %d of %d and %d)",
          c.shown[0], c.shown[1], c.sent[0], c.sent[1]);
    CHECK(best(&a)->context_priv->our_keyid >= keyid_a + 3 && best(&b)->context_priv->our_keyid >= keyid_b + 3,
          "SMP amid data: both sides rotated their keys during the exchange (key ids %u to %u, %u to %u)",
          keyid_a, best(&a)->context_priv->our_keyid, keyid_b, best(&b)->context_priv->our_keyid);
    CHECK(strstr(a.log, "smp(7,100)") && strstr(b.log, "smp(7,100)"), "SMP amid data: succeeds on both sides");
    CHECK(strstr(a.log, "smp(1,") == NULL && strstr(b.log, "smp(1,") == NULL &&
          strstr(a.log, "msg_event(8") == NULL && strstr(b.log, "msg_event(8") == NULL,
          "SMP amid data: no SMP error, nothing unreadable");
    CHECK(session_alive(&a, &b), "SMP amid data: the session still carries messages");
    teardown(&a, &b);
}

/* The offset of number `index` in a serialized SMP message (count, then length-prefixed
 * numbers), and its length; -1 if the message is shorter. */
static long mpi_at(const unsigned char *buf, int len, int index, unsigned int *mpilen)
{
    long at = 4;
    for (int i = 0; at + 4 <= len; i++) {
        *mpilen = (unsigned int)buf[at] << 24 | buf[at + 1] << 16 | buf[at + 2] << 8 | buf[at + 3];
        if (at + 4 + (long)*mpilen > len) return -1;
        if (i == index) return at + 4;
        at += 4 + *mpilen;
    }
    return -1;
}

/* Bob's SMP2 is built from Alice's real SMP1 but with one proof value damaged. */
static void test_tampered_smp2(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
    deliver_all();
    OtrlTLV *smp1 = otrl_tlv_find(b.tlvs, OTRL_TLV_SMP1);
    CHECK(smp1 && smp1->len > 0 && b.tlvs->next == NULL, "tampered SMP2: SMP1 comes back as the one TLV in *tlvsp");
    if (!smp1) {
        teardown(&a, &b);
        return;
    }
    OtrlSMState forger;
    otrl_sm_state_new(&forger);
    otrl_sm_state_init(&forger);
    unsigned char *smp2 = NULL;
    int smp2len = 0;
    gcry_error_t err = otrl_sm_step2a(&forger, smp1->data, smp1->len, 0);
    err |= otrl_sm_step2b(&forger, (const unsigned char *)"guess", 5, &smp2, &smp2len);
    unsigned int c2len = 0;
    long c2 = mpi_at(smp2, smp2len, 1, &c2len);
    CHECK(err == 0 && c2 > 0 && c2len > 2, "tampered SMP2: a genuine SMP2 built on a separate state");
    if (c2 > 0) smp2[c2 + c2len / 2] ^= 0x01;
    OtrlTLV *tlv = otrl_tlv_new(OTRL_TLV_SMP2, smp2len, smp2);
    clear_logs(&a, &b);
    char *msg = NULL;
    otrl_message_sending(b.us, &ops, &b, b.account, b.protocol, b.peer, OTRL_INSTAG_BEST,
                         "here is my answer", tlv, &msg, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    receive(&a, msg);
    otrl_message_free(msg);
    otrl_tlv_free(tlv);
    free(smp2);
    otrl_sm_state_free(&forger);
    CHECK_STR(a.log, "smp(3,0)", "tampered SMP2: reported as cheating, nothing sent back");
    CHECK_STR(a.smp_log, "smp(3)@1,0,-2,1", "tampered SMP2: seen with progress CHEATED, still expecting SMP2");
    CHECK(a.ret == 0 && a.shown && strcmp(a.shown, "here is my answer") == 0,
          "tampered SMP2: the message carrying it is still shown");
    CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT1 && sm(&a)->sm_prog_state == OTRL_SMP_PROG_OK,
          "tampered SMP2: the initiator's SMP state is reset");
    CHECK(best(&a)->active_fingerprint->trust == NULL, "tampered SMP2: no trust recorded");
    /* The client tells the peer (pidgin-otr aborts on a cheating report). */
    otrl_message_abort_smp(a.us, &ops, &a, best(&a));
    deliver_all();
    CHECK_STR(b.log, "smp(2,0) msg_event(10)", "tampered SMP2: the client's abort reaches the peer");
    check_recovered(&a, &b, "tampered SMP2");
    teardown(&a, &b);
}

/* What clients read of the SMP state in their callbacks (profanity tells from
 * nextExpected which side failed, and from received_question whether a question was
 * answered): libotr reports a result before it rewinds to expecting SMP1, so the
 * responder sees EXPECT3 and the initiator EXPECT4; SMP1 and SMP2 are injected before
 * the sender expects the answer; the progress is the step's. Entries are
 * "callback@nextExpected,received_question,sm_prog_state,secret set". */
static void test_state_seen_in_callbacks(void)
{
    const struct { const char *question, *secret_b, *alice, *bob; } runs[] = {
        {NULL, SECRET,
         "inject@0,0,0,1 inject@1,0,0,1 smp(6)@1,0,0,1 smp(7)@3,0,1,1",
         "smp(5)@0,0,0,1 inject@0,0,0,1 inject@2,0,1,1 smp(7)@2,0,1,1"},
        {NULL, "a wrong guess",
         "inject@0,0,0,1 inject@1,0,0,1 smp(6)@1,0,0,1 smp(8)@3,0,-1,1",
         "smp(5)@0,0,0,1 inject@0,0,0,1 inject@2,0,-1,1 smp(8)@2,0,-1,1"},
        {"Our first pet?", SECRET,
         "inject@0,0,0,1 inject@1,0,0,1 smp(6)@1,0,0,1 smp(7)@3,0,1,1",
         "smp(4)@0,1,0,1 inject@0,1,0,1 inject@2,1,1,1 smp(7)@2,1,1,1"},
        {"Our first pet?", "a wrong guess",
         "inject@0,0,0,1 inject@1,0,0,1 smp(6)@1,0,0,1 smp(8)@3,0,-1,1",
         "smp(4)@0,1,0,1 inject@0,1,0,1 inject@2,1,-1,1 smp(8)@2,1,-1,1"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        party a, b;
        setup(&a, &b, OTRL_POLICY_MANUAL);
        start_ake(&a, &b);
        clear_logs(&a, &b);
        if (runs[i].question)
            otrl_message_initiate_smp_q(a.us, &ops, &a, best(&a), runs[i].question,
                                        (const unsigned char *)SECRET, strlen(SECRET));
        else
            otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)SECRET, strlen(SECRET));
        deliver_all();
        otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)runs[i].secret_b,
                                 strlen(runs[i].secret_b));
        deliver_all();
        CHECK_STR(a.smp_log, runs[i].alice, "SMP state in the initiator's callbacks");
        CHECK_STR(b.smp_log, runs[i].bob, "SMP state in the responder's callbacks");
        CHECK(sm(&a)->nextExpected == OTRL_SMP_EXPECT1 && sm(&b)->nextExpected == OTRL_SMP_EXPECT1,
              "SMP state in callbacks: both expect SMP1 afterwards");
        teardown(&a, &b);
    }
}

/* The user answers when no SMP was asked (after a finished exchange): libotr still
 * computes and sends an SMP2 and expects SMP3; the peer, expecting SMP1, reports an
 * error. (On a context that never ran an exchange libotr crashes: not tested.) */
static void test_answer_without_question(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    CHECK(smp_succeeds(&a, &b, SECRET), "answer unasked: a first exchange succeeds");
    clear_logs(&a, &b);
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)SECRET, strlen(SECRET));
    CHECK_STR(b.smp_log, "inject@0,0,1,1", "answer unasked: an SMP2 is sent");
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT3, "answer unasked: SMP3 is expected next");
    deliver_all();
    CHECK_STR(a.log, "smp(1,0) msg_event(10)", "answer unasked: the peer reports an SMP error");
    /* Clients abort on an error; both sides are then ready again. */
    otrl_message_abort_smp(a.us, &ops, &a, best(&a));
    deliver_all();
    CHECK(sm(&b)->nextExpected == OTRL_SMP_EXPECT1, "answer unasked: the peer's abort rewinds it");
    check_recovered(&a, &b, "answer unasked");
    teardown(&a, &b);
}

int main(void)
{
    OTRL_INIT;
    setvbuf(stdout, NULL, _IONBF, 0);
    test_initiator_aborts();
    test_responder_aborts();
    test_simultaneous_smp();
    test_smp_amid_data();
    test_tampered_smp2();
    test_state_seen_in_callbacks();
    test_answer_without_question();
    HARNESS_EXIT();
}
