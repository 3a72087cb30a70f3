/* Hostile input through otrl_message_receiving, inside live encrypted sessions (v3 and
 * v2): every AKE and data message of a real conversation with absurd lengths, cut at
 * every field and with bytes added; bad base64; D-H values out of range; hostile
 * fragments; SMP and symkey TLVs that lie about their contents (sent inside valid data
 * messages, so the MAC holds).
 *
 * Each input must give the return value and the callbacks, in order, that Debian's
 * libotr 4.1.1 gives it: hostile.expected holds what the reference did with each
 * (`make -C ffi-tests hostile-expected` records it again), and the reference must
 * still do exactly that in every run. Then the session must carry an honest message
 * each way. Where libotr itself loses the session (listed in reference_breaks), the
 * reference run checks that it still does, and ours must keep the session.
 *
 * Under valgrind (slow) every input runs but the SMP ones, which need the SMP brought
 * to the step each expects, arithmetic valgrind makes take minutes: there, three of
 * each SMP message's inputs run, in the v3 conversation only. */
#define _GNU_SOURCE
#include <libotr/context_priv.h>
#include "party.h"
#include "hostile.h"
#include <valgrind/valgrind.h>

#define EXPECTED_FILE "hostile.expected"

/* ---- what the reference does with each input ------------------------------------ */

static FILE *recording;               /* set when recording hostile.expected */
static char *expected_text;           /* the file, its lines split in place */
static char **expected_lines;
static size_t expected_count;
static int reference;

static void load_expected(void)
{
    const char *record = getenv("OTR_HOSTILE_RECORD");
    if (record) {
        recording = fopen(record, "w");
        CHECK(recording != NULL, "recording the reference's outcomes in %s", record);
        return;
    }
    FILE *f = fopen(EXPECTED_FILE, "r");
    CHECK(f != NULL, "%s is readable", EXPECTED_FILE);
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    expected_text = calloc(1, size + 1);
    size_t got = fread(expected_text, 1, size, f);
    fclose(f);
    expected_text[got] = 0;
    for (char *p = expected_text; *p; p++) expected_count += *p == '\n';
    expected_lines = calloc(expected_count + 1, sizeof *expected_lines);
    size_t i = 0;
    for (char *line = strtok(expected_text, "\n"); line && i < expected_count; line = strtok(NULL, "\n"))
        expected_lines[i++] = line;
    expected_count = i;
}

/* The reference's outcome for `name` ("NAME\tOUTCOME" in the file), or NULL. */
static const char *expected_for(const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < expected_count; i++)
        if (strncmp(expected_lines[i], name, len) == 0 && expected_lines[i][len] == '\t')
            return expected_lines[i] + len + 1;
    return NULL;
}

/* ---- a live conversation -------------------------------------------------------- */

/* One conversation whose AKE messages were kept as they crossed the wire. */
typedef struct {
    party a, b;
    int version;
    char *ake[0x20];        /* the first message of each type, by its type byte */
    party *ake_to[0x20];    /* who received it */
    int round;              /* honest messages exchanged so far */
} conversation;

static void drop_queue(void)
{
    while (q_head < q_tail) free(queue[q_head++].msg);
    q_head = q_tail = 0;
}

static void capture_queue(conversation *c)
{
    while (q_head < q_tail) {
        queued q = queue[q_head++];
        size_t len;
        unsigned char *raw = wire_decode(q.msg, &len);
        if (raw && len >= 3 && raw[2] < 0x20 && !c->ake[raw[2]]) {
            c->ake[raw[2]] = strdup(q.msg);
            c->ake_to[raw[2]] = q.to;
        }
        free(raw);
        receive(q.to, q.msg);
        free(q.msg);
    }
    q_head = q_tail = 0;
}

static int private_both(conversation *c)
{
    return best(&c->a)->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
           best(&c->b)->msgstate == OTRL_MSGSTATE_ENCRYPTED;
}

