"""The repository gateway: the only code that knows the controlled repository's layout and runs git.

Also keeps what is derived from the repository (the search index) in step with it.
"""
