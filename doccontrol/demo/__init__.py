"""Realistic Vietnamese sample procedures (.docx, .pdf) for the demo, the tests and the benchmarks."""
