"""The read-only web view of a workspace (``doccontrol serve``): search, procedures, master list,
coverage and status, in Vietnamese with English beside it.

``create_app(workspace)`` returns the WSGI application (Flask); the pages call the same library
functions as the command line (:mod:`doccontrol.service`, :mod:`doccontrol.status`,
:mod:`doccontrol.coverage_report`). Templates and static files ship in the package.
"""

from doccontrol.web.app import create_app

__all__ = ["create_app"]
