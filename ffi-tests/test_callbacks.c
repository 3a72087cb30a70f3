/* The message callbacks test_message.c leaves out, as libotr 4.1.1 calls them:
 * account_name (never), convert_msg/convert_free (outgoing text before it is
 * encrypted, incoming text after it is decrypted), resent_msg_prefix (a message
 * resent after an AKE the peer started because it could not read it), and the
 * text of the OTR error messages the peer gets (otr_error_message/_free). */
#include <libotr/b64.h>
#include "party.h"

static const char *op_account_name(void *opdata, const char *account, const char *protocol)
{
    logf_(opdata, "account_name");
    return strdup(account);
}
static void op_account_name_free(void *opdata, const char *name)
{
    logf_(opdata, "account_name_free");
    free((char *)name);
}

/* Outgoing text gets "S:" in front, incoming "R:"; "keep" is left alone. */
static void op_convert(void *opdata, ConnContext *c, OtrlConvertType type, char **dest, const char *src)
{
    char what[96];
    snprintf(what, sizeof what, "convert(%d,%s)", (int)type, src);
    logf_(opdata, what);
    if (strcmp(src, "keep") == 0) return;
    *dest = malloc(strlen(src) + 3);
    strcpy(*dest, type == OTRL_CONVERT_SENDING ? "S:" : "R:");
    strcat(*dest, src);
}
static void op_convert_free(void *opdata, ConnContext *c, char *dest)
{
    char what[96];
    snprintf(what, sizeof what, "convert_free(%s)", dest);
    logf_(opdata, what);
    free(dest);
}

static const char *op_resent_prefix(void *opdata, ConnContext *c)
{
    logf_(opdata, "resent_msg_prefix");
    return strdup("(sent again)");
}
static void op_resent_prefix_free(void *opdata, const char *prefix)
{
    logf_(opdata, "resent_msg_prefix_free");
    free((char *)prefix);
}

static const char *op_error_text(void *opdata, ConnContext *c, OtrlErrorCode code)
{
    char what[64];
    snprintf(what, sizeof what, "otr_error_message(%d)", (int)code);
    logf_(opdata, what);
    snprintf(what, sizeof what, "error text %d", (int)code);
    return strdup(what);
}
static void op_error_text_free(void *opdata, const char *text)
{
    char what[64];
    snprintf(what, sizeof what, "otr_error_message_free(%s)", text ? text : "NULL");
    logf_(opdata, what);
    free((char *)text);
}

/* The messages queued for `to`, joined with " | ". */
static void queued_for(party *to, char *out, size_t size)
{
    out[0] = 0;
    for (size_t i = q_head; i < q_tail; i++) {
        if (queue[i].to != to) continue;
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", len ? " | " : "", queue[i].msg);
    }
}

static void test_account_name(void)
{
    party a, b;
    ops.account_name = op_account_name;
    ops.account_name_free = op_account_name_free;
    setup(&a, &b, OTRL_POLICY_OPPORTUNISTIC);
    start_ake(&a, &b);
    client_send(&a, "hi");
    client_send(&b, "hi yourself");
    deliver_all();
    receive(&a, "?OTR:AAMDnot base64!.");
    otrl_message_disconnect_all_instances(a.us, &ops, &a, a.account, a.protocol, a.peer);
    deliver_all();
    CHECK(strstr(a.log, "account_name") == NULL && strstr(b.log, "account_name") == NULL,
          "account_name: never called (libotr 4.1.1 does not use it)");
    ops.account_name = NULL;
    ops.account_name_free = NULL;
    teardown(&a, &b);
}

