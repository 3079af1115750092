"""Seed runbook 004 ("Using with SmartCard-HSM (Nitrokey HSM)") with Debian's PyKCS11 on
opensc-pkcs11.so: an RSA-2048 key pair decrypts what was encrypted locally with RSA_PKCS; EC key
pairs on the eight curves the guide lists sign with ECDSA_SHA1 (verified locally) and derive an
ECDH secret equal to the one computed locally.

Run by PythonPkcs11IT with /usr/bin/python3. Environment: PKCS11_MODULE (the .so), PKCS11_PIN
(user PIN; never printed). Prints one "OK ..." line per check and "ALL OK" at the end; on a
failure prints "FAIL ..." and exits 1. Curves the python3-cryptography of Debian 12 does not know
(brainpoolP192r1/224r1/320r1, secp192k1) are checked with the openssl command line instead.
"""

import os
import subprocess
import sys
import tempfile

import PyKCS11
from PyKCS11 import (CKA_CLASS, CKA_DECRYPT, CKA_DERIVE, CKA_EC_PARAMS, CKA_EC_POINT,
                     CKA_ENCRYPT, CKA_EXTRACTABLE, CKA_ID, CKA_KEY_TYPE, CKA_LABEL,
                     CKA_MODULUS, CKA_PRIVATE, CKA_PUBLIC_EXPONENT, CKA_SENSITIVE, CKA_SIGN,
                     CKA_TOKEN, CKA_VALUE, CKA_VALUE_LEN, CKA_VERIFY, CKK_EC,
                     CKK_GENERIC_SECRET, CKK_RSA, CKM_ECDSA_SHA1, CKM_RSA_PKCS, CKO_PRIVATE_KEY,
                     CKO_PUBLIC_KEY, CKO_SECRET_KEY, CKA_MODULUS_BITS, CKA_UNWRAP, CKA_WRAP)
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

# name -> (DER OID of the named curve, field length in bytes)
CURVES = [
    ("secp192r1", "06082a8648ce3d030101", 24),
    ("secp256r1", "06082a8648ce3d030107", 32),
    ("brainpoolP192r1", "06092b2403030208010103", 24),
    ("brainpoolP224r1", "06092b2403030208010105", 28),
    ("brainpoolP256r1", "06092b2403030208010107", 32),
    ("brainpoolP320r1", "06092b2403030208010109", 40),
    ("secp192k1", "06052b8104001f", 24),
    ("secp256k1", "06052b8104000a", 32),
]
# openssl's names where they differ
OPENSSL_NAMES = {"secp192r1": "prime192v1", "secp256r1": "prime256v1"}

failures = []


def ok(what):
    print("OK " + what, flush=True)


def fail(what):
    print("FAIL " + what, flush=True)
    failures.append(what)


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return bytes([tag]) + length + content


def octet_string_value(der):
    """CKA_EC_POINT is a DER OCTET STRING holding 04||X||Y."""
    if der[0] != 0x04:
        raise ValueError("EC_POINT is not an OCTET STRING")
    if der[1] < 0x80:
        start, n = 2, der[1]
    elif der[1] == 0x81:
        start, n = 3, der[2]
    else:
        raise ValueError("unexpected EC_POINT length")
    if start + n != len(der):
        raise ValueError("EC_POINT length mismatch")
    return der[start:]


def spki(params, point):
    alg = tlv(0x30, bytes.fromhex("06072a8648ce3d0201") + params)
    return tlv(0x30, alg + tlv(0x03, b"\x00" + point))


