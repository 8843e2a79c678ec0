// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): `sign` and `verify`. Signing adds (or refills) the
 * 96-byte signature block of a JTBL blob: ECDSA P-256 over SHA-256 of every
 * byte before the block, with the key id = the first 8 bytes of SHA-256 of
 * the signer's SubjectPublicKeyInfo (blob/FORMAT.md section 6). Verifying
 * goes through libjittrust's device API (jt_blob_open_verified), so the
 * tool checks exactly what a device checks.
 */
#define _GNU_SOURCE
#include "bg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "jittrust/blob-verify.h"
#include "jittrust/error.h"

/* JTBL header fields (FORMAT.md section 3). */
#define H_FLAGS 0x08
#define H_TOTAL 0x14
#define H_SIG_OFF 0x50
#define H_SIG_LEN 0x54
#define MAX_PUBKEYS 8

static void
put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/*
 * |*buf|/|*len| opened as |b|: make sure it has a signature block (append a
 * pending one to an unsigned JTBL blob, fixing the header), then reopen.
 */
static int
reserve_block(const char *path, struct jt_blob *b, uint8_t **buf, size_t *len)
{
    struct jt_blob_open_opts o = {0, JT_BLOB_OPEN_ALLOW_PENDING};
    uint8_t *nb;
    int rc;

    if (jt_blob_format(b) != JT_BLOB_FMT_JTBL)
        return bg_err(path, "a libwebsockets TBLB blob cannot be signed "
                            "(rebuild it as JTBL with jt-blob build)");
    if (jt_blob_is_signed(b))
        return 0;
    if (*len > UINT32_MAX - JT_BLOB_SIG_BLOCK_LEN)
        return bg_err(path, "blob too large to sign");
    nb = realloc(*buf, *len + JT_BLOB_SIG_BLOCK_LEN);
    if (nb == NULL)
        return bg_err(path, "out of memory");
    memset(nb + *len, 0, JT_BLOB_SIG_BLOCK_LEN);
    put32(nb + H_FLAGS, 1);
    put32(nb + H_SIG_OFF, (uint32_t)*len);
    put32(nb + H_SIG_LEN, JT_BLOB_SIG_BLOCK_LEN);
    *len += JT_BLOB_SIG_BLOCK_LEN;
    put32(nb + H_TOTAL, (uint32_t)*len);
    *buf = nb;
    rc = jt_blob_open(b, nb, *len, &o);
    if (rc != 0)
        return bg_err(path, "cannot add a signature block: %s",
                      jt_strerror(rc));
    return 0;
}

/* Load the P-256 private key |path| and its SPKI DER. */
static int
load_private(const char *path, mbedtls_pk_context *pk, uint8_t *spki,
             size_t cap, const uint8_t **d, size_t *dlen)
{
    int n;

    if (mbedtls_pk_parse_keyfile(pk, path, NULL) != 0)
        return bg_err(path, "not a readable, unencrypted private key");
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY ||
        mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
        return bg_err(path, "not an ECDSA P-256 key");
    n = mbedtls_pk_write_pubkey_der(pk, spki, cap);
    if (n <= 0)
        return bg_err(path, "cannot encode the public key");
    *d = spki + cap - n;
    *dlen = (size_t)n;
    return 0;
}

/* ECDSA-sign the 32-byte hash |h| with |pk| into |sig|. 0 or -1. */
static int
ecdsa_sign(mbedtls_pk_context *pk, const uint8_t h[32], uint8_t *sig,
           size_t *sig_len)
{
    mbedtls_entropy_context ent;
    mbedtls_ctr_drbg_context drbg;
    int rc;

    mbedtls_entropy_init(&ent);
    mbedtls_ctr_drbg_init(&drbg);
    rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent,
                               (const uint8_t *)"jt-blob", 7);
    if (rc == 0)
        rc = mbedtls_pk_sign(pk, MBEDTLS_MD_SHA256, h, 32, sig, sig_len,
                             mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&ent);
    return rc == 0 ? 0 : -1;
}

