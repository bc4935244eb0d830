"""The types every layer shares: loss declarations, terms, results, errors, text.

Nothing here imports torch; :mod:`losscli.core.spec` not even numpy.
"""
