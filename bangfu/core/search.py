"""ID numbers kept out of list addresses.

A list searched by a full ID number (``?q=430903…``) would leave it in the browser history,
in every sorting, paging and export link of the page and in whatever sees those addresses
later. The first request is answered with a redirect to the same list with the search
replaced by a token (``?q=~Ab3dE9``); the session keeps the number, encrypted, under that
token, and the filters read it back. Other searches stay as typed.
"""

import re
import secrets

from bangfu.core import pii
from bangfu.core.identity import normalize_id_number

TOKEN_PREFIX = "~"
SESSION_KEY = "bangfu_hidden_searches"
KEPT = 20  # the most recent hidden searches of a session
_ID_SHAPE = re.compile(r"\d{17}[\dX]")


def is_hidden(value):
    return bool(value) and value.startswith(TOKEN_PREFIX)


def hide_id_number(request):
    """The address to redirect to when the search ``q`` is a full ID number, else None."""
    value = normalize_id_number(request.GET.get("q", ""))  # full-width, spaces, lower-case x
    if not _ID_SHAPE.fullmatch(value):
        return None
    token = secrets.token_urlsafe(6)
    hidden = dict(list(request.session.get(SESSION_KEY, {}).items())[-(KEPT - 1) :])
    hidden[token] = pii.encrypt(value)
    request.session[SESSION_KEY] = hidden
    query = request.GET.copy()
    query["q"] = TOKEN_PREFIX + token
    return f"{request.path}?{query.urlencode()}"


def revealed(request):
    """``request.GET`` with a hidden search put back (an unknown or expired token, or one the
    current key cannot decrypt, stays as it is: it matches nothing)."""
    query = request.GET
    value = query.get("q", "")
    if not is_hidden(value):
        return query
    cipher = request.session.get(SESSION_KEY, {}).get(value[len(TOKEN_PREFIX) :])
    try:
        number = pii.decrypt(cipher) if cipher else value
    except ValueError:
        number = value
    query = query.copy()
    query["q"] = number
    return query
