// SPDX-License-Identifier: MIT
/*
 * net: signed trust blobs on the device. Checks the ECDSA P-256 / SHA-256
 * signature of a JTBL blob (blob/FORMAT.md section 6) with mbedTLS against
 * keys the program configured, refuses unsigned and badly signed blobs when
 * any key is configured, and only then applies anti-rollback. Blob files
 * are read into memory once; the verified bytes are the bytes used.
 */
#define _POSIX_C_SOURCE 200809L
#include "jittrust/blob-verify.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

#include "jittrust/error.h"

#include "alloc-int.h"

/* Longest P-256 SubjectPublicKeyInfo DER (91 bytes) with room to spare. */
#define SPKI_MAX 160
#define FILE_MAX_DEFAULT ((size_t)64 * 1024 * 1024)

/*
 * Parse |spki|/|len| into |pk| and check it is ECDSA P-256; write its
 * SPKI DER into |der| (cap SPKI_MAX), returning its start and length.
 * Returns 0 or JT_ERR_BLOB_PUBKEY (|pk| is then still to be freed).
 */
static int
load_key(mbedtls_pk_context *pk, const uint8_t *spki, size_t len,
         uint8_t der[SPKI_MAX], const uint8_t **d, size_t *dlen)
{
    int n;

    if (mbedtls_pk_parse_public_key(pk, spki, len) != 0 ||
        mbedtls_pk_get_type(pk) != MBEDTLS_PK_ECKEY ||
        mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
        return JT_ERR_BLOB_PUBKEY;
    n = mbedtls_pk_write_pubkey_der(pk, der, SPKI_MAX);
    if (n <= 0)
        return JT_ERR_BLOB_PUBKEY;
    *d = der + SPKI_MAX - n;
    *dlen = (size_t)n;
    return 0;
}

int
jt_blob_key_id(const uint8_t *spki, size_t len, uint8_t id[JT_BLOB_KEYID_LEN])
{
    mbedtls_pk_context pk;
    uint8_t der[SPKI_MAX], h[32];
    const uint8_t *d;
    size_t dlen;
    int rc;

    if (spki == NULL || id == NULL || len == 0)
        return JT_ERR_INVAL;
    mbedtls_pk_init(&pk);
    rc = load_key(&pk, spki, len, der, &d, &dlen);
    if (rc == 0 && mbedtls_sha256_ret(d, dlen, h, 0) != 0)
        rc = JT_ERR_BLOB_PUBKEY;
    if (rc == 0)
        memcpy(id, h, JT_BLOB_KEYID_LEN);
    mbedtls_pk_free(&pk);
    return rc;
}

int
jt_blob_verify_signature(const struct jt_blob *b, const uint8_t *spki,
                         size_t len)
{
    mbedtls_pk_context pk;
    struct jt_span keyid, sig, data;
    uint8_t der[SPKI_MAX], h[32];
    const uint8_t *d;
    size_t dlen;
    unsigned alg;
    int rc;

    if (b == NULL || spki == NULL || len == 0)
        return JT_ERR_INVAL;
    rc = jt_blob_signature(b, &alg, &keyid, &sig);
    if (rc == 0)
        rc = jt_blob_signed_data(b, &data);
    if (rc != 0)
        return rc;
    if (alg != JT_BLOB_SIG_ECDSA_P256_SHA256)
        return JT_ERR_BLOB_SIG;
    mbedtls_pk_init(&pk);
    rc = load_key(&pk, spki, len, der, &d, &dlen);
    if (rc == 0 && mbedtls_sha256_ret(d, dlen, h, 0) != 0)
        rc = JT_ERR_BLOB_PUBKEY;
    if (rc == 0 && (keyid.len != JT_BLOB_KEYID_LEN ||
                    memcmp(keyid.p, h, JT_BLOB_KEYID_LEN) != 0))
        rc = JT_ERR_BLOB_SIGNER;
    if (rc == 0 && mbedtls_sha256_ret(data.p, data.len, h, 0) != 0)
        rc = JT_ERR_BLOB_BAD_SIGNATURE;
    if (rc == 0 &&
        mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, h, 32, sig.p, sig.len) != 0)
        rc = JT_ERR_BLOB_BAD_SIGNATURE;
    mbedtls_pk_free(&pk);
    return rc;
}

