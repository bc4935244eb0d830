"""Case files: loading, the suite runner, atomic ``--update`` and JUnit reports."""
