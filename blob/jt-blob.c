// SPDX-License-Identifier: MIT
/*
 * jt-blob (tool layer): builds, inspects, signs and verifies libjittrust
 * trust blobs (blob/FORMAT.md), and lays out trust webroots. This file is
 * the command dispatcher and `build`; the other commands live in one file
 * per concept (bg.h). Errors are one line naming the file and the reason;
 * outputs are written atomically (temp file, then rename).
 */
#define _GNU_SOURCE
#include "bg.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jittrust/version.h"

static const char usage_main[] =
    "usage: jt-blob COMMAND [ARGS]   (jt-blob COMMAND --help for details)\n"
    "\n"
    "Trust blobs name the CAs a device trusts (blob/FORMAT.md).\n"
    "\n"
    "  build    make a blob, index-only blob, C header and/or webroot\n"
    "  list     show the CAs in a blob (SKID, name, not-after, flags)\n"
    "  lookup   find a CA by its SKID (exit 0 found, 1 not found)\n"
    "  diff     what changes between two blobs (exit 0 same, 1 differ)\n"
    "  sign     sign a blob with an ECDSA P-256 key\n"
    "  verify   check a blob's signature and generation\n"
    "  fetch    download a bundle or certdata.txt (resumable, capped)\n"
    "\n"
    "list, lookup and diff also read libwebsockets TBLB v1 blobs.\n"
    "Exit status: 0 ok, 1 'no' (lookup, diff, verify), 2 error.\n";

static const char usage_build[] =
    "usage: jt-blob build [--from SRC] [-o BLOB] [--index-only BLOB]\n"
    "                     [--c-header FILE --name NAME] [--webroot DIR]\n"
    "                     [--generation N] [--label TEXT]\n"
    "\n"
    "Reads trusted CA certificates from SRC and writes any combination of:\n"
    "  -o BLOB            a full blob (index, metadata and every CA's DER)\n"
    "  --index-only BLOB  the authenticated index: same keys and SHA-256s,\n"
    "                     no DER (CA bytes then come from untrusted sources)\n"
    "  --c-header FILE    the full blob as `static const uint8_t NAME[]`\n"
    "  --webroot DIR      der/, by-skid/, by-iss/ (libwebsockets layout),\n"
    "                     skid/<HEX>.pem, sha256/<hex>.der, index.json\n"
    "\n"
    "SRC is a directory of .crt/.pem/.der/.cer files, a PEM bundle, one DER\n"
    "certificate, or Mozilla's certdata.txt (kept: CKT_NSS_TRUSTED_DELEGATOR\n"
    "for server auth; CKA_NSS_SERVER_DISTRUST_AFTER is carried). Default:\n"
    "the Mozilla roots of the ca-certificates package,\n"
    "  " BG_MOZILLA_DIR "\n"
    "  --generation N  anti-rollback number (default: the current time);\n"
    "                  devices refuse a blob older than the one they use\n"
    "  --label TEXT    source label (default: 'ca-certificates VERSION' for\n"
    "                  the default source, else the source's file name)\n"
    "\n"
    "All outputs are written to temp files and renamed into place only when\n"
    "everything succeeded. Example:\n"
    "  jt-blob build -o trust.jtbl --index-only trust.idx --webroot www\n";

static int
parse_u64(const char *s, uint64_t *v)
{
    char *end;
    unsigned long long x;

    errno = 0;
    x = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != 0 || s[0] == '-')
        return -1;
    *v = x;
    return 0;
}

