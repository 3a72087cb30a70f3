/* The message API as clients drive it: two accounts, each with its own userstate,
 * talk through otrl_message_sending/_receiving; inject_message puts what the library
 * sends into a queue the other side reads. Every callback is logged, and the logs
 * of the main scenarios are compared with what libotr 4.1.1 does, callback by
 * callback. */
#include "party.h"

static void test_ake_v3(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    CHECK_STR(a.log, "update_context_list create_instag update_context_list inject "
              "new_fingerprint write_fingerprints update_context_list gone_secure inject",
              "v3 AKE: the querying side's callbacks");
    CHECK_STR(b.log, "update_context_list create_instag inject timer_control(70) update_context_list "
              "inject new_fingerprint write_fingerprints update_context_list gone_secure",
              "v3 AKE: the D-H Commit sender's callbacks");
    ConnContext *ca = best(&a), *cb = best(&b);
    CHECK(ca && cb && ca->msgstate == OTRL_MSGSTATE_ENCRYPTED && cb->msgstate == OTRL_MSGSTATE_ENCRYPTED,
          "v3 AKE: both encrypted");
    CHECK(ca && ca->protocol_version == 3 && ca->their_instance >= OTRL_MIN_VALID_INSTAG
          && ca->m_context != ca && ca->m_context->next == ca, "v3 AKE: an instance context right after its master");
    CHECK(ca && cb && ca->their_instance == cb->our_instance && cb->their_instance == ca->our_instance,
          "v3 AKE: instance tags match");
    CHECK(ca && cb && ca->active_fingerprint && cb->active_fingerprint
          && ca->active_fingerprint->context == ca->m_context
          && ca->m_context->fingerprint_root.next == ca->active_fingerprint,
          "v3 AKE: active fingerprint in the master's list");
    CHECK(ca && cb && ca->sessionid_len == 8 && cb->sessionid_len == 8
          && memcmp(ca->sessionid, cb->sessionid, 8) == 0 && ca->sessionid_half != cb->sessionid_half,
          "v3 AKE: same session id, opposite bold halves");
    CHECK(ca && ca->auth.authstate == OTRL_AUTHSTATE_NONE && cb && cb->auth.authstate == OTRL_AUTHSTATE_NONE,
          "v3 AKE: auth states back to NONE");
    CHECK(cb && cb->m_context->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY
          && ca->m_context->auth.authstate == OTRL_AUTHSTATE_NONE,
          "v3 AKE: the committing master still awaits other instances' D-H Keys");

    /* Messages both ways, every reply rotating keys. */
    int good = 1;
    for (int i = 0; i < 40; i++) {
        party *from = i % 2 ? &b : &a, *to = from->other;
        char text[64];
        snprintf(text, sizeof text, "message %d", i);
        client_send(from, text);
        deliver_all();
        if (to->ret != 0 || !to->shown || strcmp(to->shown, text) != 0) good = 0;
    }
    CHECK(good, "v3: 40 messages both ways arrive intact");

    /* Extra symmetric key. */
    unsigned char key[32] = {0};
    clear_logs(&a, &b);
    gcry_error_t err = otrl_message_symkey(a.us, &ops, &a, best(&a), 0x01020304,
                                           (const unsigned char *)"file.txt", 8, key);
    deliver_all();
    CHECK(err == 0, "symkey: sent");
    CHECK_STR(b.log, "received_symkey msg_event(10)", "symkey: the peer's callbacks (and a heartbeat)");
    CHECK(b.symkey_use == 0x01020304 && b.symkey_datalen == 8 && memcmp(b.symkey_data, "file.txt", 8) == 0,
          "symkey: use and data arrive");
    CHECK(memcmp(b.symkey, key, 32) == 0, "symkey: both sides have the same key");
    CHECK(b.ret == 1 && b.shown == NULL, "symkey: nothing to show");

    /* A tampered message: unreadable, an error goes back, the session survives. */
    char *msg = NULL;
    send_text(&a, "tampered", OTRL_FRAGMENT_SEND_SKIP, &msg);
    clear_logs(&a, &b);
    size_t len = strlen(msg);
    msg[len - 10] = msg[len - 10] == 'A' ? 'B' : 'A';
    receive(&b, msg);
    otrl_message_free(msg);
    CHECK(b.ret == 1 && b.shown == NULL, "tampered: ignored");
    CHECK_STR(b.log, "msg_event(8) otr_error_message(3) inject", "tampered: unreadable, error sent");
    deliver_all();
    CHECK_STR(a.log, "msg_event(12,something went wrong)", "tampered: the sender gets the error");
    CHECK(a.ret == 1, "tampered: the error message is not shown");
    client_send(&a, "still here");
    deliver_all();
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "still here") == 0, "tampered: session intact");

    /* Garbage inside the session. */
    clear_logs(&a, &b);
    receive(&b, "?OTR:AAMDgarbage.");
    CHECK(b.ret == 1, "garbage data message ignored");
    CHECK(strstr(b.log, "msg_event(") != NULL, "garbage data message reported");
    while (q_head < q_tail) free(queue[q_head++].msg);
    q_head = q_tail = 0;

    /* Disconnect: the peer is told and ends up finished. */
    clear_logs(&a, &b);
    otrl_message_disconnect(a.us, &ops, &a, a.account, a.protocol, a.peer, best(&a)->their_instance);
    CHECK_STR(a.log, "inject update_context_list", "disconnect: callbacks");
    deliver_all();
    ConnContext *finished = otrl_context_find(b.us, b.peer, b.account, b.protocol,
                                              a.us->context_root->next->our_instance, 0, NULL, NULL, NULL);
    CHECK(finished && finished->msgstate == OTRL_MSGSTATE_FINISHED && finished->active_fingerprint == NULL,
          "disconnect: the peer is finished");
    CHECK(b.ret == 1 && b.shown == NULL, "disconnect: nothing to show");
    clear_logs(&a, &b);
    err = send_text(&b, "anyone?", OTRL_FRAGMENT_SEND_SKIP, &msg);
    CHECK(err == 0 && msg && msg[0] == 0, "finished: sending gives an empty message");
    CHECK_STR(b.log, "msg_event(3)", "finished: connection ended event");
    otrl_message_free(msg);
    teardown(&a, &b);
}