def openssl(*args):
    r = subprocess.run(["openssl", *args], capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("openssl %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout


def main():
    module = os.environ["PKCS11_MODULE"]
    pin = os.environ["PKCS11_PIN"]
    lib = PyKCS11.PyKCS11Lib()
    lib.load(module)
    slots = lib.getSlotList(tokenPresent=True)
    if not slots:
        fail("no token")
        return
    info = lib.getTokenInfo(slots[0])
    ok("token %s / %s" % (info.label.strip(), info.manufacturerID.strip()))
    session = lib.openSession(slots[0], PyKCS11.CKF_SERIAL_SESSION | PyKCS11.CKF_RW_SESSION)
    session.login(pin)
    with tempfile.TemporaryDirectory(prefix="seed004-") as tmp:
        run_checks(session, tmp)
    session.logout()
    session.closeSession()


def run_checks(session, tmp):
    # RSA-2048: decrypt in the HSM what was encrypted on this machine
    pub_t = [(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_RSA), (CKA_TOKEN, True),
             (CKA_PRIVATE, False), (CKA_ENCRYPT, True), (CKA_VERIFY, True), (CKA_WRAP, True),
             (CKA_MODULUS_BITS, 2048), (CKA_PUBLIC_EXPONENT, (0x01, 0x00, 0x01)),
             (CKA_LABEL, "My RSA Keypair"), (CKA_ID, (0x30,))]
    priv_t = [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_RSA), (CKA_TOKEN, True),
              (CKA_PRIVATE, True), (CKA_SENSITIVE, True), (CKA_DECRYPT, True),
              (CKA_SIGN, True), (CKA_UNWRAP, True), (CKA_LABEL, "My RSA Keypair"),
              (CKA_ID, (0x30,))]
    pub, priv = session.generateKeyPair(pub_t, priv_t, mecha=PyKCS11.MechanismRSAGENERATEKEYPAIR)
    modulus, exponent = session.getAttributeValue(pub, [CKA_MODULUS, CKA_PUBLIC_EXPONENT])
    rsa_pub = rsa.RSAPublicNumbers(int.from_bytes(bytes(exponent), "big"),
                                   int.from_bytes(bytes(modulus), "big")).public_key()
    if rsa_pub.key_size != 2048:
        fail("rsa-2048 key size %d" % rsa_pub.key_size)
    crypttext = rsa_pub.encrypt(b"Data to encrypt", padding.PKCS1v15())
    plaintext = bytes(session.decrypt(priv, crypttext, PyKCS11.Mechanism(CKM_RSA_PKCS, None)))
    if plaintext == b"Data to encrypt":
        ok("rsa-2048 RSA_PKCS decrypt of locally encrypted data")
    else:
        fail("rsa-2048 decrypt gave %r" % plaintext)

    for i, (name, params_hex, field) in enumerate(CURVES):
        try:
            check_curve(session, tmp, i, name, bytes.fromhex(params_hex), field)
        except Exception as e:  # report and go on with the other curves
            fail("%s: %s: %s" % (name, type(e).__name__, e))


def check_curve(session, tmp, i, name, params, field):
    label = "My EC Keypair " + name
    key_id = (0x40 + i,)
    pub_t = [(CKA_CLASS, CKO_PUBLIC_KEY), (CKA_KEY_TYPE, CKK_EC), (CKA_TOKEN, True),
             (CKA_PRIVATE, False), (CKA_VERIFY, True), (CKA_DERIVE, True),
             (CKA_EC_PARAMS, params), (CKA_LABEL, label), (CKA_ID, key_id)]
    priv_t = [(CKA_CLASS, CKO_PRIVATE_KEY), (CKA_KEY_TYPE, CKK_EC), (CKA_TOKEN, True),
              (CKA_PRIVATE, True), (CKA_SENSITIVE, True), (CKA_SIGN, True),
              (CKA_DERIVE, True), (CKA_LABEL, label), (CKA_ID, key_id)]
    pub, priv = session.generateKeyPair(pub_t, priv_t, mecha=PyKCS11.MechanismECGENERATEKEYPAIR)
    got_params, ec_point = session.getAttributeValue(pub, [CKA_EC_PARAMS, CKA_EC_POINT])
    if bytes(got_params) != params:
        fail("%s EC_PARAMS %s" % (name, bytes(got_params).hex()))
        return
    point = octet_string_value(bytes(ec_point))
    if len(point) != 1 + 2 * field or point[0] != 0x04:
        fail("%s EC_POINT of %d bytes" % (name, len(point)))
        return
    ok("%s keygen (EC_POINT %d bytes)" % (name, len(point)))
    alice_der = spki(params, point)
    try:
        alice = serialization.load_der_public_key(alice_der)
    except (UnsupportedAlgorithm, ValueError):
        alice = None  # not in this python3-cryptography: openssl checks instead
    alice_pem = os.path.join(tmp, name + "-alice.pem")
    alice_der_file = os.path.join(tmp, name + "-alice.der")
    with open(alice_der_file, "wb") as f:
        f.write(alice_der)
    openssl("pkey", "-pubin", "-inform", "DER", "-in", alice_der_file, "-out", alice_pem)
    verifier = "cryptography" if alice is not None else "openssl"

    # Sign data in the HSM with ECDSA_SHA1, encode r||s as ASN.1, verify on this machine
    data = b"Data to sign"
    sig = bytes(session.sign(priv, data, PyKCS11.Mechanism(CKM_ECDSA_SHA1, None)))
    if len(sig) != 2 * field:
        fail("%s ECDSA_SHA1 signature of %d bytes" % (name, len(sig)))
        return
    der_sig = encode_dss_signature(int.from_bytes(sig[:field], "big"),
                                   int.from_bytes(sig[field:], "big"))
    if alice is not None:
        try:
            alice.verify(der_sig, data, ec.ECDSA(hashes.SHA1()))
        except InvalidSignature:
            fail("%s ECDSA_SHA1 signature does not verify" % name)
            return
    else:
        sig_file = os.path.join(tmp, name + ".sig")
        data_file = os.path.join(tmp, name + ".data")
        with open(sig_file, "wb") as f:
            f.write(der_sig)
        with open(data_file, "wb") as f:
            f.write(data)
        out = openssl("dgst", "-sha1", "-verify", alice_pem, "-signature", sig_file, data_file)
        if out.strip() != b"Verified OK":
            fail("%s ECDSA_SHA1 signature does not verify: %r" % (name, out))
            return
    ok("%s ECDSA_SHA1 verified with %s" % (name, verifier))

    # ECDH: Bob's key pair made here; the raw point (not DER) goes to C_DeriveKey
    if alice is not None:
        bob = ec.generate_private_key(alice.curve)
        bob_point = bob.public_key().public_bytes(serialization.Encoding.X962,
                                                  serialization.PublicFormat.UncompressedPoint)
        bob_shared = bob.exchange(ec.ECDH(), alice)
    else:
        bob_pem = os.path.join(tmp, name + "-bob.pem")
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:" + OPENSSL_NAMES.get(name, name), "-out", bob_pem)
        bob_spki = openssl("pkey", "-in", bob_pem, "-pubout", "-outform", "DER")
        bob_point = bob_spki[-(1 + 2 * field):]
        bob_shared = openssl("pkeyutl", "-derive", "-inkey", bob_pem, "-peerkey", alice_pem)
    template = [(CKA_CLASS, CKO_SECRET_KEY), (CKA_KEY_TYPE, CKK_GENERIC_SECRET),
                (CKA_TOKEN, False), (CKA_SENSITIVE, False), (CKA_EXTRACTABLE, True),
                (CKA_ENCRYPT, True), (CKA_DECRYPT, True), (CKA_VALUE_LEN, field)]
    derived = session.deriveKey(priv, template, PyKCS11.ECDH1_DERIVE_Mechanism(bob_point))
    alice_shared = bytes(session.getAttributeValue(derived, [CKA_VALUE])[0])
    if alice_shared == bob_shared and len(alice_shared) == field:
        ok("%s ECDH1_DERIVE matches %s" % (name, verifier))
    else:
        fail("%s ECDH1_DERIVE differs (%d vs %d bytes)" % (name, len(alice_shared),
                                                          len(bob_shared)))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        fail("%s: %s" % (type(e).__name__, e))
    if failures:
        sys.exit(1)
    print("ALL OK", flush=True)
