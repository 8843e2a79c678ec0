#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen-tblb.py: write a libwebsockets TBLB v1 trust blob, independently of
libjittrust's writer, so the reader is tested against vectors it did not make.

Usage: gen-tblb.py [--time N] [--skid-akid] -o OUT CERT_OR_DIR...

Each CERT is a PEM file (every CERTIFICATE block in it is used) or a DER
file; a DIR adds its *.crt, *.pem and *.der files in name order. Layout
(big-endian), as libwebsockets' scripts/mozilla-trust-gen.sh makes it:
  "TBLB", u16 version 1, u16 count, u32 time, u32 offset of the DER length
  table (u16 each), u32 offset of the SKID length table (u8 each), u32
  offset of the SKID table, u32 total length; DERs from 0x1c, then the
  three tables.
--skid-akid stores SKID || AKID keyIdentifier for certificates that have
both, as some runs of that generator did (its sed range caught the AKID).
The SKID is read with a small DER walker written here, not with openssl.
"""
import argparse
import base64
import os
import re
import struct
import sys

OID_SKID = bytes([0x55, 0x1D, 0x0E])
OID_AKID = bytes([0x55, 0x1D, 0x23])


def tlv(buf, pos):
    """Return (tag, content_start, content_end) of the element at pos."""
    tag = buf[pos]
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    if pos + n > len(buf):
        raise ValueError("DER element runs past the end")
    return tag, pos, pos + n


def children(buf, start, end):
    out = []
    while start < end:
        tag, cs, ce = tlv(buf, start)
        out.append((tag, cs, ce))
        start = ce
    return out


def extensions(der):
    """{oid bytes: extnValue contents} of a certificate."""
    _, cs, ce = tlv(der, 0)              # Certificate
    _, ts, te = tlv(der, cs)             # TBSCertificate
    for tag, s, e in children(der, ts, te):
        if tag != 0xA3:                  # [3] extensions
            continue
        _, ss, se = tlv(der, s)          # SEQUENCE OF Extension
        exts = {}
        for _, xs, xe in children(der, ss, se):
            parts = children(der, xs, xe)
            oid = der[parts[0][1]:parts[0][2]]
            value = parts[-1]            # OCTET STRING extnValue
            exts[oid] = der[value[1]:value[2]]
        return exts
    return {}


def skid_akid(der):
    exts = extensions(der)
    skid = akid = b""
    if OID_SKID in exts:
        v = exts[OID_SKID]
        _, s, e = tlv(v, 0)              # OCTET STRING keyIdentifier
        skid = v[s:e]
    if OID_AKID in exts:
        v = exts[OID_AKID]
        _, s, e = tlv(v, 0)              # SEQUENCE
        for tag, cs, ce in children(v, s, e):
            if tag == 0x80:              # [0] keyIdentifier
                akid = v[cs:ce]
    return skid, akid


def load(path):
    data = open(path, "rb").read()
    if b"-----BEGIN CERTIFICATE-----" in data:
        blocks = re.findall(rb"-----BEGIN CERTIFICATE-----(.*?)"
                            rb"-----END CERTIFICATE-----", data, re.S)
        return [base64.b64decode(b"".join(b.split())) for b in blocks]
    return [data]


def inputs(args):
    for a in args:
        if os.path.isdir(a):
            for name in sorted(os.listdir(a)):
                if name.endswith((".crt", ".pem", ".der")):
                    yield from load(os.path.join(a, name))
        else:
            yield from load(a)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-o", "--out", required=True)
    ap.add_argument("--time", type=int, default=1700000000)
    ap.add_argument("--skid-akid", action="store_true")
    ap.add_argument("certs", nargs="+")
    a = ap.parse_args()

    ders, derlens, skidlens, skids = b"", b"", b"", b""
    count = 0
    for der in inputs(a.certs):
        skid, akid = skid_akid(der)
        if a.skid_akid and skid and akid:
            skid = skid + akid
        ders += der
        derlens += struct.pack(">H", len(der))
        skidlens += struct.pack(">B", len(skid))
        skids += skid
        count += 1
    off_derlen = 0x1C + len(ders)
    off_skidlen = off_derlen + len(derlens)
    off_skid = off_skidlen + len(skidlens)
    total = off_skid + len(skids)
    hdr = b"TBLB" + struct.pack(">HHIIIII", 1, count, a.time, off_derlen,
                                off_skidlen, off_skid, total)
    blob = hdr + ders + derlens + skidlens + skids
    assert len(blob) == total
    with open(a.out, "wb") as f:
        f.write(blob)
    print(f"{count} certs, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
