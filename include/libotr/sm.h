/* libotr 4.1.1 API, generated from otr-rs by cbindgen: edit the Rust source, not this file. */

#ifndef __SM_H__
#define __SM_H__

#ifndef OTRL_TYPEDEF_OTRLSMSTATE
#define OTRL_TYPEDEF_OTRLSMSTATE
typedef struct OtrlSMState OtrlSMState;
#endif
#if defined(__has_include)
#  if __has_include(<gcrypt.h>)
#    define OTRL_HAVE_GCRYPT_H 1
#  endif
#else
#  define OTRL_HAVE_GCRYPT_H 1
#endif
#ifdef OTRL_HAVE_GCRYPT_H
#include <gcrypt.h>
#elif !defined(OTRL_GCRYPT_NAMES)
#define OTRL_GCRYPT_NAMES
typedef unsigned int gcry_error_t;
typedef struct gcry_mpi *gcry_mpi_t;
typedef struct gcry_sexp *gcry_sexp_t;
typedef struct gcry_cipher_handle *gcry_cipher_hd_t;
typedef struct gcry_md_handle *gcry_md_hd_t;
#define GCRY_MD_SHA256 8
#endif
#define SM_HASH_ALGORITHM GCRY_MD_SHA256


#define SM_DIGEST_SIZE 32

typedef unsigned int NextExpectedSMP;

typedef int OtrlSMProgState;

/**
 * An SMP state. A context's is driven by the message functions (clients test `secret`
 * for NULL and read the progress); one driven by `otrl_sm_step*` holds the exchange in
 * its numbers, which are then this library's objects (see `otrl_sm_state_init`).
 */
struct OtrlSMState {
  gcry_mpi_t secret;
  gcry_mpi_t x2;
  gcry_mpi_t x3;
  gcry_mpi_t g1;
  gcry_mpi_t g2;
  gcry_mpi_t g3;
  gcry_mpi_t g3o;
  gcry_mpi_t p;
  gcry_mpi_t q;
  gcry_mpi_t pab;
  gcry_mpi_t qab;
  NextExpectedSMP nextExpected;
  int received_question;
  OtrlSMProgState sm_prog_state;
};

/**
 * The state as Alice (who started the exchange) uses it.
 */
typedef struct OtrlSMState OtrlSMAliceState;

/**
 * The state as Bob (who answers) uses it.
 */
typedef struct OtrlSMState OtrlSMBobState;

#define OTRL_SMP_EXPECT1 0

#define OTRL_SMP_EXPECT2 1

#define OTRL_SMP_EXPECT3 2

#define OTRL_SMP_EXPECT4 3

#define OTRL_SMP_EXPECT5 4

#define OTRL_SMP_PROG_OK 0

#define OTRL_SMP_PROG_CHEATED -2

#define OTRL_SMP_PROG_FAILED -1

#define OTRL_SMP_PROG_SUCCEEDED 1

/**
 * Sets up the SMP group; nothing to do (the group is a constant).
 */
void otrl_sm_init(void);

/**
 * Puts an SMP state in its initial form: every number NULL, expecting SMP message 1,
 * no question, progress OK. Whatever the struct held before is overwritten, not freed.
 *
 * # Safety
 * `smst` must be NULL or point to a writable `OtrlSMState`.
 */
void otrl_sm_state_new(struct OtrlSMState *smst);

/**
 * Starts an SMP state afresh, as before a first exchange: frees what it held (see
 * `otrl_sm_state_free`), then sets `secret`, `g1` … `qab` to our number objects
 * (`g1` is the generator 2, the others 0) with `x2` and `x3` NULL, as libotr does.
 *
 * The numbers are this library's objects, not libgcrypt MPIs: a client may test them
 * for NULL but must not give them to libgcrypt.
 *
 * # Safety
 * `smst` must be NULL or point to a valid `OtrlSMState`.
 */
void otrl_sm_state_init(struct OtrlSMState *smst);

