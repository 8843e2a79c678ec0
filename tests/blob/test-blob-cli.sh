#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# integration: jt-blob, one feature per run (each registered as its own
# meson test). Uses the real binary, the test PKI ($JT_PKI_DIR), the system
# Mozilla roots ($JT_MOZILLA_DIR) and openssl as the independent parser.
# Usage: test-blob-cli.sh JT_BLOB FEATURE
#   FEATURE: mozilla certdata tblb sign webroot webroot-mozilla bad-input
set -euo pipefail
B=$(readlink -f "${1:?usage: test-blob-cli.sh JT_BLOB FEATURE}")
feature=${2:?feature}
here=$(cd "$(dirname "$0")" && pwd)
src=${JT_SOURCE_ROOT:-$here/../..}
PKI=${JT_PKI_DIR:?JT_PKI_DIR not set}
MOZ=${JT_MOZILLA_DIR:-/usr/share/ca-certificates/mozilla}
export SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/dev/null
T=$(mktemp -d /tmp/jt-blob-test.XXXXXX)
trap 'rm -rf "$T"' EXIT
cd "$T"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# The PKI's CAs (roots and intermediates, from the manifest; inter-notca
# is an ordinary server certificate).
pki_cas() {
  awk -F'\t' 'NR > 1 && ($2 == "root" || $2 == "inter") &&
    $1 != "inter-notca" {print $1}' "$PKI/manifest.tsv"
}

# jt-blob list --json FILE, reduced to "sha256 key computed distrust" lines.
entries() {
  "$B" list --json "$1" | python3 -c '
import json, sys
for c in json.load(sys.stdin)["cas"]:
    print(c["sha256"], c["key"], int(c["computed"]), c["distrust_after"],
          c["not_after"])' | sort
}

