/* SPDX-License-Identifier: MIT */
/*
 * blob-verify: signed trust blobs on the device (net layer; uses mbedTLS,
 * but this header does not include it). Verifies a blob's ECDSA P-256
 * signature (blob/FORMAT.md section 6) with keys the program was configured
 * with, refuses unsigned or badly signed blobs whenever a key is
 * configured, and refuses a generation older than the one in use
 * (anti-rollback). A blob file is read into memory once and verified and
 * used from those same bytes. Also: the built-in default trust, compiled in
 * at build time (meson -Ddefault_trust).
 *
 * Objects are single-thread; an opened struct jt_blob may be shared
 * read-only (see blob.h).
 */
#ifndef JITTRUST_BLOB_VERIFY_H
#define JITTRUST_BLOB_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/alloc.h"
#include "jittrust/blob.h"
#include "jittrust/der.h"
#include "jittrust/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a device accepts. */
struct jt_blob_trust {
    /* SubjectPublicKeyInfo DER (or NUL-terminated PEM, length including the
     * NUL) of each accepted signing key, ECDSA P-256. Borrowed. */
    const struct jt_span *keys;
    /* 0: no key configured: signatures are not checked and unsigned blobs
     * are accepted. >= 1: the blob must be signed by one of |keys|. */
    size_t nkeys;
    /* The generation in use: a blob with a lower generation is refused
     * (JT_ERR_BLOB_ROLLBACK); an equal one is accepted. */
    uint64_t min_generation;
};

/*
 * jt_blob_key_id() - the signing key id of |spki|/|len| (the first 8 bytes
 * of SHA-256 over the SubjectPublicKeyInfo DER; a PEM key is converted).
 * Returns 0, JT_ERR_INVAL or JT_ERR_BLOB_PUBKEY (not an ECDSA P-256 key).
 */
JT_API int jt_blob_key_id(const uint8_t *spki, size_t len,
                          uint8_t id[JT_BLOB_KEYID_LEN]);

/*
 * jt_blob_verify_signature() - check the signature of the opened JTBL blob
 * |b| with the one key |spki|/|len|.
 *
 * Returns 0 when the signature over jt_blob_signed_data() verifies, or:
 * JT_ERR_INVAL (NULL argument), JT_ERR_STATE (|b| not open),
 * JT_ERR_BLOB_UNSIGNED (no signature; always for TBLB),
 * JT_ERR_BLOB_SIG_PENDING, JT_ERR_BLOB_SIG (unknown algorithm),
 * JT_ERR_BLOB_PUBKEY, JT_ERR_BLOB_SIGNER (the blob names another key id),
 * JT_ERR_BLOB_BAD_SIGNATURE (the signature does not verify).
 */
JT_API int jt_blob_verify_signature(const struct jt_blob *b,
                                    const uint8_t *spki, size_t len);

/*
 * jt_blob_open_verified() - jt_blob_open() plus the device policy |t|
 * (NULL: no key, no minimum generation). With keys configured the blob must
 * be a signed JTBL blob whose key id names one of them and whose signature
 * verifies; only then is its generation compared with t->min_generation.
 * |buf| is borrowed as for jt_blob_open() and must not change afterwards:
 * the bytes verified are the bytes used. On failure |b| is zeroed.
 *
 * Returns 0, JT_ERR_INVAL, every jt_blob_open() code, and
 * JT_ERR_BLOB_UNSIGNED, JT_ERR_BLOB_PUBKEY, JT_ERR_BLOB_SIGNER,
 * JT_ERR_BLOB_BAD_SIGNATURE, JT_ERR_BLOB_ROLLBACK.
 */
JT_API int jt_blob_open_verified(struct jt_blob *b, const uint8_t *buf,
                                 size_t len, const struct jt_blob_trust *t);

/* A blob read from a file into memory (the buffer is owned). */
struct jt_blob_file {
    struct jt_blob blob; /* open after a successful jt_blob_file_load() */
    uint8_t *buf;
    size_t len;
    const struct jt_alloc *alloc;
    int sys_errno; /* errno of the failed read, else 0 */
};

/* jt_blob_file_init() - zero |f|; cannot fail. */
JT_API void jt_blob_file_init(struct jt_blob_file *f);

/*
 * jt_blob_file_load() - read |path| once into memory (at most |max_len|
 * bytes; 0 means 64 MiB), then jt_blob_open_verified() those bytes with
 * |t|. The file is never read again: what was verified is what is used.
 * |a| allocates the buffer (NULL: libc). |f| must be initialised; a blob
 * it held before is freed first.
 *
 * Returns 0, JT_ERR_INVAL, JT_ERR_NOMEM, JT_ERR_BLOB_FILE (open/read
 * failed: jt_blob_file_errno()), JT_ERR_BLOB_FILE_TOO_BIG, or any
 * jt_blob_open_verified() code (the buffer is then freed).
 */
JT_API int jt_blob_file_load(struct jt_blob_file *f, const char *path,
                             size_t max_len, const struct jt_blob_trust *t,
                             const struct jt_alloc *a);

/* jt_blob_file_errno() - errno of the last failed read of |f|, else 0. */
JT_API int jt_blob_file_errno(const struct jt_blob_file *f);

/* jt_blob_file_free() - free the buffer and zero |f|; idempotent. */
JT_API void jt_blob_file_free(struct jt_blob_file *f);

/*
 * jt_builtin_blob() / jt_builtin_index() - the built-in default trust: a
 * full blob and an index-only blob of the Mozilla roots of the build
 * machine's ca-certificates package, made at build time and compiled into
 * libjittrust's read-only data (meson -Ddefault_trust=auto|enabled). The
 * bytes are static and unsigned (they are as trusted as the library
 * itself); open them with jt_blob_open(). The generation is the
 * SOURCE_DATE_EPOCH of the build when set, else the newest modification
 * time of the root files.
 *
 * Both functions always exist. In a library built without the default
 * trust (-Ddefault_trust=disabled, or auto without the roots) they return
 * JT_ERR_BLOB_NO_BUILTIN and set |*p| = NULL, |*len| = 0.
 *
 * Returns 0, JT_ERR_INVAL (NULL argument) or JT_ERR_BLOB_NO_BUILTIN.
 */
JT_API int jt_builtin_blob(const uint8_t **p, size_t *len);
JT_API int jt_builtin_index(const uint8_t **p, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_BLOB_VERIFY_H */
