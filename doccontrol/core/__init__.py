"""The functional core: pure rules over plain data (dataclasses in, dataclasses out).

Text normal forms, the data model, configuration parsing, metadata reading, the revision rules,
catalog parsing, coverage, legal citations and review dates. Nothing here does I/O, runs git,
or imports anything outside ``doccontrol.core`` (and ``doccontrol.errors``).
"""
