"""``losscli plot``: a loss (and its gradient) against one varying quantity.

- :mod:`losscli.plot.axes`: which quantity a loss is plotted against and how its
  values become the loss's inputs (numpy, no torch).
- :mod:`losscli.plot.curves`: the curves, computed through :func:`losscli.compute`.
- :mod:`losscli.plot.terminal`: drawn in the terminal with plotext.
- :mod:`losscli.plot.image`: written to PNG/SVG/PDF with matplotlib (``losscli[plot]``).
"""
