/* dlopen("libotr.so.5") finds every one of libotr 4.1.1's 124 exports, and the
 * library loaded is the one this run is about (OTR_EXPECT_LIB, the real path of its
 * directory). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include "harness.h"

static const char *const symbols[] = {
    "otrl_api_version",
    "otrl_auth_clear",
    "otrl_auth_copy_on_key",
    "otrl_auth_handle_commit",
    "otrl_auth_handle_key",
    "otrl_auth_handle_revealsig",
    "otrl_auth_handle_signature",
    "otrl_auth_handle_v1_key_exchange",
    "otrl_auth_new",
    "otrl_auth_start_v1",
    "otrl_auth_start_v23",
    "otrl_base64_decode",
    "otrl_base64_encode",
    "otrl_base64_otr_decode",
    "otrl_base64_otr_encode",
    "otrl_context_find",
    "otrl_context_find_fingerprint",
    "otrl_context_find_recent_instance",
    "otrl_context_find_recent_secure_instance",
    "otrl_context_force_finished",
    "otrl_context_force_plaintext",
    "otrl_context_forget",
    "otrl_context_forget_all",
    "otrl_context_forget_fingerprint",
    "otrl_context_is_fingerprint_trusted",
    "otrl_context_priv_force_finished",
    "otrl_context_priv_new",
    "otrl_context_set_trust",
    "otrl_context_update_recent_child",
    "otrl_dh_cmpctr",
    "otrl_dh_compute_v1_session_id",
    "otrl_dh_compute_v2_auth_keys",
    "otrl_dh_gen_keypair",
    "otrl_dh_incctr",
    "otrl_dh_init",
    "otrl_dh_keypair_copy",
    "otrl_dh_keypair_free",
    "otrl_dh_keypair_init",
    "otrl_dh_session",
    "otrl_dh_session_blank",
    "otrl_dh_session_free",
    "otrl_init",
    "otrl_instag_find",
    "otrl_instag_forget",
    "otrl_instag_forget_all",
    "otrl_instag_generate",
    "otrl_instag_generate_FILEp",
    "otrl_instag_get_new",
    "otrl_instag_read",
    "otrl_instag_read_FILEp",
    "otrl_instag_write",
    "otrl_instag_write_FILEp",
    "otrl_mem_differ",
    "otrl_mem_init",
    "otrl_message_abort_smp",
    "otrl_message_disconnect",
    "otrl_message_disconnect_all_instances",
    "otrl_message_free",
    "otrl_message_initiate_smp",
    "otrl_message_initiate_smp_q",
    "otrl_message_poll",
    "otrl_message_poll_get_default_interval",
    "otrl_message_receiving",
    "otrl_message_respond_smp",
    "otrl_message_sending",
    "otrl_message_symkey",
    "otrl_privkey_find",
    "otrl_privkey_fingerprint",
    "otrl_privkey_fingerprint_raw",
    "otrl_privkey_forget",
    "otrl_privkey_forget_all",
    "otrl_privkey_generate",
    "otrl_privkey_generate_FILEp",
    "otrl_privkey_generate_calculate",
    "otrl_privkey_generate_cancelled",
    "otrl_privkey_generate_finish",
    "otrl_privkey_generate_finish_FILEp",
    "otrl_privkey_generate_start",
    "otrl_privkey_hash_to_human",
    "otrl_privkey_pending_forget_all",
    "otrl_privkey_read",
    "otrl_privkey_read_FILEp",
    "otrl_privkey_read_fingerprints",
    "otrl_privkey_read_fingerprints_FILEp",
    "otrl_privkey_sign",
    "otrl_privkey_verify",
    "otrl_privkey_write_fingerprints",
    "otrl_privkey_write_fingerprints_FILEp",
    "otrl_proto_accept_data",
    "otrl_proto_create_data",
    "otrl_proto_data_read_flags",
    "otrl_proto_default_query_msg",
    "otrl_proto_fragment_accumulate",
    "otrl_proto_fragment_create",
    "otrl_proto_fragment_free",
    "otrl_proto_instance",
    "otrl_proto_message_type",
    "otrl_proto_message_version",
    "otrl_proto_query_bestversion",
    "otrl_proto_whitespace_bestversion",
    "otrl_sm_init",
    "otrl_sm_msg1_init",
    "otrl_sm_msg2_init",
    "otrl_sm_msg3_init",
    "otrl_sm_msg4_init",
    "otrl_sm_msg_free",
    "otrl_sm_state_free",
    "otrl_sm_state_init",
    "otrl_sm_state_new",
    "otrl_sm_step1",
    "otrl_sm_step2a",
    "otrl_sm_step2b",
    "otrl_sm_step3",
    "otrl_sm_step4",
    "otrl_sm_step5",
    "otrl_tlv_find",
    "otrl_tlv_free",
    "otrl_tlv_new",
    "otrl_tlv_parse",
    "otrl_tlv_serialize",
    "otrl_tlv_seriallen",
    "otrl_userstate_create",
    "otrl_userstate_free",
    "otrl_version",
};

int main(void) {
    void *lib = dlopen("libotr.so.5", RTLD_NOW | RTLD_LOCAL);
    CHECK(lib != NULL, "dlopen(\"libotr.so.5\")%s%s", lib ? "" : ": ", lib ? "" : dlerror());
    if (!lib) HARNESS_EXIT();
    size_t n = sizeof symbols / sizeof symbols[0], found = 0;
    for (size_t i = 0; i < n; i++) {
        if (dlsym(lib, symbols[i])) found++;
        else printf("# missing: %s\n", symbols[i]);
    }
    CHECK(n == 124 && found == n, "dlsym finds all %zu of 124 symbols", found);

    Dl_info info;
    const char *expect = getenv("OTR_EXPECT_LIB");
    int located = dladdr(dlsym(lib, "otrl_init"), &info) && info.dli_fname;
    char *path = located ? realpath(info.dli_fname, NULL) : NULL;
    printf("# loaded %s\n", path ? path : "(unknown)");
    if (expect && *expect)
        CHECK(path && strstr(path, expect) == path, "the library loaded is under %s", expect);
    free(path);
    dlclose(lib);
    HARNESS_EXIT();
}
