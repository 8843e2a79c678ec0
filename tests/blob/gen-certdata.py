#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen-certdata.py: write an NSS certdata.txt fixture from the test PKI, for
jt-blob's certdata parser (no Debian package ships certdata.txt).

Usage: gen-certdata.py PKI_DIR OUT

Objects (the expected outcome in brackets):
  root-rsa        cert + trust: server CKT_NSS_TRUSTED_DELEGATOR   [kept]
  root-p256       cert with CKA_NSS_SERVER_DISTRUST_AFTER 250101000000Z
                  + trust: TRUSTED_DELEGATOR                        [kept,
                  distrust-after 1735689600]
  root-noskid     its trust object comes BEFORE its cert             [kept]
  root-p384       trust: server CKT_NSS_MUST_VERIFY_TRUST (email
                  delegator)                                         [dropped]
  root-untrusted  trust: CKT_NSS_NOT_TRUSTED                         [dropped]
  inter-p256      cert object without a trust object                 [dropped]
  fake-ca-p256    trust object (TRUSTED_DELEGATOR) without a cert    [nothing]
Trust objects of the other certs come after all certs, in reverse order, so
pairing by position would pair the wrong objects.
"""
import hashlib
import sys


def tlv(buf, pos):
    tag = buf[pos]
    n = buf[pos + 1]
    hdr = 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[pos + 2:pos + 2 + k], "big")
        hdr += k
    return tag, pos + hdr, pos + hdr + n


def issuer_serial(der):
    """(issuer Name DER, serialNumber INTEGER DER) of a certificate."""
    _, cs, _ = tlv(der, 0)
    _, ts, _ = tlv(der, cs)
    pos = ts
    tag, _, end = tlv(der, pos)
    if tag == 0xA0:                      # [0] version
        pos = end
    _, _, send = tlv(der, pos)           # serialNumber
    serial = der[pos:send]
    _, _, aend = tlv(der, send)          # signature AlgorithmIdentifier
    _, _, iend = tlv(der, aend)          # issuer
    return der[aend:iend], serial


def octal(data):
    out = []
    for i in range(0, len(data), 16):
        out.append("".join("\\%03o" % b for b in data[i:i + 16]))
    return "\n".join(out) + "\nEND\n"


def cert_obj(name, der, distrust=None):
    iss, ser = issuer_serial(der)
    s = f"# Certificate \"{name}\"\n"
    s += "CKA_CLASS CK_OBJECT_CLASS CKO_CERTIFICATE\n"
    s += "CKA_TOKEN CK_BBOOL CK_TRUE\nCKA_PRIVATE CK_BBOOL CK_FALSE\n"
    s += "CKA_MODIFIABLE CK_BBOOL CK_FALSE\n"
    s += f"CKA_LABEL UTF8 \"{name}\"\n"
    s += "CKA_CERTIFICATE_TYPE CK_CERTIFICATE_TYPE CKC_X_509\n"
    s += "CKA_SUBJECT MULTILINE_OCTAL\n" + octal(iss)
    s += "CKA_ID UTF8 \"0\"\n"
    s += "CKA_ISSUER MULTILINE_OCTAL\n" + octal(iss)
    s += "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n" + octal(ser)
    s += "CKA_VALUE MULTILINE_OCTAL\n" + octal(der)
    s += "CKA_NSS_MOZILLA_CA_POLICY CK_BBOOL CK_TRUE\n"
    if distrust:
        s += ("CKA_NSS_SERVER_DISTRUST_AFTER MULTILINE_OCTAL\n" +
              octal(distrust.encode()))
    else:
        s += "CKA_NSS_SERVER_DISTRUST_AFTER CK_BBOOL CK_FALSE\n"
    s += "CKA_NSS_EMAIL_DISTRUST_AFTER CK_BBOOL CK_FALSE\n\n"
    return s


def trust_obj(name, der, server, email="CKT_NSS_TRUSTED_DELEGATOR"):
    iss, ser = issuer_serial(der)
    s = f"# Trust for \"{name}\"\n"
    s += "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_TRUST\n"
    s += "CKA_TOKEN CK_BBOOL CK_TRUE\nCKA_PRIVATE CK_BBOOL CK_FALSE\n"
    s += "CKA_MODIFIABLE CK_BBOOL CK_FALSE\n"
    s += f"CKA_LABEL UTF8 \"{name}\"\n"
    s += "CKA_CERT_SHA1_HASH MULTILINE_OCTAL\n" + octal(hashlib.sha1(der).digest())
    s += "CKA_CERT_MD5_HASH MULTILINE_OCTAL\n" + octal(hashlib.md5(der).digest())
    s += "CKA_ISSUER MULTILINE_OCTAL\n" + octal(iss)
    s += "CKA_SERIAL_NUMBER MULTILINE_OCTAL\n" + octal(ser)
    s += f"CKA_TRUST_SERVER_AUTH CK_TRUST {server}\n"
    s += f"CKA_TRUST_EMAIL_PROTECTION CK_TRUST {email}\n"
    s += "CKA_TRUST_CODE_SIGNING CK_TRUST CKT_NSS_MUST_VERIFY_TRUST\n"
    s += "CKA_TRUST_STEP_UP_APPROVED CK_BBOOL CK_FALSE\n\n"
    return s


def main():
    pki, out = sys.argv[1], sys.argv[2]
    der = {n: open(f"{pki}/{n}.der", "rb").read() for n in (
        "root-rsa", "root-p256", "root-noskid", "root-p384",
        "root-untrusted", "inter-p256", "fake-ca-p256")}
    DEL = "CKT_NSS_TRUSTED_DELEGATOR"
    s = "# certdata.txt fixture made by tests/blob/gen-certdata.py\n"
    s += "CVS_ID \"@(#) $RCSfile: certdata.txt $\"\n\nBEGINDATA\n\n"
    s += "CKA_CLASS CK_OBJECT_CLASS CKO_NSS_BUILTIN_ROOT_LIST\n"
    s += "CKA_TOKEN CK_BBOOL CK_TRUE\nCKA_LABEL UTF8 \"Mozilla Builtin Roots\"\n\n"
    s += trust_obj("root-noskid", der["root-noskid"], DEL)       # before cert
    s += cert_obj("root-rsa", der["root-rsa"])
    s += cert_obj("root-p256", der["root-p256"], "250101000000Z")
    s += cert_obj("root-noskid", der["root-noskid"])
    s += cert_obj("root-p384", der["root-p384"])
    s += cert_obj("root-untrusted", der["root-untrusted"])
    s += cert_obj("inter-p256", der["inter-p256"])               # no trust
    s += trust_obj("fake-ca-p256", der["fake-ca-p256"], DEL)     # no cert
    s += trust_obj("root-untrusted", der["root-untrusted"], "CKT_NSS_NOT_TRUSTED",
                   "CKT_NSS_NOT_TRUSTED")
    s += trust_obj("root-p384", der["root-p384"], "CKT_NSS_MUST_VERIFY_TRUST")
    s += trust_obj("root-p256", der["root-p256"], DEL)
    s += trust_obj("root-rsa", der["root-rsa"], DEL)
    open(out, "w").write(s)


if __name__ == "__main__":
    main()
