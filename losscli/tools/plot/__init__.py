"""``losscli plot``: a loss (and its gradient) against one varying quantity.

- :mod:`losscli.tools.plot.axes`: which quantity a loss is plotted against: the axes its
  family's ``plot`` module declares, else ones inferred from its declaration (no torch).
- :mod:`losscli.tools.plot.curves`: the curves, computed through :func:`losscli.compute`.
- :mod:`losscli.tools.plot.terminal`: drawn in the terminal with plotext.
- :mod:`losscli.tools.plot.image`: written to PNG/SVG/PDF with matplotlib (``losscli[plot]``).
"""
