"""附件 pages: upload to a case, preview and download a file; the doors of `attachments.service`.

    POST /attachments/case/<case pk>   multipart `file`, optional `note` → back to the case page
    GET  /attachments/<pk>/preview     images and PDFs shown in the browser (sandboxed, never sniffed)
    GET  /attachments/<pk>/download    the file as a download with its Chinese name (RFC 5987)

A file the user may not see answers 404, as the case itself does. The 反馈, 督办单 and 整改反馈 forms take
a file too (views/cases.py, views/evaluations.py) through `checked_upload` and `attach_checked` below.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext

from attachments import service
from attachments.sniff import BY_CONTENT_TYPE, CheckedFile, allowed_names, check_upload
from console.errors import ConsoleError
from models import Attachment, Case
from views.auth import login_required
from workflow.service import Actor

PREVIEW_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'"
"""The preview is a document of its own: no script runs in it, nothing is fetched from elsewhere."""


def checked_upload(field: str = "file") -> CheckedFile | None:
    """The request's file, checked with its note (ConsoleError when refused); None when the form came without one."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    checked = check_upload(upload.filename, upload.read(), current_app.config["ATTACHMENT_MAX_BYTES"])
    service.clean_note(request.form.get("attachment_note"))
    return checked


def attach_checked(checked: CheckedFile | None, **owner: Any) -> Attachment | None:
    """Keep a checked file for `owner` (case=, event=, supervision=, criticism=) with the form's note."""
    if checked is None:
        return None
    return service.attach(checked, Actor.current().user.id, note=request.form.get("attachment_note"), **owner)


def upload_hint() -> str:
    """What the upload fields accept, for the forms."""
    return gettext("%(kinds)s, at most %(size)s MB.", kinds=allowed_names(),
                   size=f"{current_app.config['ATTACHMENT_MAX_BYTES'] / 1024 / 1024:g}")


def file_response(item: Attachment, data: bytes, inline: bool) -> Response:
    """The file with its own Content-Type, never sniffed; inline (sandboxed) or as a download."""
    response = Response(data, mimetype=item.content_type)
    kind = BY_CONTENT_TYPE.get(item.content_type)
    extension = kind.extensions[0] if kind else "bin"
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=attachment.{extension}; filename*=UTF-8''{quote(item.file_name, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    return response


class AttachmentView(BaseView):
    """Upload, preview and download; each route checks the owner record's own permission and scope."""

    route_base = "/attachments"
    default_view = "download"

    @expose("/case/<int:pk>", methods=["POST"])
    @login_required
    def upload(self, pk: int) -> Any:
        """Attach a file to a case from its page."""
        case = service.visible(Case, pk)
        if case is None:
            abort(404)
        if not service.may_attach_to_case(case, Actor.current()):
            abort(403)
        try:
            checked = checked_upload()
            if checked is None:
                raise ConsoleError(gettext("Choose a file to upload."))
            service.attach(checked, Actor.current().user.id, case=case, note=request.form.get("note"))
        except ConsoleError as exc:
            flash(str(exc), "danger")
        else:
            flash(gettext("Attachment uploaded: %(name)s", name=checked.file_name), "success")
        return redirect(url_for("CaseView.show", pk=case.id))

    def _serve(self, pk: int, inline: bool) -> Response:
        item = service.visible_attachment(pk)
        if item is None:
            abort(404)
        try:
            data = service.read_for(item, Actor.current().user.id)
        except FileNotFoundError:
            abort(404)
        return file_response(item, data, inline)

    @expose("/<int:pk>/preview")
    @login_required
    def preview(self, pk: int) -> Any:
        """An image or PDF shown in the browser; other types are downloaded instead."""
        item = service.visible_attachment(pk)
        if item is not None and not getattr(BY_CONTENT_TYPE.get(item.content_type), "previewable", False):
            return redirect(url_for("AttachmentView.download", pk=pk))
        return self._serve(pk, inline=True)

    @expose("/<int:pk>/download")
    @login_required
    def download(self, pk: int) -> Any:
        """The file as a download."""
        return self._serve(pk, inline=False)


def is_previewable(item: Attachment) -> bool:
    """Images and PDFs are shown in the page."""
    return bool(getattr(BY_CONTENT_TYPE.get(item.content_type), "previewable", False))


def is_image(item: Attachment) -> bool:
    """Shown as a thumbnail."""
    return item.content_type.startswith("image/")


def register_template_globals(app: Any) -> None:
    """What the attachment templates call."""
    app.jinja_env.globals.update(attachment_previewable=is_previewable, attachment_is_image=is_image,
                                 attachment_upload_hint=upload_hint)
