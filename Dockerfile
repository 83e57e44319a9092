# One image for web, worker, beat and the one-shot migrate service (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The portal never runs as root.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin gfmd

WORKDIR /app

# Dependencies first, at the exact versions of the lock file (`make lock`): a change to the
# code does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# Then the project itself, without touching the pinned dependencies.
COPY . .
RUN pip install --no-deps .

# Hashed, compressed static files for WhiteNoise, collected with DEBUG off exactly as served,
# and the translations compiled (with polib: the slim image has no gettext).
# Settings refuse to load without SECRET_KEY when DEBUG is off, so this one step gets a
# throwaway key; it is not kept in the image (containers take the real one from .env).
RUN DEBUG=false \
    SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    sh -c 'python manage.py collectstatic --noinput && python manage.py compile_translations'

USER gfmd

EXPOSE 8000
CMD ["gunicorn", "gfmd_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--no-control-socket"]
