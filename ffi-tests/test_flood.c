/* Memory stays flat under a flood of hostile messages into a live v3 session: bad
 * base64, every hostile variant of a real Data Message, and an endless stream of first
 * fragments of 8 kB (the shape of CVE-2016-2851, where libotr's reassembly grew
 * without bound). OTR_FLOOD sets how many messages (100000 by default; `make -C
 * ffi-tests flood` sends a million); under valgrind a thousand, for the leak check.
 * The heap in use (mallinfo2) and the resident size are measured after a warm-up and
 * at the end (not under valgrind or AddressSanitizer, whose allocators keep freed
 * memory aside); then the session must still carry a message each way. */
#define _GNU_SOURCE
#include <malloc.h>
#include <time.h>
#include <valgrind/valgrind.h>
#include "party.h"
#include "hostile.h"

#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

#define MAX_INPUTS 256
static char *inputs[MAX_INPUTS];
static size_t ninputs;

static void keep(void *arg, const char *name, const char *msg)
{
    if (ninputs < MAX_INPUTS) inputs[ninputs++] = strdup(msg);
}

static void drop_queue(void)
{
    while (q_head < q_tail) free(queue[q_head++].msg);
    q_head = q_tail = 0;
}

static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* n hostile messages to a, cycling through the inputs. */
static void flood(party *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        receive(a, inputs[i % ninputs]);
        drop_queue();
        a->log[0] = 0;
    }
}

int main(void)
{
    OTRL_INIT;
    party a, b;
    setup(&a, &b, OTRL_POLICY_MANUAL);
    start_ake(&a, &b);
    CHECK(best(&a)->msgstate == OTRL_MSGSTATE_ENCRYPTED, "a private v3 session");

    static const char *const base64[] = {"?OTR:.", "?OTR:AA==.", "?OTR:AAM=.", "?OTR:===.", "?OTR:AAMD."};
    for (size_t i = 0; i < sizeof base64 / sizeof base64[0]; i++) keep(NULL, NULL, base64[i]);
    char *held = NULL;
    send_text(&b, "a message the attacker captured", OTRL_FRAGMENT_SEND_SKIP, &held);
    size_t len;
    unsigned char *raw = wire_decode(held, &len);
    wire_mutations(raw, len, "Data", keep, NULL);
    free(raw);
    otrl_message_free(held);
    /* First pieces, each replacing the last: 8 kB each, a third of the inputs. */
    size_t piece = 8000, firsts = ninputs / 2;
    char *first = malloc(piece + 64);
    int at = snprintf(first, 64, "?OTR|%08x|%08x,00001,00003,", best(&b)->our_instance,
                      best(&a)->our_instance);
    memset(first + at, 'A', piece);
    strcpy(first + at + piece, ",");
    for (size_t i = 0; i < firsts && ninputs < MAX_INPUTS; i++) inputs[ninputs++] = strdup(first);
    free(first);

    const char *env = getenv("OTR_FLOOD");
    size_t n = env ? strtoull(env, NULL, 10) : 100000;
    if (RUNNING_ON_VALGRIND) n = 1000;
    size_t warmup = n / 10 < 2000 ? n / 10 : 2000;
    flood(&a, warmup);
    size_t heap_before = mallinfo2().uordblks;
    long rss_before = rss_kb();
    double t0 = seconds();
    flood(&a, n);
    double took = seconds() - t0;
    size_t heap_after = mallinfo2().uordblks;
    long rss_after = rss_kb();
    long heap_growth = (long)heap_after - (long)heap_before;
    printf("# %zu hostile messages (%zu kinds) in %.2f s (%.2f us each); heap in use %zu -> %zu bytes"
           " (%+ld), resident %ld -> %ld kB\n", n, ninputs, took, took * 1e6 / (n ? n : 1),
           heap_before, heap_after, heap_growth, rss_before, rss_after);
    if (on_reference()) {
        /* libotr 4.1.1 leaks the extra symmetric key buffer (gcry_malloc_secure, 32
         * bytes) of every Data Message it rejects in an encrypted session: message.c's
         * error path leaves otrl_message_receiving without freeing it. */
        CHECK(heap_growth > (long)n, "%zu hostile messages: libotr's heap grew by %ld bytes (it "
              "leaks on each rejected Data Message; not checked on the reference)", n, heap_growth);
    } else if (!RUNNING_ON_VALGRIND && !UNDER_ASAN) {
        CHECK(heap_growth < 64 * 1024, "%zu hostile messages: the heap in use grew by %ld bytes", n,
              heap_growth);
        CHECK(rss_after - rss_before < 4096, "%zu hostile messages: the resident size grew by %ld kB",
              n, rss_after - rss_before);
    }

    client_send(&b, "still there?");
    deliver_all();
    CHECK(a.ret == 0 && a.shown && strcmp(a.shown, "still there?") == 0, "after the flood, b reaches a");
    client_send(&a, "yes");
    deliver_all();
    CHECK(b.ret == 0 && b.shown && strcmp(b.shown, "yes") == 0, "after the flood, a reaches b");
    for (size_t i = 0; i < ninputs; i++) free(inputs[i]);
    teardown(&a, &b);
    HARNESS_EXIT();
}
