#!/usr/bin/env bash
# gen-pki.sh OUTDIR: make the throwaway test PKI of libjittrust in OUTDIR.
#
# Every certificate comes from one row of PKI_TABLE below; README.md in this
# folder explains the columns and lists every artefact. Only the openssl CLI
# is used and nothing touches the network. Re-running replaces everything a
# previous run made in OUTDIR (listed in OUTDIR/.gen-pki-owned) and nothing
# else; OUTDIR/.complete is written last.
set -euo pipefail

# ---------------------------------------------------------------------------
# The table: one row per certificate, cells separated by '|'.
#
#  name      artefact name: OUTDIR/NAME.pem, .der, .key (and .chain.pem for a
#            leaf); "dir/name" puts the files in a subdirectory
#  kind      root (self-signed) | inter (used as an issuer) | leaf
#  keytype   rsa2048 | rsa4096 | p256 | p384
#  key       - : a new key; or the name of an earlier row whose key is reused
#  issuer    self (roots) or the name of an earlier root/inter row
#  cn        subject commonName (no '/' or '+')
#  sans      - : no subjectAltName; or its value, e.g. DNS:a.jt.test,IP:::1
#  validity  a VALIDITY preset, or START..END where each end is
#            YYYYMMDDHHMMSSZ (UTC), now, or +N/-N days (d) or years (y)
#  profile   root | inter | leaf, then any number of +KEY=VALUE overrides,
#            KEY one of bc ku eku skid akid san nc (see PROFILE_EXT below);
#            VALUE - drops the extension, @ROW is ROW's SKID (skid only)
#  dn        - : /O=libjittrust test PKI before the CN; long : that plus 12
#            long OUs; or a literal prefix starting with '/'
# ---------------------------------------------------------------------------
PKI_TABLE='
# name            |kind |keytype|key             |issuer          |cn                          |sans                 |validity|profile                                     |dn
# Trust anchors (TRUSTED_ROOTS below says which go into roots-trusted.pem).
root-rsa          |root |rsa2048|-               |self            |JT Test Root RSA            |-                    |ca      |root                                        |-
root-p256         |root |p256   |-               |self            |JT Test Root P-256          |-                    |ca      |root                                        |-
root-p384         |root |p384   |-               |self            |JT Test Root P-384          |-                    |ca      |root+akid=keyid:always                      |-
root-noskid       |root |p256   |-               |self            |JT Test Root No SKID        |-                    |ca      |root+skid=none                              |-
root-untrusted    |root |p256   |-               |self            |JT Test Untrusted Root      |-                    |ca      |root                                        |-
fake-ca-p256      |root |p256   |-               |self            |JT Test Root P-256          |-                    |ca      |root+skid=@root-p256                        |-
liar-ca-p256      |root |p256   |root-untrusted  |self            |JT Test Root P-256          |-                    |ca      |root+skid=@root-p256                        |-
root-expired      |root |p256   |-               |self            |JT Test Root Expired        |-                    |20190101000000Z..20200101000000Z|root              |-
# Intermediates.
inter-rsa         |inter|rsa2048|-               |root-rsa        |JT Test Inter RSA           |-                    |ca      |inter                                       |-
inter-p256        |inter|p256   |-               |root-p256       |JT Test Inter P-256         |-                    |ca      |inter                                       |-
inter-p384        |inter|p384   |-               |root-p384       |JT Test Inter P-384         |-                    |ca      |inter                                       |-
inter-x-by-p256   |inter|p256   |-               |root-p256       |JT Test Inter X             |-                    |ca      |inter                                       |-
inter-x-by-rsa    |inter|p256   |inter-x-by-p256 |root-rsa        |JT Test Inter X             |-                    |ca      |inter                                       |-
root-p384-by-rsa  |inter|p384   |root-p384       |root-rsa        |JT Test Root P-384          |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
inter-x-by-untrusted|inter|p256 |inter-x-by-p256 |root-untrusted  |JT Test Inter X             |-                    |ca      |inter                                       |-
root-p384-by-untrusted|inter|p384|root-p384      |root-untrusted  |JT Test Root P-384          |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
inter-liar        |inter|p256   |-               |liar-ca-p256    |JT Test Inter Liar          |-                    |ca      |inter                                       |-
inter-untrusted   |inter|p256   |-               |root-untrusted  |JT Test Untrusted Inter     |-                    |ca      |inter                                       |-
inter-notca       |inter|p256   |-               |root-p256       |notca.jt.test               |DNS:notca.jt.test    |leaf    |leaf                                        |-
inter-deep        |inter|p256   |-               |inter-p256      |JT Test Inter Deep          |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
inter-nc          |inter|p256   |-               |root-p256       |JT Test Inter NC            |-                    |ca      |inter+nc=critical,permitted;DNS:.jt.test    |-
inter-akid-iss    |inter|p256   |-               |root-p256       |JT Test Inter AKID Issuer   |-                    |ca      |inter+akid=keyid:always,issuer:always       |-
# Good leaves.
leaf-www          |leaf |p256   |-               |inter-p256      |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-rsa          |leaf |rsa2048|-               |inter-rsa       |rsa.jt.test                 |DNS:rsa.jt.test      |leaf    |leaf                                        |-
leaf-p384         |leaf |p384   |-               |inter-p384      |p384.jt.test                |DNS:p384.jt.test     |leaf    |leaf                                        |-
leaf-x            |leaf |p256   |-               |inter-x-by-p256 |x.jt.test                   |DNS:x.jt.test        |leaf    |leaf                                        |-
leaf-wild         |leaf |p256   |-               |inter-p256      |*.wild.jt.test              |DNS:*.wild.jt.test   |leaf    |leaf                                        |-
leaf-noskid-root  |leaf |p256   |-               |root-noskid     |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf+akid=issuer:always                     |-
leaf-akid-iss     |leaf |p256   |-               |inter-akid-iss  |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-nc           |leaf |p256   |-               |inter-nc        |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-ip           |leaf |p256   |-               |inter-p256      |JT Test Leaf IP             |IP:127.0.0.1,IP:::1  |leaf    |leaf                                        |-
# Bad leaves: each has one defect.
leaf-expired      |leaf |p256   |-               |inter-p256      |www.jt.test                 |DNS:www.jt.test      |20200101000000Z..20210101000000Z|leaf               |-
leaf-notyet       |leaf |p256   |-               |inter-p256      |www.jt.test                 |DNS:www.jt.test      |20990101000000Z..20991231235959Z|leaf               |-
leaf-wrongname    |leaf |p256   |-               |inter-p256      |other.example.test          |DNS:other.example.test|leaf   |leaf                                        |-
leaf-untrusted    |leaf |p256   |-               |inter-untrusted |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-attacker     |leaf |p256   |-               |root-untrusted  |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-fake         |leaf |p256   |-               |fake-ca-p256    |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-cn-only      |leaf |p256   |-               |inter-p256      |www.jt.test                 |-                    |leaf    |leaf                                        |-
leaf-clientauth   |leaf |p256   |-               |inter-p256      |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf+eku=clientAuth                         |-
leaf-keyenc       |leaf |rsa2048|-               |inter-rsa       |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf+ku=critical,keyEncipherment            |-
leaf-under-notca  |leaf |p256   |-               |inter-notca     |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-pathlen      |leaf |p256   |-               |inter-deep      |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-is-ca        |leaf |p256   |-               |inter-p256      |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf+bc=critical,CA:TRUE+ku=critical,digitalSignature,keyCertSign|-
leaf-nc-out       |leaf |p256   |-               |inter-nc        |www.example.test            |DNS:www.example.test |leaf    |leaf                                        |-
leaf-liar         |leaf |p256   |-               |inter-liar      |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
leaf-under-expired|leaf |p256   |-               |root-expired    |www.jt.test                 |DNS:www.jt.test      |leaf    |leaf                                        |-
# chain20: root-p256 -> 19 intermediates without pathlen -> leaf.
chain20/i01       |inter|p256   |-               |root-p256       |JT Test Chain20 I01         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i02       |inter|p256   |-               |chain20/i01     |JT Test Chain20 I02         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i03       |inter|p256   |-               |chain20/i02     |JT Test Chain20 I03         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i04       |inter|p256   |-               |chain20/i03     |JT Test Chain20 I04         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i05       |inter|p256   |-               |chain20/i04     |JT Test Chain20 I05         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i06       |inter|p256   |-               |chain20/i05     |JT Test Chain20 I06         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i07       |inter|p256   |-               |chain20/i06     |JT Test Chain20 I07         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i08       |inter|p256   |-               |chain20/i07     |JT Test Chain20 I08         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i09       |inter|p256   |-               |chain20/i08     |JT Test Chain20 I09         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i10       |inter|p256   |-               |chain20/i09     |JT Test Chain20 I10         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i11       |inter|p256   |-               |chain20/i10     |JT Test Chain20 I11         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i12       |inter|p256   |-               |chain20/i11     |JT Test Chain20 I12         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i13       |inter|p256   |-               |chain20/i12     |JT Test Chain20 I13         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i14       |inter|p256   |-               |chain20/i13     |JT Test Chain20 I14         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i15       |inter|p256   |-               |chain20/i14     |JT Test Chain20 I15         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i16       |inter|p256   |-               |chain20/i15     |JT Test Chain20 I16         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i17       |inter|p256   |-               |chain20/i16     |JT Test Chain20 I17         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i18       |inter|p256   |-               |chain20/i17     |JT Test Chain20 I18         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/i19       |inter|p256   |-               |chain20/i18     |JT Test Chain20 I19         |-                    |ca      |inter+bc=critical,CA:TRUE                   |-
chain20/leaf      |leaf |p256   |-               |chain20/i19     |chain20.jt.test             |DNS:chain20.jt.test  |leaf    |leaf                                        |-
# rsa-long: root-rsa -> 6 RSA-4096 intermediates with long subjects -> leaf;
# the Certificate message is over 16 KB. Two keys, alternating.
rsa-long/i1       |inter|rsa4096|-               |root-rsa        |JT Test RSA Long I1         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/i2       |inter|rsa4096|-               |rsa-long/i1     |JT Test RSA Long I2         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/i3       |inter|rsa4096|rsa-long/i1     |rsa-long/i2     |JT Test RSA Long I3         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/i4       |inter|rsa4096|rsa-long/i2     |rsa-long/i3     |JT Test RSA Long I4         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/i5       |inter|rsa4096|rsa-long/i1     |rsa-long/i4     |JT Test RSA Long I5         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/i6       |inter|rsa4096|rsa-long/i2     |rsa-long/i5     |JT Test RSA Long I6         |-                    |ca      |inter+bc=critical,CA:TRUE                   |long
rsa-long/leaf     |leaf |rsa2048|leaf-rsa        |rsa-long/i6     |rsa-long.jt.test            |DNS:rsa-long.jt.test |leaf    |leaf                                        |-
'

