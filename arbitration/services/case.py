"""The case file's write paths: evidence, messages and counterparties' responses."""

import json
import secrets
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from divisions.models import Division
from market import roles
from market.errors import InvalidState, MarketError
from tokenhub import formatting as fmt

from .. import access
from ..models import Dispute, Evidence, Message, Party, Response
from ..models.disputes import CLOSED_STATES, OPEN_STATES, State, system_why
from . import notify
from .feed import dispute_changed
from .transitions import dispute_for_update, move

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAGIC = {
    ".pdf": b"%PDF-",
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".json": "application/json"}
CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}
CONTENT_TYPES |= {".jpeg": "image/jpeg", **TEXT_TYPES}


def _open_case(dispute_id: int) -> Dispute:
    dispute = dispute_for_update(dispute_id)
    if dispute.state in CLOSED_STATES:
        raise InvalidState(
            _("Dispute #%(id)s is %(state)s: the case is closed.")
            % {"id": dispute.pk, "state": dispute.get_state_display()}
        )
    return dispute


def _speaker(user: Any, dispute: Dispute) -> int | None:
    """The acting party's division id, or None for management; refuses everyone else."""
    if roles.is_management(user):
        return None
    return access.lead_of_party(user, dispute).division_id


def evidence_file_check(upload: UploadedFile) -> tuple[str, str]:
    """The file's extension and content type, if it is small enough and what it says it is."""
    limit = getattr(settings, "ARBITRATION_EVIDENCE_MAX_BYTES", MAX_EVIDENCE_BYTES)
    if upload.size is None or upload.size > limit:
        raise MarketError(
            _("Evidence files are limited to %(size)s MB.") % {"size": limit // (1024 * 1024)},
            field="file",
        )
    extension = PurePath(upload.name or "").suffix.lower()
    if extension not in CONTENT_TYPES:
        allowed = ", ".join(sorted({e.lstrip(".") for e in CONTENT_TYPES}))
        raise MarketError(
            _("Evidence files must be one of: %(allowed)s.") % {"allowed": allowed}, field="file"
        )
    upload.seek(0)
    head = upload.read()
    upload.seek(0)
    if not _content_matches(extension, head):
        raise MarketError(
            _("This file's content is not a valid %(kind)s file.")
            % {"kind": extension.lstrip(".")},
            field="file",
        )
    return extension, CONTENT_TYPES[extension]


def _content_matches(extension: str, content: bytes) -> bool:
    if extension in MAGIC:
        return content.startswith(MAGIC[extension])
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if extension == ".json":
        try:
            json.loads(text)
        except ValueError:
            return False
    return "\x00" not in text


@transaction.atomic
def evidence_add(
    *, dispute_id: int, user: Any, title: str, text: str = "", upload: UploadedFile | None = None
) -> Evidence:
    """A party's lead or management adds text or a file (size- and type-checked) to the case."""
    dispute = _open_case(dispute_id)
    division_id = _speaker(user, dispute)
    if not title.strip():
        raise MarketError(_("Give the evidence a title."), field="title")
    if upload is None and not text.strip():
        raise MarketError(_("Add a text or a file."), field="text")
    evidence = Evidence(
        dispute=dispute,
        division_id=division_id,
        added_by=user,
        title=title.strip(),
        text=text.strip(),
    )
    evidence.kind = Evidence.Kind.TEXT
    if upload is not None:
        evidence.extension, evidence.content_type = evidence_file_check(upload)
        evidence.kind, evidence.token = Evidence.Kind.FILE, secrets.token_hex(16)
        evidence.filename, evidence.size = (
            PurePath(upload.name or "file").name[:200],
            upload.size or 0,
        )
        evidence.file.save(evidence.filename, upload, save=False)
    evidence.save()
    dispute_changed(dispute, action="evidence")
    return evidence


@transaction.atomic
def message_post(*, dispute_id: int, user: Any, body: str) -> Message:
    """A message in the case's thread, from a party's lead or from management."""
    dispute = _open_case(dispute_id)
    division_id = _speaker(user, dispute)
    if not body.strip():
        raise MarketError(_("Write a message first."), field="body")
    message = Message.objects.create(
        dispute=dispute, author=user, division_id=division_id, body=body.strip()
    )
    dispute_changed(dispute, action="message")
    others = [u for u in [*notify.party_leads(dispute), *notify.arbiters(dispute)] if u != user]
    notify.notify(
        dispute,
        others,
        lambda: _("new message from %(sender)s") % {"sender": message.sender},
        body.strip()[:1000],
    )
    return message


@transaction.atomic
def response_submit(*, dispute_id: int, user: Any, body: str) -> Response:
    """A counterparty answers the dispute before the ruling; once per counterparty division.

    When the arbiter was waiting for responses and every counterparty has now answered, the
    case goes back under review.
    """
    dispute = dispute_for_update(dispute_id)
    membership = access.lead_of_party(user, dispute, role=Party.Role.COUNTERPARTY)
    if dispute.state not in OPEN_STATES:
        raise InvalidState(
            _("Dispute #%(id)s is %(state)s: responses are closed.")
            % {"id": dispute.pk, "state": dispute.get_state_display()}
        )
    if dispute.response_due and dispute.response_due < timezone.now():
        raise InvalidState(
            _(
                "The response deadline passed on %(due)s: responses are closed. "
                "Ask the arbiter if you need the window reopened."
            )
            % {"due": fmt.when(dispute.response_due)}
        )
    if not body.strip():
        raise MarketError(_("Write your response first."), field="body")
    if Response.objects.filter(dispute=dispute, division_id=membership.division_id).exists():
        raise InvalidState(_("Your division has already responded to this dispute."))
    response = Response.objects.create(
        dispute=dispute, division_id=membership.division_id, author=user, body=body.strip()
    )
    dispute_changed(dispute, action="response")
    if dispute.state == State.AWAITING_RESPONSE and not responses_missing(dispute):
        move(
            dispute,
            "resume_review",
            by=user,
            why=system_why("Every counterparty has responded."),
        )
    notify.notify(
        dispute,
        notify.arbiters(dispute),
        lambda: _("%(division)s responded") % {"division": membership.division},
        body.strip()[:1000],
    )
    return response


def responses_missing(dispute: Dispute) -> list[Division]:
    """Counterparty divisions that have not responded yet, by name."""
    answered = dispute.responses.values("division")
    missing = dispute.parties.filter(role=Party.Role.COUNTERPARTY).exclude(division__in=answered)
    return list(Division.objects.filter(pk__in=missing.values("division")).order_by("name"))
