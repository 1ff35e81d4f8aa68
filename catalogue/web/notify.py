"""E-mail after the commit: news on a submission, and password links.

Views call these after ``database.commit()``, so a message never announces a change that was
rolled back. A mail server that is down or refuses costs a warning in the log, never the page:
the change itself is saved and shows on "Bijdragen" and as the badge in the navigation.
Messages to oneself are in the language of the page; messages to others in Dutch, the site's
default, since we do not know the language they read the site in.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from catalogue import mail
from catalogue.models import Submission
from catalogue.services import notices
from catalogue.web.context import db_session

log = logging.getLogger(__name__)

Letter = tuple[str, str, str]  # to, subject, body


def settings() -> mail.MailSettings | None:
    """The SMTP settings of this app, or None when it sends no e-mail."""
    return mail.MailSettings.from_config(current_app.config)


def sends_mail() -> bool:
    """Whether this site sends e-mail at all (templates say so plainly when it does not)."""
    return settings() is not None


def deliver(letters: Iterable[Letter]) -> bool:
    """Send the letters; False (and a warning in the log) when e-mail is off or fails."""
    configured = settings()
    batch = [letter for letter in letters if letter[0]]
    if configured is None or not batch:
        return False
    try:
        mail.send(configured, (mail.compose(configured, *letter) for letter in batch))
    except (OSError, smtplib.SMTPException) as error:
        log.warning("e-mail not sent (%d messages): %s", len(batch), error)
        return False
    return True


def _link(submission: Submission) -> str:
    return url_for("contribute.preview", submission_id=submission.id, _external=True)


def _default_language() -> str:
    return str(current_app.config["LANGUAGES"][0])


def submission_submitted(submission: Submission, *, author_email: str) -> bool:
    """Confirm the submission to its author; tell the reviewers there is work."""
    letters: list[Letter] = []
    review_time = notices.expected_review_time(db_session())
    expectation = (
        _(
            "Meestal duurt de beoordeling ongeveer %(days)d dagen (de mediaan van de laatste %(num)d besluiten).",
            days=review_time.days,
            num=review_time.decisions,
        )
        if review_time
        else _("Hoe lang de beoordeling duurt, weten we nog niet: er zijn nog te weinig besluiten.")
    )
    letters.append(
        (
            author_email,
            _("Ingediend: %(name)s", name=submission.title),
            "\n\n".join(
                [
                    _('Uw bijdrage "%(name)s" is ingediend.', name=submission.title),
                    _(
                        "Een beoordelaar kijkt haar na. Daarna wordt ze gepubliceerd, of u krijgt de "
                        "vraag iets te veranderen. U krijgt van elk besluit een e-mail."
                    ),
                    expectation,
                    _("Bekijk uw bijdrage: %(link)s", link=_link(submission)),
                ]
            ),
        )
    )
    link = url_for("review.detail", submission_id=submission.id, _external=True)
    with force_locale(_default_language()):
        for address in notices.reviewer_addresses(
            db_session(), except_user_id=submission.author_id
        ):
            letters.append(
                (
                    address,
                    _("Te beoordelen: %(name)s", name=submission.title),
                    _("Er is een bijdrage ingediend: %(link)s", link=link),
                )
            )
    return deliver(letters)


def submission_decided(submission: Submission) -> bool:
    """Tell the author what the reviewer decided, with the reason or the published page."""
    address = notices.author_address(db_session(), submission)
    if address is None:
        return False
    with force_locale(_default_language()):
        if submission.status == "published":
            subject = _("Gepubliceerd: %(name)s", name=submission.title)
            lines = [
                _('Uw bijdrage "%(name)s" is goedgekeurd en gepubliceerd.', name=submission.title)
            ]
            if submission.component is not None:
                lines.append(
                    _(
                        "Het component staat op: %(link)s",
                        link=url_for(
                            "pages.component_detail",
                            slug=submission.component.slug,
                            _external=True,
                        ),
                    )
                )
        elif submission.status == "rejected":
            subject = _("Afgewezen: %(name)s", name=submission.title)
            lines = [
                _('Uw bijdrage "%(name)s" is afgewezen.', name=submission.title),
                _("Reden: %(reason)s", reason=submission.decision_reason or ""),
            ]
        else:
            subject = _("Wijzigingen gevraagd: %(name)s", name=submission.title)
            lines = [
                _(
                    'De beoordelaar vraagt u iets te veranderen aan "%(name)s".',
                    name=submission.title,
                ),
                _("Wat er moet veranderen: %(reason)s", reason=submission.decision_reason or ""),
            ]
        lines.append(_("Bekijk uw bijdrage: %(link)s", link=_link(submission)))
        return deliver([(address, subject, "\n\n".join(lines))])


def submission_commented(submission: Submission, *, commenter_id: int) -> bool:
    """Tell the author that someone else commented on their submission."""
    if submission.author_id is None or submission.author_id == commenter_id:
        return False
    address = notices.author_address(db_session(), submission)
    if address is None:
        return False
    with force_locale(_default_language()):
        return deliver(
            [
                (
                    address,
                    _("Nieuwe reactie: %(name)s", name=submission.title),
                    _(
                        "Er is een reactie op uw bijdrage: %(link)s",
                        link=_link(submission) + "#reacties",
                    ),
                )
            ]
        )


def password_reset_link(address: str, link: str, *, minutes: int) -> bool:
    """Send a reset link to the address that asked for it."""
    return deliver(
        [
            (
                address,
                _("Nieuw wachtwoord instellen"),
                "\n\n".join(
                    [
                        _(
                            "Iemand vroeg een nieuw wachtwoord aan voor uw account bij de Componentenwijzer."
                        ),
                        _(
                            "Stel een nieuw wachtwoord in via deze link. "
                            "De link werkt één keer, en %(minutes)d minuten lang:",
                            minutes=minutes,
                        ),
                        link,
                        _(
                            "Vroeg u dit niet aan? Dan hoeft u niets te doen. Uw wachtwoord blijft hetzelfde."
                        ),
                    ]
                ),
            )
        ]
    )


def password_changed(address: str) -> bool:
    """Tell the account holder that the password changed, in case it was not them."""
    return deliver(
        [
            (
                address,
                _("Uw wachtwoord is gewijzigd"),
                "\n\n".join(
                    [
                        _(
                            "Het wachtwoord van uw account bij de Componentenwijzer is zojuist gewijzigd. "
                            "Op andere apparaten bent u uitgelogd."
                        ),
                        _(
                            "Was u dit niet? Vraag dan meteen een nieuw wachtwoord aan: %(link)s",
                            link=url_for("auth.forgot_password", _external=True),
                        ),
                    ]
                ),
            )
        ]
    )


def already_registered(address: str) -> bool:
    """Tell an account holder that someone tried to register with their address.

    The registration page answers the same for every address, so this is the only place the
    news goes: to the address itself.
    """
    return deliver(
        [
            (
                address,
                _("Er is al een account met dit e-mailadres"),
                "\n\n".join(
                    [
                        _(
                            "Iemand wilde met dit e-mailadres een account maken bij de "
                            "Componentenwijzer. Er is al een account met dit adres."
                        ),
                        _(
                            "Was u dat? Log dan in: %(link)s",
                            link=url_for("auth.login", _external=True),
                        ),
                        _(
                            "Weet u uw wachtwoord niet meer? Vraag een nieuw aan: %(link)s",
                            link=url_for("auth.forgot_password", _external=True),
                        ),
                        _("Was u dit niet? Dan hoeft u niets te doen."),
                    ]
                ),
            )
        ]
    )
