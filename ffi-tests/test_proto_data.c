/* proto.h's data-message and fragment functions, called on the contexts of a
 * session set up through the message API, as a client (or a plugin that builds
 * its own messages) would: otrl_proto_create_data, _accept_data,
 * _data_read_flags, _fragment_create, _fragment_accumulate, _fragment_free. */
#include <libotr/context_priv.h>
#include <libotr/b64.h>
#include "party.h"

#define CONFLICT 0x20000046u

/* "?OTR:" + base64(raw) + "." in buf. */
static void encode(char *buf, const unsigned char *raw, size_t len)
{
    char *b64 = otrl_base64_otr_encode(raw, len);
    strcpy(buf, b64);
    free(b64);
}

/* The next message queued for `to`, taken off the queue (the caller frees it). */
static char *take(party *to)
{
    for (size_t i = q_head; i < q_tail; i++) {
        if (queue[i].to == to) {
            char *msg = queue[i].msg;
            memmove(queue + i, queue + i + 1, (q_tail - i - 1) * sizeof queue[0]);
            q_tail--;
            return msg;
        }
    }
    return NULL;
}

/* A message the user of `p` sends, as otrl_message_sending leaves it. */
static char *sent_by(party *p, const char *text, OtrlTLV *tlvs)
{
    char *msg = NULL;
    otrl_message_sending(p->us, &ops, p, p->account, p->protocol, p->peer, OTRL_INSTAG_BEST,
                         text, tlvs, &msg, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    return msg;
}

static void test_create_data(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    ConnContext *ca = best(&a);
    time_t lastsent = ca->context_priv->lastsent;
    unsigned int our_keyid = ca->context_priv->our_keyid;

    char *enc = NULL;
    unsigned char key[32], zero[32] = {0};
    memset(key, 0, sizeof key);
    gcry_error_t err = otrl_proto_create_data(&enc, ca, "made by hand", NULL, 0, key);
    CHECK(err == 0 && enc && strncmp(enc, "?OTR:AAMD", 9) == 0 && enc[strlen(enc) - 1] == '.',
          "create_data: a v3 Data Message");
    CHECK(memcmp(key, zero, 32) != 0, "create_data: the extra key is copied out");
    CHECK(ca->context_priv->lastsent == lastsent && ca->context_priv->our_keyid == our_keyid,
          "create_data: lastsent and key ids unchanged");
    unsigned char flags = 9;
    CHECK(otrl_proto_data_read_flags(enc, &flags) == 0 && flags == 0, "read_flags: 0 on a normal message");
    clear_logs(&a, &b);
    receive(&b, enc);
    otrl_message_free(enc);
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "made by hand") == 0,
          "create_data: the peer's otrl_message_receiving shows it");

    /* A TLV 8 announcing the extra key: the peer's received_symkey gets the same key. */
    OtrlTLV *tlv = otrl_tlv_new(OTRL_TLV_SYMKEY, 6, (const unsigned char *)"\0\0\0\7hi");
    err = otrl_proto_create_data(&enc, ca, "", tlv, OTRL_MSGFLAGS_IGNORE_UNREADABLE, key);
    otrl_tlv_free(tlv);
    CHECK(otrl_proto_data_read_flags(enc, &flags) == 0 && flags == OTRL_MSGFLAGS_IGNORE_UNREADABLE,
          "read_flags: IGNORE_UNREADABLE");
    CHECK(otrl_proto_data_read_flags(enc, NULL) == 0, "read_flags: flagsp may be NULL");
    clear_logs(&a, &b);
    receive(&b, enc);
    otrl_message_free(enc);
    CHECK(err == 0 && b.ret == 1 && b.shown == NULL, "create_data with a TLV: nothing to show");
    CHECK_STR(b.log, "received_symkey msg_event(10)", "create_data with a TLV: the peer's callbacks");
    CHECK(b.symkey_use == 7 && b.symkey_datalen == 2 && memcmp(b.symkey, key, 32) == 0,
          "create_data with a TLV: the peer has the same extra key");

    /* Outside an encrypted session: GPG_ERR_CONFLICT and no message. */
    enc = (char *)&flags;
    err = otrl_proto_create_data(&enc, ca->m_context, "nope", NULL, 0, NULL);
    CHECK(err == CONFLICT && enc == NULL, "create_data in plaintext: conflict, no message");
    teardown(&a, &b);
}

