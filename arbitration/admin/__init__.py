"""Management's arbitration workspace: the dispute queue, the case, and the ruling form."""

from . import disputes

__all__ = ["disputes"]
