"""What every part of Berkas runs on: settings, the runtime, the database engine and
sessions, the clock, column types, passwords and tokens, backups, the use-case context.

It imports nothing of ``cases``, ``notifications`` or ``web``; they import it."""