static void test_ake_v2(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_ALLOW_V2);
    start_ake(&a, &b);
    ConnContext *ca = best(&a), *cb = best(&b);
    CHECK(ca && cb && ca->msgstate == OTRL_MSGSTATE_ENCRYPTED && cb->msgstate == OTRL_MSGSTATE_ENCRYPTED,
          "v2 AKE: both encrypted");
    CHECK(ca && ca->protocol_version == 2 && ca->their_instance == OTRL_INSTAG_MASTER && ca->m_context == ca,
          "v2 AKE: in the master context");
    CHECK_STR(b.log, "update_context_list create_instag inject inject new_fingerprint "
              "write_fingerprints update_context_list gone_secure",
              "v2 AKE: the responder's callbacks");
    client_send(&b, "over v2");
    deliver_all();
    CHECK(a.ret == 0 && a.shown && strcmp(a.shown, "over v2") == 0, "v2: message arrives");
    otrl_context_force_plaintext(best(&a));
    clear_logs(&a, &b);
    client_send(&b, "lost");
    deliver_all();
    CHECK(a.ret == 1 && a.shown == NULL, "a data message outside a session: ignored");
    CHECK_STR(a.log, "msg_event(7)", "a data message outside a session: not in private");
    teardown(&a, &b);
}

static void test_fragments(OtrlFragmentPolicy policy, const char *what)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    char text[2001];
    memset(text, 'x', 2000);
    text[2000] = 0;
    a.mms = 150;
    clear_logs(&a, &b);
    char *kept = NULL;
    gcry_error_t err = send_text(&a, text, policy, &kept);
    size_t injected = q_tail - q_head;
    if (policy == OTRL_FRAGMENT_SEND_ALL_BUT_FIRST && kept) {
        /* The client sends the first piece itself, first. */
        memmove(queue + q_head + 1, queue + q_head, injected * sizeof queue[0]);
        queue[q_head].to = &b;
        queue[q_head].msg = strdup(kept);
        q_tail++;
    } else if (policy == OTRL_FRAGMENT_SEND_ALL_BUT_LAST && kept) {
        enqueue(&b, kept);
    }
    int all_short = 1;
    for (size_t i = q_head; i < q_tail; i++)
        if (strlen(queue[i].msg) > 150) all_short = 0;
    char label[128];
    snprintf(label, sizeof label, "%s: sent, every piece within max_message_size", what);
    CHECK(err == 0 && injected >= 15 && all_short, "%s", label);
    if (policy == OTRL_FRAGMENT_SEND_ALL) {
        snprintf(label, sizeof label, "%s: *messagep keeps the whole message", what);
        CHECK(kept && strncmp(kept, "?OTR:AAMD", 9) == 0, "%s", label);
    } else {
        snprintf(label, sizeof label, "%s: *messagep is the piece left to the client", what);
        CHECK(kept && strncmp(kept, "?OTR|", 5) == 0 && strlen(kept) <= 150, "%s", label);
    }
    otrl_message_free(kept);
    deliver_all();
    snprintf(label, sizeof label, "%s: reassembled", what);
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, text) == 0, "%s", label);
    teardown(&a, &b);
}

