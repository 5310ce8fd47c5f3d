"""The secret key: the configured one if it is strong, else one made for this installation and kept in its data folder.

There is no development key in the code, so a copy started with DEBUG off never signs sessions with a key that anyone
who read the source knows. A configured key that Django's `check --deploy` would call weak stops the start-up instead.
"""
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MIN_LENGTH = 50         # what `check --deploy` asks for (security.W009)
MIN_UNIQUE_CHARACTERS = 5


def secret_key_weakness(key: str) -> str | None:
    """Why `key` is too weak to sign sessions and tokens in production, or None."""
    if key.startswith("django-insecure-"):
        return "it is a development key (it starts with 'django-insecure-')"
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"it needs at least {MIN_LENGTH} characters and {MIN_UNIQUE_CHARACTERS} different ones"
    return None


def secret_key_load(*, configured: str, data_dir: Path, debug: bool) -> str:
    if configured:
        weakness = secret_key_weakness(configured)
        if weakness and not debug:
            raise ImproperlyConfigured(f"DJANGO_SECRET_KEY is refused with DEBUG off: {weakness}.")
        return configured
    path = data_dir / "secret_key"
    try:  # O_EXCL: when the web server and the worker start together, one writes and the other reads
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the writer may not have finished its one write yet
            key = path.read_text().strip()
            if key:
                return key
        raise ImproperlyConfigured(f"{path} is empty; delete it to make a new secret key.")
    key = secrets.token_urlsafe(64)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
