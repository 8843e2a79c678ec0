// SPDX-License-Identifier: MIT
/*
 * fuzz: the trust blob reader and writer (blob/FORMAT.md).
 *
 * Open mode (first byte not 'R'): the whole input is a blob (JTBL or TBLB).
 * When it opens, every entry is read, every index record must find its own
 * entry, every entry's SHA-256 must find that entry, and keys cut from the
 * input's tail are looked up (every type, several lengths).
 *
 * Round-trip mode (first byte 'R'): the rest is up to 16 concatenated DER
 * certificates (split by their outer SEQUENCE length). The ones that parse
 * are written as a full and an index-only blob (signed when the second byte
 * is odd); both must open, and every key of every certificate must find its
 * entry with the right SHA-256 and DER. Any broken invariant aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/sha256.h>

#include "jittrust/blob.h"
#include "jittrust/der.h"
#include "jittrust/error.h"
#include "jittrust/hash.h"
#include "jittrust/key.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CERTS 16

static void
die(const char *why)
{
    fprintf(stderr, "fuzz-blob: %s\n", why);
    abort();
}

/* Does a lookup of |k| return entry |want|? Also bounds the iteration. */
static int
finds(const struct jt_blob *b, const struct jt_key *k, size_t want)
{
    struct jt_blob_iter it;
    size_t e, n = 0;
    int rc, hit = 0;

    memset(&it, 0, sizeof(it));
    while ((rc = jt_blob_find(b, k, &it, &e)) == 1) {
        if (e >= jt_blob_count(b) || ++n > jt_blob_key_count(b) + 1)
            die("find: entry out of range or endless");
        hit |= e == want;
    }
    if (rc != 0 || jt_blob_find(b, k, &it, &e) != 0)
        die("find: bad end of iteration");
    return hit;
}

static void
check_entries(const struct jt_blob *b, const uint8_t *data, size_t size)
{
    struct jt_blob_entry e;
    size_t x;

    for (size_t i = 0; i < jt_blob_count(b); i++) {
        if (jt_blob_entry(b, i, &e) != 0)
            die("entry failed on an open blob");
        if (e.der.len != 0 && (e.der.p < data || e.der.len > size ||
                               e.der.p + e.der.len > data + size))
            die("entry DER outside the blob");
        if (e.sha256 != NULL &&
            (jt_blob_find_sha256(b, e.sha256, &x) != 0 || x != i))
            die("entry not found by its own SHA-256");
    }
}

static void
open_mode(const uint8_t *data, size_t size)
{
    struct jt_blob_open_opts pend = {0, JT_BLOB_OPEN_ALLOW_PENDING};
    struct jt_span sp, kid, sig;
    struct jt_blob b;
    struct jt_key k;
    unsigned alg;
    size_t e;

    if (jt_blob_open(&b, data, size, &pend) != 0)
        return;
    check_entries(&b, data, size);
    for (size_t i = 0; i < jt_blob_key_count(&b); i++) {
        if (jt_blob_key(&b, i, &k, &e) != 0 || !finds(&b, &k, e))
            die("index record does not find its own entry");
    }
    for (unsigned t = JT_KEY_SKID; t <= JT_KEY_SUBJECT; t++) {
        static const uint8_t lens[] = {1, 20, 32, 40, 64};

        for (size_t l = 0; l < sizeof(lens); l++) {
            if (lens[l] > size)
                continue;
            k.type = (uint8_t)t;
            k.len = lens[l];
            memcpy(k.b, data + size - lens[l], lens[l]);
            (void)finds(&b, &k, SIZE_MAX);
        }
    }
    if (jt_blob_signed_data(&b, &sp) == 0 &&
        (sp.p != data || sp.len + JT_BLOB_SIG_BLOCK_LEN != size))
        die("signed span is not everything but the signature block");
    (void)jt_blob_signature(&b, &alg, &kid, &sig);
}

