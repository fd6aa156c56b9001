"""The pure domain of the contract and service-fee lifecycle tracker.

Nothing in this package touches a database, prints, or reads the clock:
every date-dependent function takes an explicit ``as_of``.
"""

__version__ = "0.1.0"
