"""Opaque public identifiers for orders and fills.

Database ids are one global sequence: a lead watching its own order ids would see how many
orders other divisions placed in between (a side channel through sealed bids). Pages, the API,
CSV and dispute references show these random ids instead; database ids stay inside.
"""

import secrets

# Crockford's base32 in lower case: no i, l, o, u to misread. 16 characters are 80 random bits,
# so a collision among even 10^9 ids has odds below 1 in 2 million (and the column is unique).
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
LENGTH = 16
PATTERN = f"[{ALPHABET}]{{{LENGTH}}}"


def new_public_id() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
