"""Ingest: the one entry that turns a dropped file into a revision or a quarantined file, and the
watcher that feeds it."""
