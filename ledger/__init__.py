"""The double-entry ledger of credits and units, which the market and arbitration stand on.

It imports neither `market` nor `arbitration` (a test enforces it). Its public surface is
`ledger.services` (post a transaction of legs, hold, release, grant, mint, transfer, balance of)
and the models in `ledger.models`.
"""
