from ninja import NinjaAPI

api = NinjaAPI(title="IGOR API", version="1", urls_namespace="api")
