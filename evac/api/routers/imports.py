"""Reserved for imports: uploading a partner's spreadsheet and following its progress (evac.imports).

Not implemented yet. Add the operations to this router (mounted at /orgs/{org}/imports in evac/api/api.py),
calling evac.imports' services, with the same access helpers and error shapes as routers/applications.py.
The tests that walk the OpenAPI document (404 for outsiders, schemathesis) will cover them on arrival.
"""

from ninja import Router

router = Router(tags=["imports"])
