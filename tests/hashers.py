"""The suite's password hasher: PBKDF2-SHA256, as in production, at 1,000 iterations instead of Django's 1,000,000.

Each user a test creates (tests/factories.py, load_demo) and each password sign-in hashes once; at a million
iterations that is 0.55 s of CPU on the CI machine (time.process_time), for a suite that checks that a sign-in works,
not what a guess costs. Hashes stay pbkdf2_sha256 and are checked by the same code; a hash made with more iterations
(the PIN dummy hashed at import) is still checked with the iterations it names.
"""
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class TestPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
