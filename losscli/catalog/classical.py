"""Classical losses (declarations)."""

SPECS = ()
