"""Test settings: the real settings, with a fast password hasher and throwaway media."""

import tempfile

from .settings import *  # noqa: F403
from .settings import PASSWORD_HASHERS, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="servplan-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