# Extra chain files, OUTDIR/NAME.chain.pem: certificates in the order a server
# sends them (every leaf also gets LEAF.chain.pem along its issuer column).
PKI_CHAINS='
# name              | certificates
leaf-x.via-rsa      | leaf-x inter-x-by-rsa
leaf-p384.via-rsa   | leaf-p384 inter-p384 root-p384-by-rsa
leaf-attacker.mitm  | leaf-attacker leaf-www inter-p256
leaf-x.siblings     | leaf-x inter-x-by-untrusted inter-x-by-p256
leaf-p384.via-untrusted | leaf-p384 inter-p384 root-p384-by-untrusted
'

# OUTDIR/roots-trusted.pem: the trust anchors the tests configure.
TRUSTED_ROOTS='root-rsa root-p256 root-p384 root-noskid'

# Validity presets for the "validity" column.
declare -A VALIDITY=(
  [ca]='20190101000000Z..+20y'
  [leaf]='-1d..+397d'
)

# Profiles: the extensions each base profile starts with, KEY=VALUE with the
# keys of PROFILE_EXT; the table's +KEY=VALUE overrides are applied on top.
declare -A PROFILE=(
  [root]='bc=critical,CA:TRUE|ku=critical,keyCertSign,cRLSign|skid=hash'
  [inter]='bc=critical,CA:TRUE,pathlen:0|ku=critical,keyCertSign,cRLSign|skid=hash|akid=keyid:always'
  [leaf]='bc=critical,CA:FALSE|ku=critical,digitalSignature|eku=serverAuth|skid=hash|akid=keyid:always'
)
# Override keys and the openssl extension each one sets, in output order.
PROFILE_KEYS=(bc ku eku skid akid san nc)
declare -A PROFILE_EXT=(
  [bc]=basicConstraints [ku]=keyUsage [eku]=extendedKeyUsage
  [skid]=subjectKeyIdentifier [akid]=authorityKeyIdentifier
  [san]=subjectAltName [nc]=nameConstraints
)