/* AKE messages longer than max_message_size go out in the v3 fragment form (with instance
 * tags) even before the context has a protocol version; receiving a fragment that does
 * not complete a message leaves *contextp NULL. */
static void test_fragmented_ake(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    a.mms = b.mms = 150;
    char *query = NULL;
    send_text(&a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &query);
    enqueue(&b, query);
    otrl_message_free(query);
    int fragments = 0, v3_form = 0, incomplete = 0, null_context = 0;
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        unsigned int sender, receiver;
        unsigned short k = 0, n = 0;
        int v3 = sscanf(q.msg, "?OTR|%x|%x,%hu,%hu,", &sender, &receiver, &k, &n) == 4;
        int v2 = !v3 && sscanf(q.msg, "?OTR,%hu,%hu,", &k, &n) == 2;
        fragments += v3 || v2;
        v3_form += v3;
        char *shown = NULL;
        ConnContext *context = best(q.to);
        q.to->ret = otrl_message_receiving(q.to->us, &ops, q.to, q.to->account, q.to->protocol,
                                           q.to->peer, q.msg, &shown, NULL, &context, NULL, NULL);
        if ((v3 || v2) && k < n) {
            incomplete++;
            null_context += context == NULL;
        }
        otrl_message_free(shown);
        free(q.msg);
    }
    q_head = q_tail = 0;
    CHECK(fragments > 0 && v3_form == fragments, "a v3 AKE goes out in v3 fragments (%d of %d)",
          v3_form, fragments);
    CHECK(incomplete > 0 && null_context == incomplete,
          "an incomplete fragment leaves *contextp NULL (%d of %d)", null_context, incomplete);
    CHECK(best(&a)->msgstate == OTRL_MSGSTATE_ENCRYPTED && best(&b)->msgstate == OTRL_MSGSTATE_ENCRYPTED,
          "the fragmented AKE completes");
    teardown(&a, &b);
}

/* A message of a version the policy does not allow is dropped before a context is
 * chosen: *contextp stays NULL. The querying side's master context keeps its
 * unanswered v3 D-H Commit; the v2 D-H Commit answering its next query must win
 * whatever the hashes (libotr's master context always takes an incoming commit). */
static void test_version_not_allowed(void)
{
    int null_context = 0, completed = 0;
    for (int i = 0; i < 8; i++) {
        party a, b;
        setup(&a, &b, OTRL_POLICY_MANUAL);
        b.policy = OTRL_POLICY_ALLOW_V2;
        receive(&a, "?OTRv3?");
        while (q_head < q_tail) {
            queued q = queue[q_head++];
            char *shown = NULL;
            ConnContext *context = best(&b);
            int ret = otrl_message_receiving(b.us, &ops, &b, b.account, b.protocol, b.peer,
                                             q.msg, &shown, NULL, &context, NULL, NULL);
            null_context += ret == 1 && context == NULL && shown == NULL &&
                            strncmp(q.msg, "?OTR:AAMC", 9) == 0;
            free(q.msg);
        }
        q_head = q_tail = 0;
        start_ake(&a, &b);
        completed += best(&a)->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
                     best(&a)->protocol_version == 2;
        teardown(&a, &b);
    }
    CHECK(null_context == 8, "a v3 D-H Commit to a v2-only policy is ignored with *contextp NULL");
    CHECK(completed == 8, "a v2 AKE with a stale v3 commit pending completes (%d of 8)", completed);
}