static int
same(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

struct build_args {
    const char *from, *out, *index, *cheader, *name, *webroot, *label;
    uint64_t generation;
    int have_gen;
};

static int
build_parse(int argc, char **argv, struct build_args *a)
{
    static const struct option lo[] = {
        {"from", required_argument, NULL, 'f'},
        {"index-only", required_argument, NULL, 'i'},
        {"c-header", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"webroot", required_argument, NULL, 'w'},
        {"generation", required_argument, NULL, 'g'},
        {"label", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    memset(a, 0, sizeof(*a));
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'f':
            a->from = optarg;
            break;
        case 'o':
            a->out = optarg;
            break;
        case 'i':
            a->index = optarg;
            break;
        case 'c':
            a->cheader = optarg;
            break;
        case 'n':
            a->name = optarg;
            break;
        case 'w':
            a->webroot = optarg;
            break;
        case 'l':
            a->label = optarg;
            break;
        case 'g':
            if (parse_u64(optarg, &a->generation) != 0)
                return bg_err(optarg, "--generation needs a decimal number");
            a->have_gen = 1;
            break;
        case 'h':
            fputs(usage_build, stdout);
            return 1;
        default:
            fputs(usage_build, stderr);
            return -1;
        }
    }
    if (optind != argc)
        return bg_err(argv[optind], "unexpected argument (use --from SRC)");
    if (!a->out && !a->index && !a->cheader && !a->webroot)
        return bg_err(NULL, "build: no output (-o, --index-only, --c-header "
                            "or --webroot)");
    if ((a->cheader != NULL) != (a->name != NULL))
        return bg_err(NULL, "build: --c-header and --name go together");
    if (same(a->out, a->index) || same(a->out, a->cheader) ||
        same(a->index, a->cheader))
        return bg_err(NULL, "build: two outputs name the same file");
    return 0;
}

/* Make one blob kind and stage it as an output. */
static int
stage_blob(const struct bg_set *s, struct bg_build_opts *bo, int kind,
           const char *path, const char *cname, struct bg_out *out)
{
    uint8_t *blob;
    size_t len;
    int rc;

    bo->kind = kind;
    if (bg_blob_make(s, bo, &blob, &len) != 0)
        return -1;
    if (cname != NULL) {
        size_t tl;
        char *t = bg_c_header(cname, blob, len, bo->label, &tl);
        rc = t ? bg_out_file(out, path, (const uint8_t *)t, tl) : -1;
        free(t);
    } else {
        rc = bg_out_file(out, path, blob, len);
    }
    free(blob);
    return rc;
}

static int
cmd_build(int argc, char **argv)
{
    struct build_args a;
    struct bg_out out[4] = {{0}};
    struct bg_build_opts bo = {0};
    struct bg_set s;
    int rc = build_parse(argc, argv, &a), i;

    if (rc != 0)
        return rc > 0 ? 0 : BG_EXIT_ERR;
    if (bg_set_load(&s, a.from) != 0)
        return BG_EXIT_ERR;
    bo.time = (uint64_t)time(NULL);
    bo.generation = a.have_gen ? a.generation : bo.time;
    bo.label = a.label ? a.label : s.label;
    if (a.out)
        rc = stage_blob(&s, &bo, JT_BLOB_FULL, a.out, NULL, &out[0]);
    if (rc == 0 && a.index)
        rc = stage_blob(&s, &bo, JT_BLOB_INDEX_ONLY, a.index, NULL, &out[1]);
    if (rc == 0 && a.cheader)
        rc = stage_blob(&s, &bo, JT_BLOB_FULL, a.cheader, a.name, &out[2]);
    if (rc == 0 && a.webroot) {
        rc = bg_out_dir(&out[3], a.webroot);
        if (rc == 0)
            rc = bg_webroot_write(&s, out[3].tmp, a.webroot);
    }
    /* The webroot was checked when staged; files rename last. */
    for (i = 3; rc == 0 && i >= 0; i--)
        rc = bg_out_commit(&out[i]);
    for (i = 0; i < 4; i++)
        bg_out_abort(&out[i]);
    if (rc == 0)
        fprintf(stderr, "jt-blob: %zu CAs from %s (%s), generation %llu\n", s.n,
                a.from ? a.from : BG_MOZILLA_DIR, bo.label,
                (unsigned long long)bo.generation);
    bg_set_free(&s);
    return rc == 0 ? 0 : BG_EXIT_ERR;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"build", cmd_build},      {"list", bg_cmd_list},
                {"lookup", bg_cmd_lookup}, {"diff", bg_cmd_diff},
                {"sign", bg_cmd_sign},     {"verify", bg_cmd_verify},
                {"fetch", bg_cmd_fetch}};

    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? BG_EXIT_ERR : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("jt-blob (libjittrust %s)\n", JT_VERSION_STRING);
        return 0;
    }
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    bg_err(argv[1], "unknown command (see jt-blob --help)");
    return BG_EXIT_ERR;
}
