"""gunicorn's settings for `make serve` and production, read from the environment.

WEB_CONCURRENCY  worker processes (default: 2 per core, plus 1)
GUNICORN_THREADS threads per worker (default 1: sync workers; each request is short)
BIND             address to listen on (default 127.0.0.1:8000; a proxy sits in front)
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load the app once, before forking: workers start fast and share its memory.
preload_app = True
# A worker stuck this long is replaced (a request should take milliseconds).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak can never grow for long.
max_requests = 5000
max_requests_jitter = 500
# Behind a proxy that holds connections open to us.
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Forwarded headers are trusted only from the proxy in front (settings: BEHIND_PROXY).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
