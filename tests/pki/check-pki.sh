#!/usr/bin/env bash
# check-pki.sh OUTDIR: sanity-check the test PKI that gen-pki.sh made in
# OUTDIR. Prints one FAIL line per mismatch and exits 1 if there was any;
# exits 0 and prints a one-line summary otherwise. Uses openssl and coreutils.
set -euo pipefail

# What "openssl verify -purpose sslserver" must say about each chain.
#  leaf       the leaf row (OUTDIR/LEAF.pem)
#  name       host=NAME (-verify_hostname), ip=ADDR (-verify_ip), or -
#  untrusted  chain file given as -untrusted; - means LEAF.chain.pem
#  anchors    -CAfile; - means roots-trusted.pem
#  expect     ok, or DEPTH:MESSAGE of the first error openssl reports
VERIFY_TABLE='
# leaf           | name                | untrusted                  | anchors            | expect
leaf-www         | host=www.jt.test    | -                          | -                  | ok
leaf-rsa         | host=rsa.jt.test    | -                          | -                  | ok
leaf-p384        | host=p384.jt.test   | -                          | -                  | ok
leaf-p384        | host=p384.jt.test   | leaf-p384.via-rsa.chain.pem| root-rsa.pem       | ok
leaf-x           | host=x.jt.test      | -                          | -                  | ok
leaf-x           | host=x.jt.test      | leaf-x.via-rsa.chain.pem   | root-rsa.pem       | ok
leaf-x           | host=x.jt.test      | -                          | root-rsa.pem       | 1:unable to get local issuer certificate
leaf-p384        | host=p384.jt.test   | leaf-p384.via-untrusted.chain.pem| root-p384.pem | ok
leaf-wild        | host=a.wild.jt.test | -                          | -                  | ok
leaf-wild        | host=wild.jt.test   | -                          | -                  | 0:hostname mismatch
leaf-noskid-root | host=www.jt.test    | -                          | -                  | ok
leaf-akid-iss    | host=www.jt.test    | -                          | -                  | ok
leaf-nc          | host=www.jt.test    | -                          | -                  | ok
leaf-ip          | ip=127.0.0.1        | -                          | -                  | ok
leaf-ip          | ip=::1              | -                          | -                  | ok
chain20/leaf     | host=chain20.jt.test| -                          | -                  | ok
rsa-long/leaf    | host=rsa-long.jt.test| -                         | -                  | ok
# Accepted by openssl, refused by libjittrust (see README.md).
leaf-cn-only     | host=www.jt.test    | -                          | -                  | ok
leaf-keyenc      | host=www.jt.test    | -                          | -                  | ok
leaf-is-ca       | host=www.jt.test    | -                          | -                  | ok
# Refused by openssl too.
leaf-expired     | host=www.jt.test    | -                          | -                  | 0:certificate has expired
leaf-notyet      | host=www.jt.test    | -                          | -                  | 0:certificate is not yet valid
leaf-wrongname   | host=www.jt.test    | -                          | -                  | 0:hostname mismatch
leaf-untrusted   | host=www.jt.test    | -                          | -                  | 1:unable to get local issuer certificate
leaf-untrusted   | host=www.jt.test    | -                          | root-untrusted.pem | ok
leaf-attacker    | host=www.jt.test    | -                          | -                  | 0:unable to get local issuer certificate
leaf-attacker    | host=www.jt.test    | leaf-attacker.mitm.chain.pem| -                 | 0:unable to get local issuer certificate
leaf-fake        | host=www.jt.test    | -                          | -                  | 0:certificate signature failure
leaf-fake        | host=www.jt.test    | -                          | fake-ca-p256.pem   | ok
leaf-clientauth  | host=www.jt.test    | -                          | -                  | 0:unsuitable certificate purpose
leaf-under-notca | host=www.jt.test    | -                          | -                  | 1:invalid CA certificate
leaf-pathlen     | host=www.jt.test    | -                          | -                  | 2:path length constraint exceeded
leaf-nc-out      | host=www.example.test| -                         | -                  | 0:permitted subtree violation
leaf-liar        | host=www.jt.test    | -                          | -                  | 1:certificate signature failure
leaf-liar        | host=www.jt.test    | -                          | liar-ca-p256.pem   | ok
leaf-under-expired| host=www.jt.test   | -                          | root-expired.pem   | 1:certificate has expired
# openssl takes the first sibling with the right name and gives up; the JIT
# flow tries both paths and verifies (test-jit-hostile.c).
leaf-x           | host=x.jt.test      | leaf-x.siblings.chain.pem  | root-p256.pem      | 1:unable to get local issuer certificate
'

