/* SPDX-License-Identifier: MIT */
/*
 * blob: the trust blob, a sorted key index over trusted CA certificates with
 * per-CA metadata, read zero-copy and written into a caller buffer (core
 * layer). The normative format is blob/FORMAT.md (JTBL v1); the reader also
 * accepts the libwebsockets TBLB v1 format (FORMAT.md section 9).
 *
 * Reader: jt_blob_open() validates every bound of the blob once; afterwards
 * lookups read the caller's buffer directly (byte-wise, alignment-safe) and
 * never allocate. The buffer must stay unchanged and alive for as long as
 * the struct jt_blob and every span taken from it are used.
 *
 * Writer: jt_blob_write() lays a blob out in a caller buffer without
 * allocating (sorting is an in-place heap sort over the output). Core cannot
 * hash or sign: SHA-1/SHA-256 come in as struct jt_hash_ops, and the ECDSA
 * signature is computed by the caller over jt_blob_signed_data() and stored
 * with jt_blob_write_signature().
 *
 * Objects are single-thread; a struct jt_blob may be shared read-only by
 * threads once opened (lookups do not modify it).
 */
#ifndef JITTRUST_BLOB_H
#define JITTRUST_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "jittrust/der.h"
#include "jittrust/export.h"
#include "jittrust/key.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Blob formats, jt_blob_format(). */
#define JT_BLOB_FMT_JTBL 1 /* ours, blob/FORMAT.md */
#define JT_BLOB_FMT_TBLB 2 /* libwebsockets TBLB v1, read-only */

/* Blob kinds, jt_blob_kind() and jt_blob_write_opts.kind. */
#define JT_BLOB_FULL 1       /* index, metadata and DER of every CA */
#define JT_BLOB_INDEX_ONLY 2 /* index and metadata, no DER */

/* Entry flags, struct jt_blob_entry.flags. */
#define JT_BLOB_E_COMPUTED 0x0001u    /* no SKID: filed under computed id */
#define JT_BLOB_E_SELF_ISSUED 0x0002u /* issuer Name == subject Name */
#define JT_BLOB_E_NO_SHA256 0x0100u   /* TBLB: no digest stored */
#define JT_BLOB_E_NO_META 0x0200u     /* TBLB: no dates, label or flags */

/* Signature algorithms (FORMAT.md section 6). */
#define JT_BLOB_SIG_ECDSA_P256_SHA256 1

#define JT_BLOB_HEADER_LEN 128   /* JTBL header */
#define JT_BLOB_SIG_BLOCK_LEN 96 /* JTBL signature block */
#define JT_BLOB_SIG_MAX 84       /* longest DER signature it holds */
#define JT_BLOB_KEYID_LEN 8      /* signing key id bytes */
#define JT_BLOB_LABEL_MAX 64     /* longest entry label, bytes */
#define JT_BLOB_SOURCE_MAX 39    /* longest source label, bytes */

/* jt_blob_open_opts.flags */
#define JT_BLOB_OPEN_REQUIRE_SIGNED 0x1u /* unsigned or TBLB: refused */
#define JT_BLOB_OPEN_ALLOW_PENDING                                             \
    0x2u /* accept an unfilled signature                                       \
            block (for the signer only) */

struct jt_blob_open_opts {
    /* refuse generation < this (0: accept any). Anti-rollback means
     * something only for a blob whose bytes are authenticated: use
     * jt_blob_open_verified() (blob-verify.h), which checks the signature
     * first; on an unsigned blob anyone can write any generation. */
    uint64_t min_generation;
    unsigned flags; /* JT_BLOB_OPEN_* */
};

/*
 * An opened blob. The fields are private: read them through the accessors
 * below. The layout does not depend on build options.
 */
struct jt_blob {
    const uint8_t *buf; /* borrowed */
    size_t len;
    uint64_t generation;
    uint64_t time;
    uint32_t format; /* JT_BLOB_FMT_*, 0 when not open */
    uint32_t kind;
    uint32_t hflags; /* header flags */
    uint32_t count;  /* entries */
    uint32_t nkeys;  /* index records (TBLB: entries with a SKID) */
    /* JTBL: section offsets; TBLB: tables (see blob.c) */
    uint32_t off_entries, off_index, off_keys, len_keys;
    uint32_t off_labels, off_der, off_sig;
    /* JTBL: [lo, hi) index records of each key type 1..4 */
    uint32_t type_lo[4], type_hi[4];
};

/* A lookup in progress; zero it (= {0}) before the first jt_blob_find(). */
struct jt_blob_iter {
    size_t pos; /* next record (JTBL) or entry (TBLB) */
    size_t aux; /* TBLB: SKID table offset of entry |pos| */
    unsigned phase;
};

