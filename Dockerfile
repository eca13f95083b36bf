# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=foodbank.settings.production

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .
# collectstatic needs settings to import; this throwaway key is used for nothing else.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL="sqlite:////tmp/build.sqlite3" REDIS_URL="redis://build-only:6379/0" \
    python manage.py collectstatic --no-input \
 && useradd --system --uid 10001 --home-dir /app foodbank \
 && mkdir -p /app/var/exports \
 && chown -R foodbank /app/var

USER foodbank
EXPOSE 8000
CMD ["gunicorn", "foodbank.wsgi:application", "--bind", "0.0.0.0:8000"]
