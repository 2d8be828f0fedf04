"""The HTTP API: routes, their answer schemas, the OpenAPI additions, the upload body readers."""
