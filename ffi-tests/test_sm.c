/* The SMP internals libotr exports (sm.h, and the five otrl_sm_msg* functions no header
 * declares): whole exchanges between an Alice and a Bob OtrlSMState in one process,
 * through otrl_sm_step1 .. otrl_sm_step5, with equal and different secrets, damaged and
 * truncated messages, steps called in the wrong state, and the message arrays.
 * Passes against Debian's libotr 4.1.1. */
#include <stdlib.h>
#include <libotr/proto.h>
#include <libotr/sm.h>
#include "harness.h"

/* Exported by libotr's sm.c, declared in no header. */
void otrl_sm_msg1_init(gcry_mpi_t **msg1);
void otrl_sm_msg2_init(gcry_mpi_t **msg2);
void otrl_sm_msg3_init(gcry_mpi_t **msg3);
void otrl_sm_msg4_init(gcry_mpi_t **msg4);
void otrl_sm_msg_free(gcry_mpi_t **message, int msglen);

/* gcry_error(GPG_ERR_INV_VALUE) as libotr builds it. */
#define INV_VALUE 0x20000037u

static const unsigned char SECRET_A[32] = "the same secret, 32 bytes long!";
static const unsigned char SECRET_B[32] = "a different one, 32 bytes long!";

/* An SMP message: a buffer from a step and its length. */
struct msg {
    unsigned char *buf;
    int len;
};

static void msg_free(struct msg *m) {
    free(m->buf);
    m->buf = NULL;
    m->len = 0;
}

/* The 4-byte big-endian count of numbers at the front of a message. */
static unsigned int mpi_count(const struct msg *m) {
    if (!m->buf || m->len < 4) return 0;
    return ((unsigned int)m->buf[0] << 24) | (m->buf[1] << 16) | (m->buf[2] << 8) | m->buf[3];
}

static int all_numbers_null(const OtrlSMState *s) {
    return !s->secret && !s->x2 && !s->x3 && !s->g1 && !s->g2 && !s->g3 && !s->g3o
        && !s->p && !s->q && !s->pab && !s->qab;
}

static int initial_form(const OtrlSMState *s) {
    return all_numbers_null(s) && s->nextExpected == OTRL_SMP_EXPECT1
        && s->received_question == 0 && s->sm_prog_state == OTRL_SMP_PROG_OK;
}

/* The four messages of one exchange. */
struct exchange {
    struct msg m1, m2, m3, m4;
    gcry_error_t e4, e5;
};

static void exchange_free(struct exchange *x) {
    msg_free(&x->m1);
    msg_free(&x->m2);
    msg_free(&x->m3);
    msg_free(&x->m4);
}

/* Runs a whole exchange between fresh states; Alice's secret a, Bob's b. */
static void run_exchange(OtrlSMState *alice, OtrlSMState *bob, const unsigned char *a,
                         const unsigned char *b, struct exchange *x) {
    memset(x, 0, sizeof *x);
    otrl_sm_state_new(alice);
    otrl_sm_state_new(bob);
    otrl_sm_step1(alice, a, 32, &x->m1.buf, &x->m1.len);
    otrl_sm_step2a(bob, x->m1.buf, x->m1.len, 0);
    otrl_sm_step2b(bob, b, 32, &x->m2.buf, &x->m2.len);
    otrl_sm_step3(alice, x->m2.buf, x->m2.len, &x->m3.buf, &x->m3.len);
    x->e4 = otrl_sm_step4(bob, x->m3.buf, x->m3.len, &x->m4.buf, &x->m4.len);
    x->e5 = otrl_sm_step5(alice, x->m4.buf, x->m4.len);
}

static void test_state_new_init_free(void) {
    OtrlSMState s;
    memset(&s, 0x5a, sizeof s);
    otrl_sm_state_new(&s);
    CHECK(initial_form(&s), "otrl_sm_state_new: numbers NULL, EXPECT1, no question, OK");

    s.nextExpected = OTRL_SMP_EXPECT3;
    s.received_question = 1;
    s.sm_prog_state = OTRL_SMP_PROG_FAILED;
    otrl_sm_state_init(&s);
    CHECK(s.secret && s.g1 && s.g2 && s.g3 && s.g3o && s.p && s.q && s.pab && s.qab,
          "otrl_sm_state_init sets secret, g1 .. qab");
    CHECK(!s.x2 && !s.x3, "otrl_sm_state_init leaves x2 and x3 NULL");
    CHECK(s.nextExpected == OTRL_SMP_EXPECT1 && s.received_question == 0
          && s.sm_prog_state == OTRL_SMP_PROG_OK,
          "otrl_sm_state_init: EXPECT1, no question, OK");
    otrl_sm_state_free(&s);
    CHECK(initial_form(&s), "otrl_sm_state_free leaves the initial form");
    otrl_sm_state_free(&s);
    CHECK(initial_form(&s), "otrl_sm_state_free twice is harmless");
}