/* Try every configured key; the first whose key id matches decides. */
static int
verify_any(const struct jt_blob *b, const struct jt_blob_trust *t)
{
    int rc = JT_ERR_BLOB_SIGNER;

    for (size_t i = 0; i < t->nkeys; i++) {
        int r = jt_blob_verify_signature(b, t->keys[i].p, t->keys[i].len);
        if (r == 0)
            return 0;
        if (r != JT_ERR_BLOB_SIGNER && r != JT_ERR_BLOB_PUBKEY)
            return r;
        if (r == JT_ERR_BLOB_PUBKEY)
            rc = r;
    }
    return rc;
}

int
jt_blob_open_verified(struct jt_blob *b, const uint8_t *buf, size_t len,
                      const struct jt_blob_trust *t)
{
    struct jt_blob_open_opts o = {0, 0};
    struct jt_blob tmp;
    int rc;

    if (b == NULL || buf == NULL)
        return JT_ERR_INVAL;
    memset(b, 0, sizeof(*b));
    if (t != NULL && t->nkeys > 0 && t->keys == NULL)
        return JT_ERR_INVAL;
    if (t != NULL && t->nkeys > 0)
        o.flags = JT_BLOB_OPEN_REQUIRE_SIGNED;
    rc = jt_blob_open(&tmp, buf, len, &o);
    if (rc == 0 && t != NULL && t->nkeys > 0)
        rc = verify_any(&tmp, t);
    /* The generation means something only once the signature holds. */
    if (rc == 0 && t != NULL && jt_blob_generation(&tmp) < t->min_generation)
        rc = JT_ERR_BLOB_ROLLBACK;
    if (rc == 0)
        *b = tmp;
    return rc;
}

void
jt_blob_file_init(struct jt_blob_file *f)
{
    if (f != NULL)
        memset(f, 0, sizeof(*f));
}

void
jt_blob_file_free(struct jt_blob_file *f)
{
    if (f == NULL)
        return;
    jti_free(f->alloc, f->buf);
    memset(f, 0, sizeof(*f));
}

int
jt_blob_file_errno(const struct jt_blob_file *f)
{
    return f != NULL ? f->sys_errno : 0;
}

/* Read all of |fd| (a regular file of at most |max| bytes) into |f|. */
static int
read_fd(struct jt_blob_file *f, int fd, size_t max)
{
    struct stat st;
    size_t got = 0;

    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        f->sys_errno = errno ? errno : EINVAL;
        return JT_ERR_BLOB_FILE;
    }
    if ((uint64_t)st.st_size > max)
        return JT_ERR_BLOB_FILE_TOO_BIG;
    f->len = (size_t)st.st_size;
    f->buf = jti_alloc(f->alloc, f->len ? f->len : 1);
    if (f->buf == NULL)
        return JT_ERR_NOMEM;
    while (got < f->len) {
        ssize_t r = read(fd, f->buf + got, f->len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            f->sys_errno = r < 0 ? errno : EIO;
            return JT_ERR_BLOB_FILE;
        }
        got += (size_t)r;
    }
    return 0;
}

int
jt_blob_file_load(struct jt_blob_file *f, const char *path, size_t max_len,
                  const struct jt_blob_trust *t, const struct jt_alloc *a)
{
    int fd, rc;

    if (f == NULL || path == NULL)
        return JT_ERR_INVAL;
    jt_blob_file_free(f);
    f->alloc = a;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        f->sys_errno = errno;
        return JT_ERR_BLOB_FILE;
    }
    rc = read_fd(f, fd, max_len ? max_len : FILE_MAX_DEFAULT);
    close(fd);
    if (rc == 0)
        rc = jt_blob_open_verified(&f->blob, f->buf, f->len, t);
    if (rc != 0) {
        int e = f->sys_errno;
        jt_blob_file_free(f);
        f->alloc = a;
        f->sys_errno = e;
    }
    return rc;
}
