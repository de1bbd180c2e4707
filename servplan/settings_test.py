"""Test settings: the real settings, with a fast password hasher and throwaway media."""

import os
import tempfile

from .settings import *
from .settings import PASSWORD_HASHERS, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="servplan-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# A file, not shared-cache memory, for the SQLite test database: the concurrency tests need
# real locking with a busy timeout, exactly as in production (memory shared-cache fails at once).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-servplan-{os.getpid()}.sqlite3")}
