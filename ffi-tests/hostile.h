/* A generator of hostile OTR messages for the C tests: it takes a real message apart
 * into the fields of the OTR wire format (Protocol-v3.html, "Data types" and the AKE
 * and data message layouts) and emits variants with each length field absurd, the
 * message cut at each field, and bytes added at the end. */
#ifndef OTR_FFI_TESTS_HOSTILE_H
#define OTR_FFI_TESTS_HOSTILE_H

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <libotr/b64.h>
#include <libotr/proto.h>

/* The real path of Debian's libotr.so.5 (tests/ref/debian-cc defines it). */
#ifndef OTR_REFERENCE_LIB
#define OTR_REFERENCE_LIB ""
#endif

/* Whether this run loaded Debian's libotr, the reference. */
static int on_reference(void)
{
    Dl_info info;
    char *loaded = NULL, *reference = realpath(OTR_REFERENCE_LIB, NULL);
    if (dladdr((void *)otrl_init, &info) && info.dli_fname) loaded = realpath(info.dli_fname, NULL);
    int same = loaded && reference && strcmp(loaded, reference) == 0;
    free(loaded);
    free(reference);
    return same;
}

/* Message types (the third byte of an encoded message). */
#define WIRE_DH_COMMIT 0x02
#define WIRE_DATA 0x03
#define WIRE_DH_KEY 0x0a
#define WIRE_REVEALSIG 0x11
#define WIRE_SIGNATURE 0x12

/* How a field is serialized: fixed-size bytes, an INT, or a DATA/MPI (an INT length
 * followed by that many bytes). */
enum wire_kind { WIRE_FIXED, WIRE_INT, WIRE_SIZED };

typedef struct {
    const char *name;
    enum wire_kind kind;
    size_t size;    /* for WIRE_FIXED */
} wire_spec;

/* A field found in a message: [start, end) in the decoded bytes. */
typedef struct {
    const char *name;
    enum wire_kind kind;
    size_t start, end;
} wire_field;

static const wire_spec wire_commit[] = {
    {"encrypted g^x", WIRE_SIZED, 0}, {"hashed g^x", WIRE_SIZED, 0}, {NULL, 0, 0}};
static const wire_spec wire_key[] = {{"g^y", WIRE_SIZED, 0}, {NULL, 0, 0}};
static const wire_spec wire_revealsig[] = {
    {"revealed key", WIRE_SIZED, 0}, {"encrypted signature", WIRE_SIZED, 0},
    {"MAC", WIRE_FIXED, 20}, {NULL, 0, 0}};
static const wire_spec wire_signature[] = {
    {"encrypted signature", WIRE_SIZED, 0}, {"MAC", WIRE_FIXED, 20}, {NULL, 0, 0}};
static const wire_spec wire_data[] = {
    {"flags", WIRE_FIXED, 1}, {"sender keyid", WIRE_INT, 0}, {"recipient keyid", WIRE_INT, 0},
    {"next D-H key", WIRE_SIZED, 0}, {"counter", WIRE_FIXED, 8},
    {"encrypted message", WIRE_SIZED, 0}, {"MAC", WIRE_FIXED, 20},
    {"old MAC keys", WIRE_SIZED, 0}, {NULL, 0, 0}};

static unsigned int wire_get_int(const unsigned char *p)
{
    return (unsigned int)p[0] << 24 | (unsigned int)p[1] << 16 | (unsigned int)p[2] << 8 | p[3];
}