static void test_convert(void)
{
    party a, b;
    ops.convert_msg = op_convert;
    ops.convert_free = op_convert_free;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    send_text(&a, "plain words", OTRL_FRAGMENT_SEND_SKIP, NULL);
    receive(&b, "plain words");
    CHECK(strstr(a.log, "convert") == NULL && strstr(b.log, "convert") == NULL && b.shown == NULL,
          "convert: not in plaintext");
    start_ake(&a, &b);
    clear_logs(&a, &b);
    client_send(&a, "hello");
    deliver_all();
    CHECK_STR(a.log, "convert(0,hello) convert_free(S:hello)", "convert: the sender converts before encrypting");
    CHECK_STR(b.log, "convert(1,S:hello) convert_free(R:S:hello)", "convert: the receiver converts after decrypting");
    CHECK_STR(b.shown, "R:S:hello", "convert: the receiver shows its conversion of the sender's");
    clear_logs(&a, &b);
    client_send(&a, "keep");
    deliver_all();
    CHECK_STR(a.log, "convert(0,keep)", "convert: no conversion, no convert_free");
    CHECK_STR(b.shown, "keep", "convert: the original goes out");
    /* Heartbeats and SMP messages are not converted. */
    clear_logs(&a, &b);
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)"s", 1);
    deliver_all();
    CHECK(strstr(a.log, "convert") == NULL && strstr(b.log, "convert") == NULL, "convert: not for SMP");
    ops.convert_msg = NULL;
    ops.convert_free = NULL;
    teardown(&a, &b);
}

/* a's message is damaged on the way; b cannot read it and says so; a (whose policy
 * starts an AKE on error messages) re-keys and resends it, prefixed. Only in v2:
 * in v3 the error message (which has no instance tags) reaches the master context,
 * not the encrypted instance, and nothing is resent. */
static void resend_after_error(party *a, party *b, OtrlPolicy versions, char *crossed, size_t size)
{
    setup(a, b, versions | OTRL_POLICY_ERROR_START_AKE);
    start_ake(a, b);
    char *msg = NULL;
    send_text(a, "lost words", OTRL_FRAGMENT_SEND_SKIP, &msg);
    size_t len = strlen(msg);
    msg[len - 10] = msg[len - 10] == 'A' ? 'B' : 'A';
    clear_logs(a, b);
    receive(b, msg);
    otrl_message_free(msg);
    queued_for(a, crossed, size);
    deliver_all();
}

static void test_resent_prefix(void)
{
    party a, b;
    char crossed[4096];
    ops.resent_msg_prefix = op_resent_prefix;
    ops.resent_msg_prefix_free = op_resent_prefix_free;
    ops.otr_error_message = op_error_text;
    ops.otr_error_message_free = op_error_text_free;
    resend_after_error(&a, &b, OTRL_POLICY_ALLOW_V2, crossed, sizeof crossed);
    CHECK_STR(crossed, "?OTR Error: error text 3", "error message: the exact text that crosses");
    CHECK_STR(b.log, "msg_event(8) otr_error_message(3) inject otr_error_message_free(error text 3) "
              "inject inject update_context_list still_secure(reply)",
              "error message: the callbacks of the side that could not read");
    CHECK_STR(a.log, "inject msg_event(12,error text 3) inject update_context_list still_secure inject "
              "resent_msg_prefix resent_msg_prefix_free inject msg_event(6)",
              "resend: the callbacks of the side whose message was lost");
    CHECK_STR(b.shown, "(sent again) lost words", "resend: the client's prefix, a space, the message");
    teardown(&a, &b);

    ops.resent_msg_prefix = NULL;
    ops.resent_msg_prefix_free = NULL;
    resend_after_error(&a, &b, OTRL_POLICY_ALLOW_V2, crossed, sizeof crossed);
    CHECK_STR(b.shown, "[resent] lost words", "resend: without the callback, libotr's [resent]");
    teardown(&a, &b);
    resend_after_error(&a, &b, OTRL_POLICY_MANUAL, crossed, sizeof crossed);
    CHECK(b.shown == NULL && strstr(a.log, "msg_event(6)") == NULL && best(&a)->msgstate == OTRL_MSGSTATE_ENCRYPTED,
          "resend: v3 re-keys but resends nothing");
    teardown(&a, &b);

    /* Held back under REQUIRE_ENCRYPTION: sent as it was, without a prefix. */
    ops.resent_msg_prefix = op_resent_prefix;
    ops.resent_msg_prefix_free = op_resent_prefix_free;
    setup(&a, &b, OTRL_POLICY_ALWAYS);
    client_send(&a, "for your eyes only");
    deliver_all();
    CHECK_STR(b.shown, "for your eyes only", "require encryption: the held message arrives without a prefix");
    CHECK(strstr(a.log, "resent_msg_prefix") == NULL && strstr(a.log, "msg_event(6)") == NULL,
          "require encryption: no prefix asked, no resent event");
    ops.resent_msg_prefix = NULL;
    ops.resent_msg_prefix_free = NULL;
    ops.otr_error_message = op_otr_error_message;
    ops.otr_error_message_free = op_otr_error_message_free;
    teardown(&a, &b);
}

