"""Signing keys of the OpenID Connect provider (docs/oidc.md, Key roll-over).

Imported by the settings: nothing from Django here.
"""

import os
from pathlib import Path


def new_private_key_pem() -> str:
    """A fresh 2048-bit RSA key, PKCS#8 PEM (for OIDC_RSA_PRIVATE_KEY)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def development_key(path: Path) -> str:
    """Development only: the key in `path`, made there (mode 0600) when missing. Several
    processes may start at once: the first to create the file wins, the others read it."""
    if not path.exists():
        # Written whole to a file of its own, then linked into place: a reader never
        # sees half a key, and a second writer's link fails instead of overwriting.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(new_private_key_pem())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()
