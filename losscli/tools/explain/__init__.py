"""Explanations: ``losscli explain LOSS`` (from the registry, no torch) and ``--explain``.

- :func:`losscli.tools.explain.static.explanation` describes a loss from its declaration:
  formula, inputs, parameters, reductions, pitfalls, references and an example.
- :func:`losscli.tools.explain.derive.derive` works the first terms of a computed
  :class:`~losscli.core.result.Result` with the user's numbers, one small function per loss
  (``classification``, ``regression``, ``margin``, ``detection``) and a generic one for
  any other loss.
"""