static void open_conversation(conversation *c, int version)
{
    memset(c, 0, sizeof *c);
    c->version = version;
    setup(&c->a, &c->b, version == 3 ? OTRL_POLICY_MANUAL : OTRL_POLICY_ALLOW_V2);
    char *query = NULL;
    send_text(&c->a, "?OTR?", OTRL_FRAGMENT_SEND_SKIP, &query);
    enqueue(&c->b, query);
    otrl_message_free(query);
    capture_queue(c);
    CHECK(private_both(c) && best(&c->a)->protocol_version == (unsigned)version,
          "v%d: the conversation is private", version);
}

/* A new AKE from plaintext, after the reference lost the session. */
static void restart(conversation *c)
{
    drop_queue();
    otrl_context_force_plaintext(best(&c->a));
    otrl_context_force_plaintext(best(&c->b));
    start_ake(&c->a, &c->b);
    drop_queue();
}

static void close_conversation(conversation *c)
{
    for (size_t i = 0; i < 0x20; i++) free(c->ake[i]);
    teardown(&c->a, &c->b);
}

/* The session carries an honest message each way: to `to` and back. */
static int still_works(conversation *c, party *to)
{
    party *from = to->other;
    char there[64], back[64];
    c->round++;
    snprintf(there, sizeof there, "honest message %d", c->round);
    snprintf(back, sizeof back, "honest reply %d", c->round);
    client_send(from, there);
    deliver_all();
    int ok = to->ret == 0 && to->shown && strcmp(to->shown, there) == 0;
    client_send(to, back);
    deliver_all();
    ok = ok && from->ret == 0 && from->shown && strcmp(from->shown, back) == 0;
    return ok && private_both(c);
}

/* ---- hostile inputs ------------------------------------------------------------- */

/* The inputs on which libotr 4.1.1 itself loses the private session:
 *   - a v3 D-H Key (well formed or not) for an instance that is private while its
 *     master context awaits a D-H Key (as it does after answering a query): libotr
 *     copies the master's message state, PLAINTEXT, into the instance before it
 *     looks at the message. Ours keeps the private state unless the AKE answers
 *     the D-H Key. */
static const char *reference_breaks(party *to, const char *msg)
{
    size_t len;
    unsigned char *raw = wire_decode(msg, &len);
    ConnContext *instance = best(to), *master = instance->m_context;
    int dh_key = raw && len >= 11 && raw[0] == 0 && raw[1] == 3 && raw[2] == WIRE_DH_KEY &&
                 wire_get_int(raw + 3) >= OTRL_MIN_VALID_INSTAG &&
                 wire_get_int(raw + 7) == instance->our_instance;
    free(raw);
    if (dh_key && instance != master && instance->msgstate == OTRL_MSGSTATE_ENCRYPTED &&
        master->auth.authstate == OTRL_AUTHSTATE_AWAITING_DHKEY)
        return "libotr takes the master's plaintext state into the private instance";
    return NULL;
}

typedef struct {
    conversation *c;
    party *to;
    size_t inputs, passed;
} target;

/* One hostile message arrives at t->to: the reference's outcome, then an honest
 * message each way. */
static void hit(void *arg, const char *what, const char *msg)
{
    target *t = arg;
    conversation *c = t->c;
    party *to = t->to;
    char name[256], outcome[sizeof ((party *)0)->log + 64];
    snprintf(name, sizeof name, "v%d %s", c->version, what);
    const char *breaks = reference_breaks(to, msg);
    clear_logs(&c->a, &c->b);
    receive(to, msg);
    snprintf(outcome, sizeof outcome, "ret=%d shown=%s log=[%s]", to->ret,
             to->shown ? to->shown : "(null)", to->log);
    drop_queue();
    int ok = still_works(c, to);
    t->inputs++;
    if (recording) {
        fprintf(recording, "%s\t%s\n", name, outcome);
        if (!ok && !breaks) printf("# the reference lost the session after: %s\n", name);
    } else {
        const char *want = expected_for(name);
        int same = want && strcmp(want, outcome) == 0;
        if (reference && breaks) {
            CHECK(same && !ok, "%s: libotr's outcome; it loses the session (%s)", name, breaks);
        } else {
            CHECK(same && ok, "%s: libotr's outcome, the session goes on", name);
        }
        if (!same) printf("#   got:  %s\n#   want: %s\n", outcome, want ? want : "(not recorded)");
        t->passed += same && (ok || (reference && breaks));
    }
    if (!ok) restart(c);
}

