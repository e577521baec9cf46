"""Berkas notifications: deadline reminders, the daily digest, the in-app inbox and email.

The truth is in the database (deadlines, reminders, inbox and outbox rows); scheduler jobs
are idempotent entrypoints over it, so a restart loses nothing and a rerun sends nothing twice.
"""