static void test_accept_data(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    ConnContext *ca = best(&a);
    unsigned int their_keyid = ca->context_priv->their_keyid;
    unsigned int our_keyid = ca->context_priv->our_keyid;

    OtrlTLV *tlvs = otrl_tlv_new(0x1234, 3, (const unsigned char *)"abc");
    char *msg = sent_by(&b, "from b", tlvs);
    otrl_tlv_free(tlvs);
    char *plain = (char *)1;
    OtrlTLV *got = (OtrlTLV *)1;
    unsigned char flags = 9, key[32] = {0}, zero[32] = {0};
    gcry_error_t err = otrl_proto_accept_data(&plain, &got, ca, msg, &flags, key);
    CHECK(err == 0 && plain && strcmp(plain, "from b") == 0 && flags == 0, "accept_data: decrypted");
    CHECK(got && got->type == 0x1234 && got->len == 3 && memcmp(got->data, "abc", 3) == 0 && !got->next,
          "accept_data: the TLVs");
    CHECK(memcmp(key, zero, 32) != 0, "accept_data: the extra key");
    CHECK(ca->context_priv->their_keyid == their_keyid + 1 && ca->context_priv->our_keyid == our_keyid,
          "accept_data: their key rotated (the peer's next key), ours not yet");
    free(plain);
    otrl_tlv_free(got);

    /* The same message again: the counter did not grow. */
    err = otrl_proto_accept_data(&plain, &got, ca, msg, NULL, NULL);
    CHECK(err == CONFLICT && plain == NULL && got == NULL, "accept_data: a replay conflicts");
    /* A changed MAC. */
    size_t len = strlen(msg);
    msg[len - 10] = msg[len - 10] == 'A' ? 'B' : 'A';
    err = otrl_proto_accept_data(&plain, &got, ca, msg, NULL, NULL);
    CHECK(err == CONFLICT, "accept_data: a bad MAC conflicts");
    otrl_message_free(msg);

    /* a answers through the message API; b reads it; our key turns over after b's reply. */
    client_send(&a, "from a");
    deliver_all();
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "from a") == 0,
          "after accept_data: the session goes on through the message API");
    msg = sent_by(&b, "again from b", NULL);
    err = otrl_proto_accept_data(&plain, &got, ca, msg, &flags, NULL);
    CHECK(err == 0 && plain && strcmp(plain, "again from b") == 0 && got == NULL,
          "accept_data: the reply to our message");
    CHECK(ca->context_priv->our_keyid == our_keyid + 1 && ca->context_priv->their_keyid == their_keyid + 2,
          "accept_data: both keys rotated");
    free(plain);
    otrl_message_free(msg);

    /* A heartbeat-like message the peer flagged: flags come back too. */
    char *enc = NULL;
    otrl_proto_create_data(&enc, best(&b), "", NULL, OTRL_MSGFLAGS_IGNORE_UNREADABLE, NULL);
    err = otrl_proto_accept_data(&plain, &got, ca, enc, &flags, NULL);
    CHECK(err == 0 && plain && plain[0] == 0 && flags == OTRL_MSGFLAGS_IGNORE_UNREADABLE,
          "accept_data: an empty flagged message");
    free(plain);
    otrl_message_free(enc);

    /* Garbage. */
    flags = 9;
    err = otrl_proto_accept_data(&plain, &got, ca, "no OTR here", &flags, NULL);
    CHECK(err == INV_VALUE && flags == 0 && plain == NULL, "accept_data: no ?OTR: is an invalid value");
    err = otrl_proto_accept_data(&plain, &got, ca, "?OTR:AAMDgarbage.", &flags, NULL);
    CHECK(err == INV_VALUE, "accept_data: garbage is an invalid value");
    unsigned char raw[16] = {0, 3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 1};
    char buf[64];
    encode(buf, raw, 12);
    err = otrl_proto_accept_data(&plain, &got, ca, buf, &flags, NULL);
    CHECK(err == INV_VALUE && flags == 1, "accept_data: a truncated message still gives its flags");
    client_send(&b, "still fine");
    deliver_all();
    CHECK(a.ret == 0 && a.shown && strcmp(a.shown, "still fine") == 0, "accept_data: bad input changes nothing");
    teardown(&a, &b);
}

