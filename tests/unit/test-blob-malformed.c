// SPDX-License-Identifier: MIT
/*
 * unit: malformed trust blobs. Tables of single-field mutations of a small
 * JTBL blob (header, section table, entries, index records, signature
 * block) and of a TBLB v1 vector, each with the exact JT_ERR_BLOB_* code
 * FORMAT.md section 7 gives; truncation at every length; and every byte of
 * each blob flipped (three masks) and reopened: either a clean error or a
 * blob whose every index record still finds its entry. Run under ASan and
 * valgrind to prove no read leaves the buffer.
 */
#include "blob-test.h"

#include "blob-int.h"

/* The small blobs every table mutates. */
enum base {
    B_FULL,  /* full, signed (dummy signature), 3 CAs incl. root-noskid */
    B_INDEX, /* index-only, unsigned, same CAs */
    B_TBLB,  /* TBLB v1 from gen-tblb.py, same CAs */
    B_COUNT,
};

static uint8_t *blobs[B_COUNT];
static size_t blob_lens[B_COUNT];

static int
setup(void **state)
{
    static const char *names[] = {"root-p256", "root-noskid", "inter-p256"};
    static const uint8_t keyid[8] = {9, 9, 9, 9, 9, 9, 9, 9};
    static const uint8_t sig[70] = {0x30, 0x44, 0x02, 0x20, 0x11};
    struct bt_set all = {0}, s = {0};
    char args[4096] = "", path[1024], f[128];
    size_t off = 0;

    (void)state;
    bt_load_pki_cas(&all);
    if (all.in == NULL)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        size_t x = bt_find_name(&all, names[i]);

        bt_add(&s, all.in[x].der, all.in[x].len, names[i]);
        snprintf(f, sizeof(f), "%s.der", names[i]);
        th_pki_path(path, sizeof(path), f);
        off += (size_t)snprintf(args + off, sizeof(args) - off, "'%s' ", path);
    }
    blobs[B_FULL] =
        bt_write(&s, JT_BLOB_FULL, JT_BLOB_WRITE_SIGNED, &blob_lens[B_FULL]);
    assert_int_equal(jt_blob_write_signature(blobs[B_FULL], blob_lens[B_FULL],
                                             1, keyid, sig, sizeof(sig)),
                     0);
    blobs[B_INDEX] = bt_write(&s, JT_BLOB_INDEX_ONLY, 0, &blob_lens[B_INDEX]);
    blobs[B_TBLB] = bt_gen_tblb("", args, &blob_lens[B_TBLB]);
    bt_free(&all);
    bt_free(&s);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    for (int i = 0; i < B_COUNT; i++)
        free(blobs[i]);
    return 0;
}

/* Where a mutation applies. */
enum where {
    W_HDR,     /* JTBL header / TBLB header */
    W_ENTRY,   /* JTBL entry record |idx| */
    W_REC,     /* JTBL index record |idx| */
    W_REC_ENT, /* the entry record index record |idx| points at */
    W_LABELS,  /* JTBL label pool */
    W_SIG,     /* JTBL signature block */
    W_DERLEN,  /* TBLB DER length table */
    W_SKIDLEN, /* TBLB SKID length table */
};

enum op {
    OP_SET,  /* big-endian |width|-byte value */
    OP_ADD,  /* add to the big-endian value (mod 2^(8 width)) */
    OP_COPY, /* |width| bytes from the same field of record |from| */
    OP_ZERO, /* |width| zero bytes */
};

struct mut {
    const char *what;
    enum base base;
    enum where where;
    unsigned idx, off, width;
    enum op op;
    uint64_t v; /* value, delta, or |from| record for OP_COPY */
    int want;
};