static void hit_all(conversation *c, party *to, const char *group, const char *const *names,
                    const char *const *msgs, size_t n)
{
    target t = {c, to, 0, 0};
    for (size_t i = 0; i < n; i++) hit(&t, names ? names[i] : msgs[i], msgs[i]);
    if (!recording) CHECK(t.passed == t.inputs, "v%d %s: %zu inputs", c->version, group, t.inputs);
}

static void hostile_base64(conversation *c)
{
    static const char *const bodies[] = {
        "?OTR:.", "?OTR:AA==.", "?OTR:AAM=.", "?OTR:A.", "?OTR:AA.", "?OTR:AAA.",
        "?OTR:===.", "?OTR:====.", "?OTR:=", "?OTR:", "?OTR:AAMD.", "?OTR:AAMD",
        "?OTR:AAID.", "?OTR:AAMK.", "?OTR:!!!!.", "?OTR:AAMD\001\002.", "?OTR:AAMD====AAAA.",
    };
    hit_all(c, &c->a, "bad base64", NULL, bodies, sizeof bodies / sizeof bodies[0]);
}

static void hostile_ake_messages(conversation *c)
{
    const unsigned char types[] = {WIRE_DH_COMMIT, WIRE_DH_KEY, WIRE_REVEALSIG, WIRE_SIGNATURE};
    for (size_t i = 0; i < sizeof types; i++) {
        const char *real = c->ake[types[i]];
        CHECK(real != NULL, "v%d: a real %s message was captured", c->version,
              wire_type_name(types[i]));
        if (!real) continue;
        size_t len;
        unsigned char *raw = wire_decode(real, &len);
        target t = {c, c->ake_to[types[i]], 0, 0};
        wire_mutations(raw, len, wire_type_name(types[i]), hit, &t);
        if (!recording)
            CHECK(t.inputs > 8 && t.passed == t.inputs, "v%d %s: %zu hostile variants",
                  c->version, wire_type_name(types[i]), t.inputs);
        free(raw);
    }
}

/* Each variant is made from a new real Data Message, so the keys it names are live. */
typedef struct {
    target t;
    char *held;
} data_target;

static void hostile_data_messages(conversation *c)
{
    char *held = NULL;
    send_text(&c->b, "a message the attacker captured", OTRL_FRAGMENT_SEND_SKIP, &held);
    size_t len;
    unsigned char *raw = wire_decode(held, &len);
    target t = {c, &c->a, 0, 0};
    wire_mutations(raw, len, "Data", hit, &t);
    if (!recording)
        CHECK(t.inputs > 8 && t.passed == t.inputs, "v%d Data: %zu hostile variants",
              c->version, t.inputs);
    free(raw);
    otrl_message_free(held);
}

/* ---- D-H values ---------------------------------------------------------------- */

