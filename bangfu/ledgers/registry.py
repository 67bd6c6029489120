"""The ledgers that can be imported, by key (URLs, CLI, API and ImportJob use these keys)."""

from .laborers import LaborerLedger
from .roster import RosterLedger
from .workshops import PositionLedger, WorkshopLedger

LEDGERS = {
    ledger.key: ledger for ledger in (LaborerLedger, WorkshopLedger, PositionLedger, RosterLedger)
}


def choices():
    return [(key, ledger.title) for key, ledger in LEDGERS.items()]


def importable_by(user):
    """The ledgers ``user`` has every permission to import."""
    return [
        ledger
        for ledger in LEDGERS.values()
        if all(user.has_perm(permission) for permission in ledger.permissions)
    ]