static size_t
where_off(const uint8_t *b, enum where w, unsigned idx)
{
    switch (w) {
    case W_HDR:
        return 0;
    case W_ENTRY:
        return jti_be32(b + 0x28) + (size_t)idx * JTI_BE_SIZE;
    case W_REC:
        return jti_be32(b + 0x30) + (size_t)idx * JTI_BK_SIZE;
    case W_REC_ENT:
        return jti_be32(b + 0x28) +
               (size_t)jti_be32(b + where_off(b, W_REC, idx) + 2) * JTI_BE_SIZE;
    case W_LABELS:
        return jti_be32(b + 0x40);
    case W_SIG:
        return jti_be32(b + 0x50);
    case W_DERLEN:
        return jti_be32(b + 0x0c) + (size_t)idx * 2;
    case W_SKIDLEN:
        return jti_be32(b + 0x10) + idx;
    }
    return 0;
}

static uint64_t
get_be(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < width; i++)
        v = v << 8 | p[i];
    return v;
}

static void
put_be(uint8_t *p, unsigned width, uint64_t v)
{
    for (unsigned i = width; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

static void
apply(uint8_t *b, const struct mut *m)
{
    size_t at = where_off(b, m->where, m->idx) + m->off;

    switch (m->op) {
    case OP_SET:
        put_be(b + at, m->width, m->v);
        break;
    case OP_ADD:
        put_be(b + at, m->width, get_be(b + at, m->width) + m->v);
        break;
    case OP_COPY:
        memcpy(b + at, b + where_off(b, m->where, (unsigned)m->v) + m->off,
               m->width);
        break;
    case OP_ZERO:
        memset(b + at, 0, m->width);
        break;
    }
}

#define HDR(w, o, wd, op, v, want)                                             \
    {                                                                          \
        w, B_FULL, W_HDR, 0, o, wd, op, v, want                                \
    }
#define SIGN(w, o, wd, op, v, want)                                            \
    {                                                                          \
        w, B_FULL, W_SIG, 0, o, wd, op, v, want                                \
    }

static const struct mut jtbl_rows[] = {
    /* header (FORMAT.md section 7 steps 1-3) */
    HDR("magic", 0, 1, OP_SET, 'X', JT_ERR_BLOB_MAGIC),
    HDR("version 2", 4, 2, OP_SET, 2, JT_ERR_BLOB_VERSION),
    HDR("version 0", 4, 2, OP_SET, 0, JT_ERR_BLOB_VERSION),
    HDR("kind 0", 6, 1, OP_SET, 0, JT_ERR_BLOB_HEADER),
    HDR("kind 3", 6, 1, OP_SET, 3, JT_ERR_BLOB_HEADER),
    HDR("reserved", 7, 1, OP_SET, 1, JT_ERR_BLOB_HEADER),
    HDR("unknown flag", 8, 4, OP_SET, 3, JT_ERR_BLOB_HEADER),
    HDR("high flag", 8, 1, OP_SET, 0x80, JT_ERR_BLOB_HEADER),
    HDR("label len 40", 0x58, 1, OP_SET, 40, JT_ERR_BLOB_HEADER),
    HDR("label len 5", 0x58, 1, OP_SET, 5, JT_ERR_BLOB_HEADER),
    HDR("label over NULs", 0x58, 1, OP_SET, 39, JT_ERR_BLOB_LABEL),
    HDR("label ESC", 0x59, 1, OP_SET, 0x1b, JT_ERR_BLOB_LABEL),
    HDR("label bad utf-8", 0x59, 1, OP_SET, 0xc3, JT_ERR_BLOB_LABEL),
    HDR("label padding", 0x7f, 1, OP_SET, 1, JT_ERR_BLOB_HEADER),
    HDR("total +1", 0x14, 4, OP_ADD, 1, JT_ERR_BLOB_TRUNCATED),
    HDR("total max", 0x14, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_TRUNCATED),
    HDR("total -1", 0x14, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LENGTH),
    HDR("total 0", 0x14, 4, OP_SET, 0, JT_ERR_BLOB_LENGTH),
    /* counts (step 4) */
    HDR("count 0", 0x0c, 4, OP_SET, 0, JT_ERR_BLOB_EMPTY),
    HDR("count +1", 0x0c, 4, OP_ADD, 1, JT_ERR_BLOB_COUNT),
    HDR("count max", 0x0c, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_COUNT),
    HDR("nkeys 0", 0x10, 4, OP_SET, 0, JT_ERR_BLOB_COUNT),
    HDR("nkeys -1", 0x10, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_COUNT),
    HDR("entries len +76", 0x2c, 4, OP_ADD, 76, JT_ERR_BLOB_COUNT),
    HDR("index len wraps", 0x34, 4, OP_SET, 0xfffffff6, JT_ERR_BLOB_COUNT),
    HDR("signed flag off", 8, 4, OP_SET, 0, JT_ERR_BLOB_SIG),
    HDR("sig len 95", 0x54, 4, OP_SET, 95, JT_ERR_BLOB_SIG),
    HDR("sig len 0", 0x54, 4, OP_SET, 0, JT_ERR_BLOB_SIG),
    /* section table (step 5): past the end, overflowing, overlapping */
    HDR("entries off +1", 0x28, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    HDR("entries off 0", 0x28, 4, OP_SET, 0, JT_ERR_BLOB_LAYOUT),
    HDR("entries off max", 0x28, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_SECTION),
    HDR("index off -1", 0x30, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LAYOUT),
    HDR("index off past", 0x30, 4, OP_SET, 0x7fffffff, JT_ERR_BLOB_SECTION),
    HDR("keys off +1", 0x38, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    HDR("keys len +1", 0x3c, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    HDR("keys len max", 0x3c, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_SECTION),
    HDR("keys off wraps", 0x38, 4, OP_SET, 0xfffffff0, JT_ERR_BLOB_SECTION),
    HDR("labels len -1", 0x44, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LAYOUT),
    HDR("labels on entries", 0x40, 4, OP_SET, 128, JT_ERR_BLOB_LAYOUT),
    HDR("der off +1", 0x48, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    HDR("der len -1", 0x4c, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LAYOUT),
    HDR("der len 2^31", 0x4c, 4, OP_SET, 0x80000000, JT_ERR_BLOB_SECTION),
    HDR("sig off +1", 0x50, 4, OP_ADD, 1, JT_ERR_BLOB_SECTION),
    HDR("sig off -1", 0x50, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LAYOUT),
    HDR("index-only with DER", 6, 1, OP_SET, 2, JT_ERR_BLOB_LAYOUT),
    /* entries (step 6) */
    {"entry flag 4", B_FULL, W_ENTRY, 1, 0x38, 4, OP_SET, 4, JT_ERR_BLOB_ENTRY},
    {"entry flag high", B_FULL, W_ENTRY, 0, 0x38, 1, OP_SET, 0x80,
     JT_ERR_BLOB_ENTRY},
    {"entry reserved", B_FULL, W_ENTRY, 2, 0x4b, 1, OP_SET, 1,
     JT_ERR_BLOB_ENTRY},
    {"der off +1", B_FULL, W_ENTRY, 0, 0x3c, 4, OP_ADD, 1, JT_ERR_BLOB_ENTRY},
    {"der off back to 0", B_FULL, W_ENTRY, 1, 0x3c, 4, OP_SET, 0,
     JT_ERR_BLOB_ENTRY},
    {"der len 0", B_FULL, W_ENTRY, 0, 0x40, 4, OP_SET, 0, JT_ERR_BLOB_ENTRY},
    {"last der len +1", B_FULL, W_ENTRY, 2, 0x40, 4, OP_ADD, 1,
     JT_ERR_BLOB_ENTRY},
    {"last der len -1", B_FULL, W_ENTRY, 2, 0x40, 4, OP_ADD, 0xffffffff,
     JT_ERR_BLOB_ENTRY},
    {"der len max", B_FULL, W_ENTRY, 1, 0x40, 4, OP_SET, 0xffffffff,
     JT_ERR_BLOB_ENTRY},
    {"index-only der len", B_INDEX, W_ENTRY, 0, 0x40, 4, OP_SET, 1,
     JT_ERR_BLOB_ENTRY},
    {"label len 65", B_FULL, W_ENTRY, 0, 0x48, 1, OP_SET, 65,
     JT_ERR_BLOB_ENTRY},
    {"label off +1", B_FULL, W_ENTRY, 0, 0x44, 4, OP_ADD, 1, JT_ERR_BLOB_ENTRY},
    {"last label len -1", B_INDEX, W_ENTRY, 2, 0x48, 1, OP_ADD, 0xff,
     JT_ERR_BLOB_ENTRY},
    {"label BEL", B_FULL, W_LABELS, 0, 0, 1, OP_SET, 7, JT_ERR_BLOB_LABEL},
    {"label DEL", B_INDEX, W_LABELS, 0, 1, 1, OP_SET, 0x7f, JT_ERR_BLOB_LABEL},
    {"duplicate sha256", B_FULL, W_ENTRY, 1, 0, 32, OP_COPY, 0,
     JT_ERR_BLOB_UNSORTED},
    {"unsorted sha256", B_INDEX, W_ENTRY, 2, 0, 32, OP_COPY, 0,
     JT_ERR_BLOB_UNSORTED},
    /* index records (step 7); order: 2 SKID, 1 COMPUTED, 3 ISSUER_SERIAL,
     * 3 SUBJECT */
    {"key type 0", B_FULL, W_REC, 0, 0, 1, OP_SET, 0, JT_ERR_BLOB_KEY},
    {"key type 5", B_FULL, W_REC, 4, 0, 1, OP_SET, 5, JT_ERR_BLOB_KEY},
    {"key len 0", B_FULL, W_REC, 0, 1, 1, OP_SET, 0, JT_ERR_BLOB_KEY},
    {"key len 65", B_FULL, W_REC, 0, 1, 1, OP_SET, 65, JT_ERR_BLOB_KEY},
    {"computed len 21", B_FULL, W_REC, 2, 1, 1, OP_SET, 21, JT_ERR_BLOB_KEY},
    {"iss+serial len 32", B_FULL, W_REC, 3, 1, 1, OP_SET, 32, JT_ERR_BLOB_KEY},
    {"subject len 33", B_INDEX, W_REC, 6, 1, 1, OP_SET, 33, JT_ERR_BLOB_KEY},
    {"entry = count", B_FULL, W_REC, 1, 2, 4, OP_SET, 3, JT_ERR_BLOB_KEY},
    {"entry max", B_FULL, W_REC, 5, 2, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_KEY},
    {"key off past pool", B_FULL, W_REC, 0, 6, 4, OP_SET, 0x7fffffff,
     JT_ERR_BLOB_KEY},
    {"key off max", B_INDEX, W_REC, 8, 6, 4, OP_SET, 0xffffffff,
     JT_ERR_BLOB_KEY},
    {"skid as computed", B_FULL, W_REC, 0, 0, 1, OP_SET, 2, JT_ERR_BLOB_KEY},
    {"computed as skid", B_FULL, W_REC, 2, 0, 1, OP_SET, 1, JT_ERR_BLOB_KEY},
    {"entry flag vs skid", B_FULL, W_REC_ENT, 0, 0x3b, 1, OP_SET, 1,
     JT_ERR_BLOB_KEY},
    {"duplicate record", B_FULL, W_REC, 0, 0, 10, OP_COPY, 1,
     JT_ERR_BLOB_UNSORTED},
    {"records out of order", B_INDEX, W_REC, 3, 0, 10, OP_COPY, 6,
     JT_ERR_BLOB_UNSORTED},
    /* signature block (step 8) */
    SIGN("sig alg 2", 0, 2, OP_SET, 2, JT_ERR_BLOB_SIG),
    SIGN("sig alg 0", 0, 2, OP_SET, 0, JT_ERR_BLOB_SIG),
    SIGN("sig len 0", 2, 2, OP_SET, 0, JT_ERR_BLOB_SIG),
    SIGN("sig len 85", 2, 2, OP_SET, 85, JT_ERR_BLOB_SIG),
    SIGN("sig padding", 95, 1, OP_SET, 1, JT_ERR_BLOB_SIG),
    SIGN("sig pending", 0, 96, OP_ZERO, 0, JT_ERR_BLOB_SIG_PENDING),
    SIGN("sig keyid any", 4, 8, OP_ZERO, 0, 0),
};

#define TB(w, o, wd, op, v, want)                                              \
    {                                                                          \
        w, B_TBLB, W_HDR, 0, o, wd, op, v, want                                \
    }

static const struct mut tblb_rows[] = {
    TB("version 2", 4, 2, OP_SET, 2, JT_ERR_BLOB_VERSION),
    TB("count 0", 6, 2, OP_SET, 0, JT_ERR_BLOB_EMPTY),
    TB("count +1", 6, 2, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    TB("count -1", 6, 2, OP_ADD, 0xffff, JT_ERR_BLOB_LAYOUT),
    TB("total +1", 0x18, 4, OP_ADD, 1, JT_ERR_BLOB_TRUNCATED),
    TB("total -1", 0x18, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LENGTH),
    TB("derlen off max", 0x0c, 4, OP_SET, 0xffffffff, JT_ERR_BLOB_SECTION),
    TB("derlen off +1", 0x0c, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    TB("derlen off in header", 0x0c, 4, OP_SET, 0x10, JT_ERR_BLOB_LAYOUT),
    TB("skidlen off past", 0x10, 4, OP_SET, 0x7fffffff, JT_ERR_BLOB_SECTION),
    TB("skidlen off +1", 0x10, 4, OP_ADD, 1, JT_ERR_BLOB_LAYOUT),
    TB("skid off past", 0x14, 4, OP_SET, 0x7fffffff, JT_ERR_BLOB_SECTION),
    TB("skid off -1", 0x14, 4, OP_ADD, 0xffffffff, JT_ERR_BLOB_LAYOUT),
    {"der len +1", B_TBLB, W_DERLEN, 0, 0, 2, OP_ADD, 1, JT_ERR_BLOB_LAYOUT},
    {"der len 0", B_TBLB, W_DERLEN, 1, 0, 2, OP_SET, 0, JT_ERR_BLOB_ENTRY},
    {"skid len 65", B_TBLB, W_SKIDLEN, 0, 0, 1, OP_SET, 65, JT_ERR_BLOB_KEY},
    {"skid len +1", B_TBLB, W_SKIDLEN, 2, 0, 1, OP_ADD, 1, JT_ERR_BLOB_LAYOUT},
};

static void
run_rows(const struct mut *rows, size_t n)
{
    struct jt_blob b;

    for (size_t r = 0; r < n; r++) {
        size_t len = blob_lens[rows[r].base];
        uint8_t *m = bt_dup(blobs[rows[r].base], len);
        int rc;

        apply(m, &rows[r]);
        assert_true(memcmp(m, blobs[rows[r].base], len) != 0 ||
                    rows[r].want == 0);
        rc = jt_blob_open(&b, m, len, NULL);
        if (rc != rows[r].want)
            fail_msg("%s: got %d (%s), want %d (%s)", rows[r].what, rc,
                     jt_strerror(rc), rows[r].want, jt_strerror(rows[r].want));
        if (rc != 0)
            assert_int_equal(jt_blob_count(&b), 0);
        free(m);
    }
}

static void
jtbl_mutations(void **state)
{
    struct jt_blob b;

    (void)state;
    for (int i = 0; i < B_COUNT; i++)
        assert_int_equal(jt_blob_open(&b, blobs[i], blob_lens[i], NULL), 0);
    run_rows(jtbl_rows, sizeof(jtbl_rows) / sizeof(jtbl_rows[0]));
}

static void
tblb_mutations(void **state)
{
    (void)state;
    run_rows(tblb_rows, sizeof(tblb_rows) / sizeof(tblb_rows[0]));
}

/* Every proper prefix is TRUNCATED; one extra byte is LENGTH. */
static void
truncated_every_length(void **state)
{
    struct jt_blob b;

    (void)state;
    for (int i = 0; i < B_COUNT; i++) {
        uint8_t *x;

        for (size_t l = 0; l < blob_lens[i]; l++) {
            uint8_t *c = bt_dup(blobs[i], l);
            int rc = jt_blob_open(&b, c, l, NULL);

            if (rc != JT_ERR_BLOB_TRUNCATED)
                fail_msg("base %d cut at %zu: got %d", i, l, rc);
            free(c);
        }
        x = malloc(blob_lens[i] + 1);
        assert_non_null(x);
        memcpy(x, blobs[i], blob_lens[i]);
        x[blob_lens[i]] = 0;
        assert_int_equal(jt_blob_open(&b, x, blob_lens[i] + 1, NULL),
                         JT_ERR_BLOB_LENGTH);
        free(x);
    }
}

/* An opened blob keeps every invariant the lookups rely on. */
static void
exercise(const struct jt_blob *b, const uint8_t *raw, size_t len)
{
    struct jt_blob_entry e;
    struct jt_blob_iter it;
    struct jt_key k;
    size_t x, got, n = 0;
    int hit = 0;

    for (size_t i = 0; i < jt_blob_count(b); i++) {
        assert_int_equal(jt_blob_entry(b, i, &e), 0);
        assert_true(e.der.len == 0 ||
                    (e.der.p >= raw && e.der.p + e.der.len <= raw + len));
        assert_true(jti_label_ok(e.label.p, e.label.len));
    }
    for (size_t i = 0; i < jt_blob_key_count(b); i++) {
        assert_int_equal(jt_blob_key(b, i, &k, &x), 0);
        memset(&it, 0, sizeof(it));
        hit = 0;
        while (jt_blob_find(b, &k, &it, &got) == 1 && n++ < 100000)
            hit |= got == x;
        assert_true(hit);
    }
}

/* Flip byte |at| of base |i| with |mask|; returns 1 when it still opens. */
static int
flip_one(int i, size_t at, uint8_t mask)
{
    uint8_t *c = bt_dup(blobs[i], blob_lens[i]);
    struct jt_blob b;
    int ok;

    c[at] ^= mask;
    ok = jt_blob_open(&b, c, blob_lens[i], NULL) == 0;
    if (ok)
        exercise(&b, c, blob_lens[i]);
    free(c);
    return ok;
}

static void
flip_every_byte(void **state)
{
    static const uint8_t masks[] = {0x01, 0x80, 0xff};

    (void)state;
    for (int i = 0; i < B_COUNT; i++) {
        size_t opened = 0, tried = 0;

        for (size_t at = 0; at < blob_lens[i]; at++)
            for (size_t m = 0; m < sizeof(masks); m++, tried++)
                opened += (size_t)flip_one(i, at, masks[m]);
        print_message("base %d (%zu B): %zu flips opened, %zu refused\n", i,
                      blob_lens[i], opened, tried - opened);
    }
}

static void
zero_length_and_tiny(void **state)
{
    static const uint8_t tiny[] = "JTBL";
    struct jt_blob b;

    (void)state;
    assert_int_equal(jt_blob_open(&b, tiny, 0, NULL), JT_ERR_BLOB_TRUNCATED);
    assert_int_equal(jt_blob_open(&b, tiny, 3, NULL), JT_ERR_BLOB_TRUNCATED);
    assert_int_equal(jt_blob_open(&b, tiny, 4, NULL), JT_ERR_BLOB_TRUNCATED);
    assert_int_equal(jt_blob_open(&b, (const uint8_t *)"ABCD", 4, NULL),
                     JT_ERR_BLOB_MAGIC);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jtbl_mutations),
        cmocka_unit_test(tblb_mutations),
        cmocka_unit_test(truncated_every_length),
        cmocka_unit_test(flip_every_byte),
        cmocka_unit_test(zero_length_and_tiny),
    };
    return cmocka_run_group_tests_name("blob-malformed", tests, setup,
                                       teardown);
}
