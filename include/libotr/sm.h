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
 * The SMP state of a context; clients test `secret` for NULL and read the progress.
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
 * Puts an SMP state in its initial form.
 *
 * # Safety
 * `smst` must be NULL or point to a writable `OtrlSMState`.
 */
void otrl_sm_state_new(struct OtrlSMState *smst);

/**
 * # Safety
 * `smst` must point to a valid `OtrlSMState`.
 */
void otrl_sm_state_init(struct OtrlSMState *smst);

/**
 * Drops an SMP exchange, leaving a usable initial state (bitlbee calls this on a
 * live context and then expects `secret` to be NULL).
 *
 * # Safety
 * `smst` must be NULL or point to a valid `OtrlSMState`.
 */
void otrl_sm_state_free(struct OtrlSMState *smst);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step1(struct OtrlSMState *astate,
                           const unsigned char *secret,
                           int secretlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step2a(struct OtrlSMState *bstate,
                            const unsigned char *input,
                            int inputlen,
                            int received_question);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step2b(struct OtrlSMState *bstate,
                            const unsigned char *secret,
                            int secretlen,
                            unsigned char **output,
                            int *outputlen);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step3(struct OtrlSMState *astate,
                           const unsigned char *input,
                           int inputlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step4(struct OtrlSMState *bstate,
                           const unsigned char *input,
                           int inputlen,
                           unsigned char **output,
                           int *outputlen);

/**
 * # Safety
 * The pointers must be valid for the types and lengths they name.
 */
gcry_error_t otrl_sm_step5(struct OtrlSMState *astate, const unsigned char *input, int inputlen);

#endif  /* __SM_H__ */
