/* Times one modular exponentiation in GMP (mpz_powm_sec, constant time) and in
 * libgcrypt (gcry_mpi_powm, what libotr 4.1.1 calls), for benches/crypto.rs, which
 * times ours on the same numbers and checks that all three agree.
 *
 *   modexp BASE EXPONENT MODULUS MILLISECONDS
 *
 * The numbers are hexadecimal. For each library, one line:
 *   NAME MIN_NS MEDIAN_NS RESULT_HEX
 * with the time per exponentiation of the fastest and the median batch of 10,
 * batches repeated for MILLISECONDS. Needs libgmp-dev and libgcrypt20-dev (for the
 * benchmark only; the library links neither). */
#include <gcrypt.h>
#include <gmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 10
#define MAX_BATCHES 100000

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double samples[MAX_BATCHES];

/* Runs op() in batches for `ms` milliseconds; prints the fastest and median batch. */
static void timed(const char *name, long ms, void (*op)(void), const char *result)
{
    size_t n = 0;
    double end;
    op(); /* warm-up */
    end = now_ns() + ms * 1e6;
    while (n < MAX_BATCHES && (n == 0 || now_ns() < end)) {
        double t = now_ns();
        for (int i = 0; i < BATCH; i++)
            op();
        samples[n++] = (now_ns() - t) / BATCH;
    }
    qsort(samples, n, sizeof samples[0], cmp_double);
    printf("%s %.0f %.0f %s\n", name, samples[0], samples[n / 2], result);
}

static mpz_t zb, ze, zm, zr;
static gcry_mpi_t gb, ge, gm, gr;

static void gmp_op(void) { mpz_powm_sec(zr, zb, ze, zm); }
static void gcry_op(void) { gcry_mpi_powm(gr, gb, ge, gm); }

static gcry_mpi_t gcry_hex(const char *hex)
{
    gcry_mpi_t v = NULL;
    if (gcry_mpi_scan(&v, GCRYMPI_FMT_HEX, hex, 0, NULL)) {
        fprintf(stderr, "modexp: bad number %s\n", hex);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    unsigned char *hex = NULL;
    char *gmp_hex;
    long ms;

    if (argc != 5) {
        fprintf(stderr, "usage: modexp BASE EXPONENT MODULUS MILLISECONDS (hex)\n");
        return 2;
    }
    ms = strtol(argv[4], NULL, 10);
    if (mpz_init_set_str(zb, argv[1], 16) || mpz_init_set_str(ze, argv[2], 16) ||
        mpz_init_set_str(zm, argv[3], 16) || mpz_sgn(ze) <= 0 || mpz_even_p(zm)) {
        fprintf(stderr, "modexp: need hex numbers, a positive exponent, an odd modulus\n");
        return 2;
    }
    mpz_init(zr);
    mpz_powm_sec(zr, zb, ze, zm);
    gmp_hex = mpz_get_str(NULL, 16, zr);
    timed("gmp", ms, gmp_op, gmp_hex);

    if (!gcry_check_version(NULL))
        return 1;
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
    gb = gcry_hex(argv[1]);
    ge = gcry_hex(argv[2]);
    gm = gcry_hex(argv[3]);
    gr = gcry_mpi_new(0);
    gcry_mpi_powm(gr, gb, ge, gm);
    if (gcry_mpi_aprint(GCRYMPI_FMT_HEX, &hex, NULL, gr))
        return 1;
    timed("libgcrypt", ms, gcry_op, (const char *)hex);
    return 0;
}
