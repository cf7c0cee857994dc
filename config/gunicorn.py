"""gunicorn's settings for the image (`--config python:config.gunicorn`)."""

# The access log names the path without its query string, and no referer: feed URLs carry a
# member's secret token (?token=…), which must not end up in log files.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s"'
