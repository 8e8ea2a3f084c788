"""Real-identity verification before commenting: pluggable, off by default.

Set ``COMMENTS_IDENTITY_VERIFIER`` to the dotted path of a class implementing
:class:`IdentityVerifier` (for example one that sends a code to a mobile number
registered under the reader's real name, as the rules for comment services ask).
The comment box then asks every reader who is not yet verified to go to
``start_url`` first.  docs/comments.md, "Real-identity verification", has an example.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class IdentityVerifier(Protocol):
    def is_verified(self, user) -> bool:
        """Whether this reader's identity has been verified."""

    def start_url(self, user, next_url: str) -> str:
        """Where the reader goes to verify; come back to ``next_url`` afterwards."""


def get_verifier() -> IdentityVerifier | None:
    path = getattr(settings, "COMMENTS_IDENTITY_VERIFIER", "")
    return import_string(path)() if path else None


def needs_verification(user) -> bool:
    verifier = get_verifier()
    return verifier is not None and not verifier.is_verified(user)