static void test_equal_secrets(void) {
    OtrlSMState alice, bob;
    struct msg m1 = {0}, m2 = {0}, m3 = {0}, m4 = {0};
    otrl_sm_state_new(&alice);
    otrl_sm_state_new(&bob);
    alice.received_question = 1;

    gcry_error_t e = otrl_sm_step1(&alice, SECRET_A, 32, &m1.buf, &m1.len);
    CHECK(e == 0 && m1.buf && m1.len > 4 && mpi_count(&m1) == 6,
          "step1 returns SMP message 1 with 6 numbers");
    CHECK(alice.secret && alice.g1 && alice.x2 && alice.x3, "step1 initialises Alice");
    CHECK(alice.received_question == 0 && alice.sm_prog_state == OTRL_SMP_PROG_OK,
          "step1 clears received_question, progress OK");
    CHECK(alice.nextExpected == OTRL_SMP_EXPECT1, "the steps leave nextExpected alone");

    e = otrl_sm_step2a(&bob, m1.buf, m1.len, 0);
    CHECK(e == 0 && bob.sm_prog_state == OTRL_SMP_PROG_OK, "step2a accepts message 1");
    CHECK(bob.secret && bob.g1 && bob.x2 && bob.x3, "step2a initialises Bob");

    e = otrl_sm_step2b(&bob, SECRET_A, 32, &m2.buf, &m2.len);
    CHECK(e == 0 && m2.buf && mpi_count(&m2) == 11, "step2b returns message 2 (11 numbers)");

    e = otrl_sm_step3(&alice, m2.buf, m2.len, &m3.buf, &m3.len);
    CHECK(e == 0 && m3.buf && mpi_count(&m3) == 8 && alice.sm_prog_state == OTRL_SMP_PROG_OK,
          "step3 accepts message 2, returns message 3 (8 numbers)");

    e = otrl_sm_step4(&bob, m3.buf, m3.len, &m4.buf, &m4.len);
    CHECK(e == 0 && m4.buf && mpi_count(&m4) == 3, "step4 accepts message 3, returns message 4");
    CHECK(bob.sm_prog_state == OTRL_SMP_PROG_SUCCEEDED, "Bob: SUCCEEDED");

    e = otrl_sm_step5(&alice, m4.buf, m4.len);
    CHECK(e == 0 && alice.sm_prog_state == OTRL_SMP_PROG_SUCCEEDED, "step5: Alice SUCCEEDED");
    CHECK(alice.secret != NULL && bob.secret != NULL, "secret stays non-NULL after the end");

    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);
    CHECK(initial_form(&alice) && initial_form(&bob), "states freed after the exchange");
    msg_free(&m1);
    msg_free(&m2);
    msg_free(&m3);
    msg_free(&m4);
}

static void test_different_secrets(void) {
    OtrlSMState alice, bob;
    struct exchange x;
    run_exchange(&alice, &bob, SECRET_A, SECRET_B, &x);
    CHECK(x.e4 == INV_VALUE && bob.sm_prog_state == OTRL_SMP_PROG_FAILED,
          "different secrets: step4 fails with INV_VALUE, Bob FAILED");
    CHECK(x.m4.buf && mpi_count(&x.m4) == 3, "step4 still returns message 4");
    CHECK(x.e5 == INV_VALUE && alice.sm_prog_state == OTRL_SMP_PROG_FAILED,
          "step5 fails with INV_VALUE, Alice FAILED");
    exchange_free(&x);
    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);

    /* Empty secrets on both sides are equal too. */
    OtrlSMState a2, b2;
    struct msg m1 = {0}, m2 = {0}, m3 = {0}, m4 = {0};
    otrl_sm_state_new(&a2);
    otrl_sm_state_new(&b2);
    otrl_sm_step1(&a2, SECRET_A, 0, &m1.buf, &m1.len);
    otrl_sm_step2a(&b2, m1.buf, m1.len, 0);
    otrl_sm_step2b(&b2, SECRET_B, 0, &m2.buf, &m2.len);
    otrl_sm_step3(&a2, m2.buf, m2.len, &m3.buf, &m3.len);
    gcry_error_t e4 = otrl_sm_step4(&b2, m3.buf, m3.len, &m4.buf, &m4.len);
    gcry_error_t e5 = otrl_sm_step5(&a2, m4.buf, m4.len);
    CHECK(e4 == 0 && e5 == 0 && a2.sm_prog_state == OTRL_SMP_PROG_SUCCEEDED,
          "empty secrets compare equal");
    msg_free(&m1);
    msg_free(&m2);
    msg_free(&m3);
    msg_free(&m4);
    otrl_sm_state_free(&a2);
    otrl_sm_state_free(&b2);
}

