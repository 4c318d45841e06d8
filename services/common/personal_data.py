"""Personal data at rest: encrypted with AES-256-GCM, found again through a keyed hash, shown masked.

Both keys are derived from the service's secret key (HKDF-SHA256 with distinct labels), so the hash cannot
be recomputed without the secret, and a stolen database reveals neither numbers nor a way to test guesses.
"""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
FORMAT_VERSION = b"\x01"


def _derive(secret: str, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"reemploy", info=label).derive(secret.encode())


class PersonalDataProtector:
    def __init__(self, secret_key: str) -> None:
        self._cipher = AESGCM(_derive(secret_key, b"personal-data encryption v1"))
        self._hash_key = _derive(secret_key, b"personal-data lookup v1")

    def encrypt(self, plaintext: str, *, purpose: str) -> str:
        """Encrypt; `purpose` (e.g. "resident_id") is authenticated: a value cannot move to another column."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._cipher.encrypt(nonce, plaintext.encode(), purpose.encode())
        return base64.urlsafe_b64encode(FORMAT_VERSION + nonce + sealed).decode()

    def decrypt(self, token: str, *, purpose: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        if raw[:1] != FORMAT_VERSION:
            raise ValueError("unknown personal-data format")
        nonce, sealed = raw[1 : 1 + NONCE_BYTES], raw[1 + NONCE_BYTES :]
        return self._cipher.decrypt(nonce, sealed, purpose.encode()).decode()

    def lookup_hash(self, value: str, *, purpose: str) -> str:
        """The same value and purpose give the same hash; without the secret it cannot be recomputed."""
        return hmac.new(self._hash_key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
