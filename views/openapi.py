"""The OpenAPI document and Swagger UI, readable by any logged-in user, and exact.

FAB's own view answers 403 in English to roles without a dedicated
permission and documents neither 401 nor 403; ours lets every logged-in
user (session or token) read the document, and completes the error codes of
operations FAB documents loosely.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.api.manager import OpenApi
from flask_jwt_extended import verify_jwt_in_request

from console.api_errors import ApiErrors
from console.identity import request_user


def finalize(spec: dict) -> dict:
    """Every operation documents 414 (any URL longer than MAX_URL_LENGTH), one with a body 413, one that
    needs a token 401 and 403; every 4xx points at the one error answer of its status."""
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            codes = ["414"]
            if operation.get("security"):
                codes += ["401", "403"]
            if "requestBody" in operation:
                codes.append("413")
            for code in codes:
                responses.setdefault(code, {})
            for code in list(responses):
                if str(code).startswith("4"):
                    responses[code] = {"$ref": f"#/components/responses/{code}"}
    return spec


class ConsoleOpenApi(ApiErrors, OpenApi):
    """/api/v1/_openapi for every logged-in user."""

    @expose("/<version>/_openapi")
    @safe
    def get(self, version: str) -> Any:
        """The OpenAPI document of an API version.
        ---
        get:
          description: >-
            The OpenAPI document of an API version
          parameters:
          - in: path
            schema:
              type: string
            name: version
          responses:
            200:
              description: The OpenAPI document
              content:
                application/json:
                  schema:
                    type: object
            401:
              $ref: '#/components/responses/401'
            404:
              $ref: '#/components/responses/404'
          security:
            - jwt: []
        """
        verify_jwt_in_request(optional=True)
        if request_user() is None:
            return self.response_401()
        spec = self._create_api_spec(version)
        found = False
        for view in current_app.appbuilder.baseviews:
            if isinstance(view, BaseApi) and view.version == version:
                view.add_api_spec(spec)
                found = True
        if not found:
            return self.response_404()
        return self.response(200, **finalize(spec.to_dict()))


def api_document(version: str = "v1") -> dict:
    """The document as served (for tests and tools), built inside a request context."""
    spec = OpenApi._create_api_spec(version)
    for view in current_app.appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.version == version:
            view.add_api_spec(spec)
    return finalize(spec.to_dict())