/* Split |p|/|len| into DER SEQUENCE elements that parse as certificates. */
static size_t
split_certs(const uint8_t *p, size_t len, struct jt_blob_input *in)
{
    struct jt_der_cert c;
    size_t n = 0, body, hdr;

    while (len >= 4 && n < MAX_CERTS && p[0] == 0x30) {
        if (p[1] == 0x82) {
            body = (size_t)p[2] << 8 | p[3], hdr = 4;
        } else if (p[1] == 0x81) {
            body = p[2], hdr = 3;
        } else {
            body = p[1] & 0x7fu, hdr = 2;
        }
        if (body > len - hdr)
            break;
        if (jt_der_cert_parse(&c, p, hdr + body) == 0) {
            memset(&in[n], 0, sizeof(in[n]));
            in[n].der = p;
            in[n].len = hdr + body;
            in[n].distrust_after = (int64_t)n * 1000 - 2000;
            if (mbedtls_sha256_ret(p, hdr + body, in[n].sha256, 0) != 0)
                die("sha256");
            n++;
        }
        p += hdr + body;
        len -= hdr + body;
    }
    return n;
}

/* Every key of |in| finds its entry in the blob |b| made from it. */
static void
check_cert(const struct jt_blob *b, const struct jt_blob_input *in)
{
    struct jt_blob_entry e;
    struct jt_der_cert c;
    struct jt_key k[3];
    size_t x;

    if (jt_blob_find_sha256(b, in->sha256, &x) != 0 ||
        jt_blob_entry(b, x, &e) != 0 || e.distrust_after != in->distrust_after)
        die("written certificate not found by SHA-256");
    if (jt_blob_kind(b) == JT_BLOB_FULL &&
        (e.der.len != in->len || memcmp(e.der.p, in->der, in->len) != 0))
        die("written DER differs");
    if (jt_der_cert_parse(&c, in->der, in->len) != 0)
        die("certificate parsed once, not twice");
    if (jt_key_skid(&k[0], &c) != 0 &&
        jt_key_computed(&k[0], &c, jt_hash_ops_mbedtls()) != 0)
        die("no primary key");
    if (jt_key_issuer_serial(&k[1], &c, jt_hash_ops_mbedtls()) != 0 ||
        jt_key_subject(&k[2], &c, jt_hash_ops_mbedtls()) != 0)
        die("no issuer+serial or subject key");
    for (int j = 0; j < 3; j++)
        if (!finds(b, &k[j], x))
            die("key of a written certificate not found");
}

static void
roundtrip_mode(const uint8_t *data, size_t size)
{
    struct jt_blob_input in[MAX_CERTS];
    unsigned flags = size > 1 && (data[1] & 1) ? JT_BLOB_WRITE_SIGNED : 0;
    size_t n = size > 2 ? split_certs(data + 2, size - 2, in) : 0;

    for (int kind = JT_BLOB_FULL; kind <= JT_BLOB_INDEX_ONLY; kind++) {
        struct jt_blob_write_opts o = {
            kind, 3, 4, "fuzz", jt_hash_ops_mbedtls(), flags, NULL};
        struct jt_blob_open_opts oo = {3, JT_BLOB_OPEN_ALLOW_PENDING};
        struct jt_blob b;
        size_t need = 0, used = 0;
        uint8_t *out;
        int rc = jt_blob_write(in, n, &o, NULL, 0, &need);

        if (rc != JT_ERR_NOSPC)
            return; /* no certs, a key too long: refused before writing */
        out = malloc(need);
        if (out == NULL)
            die("malloc");
        rc = jt_blob_write(in, n, &o, out, need, &used);
        if (rc == 0 && (used != need || jt_blob_open(&b, out, used, &oo) != 0))
            die("written blob does not open");
        if (rc != 0 && rc != JT_ERR_BLOB_DUP_CERT)
            die("write failed after sizing passed");
        for (size_t i = 0; rc == 0 && i < n; i++)
            check_cert(&b, &in[i]);
        free(out);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == 'R')
        roundtrip_mode(data, size);
    else
        open_mode(data, size);
    return 0;
}
