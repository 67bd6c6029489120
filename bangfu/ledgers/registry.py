"""The ledgers that can be imported, by key (URLs, CLI, API and ImportJob use these keys)."""

from .laborers import LaborerLedger

LEDGERS = {ledger.key: ledger for ledger in (LaborerLedger,)}


def choices():
    return [(key, ledger.title) for key, ledger in LEDGERS.items()]
