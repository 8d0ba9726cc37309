"""Every error the API returns is JSON: {"detail": message, "field": where}, never a page or a trace.

Validation errors carry every problem in "errors" (a list of the same shape); "detail" and "field" at the
top repeat the first, so a client that only reads those still learns what to fix.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from evac.cases.services import StaleCase

logger = logging.getLogger(__name__)

# Where ninja puts a parameter's name in an error's location, after the source ("body", "query"...).
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class Error(Schema):
    detail: str
    field: str | None = None


class ValidationErrors(Error):
    errors: list[Error]


class ApiError(Exception):
    """Raised by endpoints for an answer that is not a success: a status, a message, the field at fault."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


def _field(loc: list | tuple, body_params: set[str]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body parameter's own name ("payload") means nothing to the client.
        if source == "body" and parts and parts[0] in body_params:
            parts.pop(0)
        if not parts:
            return "body" if source == "body" else None
    return ".".join(str(p) for p in parts) or None


def _message(error: dict) -> str:
    message = str(error.get("msg") or "Invalid value.")
    # pydantic prefixes the messages our own validators raise; the client does not need to know.
    return message.removeprefix("Value error, ")


def install(api: NinjaAPI, *, body_params: set[str]) -> None:
    def respond(request: HttpRequest, status: int, detail: str, field: str | None = None) -> HttpResponse:
        return api.create_response(request, {"detail": detail, "field": field}, status=status)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        body = {"detail": exc.detail, "field": exc.field}
        if exc.status == 422:
            # Every 422 has the same shape, whether the schema or the endpoint found the problem.
            body["errors"] = [dict(body)]
        return api.create_response(request, body, status=exc.status)

    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [{"detail": _message(e), "field": _field(e.get("loc", ()), body_params)} for e in exc.errors]
        first = errors[0] if errors else {"detail": "Invalid request.", "field": None}
        return api.create_response(request, {**first, "errors": errors}, status=422)

    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(
            request,
            401,
            "Authentication required: send Authorization: Bearer <token>, or sign in. "
            "A revoked or expired token is refused.",
        )
        response["WWW-Authenticate"] = 'Bearer realm="evac"'
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return respond(request, 400, "The request body is not valid JSON.", "body")
        return respond(request, exc.status_code, str(exc))

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same words whether the thing does not exist or belongs to another organisation.
        return respond(request, 404, "Not found.")

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, "Your role in this organisation does not allow this.")

    def on_stale(request: HttpRequest, exc: StaleCase) -> HttpResponse:
        return respond(
            request,
            409,
            "The case changed since you read it: its status is no longer expected_status. "
            "Read it again and decide again.",
            "expected_status",
        )

    def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return respond(request, 422, " ".join(exc.messages))

    def on_malformed_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A multipart body without its boundary, or cut short: the client's fault, said plainly.
        return respond(request, 400, f"The multipart body cannot be read: {exc}", "body")

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with its trace for us; the client gets no trace, whatever DEBUG says.
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, "Something went wrong on our side. It has been logged.")

    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(NinjaValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(StaleCase, on_stale)
    api.add_exception_handler(DjangoValidationError, on_django_validation_error)
    api.add_exception_handler(MultiPartParserError, on_malformed_upload)
    api.add_exception_handler(Exception, on_unexpected)
