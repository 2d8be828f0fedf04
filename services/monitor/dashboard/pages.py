"""Serve the dashboard's static page, script and stylesheet (no CDN: everything is local)."""

from importlib import resources

from litestar import Response, get
from litestar.handlers import HTTPRouteHandler

# Only this origin may provide scripts, styles or data: the page works offline and any span
# name or attribute that slipped into the DOM as markup could not load anything.
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def _asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def dashboard_route_handlers() -> list[HTTPRouteHandler]:
    page, script, styles = _asset("index.html"), _asset("app.js"), _asset("app.css")

    @get("/", include_in_schema=False)
    async def dashboard_page() -> Response[bytes]:
        return Response(page, media_type="text/html; charset=utf-8", headers=_SECURITY_HEADERS)

    @get("/dashboard/app.js", include_in_schema=False)
    async def dashboard_script() -> Response[bytes]:
        return Response(script, media_type="text/javascript", headers=_SECURITY_HEADERS)

    @get("/dashboard/app.css", include_in_schema=False)
    async def dashboard_styles() -> Response[bytes]:
        return Response(styles, media_type="text/css", headers=_SECURITY_HEADERS)

    return [dashboard_page, dashboard_script, dashboard_styles]
