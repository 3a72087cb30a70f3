/* Contexts as clients use them: masters and per-instance children, the sorted list
 * (each master directly followed by its children), instance selectors, fingerprints,
 * trust, app_data and forgetting. Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/context.h>
#include <libotr/userstate.h>
#include "harness.h"

static int freed;
static void app_free(void *data) { freed++; free(data); }
static void add_app_data(void *data, ConnContext *context) {
    context->app_data = malloc(1);
    context->app_data_free = app_free;
    (*(int *)data)++;
}

static ConnContext *find(OtrlUserState us, const char *user, otrl_instag_t tag, int add, int *added) {
    static int adds;
    return otrl_context_find(us, user, "alice@example.org", "prpl-jabber", tag, add, added, add_app_data, &adds);
}

static void test_new_master(OtrlUserState us) {
    int added = -1;
    CHECK(find(us, "bob", OTRL_INSTAG_MASTER, 0, &added) == NULL && added == 0, "find without add: NULL");
    ConnContext *m = find(us, "bob", OTRL_INSTAG_MASTER, 1, &added);
    CHECK(m && added == 1, "master added");
    CHECK(m->m_context == m && m->recent_child == m && m->recent_rcvd_child == m && m->recent_sent_child == m,
          "a master is its own master and most recent child");
    CHECK(m->their_instance == OTRL_INSTAG_MASTER && m->our_instance == 0, "instance tags of a new master");
    CHECK(m->msgstate == OTRL_MSGSTATE_PLAINTEXT && m->auth.authstate == OTRL_AUTHSTATE_NONE
          && m->protocol_version == 0 && m->otr_offer == OFFER_NOT && m->active_fingerprint == NULL
          && m->sessionid_len == 0, "a new context is plaintext with no session");
    CHECK(m->smstate && m->smstate->secret == NULL && m->smstate->nextExpected == OTRL_SMP_EXPECT1
          && m->smstate->sm_prog_state == OTRL_SMP_PROG_OK, "smstate is never NULL and starts fresh");
    CHECK(m->fingerprint_root.context == m && m->fingerprint_root.fingerprint == NULL
          && m->fingerprint_root.next == NULL, "fingerprint_root is an empty sentinel");
    CHECK(m->app_data != NULL && m->app_data_free == app_free, "add_app_data called");
    CHECK_STR(m->username, "bob", "username copied");
    CHECK(find(us, "bob", OTRL_INSTAG_MASTER, 1, &added) == m && added == 0, "found again, not re-added");
    CHECK(us->context_root == m && m->tous == &us->context_root, "first context is the list head");
}

static void test_children(OtrlUserState us) {
    int added = 0;
    ConnContext *m = find(us, "bob", OTRL_INSTAG_MASTER, 0, NULL);
    ConnContext *c2 = find(us, "bob", 0x1234, 1, &added);
    CHECK(c2 && added && c2 != m && c2->m_context == m && c2->their_instance == 0x1234, "child added");
    CHECK(c2->recent_child == NULL && m->recent_child == m, "a child has no recent pointers");
    ConnContext *c1 = find(us, "bob", 0x200, 1, &added);
    CHECK(c1 && c1->m_context == m, "second child added");
    ConnContext *a = find(us, "alice", OTRL_INSTAG_MASTER, 1, NULL);
    ConnContext *z = find(us, "zed", 0x300, 1, NULL);
    /* libotr's quirk, kept: a child added before any master of its buddy finds
     * itself when it looks for its master, so it becomes its own master. */
    CHECK(z && z->m_context == z && z->their_instance == 0x300, "a child added first is its own master");
    ConnContext *want[] = { a, m, c1, c2, z };
    ConnContext *c = us->context_root;
    int ok = 1;
    for (size_t i = 0; i < 5 && c; i++, c = c->next) ok = ok && c == want[i];
    CHECK(ok && c == NULL, "list sorted by user, each master followed by its children by tag");
    CHECK(find(us, "bob", 0x1234, 0, NULL) == c2, "find a child by tag");
    CHECK(find(us, "bob", 0x999, 0, NULL) == NULL, "unknown child tag: NULL");

    otrl_context_update_recent_child(c1, 1);
    CHECK(m->recent_sent_child == c1 && m->recent_child == c1 && m->recent_rcvd_child == m,
          "update_recent_child after sending");
    otrl_context_update_recent_child(c2, 0);
    CHECK(find(us, "bob", OTRL_INSTAG_RECENT_RECEIVED, 0, NULL) == c2
          && find(us, "bob", OTRL_INSTAG_RECENT_SENT, 0, NULL) == c1
          && find(us, "bob", OTRL_INSTAG_RECENT, 0, NULL) == c2, "recent selectors");
    CHECK(otrl_context_find_recent_instance(c1, OTRL_INSTAG_RECENT) == c2, "find_recent_instance from a child");
    CHECK(find(us, "bob", OTRL_INSTAG_BEST, 0, NULL) == c2, "BEST with all plaintext: the last, most recent");
    c1->msgstate = OTRL_MSGSTATE_FINISHED;
    CHECK(find(us, "bob", OTRL_INSTAG_BEST, 0, NULL) == c1, "BEST prefers finished to plaintext");
    c1->msgstate = OTRL_MSGSTATE_PLAINTEXT;
}

