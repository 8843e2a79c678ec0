// SPDX-License-Identifier: MIT
/*
 * unit: the libwebsockets TBLB v1 reader (blob/FORMAT.md section 9) against
 * vectors made by the independent generator tests/unit/gen-tblb.py: every
 * certificate of the test PKI and of the system Mozilla roots found by its
 * SKID with byte-equal DER, in plain and SKID||AKID (40-byte) mode; exact
 * matching (no prefix match), the 40/20 compatibility rule, and what a TBLB
 * cannot do (digests, signatures, other key types).
 */
#include "blob-test.h"

static void
check_tblb(const struct bt_set *s, const uint8_t *blob, size_t len,
           int skid_akid)
{
    struct jt_blob b;
    struct jt_blob_entry ent;
    struct bt_keys ks;
    size_t m[16], got, haskey = 0;
    int found;

    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    assert_int_equal(jt_blob_format(&b), JT_BLOB_FMT_TBLB);
    assert_int_equal(jt_blob_count(&b), s->n);
    for (size_t i = 0; i < s->n; i++) {
        cert_keys(&s->in[i], &ks);
        if (ks.computed) {
            assert_int_equal(find_all(&b, &ks.k[0], m, 16), 0);
            continue;
        }
        haskey++;
        /* With SKID||AKID stored, only 20-byte SKIDs stay findable. */
        if (skid_akid && (ks.c.flags & JT_DER_HAS_AKID) && ks.c.akid.len > 0 &&
            (ks.k[0].len != 20 || ks.c.akid.len != 20))
            continue;
        got = find_all(&b, &ks.k[0], m, 16);
        found = 0;
        for (size_t j = 0; j < got && j < 16; j++) {
            assert_int_equal(jt_blob_entry(&b, m[j], &ent), 0);
            assert_int_equal(ent.flags,
                             JT_BLOB_E_NO_SHA256 | JT_BLOB_E_NO_META);
            assert_null(ent.sha256);
            found |= ent.der.len == s->in[i].len &&
                     memcmp(ent.der.p, s->in[i].der, ent.der.len) == 0;
        }
        if (!found)
            fail_msg("%s: not found by its SKID in the TBLB", s->name[i]);
        /* Issuer+serial and subject queries find nothing in a TBLB. */
        assert_int_equal(find_all(&b, &ks.k[1], m, 16), 0);
    }
    assert_int_equal(jt_blob_key_count(&b), haskey);
}

static void
tblb_vectors(void **state)
{
    struct bt_set pki = {0}, moz = {0};
    char args[512];
    const char *mdir = getenv("JT_MOZILLA_DIR");
    uint8_t *blob;
    size_t len = 0;

    (void)state;
    bt_load_pki_cas(&pki);
    bt_load_mozilla(&moz);
    /* The PKI CAs in the order bt_load_pki_cas read them. */
    {
        char *list = calloc(pki.n, 1100);
        size_t off = 0;

        assert_non_null(list);
        for (size_t i = 0; i < pki.n; i++) {
            char f[128], path[1024];

            snprintf(f, sizeof(f), "%s.der", pki.name[i]);
            th_pki_path(path, sizeof(path), f);
            off +=
                (size_t)snprintf(list + off, pki.n * 1100 - off, "'%s' ", path);
        }
        blob = bt_gen_tblb("", list, &len);
        check_tblb(&pki, blob, len, 0);
        free(blob);
        blob = bt_gen_tblb("--skid-akid", list, &len);
        check_tblb(&pki, blob, len, 1);
        free(blob);
        free(list);
    }
    snprintf(args, sizeof(args), "'%s'",
             mdir ? mdir : "/usr/share/ca-certificates/mozilla");
    blob = bt_gen_tblb("", args, &len);
    check_tblb(&moz, blob, len, 0);
    free(blob);
    blob = bt_gen_tblb("--skid-akid", args, &len);
    check_tblb(&moz, blob, len, 1);
    free(blob);
    bt_free(&pki);
    bt_free(&moz);
}

/* TBLB specifics: compat rule, no prefix match, policy, unsupported ops. */
static void
tblb_rules(void **state)
{
    struct bt_set s = {0};
    struct bt_keys ks;
    struct jt_blob b;
    struct jt_blob_open_opts o = {0, 0};
    struct jt_span sp;
    struct jt_key q;
    size_t m[4], len = 0, e;
    uint8_t *blob, sha[32] = {0};
    char path[1024], arg[1100];

    (void)state;
    bt_load_pki_cas(&s);
    /* root-p384 has SKID and AKID: stored as 40 bytes with --skid-akid. */
    th_pki_path(path, sizeof(path), "root-p384.der");
    snprintf(arg, sizeof(arg), "'%s'", path);
    blob = bt_gen_tblb("--skid-akid --time 1234567", arg, &len);
    cert_keys(&s.in[bt_find_name(&s, "root-p384")], &ks);
    assert_int_equal(jt_blob_open(&b, blob, len, NULL), 0);
    assert_int_equal(find_all(&b, &ks.k[0], m, 4), 1); /* 20 of 40 */
    q = ks.k[0];
    memcpy(q.b + 20, ks.c.akid.p, 20);
    q.len = 40;
    assert_int_equal(find_all(&b, &q, m, 4), 1); /* all 40 */
    q.len = 19;
    assert_int_equal(find_all(&b, &q, m, 4), 0); /* no prefix match */
    q.len = 1;
    assert_int_equal(find_all(&b, &q, m, 4), 0);
    q = ks.k[0];
    q.type = JT_KEY_COMPUTED;
    assert_int_equal(find_all(&b, &q, m, 4), 0);
    assert_true(jt_blob_generation(&b) == 1234567 &&
                jt_blob_time(&b) == 1234567);
    assert_int_equal(jt_blob_find_sha256(&b, sha, &e), JT_ERR_BLOB_FORMAT);
    assert_int_equal(jt_blob_signed_data(&b, &sp), JT_ERR_BLOB_UNSIGNED);
    assert_int_equal(jt_blob_source_label(&b).len, 0);
    o.flags = JT_BLOB_OPEN_REQUIRE_SIGNED;
    assert_int_equal(jt_blob_open(&b, blob, len, &o), JT_ERR_BLOB_UNSIGNED);
    o.flags = 0;
    o.min_generation = 1234568;
    assert_int_equal(jt_blob_open(&b, blob, len, &o), JT_ERR_BLOB_ROLLBACK);
    o.min_generation = 1234567;
    assert_int_equal(jt_blob_open(&b, blob, len, &o), 0);
    free(blob);
    bt_free(&s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tblb_vectors),
        cmocka_unit_test(tblb_rules),
    };
    return cmocka_run_group_tests_name("blob-lws", tests, NULL, NULL);
}