static void test_received_question(void) {
    OtrlSMState alice, bob;
    struct msg m1 = {0};
    otrl_sm_state_new(&alice);
    otrl_sm_state_new(&bob);
    otrl_sm_step1(&alice, SECRET_A, 32, &m1.buf, &m1.len);
    CHECK(otrl_sm_step2a(&bob, m1.buf, m1.len, 1) == 0 && bob.received_question == 1,
          "step2a records received_question");
    CHECK(otrl_sm_step2a(&bob, m1.buf, m1.len, 7) == 0 && bob.received_question == 7,
          "step2a stores received_question as given");
    CHECK(otrl_sm_step2a(&bob, m1.buf, 3, 1) == INV_VALUE && bob.received_question == 1,
          "step2a records received_question even for a bad message");
    msg_free(&m1);
    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);
}

/* A copy of m with one byte flipped in its last number. */
static struct msg flipped(const struct msg *m) {
    struct msg c = { malloc(m->len), m->len };
    memcpy(c.buf, m->buf, m->len);
    c.buf[m->len - 5] ^= 0x40;
    return c;
}

static void test_damaged_messages(void) {
    OtrlSMState alice, bob;
    struct msg m1 = {0}, m2 = {0}, m3 = {0}, m4 = {0}, out = { (unsigned char *)1, 99 };
    otrl_sm_state_new(&alice);
    otrl_sm_state_new(&bob);
    otrl_sm_step1(&alice, SECRET_A, 32, &m1.buf, &m1.len);

    struct msg bad = flipped(&m1);
    CHECK(otrl_sm_step2a(&bob, bad.buf, bad.len, 0) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED, "damaged message 1: INV_VALUE, CHEATED");
    msg_free(&bad);
    CHECK(otrl_sm_step2a(&bob, m1.buf, m1.len - 1, 0) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED, "truncated message 1: INV_VALUE, CHEATED");
    CHECK(otrl_sm_step2a(&bob, m1.buf, 0, 0) == INV_VALUE, "empty message 1: INV_VALUE");
    CHECK(otrl_sm_step2a(&bob, m1.buf, m1.len, 0) == 0 && bob.sm_prog_state == OTRL_SMP_PROG_OK,
          "the intact message 1 is accepted afterwards, progress OK");
    otrl_sm_step2b(&bob, SECRET_A, 32, &m2.buf, &m2.len);

    CHECK(otrl_sm_step3(&alice, m1.buf, m1.len, &out.buf, &out.len) == INV_VALUE
          && alice.sm_prog_state == OTRL_SMP_PROG_CHEATED && !out.buf && out.len == 0,
          "message 1 given to step3 (wrong count): INV_VALUE, CHEATED, no output");
    bad = flipped(&m2);
    out.buf = (unsigned char *)1;
    CHECK(otrl_sm_step3(&alice, bad.buf, bad.len, &out.buf, &out.len) == INV_VALUE
          && alice.sm_prog_state == OTRL_SMP_PROG_CHEATED && !out.buf && out.len == 0,
          "damaged message 2: INV_VALUE, CHEATED, no output");
    msg_free(&bad);
    CHECK(otrl_sm_step3(&alice, m2.buf, m2.len, &m3.buf, &m3.len) == 0
          && alice.sm_prog_state == OTRL_SMP_PROG_OK, "the intact message 2 is accepted");

    bad = flipped(&m3);
    out.buf = (unsigned char *)1;
    CHECK(otrl_sm_step4(&bob, bad.buf, bad.len, &out.buf, &out.len) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED && !out.buf && out.len == 0,
          "damaged message 3: INV_VALUE, CHEATED, no output");
    msg_free(&bad);
    CHECK(otrl_sm_step4(&bob, m3.buf, m3.len - 2, &out.buf, &out.len) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED, "truncated message 3: INV_VALUE, CHEATED");
    CHECK(otrl_sm_step4(&bob, m3.buf, m3.len, &m4.buf, &m4.len) == 0
          && bob.sm_prog_state == OTRL_SMP_PROG_SUCCEEDED, "the intact message 3: SUCCEEDED");

    bad = flipped(&m4);
    CHECK(otrl_sm_step5(&alice, bad.buf, bad.len) == INV_VALUE
          && alice.sm_prog_state == OTRL_SMP_PROG_CHEATED, "damaged message 4: INV_VALUE, CHEATED");
    msg_free(&bad);
    CHECK(otrl_sm_step5(&alice, m4.buf, 4) == INV_VALUE
          && alice.sm_prog_state == OTRL_SMP_PROG_CHEATED, "truncated message 4: INV_VALUE, CHEATED");
    CHECK(otrl_sm_step5(&alice, m4.buf, m4.len) == 0
          && alice.sm_prog_state == OTRL_SMP_PROG_SUCCEEDED, "the intact message 4: SUCCEEDED");

    msg_free(&m1);
    msg_free(&m2);
    msg_free(&m3);
    msg_free(&m4);
    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);
}

