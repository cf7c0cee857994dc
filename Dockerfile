# The study-group board: one image for web (gunicorn), worker and beat (celery), and migrate.
# Build: docker build -t benkyokai-board .   Run: see docker-compose.yml.

# --- build stage: resolve the locked dependencies into a venv --------------------------------
FROM python:3.11-slim AS build

# uv comes from PyPI: the build machines reach PyPI, Debian and npm, not ghcr.io or astral.sh.
ARG UV_VERSION=0.13.9
RUN pip install --no-cache-dir "uv==${UV_VERSION}"

# The venv lives outside /app so that a source bind mount can never hide it.
ENV UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1

WORKDIR /app
# Only the lock and the project file first: this layer is rebuilt when dependencies change,
# not on every source edit.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

# --- runtime stage -----------------------------------------------------------------------
FROM python:3.11-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DATA_DIR=/data \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown -R app:app /data

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The source stays owned by root: the app user may read it, not rewrite it.
COPY . .

# Any non-empty SECRET_KEY selects the production storage (hashed, compressed files in a
# manifest); this throwaway key exists only for this RUN and is not kept in the image.
RUN SECRET_KEY=collectstatic-build-only DATA_DIR=/tmp/build-data \
    python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data

# /data is created above owned by app: a new named volume mounted there copies that
# ownership, so the non-root user can write media and the beat schedule.
USER app

EXPOSE 8000

# Workers come from WEB_CONCURRENCY (gunicorn reads it); threads let a worker wait on the
# database without blocking. /dev/shm keeps the worker heartbeat off the container's disk.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--threads", "4", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", \
     "--config", "python:config.gunicorn"]