static const char dh_modulus_hex[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836"
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804"
    "F1746C08CA237327FFFFFFFFFFFFFFFF";

static void hex_bytes(const char *hex, unsigned char *out)
{
    for (size_t i = 0; hex[2 * i]; i++) sscanf(hex + 2 * i, "%2hhx", &out[i]);
}

/* The D-H values a peer must refuse, as MPI bodies: 0, 1, p-1, p, and too long. */
typedef struct { const char *name; unsigned char value[200]; size_t len; } dh_value;

static size_t bad_dh_values(dh_value *v)
{
    unsigned char p[192];
    hex_bytes(dh_modulus_hex, p);
    size_t n = 0;
    v[n] = (dh_value){"0", {0}, 0}; n++;
    v[n] = (dh_value){"1", {1}, 1}; n++;
    v[n] = (dh_value){"p-1", {0}, 192}; memcpy(v[n].value, p, 192); v[n].value[191] -= 1; n++;
    v[n] = (dh_value){"p", {0}, 192}; memcpy(v[n].value, p, 192); n++;
    v[n] = (dh_value){"193 bytes (too long)", {0}, 193}; v[n].value[0] = 1; n++;
    return n;
}

/* D-H Keys with g^y out of range, to a party that awaits one: it answered a query
 * from inside the private session with a D-H Commit of its own. */
static void hostile_dh_key_values(conversation *c)
{
    dh_value v[8];
    size_t n = bad_dh_values(v);
    target t = {c, &c->a, 0, 0};
    for (size_t i = 0; i < n; i++) {
        receive(&c->a, c->version == 3 ? "?OTRv3?" : "?OTRv2?");
        drop_queue();
        unsigned char raw[256];
        size_t at = 0;
        raw[at++] = 0; raw[at++] = c->version; raw[at++] = WIRE_DH_KEY;
        if (c->version == 3) {
            wire_put_int(raw + at, best(&c->b)->our_instance); at += 4;
            wire_put_int(raw + at, best(&c->a)->our_instance); at += 4;
        }
        wire_put_int(raw + at, v[i].len); at += 4;
        memcpy(raw + at, v[i].value, v[i].len); at += v[i].len;
        char name[96];
        snprintf(name, sizeof name, "D-H Key with g^y = %s, awaited", v[i].name);
        wire_send(hit, &t, name, raw, at);
    }
    if (!recording) CHECK(t.passed == t.inputs, "v%d D-H Keys out of range: %zu inputs",
                          c->version, t.inputs);
}

/* ---- fragments ------------------------------------------------------------------ */

static void hostile_fragments(conversation *c)
{
    enum { N = 40 };
    char *names[N], *msgs[N];
    size_t n = 0;
    unsigned int from = best(&c->b)->our_instance, to = best(&c->a)->our_instance;
    char head[64];
    if (c->version == 3) snprintf(head, sizeof head, "?OTR|%08x|%08x,", from, to);
    else snprintf(head, sizeof head, "?OTR,");
#define FRAGMENT(label, body) do { \
        names[n] = strdup("fragment: " label); \
        msgs[n] = malloc(strlen(head) + strlen(body) + 1); \
        strcpy(msgs[n], head); strcat(msgs[n], body); n++; \
    } while (0)
#define RAW(label, text) do { names[n] = strdup("fragment: " label); msgs[n] = strdup(text); n++; } while (0)
    FRAGMENT("k=0", "00000,00002,AAAA,");
    FRAGMENT("k=0 n=0", "00000,00000,AAAA,");
    FRAGMENT("k=1 n=0", "00001,00000,AAAA,");
    FRAGMENT("first of 2", "00001,00002,?OTR:AAMD,");
    FRAGMENT("k>n after a first piece", "00003,00002,CCCC,");
    FRAGMENT("k=n=2 after k>n", "00002,00002,CCCC,");
    FRAGMENT("first of 65536 (n>65535)", "00001,65536,?OTR:AAMD,");
    FRAGMENT("k=n=65537", "65537,65537,?OTR:AAMD.,");
    FRAGMENT("first of 70000", "00001,70000,?OTR:AAMD,");
    FRAGMENT("second of 70000", "00002,70000,DDDD,");
    FRAGMENT("k=-1", "-0001,00002,AAAA,");
    FRAGMENT("n=-2", "00001,-0002,AAAA,");
    FRAGMENT("k=n=-1", "-1,-1,?OTR:AAMD.,");
    FRAGMENT("k=99999999999", "99999999999,00002,AAAA,");
    FRAGMENT("empty first piece", "00001,00002,,");
    FRAGMENT("empty last piece", "00002,00002,,");
    FRAGMENT("no comma after the piece", "00001,00001,?OTR:AAMD.");
    FRAGMENT("no piece", "00001,00001");
    FRAGMENT("pieces reassembling to a fragment header (1)", "00001,00002,?OTR|12345678|");
    FRAGMENT("pieces reassembling to a fragment header (2)", "00002,00002,9abcdef0,");
    FRAGMENT("a new first piece", "00001,00003,?OTR:AAM,");
    FRAGMENT("another first piece", "00001,00003,?OTR:AAMD,");
    FRAGMENT("third piece, second missing", "00003,00003,AAAA,");
    FRAGMENT("second piece of another n", "00002,00004,AAAA,");
    if (c->version == 3) {
        char msg[128];
        snprintf(msg, sizeof msg, "?OTR|zzzzzzzz|%08x,00001,00002,AAAA,", to);
        RAW("sender tag not hex", msg);
        snprintf(msg, sizeof msg, "?OTR||%08x,00001,00002,AAAA,", to);
        RAW("sender tag empty", msg);
        snprintf(msg, sizeof msg, "?OTR|%08x|zzzz,00001,00002,AAAA,", from);
        RAW("receiver tag not hex", msg);
        snprintf(msg, sizeof msg, "?OTR|-1|%08x,00001,00002,AAAA,", to);
        RAW("sender tag -1", msg);
        snprintf(msg, sizeof msg, "?OTR|ff|%08x,00001,00002,AAAA,", to);
        RAW("sender tag below 0x100", msg);
        snprintf(msg, sizeof msg, "?OTR|1%08x|%08x,00001,00002,AAAA,", from, to);
        RAW("sender tag of 9 digits", msg);
        snprintf(msg, sizeof msg, "?OTR|%08x|%08x,00001,00002,AAAA,", from, to ^ 1);
        RAW("another receiver", msg);
        RAW("only the header", "?OTR|");
    } else {
        RAW("v3 form in a v2 session", "?OTR|0000abcd|0000abcd,00001,00002,AAAA,");
    }
    hit_all(c, &c->a, "fragments", (const char *const *)names, (const char *const *)msgs, n);
    for (size_t i = 0; i < n; i++) { free(names[i]); free(msgs[i]); }
#undef FRAGMENT
#undef RAW

    /* A real message in pieces still arrives whole. */
    c->b.mms = c->version == 3 ? 120 : 100;
    send_text(&c->b, "a real message in many pieces, after all that", OTRL_FRAGMENT_SEND_ALL, NULL);
    c->b.mms = 0;
    deliver_all();
    CHECK(c->a.ret == 0 && c->a.shown && strcmp(c->a.shown, "a real message in many pieces, after all that") == 0,
          "v%d: a real fragmented message arrives after the hostile fragments", c->version);
}

