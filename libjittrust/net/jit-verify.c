// SPDX-License-Identifier: MIT
/*
 * JIT flow step 5 (net): post-verification of the candidate paths core's
 * jt_trust built, with mbedtls_x509_crt_verify_with_profile against the
 * anchors the sources gave (never a sent cert) and our checklist: path
 * head byte-identical to the peer's cert 0, SAN required, leaf keyUsage,
 * serverAuth EKU on the leaf and on intermediates carrying one, leaf key,
 * anchor not-after and distrust-after, iPAddress SAN for IP literals.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mbedtls/oid.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "jit-int.h"
#include "jittrust/error.h"
#include "tls-int.h"

/* Our verification profile: SHA-2, RSA >= 2048, P-256/P-384. */
static const mbedtls_x509_crt_profile profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_RSA) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECDSA) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_PK_ECKEY),
    MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP256R1) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_ECP_DP_SECP384R1),
    2048,
};

/* The topmost certificate mbedTLS put in the verified chain (the
 * anchor), its flags, and the flags of every certificate below it. */
struct vtop {
    const mbedtls_x509_crt *crt;
    int depth;
    uint32_t top_flags, below_flags;
};

static int
vrfy_cb(void *ud, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    struct vtop *v = ud;

    if (depth >= v->depth) {
        if (v->crt != NULL)
            v->below_flags |= v->top_flags;
        v->depth = depth;
        v->crt = crt;
        v->top_flags = *flags;
    } else {
        v->below_flags |= *flags;
    }
    return 0;
}

/* 1 when the leaf has an iPAddress SAN equal to the host's address. */
static int
ip_san_match(const struct jt_host *h, const struct jt_der_cert *leaf)
{
    size_t alen = h->kind == JT_HOST_IPV4 ? 4 : 16;
    struct jt_der_iter it = {0};
    enum jt_der_gn kind;
    struct jt_span v;

    while (jt_der_san_next(leaf, &it, &kind, &v) == 1)
        if (kind == JT_DER_GN_IP && v.len == alen &&
            memcmp(v.p, h->addr, alen) == 0)
            return 1;
    return 0;
}

/* Map mbedTLS verify flags to our code (0 when acceptable). */
static int
map_flags(const struct jt_jit *j, const struct jt_der_cert *leaf,
          uint32_t flags)
{
    if (jt_host_is_ip(&j->host)) {
        if ((flags & ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH) == 0)
            return ip_san_match(&j->host, leaf) ? 0 : JT_ERR_JIT_NAME_MISMATCH;
    }
    if (flags == 0)
        return 0;
    if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        return JT_ERR_JIT_NOT_TRUSTED;
    if (flags & MBEDTLS_X509_BADCERT_FUTURE)
        return JT_ERR_JIT_NOT_YET_VALID;
    if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
        return JT_ERR_JIT_EXPIRED;
    if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
        return JT_ERR_JIT_NAME_MISMATCH;
    return JT_ERR_JIT_VERIFY;
}

/* Leaf key: EC on P-256/P-384, or RSA >= 2048 bits. */
static int
leaf_key_ok(const mbedtls_x509_crt *leaf)
{
    mbedtls_pk_type_t t = mbedtls_pk_get_type(&leaf->pk);

    if (t == MBEDTLS_PK_RSA)
        return mbedtls_pk_get_bitlen(&leaf->pk) >= 2048;
    if (t == MBEDTLS_PK_ECKEY || t == MBEDTLS_PK_ECDSA) {
        mbedtls_ecp_group_id g = mbedtls_pk_ec(leaf->pk)->grp.id;

        return g == MBEDTLS_ECP_DP_SECP256R1 || g == MBEDTLS_ECP_DP_SECP384R1;
    }
    return 0;
}

/* 1 when the leaf's EKU names serverAuth itself (anyExtendedKeyUsage is
 * not enough for a server certificate). */
static int
leaf_server_auth(const mbedtls_x509_crt *leaf)
{
    static const char sa[] = MBEDTLS_OID_SERVER_AUTH;

    for (const mbedtls_x509_sequence *e = &leaf->ext_key_usage; e != NULL;
         e = e->next)
        if (e->buf.p != NULL && e->buf.len == sizeof(sa) - 1 &&
            memcmp(e->buf.p, sa, sizeof(sa) - 1) == 0)
            return 1;
    return 0;
}