t_mozilla() {
  local n m skid sha key
  n=$(find "$MOZ" -maxdepth 1 -name '*.crt' | wc -l)
  [ "$n" -gt 0 ] || { fail "no Mozilla roots in $MOZ"; return; }
  "$B" build -o full.jtbl --index-only idx.jtbl --generation 5 2>build.log ||
    { fail "build: $(cat build.log)"; return; }
  grep -q "ca-certificates" build.log || fail "no package version in label"
  entries full.jtbl >full.txt
  entries idx.jtbl >idx.txt
  m=$(wc -l <full.txt)
  [ "$m" = "$n" ] && ok "count $m = roots in $MOZ" || fail "count $m != $n"
  cmp -s full.txt idx.txt && ok "index-only and full agree" ||
    fail "index-only and full blobs differ"
  for f in "$MOZ"/*.crt; do
    sha=$(openssl x509 -in "$f" -outform DER | sha256sum | cut -d' ' -f1)
    skid=$(openssl x509 -in "$f" -noout -ext subjectKeyIdentifier 2>/dev/null |
      sed -n 2p | tr -d ' :')
    key=$(awk -v s="$sha" '$1 == s {print $2, $3}' full.txt)
    if [ -n "$skid" ]; then
      [ "$key" = "$skid 0" ] || fail "$f: SKID '$key' != openssl '$skid'"
    else
      [ "${key#* }" = 1 ] || fail "$f: no SKID but not flagged computed"
    fi
    for blob in full.jtbl idx.jtbl; do
      "$B" lookup "$blob" "${key% *}" >/dev/null ||
        fail "$f: lookup ${key% *} in $blob"
    done
  done
  [ "$fails" = 0 ] && ok "every SKID = openssl's; every key found by lookup"
  set +e; "$B" lookup full.jtbl "$(printf '%040d' 0)" >/dev/null; m=$?
  set -e
  [ $m = 1 ] || fail "lookup of an absent key: exit $m, want 1"
  ok "mozilla done"
}

t_certdata() {
  local got want
  python3 "$src/tests/blob/gen-certdata.py" "$PKI" certdata.txt
  "$B" build --from certdata.txt -o cd.jtbl --index-only cd.idx \
    --generation 3 2>build.log || { fail "build: $(cat build.log)"; return; }
  got=$(entries cd.jtbl | awk '{print $1, $4}')
  want=$(for n in root-rsa root-p256 root-noskid; do
    d=0; [ $n = root-p256 ] && d=1735689600
    echo "$(sha256sum <"$PKI/$n.der" | cut -d' ' -f1) $d"; done | sort)
  [ "$got" = "$want" ] && ok "certdata: delegators kept, distrust-after" ||
    fail "certdata entries: got [$got] want [$want]"
  cmp -s <(entries cd.jtbl) <(entries cd.idx) || fail "certdata idx != full"
  # diff: the same roots without distrust-after show as changed (~).
  for n in root-rsa root-p256 root-noskid; do cat "$PKI/$n.pem"; done >3.pem
  "$B" build --from 3.pem -o 3.jtbl --generation 4 2>/dev/null
  set +e; "$B" diff cd.jtbl 3.jtbl >diff.txt; m=$?; set -e
  [ $m = 1 ] && [ "$(grep -c '^~' diff.txt)" = 1 ] &&
    grep -q "distrust-after: none" diff.txt && ok "diff shows the change" ||
    fail "diff of a distrust-after change: exit $m: $(cat diff.txt)"
  # --c-header: the same bytes as the blob, as a C array that compiles.
  "$B" build --from certdata.txt -o cd2.jtbl --c-header cd.h --name cd_blob \
    --generation 3 --label x 2>/dev/null || fail "build --c-header"
  printf '#include <stdio.h>\n#include "cd.h"\nint main(void) {
    fwrite(cd_blob, 1, cd_blob_len, stdout); return 0; }\n' >cd.c
  if ${CC:-cc} -std=c11 -Wall -Werror -o cd cd.c; then
    ./cd >cd3.jtbl
    cmp -s cd2.jtbl cd3.jtbl && ok "--c-header holds the blob" ||
      fail "--c-header bytes differ from the blob"
  else
    fail "--c-header output does not compile"
  fi
  # Truncated at several places: refused, nothing written.
  for cut in 200 3000 9000 20000; do
    head -c $cut certdata.txt >trunc.txt
    if "$B" build --from trunc.txt -o trunc.jtbl 2>err.txt; then
      fail "truncated certdata ($cut bytes) accepted"
    fi
    [ -e trunc.jtbl ] && fail "truncated certdata left trunc.jtbl"
    [ "$(wc -l <err.txt)" = 1 ] || fail "not one error line: $(cat err.txt)"
    grep -q trunc.txt err.txt || fail "error does not name the file"
  done
  ok "certdata truncations refused"
}

t_tblb() {
  local cas=() skid
  for n in $(pki_cas); do cas+=("$PKI/$n.pem"); done
  python3 "$src/tests/unit/gen-tblb.py" -o pki.tblb "${cas[@]}" 2>/dev/null
  python3 "$src/tests/unit/gen-tblb.py" --skid-akid -o sa.tblb \
    "${cas[@]}" 2>/dev/null
  python3 "$src/tests/unit/gen-tblb.py" -o moz.tblb "$MOZ" 2>/dev/null
  [ "$("$B" list moz.tblb | wc -l)" = \
    "$(find "$MOZ" -maxdepth 1 -name '*.crt' | wc -l)" ] ||
    fail "TBLB of Mozilla: wrong count"
  [[ $("$B" list --json pki.tblb) == *'"format": "TBLB"'* ]] || fail "not TBLB"
  while IFS=$'\n' read -r row; do
    name=$(cut -f1 <<<"$row"); skid=$(cut -f6 <<<"$row")
    [ -n "$skid" ] || continue
    "$B" lookup pki.tblb "$skid" >/dev/null || fail "TBLB lookup $name"
    "$B" lookup sa.tblb "$skid" >/dev/null || fail "TBLB SKID+AKID $name"
  done < <(awk -F'\t' 'NR > 1 && ($2 == "root" || $2 == "inter") &&
    $1 != "inter-notca"' "$PKI/manifest.tsv")
  # The same CAs as JTBL: diff reads both formats, finds no difference.
  cat "${cas[@]}" >cas.pem
  "$B" build --from cas.pem -o pki.jtbl 2>/dev/null ||
    { fail "build pki.jtbl"; return; }
  "$B" diff pki.tblb pki.jtbl >diff.txt && ok "diff TBLB vs JTBL: same" ||
    fail "diff TBLB vs JTBL: $(cat diff.txt)"
  "$B" sign --key "$PKI/root-p256.key" pki.tblb 2>err.txt &&
    fail "a TBLB blob was signed"
  ok "TBLB vectors read"
}

t_sign() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out k1.key 2>/dev/null
  openssl pkey -in k1.key -pubout -out k1.pub
  openssl pkey -in k1.key -pubout -outform DER -out k1.pub.der
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out k2.key 2>/dev/null
  openssl pkey -in k2.key -pubout -out k2.pub
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out rsa.key 2>/dev/null
  "$B" build --from "$PKI/roots-trusted.pem" -o a.jtbl --index-only a.idx \
    --generation 10 2>/dev/null
  "$B" build --from "$PKI/roots-trusted.pem" -o b.jtbl --generation 9 \
    2>/dev/null
  "$B" sign --key k1.key -o a.signed a.jtbl || fail "sign"
  "$B" sign --key k1.key a.idx || fail "sign index-only in place"
  "$B" sign --key k1.key b.jtbl || fail "sign b"
  "$B" verify --pubkey k1.pub a.signed >/dev/null || fail "verify PEM key"
  "$B" verify --pubkey k1.pub.der a.signed >/dev/null || fail "verify DER key"
  "$B" verify --pubkey k2.pub --pubkey k1.pub a.idx >/dev/null ||
    fail "verify with a second configured key"
  "$B" sign --key k1.key a.signed && "$B" verify --pubkey k1.pub a.signed \
    >/dev/null || fail "re-sign"
  expect_refused() {
    local code
    set +e; "$B" verify "$@" >/dev/null 2>err.txt; code=$?; set -e
    [ $code = 1 ] || fail "verify $* exit $code, want 1"
    [ "$(wc -l <err.txt)" = 1 ] || fail "verify $*: not one line"
  }
  expect_refused --pubkey k2.pub a.signed
  expect_refused --pubkey k1.pub a.jtbl
  expect_refused --pubkey k1.pub --min-generation 11 a.signed
  "$B" verify --pubkey k1.pub --min-generation 10 a.signed >/dev/null ||
    fail "equal generation refused"
  expect_refused --pubkey k1.pub --min-generation 10 b.jtbl
  "$B" sign --key rsa.key b.jtbl 2>/dev/null && fail "signed with RSA"
  "$B" verify --pubkey k1.pub b.jtbl >/dev/null || fail "b changed"
  # A flipped byte in the file: refused (the C unit test flips every one).
  cp a.signed bad.jtbl
  printf '\x01' | dd of=bad.jtbl bs=1 seek=200 conv=notrunc 2>/dev/null
  expect_refused --pubkey k1.pub bad.jtbl
  "$B" diff a.signed b.jtbl >diff.txt
  grep -q "OLDER" diff.txt || fail "diff does not flag the rollback"
  ok "sign/verify round trip, wrong key, unsigned, rollback"
}

t_webroot() {
  local cas=()
  for n in $(pki_cas); do cas+=("$PKI/$n.pem"); done
  cat "${cas[@]}" >cas.pem
  "$B" build --from cas.pem --webroot www 2>build.log ||
    { fail "webroot: $(cat build.log)"; return; }
  python3 - "$PKI" <<'EOF' || fail "webroot checks"
import hashlib, json, os, sys
pki = sys.argv[1]
idx = json.load(open("www/index.json"))
bad = 0
def err(m):
    global bad
    print("FAIL:", m); bad += 1
rows = [l.rstrip("\n").split("\t") for l in open(pki + "/manifest.tsv")][1:]
cas = [r for r in rows if r[1] in ("root", "inter")]
cas = [r for r in cas if r[0] != "inter-notca"]
if len(idx["cas"]) != len(cas):
    err(f"{len(idx['cas'])} CAs in index.json, {len(cas)} in the PKI")
by_sha = {c["sha256"]: c for c in idx["cas"]}
keys = {}
for c in idx["cas"]:
    keys.setdefault(c["key"], []).append(c)
for r in cas:
    der = open(f"{pki}/{r[0]}.der", "rb").read()
    sha = hashlib.sha256(der).hexdigest()
    c = by_sha.get(sha)
    if c is None:
        err(f"{r[0]} not in index.json"); continue
    if r[5] and c["key"] != r[5]:
        err(f"{r[0]}: key {c['key']} != SKID {r[5]}")
    if not r[5] and not c["computed"]:
        err(f"{r[0]}: no SKID, not flagged computed")
    for p in (c["der"], f"sha256/{sha}.der", f"by-skid/{c['key']}"):
        if c["by_skid"] or not p.startswith("by-skid"):
            if open("www/" + p, "rb").read() != der and p != f"by-skid/{c['key']}":
                err(f"{r[0]}: www/{p} is not its DER")
    name = os.path.basename(c["der"])
    iss = name[:name.rfind("_")]
    if open(f"www/by-iss/{iss}", "rb").read() != der:
        err(f"{r[0]}: by-iss/{iss} is not its DER")
    pem = open(f"www/skid/{c['key']}.pem").read()
    if pem.count("BEGIN CERTIFICATE") != len(keys[c["key"]]):
        err(f"skid/{c['key']}.pem does not list every CA with the key")
# Every link resolves, inside the webroot, to a file in der/.
for d in ("by-skid", "by-iss"):
    for n in os.listdir(f"www/{d}"):
        p = f"www/{d}/{n}"
        t = os.readlink(p)
        if not t.startswith("../der/") or not os.path.isfile(p):
            err(f"{p} -> {t} does not point at a DER in der/")
# The shared-SKID rule: by-skid/ names the CA with the latest notAfter.
shared = 0
for k, cs in keys.items():
    link = os.path.basename(os.readlink(f"www/by-skid/{k}"))
    best = sorted(cs, key=lambda c: (-c["not_after"], c["sha256"]))[0]
    if os.path.basename(best["der"]) != link:
        err(f"by-skid/{k} -> {link}, rule says {best['der']}")
    if len([c for c in cs if c["by_skid"]]) != 1:
        err(f"key {k}: by_skid flag not on exactly one CA")
    shared += len(cs) > 1
if shared < 2:
    err(f"expected shared keys in the PKI (cross-signs), found {shared}")
print(f"webroot: {len(idx['cas'])} CAs, {len(keys)} keys, {shared} shared")
sys.exit(1 if bad else 0)
EOF
  # Rebuilding replaces a webroot; a directory that is not one is refused.
  "$B" build --from cas.pem --webroot www 2>/dev/null || fail "rebuild"
  mkdir notours && touch notours/keep
  "$B" build --from cas.pem -o x.jtbl --webroot notours 2>/dev/null &&
    fail "replaced a directory without index.json"
  [ -e notours/keep ] || fail "notours was touched"
  [ -e x.jtbl ] && fail "x.jtbl written although the webroot was refused"
  [ -z "$(find . -maxdepth 1 -name '.*.tmp-*')" ] || fail "temp files left"
  ok "webroot"
}

# The Mozilla webroot uses the libwebsockets names: <name>_<serial> made the
# way scripts/mozilla-trust-gen.sh makes them from `openssl x509 -text`.
t_webroot_mozilla() {
  local c1 iss ser skid issname n=0
  "$B" build --webroot www 2>/dev/null || { fail "build"; return; }
  for f in "$MOZ"/*.crt; do
    c1=$(openssl x509 -in "$f" -text -noout)
    iss=$(grep Issuer: <<<"$c1" | sed "s/.*://g" | sed "s/^ *//g" || true)
    ser=$(grep "Serial Number:" <<<"$c1" | sed "s/.*://g" | sed "s/^ *//g" |
      sed "s/ .*//g" || true)
    [ -n "$ser" ] || ser=$(sed -e "1,/.*Serial Number:/ d" <<<"$c1" |
      head -n 1 | sed "s/^ *//g" | sed "s/ .*//g" || true)
    skid=$(openssl x509 -in "$f" -noout -ext subjectKeyIdentifier 2>/dev/null |
      sed -n 2p | tr -d ' :' || true)
    issname=$(echo -n "$iss"_"$ser" | tr -cd '[a-zA-Z0-9]_')
    if [ -n "$skid" ]; then
      [ -f "www/der/${issname}_$skid" ] || fail "$f: no der/${issname}_$skid"
      # a SKID two Mozilla roots share (this bundle has one) names one of
      # them, a DER filed under that SKID; which one is the rule checked on
      # the test PKI above
      case "$(readlink "www/by-skid/$skid")" in
        "../der/${issname}_$skid") ;;
        ../der/*_"$skid") [ -f "www/by-skid/$skid" ] ||
          fail "$f: by-skid/$skid dangles" ;;
        *) fail "$f: by-skid/$skid" ;;
      esac
    fi
    [ -L "www/by-iss/$issname" ] || fail "$f: no by-iss/$issname"
    n=$((n + 1))
  done
  ok "webroot: $n Mozilla roots under their libwebsockets names"
}

# Run jt-blob expecting failure: non-zero exit, one line naming |file|,
# nothing written and no temp file left.
expect_bad() {
  local file=$1 code
  shift
  rm -rf out
  mkdir out
  set +e; "$B" "$@" 2>err.txt >/dev/null; code=$?; set -e
  [ $code -ne 0 ] || fail "accepted: $*"
  [ "$(wc -l <err.txt)" = 1 ] || fail "$*: not one error line: $(cat err.txt)"
  grep -qF "$file" err.txt || fail "$*: error does not name $file"
  [ -z "$(ls -A out)" ] || fail "$*: left $(ls -A out)"
}

t_bad_input() {
  head -c 5000 /dev/urandom >garbage.bin
  { cat "$PKI/root-rsa.pem"; head -c 100 /dev/urandom; echo;
    cat "$PKI/root-p256.pem"; } >junk.pem
  cat "$PKI/root-rsa.pem" "$PKI/root-p256.pem" "$PKI/root-rsa.pem" >dup.pem
  sed '$d' "$PKI/root-rsa.pem" >trunc.pem
  sed 's/^M/!/' "$PKI/root-rsa.pem" >b64.pem
  cat "$PKI/leaf-www.pem" >leaf.pem
  head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'A' >big.pem
  echo "not a cert" >text.txt
  : >empty.pem
  mkdir emptydir
  cp "$PKI/root-noskid.pem" noskid.pem
  all="-o out/b --index-only out/i --webroot out/w --c-header out/h --name n"
  # shellcheck disable=SC2086
  {
    expect_bad garbage.bin build --from garbage.bin $all
    expect_bad junk.pem build --from junk.pem $all
    expect_bad dup.pem build --from dup.pem $all
    expect_bad trunc.pem build --from trunc.pem $all
    expect_bad b64.pem build --from b64.pem $all
    expect_bad leaf.pem build --from leaf.pem $all
    expect_bad big.pem build --from big.pem $all
    expect_bad text.txt build --from text.txt $all
    expect_bad empty.pem build --from empty.pem $all
    expect_bad emptydir build --from emptydir $all
    expect_bad missing.pem build --from missing.pem $all
    expect_bad 1-x build --from noskid.pem -o out/b --c-header out/h \
      --name 1-x
    expect_bad garbage.bin list garbage.bin
    expect_bad garbage.bin verify --pubkey garbage.bin garbage.bin
    expect_bad garbage.bin sign --key "$PKI/root-p256.key" garbage.bin
  }
  chmod 000 noskid.pem
  if [ "$(id -u)" != 0 ]; then
    expect_bad noskid.pem build --from noskid.pem -o out/b
  fi
  chmod 644 noskid.pem
  # A CA without a SKID is fine: filed under its computed key id.
  "$B" build --from noskid.pem -o out/ok 2>/dev/null ||
    fail "a root without SKID refused"
  [[ $("$B" list out/ok) == *computed-key* ]] || fail "no computed-key flag"
  [ -z "$(find out -name '.*.tmp-*')" ] || fail "temp files left"
  ok "bad input: one line, non-zero exit, nothing left"
}

case $feature in
mozilla) t_mozilla ;;
certdata) t_certdata ;;
tblb) t_tblb ;;
sign) t_sign ;;
webroot) t_webroot ;;
webroot-mozilla) t_webroot_mozilla ;;
bad-input) t_bad_input ;;
*) echo "unknown feature $feature" >&2; exit 2 ;;
esac
[ "$fails" = 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "all passed: $feature"