/* ---- TLVs inside valid data messages ------------------------------------------ */

/* b sends a data message carrying `tlv` (made by otrl_message_sending: its MAC holds). */
static char *data_with_tlv(conversation *c, unsigned short type, const unsigned char *value,
                           unsigned short len)
{
    OtrlTLV *tlv = otrl_tlv_new(type, len, value);
    char *msg = NULL;
    otrl_message_sending(c->b.us, &ops, &c->b, c->b.account, c->b.protocol, c->b.peer,
                         OTRL_INSTAG_BEST, "", tlv, &msg, OTRL_FRAGMENT_SEND_SKIP, NULL, NULL, NULL);
    otrl_tlv_free(tlv);
    return msg;
}

/* An SMP message body: `count`, then the MPIs given, each `len` bytes of `fill`
 * (the first `first_len` bytes of `first` for MPI number `which`). */
static size_t smp_body(unsigned char *out, unsigned int count, unsigned int mpis, size_t len,
                       unsigned char fill, unsigned int which, const unsigned char *first,
                       size_t first_len)
{
    size_t at = 0;
    wire_put_int(out, count); at += 4;
    for (unsigned int i = 0; i < mpis; i++) {
        size_t l = i == which ? first_len : len;
        wire_put_int(out + at, l); at += 4;
        if (i == which) { if (l) memcpy(out + at, first, l); }  /* first may be NULL */
        else memset(out + at, fill, l);
        at += l;
    }
    return at;
}

