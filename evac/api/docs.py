"""The docs page at /api/v1/docs: the operations and schemas of the OpenAPI document, rendered on the
server. Ninja's default page loads Swagger UI from a CDN, which evac neither reaches nor allows; a plain
page needs no JavaScript and works on the phones and poor networks the rest of evac is built for."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from ninja.openapi.docs import DocsBase

METHODS = ("get", "post", "put", "patch", "delete")


def _type(schema: dict[str, Any]) -> str:
    """A short human reading of a JSON schema: "string ≤ 100", "array of PersonIn", "Status | null"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type(s) for s in schema["anyOf"])
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _type(schema["allOf"][0])
    kind = schema.get("type", "any")
    if kind == "array":
        return f"array of {_type(schema.get('items', {}))}"
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    words = [kind]
    if "format" in schema:
        words.append(f"({schema['format']})")
    if "maxLength" in schema:
        words.append(f"≤ {schema['maxLength']} characters")
    if "minimum" in schema or "maximum" in schema:
        words.append(f"{schema.get('minimum', '')}…{schema.get('maximum', '')}")
    return " ".join(words)


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "id": operation.get("operationId", ""),
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {})),
                            "description": p.get("description") or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _type(body["schema"]) if body else "",
                    "responses": [
                        {
                            "status": status,
                            "type": _type(
                                response.get("content", {}).get("application/json", {}).get("schema", {})
                            ),
                        }
                        for status, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return operations


def _schemas(document: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for name, schema in sorted(document.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        result.append(
            {
                "name": name,
                "description": schema.get("description", ""),
                "enum": schema.get("enum"),
                "fields": [
                    {
                        "name": field,
                        "type": _type(spec),
                        "required": field in required,
                        "description": spec.get("description", ""),
                    }
                    for field, spec in schema.get("properties", {}).items()
                ],
                "example": json.dumps(schema["examples"][0], indent=2, ensure_ascii=False)
                if schema.get("examples")
                else "",
            }
        )
    return result


def _tokens_url() -> str:
    try:
        return reverse("tokens:list")
    except NoReverseMatch:  # the tokens page is mounted by the root URLconf, which may not have it yet
        return ""


class OperationList(DocsBase):
    def render_page(self, request: HttpRequest, api, **kwargs: Any) -> HttpResponse:
        document = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/docs.html",
            {
                "info": document.get("info", {}),
                "openapi_url": self.get_openapi_url(api, kwargs),
                "operations": _operations(document),
                "schemas": _schemas(document),
                "tokens_url": _tokens_url(),
            },
        )
