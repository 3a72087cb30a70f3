/* Misuse of the C API: every exported function with NULL for each of its pointer
 * arguments (the others valid), and with foreign or used-up objects where a library
 * can tell. Each call runs in a forked child, so a crash ends only that child.
 *
 * misuse.expected holds what Debian's libotr 4.1.1 does with each call (a value,
 * "returns" for a void function, or the signal that killed it); `make -C ffi-tests
 * misuse-expected` records it again, and every run on the reference checks it still
 * does exactly that. Ours must give the same result wherever libotr survives, and
 * must survive (no signal, no memory error under valgrind) wherever libotr crashes;
 * those cases are printed as "# libotr crashes:" lines (README.md lists them). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/wait.h>
#include <libotr/context_priv.h>
#include <libotr/auth.h>
#include <libotr/dh.h>
#include <libotr/mem.h>
#include <libotr/b64.h>
#include "party.h"
#include "hostile.h"

#define EXPECTED_FILE "misuse.expected"

/* Exported by libotr 4.1.1 but declared in no installed header. */
void otrl_sm_msg1_init(gcry_mpi_t **msg1);
void otrl_sm_msg2_init(gcry_mpi_t **msg2);
void otrl_sm_msg3_init(gcry_mpi_t **msg3);
void otrl_sm_msg4_init(gcry_mpi_t **msg4);
void otrl_sm_msg_free(gcry_mpi_t **message, int msglen);

/* ---- the objects the calls get where an argument is not the NULL under test ---- */

#define ACC "alice@example.org"
#define PROTO "prpl-jabber"
static party me;                  /* the callbacks' opdata */
static OtrlUserState us, other_us;
static ConnContext *ctx, *other_ctx;
static Fingerprint *fp;
static OtrlPrivKey *key, *other_key;
static OtrlInsTag *other_instag;
static OtrlTLV *tlv;
static DH_keypair kp, kp2;
static DH_sesskeys sess;
static OtrlSMState *smst;
static FILE *rfile, *wfile;
static void *newkey;
static char path[64], wpath[64];
static unsigned char hash[20] = {1, 2, 3}, buf[4096], ctr[8];
static unsigned char *out;
static int outlen, have, added;
static size_t len;
static char *str, **frags;
static const char *s1, *s2;
static unsigned int u1, u2;
static OtrlTLV *tlvs_out;
static unsigned char flags, extrakey[32], sessionid[32];
static OtrlSessionIdHalf half;
static gcry_cipher_hd_t c1, c2;
static gcry_md_hd_t m1, m2, m3, m4;
static OtrlTLV client_tlv[2];
static unsigned char client_value[3] = "abc";

static gcry_error_t succeeded(const OtrlAuthInfo *auth, void *asdata) { return 0; }

static void fixture(void)
{
    us = otrl_userstate_create();
    me.account = ACC; me.protocol = PROTO; me.peer = "bob"; me.us = us; me.other = &me;
    me.policy = OTRL_POLICY_DEFAULT;
    other_us = otrl_userstate_create();
    otrl_privkey_read(us, SAMPLES "/sample.private_key");
    otrl_privkey_read(other_us, SAMPLES "/sample.private_key");
    otrl_instag_read(us, SAMPLES "/sample.instag");
    otrl_instag_read(other_us, SAMPLES "/sample.instag");
    ctx = otrl_context_find(us, "bob", ACC, PROTO, OTRL_INSTAG_MASTER, 1, NULL, NULL, NULL);
    other_ctx = otrl_context_find(other_us, "bob", ACC, PROTO, OTRL_INSTAG_MASTER, 1, NULL, NULL, NULL);
    fp = otrl_context_find_fingerprint(ctx, hash, 1, NULL);
    key = otrl_privkey_find(us, ACC, PROTO);
    other_key = otrl_privkey_find(other_us, ACC, PROTO);
    other_instag = otrl_instag_find(other_us, ACC, PROTO);
    tlv = otrl_tlv_new(1, 3, (const unsigned char *)"abc");
    otrl_dh_gen_keypair(DH1536_GROUP_ID, &kp);
    otrl_dh_keypair_init(&kp2);
    smst = ctx->smstate;
    snprintf(path, sizeof path, "/tmp/otr-misuse-%d", (int)getpid());
    snprintf(wpath, sizeof wpath, "/tmp/otr-misuse-%d-w", (int)getpid());
    snprintf(me.instag_file, sizeof me.instag_file, "%s", path);
    rfile = fopen(SAMPLES "/sample.fingerprints", "r");
    wfile = fopen(wpath, "w");
    otrl_privkey_generate_start(us, "carol", "IRC", &newkey);
    client_tlv[0] = (OtrlTLV){1, 3, client_value, &client_tlv[1]};
    client_tlv[1] = (OtrlTLV){2, 0, NULL, NULL};
}

/* Results the children report: a value, or that a void function returned. */
#define RETURNS (-0x7000000000000001L)
static void *volatile sink;
/* A pointer result, kept reachable (so valgrind sees no leak): 1 if non-NULL. */
static long ptr(void *p) { sink = p; return p != NULL; }
#define VOID(call) ((call), RETURNS)