/**
 * Frees the numbers of an SMP state (wiping the secrets) and puts it back in its
 * initial form (`otrl_sm_state_new`), ready for another exchange. bitlbee calls this on
 * a live context's state; the context then forgets its exchange too.
 *
 * # Safety
 * `smst` must be NULL or point to a valid `OtrlSMState` whose numbers are NULL or
 * came from this library.
 */
void otrl_sm_state_free(struct OtrlSMState *smst);

/**
 * Alice begins an exchange with her secret (big-endian bytes, at most 192): the state
 * is initialised first if it never was (`g1` NULL, which also rewinds `nextExpected`),
 * and SMP message 1 is returned in `*output` (`malloc`ed, for the caller to `free`).
 * Progress becomes OK and `received_question` 0. `nextExpected` is left alone.
 *
 * Returns 0, or `GPG_ERR_INV_VALUE` for a longer secret (libotr would accept one).
 *
 * # Safety
 * `astate` must point to a valid `OtrlSMState`, `secret` to `secretlen` bytes, `output`
 * and `outputlen` to writable values.
 */
gcry_error_t otrl_sm_step1(OtrlSMAliceState *astate,
                           const unsigned char *secret,
                           int secretlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * Bob receives SMP message 1 (initialising the state first if it never was): checks
 * it and prepares his part; the secret comes later (`otrl_sm_step2b`).
 * `received_question` is stored as given. Progress becomes OK, or CHEATED with
 * `GPG_ERR_INV_VALUE` for a malformed message or a failed proof.
 *
 * # Safety
 * `bstate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes.
 */
gcry_error_t otrl_sm_step2a(OtrlSMBobState *bstate,
                            const unsigned char *input,
                            int inputlen,
                            int received_question);

/**
 * Bob answers with his secret (big-endian bytes, at most 192): SMP message 2 in
 * `*output` (`malloc`ed, for the caller to `free`). Progress is left alone.
 *
 * Returns 0, or `GPG_ERR_INV_VALUE` when no checked SMP message 1 waits in this state
 * (libotr would compute with missing values) or the secret is longer.
 *
 * # Safety
 * As `otrl_sm_step1`.
 */
gcry_error_t otrl_sm_step2b(OtrlSMBobState *bstate,
                            const unsigned char *secret,
                            int secretlen,
                            unsigned char **output,
                            int *outputlen);

/**
 * Alice receives SMP message 2: checks it and returns SMP message 3 in `*output`
 * (`malloc`ed, for the caller to `free`). Progress becomes OK, or CHEATED with
 * `GPG_ERR_INV_VALUE` for a malformed message, a failed proof, or a state that has not
 * sent SMP message 1.
 *
 * # Safety
 * `astate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes, `output`
 * and `outputlen` to writable values.
 */
gcry_error_t otrl_sm_step3(OtrlSMAliceState *astate,
                           const unsigned char *input,
                           int inputlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * Bob receives SMP message 3: checks it, returns SMP message 4 in `*output`
 * (`malloc`ed, for the caller to `free`) and compares the secrets. Returns 0 with
 * progress SUCCEEDED when they are equal, `GPG_ERR_INV_VALUE` with progress FAILED (and
 * the output) when they differ, `GPG_ERR_INV_VALUE` with progress CHEATED (no output)
 * for a malformed message, a failed proof, or a state that has not sent SMP message 2.
 * The exchange's numbers are wiped once compared.
 *
 * # Safety
 * As `otrl_sm_step3`.
 */
gcry_error_t otrl_sm_step4(OtrlSMBobState *bstate,
                           const unsigned char *input,
                           int inputlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * Alice receives SMP message 4 and compares the secrets: 0 with progress SUCCEEDED when
 * they are equal, `GPG_ERR_INV_VALUE` with progress FAILED when they differ,
 * `GPG_ERR_INV_VALUE` with progress CHEATED for a malformed message, a failed proof,
 * or a state that has not sent SMP message 3. The exchange's numbers are wiped once
 * compared.
 *
 * # Safety
 * `astate` must point to a valid `OtrlSMState`, `input` to `inputlen` bytes.
 */
gcry_error_t otrl_sm_step5(OtrlSMAliceState *astate, const unsigned char *input, int inputlen);

#endif  /* __SM_H__ */
