# The registry's one image: web (gunicorn), mail worker and the daily reminder job.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH"

RUN pip install --no-cache-dir uv && useradd --create-home --uid 10001 registry
WORKDIR /srv/registry

COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project

COPY --chown=registry . .
# Static files are collected at build time and served by WhiteNoise.
RUN DJANGO_DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build \
    python manage.py collectstatic --no-input

USER registry
EXPOSE 8000
# deploy/gunicorn.conf.py: bind, workers, and an access log of paths only (no tokens).
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"]