static void test_read_flags(void)
{
    unsigned char raw[16] = {0, 2, 3, 1}, flags = 9;
    char buf[64];
    encode(buf, raw, 4);
    CHECK(otrl_proto_data_read_flags(buf, &flags) == 0 && flags == 1, "read_flags: v2 header");
    raw[1] = 1;
    encode(buf, raw, 3);
    CHECK(otrl_proto_data_read_flags(buf, &flags) == 0 && flags == 0, "read_flags: v1 has no flags");
    raw[1] = 3;
    encode(buf, raw, 11);
    CHECK(otrl_proto_data_read_flags(buf, &flags) == INV_VALUE && flags == 0, "read_flags: v3 cut short");
    raw[2] = 2;
    encode(buf, raw, 12);
    CHECK(otrl_proto_data_read_flags(buf, &flags) == INV_VALUE, "read_flags: not a Data Message");
    raw[1] = 4; raw[2] = 3;
    encode(buf, raw, 12);
    CHECK(otrl_proto_data_read_flags(buf, &flags) == INV_VALUE, "read_flags: version 4");
    CHECK(otrl_proto_data_read_flags("hello", &flags) == INV_VALUE, "read_flags: not OTR");
    raw[1] = 2;
    encode(buf, raw, 4);
    buf[strlen(buf) - 1] = 0;
    char text[80];
    snprintf(text, sizeof text, "junk before %s", buf);
    CHECK(otrl_proto_data_read_flags(text, &flags) == 0 && flags == 1,
          "read_flags: text before ?OTR: and no final dot");
}

/* Feeds the fragments to `context` in order; how many calls said COMPLETE. */
static int accumulate_all(ConnContext *context, char **frags, int n, char **whole, int *last)
{
    int complete = 0;
    for (int i = 0; i < n; i++) {
        *last = otrl_proto_fragment_accumulate(whole, context, frags[i]);
        if (*last == OTRL_FRAGMENT_COMPLETE) complete++;
    }
    return complete;
}