/* Checklist on a path mbedTLS verified: SAN, KU, EKU, leaf key. */
static int
check_usage(const struct jt_der_cert *leaf, const mbedtls_x509_crt *chain)
{
    static const char sa[] = MBEDTLS_OID_SERVER_AUTH;

    if (!(leaf->flags & JT_DER_HAS_SAN))
        return JT_ERR_JIT_NO_SAN;
    if ((leaf->flags & JT_DER_HAS_KU) &&
        !(leaf->key_usage & JT_DER_KU_DIGITAL_SIGNATURE))
        return JT_ERR_JIT_KEY_USAGE;
    if (!(leaf->flags & JT_DER_HAS_EKU) || !leaf_server_auth(chain))
        return JT_ERR_JIT_EKU;
    for (const mbedtls_x509_crt *c = chain->next; c != NULL; c = c->next)
        if (mbedtls_x509_crt_check_extended_key_usage(c, sa, sizeof(sa) - 1) !=
            0)
            return JT_ERR_JIT_EKU;
    if (!leaf_key_ok(chain))
        return JT_ERR_JIT_LEAF_KEY;
    return 0;
}

/* The anchor mbedTLS chose: within its not-after; no distrust-after
 * before the leaf's notBefore. */
static int
check_anchor(const struct jt_jit *j, const struct jt_der_cert *leaf,
             const mbedtls_x509_crt *anchor)
{
    struct jt_der_cert d;
    uint8_t sha[32];
    int64_t not_after, now = (int64_t)time(NULL);

    if (anchor == NULL || j->meta_lost ||
        jt_der_cert_parse(&d, anchor->raw.p, anchor->raw.len) != 0 ||
        mbedtls_sha256_ret(anchor->raw.p, anchor->raw.len, sha, 0) != 0)
        return JT_ERR_JIT_NOT_TRUSTED;
    not_after = d.not_after;
    for (size_t i = 0; i < j->nmeta; i++) {
        const struct jti_meta *m = &j->meta[i];

        if (memcmp(m->sha, sha, 32) != 0)
            continue;
        if (m->not_after != 0 && m->not_after < not_after)
            not_after = m->not_after;
        if (m->distrust_after != 0 && leaf->not_before > m->distrust_after)
            return JT_ERR_JIT_DISTRUSTED;
    }
    return now > not_after ? JT_ERR_JIT_ANCHOR_EXPIRED : 0;
}

/* 1 when |leaf| is byte-identical to the peer's cert 0 (the cert whose
 * key signed the key exchange). */
static int
is_peer_leaf(const struct jt_jit *j, const struct jt_der_cert *leaf)
{
    struct jt_span first;
    size_t n;
    int rc = jt_tls_peer_chain(j->tls, &first, 1, &n);

    return (rc == 0 || rc == JT_ERR_NOSPC) && leaf != NULL &&
           first.len == leaf->raw.len &&
           memcmp(first.p, leaf->raw.p, first.len) == 0;
}

/* Keep the first lookup key the anchor that verified answers to. */
static void
note_anchor_key(struct jt_jit *j, const mbedtls_x509_crt *anchor)
{
    struct jt_der_cert d;

    memset(&j->anchor_key, 0, sizeof(j->anchor_key));
    if (jt_der_cert_parse(&d, anchor->raw.p, anchor->raw.len) != 0)
        return;
    for (size_t i = 0; i < jt_trust_key_count(j->trust); i++) {
        const struct jt_key *k = jt_trust_key(j->trust, i);
        struct jt_key mine;

        if (jti_cert_key(&mine, k->type, &d) == 0 &&
            jt_key_cmp(&mine, k) == 0) {
            j->anchor_key = *k;
            return;
        }
    }
}

