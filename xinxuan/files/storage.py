"""Uploads are stored under random names.

The name a user gave a file (``2012年考核细则（内部）.docx``) never becomes a path on
disk or in a URL; nothing under MEDIA_ROOT is served by a web server, and the
application serves a file only after checking who asks (``files.views``).
"""

from __future__ import annotations

import os
import secrets

from django.core.files.storage import FileSystemStorage


class RandomNameStorage(FileSystemStorage):
    """The file system storage, with the base name of every saved file replaced by
    32 random hex digits; the folder and the (lower-cased) extension are kept."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        folder, base = os.path.split(name)
        extension = os.path.splitext(base)[1].lower()
        if len(extension) > 10 or not extension[1:].isalnum():
            extension = ""
        return super().get_available_name(
            os.path.join(folder, secrets.token_hex(16) + extension), max_length
        )
