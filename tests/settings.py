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
# runs the default, the check in the background runner.
LINKAGE_INSTANT_CHECK = "inline"
# A test's own heartbeat thread (a command running its task in the test's process) would wait
# on the test's open transaction: it beats only in the worker processes that tests start, which
# set a short lease in their environment.
if "SAFEPASSAGE_TASK_LEASE_SECONDS" not in os.environ:
    RUNNER_LEASE_SECONDS = 600.0
