"""Divisions: who trades and who holds ledger accounts. Imports no other project app."""
