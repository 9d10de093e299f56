"""One content digest for the data files: the flow hash and the cache key."""

from __future__ import annotations

import hashlib


def content_digest(*blobs: bytes, size: int) -> str:
    """Hex blake2b over `blobs`, each length-prefixed so that no two splits collide."""
    digest = hashlib.blake2b(digest_size=size)
    for blob in blobs:
        digest.update(len(blob).to_bytes(8, "little"))
        digest.update(blob)
    return digest.hexdigest()