/* One entry; spans borrow the blob buffer. */
struct jt_blob_entry {
    struct jt_span der;     /* empty in index-only blobs */
    struct jt_span label;   /* UTF-8, not NUL-terminated; may be empty */
    const uint8_t *sha256;  /* 32 bytes in the blob; NULL for TBLB */
    int64_t not_before;     /* unix seconds (0 for TBLB) */
    int64_t not_after;      /* unix seconds (0 for TBLB) */
    int64_t distrust_after; /* 0 = none */
    unsigned flags;         /* JT_BLOB_E_* */
};

/*
 * jt_blob_open() - validate |buf|/|len| as a JTBL or TBLB blob.
 *
 * Checks every bound, count, order and reserved field once, in the order of
 * FORMAT.md section 7, then the caller policy in |o| (NULL: no minimum
 * generation, signature optional). |buf| is borrowed: it must not change
 * and must outlive |b| and every span returned from it. On failure |b| is
 * zeroed (its accessors then report an empty blob).
 *
 * Returns 0, JT_ERR_INVAL (NULL |b| or |buf|, unknown |o->flags| bit), or
 * JT_ERR_BLOB_*:
 * TRUNCATED, MAGIC, VERSION, HEADER, LABEL, LENGTH, EMPTY, COUNT, SECTION,
 * LAYOUT, ENTRY, KEY, UNSORTED, SIG, SIG_PENDING, UNSIGNED, ROLLBACK.
 */
JT_API int jt_blob_open(struct jt_blob *b, const uint8_t *buf, size_t len,
                        const struct jt_blob_open_opts *o);

/*
 * jt_blob_find() - the next entry filed under |k|.
 *
 * Zero |it| before the first call, then call again with the same |k| and
 * |it| for each further match. The first call binary-searches (TBLB: scans)
 * to the first match, later calls step forward. A JT_KEY_SKID query also
 * matches COMPUTED entries with the same bytes (after the SKID matches).
 * TBLB blobs answer SKID queries only (FORMAT.md section 9).
 *
 * Returns 1 with |*entry| set, 0 when there are no (more) matches,
 * JT_ERR_INVAL (NULL argument, key type not 1..4 or length not
 * 1..JT_KEY_MAX) or JT_ERR_STATE (|b| not open).
 */
JT_API int jt_blob_find(const struct jt_blob *b, const struct jt_key *k,
                        struct jt_blob_iter *it, size_t *entry);

/*
 * jt_blob_find_sha256() - the entry whose certificate has SHA-256 |sha256|
 * (binary search; entries are unique).
 *
 * Returns 0 with |*entry| set, JT_ERR_NOT_FOUND, JT_ERR_INVAL,
 * JT_ERR_STATE (not open) or JT_ERR_BLOB_FORMAT (a TBLB blob: no digests).
 */
JT_API int jt_blob_find_sha256(const struct jt_blob *b,
                               const uint8_t sha256[32], size_t *entry);

/*
 * jt_blob_entry() - entry |i| (0 <= i < jt_blob_count()).
 *
 * JTBL: O(1). TBLB: O(i) (the format stores lengths only). Returns 0,
 * JT_ERR_INVAL (NULL argument or |i| out of range) or JT_ERR_STATE.
 */
JT_API int jt_blob_entry(const struct jt_blob *b, size_t i,
                         struct jt_blob_entry *e);

/*
 * jt_blob_key() - index record |i| (0 <= i < jt_blob_key_count()): its key
 * and entry, in index order. TBLB: the SKID of the i-th entry that has one
 * (O(n)). Returns 0, JT_ERR_INVAL or JT_ERR_STATE.
 */
JT_API int jt_blob_key(const struct jt_blob *b, size_t i, struct jt_key *k,
                       size_t *entry);

/* Accessors; 0 (or an empty span) on a blob that is not open. */
JT_API size_t jt_blob_count(const struct jt_blob *b);
JT_API size_t jt_blob_key_count(const struct jt_blob *b);
JT_API int jt_blob_format(const struct jt_blob *b); /* JT_BLOB_FMT_* */
JT_API int jt_blob_kind(const struct jt_blob *b);   /* JT_BLOB_FULL, ... */
JT_API uint64_t jt_blob_generation(const struct jt_blob *b);
JT_API uint64_t jt_blob_time(const struct jt_blob *b); /* unix seconds */
JT_API struct jt_span jt_blob_source_label(const struct jt_blob *b);
JT_API int jt_blob_is_signed(const struct jt_blob *b);

/*
 * jt_blob_signed_data() - the bytes the signature covers: every byte of the
 * blob before the signature block (FORMAT.md section 6).
 *
 * Returns 0, JT_ERR_INVAL, JT_ERR_STATE or JT_ERR_BLOB_UNSIGNED (no
 * signature block; always for TBLB).
 */
JT_API int jt_blob_signed_data(const struct jt_blob *b, struct jt_span *span);

