"""Logging filters."""

import logging


class NoClientErrorTraceback(logging.Filter):
    """``django.request`` logs a refused request (403 for a page out of scope, 404) with the
    exception's whole traceback; the one line says it all, and real errors (5xx) stay
    visible in the log instead of drowning among thousands of them."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True