static void test_fingerprints(OtrlUserState us) {
    unsigned char fp1[20], fp2[20];
    memset(fp1, 0x11, 20);
    memset(fp2, 0x22, 20);
    ConnContext *m = find(us, "bob", OTRL_INSTAG_MASTER, 0, NULL);
    ConnContext *c = find(us, "bob", 0x1234, 0, NULL);
    int added = 0;
    CHECK(otrl_context_find_fingerprint(c, fp1, 0, &added) == NULL && !added, "unknown fingerprint: NULL");
    Fingerprint *f1 = otrl_context_find_fingerprint(c, fp1, 1, &added);
    CHECK(f1 && added && f1->context == m && memcmp(f1->fingerprint, fp1, 20) == 0 && f1->trust == NULL,
          "fingerprint added to the master");
    Fingerprint *f2 = otrl_context_find_fingerprint(m, fp2, 1, NULL);
    CHECK(m->fingerprint_root.next == f2 && f2->next == f1 && c->fingerprint_root.next == NULL,
          "new fingerprints go first, in the master only");
    CHECK(otrl_context_find_fingerprint(m, fp1, 1, &added) == f1 && !added, "found, not re-added");
    otrl_context_set_trust(f1, "smp");
    CHECK(otrl_context_is_fingerprint_trusted(f1) && !otrl_context_is_fingerprint_trusted(f2), "trust");
    otrl_context_forget_fingerprint(f2, 0);
    CHECK(m->fingerprint_root.next == f1 && f1->tous == &m->fingerprint_root.next, "forget_fingerprint unlinks");
}

static void test_forget(OtrlUserState us) {
    ConnContext *m = find(us, "bob", OTRL_INSTAG_MASTER, 0, NULL);
    ConnContext *c = find(us, "bob", 0x1234, 0, NULL);
    otrl_context_force_finished(c);
    CHECK(c->msgstate == OTRL_MSGSTATE_FINISHED && c->smstate->secret == NULL, "force_finished");
    CHECK(otrl_context_forget(m) == 1 && find(us, "bob", OTRL_INSTAG_MASTER, 0, NULL) == m,
          "a master with a finished child is kept");
    otrl_context_force_plaintext(c);
    CHECK(c->msgstate == OTRL_MSGSTATE_PLAINTEXT, "force_plaintext");
    freed = 0;
    CHECK(otrl_context_forget(m) == 0 && find(us, "bob", OTRL_INSTAG_MASTER, 0, NULL) == NULL
          && find(us, "bob", 0x200, 0, NULL) == NULL, "forget removes the master and its children");
    CHECK(freed == 3, "app_data_free called for each forgotten context (%d)", freed);
    ConnContext *a = find(us, "alice", OTRL_INSTAG_MASTER, 0, NULL);
    CHECK(us->context_root == a && a->tous == &us->context_root && a->next && a->next->tous == &a->next,
          "list links repaired");
    otrl_context_forget_fingerprint(&a->fingerprint_root, 1);
    CHECK(us->context_root != a, "forgetting fingerprint_root forgets a plaintext context");
    freed = 0;
    otrl_context_forget_all(us);
    CHECK(us->context_root == NULL && freed == 1, "forget_all (%d app_data freed)", freed);
}

int main(void) {
    OTRL_INIT;
    OtrlUserState us = otrl_userstate_create();
    test_new_master(us);
    test_children(us);
    test_fingerprints(us);
    test_forget(us);
    find(us, "left", 0x500, 1, NULL);
    otrl_userstate_free(us); /* with contexts still in it */
    CHECK(1, "userstate_free with contexts");
    HARNESS_EXIT();
}
