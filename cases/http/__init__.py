"""The HTTP plumbing the JSON API and the pages share: dependencies (session, runtime, the
calling user, the use-case context), the mapping of errors to statuses, the exchange
middleware (request id, security headers, body limits, authentication before the body),
path parameters and attachments. ``web`` and ``notifications`` import this, never
``cases.api``."""
