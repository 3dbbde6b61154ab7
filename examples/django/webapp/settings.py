"""
Settings built only from the platform's app contract: the environment variables that ECS gives
every container of the app (web services, workers, one-off tasks). Nothing here is specific to an
environment; staging and production differ only by those variables.

Secrets (SECRET_KEY, REDIS_AUTH_TOKEN) are injected by ECS from Secrets Manager. There is no
database password: the app logs in with RDS IAM database authentication (see webapp/db/).
"""
import os
import ssl
from pathlib import Path
from urllib.parse import quote

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ


def required(name):
    value = env.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required (app contract).")
    return value


def host_list(value):
    return [host.strip() for host in value.split(",") if host.strip()]


ENVIRONMENT = required("ENVIRONMENT")
SERVICE_NAME = env.get("SERVICE_NAME", "")
AWS_REGION = required("AWS_REGION")

SECRET_KEY = required("SECRET_KEY")
DEBUG = False

# --- HTTP -----------------------------------------------------------------------------------
DOMAIN_NAME = required("DOMAIN_NAME")
# The host names the load balancer routes to the app: anything else is answered 400.
ALLOWED_HOSTS = host_list(env.get("APP_HOSTS", "")) or [DOMAIN_NAME]
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

# The load balancer health check sends the task's private IP as Host: webapp.health answers it
# before any Host validation (it must stay first in MIDDLEWARE).
HEALTH_CHECK_PATH = env.get("HEALTH_CHECK_PATH") or "/healthz"

# TLS ends at the load balancer, which forwards plain HTTP with X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HSTS for the app domain: raise SECURE_HSTS_SECONDS once every host serves HTTPS for good.
SECURE_HSTS_SECONDS = 3600

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "webapp.core",
]

MIDDLEWARE = [
    "webapp.health.HealthCheckMiddleware",  # FIRST: before anything calls request.get_host()
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "webapp.urls"
WSGI_APPLICATION = "webapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: RDS PostgreSQL, IAM authentication, TLS ----------------------------------------
# The Dockerfile adds the RDS CA bundle: with it the server certificate and host name are
# verified (verify-full); without it (e.g. a local image build without internet) TLS is still
# required but unverified.
RDS_CA_BUNDLE = "/etc/ssl/certs/rds-global-bundle.pem"
if os.path.isfile(RDS_CA_BUNDLE):
    DATABASE_TLS = {"sslmode": "verify-full", "sslrootcert": RDS_CA_BUNDLE}
else:
    DATABASE_TLS = {"sslmode": "require"}

DATABASES = {
    "default": {
        # django.db.backends.postgresql + a fresh IAM token as the password of every new connection.
        "ENGINE": "webapp.db.iam_postgresql",
        "HOST": required("DATABASE_HOST"),
        "PORT": required("DATABASE_PORT"),
        "NAME": required("DATABASE_NAME"),
        "USER": required("DATABASE_USER"),
        "AUTH": env.get("DATABASE_AUTH", "iam"),  # read by the backend: "iam" = token per connection
        "AWS_REGION": AWS_REGION,
        "OPTIONS": {**DATABASE_TLS, "connect_timeout": 10},
        # Reuse connections for a minute: a token is only needed to open one.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,  # Django 4.1+
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis (ElastiCache, TLS + AUTH token): cache and Celery broker ---------------------------
def redis_url(db):
    token = quote(required("REDIS_AUTH_TOKEN"), safe="")
    return f"rediss://:{token}@{required('REDIS_HOST')}:{required('REDIS_PORT')}/{db}"


CACHES = {
    # Django 4.0+ built-in backend (redis-py verifies the server certificate by default).
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url(1)},
}
CELERY_BROKER_URL = redis_url(0)
CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # no result backend: tasks record their effects in the database

# --- E-mail: queued by web on SQS (webapp.core.emails), sent by the mailer worker ---------------
# With the stack's email section (EMAIL_CONFIGURATION_SET set), through Amazon SES (webapp.core.ses):
# from EMAIL_FROM, through the configuration set, to no address SES reported as bouncing or
# complaining (the `email-feedback` queue). Without it, the console backend writes each e-mail to
# the log (and the platform grants no SES permission).
EMAIL_CONFIGURATION_SET = os.environ.get("EMAIL_CONFIGURATION_SET", "")
EMAIL_REGION = os.environ.get("EMAIL_REGION", AWS_REGION)
if EMAIL_CONFIGURATION_SET:
    EMAIL_BACKEND = "webapp.core.ses.SesEmailBackend"
    DEFAULT_FROM_EMAIL = required("EMAIL_FROM")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    DEFAULT_FROM_EMAIL = f"no-reply@{DOMAIN_NAME}"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONTACT_EMAIL = f"contact@{DOMAIN_NAME}"  # where webapp.core.views.contact sends the contact form

# --- Files: static on S3 behind CloudFront, media in a private bucket -------------------------
# Credentials come from the ECS task role (boto3's default chain): no keys in settings.
CDN_DOMAIN_NAME = required("CDN_DOMAIN_NAME")
STATIC_URL = f"https://{CDN_DOMAIN_NAME}/"
STORAGES = {  # Django 4.2+ (older versions ignore it)
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": required("AWS_PRIVATE_STORAGE_BUCKET_NAME"),
            "region_name": AWS_REGION,
            "querystring_auth": True,  # presigned, short-lived URLs
            "querystring_expire": 3600,
            "file_overwrite": False,
        },
    },
    "staticfiles": {
        # Hashed file names (style.3f2a9c.css): CloudFront may cache them for a year, and tasks of
        # the previous release keep finding the files they reference during a rolling deploy.
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {
            "bucket_name": required("AWS_STORAGE_BUCKET_NAME"),
            "region_name": AWS_REGION,
            "custom_domain": CDN_DOMAIN_NAME,
            "querystring_auth": False,
        },
    },
}

# --- Logging: everything to stdout (CloudWatch Logs through the awslogs driver) ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": f"%(levelname)s %(name)s [{SERVICE_NAME or 'app'}] %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