static void test_error_messages(void)
{
    party a, b;
    char crossed[4096];
    ops.otr_error_message = op_error_text;
    ops.otr_error_message_free = op_error_text_free;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    clear_logs(&a, &b);
    receive(&b, "?OTR:AAMDnot base64!.");
    queued_for(&a, crossed, sizeof crossed);
    CHECK_STR(crossed, "?OTR Error: error text 4", "malformed: the error message that crosses");
    CHECK_STR(b.log, "msg_event(9) otr_error_message(4) inject otr_error_message_free(error text 4)",
              "malformed: callbacks");
    deliver_all();
    CHECK_STR(a.log, "msg_event(12,error text 4)", "malformed: the peer's general error event");
    /* Without otr_error_message nothing is sent. */
    ops.otr_error_message = NULL;
    clear_logs(&a, &b);
    receive(&b, "?OTR:AAMDnot base64!.");
    CHECK_STR(b.log, "msg_event(9)", "malformed without otr_error_message: only the event");
    CHECK(q_head == q_tail, "malformed without otr_error_message: nothing sent");
    /* A malformed Data Message flagged IGNORE_UNREADABLE is dropped silently. */
    ops.otr_error_message = op_error_text;
    ConnContext *cb = best(&b);
    unsigned char raw[12] = {0, 3, 3};
    for (int i = 0; i < 4; i++) {
        raw[3 + i] = cb->their_instance >> (24 - 8 * i);
        raw[7 + i] = cb->our_instance >> (24 - 8 * i);
    }
    raw[11] = OTRL_MSGFLAGS_IGNORE_UNREADABLE;
    char *flagged = otrl_base64_otr_encode(raw, 12);
    clear_logs(&a, &b);
    receive(&b, flagged);
    CHECK(b.ret == 1 && b.log[0] == 0 && q_head == q_tail, "malformed but flagged, encrypted: silently ignored");
    free(flagged);
    unsigned char v2[4] = {0, 2, 3, OTRL_MSGFLAGS_IGNORE_UNREADABLE};
    flagged = otrl_base64_otr_encode(v2, 4);
    clear_logs(&a, &b);
    receive(&a, flagged);
    CHECK(a.ret == 1 && a.log[0] == 0, "malformed but flagged, v2 to the plaintext master: silently ignored");
    free(flagged);
    v2[3] = 0;
    flagged = otrl_base64_otr_encode(v2, 4);
    receive(&a, flagged);
    CHECK_STR(a.log, "msg_event(15)", "malformed, not flagged, v2 to the plaintext master: for another instance");
    free(flagged);
    ops.otr_error_message = op_otr_error_message;
    ops.otr_error_message_free = op_otr_error_message_free;
    teardown(&a, &b);
}

int main(void)
{
    OTRL_INIT;
    test_account_name();
    test_convert();
    test_resent_prefix();
    test_error_messages();
    HARNESS_EXIT();
}