/* Valid messages of another exchange, given to states that are not at that step. */
static void test_out_of_order(void) {
    OtrlSMState other_a, other_b, alice, bob;
    struct exchange x;
    struct msg m1 = {0}, out = {0};
    run_exchange(&other_a, &other_b, SECRET_A, SECRET_A, &x);

    otrl_sm_state_new(&alice);
    otrl_sm_state_new(&bob);
    otrl_sm_step1(&alice, SECRET_A, 32, &m1.buf, &m1.len);
    CHECK(otrl_sm_step5(&alice, x.m4.buf, x.m4.len) == INV_VALUE
          && alice.sm_prog_state == OTRL_SMP_PROG_CHEATED,
          "step5 right after step1: INV_VALUE, CHEATED");

    otrl_sm_step2a(&bob, m1.buf, m1.len, 0);
    CHECK(otrl_sm_step4(&bob, x.m3.buf, x.m3.len, &out.buf, &out.len) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED && !out.buf,
          "step4 before step2b: INV_VALUE, CHEATED, no output");
    struct msg m2 = {0};
    otrl_sm_step2b(&bob, SECRET_A, 32, &m2.buf, &m2.len);
    CHECK(otrl_sm_step4(&bob, x.m3.buf, x.m3.len, &out.buf, &out.len) == INV_VALUE
          && bob.sm_prog_state == OTRL_SMP_PROG_CHEATED && !out.buf,
          "a message 3 of another exchange after step2b: INV_VALUE, CHEATED");
    msg_free(&m2);

    /* Starting again on a state in the middle of an exchange works. */
    msg_free(&m1);
    CHECK(otrl_sm_step1(&bob, SECRET_A, 32, &m1.buf, &m1.len) == 0
          && bob.sm_prog_state == OTRL_SMP_PROG_OK, "step1 on a state mid-exchange restarts");

    msg_free(&m1);
    exchange_free(&x);
    otrl_sm_state_free(&other_a);
    otrl_sm_state_free(&other_b);
    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);
}

static void test_free_mid_exchange(void) {
    OtrlSMState alice, bob;
    struct msg m1 = {0}, m2 = {0};
    otrl_sm_state_new(&alice);
    otrl_sm_state_new(&bob);
    otrl_sm_step1(&alice, SECRET_A, 32, &m1.buf, &m1.len);
    otrl_sm_step2a(&bob, m1.buf, m1.len, 1);
    otrl_sm_step2b(&bob, SECRET_A, 32, &m2.buf, &m2.len);
    alice.nextExpected = OTRL_SMP_EXPECT2;
    otrl_sm_state_free(&alice);
    otrl_sm_state_free(&bob);
    CHECK(initial_form(&alice) && initial_form(&bob), "otrl_sm_state_free mid-exchange");
    msg_free(&m1);
    msg_free(&m2);
}

static void check_array(gcry_mpi_t *m, int len, const char *nulls, const char *what) {
    int ok = m != NULL;
    for (int i = 0; ok && i < len; i++)
        ok = (nulls[i] == '0') == (m[i] == NULL);
    CHECK(ok, "%s: hashes NULL, the other numbers allocated", what);
}

static void test_message_arrays(void) {
    gcry_mpi_t *m = NULL;
    otrl_sm_msg1_init(&m);
    check_array(m, 6, "101101", "otrl_sm_msg1_init");
    otrl_sm_msg_free(&m, 6);
    CHECK(m == NULL, "otrl_sm_msg_free sets the pointer to NULL");
    otrl_sm_msg2_init(&m);
    check_array(m, 11, "10110111011", "otrl_sm_msg2_init");
    otrl_sm_msg_free(&m, 11);
    otrl_sm_msg3_init(&m);
    check_array(m, 8, "11011101", "otrl_sm_msg3_init");
    otrl_sm_msg_free(&m, 8);
    otrl_sm_msg4_init(&m);
    check_array(m, 3, "101", "otrl_sm_msg4_init");
    otrl_sm_msg_free(&m, 3);
    CHECK(m == NULL, "all four arrays freed");
}

int main(void) {
    OTRL_INIT;
    otrl_sm_init();
    test_state_new_init_free();
    test_equal_secrets();
    test_different_secrets();
    test_received_question();
    test_damaged_messages();
    test_out_of_order();
    test_free_mid_exchange();
    test_message_arrays();
    HARNESS_EXIT();
}
