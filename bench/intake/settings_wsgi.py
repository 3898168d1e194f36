"""gunicorn's entry for the benchmark: the project's WSGI application on bench.intake.settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.intake.settings")

from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
