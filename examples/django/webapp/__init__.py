# Load the Celery app whenever Django starts, so that @shared_task and .delay() use its
# configuration (broker with the Redis AUTH token and TLS) in web processes too.
try:
    from .celery import app as celery_app
except ModuleNotFoundError as error:  # only where celery is not installed at all (not in the image)
    if error.name != "celery":
        raise
else:
    __all__ = ("celery_app",)
