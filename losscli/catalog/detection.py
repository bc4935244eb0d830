"""Detection losses (declarations)."""

SPECS = ()
