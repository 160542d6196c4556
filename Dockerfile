# One image for web (gunicorn), worker and beat (celery); docker-compose.yml picks the command.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

# Pango, HarfBuzz and a font are what WeasyPrint renders the PDFs with; gettext is for compilemessages;
# the PostgreSQL client (15, as the db service) is for `manage.py backup` / `restore`.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Production settings refuse to load without a secret key and allowed hosts; these throwaway
# values exist only for this build step and are not kept in the image.
RUN export DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
    && python manage.py compilemessages \
    && python manage.py collectstatic --noinput

# /app/media is created here, owned by the app user, so that a volume mounted on it (one host
# without an object store, AWS_STORAGE_BUCKET_NAME unset) starts with that owner and uploads can be written.
RUN useradd --create-home --uid 1000 app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER app

EXPOSE 8000

# The logs hold paths without their query strings (%(U)s, not %(r)s; the logger class strips
# gunicorn's own messages) and no Referer: a search term or a NIK in a URL is not kept.
CMD ["gunicorn", "disnaker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--logger-class", "disnaker.gunicorn_logging.Logger", "--access-logfile", "-", "--access-logformat", "%(h)s %(l)s %(u)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s \"%(a)s\""]