/* mbedTLS could not parse sent cert |i|: say which, and why when known. */
static void
parse_failed(struct jt_jit *j, size_t i, const struct jt_der_cert *c, int ret)
{
    j->mbed_err = ret;
    if (c->flags & JT_DER_HAS_NC)
        snprintf(j->msg, sizeof(j->msg),
                 "%s: certificate %zu carries nameConstraints, which "
                 "mbedTLS 2.28 cannot parse (-0x%04x): chain refused",
                 j->host.name, i, (unsigned)-ret);
    else
        snprintf(j->msg, sizeof(j->msg),
                 "%s: mbedTLS cannot parse certificate %zu (-0x%04x)",
                 j->host.name, i, (unsigned)-ret);
}

/* The peer's certificates as mbedTLS parsed them, and their links. */
struct relink {
    mbedtls_x509_crt *node[JT_TRUST_DEFAULT_MAX_CERTS];
    mbedtls_x509_crt *next[JT_TRUST_DEFAULT_MAX_CERTS];
    size_t n;
};

/*
 * Link the peer's certificates, parsed once by mbedTLS in the handshake,
 * in the order of path |idx| instead of parsing them again (their heap
 * would be the largest part of a verification's). Returns the head (the
 * peer's cert 0), or NULL (nothing changed) when a certificate of the
 * path is not one of them: a resumed session's saved chain is parsed.
 * unlink_path() must follow before anything else runs.
 */
static mbedtls_x509_crt *
link_path(struct jt_jit *j, const size_t *idx, size_t len, struct relink *r)
{
    mbedtls_x509_crt *c = jti_tls_peer_crt(j->tls);

    for (r->n = 0; c != NULL && c->raw.p != NULL; c = c->next, r->n++) {
        if (r->n == JT_TRUST_DEFAULT_MAX_CERTS)
            return NULL;
        r->node[r->n] = c;
        r->next[r->n] = c->next;
    }
    for (size_t i = 0; i < len; i++) {
        const struct jt_der_cert *tc = jt_trust_cert(j->trust, idx[i]);

        if (idx[i] >= r->n || tc == NULL ||
            r->node[idx[i]]->raw.p != tc->raw.p ||
            r->node[idx[i]]->raw.len != tc->raw.len)
            return NULL; /* not the handshake's own certificate */
    }
    for (size_t i = 0; i < len; i++)
        r->node[idx[i]]->next = i + 1 < len ? r->node[idx[i + 1]] : NULL;
    return r->node[idx[0]];
}

/* Restore mbedTLS's links of the peer chain. */
static void
unlink_path(struct relink *r)
{
    for (size_t i = 0; i < r->n; i++)
        r->node[i]->next = r->next[i];
}

/* Parse the certificates of path |idx| into |chain| (resumed sessions). */
static int
parse_path(struct jt_jit *j, const size_t *idx, size_t len,
           mbedtls_x509_crt *chain)
{
    for (size_t i = 0; i < len; i++) {
        const struct jt_der_cert *c = jt_trust_cert(j->trust, idx[i]);
        int ret = mbedtls_x509_crt_parse_der(chain, c->raw.p, c->raw.len);

        if (ret != 0) {
            parse_failed(j, idx[i], c, ret);
            return JT_ERR_JIT_PARSE;
        }
    }
    return 0;
}

/* The index of |c| among the certificates sent, or -1. */
static int
sent_index(const struct jt_jit *j, const mbedtls_x509_crt *c)
{
    for (size_t i = 0; c != NULL && i < jt_trust_cert_count(j->trust); i++) {
        const struct jt_der_cert *d = jt_trust_cert(j->trust, i);

        if (d->raw.len == c->raw.len &&
            memcmp(d->raw.p, c->raw.p, c->raw.len) == 0)
            return (int)i;
    }
    return -1;
}

/* "Does not chain": name the sent certificate where the chain stopped
 * and the issuer key it names (e.g. a lying AKID, a forged chain). */
static void
msg_not_trusted(struct jt_jit *j)
{
    const struct jt_der_cert *c;
    struct jt_key akid;
    char hex[2 * JT_KEY_MAX + 8] = "-";

    if (j->msg[0] != 0 || j->untrusted_top <= 0)
        return;
    c = jt_trust_cert(j->trust, (size_t)(j->untrusted_top - 1));
    if (c == NULL)
        return;
    if (jt_key_akid(&akid, c) == 0)
        (void)jt_key_hex(&akid, 1, hex, sizeof(hex));
    snprintf(j->msg, sizeof(j->msg),
             "%s: certificate %d names issuer AKID %s, but no CA a source "
             "gave verifies it (signature or issuer mismatch: a forged or "
             "lying chain?): refused",
             j->host.name, j->untrusted_top - 1, hex);
}

