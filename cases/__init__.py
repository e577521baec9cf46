"""Persistence and use cases: models, services (one transaction each), audit, the JSON API."""