/* Every case: a name and the call. */
#define CASES \
    X("otrl_auth_new(context=NULL)", VOID(otrl_auth_new(NULL))) \
    X("otrl_auth_clear(auth=NULL)", VOID(otrl_auth_clear(NULL))) \
    X("otrl_auth_start_v23(auth=NULL)", otrl_auth_start_v23(NULL, 3)) \
    X("otrl_auth_start_v1(auth=NULL)", otrl_auth_start_v1(NULL, NULL, 0, key)) \
    X("otrl_auth_start_v1(privkey=NULL)", otrl_auth_start_v1(&ctx->auth, NULL, 0, NULL)) \
    X("otrl_auth_handle_commit(auth=NULL)", otrl_auth_handle_commit(NULL, "?OTR:AAMC.", 3)) \
    X("otrl_auth_handle_commit(commitmsg=NULL)", otrl_auth_handle_commit(&ctx->auth, NULL, 3)) \
    X("otrl_auth_handle_key(auth=NULL)", otrl_auth_handle_key(NULL, "?OTR:AAMK.", &have, key)) \
    X("otrl_auth_handle_key(keymsg=NULL)", otrl_auth_handle_key(&ctx->auth, NULL, &have, key)) \
    X("otrl_auth_handle_key(havemsgp=NULL)", otrl_auth_handle_key(&ctx->auth, "?OTR:AAMK.", NULL, key)) \
    X("otrl_auth_handle_key(privkey=NULL)", otrl_auth_handle_key(&ctx->auth, "?OTR:AAMK.", &have, NULL)) \
    X("otrl_auth_handle_revealsig(auth=NULL)", otrl_auth_handle_revealsig(NULL, "?OTR:AAMR.", &have, key, succeeded, NULL)) \
    X("otrl_auth_handle_revealsig(revealmsg=NULL)", otrl_auth_handle_revealsig(&ctx->auth, NULL, &have, key, succeeded, NULL)) \
    X("otrl_auth_handle_revealsig(havemsgp=NULL)", otrl_auth_handle_revealsig(&ctx->auth, "?OTR:AAMR.", NULL, key, succeeded, NULL)) \
    X("otrl_auth_handle_revealsig(privkey=NULL)", otrl_auth_handle_revealsig(&ctx->auth, "?OTR:AAMR.", &have, NULL, succeeded, NULL)) \
    X("otrl_auth_handle_revealsig(auth_succeeded=NULL)", otrl_auth_handle_revealsig(&ctx->auth, "?OTR:AAMR.", &have, key, NULL, NULL)) \
    X("otrl_auth_handle_signature(auth=NULL)", otrl_auth_handle_signature(NULL, "?OTR:AAMS.", &have, succeeded, NULL)) \
    X("otrl_auth_handle_signature(sigmsg=NULL)", otrl_auth_handle_signature(&ctx->auth, NULL, &have, succeeded, NULL)) \
    X("otrl_auth_handle_signature(havemsgp=NULL)", otrl_auth_handle_signature(&ctx->auth, "?OTR:AAMS.", NULL, succeeded, NULL)) \
    X("otrl_auth_handle_signature(auth_succeeded=NULL)", otrl_auth_handle_signature(&ctx->auth, "?OTR:AAMS.", &have, NULL, NULL)) \
    X("otrl_auth_handle_v1_key_exchange(auth=NULL)", otrl_auth_handle_v1_key_exchange(NULL, "?OTR:AAEK.", &have, key, NULL, 0, succeeded, NULL)) \
    X("otrl_auth_handle_v1_key_exchange(keyexchmsg=NULL)", otrl_auth_handle_v1_key_exchange(&ctx->auth, NULL, &have, key, NULL, 0, succeeded, NULL)) \
    X("otrl_auth_handle_v1_key_exchange(havemsgp=NULL)", otrl_auth_handle_v1_key_exchange(&ctx->auth, "?OTR:AAEK.", NULL, key, NULL, 0, succeeded, NULL)) \
    X("otrl_auth_handle_v1_key_exchange(privkey=NULL)", otrl_auth_handle_v1_key_exchange(&ctx->auth, "?OTR:AAEK.", &have, NULL, NULL, 0, succeeded, NULL)) \
    X("otrl_auth_copy_on_key(m_auth=NULL)", VOID(otrl_auth_copy_on_key(NULL, &ctx->auth))) \
    X("otrl_auth_copy_on_key(auth=NULL)", VOID(otrl_auth_copy_on_key(&ctx->auth, NULL))) \
    X("otrl_base64_encode(base64data=NULL)", (long)otrl_base64_encode(NULL, hash, 3)) \
    X("otrl_base64_encode(data=NULL)", (long)otrl_base64_encode((char *)buf, NULL, 3)) \
    X("otrl_base64_encode(NULL, NULL, 0)", (long)otrl_base64_encode(NULL, NULL, 0)) \
    X("otrl_base64_decode(data=NULL)", (long)otrl_base64_decode(NULL, "AAAA", 4)) \
    X("otrl_base64_decode(base64data=NULL)", (long)otrl_base64_decode(buf, NULL, 4)) \
    X("otrl_base64_decode(NULL, NULL, 0)", (long)otrl_base64_decode(NULL, NULL, 0)) \
    X("otrl_base64_otr_encode(buf=NULL)", ptr(otrl_base64_otr_encode(NULL, 3))) \
    X("otrl_base64_otr_encode(NULL, 0)", ptr(otrl_base64_otr_encode(NULL, 0))) \
    X("otrl_base64_otr_decode(msg=NULL)", otrl_base64_otr_decode(NULL, &out, &len)) \
    X("otrl_base64_otr_decode(bufp=NULL)", otrl_base64_otr_decode("?OTR:AAAA.", NULL, &len)) \
    X("otrl_base64_otr_decode(lenp=NULL)", otrl_base64_otr_decode("?OTR:AAAA.", &out, NULL)) \
    X("otrl_context_find(us=NULL)", ptr(otrl_context_find(NULL, "bob", ACC, PROTO, 0, 1, &added, NULL, NULL))) \
    X("otrl_context_find(user=NULL)", ptr(otrl_context_find(us, NULL, ACC, PROTO, 0, 1, &added, NULL, NULL))) \
    X("otrl_context_find(accountname=NULL)", ptr(otrl_context_find(us, "bob", NULL, PROTO, 0, 1, &added, NULL, NULL))) \
    X("otrl_context_find(protocol=NULL)", ptr(otrl_context_find(us, "bob", ACC, NULL, 0, 1, &added, NULL, NULL))) \
    X("otrl_context_find(addedp=NULL)", ptr(otrl_context_find(us, "new", ACC, PROTO, 0, 1, NULL, NULL, NULL))) \
    X("otrl_context_find_fingerprint(context=NULL)", ptr(otrl_context_find_fingerprint(NULL, hash, 1, &added))) \
    X("otrl_context_find_fingerprint(fingerprint=NULL)", ptr(otrl_context_find_fingerprint(ctx, NULL, 1, &added))) \
    X("otrl_context_find_fingerprint(fingerprint=NULL, add_if_missing=0)", ptr(otrl_context_find_fingerprint(ctx, NULL, 0, &added))) \
    X("otrl_context_find_fingerprint(addedp=NULL)", ptr(otrl_context_find_fingerprint(ctx, buf, 1, NULL))) \
    X("otrl_context_set_trust(fprint=NULL)", VOID(otrl_context_set_trust(NULL, "verified"))) \
    X("otrl_context_set_trust(trust=NULL)", VOID(otrl_context_set_trust(fp, NULL))) \
    X("otrl_context_is_fingerprint_trusted(fprint=NULL)", otrl_context_is_fingerprint_trusted(NULL)) \
    X("otrl_context_force_finished(context=NULL)", VOID(otrl_context_force_finished(NULL))) \
    X("otrl_context_force_plaintext(context=NULL)", VOID(otrl_context_force_plaintext(NULL))) \
    X("otrl_context_forget_fingerprint(fprint=NULL)", VOID(otrl_context_forget_fingerprint(NULL, 1))) \
    X("otrl_context_forget(context=NULL)", otrl_context_forget(NULL)) \
    X("otrl_context_forget_all(us=NULL)", VOID(otrl_context_forget_all(NULL))) \
    X("otrl_context_find_recent_instance(context=NULL)", ptr(otrl_context_find_recent_instance(NULL, OTRL_INSTAG_RECENT))) \
    X("otrl_context_find_recent_secure_instance(context=NULL)", ptr(otrl_context_find_recent_secure_instance(NULL))) \
    X("otrl_context_update_recent_child(context=NULL)", VOID(otrl_context_update_recent_child(NULL, 1))) \
    X("otrl_context_priv_force_finished(context_priv=NULL)", VOID(otrl_context_priv_force_finished(NULL))) \
    X("otrl_dh_gen_keypair(kp=NULL)", otrl_dh_gen_keypair(DH1536_GROUP_ID, NULL)) \
    X("otrl_dh_keypair_init(kp=NULL)", VOID(otrl_dh_keypair_init(NULL))) \
    X("otrl_dh_keypair_copy(dst=NULL)", VOID(otrl_dh_keypair_copy(NULL, &kp))) \
    X("otrl_dh_keypair_copy(src=NULL)", VOID(otrl_dh_keypair_copy(&kp2, NULL))) \
    X("otrl_dh_keypair_free(kp=NULL)", VOID(otrl_dh_keypair_free(NULL))) \
    X("otrl_dh_session(sess=NULL)", otrl_dh_session(NULL, &kp, kp.pub)) \
    X("otrl_dh_session(kp=NULL)", otrl_dh_session(&sess, NULL, kp.pub)) \
    X("otrl_dh_session(y=NULL)", otrl_dh_session(&sess, &kp, NULL)) \
    X("otrl_dh_compute_v2_auth_keys(our_dh=NULL)", otrl_dh_compute_v2_auth_keys(NULL, kp.pub, sessionid, &len, &c1, &c2, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(their_pub=NULL)", otrl_dh_compute_v2_auth_keys(&kp, NULL, sessionid, &len, &c1, &c2, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(sessionid=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, NULL, &len, &c1, &c2, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(sessionidlenp=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, NULL, &c1, &c2, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(enc_c=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, NULL, &c2, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(enc_cp=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, &c1, NULL, &m1, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(mac_m1=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, &c1, &c2, NULL, &m2, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(mac_m1p=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, &c1, &c2, &m1, NULL, &m3, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(mac_m2=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, &c1, &c2, &m1, &m2, NULL, &m4)) \
    X("otrl_dh_compute_v2_auth_keys(mac_m2p=NULL)", otrl_dh_compute_v2_auth_keys(&kp, kp.pub, sessionid, &len, &c1, &c2, &m1, &m2, &m3, NULL)) \
    X("otrl_dh_compute_v1_session_id(our_dh=NULL)", otrl_dh_compute_v1_session_id(NULL, kp.pub, sessionid, &len, &half)) \
    X("otrl_dh_compute_v1_session_id(their_pub=NULL)", otrl_dh_compute_v1_session_id(&kp, NULL, sessionid, &len, &half)) \
    X("otrl_dh_compute_v1_session_id(sessionid=NULL)", otrl_dh_compute_v1_session_id(&kp, kp.pub, NULL, &len, &half)) \
    X("otrl_dh_compute_v1_session_id(sessionidlenp=NULL)", otrl_dh_compute_v1_session_id(&kp, kp.pub, sessionid, NULL, &half)) \
    X("otrl_dh_compute_v1_session_id(halfp=NULL)", otrl_dh_compute_v1_session_id(&kp, kp.pub, sessionid, &len, NULL)) \
    X("otrl_dh_session_free(sess=NULL)", VOID(otrl_dh_session_free(NULL))) \
    X("otrl_dh_session_blank(sess=NULL)", VOID(otrl_dh_session_blank(NULL))) \
    X("otrl_dh_incctr(ctr=NULL)", VOID(otrl_dh_incctr(NULL))) \
    X("otrl_dh_cmpctr(ctr1=NULL)", otrl_dh_cmpctr(NULL, ctr)) \
    X("otrl_dh_cmpctr(ctr2=NULL)", otrl_dh_cmpctr(ctr, NULL)) \
    X("otrl_instag_forget(instag=NULL)", VOID(otrl_instag_forget(NULL))) \
    X("otrl_instag_forget_all(us=NULL)", VOID(otrl_instag_forget_all(NULL))) \
    X("otrl_instag_find(us=NULL)", ptr(otrl_instag_find(NULL, ACC, PROTO))) \
    X("otrl_instag_find(accountname=NULL)", ptr(otrl_instag_find(us, NULL, PROTO))) \
    X("otrl_instag_find(protocol=NULL)", ptr(otrl_instag_find(us, ACC, NULL))) \
    X("otrl_instag_read(us=NULL)", otrl_instag_read(NULL, SAMPLES "/sample.instag")) \
    X("otrl_instag_read(filename=NULL)", otrl_instag_read(us, NULL)) \
    X("otrl_instag_read_FILEp(us=NULL)", otrl_instag_read_FILEp(NULL, rfile)) \
    X("otrl_instag_read_FILEp(instf=NULL)", otrl_instag_read_FILEp(us, NULL)) \
    X("otrl_instag_generate(us=NULL)", otrl_instag_generate(NULL, path, "x", "y")) \
    X("otrl_instag_generate(filename=NULL)", otrl_instag_generate(us, NULL, "x", "y")) \
    X("otrl_instag_generate(accountname=NULL)", otrl_instag_generate(us, path, NULL, "y")) \
    X("otrl_instag_generate(protocol=NULL)", otrl_instag_generate(us, path, "x", NULL)) \
    X("otrl_instag_generate_FILEp(us=NULL)", otrl_instag_generate_FILEp(NULL, wfile, "x", "y")) \
    X("otrl_instag_generate_FILEp(instf=NULL)", otrl_instag_generate_FILEp(us, NULL, "x", "y")) \
    X("otrl_instag_generate_FILEp(accountname=NULL)", otrl_instag_generate_FILEp(us, wfile, NULL, "y")) \
    X("otrl_instag_generate_FILEp(protocol=NULL)", otrl_instag_generate_FILEp(us, wfile, "x", NULL)) \
    X("otrl_instag_write(us=NULL)", otrl_instag_write(NULL, path)) \
    X("otrl_instag_write(filename=NULL)", otrl_instag_write(us, NULL)) \
    X("otrl_instag_write_FILEp(us=NULL)", otrl_instag_write_FILEp(NULL, wfile)) \
    X("otrl_instag_write_FILEp(instf=NULL)", otrl_instag_write_FILEp(us, NULL)) \
    X("otrl_mem_differ(buf1=NULL)", otrl_mem_differ(NULL, hash, 4)) \
    X("otrl_mem_differ(buf2=NULL)", otrl_mem_differ(hash, NULL, 4)) \
    X("otrl_mem_differ(NULL, NULL, 0)", otrl_mem_differ(NULL, NULL, 0)) \
    X("otrl_message_free(message=NULL)", VOID(otrl_message_free(NULL))) \
    X("otrl_message_sending(us=NULL)", otrl_message_sending(NULL, &ops, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST, "hi", NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(ops=NULL)", otrl_message_sending(us, NULL, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST, "hi", NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(accountname=NULL)", otrl_message_sending(us, &ops, &me, NULL, PROTO, "bob", OTRL_INSTAG_BEST, "hi", NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(protocol=NULL)", otrl_message_sending(us, &ops, &me, ACC, NULL, "bob", OTRL_INSTAG_BEST, "hi", NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(recipient=NULL)", otrl_message_sending(us, &ops, &me, ACC, PROTO, NULL, OTRL_INSTAG_BEST, "hi", NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(original_msg=NULL)", otrl_message_sending(us, &ops, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST, NULL, NULL, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_sending(messagep=NULL)", otrl_message_sending(us, &ops, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST, "hi", NULL, NULL, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_message_receiving(us=NULL)", otrl_message_receiving(NULL, &ops, &me, ACC, PROTO, "bob", "hi", &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(ops=NULL)", otrl_message_receiving(us, NULL, &me, ACC, PROTO, "bob", "hi", &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(accountname=NULL)", otrl_message_receiving(us, &ops, &me, NULL, PROTO, "bob", "hi", &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(protocol=NULL)", otrl_message_receiving(us, &ops, &me, ACC, NULL, "bob", "hi", &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(sender=NULL)", otrl_message_receiving(us, &ops, &me, ACC, PROTO, NULL, "hi", &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(message=NULL)", otrl_message_receiving(us, &ops, &me, ACC, PROTO, "bob", NULL, &str, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_receiving(newmessagep=NULL)", otrl_message_receiving(us, &ops, &me, ACC, PROTO, "bob", "hi", NULL, &tlvs_out, NULL, NULL, NULL)) \
    X("otrl_message_disconnect(us=NULL)", VOID(otrl_message_disconnect(NULL, &ops, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST))) \
    X("otrl_message_disconnect(ops=NULL)", VOID(otrl_message_disconnect(us, NULL, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST))) \
    X("otrl_message_disconnect(accountname=NULL)", VOID(otrl_message_disconnect(us, &ops, &me, NULL, PROTO, "bob", OTRL_INSTAG_BEST))) \
    X("otrl_message_disconnect(protocol=NULL)", VOID(otrl_message_disconnect(us, &ops, &me, ACC, NULL, "bob", OTRL_INSTAG_BEST))) \
    X("otrl_message_disconnect(username=NULL)", VOID(otrl_message_disconnect(us, &ops, &me, ACC, PROTO, NULL, OTRL_INSTAG_BEST))) \
    X("otrl_message_disconnect_all_instances(us=NULL)", VOID(otrl_message_disconnect_all_instances(NULL, &ops, &me, ACC, PROTO, "bob"))) \
    X("otrl_message_disconnect_all_instances(ops=NULL)", VOID(otrl_message_disconnect_all_instances(us, NULL, &me, ACC, PROTO, "bob"))) \
    X("otrl_message_disconnect_all_instances(accountname=NULL)", VOID(otrl_message_disconnect_all_instances(us, &ops, &me, NULL, PROTO, "bob"))) \
    X("otrl_message_disconnect_all_instances(protocol=NULL)", VOID(otrl_message_disconnect_all_instances(us, &ops, &me, ACC, NULL, "bob"))) \
    X("otrl_message_disconnect_all_instances(username=NULL)", VOID(otrl_message_disconnect_all_instances(us, &ops, &me, ACC, PROTO, NULL))) \
    X("otrl_message_initiate_smp(us=NULL)", VOID(otrl_message_initiate_smp(NULL, &ops, &me, ctx, hash, 3))) \
    X("otrl_message_initiate_smp(ops=NULL)", VOID(otrl_message_initiate_smp(us, NULL, &me, ctx, hash, 3))) \
    X("otrl_message_initiate_smp(context=NULL)", VOID(otrl_message_initiate_smp(us, &ops, &me, NULL, hash, 3))) \
    X("otrl_message_initiate_smp(secret=NULL)", VOID(otrl_message_initiate_smp(us, &ops, &me, ctx, NULL, 3))) \
    X("otrl_message_initiate_smp_q(us=NULL)", VOID(otrl_message_initiate_smp_q(NULL, &ops, &me, ctx, "q?", hash, 3))) \
    X("otrl_message_initiate_smp_q(ops=NULL)", VOID(otrl_message_initiate_smp_q(us, NULL, &me, ctx, "q?", hash, 3))) \
    X("otrl_message_initiate_smp_q(context=NULL)", VOID(otrl_message_initiate_smp_q(us, &ops, &me, NULL, "q?", hash, 3))) \
    X("otrl_message_initiate_smp_q(question=NULL)", VOID(otrl_message_initiate_smp_q(us, &ops, &me, ctx, NULL, hash, 3))) \
    X("otrl_message_initiate_smp_q(secret=NULL)", VOID(otrl_message_initiate_smp_q(us, &ops, &me, ctx, "q?", NULL, 3))) \
    X("otrl_message_respond_smp(us=NULL)", VOID(otrl_message_respond_smp(NULL, &ops, &me, ctx, hash, 3))) \
    X("otrl_message_respond_smp(ops=NULL)", VOID(otrl_message_respond_smp(us, NULL, &me, ctx, hash, 3))) \
    X("otrl_message_respond_smp(context=NULL)", VOID(otrl_message_respond_smp(us, &ops, &me, NULL, hash, 3))) \
    X("otrl_message_respond_smp(secret=NULL)", VOID(otrl_message_respond_smp(us, &ops, &me, ctx, NULL, 3))) \
    X("otrl_message_abort_smp(us=NULL)", VOID(otrl_message_abort_smp(NULL, &ops, &me, ctx))) \
    X("otrl_message_abort_smp(ops=NULL)", VOID(otrl_message_abort_smp(us, NULL, &me, ctx))) \
    X("otrl_message_abort_smp(context=NULL)", VOID(otrl_message_abort_smp(us, &ops, &me, NULL))) \
    X("otrl_message_symkey(us=NULL)", otrl_message_symkey(NULL, &ops, &me, ctx, 1, hash, 3, extrakey)) \
    X("otrl_message_symkey(ops=NULL)", otrl_message_symkey(us, NULL, &me, ctx, 1, hash, 3, extrakey)) \
    X("otrl_message_symkey(context=NULL)", otrl_message_symkey(us, &ops, &me, NULL, 1, hash, 3, extrakey)) \
    X("otrl_message_symkey(usedata=NULL)", otrl_message_symkey(us, &ops, &me, ctx, 1, NULL, 3, extrakey)) \
    X("otrl_message_symkey(symkey=NULL)", otrl_message_symkey(us, &ops, &me, ctx, 1, hash, 3, NULL)) \
    X("otrl_message_poll(us=NULL)", VOID(otrl_message_poll(NULL, &ops, &me))) \
    X("otrl_message_poll(ops=NULL)", VOID(otrl_message_poll(us, NULL, &me))) \
    X("otrl_message_poll_get_default_interval(us=NULL)", (long)otrl_message_poll_get_default_interval(NULL)) \
    X("otrl_privkey_hash_to_human(human=NULL)", VOID(otrl_privkey_hash_to_human(NULL, hash))) \
    X("otrl_privkey_hash_to_human(hash=NULL)", VOID(otrl_privkey_hash_to_human((char *)buf, NULL))) \
    X("otrl_privkey_fingerprint(us=NULL)", ptr(otrl_privkey_fingerprint(NULL, (char *)buf, ACC, PROTO))) \
    X("otrl_privkey_fingerprint(fingerprint=NULL)", ptr(otrl_privkey_fingerprint(us, NULL, ACC, PROTO))) \
    X("otrl_privkey_fingerprint(accountname=NULL)", ptr(otrl_privkey_fingerprint(us, (char *)buf, NULL, PROTO))) \
    X("otrl_privkey_fingerprint(protocol=NULL)", ptr(otrl_privkey_fingerprint(us, (char *)buf, ACC, NULL))) \
    X("otrl_privkey_fingerprint_raw(us=NULL)", ptr(otrl_privkey_fingerprint_raw(NULL, buf, ACC, PROTO))) \
    X("otrl_privkey_fingerprint_raw(hash=NULL)", ptr(otrl_privkey_fingerprint_raw(us, NULL, ACC, PROTO))) \
    X("otrl_privkey_fingerprint_raw(accountname=NULL)", ptr(otrl_privkey_fingerprint_raw(us, buf, NULL, PROTO))) \
    X("otrl_privkey_fingerprint_raw(protocol=NULL)", ptr(otrl_privkey_fingerprint_raw(us, buf, ACC, NULL))) \
    X("otrl_privkey_read(us=NULL)", otrl_privkey_read(NULL, SAMPLES "/sample.private_key")) \
    X("otrl_privkey_read(filename=NULL)", otrl_privkey_read(us, NULL)) \
    X("otrl_privkey_read_FILEp(us=NULL)", otrl_privkey_read_FILEp(NULL, rfile)) \
    X("otrl_privkey_read_FILEp(privf=NULL)", otrl_privkey_read_FILEp(us, NULL)) \
    X("otrl_privkey_generate_start(us=NULL)", otrl_privkey_generate_start(NULL, "dave", "IRC", &newkey)) \
    X("otrl_privkey_generate_start(accountname=NULL)", otrl_privkey_generate_start(us, NULL, "IRC", &newkey)) \
    X("otrl_privkey_generate_start(protocol=NULL)", otrl_privkey_generate_start(us, "dave", NULL, &newkey)) \
    X("otrl_privkey_generate_start(newkeyp=NULL)", otrl_privkey_generate_start(us, "dave", "IRC", NULL)) \
    X("otrl_privkey_generate_calculate(newkey=NULL)", otrl_privkey_generate_calculate(NULL)) \
    X("otrl_privkey_generate_finish(us=NULL)", otrl_privkey_generate_finish(NULL, newkey, path)) \
    X("otrl_privkey_generate_finish(newkey=NULL)", otrl_privkey_generate_finish(us, NULL, path)) \
    X("otrl_privkey_generate_finish(filename=NULL)", otrl_privkey_generate_finish(us, newkey, NULL)) \
    X("otrl_privkey_generate_finish_FILEp(us=NULL)", otrl_privkey_generate_finish_FILEp(NULL, newkey, wfile)) \
    X("otrl_privkey_generate_finish_FILEp(newkey=NULL)", otrl_privkey_generate_finish_FILEp(us, NULL, wfile)) \
    X("otrl_privkey_generate_finish_FILEp(privf=NULL)", otrl_privkey_generate_finish_FILEp(us, newkey, NULL)) \
    X("otrl_privkey_generate_cancelled(us=NULL)", VOID(otrl_privkey_generate_cancelled(NULL, newkey))) \
    X("otrl_privkey_generate_cancelled(newkey=NULL)", VOID(otrl_privkey_generate_cancelled(us, NULL))) \
    X("otrl_privkey_generate(us=NULL)", otrl_privkey_generate(NULL, path, "dave", "IRC")) \
    X("otrl_privkey_generate(filename=NULL)", otrl_privkey_generate(us, NULL, "dave", "IRC")) \
    X("otrl_privkey_generate(accountname=NULL)", otrl_privkey_generate(us, path, NULL, "IRC")) \
    X("otrl_privkey_generate(protocol=NULL)", otrl_privkey_generate(us, path, "dave", NULL)) \
    X("otrl_privkey_generate_FILEp(us=NULL)", otrl_privkey_generate_FILEp(NULL, wfile, "dave", "IRC")) \
    X("otrl_privkey_generate_FILEp(privf=NULL)", otrl_privkey_generate_FILEp(us, NULL, "dave", "IRC")) \
    X("otrl_privkey_generate_FILEp(accountname=NULL)", otrl_privkey_generate_FILEp(us, wfile, NULL, "IRC")) \
    X("otrl_privkey_generate_FILEp(protocol=NULL)", otrl_privkey_generate_FILEp(us, wfile, "dave", NULL)) \
    X("otrl_privkey_read_fingerprints(us=NULL)", otrl_privkey_read_fingerprints(NULL, SAMPLES "/sample.fingerprints", NULL, NULL)) \
    X("otrl_privkey_read_fingerprints(filename=NULL)", otrl_privkey_read_fingerprints(us, NULL, NULL, NULL)) \
    X("otrl_privkey_read_fingerprints_FILEp(us=NULL)", otrl_privkey_read_fingerprints_FILEp(NULL, rfile, NULL, NULL)) \
    X("otrl_privkey_read_fingerprints_FILEp(storef=NULL)", otrl_privkey_read_fingerprints_FILEp(us, NULL, NULL, NULL)) \
    X("otrl_privkey_write_fingerprints(us=NULL)", otrl_privkey_write_fingerprints(NULL, path)) \
    X("otrl_privkey_write_fingerprints(filename=NULL)", otrl_privkey_write_fingerprints(us, NULL)) \
    X("otrl_privkey_write_fingerprints_FILEp(us=NULL)", otrl_privkey_write_fingerprints_FILEp(NULL, wfile)) \
    X("otrl_privkey_write_fingerprints_FILEp(storef=NULL)", otrl_privkey_write_fingerprints_FILEp(us, NULL)) \
    X("otrl_privkey_find(us=NULL)", ptr(otrl_privkey_find(NULL, ACC, PROTO))) \
    X("otrl_privkey_find(accountname=NULL)", ptr(otrl_privkey_find(us, NULL, PROTO))) \
    X("otrl_privkey_find(protocol=NULL)", ptr(otrl_privkey_find(us, ACC, NULL))) \
    X("otrl_privkey_forget(privkey=NULL)", VOID(otrl_privkey_forget(NULL))) \
    X("otrl_privkey_forget_all(us=NULL)", VOID(otrl_privkey_forget_all(NULL))) \
    X("otrl_privkey_pending_forget_all(us=NULL)", VOID(otrl_privkey_pending_forget_all(NULL))) \
    X("otrl_privkey_sign(sigp=NULL)", otrl_privkey_sign(NULL, &len, key, hash, 20)) \
    X("otrl_privkey_sign(siglenp=NULL)", otrl_privkey_sign(&out, NULL, key, hash, 20)) \
    X("otrl_privkey_sign(privkey=NULL)", otrl_privkey_sign(&out, &len, NULL, hash, 20)) \
    X("otrl_privkey_sign(data=NULL)", otrl_privkey_sign(&out, &len, key, NULL, 20)) \
    X("otrl_privkey_verify(sigbuf=NULL)", otrl_privkey_verify(NULL, 40, OTRL_PUBKEY_TYPE_DSA, key->privkey, hash, 20)) \
    X("otrl_privkey_verify(pubs=NULL)", otrl_privkey_verify(buf, 40, OTRL_PUBKEY_TYPE_DSA, NULL, hash, 20)) \
    X("otrl_privkey_verify(data=NULL)", otrl_privkey_verify(buf, 40, OTRL_PUBKEY_TYPE_DSA, key->privkey, NULL, 20)) \
    X("otrl_proto_default_query_msg(ourname=NULL)", ptr(otrl_proto_default_query_msg(NULL, OTRL_POLICY_DEFAULT))) \
    X("otrl_proto_query_bestversion(querymsg=NULL)", (long)otrl_proto_query_bestversion(NULL, OTRL_POLICY_DEFAULT)) \
    X("otrl_proto_whitespace_bestversion(msg=NULL)", (long)otrl_proto_whitespace_bestversion(NULL, &s1, &s2, OTRL_POLICY_DEFAULT)) \
    X("otrl_proto_whitespace_bestversion(starttagp=NULL)", (long)otrl_proto_whitespace_bestversion("hi \t  \t\t\t\t \t \t \t    \t\t  \t\t", NULL, &s2, OTRL_POLICY_DEFAULT)) \
    X("otrl_proto_whitespace_bestversion(endtagp=NULL)", (long)otrl_proto_whitespace_bestversion("hi \t  \t\t\t\t \t \t \t    \t\t  \t\t", &s1, NULL, OTRL_POLICY_DEFAULT)) \
    X("otrl_proto_message_type(message=NULL)", (long)otrl_proto_message_type(NULL)) \
    X("otrl_proto_message_version(message=NULL)", (long)otrl_proto_message_version(NULL)) \
    X("otrl_proto_instance(otrmsg=NULL)", otrl_proto_instance(NULL, &u1, &u2)) \
    X("otrl_proto_instance(instance_from=NULL)", otrl_proto_instance("?OTR:AAMDAAABAAAAAQAB.", NULL, &u2)) \
    X("otrl_proto_instance(instance_to=NULL)", otrl_proto_instance("?OTR:AAMDAAABAAAAAQAB.", &u1, NULL)) \
    X("otrl_proto_create_data(encmessagep=NULL)", otrl_proto_create_data(NULL, ctx, "hi", NULL, 0, NULL)) \
    X("otrl_proto_create_data(context=NULL)", otrl_proto_create_data(&str, NULL, "hi", NULL, 0, NULL)) \
    X("otrl_proto_create_data(msg=NULL)", otrl_proto_create_data(&str, ctx, NULL, NULL, 0, NULL)) \
    X("otrl_proto_data_read_flags(datamsg=NULL)", otrl_proto_data_read_flags(NULL, &flags)) \
    X("otrl_proto_data_read_flags(flagsp=NULL)", otrl_proto_data_read_flags("?OTR:AAMDAAAAAAAAAAAA.", NULL)) \
    X("otrl_proto_accept_data(plaintextp=NULL)", otrl_proto_accept_data(NULL, &tlvs_out, ctx, "?OTR:AAMD.", &flags, extrakey)) \
    X("otrl_proto_accept_data(tlvsp=NULL)", otrl_proto_accept_data(&str, NULL, ctx, "?OTR:AAMD.", &flags, extrakey)) \
    X("otrl_proto_accept_data(context=NULL)", otrl_proto_accept_data(&str, &tlvs_out, NULL, "?OTR:AAMD.", &flags, extrakey)) \
    X("otrl_proto_accept_data(datamsg=NULL)", otrl_proto_accept_data(&str, &tlvs_out, ctx, NULL, &flags, extrakey)) \
    X("otrl_proto_fragment_accumulate(unfragmessagep=NULL)", (long)otrl_proto_fragment_accumulate(NULL, ctx, "?OTR,00001,00001,hi,")) \
    X("otrl_proto_fragment_accumulate(context=NULL)", (long)otrl_proto_fragment_accumulate(&str, NULL, "?OTR,00001,00001,hi,")) \
    X("otrl_proto_fragment_accumulate(msg=NULL)", (long)otrl_proto_fragment_accumulate(&str, ctx, NULL)) \
    X("otrl_proto_fragment_create(fragments=NULL)", otrl_proto_fragment_create(40, 2, NULL, ctx, "?OTR:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.")) \
    X("otrl_proto_fragment_create(context=NULL)", otrl_proto_fragment_create(40, 2, &frags, NULL, "?OTR:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.")) \
    X("otrl_proto_fragment_create(message=NULL)", otrl_proto_fragment_create(40, 2, &frags, ctx, NULL)) \
    X("otrl_proto_fragment_free(fragments=NULL)", VOID(otrl_proto_fragment_free(NULL, 2))) \
    X("otrl_sm_state_new(smst=NULL)", VOID(otrl_sm_state_new(NULL))) \
    X("otrl_sm_state_init(smst=NULL)", VOID(otrl_sm_state_init(NULL))) \
    X("otrl_sm_state_free(smst=NULL)", VOID(otrl_sm_state_free(NULL))) \
    X("otrl_sm_step1(astate=NULL)", otrl_sm_step1(NULL, hash, 3, &out, &outlen)) \
    X("otrl_sm_step1(secret=NULL)", otrl_sm_step1(smst, NULL, 3, &out, &outlen)) \
    X("otrl_sm_step1(output=NULL)", otrl_sm_step1(smst, hash, 3, NULL, &outlen)) \
    X("otrl_sm_step1(outputlen=NULL)", otrl_sm_step1(smst, hash, 3, &out, NULL)) \
    X("otrl_sm_step2a(bstate=NULL)", otrl_sm_step2a(NULL, buf, 8, 0)) \
    X("otrl_sm_step2a(input=NULL)", otrl_sm_step2a(smst, NULL, 8, 0)) \
    X("otrl_sm_step2b(bstate=NULL)", otrl_sm_step2b(NULL, hash, 3, &out, &outlen)) \
    X("otrl_sm_step2b(secret=NULL)", otrl_sm_step2b(smst, NULL, 3, &out, &outlen)) \
    X("otrl_sm_step2b(output=NULL)", otrl_sm_step2b(smst, hash, 3, NULL, &outlen)) \
    X("otrl_sm_step2b(outputlen=NULL)", otrl_sm_step2b(smst, hash, 3, &out, NULL)) \
    X("otrl_sm_step3(astate=NULL)", otrl_sm_step3(NULL, buf, 8, &out, &outlen)) \
    X("otrl_sm_step3(input=NULL)", otrl_sm_step3(smst, NULL, 8, &out, &outlen)) \
    X("otrl_sm_step3(output=NULL)", otrl_sm_step3(smst, buf, 8, NULL, &outlen)) \
    X("otrl_sm_step3(outputlen=NULL)", otrl_sm_step3(smst, buf, 8, &out, NULL)) \
    X("otrl_sm_step4(bstate=NULL)", otrl_sm_step4(NULL, buf, 8, &out, &outlen)) \
    X("otrl_sm_step4(input=NULL)", otrl_sm_step4(smst, NULL, 8, &out, &outlen)) \
    X("otrl_sm_step4(output=NULL)", otrl_sm_step4(smst, buf, 8, NULL, &outlen)) \
    X("otrl_sm_step4(outputlen=NULL)", otrl_sm_step4(smst, buf, 8, &out, NULL)) \
    X("otrl_sm_step5(astate=NULL)", otrl_sm_step5(NULL, buf, 8)) \
    X("otrl_sm_step5(input=NULL)", otrl_sm_step5(smst, NULL, 8)) \
    X("otrl_sm_msg1_init(msg1=NULL)", VOID(otrl_sm_msg1_init(NULL))) \
    X("otrl_sm_msg2_init(msg2=NULL)", VOID(otrl_sm_msg2_init(NULL))) \
    X("otrl_sm_msg3_init(msg3=NULL)", VOID(otrl_sm_msg3_init(NULL))) \
    X("otrl_sm_msg4_init(msg4=NULL)", VOID(otrl_sm_msg4_init(NULL))) \
    X("otrl_sm_msg_free(message=NULL)", VOID(otrl_sm_msg_free(NULL, 6))) \
    X("otrl_tlv_new(data=NULL)", ptr(otrl_tlv_new(1, 3, NULL))) \
    X("otrl_tlv_new(data=NULL, len=0)", ptr(otrl_tlv_new(1, 0, NULL))) \
    X("otrl_tlv_parse(serialized=NULL)", ptr(otrl_tlv_parse(NULL, 10))) \
    X("otrl_tlv_parse(NULL, 0)", ptr(otrl_tlv_parse(NULL, 0))) \
    X("otrl_tlv_free(tlv=NULL)", VOID(otrl_tlv_free(NULL))) \
    X("otrl_tlv_seriallen(tlv=NULL)", (long)otrl_tlv_seriallen(NULL)) \
    X("otrl_tlv_serialize(buf=NULL)", VOID(otrl_tlv_serialize(NULL, tlv))) \
    X("otrl_tlv_serialize(tlv=NULL)", VOID(otrl_tlv_serialize(buf, NULL))) \
    X("otrl_tlv_find(tlvs=NULL)", ptr(otrl_tlv_find(NULL, 1))) \
    X("otrl_userstate_free(us=NULL)", VOID(otrl_userstate_free(NULL))) \
    X("otrl_context_forget(a context of another userstate)", otrl_context_forget(other_ctx)) \
    X("otrl_privkey_forget(a key of another userstate)", VOID(otrl_privkey_forget(other_key))) \
    X("otrl_instag_forget(an instance tag of another userstate)", VOID(otrl_instag_forget(other_instag))) \
    X("otrl_context_forget_fingerprint(&context->fingerprint_root)", VOID(otrl_context_forget_fingerprint(&ctx->fingerprint_root, 0))) \
    X("otrl_context_set_trust(&context->fingerprint_root)", VOID(otrl_context_set_trust(&ctx->fingerprint_root, "verified"))) \
    X("otrl_tlv_free(a list the client built with malloc)", VOID(otrl_tlv_free(client_list()))) \
    X("otrl_tlv_seriallen(a list the client built)", (long)otrl_tlv_seriallen(client_tlv)) \
    X("otrl_tlv_serialize(a list the client built, data NULL)", VOID(otrl_tlv_serialize(buf, client_tlv))) \
    X("otrl_tlv_serialize(a TLV with data NULL and len 3)", VOID(otrl_tlv_serialize(buf, data_null_tlv()))) \
    X("otrl_message_sending(a TLV list the client built)", otrl_message_sending(us, &ops, &me, ACC, PROTO, "bob", OTRL_INSTAG_BEST, "hi", client_tlv, &str, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL)) \
    X("otrl_sm_state_free(twice)", VOID((otrl_sm_state_free(smst), otrl_sm_state_free(smst)))) \
    X("otrl_dh_keypair_free(twice)", VOID((otrl_dh_keypair_free(&kp), otrl_dh_keypair_free(&kp)))) \
    X("otrl_dh_session_free(twice)", VOID((otrl_dh_session_free(&sess), otrl_dh_session_free(&sess)))) \
    X("otrl_auth_clear(twice)", VOID((otrl_auth_clear(&ctx->auth), otrl_auth_clear(&ctx->auth)))) \
    X("otrl_privkey_generate_cancelled(twice)", VOID((otrl_privkey_generate_cancelled(us, newkey), otrl_privkey_generate_cancelled(us, newkey)))) \
    X("otrl_context_force_finished(twice)", VOID((otrl_context_force_finished(ctx), otrl_context_force_finished(ctx))))

/* A TLV list as a client could build it without otrl_tlv_new. */
static OtrlTLV *client_list(void)
{
    OtrlTLV *t = malloc(sizeof *t);
    t->type = 1; t->len = 2; t->data = malloc(2); t->next = NULL;
    memcpy(t->data, "hi", 2);
    return t;
}

static OtrlTLV *data_null_tlv(void)
{
    static OtrlTLV t = {1, 3, NULL, NULL};
    return &t;
}

static const char *const names[] = {
#define X(name, call) name,
    CASES
#undef X
};
#define NCASES (sizeof names / sizeof names[0])

static long run_case(size_t i)
{
    size_t n = 0;
#define X(name, call) if (i == n++) return (long)(call);
    CASES
#undef X
    return 0;
}

/* ---- running each case in a child ---------------------------------------------- */

/* What one call did: "returns", "= VALUE", "crash (signal N)", "memory error" (the
 * child's valgrind exit code) or "hang". */
static void outcome_of(size_t i, char *outcome, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0) { snprintf(outcome, size, "pipe failed"); return; }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        alarm(30);
        long value = run_case(i);
        if (write(fds[1], &value, sizeof value) != sizeof value) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    long value = 0;
    ssize_t got = read(fds[0], &value, sizeof value);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        snprintf(outcome, size, WTERMSIG(status) == SIGALRM ? "hang" : "crash (signal %d)",
                 WTERMSIG(status));
    else if (WEXITSTATUS(status) == 99)
        snprintf(outcome, size, "memory error");
    else if (got != sizeof value || WEXITSTATUS(status) != 0)
        snprintf(outcome, size, "exit %d", WEXITSTATUS(status));
    else if (value == RETURNS)
        snprintf(outcome, size, "returns");
    else
        snprintf(outcome, size, "= 0x%lx", (unsigned long)value);
}

/* The reference's outcome for `name` in misuse.expected ("NAME\tOUTCOME"), or NULL. */
static const char *expected_for(const char *text, const char *name, char *out, size_t size)
{
    size_t len = strlen(name);
    for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, name, len) == 0 && line[len] == '\t') {
            const char *end = strchr(line + len + 1, '\n');
            size_t n = end ? (size_t)(end - line - len - 1) : strlen(line + len + 1);
            if (n >= size) n = size - 1;
            memcpy(out, line + len + 1, n);
            out[n] = 0;
            return out;
        }
    }
    return NULL;
}

static char *slurp(const char *file)
{
    FILE *f = fopen(file, "r");
    if (!f) return NULL;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return text;
}

int main(void)
{
    OTRL_INIT;
    fixture();
    int reference = on_reference();
    printf("# running on %s\n", reference ? "Debian's libotr (the reference)" : "otr-rs");
    const char *record = getenv("OTR_MISUSE_RECORD");
    FILE *recording = record ? fopen(record, "w") : NULL;
    const char *text = record ? NULL : slurp(EXPECTED_FILE);
    CHECK(record ? recording != NULL : text != NULL, "%s is there", record ? record : EXPECTED_FILE);
    size_t crashes = 0, same = 0;
    for (size_t i = 0; i < NCASES; i++) {
        char got[64], want[64];
        outcome_of(i, got, sizeof got);
        if (recording) {
            fprintf(recording, "%s\t%s\n", names[i], got);
            continue;
        }
        const char *expected = text ? expected_for(text, names[i], want, sizeof want) : NULL;
        int reference_crashes = expected && strncmp(expected, "crash", 5) == 0;
        if (reference || !reference_crashes) {
            CHECK(expected && strcmp(got, expected) == 0, "%s: %s", names[i], got);
            if (!expected || strcmp(got, expected) != 0)
                printf("#   libotr: %s\n", expected ? expected : "(not recorded)");
            same += expected && strcmp(got, expected) == 0;
        } else {
            crashes++;
            int survived = strncmp(got, "crash", 5) != 0 && strcmp(got, "memory error") != 0 &&
                           strcmp(got, "hang") != 0;
            CHECK(survived, "%s: libotr %s; ours %s", names[i], expected, got);
            printf("# libotr crashes: %s | %s\n", names[i], got);
        }
    }
    if (recording) fclose(recording);
    else printf("# %zu cases: %zu as libotr, %zu where libotr crashes\n", NCASES, same, crashes);
    unlink(path);
    unlink(wpath);
    HARNESS_EXIT();
}
