"""The JSON API under /api/v1/: one router per kind of record, bearer tokens only.

Every operation has an explicit, stable operation_id: the authorization matrix enumerates the
operations from the published schema by it. There is no interactive docs page (it would load
assets from other hosts); the schema itself is at /api/v1/openapi.json.
"""

from igor.api import cases, concerns, incidents, journal, persons, sharing
from igor.api.auth import TokenAuth
from igor.api.errors import IgorNinjaAPI, install_handlers
from igor.risk import api as risk
from igor.support import api as support

api = IgorNinjaAPI(
    title="IGOR API",
    version="1",
    description=(
        "Persons, cases, incidents and journals under the same access policy and audit as the "
        "pages. Authenticate with a personal token: `Authorization: Bearer <token>` "
        "(created with `igor token create USERNAME`)."
    ),
    urls_namespace="api",
    docs_url=None,
    auth=TokenAuth(),
)
install_handlers(api)
api.add_router("/persons", persons.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", incidents.router)
api.add_router("/cases", journal.router)
api.add_router("/risk", risk.router)
api.add_router("/persons", sharing.router)
api.add_router("/sharing", sharing.unit_router)
api.add_router("", concerns.router)
api.add_router("", support.router)
