"""Loaded by pytest (`-p galdash.test_environment` in pytest.ini) before Django's settings:
the suite never reads a developer's `.env` files and always has a signing key."""

import os

os.environ["GALDASH_IGNORE_DOTENV"] = "1"
os.environ.setdefault("SECRET_KEY", "test-suite-signing-key-not-for-production-use-0123456789")
