/* The library's pure functions, as a client calls them: initialisation, version,
 * base64, TLVs, message classification, query messages, fingerprints in human form,
 * counters, instance tags, userstates. Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/b64.h>
#include <libotr/mem.h>
#include <libotr/tlv.h>
#include <libotr/dh.h>
#include <libotr/instag.h>
#include <libotr/userstate.h>
#include <libotr/context.h>
#include "harness.h"

static void test_init(void) {
    OTRL_INIT;
    CHECK(otrl_init(4, 1, 1) == 0, "otrl_init(4,1,1) succeeds");
    CHECK(otrl_init(5, 0, 0) == 0, "otrl_init accepts any version, as Debian's does");
    CHECK_STR(otrl_version(), "4.1.1", "otrl_version");
    CHECK_STR(OTRL_VERSION, "4.1.1", "OTRL_VERSION");
}

static void test_base64(void) {
    char enc[16] = {0};
    unsigned char dec[16];
    size_t n = otrl_base64_encode(enc, (const unsigned char *)"hello", 5);
    CHECK(n == 8 && memcmp(enc, "aGVsbG8=", 8) == 0, "otrl_base64_encode(\"hello\")");
    n = otrl_base64_decode(dec, "aGVs bG8=", 9);
    CHECK(n == 5 && memcmp(dec, "hello", 5) == 0, "otrl_base64_decode skips non-alphabet");
    CHECK(OTRL_B64_MAX_DECODED_SIZE(5) == 6 && OTRL_B64_MAX_DECODED_SIZE(100) == 75,
          "OTRL_B64_MAX_DECODED_SIZE");

    char *wrapped = otrl_base64_otr_encode((const unsigned char *)"\x00\x03\x03", 3);
    CHECK_STR(wrapped, "?OTR:AAMD.", "otrl_base64_otr_encode");
    unsigned char *buf = NULL;
    size_t len = 0;
    CHECK(otrl_base64_otr_decode(wrapped, &buf, &len) == 0 && len == 3
          && memcmp(buf, "\x00\x03\x03", 3) == 0, "otrl_base64_otr_decode round trip");
    free(buf);
    free(wrapped);
    CHECK(otrl_base64_otr_decode("no otr here", &buf, &len) == -2, "otr_decode without ?OTR: is -2");
    CHECK(otrl_base64_otr_decode("?OTR:AAMD", &buf, &len) == -2, "otr_decode without '.' is -2");
}

static void test_tlv(void) {
    OtrlTLV *a = otrl_tlv_new(OTRL_TLV_SMP1Q, 3, (const unsigned char *)"q?\0");
    OtrlTLV *b = otrl_tlv_new(OTRL_TLV_DISCONNECTED, 0, NULL);
    CHECK(a && b && a->type == 7 && a->len == 3 && memcmp(a->data, "q?\0", 3) == 0, "otrl_tlv_new");
    a->next = b;
    CHECK(otrl_tlv_find(a, OTRL_TLV_DISCONNECTED) == b, "otrl_tlv_find second");
    CHECK(otrl_tlv_find(a, OTRL_TLV_SYMKEY) == NULL, "otrl_tlv_find missing");
    size_t len = otrl_tlv_seriallen(a);
    CHECK(len == 11, "otrl_tlv_seriallen");
    unsigned char buf[11];
    otrl_tlv_serialize(buf, a);
    CHECK_MEM(buf, "\x00\x07\x00\x03q?\x00\x00\x01\x00\x00", 11, "otrl_tlv_serialize");
    OtrlTLV *parsed = otrl_tlv_parse(buf, len);
    CHECK(parsed && parsed->type == 7 && parsed->len == 3 && parsed->next
          && parsed->next->type == 1 && parsed->next->len == 0 && !parsed->next->next, "otrl_tlv_parse");
    otrl_tlv_free(parsed);
    OtrlTLV *cut = otrl_tlv_parse(buf, 10);
    CHECK(cut && !cut->next, "otrl_tlv_parse drops a truncated last record");
    otrl_tlv_free(cut);
    CHECK(otrl_tlv_parse(buf, 3) == NULL, "otrl_tlv_parse of 3 bytes is empty");
    otrl_tlv_free(a);
}

static void test_mem(void) {
    otrl_mem_init();
    CHECK(otrl_mem_differ((const unsigned char *)"abc", (const unsigned char *)"abc", 3) == 0, "mem_differ equal");
    CHECK(otrl_mem_differ((const unsigned char *)"abc", (const unsigned char *)"abd", 3) != 0, "mem_differ differ");
}

static void test_message_type(void) {
    static const struct { const char *msg; OtrlMessageType type; int version; } cases[] = {
        { "hello", OTRL_MSGTYPE_NOTOTR, 0 },
        { "?OTRv23? hi", OTRL_MSGTYPE_QUERY, 0 },
        { "?OTR?", OTRL_MSGTYPE_QUERY, 0 },
        { "?OTR Error: oops", OTRL_MSGTYPE_ERROR, 0 },
        { "hi" OTRL_MESSAGE_TAG_BASE OTRL_MESSAGE_TAG_V3, OTRL_MSGTYPE_TAGGEDPLAINTEXT, 0 },
        { "?OTR:AAMCAAABAAAAAAA=.", OTRL_MSGTYPE_DH_COMMIT, 3 },
        { "?OTR:AAIKAAAA.", OTRL_MSGTYPE_DH_KEY, 2 },
        { "?OTR:AAMRAAAA.", OTRL_MSGTYPE_REVEALSIG, 3 },
        { "?OTR:AAISAAAA.", OTRL_MSGTYPE_SIGNATURE, 2 },
        { "?OTR:AAMDAAAA.", OTRL_MSGTYPE_DATA, 3 },
        { "?OTR:AAEK", OTRL_MSGTYPE_V1_KEYEXCH, 1 },
        { "?OTR,1,2,abc,", OTRL_MSGTYPE_UNKNOWN, 0 },
        { "?OTR:zzzz.", OTRL_MSGTYPE_UNKNOWN, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CHECK(otrl_proto_message_type(cases[i].msg) == cases[i].type,
              "otrl_proto_message_type(\"%s\") == %d", cases[i].msg, (int)cases[i].type);
        CHECK(otrl_proto_message_version(cases[i].msg) == cases[i].version,
              "otrl_proto_message_version(\"%s\") == %d", cases[i].msg, cases[i].version);
    }
}

static void test_query(void) {
    CHECK(otrl_proto_query_bestversion("?OTRv23?", OTRL_POLICY_DEFAULT) == 3, "query v23, default policy: 3");
    CHECK(otrl_proto_query_bestversion("?OTRv23?", OTRL_POLICY_ALLOW_V2) == 2, "query v23, v2 policy: 2");
    CHECK(otrl_proto_query_bestversion("?OTR?", OTRL_POLICY_DEFAULT) == 0, "v1-only query: 0");
    CHECK(otrl_proto_query_bestversion("?OTRv3?", OTRL_POLICY_ALLOW_V2) == 0, "no common version: 0");

    const char *msg = "hi " OTRL_MESSAGE_TAG_BASE OTRL_MESSAGE_TAG_V2 OTRL_MESSAGE_TAG_V3 " there";
    const char *start = NULL, *end = NULL;
    CHECK(otrl_proto_whitespace_bestversion(msg, &start, &end, OTRL_POLICY_DEFAULT) == 3
          && start == msg + 3 && end == msg + 3 + 32, "whitespace_bestversion finds v2+v3 tag");

    char *q = otrl_proto_default_query_msg("alice@example.org", OTRL_POLICY_DEFAULT);
    CHECK_STR(q, "?OTRv23?\n<b>alice@example.org</b> has requested an "
              "<a href=\"https://otr.cypherpunks.ca/\">Off-the-Record private conversation</a>."
              "  However, you do not have a plugin to support that.\nIf you are using Pidgin in "
              "Debian or Ubuntu,install the pidgin-otr package.\nSee "
              "<a href=\"https://otr.cypherpunks.ca/\">https://otr.cypherpunks.ca/</a> for more information.",
              "default query message (Debian's text)");
    free(q);
    q = otrl_proto_default_query_msg("bob", OTRL_POLICY_ALLOW_V2);
    CHECK(q && strncmp(q, "?OTRv2?\n", 8) == 0, "query tag for a v2 policy");
    free(q);
    q = otrl_proto_default_query_msg("bob", OTRL_POLICY_ALLOW_V1 | OTRL_POLICY_ALLOW_V2 | OTRL_POLICY_ALLOW_V3);
    CHECK(q && strncmp(q, "?OTR?v23?\n", 10) == 0, "query tag for a v1+v2+v3 policy");
    free(q);
}

static void test_instance(void) {
    unsigned int from = 0, to = 0;
    /* Header 00 03 03, sender 0x00000100, receiver 0x12345678. */
    char *msg = otrl_base64_otr_encode((const unsigned char *)"\x00\x03\x03\x00\x00\x01\x00\x12\x34\x56\x78\x00", 12);
    CHECK(otrl_proto_instance(msg, &from, &to) == 0 && from == 0x100 && to == 0x12345678, "otrl_proto_instance");
    free(msg);
    CHECK(otrl_proto_instance("?OTR:AAID", &from, &to) == 0x20000037, "otrl_proto_instance of a v2 message: INV_VALUE");
}

