"""Test settings: the real settings, with a fast password hasher and a key file per test worker."""

import os

from safepassage.settings import *  # noqa: F403
from safepassage.settings import VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
DATA_KEY_FILE = VAR_DIR / f"test-data-keys-{_worker}.json"
DATA_KEYS_ENV = ""
INDEX_KEY_ENV = ""
# Tests see a registration's possible duplicates at once; tests/linkage/test_pending_checks.py
# runs the default, the checker in the background.
LINKAGE_INSTANT_CHECK = "inline"
