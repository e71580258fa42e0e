"""Swagger UI at /docs and ReDoc at /redoc, from the project's own static files
(drf-spectacular-sidecar, pinned) under a Content-Security-Policy: they render offline and load
nothing from another origin. Swagger UI's start-up script is a separate same-origin request
(drf-spectacular's split view), so no inline script is allowed."""

from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",  # both UIs set inline styles at run time
    "img-src 'self' data:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",  # ReDoc parses the schema in a worker
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


class _WithPolicy:
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response


class SwaggerDocsView(_WithPolicy, SpectacularSwaggerSplitView):
    pass


class RedocDocsView(_WithPolicy, SpectacularRedocView):
    pass