static void test_fingerprint_human(void) {
    unsigned char hash[20];
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN];
    for (int i = 0; i < 20; i++) hash[i] = (unsigned char)(i * 13 + 5);
    otrl_privkey_hash_to_human(human, hash);
    CHECK_STR(human, "05121F2C 39465360 6D7A8794 A1AEBBC8 D5E2EFFC", "otrl_privkey_hash_to_human");
}

static void test_counters(void) {
    unsigned char a[8] = {0, 0, 0, 0, 0, 0, 0, 0xff}, b[8] = {0, 0, 0, 0, 0, 0, 1, 0};
    otrl_dh_incctr(a);
    CHECK(memcmp(a, b, 8) == 0, "otrl_dh_incctr carries");
    CHECK(otrl_dh_cmpctr(a, b) == 0, "otrl_dh_cmpctr equal");
    otrl_dh_incctr(b);
    CHECK(otrl_dh_cmpctr(a, b) < 0 && otrl_dh_cmpctr(b, a) > 0, "otrl_dh_cmpctr orders");
}

static void test_userstate(void) {
    OtrlUserState us = otrl_userstate_create();
    CHECK(us && !us->context_root && !us->privkey_root && !us->instag_root && !us->pending_root
          && !us->timer_running, "otrl_userstate_create is empty");
    CHECK(otrl_message_poll_get_default_interval(us) == 70, "default poll interval is 70 s");
    otrl_userstate_free(us);
    otrl_instag_t tag = otrl_instag_get_new();
    CHECK(tag >= OTRL_MIN_VALID_INSTAG, "otrl_instag_get_new >= 0x100");
    otrl_message_free(NULL);
    otrl_message_free(strdup("a client's string"));
    CHECK(1, "otrl_message_free takes NULL and malloc'ed strings");
}