/* Puts a's SMP where it expects message `step` (1..4) of an exchange. */
static void smp_expect(conversation *c, int step)
{
    party *a = &c->a, *b = &c->b;
    const unsigned char *secret = (const unsigned char *)"secret";
    if (step == 2 || step == 4) {
        otrl_message_initiate_smp(a->us, &ops, a, best(a), secret, 6);
        if (step == 2) { drop_queue(); return; }
        deliver_all();
        otrl_message_respond_smp(b->us, &ops, b, best(b), secret, 6);
        /* b's SMP2 reaches a, whose SMP3 is dropped: a expects SMP4. */
        queued q = queue[q_head++];
        receive(q.to, q.msg);
        free(q.msg);
        drop_queue();
    } else if (step == 3) {
        otrl_message_initiate_smp(b->us, &ops, b, best(b), secret, 6);
        deliver_all();
        otrl_message_respond_smp(a->us, &ops, a, best(a), secret, 6);
        drop_queue();
    }
}

static void smp_reset(conversation *c)
{
    otrl_message_abort_smp(c->a.us, &ops, &c->a, best(&c->a));
    otrl_message_abort_smp(c->b.us, &ops, &c->b, best(&c->b));
    drop_queue();
}

static void hostile_smp(conversation *c)
{
    static const struct { unsigned short type; int step; unsigned int mpis, expon; const char *name; } smp[] = {
        {OTRL_TLV_SMP1, 1, 6, 2, "SMP1"}, {OTRL_TLV_SMP1Q, 1, 6, 2, "SMP1Q"},
        {OTRL_TLV_SMP2, 2, 11, 2, "SMP2"}, {OTRL_TLV_SMP3, 3, 8, 3, "SMP3"},
        {OTRL_TLV_SMP4, 4, 3, 2, "SMP4"},
    };
    dh_value v[8];
    size_t nv = bad_dh_values(v);
    static unsigned char body[8192], tlv[8200];
    target t = {c, &c->a, 0, 0};
    for (size_t s = 0; s < sizeof smp / sizeof smp[0]; s++) {
        unsigned int m = smp[s].mpis;
        unsigned char two = 2;
        struct { char name[96]; size_t len; } cases[24];
        size_t nc = 0;
        unsigned char *bodies[24];
#define CASE(label, expr) do { \
            bodies[nc] = malloc(8192); body_len = (expr); memcpy(bodies[nc], body, body_len); \
            cases[nc].len = body_len; snprintf(cases[nc].name, 96, "%s: %s", smp[s].name, label); nc++; \
        } while (0)
        size_t body_len;
        CASE("MPI count 0xFFFFFFFF, no MPIs", smp_body(body, 0xFFFFFFFFu, 0, 0, 0, 0, NULL, 0));
        CASE("MPI count 0xFFFFFFFF", smp_body(body, 0xFFFFFFFFu, m, 1, 2, m, NULL, 0));
        CASE("MPI count 0", smp_body(body, 0, 0, 0, 0, 0, NULL, 0));
        CASE("one MPI too many", smp_body(body, m + 1, m + 1, 1, 2, m + 1, NULL, 0));
        CASE("one MPI missing", smp_body(body, m, m - 1, 1, 2, m, NULL, 0));
        CASE("no count", 0);
        CASE("count cut", (smp_body(body, m, 0, 0, 0, 0, NULL, 0), 2));
        CASE("last MPI cut", smp_body(body, m, m, 1, 2, m - 1, v[3].value, 192) - 100);
        CASE("first MPI length 0xFFFFFFFF",
             (smp_body(body, m, m, 1, 2, m, NULL, 0), wire_put_int(body + 4, 0xFFFFFFFFu), 4 + 4 + 1 + 5 * (m - 1)));
        for (size_t i = 0; i < nv; i++) {
            char label[64];
            snprintf(label, sizeof label, "group element = %s", v[i].name);
            CASE(label, smp_body(body, m, m, 1, 2, 0, v[i].value, v[i].len));
        }
        CASE("exponent = 0", smp_body(body, m, m, 1, 2, smp[s].expon, NULL, 0));
        CASE("every value 2 (proofs wrong)", smp_body(body, m, m, 1, 2, m, &two, 1));
#undef CASE
        for (size_t i = 0; i < nc; i++) {
            if (RUNNING_ON_VALGRIND && (c->version != 3 || (i != 1 && i != 7 && i != 12))) {
                free(bodies[i]);
                continue;
            }
            size_t len = cases[i].len;
            const unsigned char *value = bodies[i];
            if (smp[s].type == OTRL_TLV_SMP1Q) {
                memcpy(tlv, "question?", 10);
                memcpy(tlv + 10, bodies[i], len);
                len += 10;
                value = tlv;
            }
            smp_expect(c, smp[s].step);
            char *msg = data_with_tlv(c, smp[s].type, value, (unsigned short)len);
            hit(&t, cases[i].name, msg);
            otrl_message_free(msg);
            free(bodies[i]);
            smp_reset(c);
        }
    }
    /* SMP1Q whose question has no terminating NUL. */
    smp_body(body, 6, 6, 1, 2, 6, NULL, 0);
    for (size_t i = 0; i < 34; i++) if (body[i] == 0) body[i] = 'x';
    char *msg = data_with_tlv(c, OTRL_TLV_SMP1Q, body, 34);
    hit(&t, "SMP1Q: a question without its NUL", msg);
    otrl_message_free(msg);
    smp_reset(c);
    msg = data_with_tlv(c, OTRL_TLV_SMP1Q, NULL, 0);
    hit(&t, "SMP1Q: empty", msg);
    otrl_message_free(msg);
    smp_reset(c);
    if (!recording) CHECK(t.passed == t.inputs, "v%d SMP TLVs: %zu inputs", c->version, t.inputs);
}

