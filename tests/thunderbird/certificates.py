"""What Thunderbird's identity prefs need to name a certificate: its NSS dbkey.

Thunderbird stores the chosen S/MIME certificate as `signing_cert_dbkey`: base64
of four big-endian 32-bit words (0, 0, length of the serial number, length of
the issuer's DER name), then the serial number's content bytes and the issuer
DER. Python 3 standard library only, so the few DER fields are read by hand.
"""

import base64
import ssl
import struct


def _tlv(der, offset):
    """(tag, header length, content length) of the DER element at offset."""
    tag = der[offset]
    first = der[offset + 1]
    if first < 0x80:
        return tag, 2, first
    count = first & 0x7F
    length = int.from_bytes(der[offset + 2:offset + 2 + count], "big")
    return tag, 2 + count, length


def _children(der, offset):
    """Offsets of the elements inside the constructed element at offset."""
    _, header, length = _tlv(der, offset)
    position, end = offset + header, offset + header + length
    while position < end:
        yield position
        _, child_header, child_length = _tlv(der, position)
        position += child_header + child_length


def serial_and_issuer(cert_der):
    """The serial number's content bytes and the issuer's full DER encoding."""
    tbs = next(_children(cert_der, 0))
    fields = list(_children(cert_der, tbs))
    if cert_der[fields[0]] == 0xA0:  # [0] version, absent in v1 certificates
        fields = fields[1:]
    serial_at, issuer_at = fields[0], fields[2]  # serial, signature algorithm, issuer
    _, header, length = _tlv(cert_der, serial_at)
    serial = cert_der[serial_at + header:serial_at + header + length]
    _, header, length = _tlv(cert_der, issuer_at)
    issuer = cert_der[issuer_at:issuer_at + header + length]
    return serial, issuer


def nss_dbkey(cert_pem):
    serial, issuer = serial_and_issuer(ssl.PEM_cert_to_DER_cert(cert_pem))
    key = struct.pack(">IIII", 0, 0, len(serial), len(issuer)) + serial + issuer
    return base64.b64encode(key).decode("ascii")