static void test_whitespace_start(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_OPPORTUNISTIC);
    char *msg = NULL;
    send_text(&a, "hello there", OTRL_FRAGMENT_SEND_SKIP, &msg);
    CHECK(msg && strncmp(msg, "hello there \t  \t\t\t\t \t \t \t  ", 27) == 0, "whitespace tag appended");
    CHECK(best(&a)->otr_offer == OFFER_SENT, "offer sent");
    enqueue(&b, msg);
    otrl_message_free(msg);
    q_tail = q_head + 1;
    receive(&b, queue[q_head].msg);
    free(queue[q_head].msg);
    q_head++;
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "hello there") == 0, "tagged message shown without its tag");
    deliver_all();
    CHECK(best(&a)->msgstate == OTRL_MSGSTATE_ENCRYPTED && best(&b)->msgstate == OTRL_MSGSTATE_ENCRYPTED,
          "whitespace tag started the AKE");
    CHECK(best(&a)->m_context->otr_offer == OFFER_ACCEPTED, "offer accepted");
    CHECK(best(&a)->otr_offer == OFFER_NOT && best(&b)->otr_offer == OFFER_NOT,
          "the offer is answered in the master, the instances' stay untouched");
    teardown(&a, &b);
}

static void test_require_encryption(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_ALWAYS);
    char *msg = NULL;
    gcry_error_t err = send_text(&a, "for your eyes only", OTRL_FRAGMENT_SEND_SKIP, &msg);
    CHECK(err == 0 && msg && strncmp(msg, "?OTRv23?", 8) == 0, "require encryption: a query instead");
    CHECK(strstr(a.log, "msg_event(1)") != NULL, "require encryption: event");
    enqueue(&b, msg);
    otrl_message_free(msg);
    /* The AKE runs; the held-back message follows, once. */
    int shown = 0;
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        receive(q.to, q.msg);
        free(q.msg);
        if (q.to == &b && b.ret == 0 && b.shown && strcmp(b.shown, "for your eyes only") == 0) shown++;
    }
    q_head = q_tail = 0;
    CHECK(shown == 1, "require encryption: the message is sent after the AKE");
    clear_logs(&a, &b);
    receive(&b, "plain words");
    CHECK(b.ret == 1 && b.shown == NULL, "require encryption: plaintext not shown as normal");
    CHECK_STR(b.log, "msg_event(13,plain words)", "require encryption: unencrypted event");
    teardown(&a, &b);
}

/* Answer the question if one is pending (as bitlbee decides: secret set = respond). */
static void run_smp(party *a, party *b, const char *question, const char *sa, const char *sb)
{
    clear_logs(a, b);
    if (question)
        otrl_message_initiate_smp_q(a->us, &ops, a, best(a), question,
                                    (const unsigned char *)sa, strlen(sa));
    else
        otrl_message_initiate_smp(a->us, &ops, a, best(a), (const unsigned char *)sa, strlen(sa));
    deliver_all();
    ConnContext *cb = best(b);
    CHECK(cb->smstate->secret != NULL && cb->smstate->nextExpected == OTRL_SMP_EXPECT1,
          "smp: the responder holds SMP1, waiting for its answer");
    CHECK(cb->smstate->received_question == (question != NULL), "smp: received_question");
    otrl_message_respond_smp(b->us, &ops, b, cb, (const unsigned char *)sb, strlen(sb));
    deliver_all();
}