# The trust bundle, in order, and certificates it must not hold.
TRUSTED_ROOTS='root-rsa root-p256 root-p384 root-noskid'
NOT_TRUSTED='root-untrusted fake-ca-p256 liar-ca-p256 root-expired'

MANIFEST_HEADER=$'name\tkind\tkeytype\tissuer\tsubject_cn\tskid_hex\takid_hex\tfile'

FAILS=0
CHECKS=0

fail() {
  printf 'check-pki.sh: FAIL: %s\n' "$*" >&2
  FAILS=$((FAILS + 1))
}

# expect_eq WHAT GOT WANT
expect_eq() {
  CHECKS=$((CHECKS + 1))
  if [[ $2 == "$3" ]]; then
    return 0
  elif [[ $2$3 == *$'\n'* ]]; then
    fail "$1: contents differ"
  else
    fail "$1: got '$2', want '$3'"
  fi
}

# expect_ne WHAT A B
expect_ne() {
  CHECKS=$((CHECKS + 1))
  [[ $2 != "$3" ]] || fail "$1: both are '$2'"
}

trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  REPLY=${s%"${s##*[![:space:]]}"}
}

# count_certs FILE: number of PEM certificates in FILE into REPLY.
count_certs() {
  REPLY=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$1" || :)
}

# first_cert FILE: the first PEM certificate of FILE on stdout.
first_cert() {
  awk '{ print } /-----END CERTIFICATE-----/ { exit }' "$1"
}

# Per-certificate facts, by manifest name.
declare -A M_KIND M_KEYTYPE M_ISSUER M_CN M_SKID M_AKID M_FILE
declare -A C_SERIAL C_ISSUER C_SUBJECT C_PUB C_SKID C_AKID
ROWS=()

# cert_facts NAME FILE: fill the C_* entries of NAME from FILE.
cert_facts() {
  local out line blk='' pub=0 skid='' akid='' v
  out=$(openssl x509 -in "$2" -noout -nameopt RFC2253 -serial -issuer \
    -subject -pubkey -ext subjectKeyIdentifier,authorityKeyIdentifier 2>&1) ||
    { fail "$1: openssl x509 cannot read $2"; return 0; }
  C_PUB[$1]=
  # An independent parse of the -ext output: a header line, then its values
  # indented below it. The AKID keyid may or may not carry "keyid:".
  while IFS= read -r line; do
    case $line in
      serial=*) C_SERIAL[$1]=${line#serial=} ;;
      issuer=*) C_ISSUER[$1]=${line#issuer=} ;;
      subject=*) C_SUBJECT[$1]=${line#subject=} ;;
      '-----BEGIN PUBLIC KEY-----') pub=1 ;;
      'X509v3 Subject Key Identifier:'*) blk=s ;;
      'X509v3 Authority Key Identifier:'*) blk=a ;;
      ' '*)
        trim "$line"
        v=$REPLY
        if [[ $blk == a && $v == keyid:* ]]; then
          akid=${v#keyid:}
        elif [[ $v =~ ^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$ ]]; then
          case $blk in
            s) skid=$v ;;
            a) akid=$v ;;
          esac
        fi ;;
      *) blk= ;;
    esac
    if ((pub)); then
      C_PUB[$1]+=$line$'\n'
      [[ $line == '-----END PUBLIC KEY-----' ]] && pub=0
    fi
  done <<<"$out"
  skid=${skid//:/}
  akid=${akid//:/}
  C_SKID[$1]=${skid^^}
  C_AKID[$1]=${akid^^}
}

# key_facts KEYFILE: the public key PEM into KEY_PUB, the type (rsa2048,
# rsa4096, p256, p384 or ?) into KEY_TYPE.
key_facts() {
  local txt
  KEY_PUB=
  KEY_TYPE='?'
  txt=$(openssl pkey -in "$1" -pubout -text_pub 2>/dev/null) || return 0
  KEY_PUB=$(sed -n '/BEGIN PUBLIC KEY/,/END PUBLIC KEY/p' <<<"$txt")$'\n'
  case $txt in
    *'NIST CURVE: P-256'*) KEY_TYPE=p256 ;;
    *'NIST CURVE: P-384'*) KEY_TYPE=p384 ;;
    *'Public-Key: (2048 bit)'*Modulus*) KEY_TYPE=rsa2048 ;;
    *'Public-Key: (4096 bit)'*Modulus*) KEY_TYPE=rsa4096 ;;
  esac
}