static void test_trust(void) {
    Fingerprint f;
    memset(&f, 0, sizeof f);
    CHECK(!otrl_context_is_fingerprint_trusted(&f), "no trust string: untrusted");
    otrl_context_set_trust(&f, "verified");
    CHECK_STR(f.trust, "verified", "otrl_context_set_trust copies the string");
    CHECK(otrl_context_is_fingerprint_trusted(&f), "non-empty trust: trusted");
    free(f.trust); /* a client may replace the string with its own (profanity does) */
    f.trust = strdup("");
    CHECK(!otrl_context_is_fingerprint_trusted(&f), "empty trust: untrusted");
    otrl_context_set_trust(&f, NULL);
    CHECK(f.trust == NULL, "otrl_context_set_trust(NULL) clears it");
}

static void test_missing_files(void) {
    OtrlUserState us = otrl_userstate_create();
    const char *missing = "/nonexistent/otr-rs-test/file";
    /* bitlbee compares these with gcry_error_from_errno(ENOENT) to ignore missing files. */
    CHECK(otrl_privkey_read(us, missing) == 0x01008051, "otrl_privkey_read of a missing file: ENOENT");
    CHECK(otrl_privkey_read_fingerprints(us, missing, NULL, NULL) == 0x01008051,
          "otrl_privkey_read_fingerprints of a missing file: ENOENT");
    CHECK(otrl_instag_read(us, missing) == 0x01008051, "otrl_instag_read of a missing file: ENOENT");
    CHECK(!us->privkey_root && !us->context_root && !us->instag_root, "nothing was loaded");
    otrl_userstate_free(us);
}

int main(void) {
    test_init();
    test_base64();
    test_tlv();
    test_mem();
    test_message_type();
    test_query();
    test_instance();
    test_fingerprint_human();
    test_counters();
    test_userstate();
    test_trust();
    test_missing_files();
    HARNESS_EXIT();
}
