"""The app's settings, with the IAM token generator replaced: tests never call AWS."""
from webapp.settings import *  # noqa: F401,F403
from webapp.settings import DATABASES

DATABASES["default"]["TOKEN_GENERATOR"] = "tests.fake_iam.generate_token"

# No Redis in tests; and Django 3.2 (Debian's python3-django) has no RedisCache, which the system
# checks of `migrate` would instantiate. webapp.settings' CACHES are checked in test_settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