check_files() {
  local f
  for f in .complete manifest.tsv roots-trusted.pem; do
    CHECKS=$((CHECKS + 1))
    [[ -f $OUT/$f ]] || fail "missing $OUT/$f"
  done
  [[ -f $OUT/manifest.tsv ]] ||
    { printf 'check-pki.sh: FAIL: no manifest, giving up\n' >&2; exit 1; }
}

load_manifest() {
  local header line name kind keytype issuer cn skid akid file extra
  {
    IFS= read -r header
    expect_eq "manifest header" "$header" "$MANIFEST_HEADER"
    # Empty cells are legal: a tab is IFS white space and runs of it would
    # merge, so split on a non-blank stand-in instead.
    while IFS= read -r line; do
      line=${line//$'\t'/$'\x1f'}
      IFS=$'\x1f' read -r name kind keytype issuer cn skid akid file extra \
        <<<"$line"
      CHECKS=$((CHECKS + 1))
      if [[ -z $name || -n $extra || -z $file ]]; then
        fail "manifest: malformed row '$name'"
        continue
      fi
      [[ -z ${M_KIND[$name]+x} ]] || fail "manifest: duplicate row $name"
      ROWS+=("$name")
      M_KIND[$name]=$kind
      M_KEYTYPE[$name]=$keytype
      M_ISSUER[$name]=$issuer
      M_CN[$name]=$cn
      M_SKID[$name]=$skid
      M_AKID[$name]=$akid
      M_FILE[$name]=$file
    done
  } <"$OUT/manifest.tsv"
  ((${#ROWS[@]} > 0)) || fail "manifest: no rows"
}

check_rows() {
  local name base dn issuer
  local -A seen_serial
  for name in "${ROWS[@]}"; do
    base=$OUT/$name
    expect_eq "$name: file column" "${M_FILE[$name]}" "$name.pem"
    CHECKS=$((CHECKS + 1))
    if [[ ! -f $base.pem || ! -f $base.der || ! -f $base.key ]]; then
      fail "$name: missing .pem, .der or .key"
      continue
    fi
    cert_facts "$name" "$base.pem"
    CHECKS=$((CHECKS + 1))
    sed '/^-----/d' "$base.pem" | base64 -d | cmp -s - "$base.der" ||
      fail "$name: $name.der is not the DER of $name.pem"
    key_facts "$base.key"
    expect_eq "$name: key matches certificate" "$KEY_PUB" "${C_PUB[$name]}"
    expect_eq "$name: key type" "$KEY_TYPE" "${M_KEYTYPE[$name]}"
    expect_eq "$name: manifest SKID" "${M_SKID[$name]}" "${C_SKID[$name]}"
    expect_eq "$name: manifest AKID" "${M_AKID[$name]}" "${C_AKID[$name]}"
    dn=${C_SUBJECT[$name]}
    expect_eq "$name: subject CN" "${dn%%,*}" "CN=${M_CN[$name]}"
    CHECKS=$((CHECKS + 1))
    [[ -z ${seen_serial[${C_ISSUER[$name]}/${C_SERIAL[$name]}]+x} ]] ||
      fail "$name: issuer+serial also used by ${seen_serial[${C_ISSUER[$name]}/${C_SERIAL[$name]}]}"
    seen_serial[${C_ISSUER[$name]}/${C_SERIAL[$name]}]=$name
  done
  # Issuer links, now that every row is loaded.
  for name in "${ROWS[@]}"; do
    issuer=${M_ISSUER[$name]}
    [[ -n ${C_SUBJECT[$name]+x} ]] || continue
    if [[ ${M_KIND[$name]} == root ]]; then
      expect_eq "$name: root is its own issuer" "$issuer" "$name"
      expect_eq "$name: root issuer DN" "${C_ISSUER[$name]}" "${C_SUBJECT[$name]}"
      continue
    fi
    CHECKS=$((CHECKS + 1))
    if [[ -z ${C_SUBJECT[$issuer]+x} ]]; then
      fail "$name: issuer '$issuer' is not a manifest row"
      continue
    fi
    expect_eq "$name: issuer DN" "${C_ISSUER[$name]}" "${C_SUBJECT[$issuer]}"
    # AKID keyid is the issuer's SKID, or absent when the issuer has none.
    expect_eq "$name: AKID = SKID of $issuer" "${C_AKID[$name]}" "${C_SKID[$issuer]}"
  done
}

check_count() {
  local n
  n=$(cd "$OUT" && find . -path ./.work -prune -o -type f -name '*.pem' \
    ! -name '*.chain.pem' ! -name roots-trusted.pem -print | wc -l)
  expect_eq "manifest rows = certificate .pem files" "${#ROWS[@]}" "$n"
}

# A leaf's chain file: the leaf, then its non-root issuers, in order.
check_leaf_chains() {
  local name cur want got
  for name in "${ROWS[@]}"; do
    [[ ${M_KIND[$name]} == leaf ]] || continue
    CHECKS=$((CHECKS + 1))
    if [[ ! -f $OUT/$name.chain.pem ]]; then
      fail "$name: no $name.chain.pem"
      continue
    fi
    want=$(cat "$OUT/$name.pem")
    cur=${M_ISSUER[$name]}
    while [[ -n ${M_KIND[$cur]+x} && ${M_KIND[$cur]} != root ]]; do
      want+=$'\n'$(cat "$OUT/$cur.pem")
      cur=${M_ISSUER[$cur]}
    done
    got=$(cat "$OUT/$name.chain.pem")
    expect_eq "$name: $name.chain.pem is the leaf and its intermediates" \
      "$got" "$want"
  done
}

check_trust_bundle() {
  local name want='' got
  for name in $TRUSTED_ROOTS; do
    want+=$(cat "$OUT/$name.pem")$'\n'
  done
  got=$(cat "$OUT/roots-trusted.pem")$'\n'
  expect_eq "roots-trusted.pem = $TRUSTED_ROOTS" "$got" "$want"
  for name in $NOT_TRUSTED; do
    CHECKS=$((CHECKS + 1))
    ! grep -qF -- "$(sed -n 2p "$OUT/$name.pem")" "$OUT/roots-trusted.pem" ||
      fail "roots-trusted.pem holds $name"
  done
}

# The relations the artefacts exist for.
check_relations() {
  local r
  for r in inter-x-by-p256 inter-x-by-rsa root-p384 root-p384-by-rsa root-rsa \
    root-p256 root-noskid root-untrusted fake-ca-p256 leaf-noskid-root \
    leaf-fake inter-akid-iss inter-x-by-untrusted root-p384-by-untrusted \
    liar-ca-p256 inter-liar root-expired; do
    CHECKS=$((CHECKS + 1))
    [[ -n ${C_SUBJECT[$r]+x} ]] || { fail "no certificate $r"; return 0; }
  done
  expect_eq "inter-x: one SKID" "${C_SKID[inter-x-by-p256]}" "${C_SKID[inter-x-by-rsa]}"
  expect_eq "inter-x: one subject" "${C_SUBJECT[inter-x-by-p256]}" "${C_SUBJECT[inter-x-by-rsa]}"
  expect_eq "inter-x: one key" "${C_PUB[inter-x-by-p256]}" "${C_PUB[inter-x-by-rsa]}"
  expect_ne "inter-x: two AKIDs" "${C_AKID[inter-x-by-p256]}" "${C_AKID[inter-x-by-rsa]}"
  expect_ne "inter-x: two issuers" "${C_ISSUER[inter-x-by-p256]}" "${C_ISSUER[inter-x-by-rsa]}"
  expect_eq "root-p384-by-rsa: SKID of root-p384" "${C_SKID[root-p384-by-rsa]}" "${C_SKID[root-p384]}"
  expect_eq "root-p384-by-rsa: subject of root-p384" "${C_SUBJECT[root-p384-by-rsa]}" "${C_SUBJECT[root-p384]}"
  expect_eq "root-p384-by-rsa: key of root-p384" "${C_PUB[root-p384-by-rsa]}" "${C_PUB[root-p384]}"
  expect_eq "inter-x-by-untrusted: SKID of inter-x" "${C_SKID[inter-x-by-untrusted]}" "${C_SKID[inter-x-by-p256]}"
  expect_eq "inter-x-by-untrusted: subject of inter-x" "${C_SUBJECT[inter-x-by-untrusted]}" "${C_SUBJECT[inter-x-by-p256]}"
  expect_eq "inter-x-by-untrusted: key of inter-x" "${C_PUB[inter-x-by-untrusted]}" "${C_PUB[inter-x-by-p256]}"
  expect_eq "inter-x-by-untrusted: AKID of root-untrusted" "${C_AKID[inter-x-by-untrusted]}" "${C_SKID[root-untrusted]}"
  expect_eq "root-p384-by-untrusted: SKID of root-p384" "${C_SKID[root-p384-by-untrusted]}" "${C_SKID[root-p384]}"
  expect_eq "root-p384-by-untrusted: subject of root-p384" "${C_SUBJECT[root-p384-by-untrusted]}" "${C_SUBJECT[root-p384]}"
  expect_eq "root-p384-by-untrusted: key of root-p384" "${C_PUB[root-p384-by-untrusted]}" "${C_PUB[root-p384]}"
  expect_eq "liar-ca-p256: SKID of root-p256" "${C_SKID[liar-ca-p256]}" "${C_SKID[root-p256]}"
  expect_eq "liar-ca-p256: subject of root-p256" "${C_SUBJECT[liar-ca-p256]}" "${C_SUBJECT[root-p256]}"
  expect_eq "liar-ca-p256: key of root-untrusted" "${C_PUB[liar-ca-p256]}" "${C_PUB[root-untrusted]}"
  expect_eq "inter-liar: AKID = SKID of root-p256" "${C_AKID[inter-liar]}" "${C_SKID[root-p256]}"
  expect_eq "inter-liar: issuer DN of root-p256" "${C_ISSUER[inter-liar]}" "${C_SUBJECT[root-p256]}"
  expect_eq "root-p384: AKID = own SKID" "${C_AKID[root-p384]}" "${C_SKID[root-p384]}"
  for r in root-rsa root-p256 root-noskid root-untrusted fake-ca-p256 \
    liar-ca-p256 root-expired; do
    expect_eq "$r: no AKID" "${C_AKID[$r]}" ""
  done
  expect_eq "root-noskid: no SKID" "${C_SKID[root-noskid]}" ""
  expect_eq "leaf-noskid-root: no AKID keyid" "${C_AKID[leaf-noskid-root]}" ""
  expect_eq "fake-ca-p256: SKID of root-p256" "${C_SKID[fake-ca-p256]}" "${C_SKID[root-p256]}"
  expect_eq "fake-ca-p256: subject of root-p256" "${C_SUBJECT[fake-ca-p256]}" "${C_SUBJECT[root-p256]}"
  expect_ne "fake-ca-p256: own key" "${C_PUB[fake-ca-p256]}" "${C_PUB[root-p256]}"
  expect_eq "leaf-fake: AKID = SKID of root-p256" "${C_AKID[leaf-fake]}" "${C_SKID[root-p256]}"
  CHECKS=$((CHECKS + 2))
  openssl x509 -in "$OUT/leaf-noskid-root.pem" -noout \
    -ext authorityKeyIdentifier | grep -q '^ *serial:' ||
    fail "leaf-noskid-root: AKID has no issuer+serial"
  openssl x509 -in "$OUT/inter-akid-iss.pem" -noout \
    -ext authorityKeyIdentifier | grep -q '^ *serial:' ||
    fail "inter-akid-iss: AKID has no issuer+serial"
}

check_sizes() {
  local n total=0 f
  count_certs "$OUT/chain20/leaf.chain.pem"
  expect_eq "chain20/leaf.chain.pem: certificates" "$REPLY" 20
  count_certs "$OUT/rsa-long/leaf.chain.pem"
  n=$REPLY
  CHECKS=$((CHECKS + 1))
  ((n - 1 >= 6 && n - 1 <= 8)) ||
    fail "rsa-long: $((n - 1)) intermediates, want 6 to 8 (mbedTLS takes 8)"
  for f in "$OUT"/rsa-long/*.der; do
    total=$((total + $(wc -c <"$f")))
  done
  CHECKS=$((CHECKS + 1))
  ((total > 16384 + 1024)) ||
    fail "rsa-long: certificates total $total bytes, want well over 16384"
}

check_verify() {
  local line leaf name untrusted anchors expect got out
  local -a cells opt
  while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    IFS='|' read -r -a cells <<<"$line"
    trim "${cells[0]}"; leaf=$REPLY
    trim "${cells[1]}"; name=$REPLY
    trim "${cells[2]}"; untrusted=$REPLY
    trim "${cells[3]}"; anchors=$REPLY
    trim "${cells[4]}"; expect=$REPLY
    [[ $untrusted == - ]] && untrusted=$leaf.chain.pem
    [[ $anchors == - ]] && anchors=roots-trusted.pem
    case $name in
      host=*) opt=(-verify_hostname "${name#host=}") ;;
      ip=*) opt=(-verify_ip "${name#ip=}") ;;
      *) opt=() ;;
    esac
    if out=$(cd "$OUT" && openssl verify -no-CApath -no-CAstore \
      -purpose sslserver "${opt[@]}" -CAfile "$anchors" -untrusted "$untrusted" "$leaf.pem" 2>&1); then
      got=ok
    else
      got=$(sed -n 's/^error [0-9]* at \([0-9]*\) depth lookup: \(.*\)$/\1:\2/p' \
        <<<"$out" | head -n 1)
    fi
    [[ -n $got ]] || got="failed without an error line: ${out//$'\n'/ }"
    expect_eq "verify $leaf ($name, -untrusted $untrusted, -CAfile $anchors)" \
      "$got" "$expect"
  done <<<"$VERIFY_TABLE"
}

main() {
  if (($# != 1)) || [[ ! -d $1 ]]; then
    printf 'usage: %s OUTDIR (made by gen-pki.sh)\n' "${0##*/}" >&2
    exit 2
  fi
  OUT=$(cd -- "$1" && pwd -P)
  # No system configuration or CAs: openssl x509 otherwise parses the whole
  # system bundle on every call, and verify would also trust system CAs.
  export OPENSSL_CONF=/dev/null SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/dev/null
  check_files
  load_manifest
  check_rows
  check_count
  check_leaf_chains
  check_trust_bundle
  check_relations
  check_sizes
  check_verify
  if ((FAILS > 0)); then
    printf 'check-pki.sh: %d of %d checks failed in %s\n' "$FAILS" "$CHECKS" "$OUT" >&2
    exit 1
  fi
  printf 'check-pki.sh: all %d checks passed in %s\n' "$CHECKS" "$OUT"
}

main "$@"
