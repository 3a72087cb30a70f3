/* A libotr 4.1.1 peer for tests/session_reference.rs, driven over
 * stdin/stdout one line at a time:
 *   "R <message>"  -> otrl_message_receiving from "rust"
 *   "S <text>"     -> otrl_message_sending to "rust"
 * Output: "SEND <msg>" for each message to transmit, "SHOW <text>" for
 * text shown to the user, "EVENT <n>", "SECURE", then "DONE". Newlines in
 * outgoing text become spaces. Usage: session_peer <private key file>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/userstate.h>
#include <libotr/message.h>
#include <libotr/privkey.h>
#include <libotr/instag.h>

#define ACCOUNT "alice"
#define PROTOCOL "IRC"
#define PEER "rust"

static void put(const char *tag, const char *msg) {
    printf("%s ", tag);
    for (const char *p = msg; *p; p++) putchar(*p == '\n' ? ' ' : *p);
    putchar('\n');
}

static OtrlPolicy policy_cb(void *o, ConnContext *c) { return OTRL_POLICY_DEFAULT; }
static int logged_in_cb(void *o, const char *a, const char *p, const char *r) { return 1; }
static void inject_cb(void *o, const char *a, const char *p, const char *r, const char *m) { put("SEND", m); }
static void gone_secure_cb(void *o, ConnContext *c) { printf("SECURE\n"); }
static void event_cb(void *o, OtrlMessageEvent e, ConnContext *c, const char *m, gcry_error_t err) {
    printf("EVENT %d\n", (int)e);
}
static void instag_cb(void *o, const char *a, const char *p) {}

int main(int argc, char **argv) {
    OTRL_INIT;
    OtrlUserState us = otrl_userstate_create();
    if (argc < 2 || otrl_privkey_read(us, argv[1])) { fprintf(stderr, "no key\n"); return 1; }
    otrl_instag_generate(us, "/dev/null", ACCOUNT, PROTOCOL);
    OtrlMessageAppOps ops;
    memset(&ops, 0, sizeof ops);
    ops.policy = policy_cb;
    ops.is_logged_in = logged_in_cb;
    ops.inject_message = inject_cb;
    ops.gone_secure = gone_secure_cb;
    ops.handle_msg_event = event_cb;
    ops.create_instag = instag_cb;
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == 'R') {
            char *newmsg = NULL;
            OtrlTLV *tlvs = NULL;
            int ignore = otrl_message_receiving(us, &ops, NULL, ACCOUNT, PROTOCOL, PEER,
                    line + 2, &newmsg, &tlvs, NULL, NULL, NULL);
            if (!ignore) put("SHOW", newmsg ? newmsg : line + 2);
            if (tlvs && otrl_tlv_find(tlvs, OTRL_TLV_DISCONNECTED)) printf("DISCONNECTED\n");
            otrl_message_free(newmsg);
            otrl_tlv_free(tlvs);
        } else if (line[0] == 'S') {
            char *out = NULL;
            otrl_message_sending(us, &ops, NULL, ACCOUNT, PROTOCOL, PEER,
                    OTRL_INSTAG_BEST, line + 2, NULL, &out,
                    OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
            put("SEND", out ? out : line + 2);
            otrl_message_free(out);
        }
        printf("DONE\n");
        fflush(stdout);
    }
    return 0;
}
