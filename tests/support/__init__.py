"""What the tests share (importable as ``support``; ``pythonpath`` in pyproject.toml).

- ``workspace``: a workspace in a temp folder, sample documents dropped into it, the CLI in this
  process (``run``) or as a real process (``run_process``), the test environment.
- ``documents``: ``DocFactory``, many distinct real .docx procedures in milliseconds.
- ``waiting``: ``wait_until`` a condition (never a fixed sleep) and the conditions waited for.
- ``watch``: a ``doccontrol watch`` process and what it did (tags, journal, quarantine).
- ``reliability``: exact accounting, hostile inputs, the watcher fault campaign (also used by
  ``bench/stress.py``).
- ``catalog_builders``, ``extract_builders``, ``reports_builders``, ``search_corpus``,
  ``coverage_scenario``: the data of one component's tests.
"""