static void test_smp(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    run_smp(&a, &b, "Favourite colour?", "blue", "blue");
    CHECK_STR(a.log, "inject inject smp(6,60) msg_event(10) write_fingerprints smp(7,100) msg_event(10)",
              "smp with a question: the initiator's callbacks");
    CHECK_STR(b.log, "smp(4,25) msg_event(10) inject inject smp(7,100) msg_event(10)",
              "smp with a question: the responder's callbacks");
    CHECK_STR(best(&a)->active_fingerprint->trust, "smp", "smp success: the initiator trusts the peer");
    CHECK(best(&b)->active_fingerprint->trust == NULL, "smp with a question: the responder records no trust");
    CHECK(best(&a)->smstate->nextExpected == OTRL_SMP_EXPECT1 && best(&a)->smstate->sm_prog_state == OTRL_SMP_PROG_SUCCEEDED,
          "smp success: state");
    run_smp(&a, &b, NULL, "blue", "green");
    CHECK_STR(b.log, "smp(5,25) msg_event(10) inject write_fingerprints inject smp(8,100) msg_event(10)",
              "smp mismatch: the responder's callbacks");
    CHECK(strstr(a.log, "smp(8,100)") != NULL, "smp mismatch: the initiator fails too");
    CHECK_STR(best(&a)->active_fingerprint->trust, "", "smp failure: trust cleared");
    /* Abort mid-way. */
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)"x", 1);
    deliver_all();
    otrl_message_abort_smp(b.us, &ops, &b, best(&b));
    deliver_all();
    CHECK(strstr(a.log, "smp(2,0)") != NULL && best(&a)->smstate->nextExpected == OTRL_SMP_EXPECT1,
          "smp abort: the initiator is told");
    /* bitlbee frees the state on the live context; SMP works again afterwards. */
    otrl_sm_state_free(best(&a)->smstate);
    otrl_sm_state_free(best(&b)->smstate);
    run_smp(&b, &a, NULL, "again", "again");
    CHECK(strstr(b.log, "smp(7,100)") != NULL && strstr(a.log, "smp(7,100)") != NULL,
          "smp after otrl_sm_state_free: succeeds");
    teardown(&a, &b);
}

/* The longest message waiting in the queue. */
static size_t longest_queued(void)
{
    size_t longest = 0;
    for (size_t i = q_head; i < q_tail; i++)
        if (strlen(queue[i].msg) > longest) longest = strlen(queue[i].msg);
    return longest;
}

/* The SMP replies sent while receiving are fragmented like everything else. */
static void test_smp_fragmented(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    a.mms = b.mms = 120;
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)"x", 1);
    size_t smp1 = longest_queued();
    deliver_all();
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)"x", 1);
    size_t smp2 = longest_queued();
    size_t replies = 0;
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        receive(q.to, q.msg);
        free(q.msg);
        if (longest_queued() > replies) replies = longest_queued();
    }
    q_head = q_tail = 0;
    CHECK(smp1 <= 120 && smp2 <= 120, "smp with max_message_size: SMP1 and SMP2 in pieces");
    CHECK(replies > 0 && replies <= 120, "smp with max_message_size: SMP3 and SMP4, sent while receiving, in pieces");
    CHECK(strstr(a.log, "smp(7,100)") && strstr(b.log, "smp(7,100)"), "smp with max_message_size: succeeds");
    teardown(&a, &b);
}

/* Both sides ask at once: each master context gets the other's D-H Commit while
 * awaiting a D-H Key for its own. libotr's master contexts always yield (their own
 * commit may be kept only for other instances), so both answer with a D-H Key;
 * each then holds a D-H Key for a commit it dropped, and the AKE stalls. */
static void test_simultaneous_commits(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_ALLOW_V2);
    char *qa = NULL, *qb = NULL;
    send_text(&a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &qa);
    send_text(&b, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &qb);
    receive(&b, qa);
    receive(&a, qb);
    otrl_message_free(qa);
    otrl_message_free(qb);
    CHECK(best(&a)->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY
          && best(&b)->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY, "simultaneous: both sent a D-H Commit");
    clear_logs(&a, &b);
    deliver_all();
    CHECK(best(&a)->auth.authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG
          && best(&b)->auth.authstate == OTRL_AUTHSTATE_AWAITING_REVEALSIG,
          "simultaneous: both masters yield to the other's commit");
    CHECK(best(&a)->msgstate == OTRL_MSGSTATE_PLAINTEXT && best(&b)->msgstate == OTRL_MSGSTATE_PLAINTEXT,
          "simultaneous: no session");
    teardown(&a, &b);
}

/* bitlbee frees the SMP state from its SUCCESS/FAILURE callback and then decides
 * between initiating and responding by smstate->secret == NULL. */
