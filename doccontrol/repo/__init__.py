"""The repository gateway: the only code that knows the controlled repository's layout and runs git.

``doccontrol.repo.gateway.Repository`` reads (procedures, history, snapshots at a commit or a
date, the catalog and links) and writes through one unit of work
(``with repository.write(actor, why) as tx:``, ``doccontrol.repo.transaction``); it also keeps the
search index derived from the repository in step with it (``doccontrol.repo.index_sync``).
See ``docs/architecture.md``.
"""
