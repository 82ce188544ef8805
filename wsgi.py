"""WSGI entry point: builds the app and nothing else (no migrations, no scheduler)."""

from portal import create_app

app = create_app()