static void test_smp_freed_in_callback(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    a.free_smp_at_end = b.free_smp_at_end = 1;
    run_smp(&a, &b, "Favourite colour?", "blue", "blue");
    CHECK(strstr(b.log, "smp(7,100)") != NULL, "smp freed in the callback: succeeds");
    CHECK(best(&a)->smstate->secret == NULL && best(&b)->smstate->secret == NULL,
          "smp freed in the callback: no secret left on either side");
    CHECK(best(&b)->smstate->nextExpected == OTRL_SMP_EXPECT1, "smp freed in the callback: expecting SMP1");
    run_smp(&b, &a, NULL, "red", "red");
    CHECK(strstr(a.log, "smp(7,100)") != NULL && strstr(b.log, "smp(7,100)") != NULL,
          "smp freed in the callback: the next exchange succeeds");
    teardown(&a, &b);
}

static void test_bad_arguments(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    char *msg = (char *)1;
    gcry_error_t err = otrl_message_sending(a.us, &ops, &a, a.account, a.protocol, a.peer,
                                            OTRL_INSTAG_BEST, NULL, NULL, &msg,
                                            OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    CHECK(err == INV_VALUE && msg == NULL, "sending NULL: invalid value, *messagep NULL");
    err = otrl_message_sending(a.us, &ops, &a, NULL, a.protocol, a.peer, OTRL_INSTAG_BEST, "x",
                               NULL, &msg, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    CHECK(err == INV_VALUE, "sending without account: invalid value");
    char *shown = (char *)1;
    int ret = otrl_message_receiving(a.us, &ops, &a, a.account, a.protocol, NULL, "x", &shown,
                                     NULL, NULL, NULL, NULL);
    CHECK(ret == 0, "receiving without sender: 0");
    receive(&a, "just words");
    CHECK(a.ret == 0 && a.shown == NULL, "plain message: 0 and nothing to replace it");
    a.log[0] = 0;
    receive(&a, "?OTR:AAMDnot base64!.");
    CHECK(a.ret == 1, "an undecodable v3 data message: ignored");
    CHECK_STR(a.log, "msg_event(9) otr_error_message(4) inject", "an undecodable v3 data message: malformed");
    receive(&a, "?OTR:AAIC.");
    CHECK(a.ret == 1, "a malformed D-H Commit is ignored");
    receive(&a, "?OTRv9? unknown");
    CHECK(a.ret == 1, "a query for versions we do not speak is ignored");
    CHECK(otrl_message_poll_get_default_interval(a.us) == 70, "poll interval 70");
    otrl_message_poll(a.us, &ops, &a);
    otrl_message_poll(NULL, &ops, &a);
    teardown(&a, &b);
}

/* hexchat-otr hands otrl_message_receiving the IRC line from its command on
 * ("PRIVMSG nick :?OTR:..."): the library reads an OTR message from its first "?OTR",
 * the instance tags of a v3 message included. */
static void deliver_all_after(const char *prefix)
{
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        char line[8192];
        snprintf(line, sizeof line, "%s%s", prefix, q.msg);
        receive(q.to, line);
        free(q.msg);
    }
    q_head = q_tail = 0;
}

static void test_text_before_otr(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    char *msg = NULL;
    send_text(&a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &msg);
    enqueue(&b, msg);
    otrl_message_free(msg);
    deliver_all_after("PRIVMSG alice :");
    ConnContext *ca = best(&a), *cb = best(&b);
    CHECK(ca && cb && ca->msgstate == OTRL_MSGSTATE_ENCRYPTED && cb->msgstate == OTRL_MSGSTATE_ENCRYPTED
          && ca->protocol_version == 3, "text before ?OTR: the v3 AKE completes");
    client_send(&b, "after a prefix");
    deliver_all_after("PRIVMSG alice@example.org :");
    CHECK(a.ret == 0 && a.shown && strcmp(a.shown, "after a prefix") == 0,
          "text before ?OTR: a data message is read");
    teardown(&a, &b);
}

int main(void)
{
    OTRL_INIT;
    test_ake_v3();
    test_ake_v2();
    test_fragments(OTRL_FRAGMENT_SEND_ALL, "send all");
    test_fragments(OTRL_FRAGMENT_SEND_ALL_BUT_FIRST, "all but first");
    test_fragments(OTRL_FRAGMENT_SEND_ALL_BUT_LAST, "all but last");
    test_fragmented_ake();
    test_version_not_allowed();
    test_whitespace_start();
    test_require_encryption();
    test_smp();
    test_smp_fragmented();
    test_simultaneous_commits();
    test_smp_freed_in_callback();
    test_bad_arguments();
    test_text_before_otr();
    HARNESS_EXIT();
}
