"""doccontrol: document control for ISO 9001:2015 procedures of a Vietnamese public agency."""

__version__ = "0.1.0"