static void hostile_symkey(conversation *c)
{
    target t = {c, &c->a, 0, 0};
    for (unsigned short len = 0; len <= 5; len++) {
        char name[64];
        snprintf(name, sizeof name, "symkey TLV of %u bytes", len);
        char *msg = data_with_tlv(c, OTRL_TLV_SYMKEY, (const unsigned char *)"\0\0\0\1ab", len);
        hit(&t, name, msg);
        otrl_message_free(msg);
    }
    char *msg = data_with_tlv(c, OTRL_TLV_DISCONNECTED, (const unsigned char *)"junk", 4);
    clear_logs(&c->a, &c->b);
    receive(&c->a, msg);
    otrl_message_free(msg);
    CHECK(best(&c->a)->msgstate == OTRL_MSGSTATE_FINISHED,
          "v%d: a disconnect TLV with a value still ends the session", c->version);
    restart(c);
    if (!recording) CHECK(t.passed == t.inputs, "v%d symkey TLVs: %zu inputs", c->version, t.inputs);
}

int main(void)
{
    OTRL_INIT;
    reference = on_reference();
    printf("# running on %s\n", reference ? "Debian's libotr (the reference)" : "otr-rs");
    load_expected();
    for (int version = 3; version >= 2; version--) {
        conversation c;
        open_conversation(&c, version);
        hostile_base64(&c);
        hostile_ake_messages(&c);
        hostile_data_messages(&c);
        hostile_dh_key_values(&c);
        hostile_fragments(&c);
        hostile_smp(&c);
        hostile_symkey(&c);
        close_conversation(&c);
    }
    if (recording) fclose(recording);
    free(expected_lines);
    free(expected_text);
    HARNESS_EXIT();
}