/* The path's checks, on |chain| linked in path order. */
static int
check_path(struct jt_jit *j, mbedtls_x509_crt *chain, mbedtls_x509_crt *ca,
           const mbedtls_x509_crt **anchor)
{
    const struct jt_der_cert *leaf = jt_trust_cert(j->trust, 0);
    struct vtop top = {NULL, -1, 0, 0};
    uint32_t flags = 0;
    int rc;

    if (mbedtls_x509_crt_verify_with_profile(chain, ca, NULL, &profile,
                                             j->host.name, &flags, vrfy_cb,
                                             &top) != 0 &&
        flags == 0)
        flags = MBEDTLS_X509_BADCERT_NOT_TRUSTED; /* failed without a reason */
    j->flags = flags;
    rc = map_flags(j, leaf, flags);
    if (rc == JT_ERR_JIT_NOT_TRUSTED && j->untrusted_top == 0)
        j->untrusted_top = sent_index(j, top.crt) + 1;
    /* expired, but only the trusted CA itself: say so (the server did not
     * send that certificate) */
    if (rc == JT_ERR_JIT_EXPIRED &&
        (top.top_flags & MBEDTLS_X509_BADCERT_EXPIRED) &&
        !(top.below_flags & MBEDTLS_X509_BADCERT_EXPIRED))
        rc = JT_ERR_JIT_ANCHOR_EXPIRED;
    if (rc == 0)
        rc = check_usage(leaf, chain);
    if (rc == 0)
        rc = check_anchor(j, leaf, top.crt);
    if (rc == 0) {
        note_anchor_key(j, top.crt);
        *anchor = top.crt;
    }
    return rc;
}

/* Verify candidate path |p| against |ca|; 0 when it passes everything. */
static int
try_path(struct jt_jit *j, size_t p, mbedtls_x509_crt *ca,
         const mbedtls_x509_crt **anchor)
{
    const struct jt_der_cert *leaf = jt_trust_cert(j->trust, 0);
    struct relink r;
    mbedtls_x509_crt chain, *head;
    const size_t *idx;
    size_t len;
    int rc = jt_trust_path(j->trust, p, &idx, &len);

    if (rc != 0 || len == 0 || idx[0] != 0 || !is_peer_leaf(j, leaf))
        return JT_ERR_JIT_NOT_TRUSTED; /* every path starts at cert 0 */
    head = link_path(j, idx, len, &r);
    if (head != NULL) {
        rc = check_path(j, head, ca, anchor);
        unlink_path(&r);
        return rc;
    }
    mbedtls_x509_crt_init(&chain);
    rc = parse_path(j, idx, len, &chain);
    if (rc == 0)
        rc = check_path(j, &chain, ca, anchor);
    mbedtls_x509_crt_free(&chain);
    return rc;
}

/* Prefer a specific failure over "does not chain" across paths. */
static int
worse(int best, int rc)
{
    if (best == 0 || best == JT_ERR_JIT_NOT_TRUSTED)
        return rc;
    return best;
}

int
jti_post_verify(struct jt_jit *j, mbedtls_x509_crt *ca,
                const mbedtls_x509_crt **top)
{
    int rc = JT_ERR_JIT_NOT_TRUSTED;

    *top = NULL;
    for (size_t p = 0; p < jt_trust_path_count(j->trust); p++) {
        struct jt_trace_event ev = {0};
        int r = try_path(j, p, ca, top);

        ev.type = JT_TRACE_VERIFY;
        ev.index = (int)p;
        ev.rc = r;
        ev.flags = j->flags;
        jti_jit_trace(j, &ev);
        if (r == 0)
            return 0;
        rc = worse(rc, r);
    }
    if (rc == JT_ERR_JIT_NOT_TRUSTED)
        msg_not_trusted(j);
    return rc;
}