/* Sign the opened blob |b| (in |buf|) with |pk|, whose key id is |id|. */
static int
sign_blob(const char *path, struct jt_blob *b, uint8_t *buf, size_t len,
          mbedtls_pk_context *pk, const uint8_t id[JT_BLOB_KEYID_LEN])
{
    uint8_t h[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    struct jt_span data;
    size_t sig_len = 0;
    int rc = jt_blob_signed_data(b, &data);

    if (rc != 0)
        return bg_err(path, "cannot sign: %s", jt_strerror(rc));
    if (mbedtls_sha256_ret(data.p, data.len, h, 0) != 0 ||
        ecdsa_sign(pk, h, sig, &sig_len) != 0)
        return bg_err(path, "signing failed (mbedTLS)");
    rc = jt_blob_write_signature(buf, len, JT_BLOB_SIG_ECDSA_P256_SHA256, id,
                                 sig, sig_len);
    if (rc != 0)
        return bg_err(path, "cannot store the signature: %s", jt_strerror(rc));
    return 0;
}

static const char usage_sign[] =
    "usage: jt-blob sign --key KEY [-o OUT] BLOB\n"
    "\n"
    "Signs BLOB (a JTBL blob, full or index-only) with the ECDSA P-256\n"
    "private key KEY (PEM or DER, unencrypted). An unsigned blob gets a\n"
    "signature block; a signed one is signed again. The signature covers\n"
    "every byte of the blob except the signature block itself, including\n"
    "the generation. Writes OUT (default: BLOB, replaced atomically).\n"
    "Make a key with:\n"
    "  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
    "-out sign.key\n"
    "  openssl pkey -in sign.key -pubout -out sign.pub\n";

static int
sign_parse(int argc, char **argv, const char **key, const char **out)
{
    static const struct option lo[] = {{"key", required_argument, NULL, 'k'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    int c;

    *key = *out = NULL;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        if (c == 'k')
            *key = optarg;
        else if (c == 'o')
            *out = optarg;
        else {
            fputs(usage_sign, c == 'h' ? stdout : stderr);
            return c == 'h' ? 1 : -1;
        }
    }
    if (*key == NULL || optind != argc - 1) {
        fputs(usage_sign, stderr);
        return -1;
    }
    return 0;
}

int
bg_cmd_sign(int argc, char **argv)
{
    mbedtls_pk_context pk;
    struct bg_out out = {0};
    struct jt_blob b;
    uint8_t *buf = NULL, spki[160], id[JT_BLOB_KEYID_LEN];
    const uint8_t *d = NULL;
    const char *key, *dst, *src;
    size_t len = 0, dlen = 0;
    int rc = sign_parse(argc, argv, &key, &dst);

    if (rc != 0)
        return rc > 0 ? 0 : BG_EXIT_ERR;
    src = argv[optind];
    if (dst == NULL)
        dst = src;
    mbedtls_pk_init(&pk);
    rc = load_private(key, &pk, spki, sizeof(spki), &d, &dlen);
    if (rc == 0 && jt_blob_key_id(d, dlen, id) != 0)
        rc = bg_err(key, "cannot make the key id");
    if (rc == 0)
        rc = bg_blob_load(src, 1, &b, &buf, &len);
    if (rc == 0)
        rc = reserve_block(src, &b, &buf, &len);
    if (rc == 0)
        rc = sign_blob(src, &b, buf, len, &pk, id);
    if (rc == 0)
        rc = bg_out_file(&out, dst, buf, len);
    if (rc == 0)
        rc = bg_out_commit(&out);
    bg_out_abort(&out);
    mbedtls_pk_free(&pk);
    free(buf);
    return rc == 0 ? 0 : BG_EXIT_ERR;
}

static const char usage_verify[] =
    "usage: jt-blob verify --pubkey PUB [--pubkey PUB2 ...]\n"
    "                      [--min-generation N] BLOB\n"
    "\n"
    "Checks BLOB as a device configured with these public keys does\n"
    "(libjittrust's jt_blob_open_verified): the blob must be a signed JTBL\n"
    "blob, its key id must name one of the keys and its signature must\n"
    "verify; then its generation must be at least N (the generation the\n"
    "device uses now: anti-rollback). Exit 0 good, 1 refused, 2 error.\n";

/* Read public key |path| into slot |*n| of |keys|/|kbuf|. 0 or -1. */
static int
add_pubkey(const char *path, struct jt_span *keys, uint8_t **kbuf, size_t *n)
{
    size_t kl;

    kbuf[*n] = bg_read_file(path, (size_t)1 << 16, &kl);
    if (kbuf[*n] == NULL)
        return -1;
    /* PEM is parsed with its terminating NUL (bg_read_file adds one). */
    keys[*n].p = kbuf[*n];
    keys[*n].len = strstr((char *)kbuf[*n], "-----BEGIN") ? kl + 1 : kl;
    (*n)++;
    return 0;
}

int
bg_cmd_verify(int argc, char **argv)
{
    static const struct option lo[] = {
        {"pubkey", required_argument, NULL, 'p'},
        {"min-generation", required_argument, NULL, 'g'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct jt_span keys[MAX_PUBKEYS];
    uint8_t *kbuf[MAX_PUBKEYS] = {0}, *buf = NULL;
    struct jt_blob_trust t = {keys, 0, 0};
    struct jt_blob b;
    size_t len = 0;
    char *end;
    int c, rc = BG_EXIT_ERR;

    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'p' && t.nkeys < MAX_PUBKEYS) {
            if (add_pubkey(optarg, keys, kbuf, &t.nkeys) != 0)
                goto out;
        } else if (c == 'g') {
            errno = 0;
            t.min_generation = strtoull(optarg, &end, 10);
            if (errno || *end || optarg[0] == '-' || !optarg[0]) {
                bg_err(optarg, "--min-generation needs a decimal number");
                goto out;
            }
        } else {
            fputs(usage_verify, c == 'h' ? stdout : stderr);
            rc = c == 'h' ? 0 : BG_EXIT_ERR;
            goto out;
        }
    }
    if (t.nkeys == 0 || optind != argc - 1) {
        fputs(usage_verify, stderr);
        goto out;
    }
    buf = bg_read_file(argv[optind], BG_FILE_MAX, &len);
    if (buf == NULL)
        goto out;
    c = jt_blob_open_verified(&b, buf, len, &t);
    if (c != 0) {
        bg_err(argv[optind], "refused: %s", jt_strerror(c));
        rc = BG_EXIT_NO;
        goto out;
    }
    printf("%s: good signature, generation %llu, %zu CAs\n", argv[optind],
           (unsigned long long)jt_blob_generation(&b), jt_blob_count(&b));
    rc = 0;
out:
    for (size_t i = 0; i < MAX_PUBKEYS; i++)
        free(kbuf[i]);
    free(buf);
    return rc;
}