static void test_fragments_v3(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    ConnContext *ca = best(&a), *cb = best(&b);
    char msg[201];
    for (int i = 0; i < 200; i++) msg[i] = 'a' + i % 26;
    msg[200] = 0;
    int n = (200 - 1) / (60 - 37) + 1;
    char **frags = NULL;
    gcry_error_t err = otrl_proto_fragment_create(60, n, &frags, ca, msg);
    char head[40];
    snprintf(head, sizeof head, "?OTR|%08x|%08x,00001,%05d,", ca->our_instance, ca->their_instance, n);
    CHECK(err == 0 && frags && strncmp(frags[0], head, strlen(head)) == 0, "fragment_create: v3 header");
    CHECK(strlen(frags[0]) == 59 && strncmp(frags[0] + 35, msg, 23) == 0 && frags[0][58] == ',',
          "fragment_create: mms - 37 bytes of message per piece");
    CHECK(strlen(frags[n - 1]) == (size_t)(35 + 200 - 23 * (n - 1) + 1), "fragment_create: the last piece has the rest");

    char *whole = (char *)1;
    int last = -1;
    int complete = accumulate_all(cb, frags, n - 1, &whole, &last);
    CHECK(complete == 0 && last == OTRL_FRAGMENT_INCOMPLETE && whole == (char *)1,
          "fragment_accumulate: incomplete until the last piece");
    last = otrl_proto_fragment_accumulate(&whole, cb, frags[n - 1]);
    CHECK(last == OTRL_FRAGMENT_COMPLETE && whole != (char *)1 && strcmp(whole, msg) == 0,
          "fragment_accumulate: complete, the whole message");
    free(whole);
    whole = NULL;

    /* Out of order: a later piece first is dropped; then the right order works. */
    last = otrl_proto_fragment_accumulate(&whole, cb, frags[1]);
    CHECK(last == OTRL_FRAGMENT_INCOMPLETE, "fragment_accumulate: a stray piece is incomplete");
    CHECK(accumulate_all(cb, frags, n, &whole, &last) == 1 && whole && strcmp(whole, msg) == 0,
          "fragment_accumulate: the full series after a stray piece");
    free(whole);
    whole = NULL;

    /* An unfragmented message in between drops the partial message. */
    otrl_proto_fragment_accumulate(&whole, cb, frags[0]);
    last = otrl_proto_fragment_accumulate(&whole, cb, "plain text");
    CHECK(last == OTRL_FRAGMENT_UNFRAGMENTED && whole == NULL, "fragment_accumulate: unfragmented");
    CHECK(accumulate_all(cb, frags + 1, n - 1, &whole, &last) == 0 && whole == NULL,
          "fragment_accumulate: the rest after an interruption never completes");
    /* The pieces through the message API reassemble too. */
    for (int i = 0; i < n; i++) receive(&b, frags[i]);
    CHECK(b.ret == 1 && b.shown == NULL, "fragments through otrl_message_receiving: not a Data Message, ignored");
    otrl_proto_fragment_free(&frags, n);

    /* Too few fragments cut the message; too many end with empty pieces, which
     * accumulate never accepts. */
    err = otrl_proto_fragment_create(60, 2, &frags, ca, msg);
    CHECK(err == 0 && accumulate_all(cb, frags, 2, &whole, &last) == 1 && whole
          && strlen(whole) == 46 && strncmp(whole, msg, 46) == 0, "fragment_create: too few pieces truncate");
    free(whole);
    whole = NULL;
    otrl_proto_fragment_free(&frags, 2);
    err = otrl_proto_fragment_create(60, n + 1, &frags, ca, msg);
    snprintf(head, sizeof head, "?OTR|%08x|%08x,%05d,%05d,,", ca->our_instance, ca->their_instance, n + 1, n + 1);
    CHECK(err == 0 && strcmp(frags[n], head) == 0, "fragment_create: a surplus piece is empty");
    CHECK(accumulate_all(cb, frags, n + 1, &whole, &last) == 0 && last == OTRL_FRAGMENT_INCOMPLETE,
          "fragment_accumulate: an empty piece never completes");
    otrl_proto_fragment_free(&frags, n + 1);

    CHECK(otrl_proto_fragment_create(60, 0, &frags, ca, msg) == INV_VALUE, "fragment_create: count 0");
    CHECK(otrl_proto_fragment_create(60, 65536, &frags, ca, msg) == INV_VALUE, "fragment_create: count 65536");
    frags = NULL;
    otrl_proto_fragment_free(&frags, 3);
    CHECK(1, "fragment_free: a NULL array");

    /* Malformed fragments change nothing. */
    char *three[3];
    err = otrl_proto_fragment_create(60, 3, &frags, ca, "0123456789012345678901234567890123456789012345678");
    three[0] = frags[0];
    three[1] = "?OTR|zz|1,2,3,x,";
    three[2] = frags[1];
    CHECK(accumulate_all(cb, three, 3, &whole, &last) == 0, "fragment_accumulate: a malformed piece in between");
    last = otrl_proto_fragment_accumulate(&whole, cb, frags[2]);
    CHECK(last == OTRL_FRAGMENT_COMPLETE && whole && strlen(whole) == 49,
          "fragment_accumulate: ... is skipped without harm");
    free(whole);
    otrl_proto_fragment_free(&frags, 3);
    teardown(&a, &b);
}

static void test_fragments_v2(void)
{
    party a, b;
    setup(&a, &b, OTRL_POLICY_ALLOW_V2);
    start_ake(&a, &b);
    ConnContext *ca = best(&a), *cb = best(&b);
    char **frags = NULL;
    gcry_error_t err = otrl_proto_fragment_create(25, 4, &frags, ca, "0123456789abcdefghij");
    CHECK(err == 0 && strcmp(frags[0], "?OTR,00001,00004,012345,") == 0
          && strcmp(frags[3], "?OTR,00004,00004,ij,") == 0, "fragment_create: v2 pieces, mms - 19 bytes each");
    char *whole = NULL;
    int last;
    CHECK(accumulate_all(cb, frags, 4, &whole, &last) == 1 && whole && strcmp(whole, "0123456789abcdefghij") == 0,
          "fragment_accumulate: v2");
    free(whole);
    otrl_proto_fragment_free(&frags, 4);

    /* A whole message split by hand goes through otrl_message_receiving. */
    char *msg = sent_by(&a, "a message long enough to need three pieces", NULL);
    int len = strlen(msg), room = 100 - 19, n = (len - 1) / room + 1;
    err = otrl_proto_fragment_create(100, n, &frags, ca, msg);
    for (int i = 0; i < n; i++) receive(&b, frags[i]);
    CHECK(err == 0 && b.ret == 0 && b.shown && strcmp(b.shown, "a message long enough to need three pieces") == 0,
          "fragment_create: the peer reassembles and reads it");
    otrl_proto_fragment_free(&frags, n);
    otrl_message_free(msg);
    teardown(&a, &b);
}