/*
 * jt_blob_signature() - the stored signature: algorithm
 * (JT_BLOB_SIG_*), the JT_BLOB_KEYID_LEN-byte key id and the DER signature.
 * Core does not verify it: net hashes jt_blob_signed_data() and checks the
 * signature with a key it was configured with.
 *
 * Returns 0, JT_ERR_INVAL, JT_ERR_STATE, JT_ERR_BLOB_UNSIGNED, or
 * JT_ERR_BLOB_SIG_PENDING (opened with JT_BLOB_OPEN_ALLOW_PENDING and not
 * filled yet).
 */
JT_API int jt_blob_signature(const struct jt_blob *b, unsigned *alg,
                             struct jt_span *keyid, struct jt_span *sig);

/* One certificate to write. */
struct jt_blob_input {
    const uint8_t *der; /* one DER certificate */
    size_t len;
    uint8_t sha256[32];     /* SHA-256 of der (checked against hash ops) */
    int64_t distrust_after; /* unix seconds; 0 = none */
};

/* jt_blob_write_opts.flags */
#define JT_BLOB_WRITE_SIGNED 0x1u /* reserve a (pending) signature block */

struct jt_blob_write_opts {
    int kind;                       /* JT_BLOB_FULL or JT_BLOB_INDEX_ONLY */
    uint64_t generation;            /* FORMAT.md: rises with every blob */
    uint64_t time;                  /* unix seconds of making */
    const char *label;              /* source label, NUL-terminated, at most
                                       JT_BLOB_SOURCE_MAX bytes; NULL: none */
    const struct jt_hash_ops *hash; /* sha1 and sha256 required */
    unsigned flags;                 /* JT_BLOB_WRITE_* */
    size_t *failed;                 /* optional: set to the index of the
                                       input an error is about */
};

/*
 * jt_blob_write() - write a blob of the |n| certificates |in| into
 * |out|/|cap|.
 *
 * Each input is parsed (jt_der_cert_parse), its SHA-256 checked, and filed
 * under its SKID (or computed key id), issuer+serial and subject keys. The
 * output depends only on the set of inputs and |o|, not on their order.
 * Allocates nothing: sorting is an in-place heap sort over |out|. With
 * JT_BLOB_WRITE_SIGNED the blob ends in a pending signature block; sign
 * its first (*used - JT_BLOB_SIG_BLOCK_LEN) bytes and store the signature
 * with jt_blob_write_signature().
 *
 * Returns 0 with |*used| = bytes written, or:
 *  JT_ERR_NOSPC      |cap| too small (|out| may be NULL with |cap| 0);
 *                    |*used| = the size needed; nothing else changed;
 *  JT_ERR_INVAL      NULL argument, NULL hash op, unknown kind or flag, an
 *                    input with a NULL or empty DER;
 *  JT_ERR_BLOB_EMPTY |n| == 0;
 *  JT_ERR_BLOB_LABEL source label too long or not a valid label;
 *  JT_ERR_BLOB_TOO_BIG  the blob would exceed the format's 32-bit limits;
 *  JT_ERR_BLOB_DIGEST   an input's sha256 does not match its DER;
 *  JT_ERR_BLOB_DUP_CERT the same certificate twice (found while writing,
 *                    after sorting: a sizing call returns JT_ERR_NOSPC
 *                    first);
 *  JT_ERR_DER_*, JT_ERR_TRUST_KEY_TOO_LONG, JT_ERR_TRUST_HASH from parsing
 *                    an input or making its keys.
 * On per-input errors |o->failed| (when set) names the input.
 */
JT_API int jt_blob_write(const struct jt_blob_input *in, size_t n,
                         const struct jt_blob_write_opts *o, uint8_t *out,
                         size_t cap, size_t *used);

/*
 * jt_blob_write_signature() - fill the signature block of the JTBL blob
 * |blob|/|len| (written with JT_BLOB_WRITE_SIGNED; a filled block is
 * overwritten) with |alg|, |keyid| (JT_BLOB_KEYID_LEN bytes) and the DER
 * signature |sig|/|sig_len| computed over the first
 * len - JT_BLOB_SIG_BLOCK_LEN bytes. Checks the header's magic, version,
 * signed flag and signature-block location, not the rest of the blob.
 *
 * Returns 0, JT_ERR_INVAL (NULL argument), JT_ERR_BLOB_MAGIC,
 * JT_ERR_BLOB_VERSION, JT_ERR_BLOB_TRUNCATED, JT_ERR_BLOB_LENGTH,
 * JT_ERR_BLOB_UNSIGNED (no signature block), JT_ERR_BLOB_SIG (unknown
 * algorithm, |sig_len| 0 or over JT_BLOB_SIG_MAX, block not where the
 * header says).
 */
JT_API int jt_blob_write_signature(uint8_t *blob, size_t len, unsigned alg,
                                   const uint8_t *keyid, const uint8_t *sig,
                                   size_t sig_len);

#ifdef __cplusplus
}
#endif

#endif /* JITTRUST_BLOB_H */
