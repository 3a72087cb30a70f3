/* A snapshot of what a client can read of a userstate's contexts (libotr-abi.md: the
 * members clients read, and what libotr's callbacks expose), one line per context in
 * list order. The interop peer (tests/interop/peer.c) prints one in every callback, and
 * so does every_call.c; their runs on ours and on Debian's libotr are then compared.
 *
 * Key material and session ids are left out; times only relative to a test clock
 * (snapshot_epoch, 0: left out). Other contexts are named by their place in the list
 * ("#0" is the first, "-" NULL, "?" not in the list). */
#ifndef OTR_FFI_TESTS_SNAPSHOT_H
#define OTR_FFI_TESTS_SNAPSHOT_H
#pragma GCC diagnostic ignored "-Wunused-function"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <libotr/privkey.h>
#include <libotr/context_priv.h>
#include <libotr/sm.h>

/* The clock times are shown against (a test's fixed clock); 0: no times. */
static time_t snapshot_epoch;

/* `s` on one line: backslash, newline and carriage return escaped; NULL as "(null)". */
static void snapshot_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("(null)", out);
        return;
    }
    for (; *s; s++) {
        if (*s == '\\') fputs("\\\\", out);
        else if (*s == '\n') fputs("\\n", out);
        else if (*s == '\r') fputs("\\r", out);
        else putc(*s, out);
    }
}

/* A context of `us` by its place in the list. */
static void snapshot_ref(FILE *out, OtrlUserState us, const char *name, ConnContext *c)
{
    int i = 0;
    ConnContext *x = us->context_root;
    while (x && x != c) { x = x->next; i++; }
    if (!c) fprintf(out, " %s=-", name);
    else if (!x) fprintf(out, " %s=?", name);
    else fprintf(out, " %s=#%d", name, i);
}

/* A fingerprint as `name=HUMAN:TRUST` ("-" for none). */
static void snapshot_fingerprint(FILE *out, const char *name, Fingerprint *f)
{
    char human[OTRL_PRIVKEY_FPRINT_HUMAN_LEN] = "-";
    if (f && f->fingerprint) otrl_privkey_hash_to_human(human, f->fingerprint);
    fprintf(out, " %s=%s", name, human);
    if (f) {
        putc(':', out);
        snapshot_str(out, f->trust);
    }
}

static void snapshot_time(FILE *out, const char *name, time_t t)
{
    if (!t) fprintf(out, " %s=0", name);
    else fprintf(out, " %s=%+ld", name, (long)(t - snapshot_epoch));
}

/* One line per context of `us`, each starting with `prefix`. */
static void snapshot(FILE *out, OtrlUserState us, const char *prefix)
{
    int i = 0;
    for (ConnContext *c = us->context_root; c; c = c->next, i++) {
        fprintf(out, "%ssnap #%d %s/%s/%s/%08x our=%08x", prefix, i, c->username, c->accountname,
                c->protocol, c->their_instance, c->our_instance);
        snapshot_ref(out, us, "m", c->m_context);
        snapshot_ref(out, us, "rcvd", c->recent_rcvd_child);
        snapshot_ref(out, us, "sent", c->recent_sent_child);
        snapshot_ref(out, us, "recent", c->recent_child);
        fprintf(out, " msgstate=%d v%u auth=%d/v%d offer=%d", (int)c->msgstate,
                c->protocol_version, (int)c->auth.authstate, c->auth.protocol_version,
                (int)c->otr_offer);
        OtrlSMState *sm = c->smstate;
        if (sm)
            fprintf(out, " smp=%d,%d,%d,%s", (int)sm->nextExpected, sm->received_question,
                    (int)sm->sm_prog_state, sm->secret ? "set" : "null");
        else
            fputs(" smp=null", out);
        snapshot_fingerprint(out, "active", c->active_fingerprint);
        fputs(" fps=[", out);
        for (Fingerprint *f = c->fingerprint_root.next; f; f = f->next)
            snapshot_fingerprint(out, f == c->fingerprint_root.next ? "" : " ", f);
        fputs(" ]", out);
        ConnContextPriv *p = c->context_priv;
        if (p) {
            fprintf(out, " retransmit=%d last=%s", p->may_retransmit, p->lastmessage ? "set" : "null");
            if (snapshot_epoch) {
                snapshot_time(out, "lastsent", p->lastsent);
                snapshot_time(out, "lastrecv", p->lastrecv);
                fprintf(out, " keyids=%u/%u", p->our_keyid, p->their_keyid);
            }
        }
        putc('\n', out);
    }
}

#endif