/* How many old MAC keys a Data Message reveals (-1 if it does not parse). */
static int revealed_keys(const char *msg)
{
    unsigned char *buf = NULL;
    size_t len = 0, p;
    int n = -1;
    if (otrl_base64_otr_decode(msg, &buf, &len) != 0) return -1;
#define BE32(at) ((size_t)buf[at] << 24 | (size_t)buf[at + 1] << 16 | (size_t)buf[at + 2] << 8 | buf[at + 3])
    p = 3 + (buf[1] == 3 ? 8 : 0) + 1 + 8;
    if (p + 4 <= len) p += 4 + BE32(p);
    p += 8;
    if (p + 4 <= len) p += 4 + BE32(p);
    p += 20;
    if (p + 4 <= len) n = (int)(BE32(p) / 20);
#undef BE32
    free(buf);
    return n;
}

/* Delivers everything queued, noting in `log` the sender of each Data Message and
 * how many keys it reveals ("a1": a sent one revealing a key). */
static void deliver_noting_reveals(char *log, size_t size)
{
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        if (otrl_proto_message_type(q.msg) == OTRL_MSGTYPE_DATA) {
            size_t used = strlen(log);
            char sender = q.to->other->protocol[0] == 'p' ? 'a' : 'b';
            snprintf(log + used, size - used, "%s%c%d", used ? " " : "", sender, revealed_keys(q.msg));
        }
        receive(q.to, q.msg);
        free(q.msg);
    }
    q_head = q_tail = 0;
}

/* Which old MAC keys go out, and when (spec "Revealing MAC keys": the receiving MAC
 * keys that verified a message, once their D-H key is forgotten, in the next Data
 * Message): the count in every Data Message of a fixed conversation with an SMP,
 * as libotr 4.1.1 sends them. */
static void test_revealed_mac_keys(OtrlPolicy policy, const char *what, const char *want)
{
    party a, b;
    char log[1024] = "";
    setup(&a, &b, policy);
    start_ake(&a, &b);
    const char *script = "abbaabaaabbbab";
    for (const char *from = script; *from; from++) {
        client_send(*from == 'a' ? &a : &b, "text");
        deliver_noting_reveals(log, sizeof log);
    }
    otrl_message_initiate_smp(a.us, &ops, &a, best(&a), (const unsigned char *)"s", 1);
    deliver_noting_reveals(log, sizeof log);
    otrl_message_respond_smp(b.us, &ops, &b, best(&b), (const unsigned char *)"s", 1);
    deliver_noting_reveals(log, sizeof log);
    for (const char *from = "abab"; *from; from++) {
        client_send(*from == 'a' ? &a : &b, "after the smp");
        deliver_noting_reveals(log, sizeof log);
    }
    char label[64];
    snprintf(label, sizeof label, "%s: old MAC keys revealed, message by message", what);
    CHECK_STR(log, want, label);
    teardown(&a, &b);
}

int main(void)
{
    OTRL_INIT;
    test_create_data();
    test_accept_data();
    test_read_flags();
    test_fragments_v3();
    test_fragments_v2();
    test_revealed_mac_keys(OTRL_POLICY_MANUAL, "v3", "a0 b0 b0 a0 a0 b1 a1 a0 a0 b1 b0 b0 a1 b1 a1 b1 a1 b1 a1 b1 a1 b1");
    test_revealed_mac_keys(OTRL_POLICY_ALLOW_V2, "v2", "a0 b0 b0 a0 a0 b1 a1 a0 a0 b1 b0 b0 a1 b1 a1 b1 a1 b1 a1 b1 a1 b1");
    HARNESS_EXIT();
}
