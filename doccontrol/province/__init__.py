"""The province view: every department's controlled repository, read-only, side by side.

The departments push their repositories to the province's git server (``doccontrol push``); the
province fetches them into bare mirrors (``sync``: git through ``doccontrol.repo.mirror`` only)
and computes every figure of a department from its mirror with the functions the department's own
commands use (``department``, ``figures``), and searches them all in one index (``search``).

Import rules (``tests/test_architecture.py``): ``province`` may import ``core``, ``errors``,
``repo`` (reads, and the mirrors), ``search``, ``reports``, ``service`` (the use cases whose
computations it reuses) and ``workspace`` (finding and reading a configuration file); only the faces (``cli``, ``web``) import it.
"""
