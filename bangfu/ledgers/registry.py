"""The ledgers that can be imported, by key (URLs, CLI, API and ImportJob use these keys)."""

from .laborers import LaborerLedger
from .roster import RosterLedger
from .workshops import PositionLedger, WorkshopLedger

LEDGERS = {
    ledger.key: ledger for ledger in (LaborerLedger, WorkshopLedger, PositionLedger, RosterLedger)
}


def choices():
    return [(key, ledger.title) for key, ledger in LEDGERS.items()]