static void wire_put_int(unsigned char *p, unsigned int v)
{
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static const char *wire_type_name(unsigned char type)
{
    switch (type) {
    case WIRE_DH_COMMIT: return "D-H Commit";
    case WIRE_DATA: return "Data";
    case WIRE_DH_KEY: return "D-H Key";
    case WIRE_REVEALSIG: return "Reveal Signature";
    case WIRE_SIGNATURE: return "Signature";
    default: return "unknown";
    }
}

/* The fields of a decoded message, header first; the number found, or 0 when the
 * message does not follow its layout (the generator only takes real messages). */
static size_t wire_fields(const unsigned char *raw, size_t len, wire_field *out, size_t max)
{
    const wire_spec *spec;
    if (!raw || len < 3) return 0;
    switch (raw[2]) {
    case WIRE_DH_COMMIT: spec = wire_commit; break;
    case WIRE_DATA: spec = wire_data; break;
    case WIRE_DH_KEY: spec = wire_key; break;
    case WIRE_REVEALSIG: spec = wire_revealsig; break;
    case WIRE_SIGNATURE: spec = wire_signature; break;
    default: return 0;
    }
    size_t n = 0, at = 0;
    out[n++] = (wire_field){"protocol version", WIRE_FIXED, 0, 2};
    out[n++] = (wire_field){"message type", WIRE_FIXED, 2, 3};
    at = 3;
    if (raw[1] == 3) {
        out[n++] = (wire_field){"sender instance tag", WIRE_INT, 3, 7};
        out[n++] = (wire_field){"receiver instance tag", WIRE_INT, 7, 11};
        at = 11;
    }
    for (; spec->name && n < max; spec++) {
        size_t size = spec->kind == WIRE_FIXED ? spec->size : 4;
        if (at + size > len) return 0;
        if (spec->kind == WIRE_SIZED) size += wire_get_int(raw + at);
        if (at + size > len) return 0;
        out[n++] = (wire_field){spec->name, spec->kind, at, at + size};
        at += size;
    }
    return at == len ? n : 0;
}

/* Where a message is cut, and how to name it. */
typedef struct { size_t at; const char *where; } wire_cut;

/* Receives each hostile variant: its name, and the message as sent ("?OTR:...."). */
typedef void (*wire_emit)(void *arg, const char *name, const char *msg);

/* Encodes raw bytes as an OTR message and hands it to `emit`. */
static void wire_send(wire_emit emit, void *arg, const char *name, const unsigned char *raw,
                      size_t len)
{
    char *msg = otrl_base64_otr_encode(raw, len);
    if (msg) emit(arg, name, msg);
    free(msg);
}

/* `raw` with the length of the field at `at` replaced by `value`. */
static void wire_send_length(wire_emit emit, void *arg, const char *name,
                             const unsigned char *raw, size_t len, size_t at, unsigned int value)
{
    unsigned char *copy = malloc(len);
    memcpy(copy, raw, len);
    wire_put_int(copy + at, value);
    wire_send(emit, arg, name, copy, len);
    free(copy);
}

/* Every hostile variant of the real message `raw`, named after `what` and the field:
 *   - each DATA/MPI length set to 0xFFFFFFFF, 0xFFFFFFFE, one past the end of the
 *     message, and 0;
 *   - the message cut before each field, one byte into it, after a length, and one
 *     byte before its end;
 *   - one byte and then seven bytes added at the end. */
static size_t wire_mutations(const unsigned char *raw, size_t len, const char *what,
                             wire_emit emit, void *arg)
{
    wire_field f[16];
    size_t n = wire_fields(raw, len, f, 16), count = 0;
    char name[160];
    for (size_t i = 0; i < n; i++) {
        if (f[i].kind == WIRE_SIZED) {
            size_t past = len - (f[i].start + 4) + 1;
            const unsigned int lengths[] = {0xFFFFFFFFu, 0xFFFFFFFEu, (unsigned int)past, 0};
            const char *labels[] = {"0xFFFFFFFF", "0xFFFFFFFE", "one past the end", "0"};
            for (size_t j = 0; j < 4; j++) {
                snprintf(name, sizeof name, "%s: %s length %s", what, f[i].name, labels[j]);
                wire_send_length(emit, arg, name, raw, len, f[i].start, lengths[j]);
                count++;
            }
        }
        wire_cut cuts[4];
        size_t ncuts = 0;
        cuts[ncuts++] = (wire_cut){f[i].start, "before"};
        if (f[i].end - f[i].start > 1) cuts[ncuts++] = (wire_cut){f[i].start + 1, "one byte into"};
        if (f[i].kind == WIRE_SIZED && f[i].end > f[i].start + 5)
            cuts[ncuts++] = (wire_cut){f[i].start + 4, "after the length of"};
        if (f[i].end - 1 > cuts[ncuts - 1].at)
            cuts[ncuts++] = (wire_cut){f[i].end - 1, "one byte before the end of"};
        for (size_t j = 0; j < ncuts; j++) {
            snprintf(name, sizeof name, "%s: cut %s %s", what, cuts[j].where, f[i].name);
            wire_send(emit, arg, name, raw, cuts[j].at);
            count++;
        }
    }
    unsigned char *longer = malloc(len + 7);
    memcpy(longer, raw, len);
    memset(longer + len, 0x41, 7);
    snprintf(name, sizeof name, "%s: one byte added at the end", what);
    wire_send(emit, arg, name, longer, len + 1);
    snprintf(name, sizeof name, "%s: seven bytes added at the end", what);
    wire_send(emit, arg, name, longer, len + 7);
    free(longer);
    return count + 2;
}

/* The decoded bytes of an "?OTR:...." message (the caller frees them); NULL if none. */
static unsigned char *wire_decode(const char *msg, size_t *len)
{
    unsigned char *raw = NULL;
    if (otrl_base64_otr_decode(msg, &raw, len) != 0) return NULL;
    return raw;
}

#endif
