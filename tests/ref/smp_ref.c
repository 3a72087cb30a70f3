/*
 * Test oracle for otr-rs's SMP (src/smp.rs): one side of a Socialist
 * Millionaires' exchange run by Debian's real libotr 4.1.1 through its
 * exported otrl_sm_step* functions.  tests/smp_reference.rs compiles this
 * file with `cc ... -lotr -lgcrypt` and drives it over stdin/stdout, one
 * command a line; the state (an OtrlSMState) lives for the whole process.
 * Nothing here is part of the product.
 *
 * Payloads and secrets are hex ("-" for empty).
 *
 *   1 SECRET          otrl_sm_step1
 *   2a Q MSG1         otrl_sm_step2a (Q: received_question, 0 or 1)
 *   2b SECRET         otrl_sm_step2b
 *   3 MSG2            otrl_sm_step3
 *   4 MSG3            otrl_sm_step4
 *   5 MSG4            otrl_sm_step5
 *   free              otrl_sm_state_free
 *
 * Each command prints one line:
 *   <gcry error code> <sm_prog_state> <received_question> <output hex or ->
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gcrypt.h>
#include <libotr/proto.h>
#include <libotr/sm.h>

static void die(const char *what)
{
    fprintf(stderr, "smp_ref: %s\n", what);
    exit(2);
}

static unsigned char *unhex(const char *hex, int *lenp)
{
    size_t n, i;
    unsigned char *buf;
    if (!hex) die("missing argument");
    if (strcmp(hex, "-") == 0) hex = "";
    n = strlen(hex);
    if (n % 2) die("odd-length hex");
    buf = malloc(n / 2 + 1);
    if (!buf) die("out of memory");
    for (i = 0; i < n / 2; i++) {
        unsigned int b;
        if (sscanf(hex + 2 * i, "%2x", &b) != 1) die("bad hex");
        buf[i] = (unsigned char)b;
    }
    *lenp = (int)(n / 2);
    return buf;
}

static void report(OtrlSMState *st, gcry_error_t err, const unsigned char *out,
        int outlen)
{
    int i;
    printf("%d %d %d ", (int)gcry_err_code(err), (int)st->sm_prog_state,
            st->received_question);
    if (!out || outlen == 0) {
        printf("-");
    }
    for (i = 0; out && i < outlen; i++) printf("%02x", out[i]);
    printf("\n");
    fflush(stdout);
}

int main(void)
{
    static char line[1 << 16];
    OtrlSMState st;

    OTRL_INIT;
    otrl_sm_state_new(&st);

    while (fgets(line, sizeof line, stdin)) {
        char *cmd = strtok(line, " \n");
        char *a = strtok(NULL, " \n");
        char *b = strtok(NULL, " \n");
        unsigned char *in = NULL, *out = NULL;
        int inlen = 0, outlen = 0;
        gcry_error_t err = 0;

        if (!cmd) continue;
        if (strcmp(cmd, "free") == 0) {
            otrl_sm_state_free(&st);
        } else if (strcmp(cmd, "1") == 0) {
            in = unhex(a, &inlen);
            err = otrl_sm_step1(&st, in, inlen, &out, &outlen);
        } else if (strcmp(cmd, "2a") == 0) {
            in = unhex(b, &inlen);
            err = otrl_sm_step2a(&st, in, inlen, atoi(a));
        } else if (strcmp(cmd, "2b") == 0) {
            in = unhex(a, &inlen);
            err = otrl_sm_step2b(&st, in, inlen, &out, &outlen);
        } else if (strcmp(cmd, "3") == 0) {
            in = unhex(a, &inlen);
            err = otrl_sm_step3(&st, in, inlen, &out, &outlen);
        } else if (strcmp(cmd, "4") == 0) {
            in = unhex(a, &inlen);
            err = otrl_sm_step4(&st, in, inlen, &out, &outlen);
        } else if (strcmp(cmd, "5") == 0) {
            in = unhex(a, &inlen);
            err = otrl_sm_step5(&st, in, inlen);
        } else {
            die("unknown command");
        }
        report(&st, err, out, outlen);
        free(in);
        free(out);
    }
    otrl_sm_state_free(&st);
    return 0;
}
