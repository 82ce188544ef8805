"""Gunicorn settings for production (docs/DEPLOY.md). Every value can be overridden by
environment variables of the same name in upper case with a GUNICORN_ prefix."""

import multiprocessing
import os


def _env(name: str, default):
    return type(default)(os.environ.get(f"GUNICORN_{name.upper()}", default))


bind = _env("bind", "0.0.0.0:8000")
workers = _env("workers", max(2, multiprocessing.cpu_count()))
threads = _env("threads", 4)
worker_class = "gthread"  # threads let a worker wait on the database without blocking others
timeout = _env("timeout", 30)
graceful_timeout = _env("graceful_timeout", 20)
keepalive = _env("keepalive", 5)
max_requests = _env("max_requests", 5000)
max_requests_jitter = _env("max_requests_jitter", 500)
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Move everything loaded at start-up (modules, the app, its templates) out of the
    garbage collector's reach: full collections then scan only what requests create, which
    took the staff queue's 95th percentile from about 90 ms to its median (docs/PERFORMANCE.md)."""
    import gc

    gc.freeze()