DN_DEFAULT='/O=libjittrust test PKI'

# ---------------------------------------------------------------------------

die() {
  printf 'gen-pki.sh: %s\n' "$*" >&2
  exit 1
}

usage() {
  printf 'usage: %s OUTDIR\n' "${0##*/}" >&2
  exit 2
}

# trim STRING: strip leading and trailing blanks into REPLY.
trim() {
  local s=$1
  s=${s#"${s%%[![:space:]]*}"}
  REPLY=${s%"${s##*[![:space:]]}"}
}

# Row storage, by row name.
ROWS=()
declare -A R_KIND R_KEYTYPE R_KEY R_ISSUER R_CN R_SANS R_VALIDITY R_PROFILE
declare -A R_DN R_KEYSRC R_SERIAL R_SKID

parse_table() {
  local line n=0 name kind keytype key issuer cn sans validity profile dn
  local -a cells
  while IFS= read -r line; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    IFS='|' read -r -a cells <<<"$line"
    ((${#cells[@]} == 10)) ||
      die "PKI_TABLE line $n: ${#cells[@]} cells, want 10: $line"
    trim "${cells[0]}"; name=$REPLY
    trim "${cells[1]}"; kind=$REPLY
    trim "${cells[2]}"; keytype=$REPLY
    trim "${cells[3]}"; key=$REPLY
    trim "${cells[4]}"; issuer=$REPLY
    trim "${cells[5]}"; cn=$REPLY
    trim "${cells[6]}"; sans=$REPLY
    trim "${cells[7]}"; validity=$REPLY
    trim "${cells[8]}"; profile=$REPLY
    trim "${cells[9]}"; dn=$REPLY
    check_row "$n" "$name" "$kind" "$keytype" "$key" "$issuer" "$cn" \
      "$validity" "$profile" "$dn"
    ROWS+=("$name")
    R_KIND[$name]=$kind
    R_KEYTYPE[$name]=$keytype
    R_KEY[$name]=$key
    R_ISSUER[$name]=$issuer
    R_CN[$name]=$cn
    R_SANS[$name]=$sans
    R_VALIDITY[$name]=$validity
    R_PROFILE[$name]=$profile
    R_DN[$name]=$dn
    if [[ $key == - ]]; then
      R_KEYSRC[$name]=$name
    else
      R_KEYSRC[$name]=${R_KEYSRC[$key]}
    fi
  done <<<"$PKI_TABLE"
  ((${#ROWS[@]} > 0)) || die "empty table"
}

# check_row LINE NAME KIND KEYTYPE KEY ISSUER CN VALIDITY PROFILE DN
check_row() {
  local at="PKI_TABLE line $1 ($2)" over k v
  [[ $2 =~ ^[a-z0-9][a-z0-9.-]*(/[a-z0-9][a-z0-9.-]*)?$ ]] ||
    die "$at: bad name"
  [[ -z ${R_KIND[$2]+x} ]] || die "$at: duplicate name"
  [[ $3 =~ ^(root|inter|leaf)$ ]] || die "$at: bad kind '$3'"
  [[ $4 =~ ^(rsa2048|rsa4096|p256|p384)$ ]] || die "$at: bad keytype '$4'"
  if [[ $5 != - ]]; then
    [[ -n ${R_KIND[$5]+x} ]] || die "$at: key '$5' is not an earlier row"
    [[ ${R_KEYTYPE[$5]} == "$4" ]] || die "$at: key '$5' is not $4"
  fi
  if [[ $3 == root ]]; then
    [[ $6 == self ]] || die "$at: a root's issuer must be 'self'"
  else
    [[ -n ${R_KIND[$6]+x} ]] || die "$at: issuer '$6' is not an earlier row"
    [[ ${R_KIND[$6]} != leaf ]] || die "$at: issuer '$6' is a leaf row"
  fi
  [[ -n $7 && $7 != *[/+]* ]] || die "$at: bad cn '$7'"
  v=$8
  [[ -n ${VALIDITY[$v]+x} ]] && v=${VALIDITY[$v]}
  [[ ${v%%..*} =~ $TIME_RE && ${v#*..} =~ $TIME_RE ]] ||
    die "$at: bad validity '$8'"
  [[ -n ${PROFILE[${9%%+*}]+x} ]] || die "$at: bad profile '${9%%+*}'"
  over=${9#"${9%%+*}"}
  while [[ -n $over ]]; do
    over=${over#+}
    k=${over%%=*}
    [[ -n ${PROFILE_EXT[$k]+x} && $over == *=* ]] ||
      die "$at: bad profile override '${over%%+*}'"
    v=${over%%+*}
    v=${v#*=}
    if [[ $v == @* ]]; then
      [[ $k == skid ]] || die "$at: @ROW only works for skid"
      [[ -n ${R_KIND[${v#@}]+x} ]] || die "$at: '${v#@}' is not an earlier row"
    fi
    over=${over#"${over%%+*}"}
  done
  [[ ${10} == - || ${10} == long || ${10} == /* ]] || die "$at: bad dn '${10}'"
}

# ---------------------------------------------------------------------------
# OUTDIR ownership: claim_all lists every top-level entry this run will make
# in OUTDIR/.gen-pki-owned before anything is made, refusing any that already
# exists; the next run removes exactly those entries first.

declare -A OWNED
OWNED_LIST=
OWNED_NEW=()

# claim RELPATH: own RELPATH's top-level entry; refuse a foreign one.
claim() {
  local top=${1%%/*}
  [[ -n ${OWNED[$top]+x} ]] && return 0
  [[ ! -e $OUT/$top && ! -L $OUT/$top ]] ||
    die "refusing to overwrite $OUT/$top, which gen-pki.sh did not make"
  OWNED[$top]=1
  OWNED_NEW+=("$top")
}

# owned RELPATH: die unless claim_all claimed RELPATH's top-level entry.
owned() {
  [[ -n ${OWNED[${1%%/*}]+x} ]] || die "internal: $1 is not claimed"
}

# claim_all: claim every entry this run will make, before making any.
claim_all() {
  local name line
  claim .complete
  claim .work
  for name in "${ROWS[@]}"; do
    claim "$name.pem"
    claim "$name.der"
    claim "$name.key"
    if [[ ${R_KIND[$name]} == leaf ]]; then claim "$name.chain.pem"; fi
  done
  while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    trim "${line%%|*}"
    claim "$REPLY.chain.pem"
  done <<<"$PKI_CHAINS"
  claim roots-trusted.pem
  claim manifest.tsv
  printf '%s\n' "${OWNED_NEW[@]}" >"$OWNED_LIST"
}

prepare_outdir() {
  local e
  mkdir -p -- "$1"
  OUT=$(cd -- "$1" && pwd -P)
  OWNED_LIST=$OUT/.gen-pki-owned
  rm -f -- "$OUT/.complete"
  if [[ -f $OWNED_LIST ]]; then
    while IFS= read -r e; do
      [[ -n $e && $e != */* && $e != . && $e != .. ]] || continue
      rm -rf -- "${OUT:?}/$e"
    done <"$OWNED_LIST"
  fi
  rm -f -- "$OWNED_LIST"
  claim_all
  WORK=$OUT/.work
  mkdir -p "$WORK/ca" "$WORK/csr" "$WORK/ext" "$WORK/log"
}

# ---------------------------------------------------------------------------
# Times, serials, subjects.

TIME_RE='^([0-9]{14}Z|now|[+-][0-9]+[dy])$'

# to_time TOKEN: YYYYMMDDHHMMSSZ | now | [+-]N(d|y) into REPLY (UTC).
to_time() {
  local t=$1 n
  case $t in
    [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]Z)
      REPLY=$t
      return ;;
    now) n=0 ;;
    *)
      [[ $t =~ ^([+-])([0-9]+)([dy])$ ]] || die "bad time '$t'"
      n=$((10#${BASH_REMATCH[2]} * 86400))
      [[ ${BASH_REMATCH[3]} == y ]] && n=$((n * 365))
      [[ ${BASH_REMATCH[1]} == - ]] && n=$((-n)) ;;
  esac
  printf -v REPLY '%(%Y%m%d%H%M%S)TZ' $((NOW + n))
}

# validity NAME: sets START and END for row NAME.
validity() {
  local v=${R_VALIDITY[$1]}
  [[ -n ${VALIDITY[$v]+x} ]] && v=${VALIDITY[$v]}
  to_time "${v%%..*}"; START=$REPLY
  to_time "${v#*..}"; END=$REPLY
  [[ $START < "$END" ]] || die "$1: validity $START..$END is empty"
}

declare -A SERIALS_USED

# new_serial: 128 random bits, positive, no leading zero byte, never reused.
new_serial() {
  local s
  while :; do
    printf -v s '%08X%08X%08X%08X' "$SRANDOM" "$SRANDOM" "$SRANDOM" "$SRANDOM"
    s=$((SRANDOM % 7 + 1))${s:1}
    [[ -z ${SERIALS_USED[$s]+x} ]] && break
  done
  SERIALS_USED[$s]=1
  REPLY=$s
}

LONG_DN=
make_long_dn() {
  local i pad='padding so the Certificate message exceeds 16 KB'
  LONG_DN=$DN_DEFAULT
  for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
    LONG_DN+="/OU=$pad, part $i of 12"
  done
}

# subject NAME: the -subj string of row NAME into REPLY.
subject() {
  local dn=${R_DN[$1]}
  case $dn in
    -) dn=$DN_DEFAULT ;;
    long) dn=$LONG_DN ;;
  esac
  REPLY="$dn/CN=${R_CN[$1]}"
}

# ---------------------------------------------------------------------------
# Extensions.

# skid_of NAME: the SKID of row NAME's certificate, uppercase hex, into REPLY.
skid_of() {
  [[ -n ${R_SKID[$1]+x} ]] || R_SKID[$1]=$(
    openssl x509 -in "$OUT/$1.pem" -noout -ext subjectKeyIdentifier |
      awk 'NR > 1 && /^ +[0-9A-Fa-f:]+$/ { gsub(/[ :]/, ""); print toupper($0); exit }')
  REPLY=${R_SKID[$1]}
  [[ -n $REPLY ]] || die "row '$1' has no SKID to copy"
}

# write_ext NAME FILE: the [ext] section for row NAME.
write_ext() {
  local name=$1 base=${R_PROFILE[$1]%%+*} item k v over
  local -A ext=()
  local -a items
  IFS='|' read -r -a items <<<"${PROFILE[$base]}"
  [[ ${R_SANS[$name]} != - ]] && items+=("san=${R_SANS[$name]}")
  over=${R_PROFILE[$name]#"$base"}
  while [[ -n $over ]]; do
    over=${over#+}
    items+=("${over%%+*}")
    over=${over#"${over%%+*}"}
  done
  for item in "${items[@]}"; do
    k=${item%%=*}
    v=${item#*=}
    if [[ $v == - ]]; then
      unset 'ext[$k]'
    elif [[ $v == @* ]]; then
      skid_of "${v#@}"
      ext[$k]=$REPLY
    else
      ext[$k]=$v
    fi
  done
  {
    printf '[ext]\n'
    for k in "${PROFILE_KEYS[@]}"; do
      if [[ -n ${ext[$k]+x} ]]; then
        printf '%s = %s\n' "${PROFILE_EXT[$k]}" "${ext[$k]}"
      fi
    done
  } >"$2"
}

# ---------------------------------------------------------------------------
# Keys: every new key first, in parallel, longest first.

gen_key() {
  local -a opt
  case $1 in
    rsa2048) opt=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
    rsa4096) opt=(-algorithm RSA -pkeyopt rsa_keygen_bits:4096) ;;
    p256) opt=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
    p384) opt=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384) ;;
    *) printf 'gen-pki.sh: unknown key type %s\n' "$1" >&2; return 1 ;;
  esac
  if ! openssl genpkey "${opt[@]}" -out "$2" 2>"$3"; then
    printf 'gen-pki.sh: key generation failed for %s:\n' "$2" >&2
    cat "$3" >&2
    return 1
  fi
}

make_keys() {
  local jobs t name log
  local -a running
  jobs=$(nproc 2>/dev/null || echo 2)
  for t in rsa4096 rsa2048 p384 p256; do
    for name in "${ROWS[@]}"; do
      [[ ${R_KEY[$name]} == - && ${R_KEYTYPE[$name]} == "$t" ]] || continue
      owned "$name.key"
      mkdir -p "$(dirname -- "$OUT/$name")"
      # A job slot: "wait -n" alone is not a reliable counter.
      while mapfile -t running < <(jobs -rp) && ((${#running[@]} >= jobs)); do
        wait -n || :
      done
      log=$WORK/log/${name//\//_}.key.log
      { gen_key "$t" "$OUT/$name.key" "$log" || : >"$log.failed"; } &
    done
  done
  wait
  for name in "${ROWS[@]}"; do
    [[ ${R_KEY[$name]} == - ]] || continue
    log=$WORK/log/${name//\//_}.key.log
    [[ ! -e $log.failed && -s $OUT/$name.key ]] ||
      die "key generation failed for $name"
  done
  for name in "${ROWS[@]}"; do
    [[ ${R_KEY[$name]} == - ]] && continue
    owned "$name.key"
    mkdir -p "$(dirname -- "$OUT/$name")"
    cp -- "$OUT/${R_KEYSRC[$name]}.key" "$OUT/$name.key"
  done
}

# ---------------------------------------------------------------------------
# Certificates.

# ca_dir ISSUER: the openssl ca work directory of row ISSUER into REPLY.
ca_dir() {
  local d=$WORK/ca/${1//\//_}
  if [[ ! -d $d ]]; then
    mkdir -p "$d/newcerts"
    : >"$d/index.txt"
    # Fields absent from the policy are dropped unless -preserveDN is given
    # ("preserve = yes" here does not keep them in OpenSSL 3.0).
    cat >"$d/ca.cnf" <<'EOF'
[ca]
default_ca = jt_ca
[jt_ca]
database = index.txt
new_certs_dir = newcerts
serial = serial
unique_subject = no
email_in_dn = no
policy = jt_policy
[jt_policy]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
EOF
  fi
  REPLY=$d
}

# issue NAME: make NAME.pem and NAME.der from its row.
issue() {
  local name=$1 id=${1//\//_} issuer=${R_ISSUER[$1]} md=sha256 cadir subj
  local -a signer
  local log=$WORK/log/$id.log
  owned "$name.pem"
  owned "$name.der"
  subject "$name"; subj=$REPLY
  validity "$name"
  write_ext "$name" "$WORK/ext/$id.cnf"
  openssl req -new -config "$WORK/req.cnf" -key "$OUT/$name.key" \
    -subj "$subj" -out "$WORK/csr/$id.csr" 2>"$log" ||
    { cat "$log" >&2; die "$name: openssl req failed"; }
  if [[ $issuer == self ]]; then
    ca_dir "$name"
    signer=(-selfsign -keyfile "$OUT/$name.key")
    issuer=$name
  else
    ca_dir "$issuer"
    signer=(-cert "$OUT/$issuer.pem" -keyfile "$OUT/$issuer.key")
  fi
  cadir=$REPLY
  [[ ${R_KEYTYPE[$issuer]} == p384 ]] && md=sha384
  new_serial
  R_SERIAL[$name]=$REPLY
  printf '%s\n' "$REPLY" >"$cadir/serial"
  (cd "$cadir" && openssl ca -batch -config ca.cnf -preserveDN -notext \
    "${signer[@]}" -md "$md" -startdate "$START" -enddate "$END" \
    -extfile "$WORK/ext/$id.cnf" -extensions ext \
    -in "$WORK/csr/$id.csr" -out "$OUT/$name.pem") >>"$log" 2>&1 ||
    { cat "$log" >&2; die "$name: openssl ca failed"; }
  openssl asn1parse -in "$OUT/$name.pem" -out "$OUT/$name.der" -noout ||
    die "$name: DER conversion failed"
}

# write_chain FILE CERT...: concatenate the PEMs of rows CERT... into FILE.
write_chain() {
  local file=$1 c
  shift
  owned "${file#"$OUT"/}"
  for c in "$@"; do
    [[ -f $OUT/$c.pem ]] || die "chain $file: no certificate '$c'"
    cat -- "$OUT/$c.pem"
  done >"$file"
}

make_chains() {
  local name cur line bundle certs
  local -a path
  for name in "${ROWS[@]}"; do
    [[ ${R_KIND[$name]} == leaf ]] || continue
    path=("$name")
    cur=${R_ISSUER[$name]}
    while [[ ${R_KIND[$cur]} != root ]]; do
      path+=("$cur")
      cur=${R_ISSUER[$cur]}
    done
    write_chain "$OUT/$name.chain.pem" "${path[@]}"
  done
  while IFS= read -r line; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    trim "${line%%|*}"; bundle=$REPLY
    trim "${line#*|}"; certs=$REPLY
    [[ $bundle =~ ^[a-z0-9][a-z0-9.-]*$ && -n $certs ]] ||
      die "bad PKI_CHAINS line: $line"
    # shellcheck disable=SC2086 # certs is a blank-separated list of names
    write_chain "$OUT/$bundle.chain.pem" $certs
  done <<<"$PKI_CHAINS"
  local -a roots
  read -r -a roots <<<"$TRUSTED_ROOTS"
  for name in "${roots[@]}"; do
    [[ ${R_KIND[$name]:-} == root ]] || die "TRUSTED_ROOTS: '$name' is no root"
  done
  write_chain "$OUT/roots-trusted.pem" "${roots[@]}"
}

# ---------------------------------------------------------------------------
# Manifest: SKID/AKID of every certificate from one openssl pass, matched to
# rows by serial number (unique across the PKI).

make_manifest() {
  local name serial skid akid issuer
  for name in "${ROWS[@]}"; do cat -- "$OUT/$name.pem"; done >"$WORK/all.pem"
  openssl crl2pkcs7 -nocrl -certfile "$WORK/all.pem" |
    openssl pkcs7 -print_certs -text -noout >"$WORK/all.txt"
  # One "SERIAL SKID AKID" line per certificate ("-" when absent). Blocks are
  # told apart by indentation, so the AKID is never read as the SKID.
  while read -r serial skid akid; do
    [[ $skid == - ]] && skid=
    [[ $akid == - ]] && akid=
    R_SKID_BY_SERIAL[$serial]=$skid
    R_AKID_BY_SERIAL[$serial]=$akid
  done < <(awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    function hex(s) { gsub(/[ :]/, "", s); return toupper(s) }
    function flush() {
      if (serial != "") print serial, (skid == "" ? "-" : skid), (akid == "" ? "-" : akid)
      serial = skid = akid = ""; blk = ""
    }
    /^Certificate:/ { flush(); next }
    blk != "" && indent($0) <= blkind { blk = "" }
    /Serial Number:/ {
      if (match($0, /\(0x[0-9a-fA-F]+\)/)) {
        serial = hex(substr($0, RSTART + 3, RLENGTH - 4)); sub(/^0+/, "", serial)
      }
      else { blk = "serial"; blkind = indent($0) }
      next
    }
    /X509v3 Subject Key Identifier:/ { blk = "skid"; blkind = indent($0); next }
    /X509v3 Authority Key Identifier:/ { blk = "akid"; blkind = indent($0); next }
    blk == "serial" { serial = hex($0); sub(/^0+/, "", serial); blk = ""; next }
    blk == "skid" && $1 ~ /^[0-9A-Fa-f:]+$/ && skid == "" { skid = hex($1); next }
    blk == "akid" && $1 ~ /^keyid:/ { akid = hex(substr($1, 7)); next }
    blk == "akid" && $1 ~ /^[0-9A-Fa-f][0-9A-Fa-f](:[0-9A-Fa-f][0-9A-Fa-f])*$/ && akid == "" { akid = hex($1); next }
    END { flush() }
  ' "$WORK/all.txt")
  owned manifest.tsv
  {
    printf 'name\tkind\tkeytype\tissuer\tsubject_cn\tskid_hex\takid_hex\tfile\n'
    for name in "${ROWS[@]}"; do
      serial=${R_SERIAL[$name]}
      while [[ $serial == 0?* ]]; do serial=${serial#0}; done
      [[ -n ${R_SKID_BY_SERIAL[$serial]+x} ]] ||
        die "manifest: no parsed certificate with the serial of $name"
      skid=${R_SKID_BY_SERIAL[$serial]}
      akid=${R_AKID_BY_SERIAL[$serial]}
      if [[ -n ${R_SKID[$name]+x} && ${R_SKID[$name]} != "$skid" ]]; then
        die "manifest: SKID of $name parsed twice differently"
      fi
      issuer=${R_ISSUER[$name]}
      [[ $issuer == self ]] && issuer=$name
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${R_KIND[$name]}" \
        "${R_KEYTYPE[$name]}" "$issuer" "${R_CN[$name]}" "$skid" "$akid" \
        "$name.pem"
    done
  } >"$OUT/manifest.tsv"
}
declare -A R_SKID_BY_SERIAL R_AKID_BY_SERIAL

# ---------------------------------------------------------------------------

main() {
  if (($# != 1)) || [[ -z $1 ]]; then usage; fi
  ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 501)) ||
    die "needs bash 5.1 or later (SRANDOM)"
  command -v openssl >/dev/null || die "openssl not found"
  export TZ=UTC0
  NOW=$EPOCHSECONDS
  parse_table
  make_long_dn
  prepare_outdir "$1"
  printf '[req]\ndistinguished_name = dn\nstring_mask = utf8only\n[dn]\n' \
    >"$WORK/req.cnf"
  # Our own config, and no system CAs (openssl x509 in 3.0 parses the whole
  # system bundle on every call otherwise).
  export OPENSSL_CONF=$WORK/req.cnf SSL_CERT_FILE=/dev/null SSL_CERT_DIR=/dev/null
  make_keys
  local name
  for name in "${ROWS[@]}"; do issue "$name"; done
  make_chains
  make_manifest
  : >"$OUT/.complete"
  printf 'gen-pki.sh: %d certificates in %s\n' "${#ROWS[@]}" "$OUT"
}

main "$@"
