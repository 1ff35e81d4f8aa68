"""Domain errors raised by services; each surface (pages, API, CLI) maps them once.

A refused field carries a :class:`FieldError`: a stable :class:`ErrorCode` and its parameters;
so does a refused action (``NotFound``, ``NotAuthorized``, ``Conflict``), as its one argument.
The pages show the code's message in the reader's language (one gettext table,
``catalogue/web/messages.py``); the API and the CLI, which speak English, show the English text
below, which is also what a ``FieldError`` is as a string. The API's problem+json sends the code
and its parameters beside that text (``code``/``params`` for the ``detail``, ``codes`` for each
message in ``errors``; ``catalogue/web/errors.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class CatalogueError(Exception):
    """Base class of the domain errors."""


class NotFound(CatalogueError):
    """The record does not exist."""


class NotAuthorized(CatalogueError):
    """The actor may not do this."""


class Conflict(CatalogueError):
    """Someone else changed the record since it was read."""


class ErrorCode(StrEnum):
    """Why a service refused a field or an action. The values are stable: clients and tests may
    rely on them (the API sends them in its problem+json, and lists them in its OpenAPI
    document)."""

    # accounts
    EMAIL_INVALID = "email_invalid"
    EMAIL_TAKEN = "email_taken"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    PASSWORD_COMMON = "password_common"
    PASSWORD_HAS_EMAIL = "password_has_email"
    PASSWORD_WRONG = "password_wrong"
    ORGANISATION_UNKNOWN = "organisation_unknown"
    ROLE_UNKNOWN = "role_unknown"
    ORG_ROLE_UNKNOWN = "org_role_unknown"
    DECISION_UNKNOWN = "decision_unknown"
    SCOPE_UNKNOWN = "scope_unknown"
    TOTP_WRONG = "totp_wrong"
    TOKEN_NAME_REQUIRED = "token_name_required"
    RESET_TOKEN_INVALID = "reset_token_invalid"
    OWN_ADMIN_ROLE = "own_admin_role"
    OWN_ACCOUNT_ACTIVE = "own_account_active"
    NOT_A_CONFIRMED_MEMBER = "not_a_confirmed_member"
    ACCOUNT_UNKNOWN = "account_unknown"
    TOKEN_UNKNOWN = "token_unknown"
    NOT_YOUR_TOKEN = "not_your_token"
    TOKEN_SCOPE_MISSING = "token_scope_missing"
    OWN_MEMBERSHIP = "own_membership"
    OWN_ORGANISATION_MEMBERS = "own_organisation_members"
    # disputes
    CLAIM_UNKNOWN = "claim_unknown"
    DISPUTE_REASON_REQUIRED = "dispute_reason_required"
    DISPUTE_EXISTS = "dispute_exists"
    RESOLUTION_REQUIRED = "resolution_required"
    OUTCOME_UNKNOWN = "outcome_unknown"
    # curation
    SAME_COMPONENT = "same_component"
    SAME_ORGANISATION = "same_organisation"
    ORGANISATION_NAME_REQUIRED = "organisation_name_required"
    ORGANISATION_KIND_REQUIRED = "organisation_kind_required"
    WEBSITE_NOT_HTTPS = "website_not_https"
    ORGANISATIONS_UNKNOWN = "organisations_unknown"
    # landscapes
    NOT_IN_LANDSCAPE = "not_in_landscape"
    NO_LANDSCAPE = "no_landscape"
    LANDSCAPE_EDITORS_ONLY = "landscape_editors_only"
    LANDSCAPE_SAVED_MEANWHILE = "landscape_saved_meanwhile"
    APPLICATION_NAME_REQUIRED = "application_name_required"
    APPLICATION_HOSTING_UNKNOWN = "application_hosting_unknown"
    APPLICATION_COMPONENT_UNKNOWN = "application_component_unknown"
    APPLICATION_REFERENCES_UNKNOWN = "application_references_unknown"
    NOTICE_MONTHS_RANGE = "notice_months_range"
    USAGE_NOT_PUBLISHED = "usage_not_published"
    LANDSCAPE_FILE_UNREADABLE = "landscape_file_unreadable"
    # advice: the profile and what it names
    PROFILE_FIELD_UNKNOWN = "profile_field_unknown"
    TEXTS_REQUIRED = "texts_required"
    HOSTING_FORM_UNKNOWN = "hosting_form_unknown"
    ONE_HOSTING_ALLOWED = "one_hosting_allowed"
    MIN_STATUS_UNKNOWN = "min_status_unknown"
    SWITCH_NOT_BOOLEAN = "switch_not_boolean"
    WEIGHTS_NOT_OBJECT = "weights_not_object"
    WEIGHT_UNKNOWN = "weight_unknown"
    WEIGHT_OUT_OF_RANGE = "weight_out_of_range"
    MUNICIPALITY_NOT_CBS_CODE = "municipality_not_cbs_code"
    MUNICIPALITY_UNKNOWN = "municipality_unknown"
    GEMMA_ELEMENTS_UNKNOWN = "gemma_elements_unknown"
    COMPONENTS_UNKNOWN = "components_unknown"
    WHAT_IF_COMPONENT_UNKNOWN = "what_if_component_unknown"
    WHAT_IF_NOT_IN_PLAN = "what_if_not_in_plan"
    # harvesting
    SOURCE_NOT_HTTPS = "source_not_https"
    SOURCE_CREDENTIALS = "source_credentials"
    SOURCE_NO_HOST = "source_no_host"
    SOURCE_UNRESOLVABLE = "source_unresolvable"
    SOURCE_NOT_PUBLIC = "source_not_public"
    SOURCE_TAKEN = "source_taken"
    HARVEST_RUNNING = "harvest_running"
    HARVEST_STARTED_AT_SAME_MOMENT = "harvest_started_at_same_moment"
    # components: writing a document
    SLUG_TAKEN = "slug_taken"
    DOCUMENT_GEMMA_ID_UNKNOWN = "document_gemma_id_unknown"
    # organisations
    ORGANISATION_KIND_UNKNOWN = "organisation_kind_unknown"
    COMPONENT_UNKNOWN = "component_unknown"
    # submissions: the form's steps and the file
    FILE_OF_OTHER_REPOSITORY = "file_of_other_repository"
    FILE_NOT_OF_COMPONENT = "file_not_of_component"
    PUBLICCODE_UNREADABLE = "publiccode_unreadable"
    PUBLICCODE_ISSUE = "publiccode_issue"
    DATE_FORMAT = "date_format"
    LICENCE_INVALID = "licence_invalid"
    PUBLISHED_URL_FIXED = "published_url_fixed"
    REFERENCE_COMPONENT_UNKNOWN = "reference_component_unknown"
    STANDARD_UNKNOWN = "standard_unknown"
    REQUIRED_COMPONENT_UNKNOWN = "required_component_unknown"
    HOSTING_MODEL_UNKNOWN = "hosting_model_unknown"
    REJECTION_REASON_REQUIRED = "rejection_reason_required"
    COMMENT_REQUIRED = "comment_required"
    NO_PUBLISHED_VERSION = "no_published_version"
    # submissions: what publishing would meet (submissions.check_document)
    NAME_REQUIRED = "name_required"
    URL_REQUIRED = "url_required"
    URL_NOT_HTTPS = "url_not_https"
    REPOSITORY_IN_CATALOGUE = "repository_in_catalogue"
    NAME_TAKEN = "name_taken"
    LICENCE_NOT_SPDX = "licence_not_spdx"
    MAINTAINER_UNKNOWN = "maintainer_unknown"
    GEMMA_ID_UNKNOWN = "gemma_id_unknown"
    REQUIRES_UNKNOWN = "requires_unknown"
    STATUS_UNKNOWN = "status_unknown"
    DOCUMENT_FIELD = "document_field"
    # submissions: who may act, and when (NotAuthorized, Conflict, NotFound)
    SUBMISSION_UNKNOWN = "submission_unknown"
    SUBMISSION_OF_OTHER_ORGANISATION = "submission_of_other_organisation"
    STEP_UNKNOWN = "step_unknown"
    NOT_AUTHORS_ORGANISATION = "not_authors_organisation"
    SUBMISSION_NOT_EDITABLE = "submission_not_editable"
    SUBMISSION_TAKES_NO_FILE = "submission_takes_no_file"
    SUBMISSION_CLOSED = "submission_closed"
    SUBMISSION_SAVED_MEANWHILE = "submission_saved_meanwhile"
    SAVED_AT_SAME_MOMENT = "saved_at_same_moment"
    OWN_SUBMISSION = "own_submission"
    NOT_WAITING_FOR_REVIEW = "not_waiting_for_review"
    FOUR_EYES = "four_eyes"
    COMPONENT_CHANGED = "component_changed"
    PUBLISHED_AT_SAME_MOMENT = "published_at_same_moment"
    COMPONENT_GONE = "component_gone"
    # disputes (NotAuthorized, NotFound, Conflict)
    NOT_A_MUNICIPALITY_MEMBER = "not_a_municipality_member"
    DISPUTE_UNKNOWN = "dispute_unknown"
    OWN_COMPONENT_DISPUTE = "own_component_dispute"
    DISPUTE_DECIDED = "dispute_decided"
    COMPONENT_CHANGED_AT_SAME_MOMENT = "component_changed_at_same_moment"
    # permissions and lookups (NotAuthorized, NotFound)
    LOGIN_REQUIRED = "login_required"
    ROLE_MAY_NOT = "role_may_not"
    TOKEN_MAY_NOT = "token_may_not"
    PERMISSION_NEEDED = "permission_needed"
    CONFIRMED_MEMBERS_ONLY = "confirmed_members_only"
    OWN_ORGANISATION_COMPONENTS = "own_organisation_components"
    MEMBERSHIP_NOT_CONFIRMED = "membership_not_confirmed"
    GEMMA_ELEMENT_UNKNOWN = "gemma_element_unknown"
    ORGANISATION_NOT_FOUND = "organisation_not_found"
    # comparing components
    COMPARE_COUNT = "compare_count"
    # the API's own refusals of a request (catalogue/web/api.py, api_contribute.py)
    API_TOKEN_REQUIRED = "api_token_required"
    API_TOKEN_INVALID = "api_token_invalid"
    PUBLICCODE_BODY_REQUIRED = "publiccode_body_required"
    PUBLICCODE_NOT_READABLE = "publiccode_not_readable"
    PROFILE_BODY_REQUIRED = "profile_body_required"
    REPLACEMENT_SHAPE = "replacement_shape"
    WHOLE_NUMBER_RANGE = "whole_number_range"
    CHOICE_UNKNOWN = "choice_unknown"
    TEXT_TOO_LONG = "text_too_long"
    # harvesting: what a fetch met, kept on the source (HarvestSource.last_errors)
    FETCH_HTTP_STATUS = "fetch_http_status"
    FETCH_FAILED = "fetch_failed"
    FETCH_TOO_MANY_REDIRECTS = "fetch_too_many_redirects"
    FETCH_RETRY_BEYOND_BUDGET = "fetch_retry_beyond_budget"
    FETCH_TOO_LARGE = "fetch_too_large"
    FETCH_TOO_LARGE_AT_LEAST = "fetch_too_large_at_least"
    FORGE_NOT_JSON = "forge_not_json"
    FORGE_NOT_LIST = "forge_not_list"
    HARVEST_FILE_GONE = "harvest_file_gone"
    HARVEST_FILE_GONE_SINCE = "harvest_file_gone_since"
    HARVEST_HTML_PAGE = "harvest_html_page"
    HARVEST_OTHER_REPOSITORY = "harvest_other_repository"
    HARVEST_FILE_REFUSED = "harvest_file_refused"
    # harvesting: SOURCES.yaml itself, and a run's own limits (the operator's CLI report)
    SOURCES_NOT_YAML = "sources_not_yaml"
    SOURCES_NOT_A_LIST = "sources_not_a_list"
    SOURCE_ENTRY_SHAPE = "source_entry_shape"
    SOURCE_ENTRY_UNKNOWN_KEYS = "source_entry_unknown_keys"
    SOURCE_VALUE_NOT_TEXT = "source_value_not_text"
    SOURCE_URL_NOT_HTTP = "source_url_not_http"
    HARVEST_BUDGET_SPENT = "harvest_budget_spent"


# The English text of each code, for the API, the CLI and the logs; ``{name}`` is a parameter.
ENGLISH: dict[ErrorCode, str] = {
    ErrorCode.EMAIL_INVALID: "enter a valid e-mail address",
    ErrorCode.EMAIL_TAKEN: "an account with this e-mail address already exists",
    ErrorCode.PASSWORD_TOO_SHORT: "use at least {minimum} characters",
    ErrorCode.PASSWORD_TOO_LONG: "use at most {maximum} characters",
    ErrorCode.PASSWORD_COMMON: "this password is too common or too simple",
    ErrorCode.PASSWORD_HAS_EMAIL: "the password may not contain your e-mail address",
    ErrorCode.PASSWORD_WRONG: "this is not your current password",
    ErrorCode.ORGANISATION_UNKNOWN: "choose an organisation from the list",
    ErrorCode.ROLE_UNKNOWN: "unknown role",
    ErrorCode.ORG_ROLE_UNKNOWN: "unknown organisation role",
    ErrorCode.DECISION_UNKNOWN: "unknown decision",
    ErrorCode.SCOPE_UNKNOWN: "unknown scope",
    ErrorCode.TOTP_WRONG: "this code is not right, or it was used before",
    ErrorCode.TOKEN_NAME_REQUIRED: "give the token a name",
    ErrorCode.RESET_TOKEN_INVALID: (
        "this link is not valid any more: it was used, it expired, or it is wrong"
    ),
    ErrorCode.OWN_ADMIN_ROLE: "you cannot take away your own admin role",
    ErrorCode.OWN_ACCOUNT_ACTIVE: "you cannot deactivate your own account",
    ErrorCode.NOT_A_CONFIRMED_MEMBER: "this account is no confirmed member",
    ErrorCode.ACCOUNT_UNKNOWN: "no account {user}",
    ErrorCode.TOKEN_UNKNOWN: "no token {token}",
    ErrorCode.NOT_YOUR_TOKEN: "this is not your token",
    ErrorCode.TOKEN_SCOPE_MISSING: "this token lacks the scope {scope!r}",
    ErrorCode.OWN_MEMBERSHIP: "nobody decides about their own membership",
    ErrorCode.OWN_ORGANISATION_MEMBERS: (
        "a beheerder decides only about members of their own organisation"
    ),
    ErrorCode.CLAIM_UNKNOWN: "choose one of the component's claims",
    ErrorCode.DISPUTE_REASON_REQUIRED: "say why the claim is wrong",
    ErrorCode.DISPUTE_EXISTS: "your organisation already disputes this claim",
    ErrorCode.RESOLUTION_REQUIRED: "explain the decision",
    ErrorCode.OUTCOME_UNKNOWN: "choose upheld or dismissed",
    ErrorCode.SAME_COMPONENT: "choose two different components",
    ErrorCode.SAME_ORGANISATION: "choose two different organisations",
    ErrorCode.ORGANISATION_NAME_REQUIRED: "give the organisation a name",
    ErrorCode.ORGANISATION_KIND_REQUIRED: "choose a kind of organisation",
    ErrorCode.WEBSITE_NOT_HTTPS: "the website must start with https://",
    ErrorCode.ORGANISATIONS_UNKNOWN: "choose two existing organisations",
    ErrorCode.NOT_IN_LANDSCAPE: "this component is not in the landscape",
    ErrorCode.NO_LANDSCAPE: "no landscape here",
    ErrorCode.LANDSCAPE_EDITORS_ONLY: "only the organisation's editors may change its landscape",
    ErrorCode.LANDSCAPE_SAVED_MEANWHILE: (
        "someone else saved this landscape since you opened it; look again and retry"
    ),
    ErrorCode.APPLICATION_NAME_REQUIRED: "a name is required",
    ErrorCode.APPLICATION_HOSTING_UNKNOWN: "must be one of {choices}",
    ErrorCode.APPLICATION_COMPONENT_UNKNOWN: "unknown component",
    ErrorCode.APPLICATION_REFERENCES_UNKNOWN: "unknown reference component: {gemma_ids}",
    ErrorCode.NOTICE_MONTHS_RANGE: "must be 0 to 120 months",
    ErrorCode.USAGE_NOT_PUBLISHED: "no usage of {slug!r} is published from this landscape",
    ErrorCode.LANDSCAPE_FILE_UNREADABLE: "this file cannot be read: {message}",
    ErrorCode.PROFILE_FIELD_UNKNOWN: "unknown field",
    ErrorCode.TEXTS_REQUIRED: "must be a list of texts",
    ErrorCode.HOSTING_FORM_UNKNOWN: "{value!r} is not one of {choices}",
    ErrorCode.ONE_HOSTING_ALLOWED: "at least one hosting form must stay allowed",
    ErrorCode.MIN_STATUS_UNKNOWN: "must be one of {choices}",
    ErrorCode.SWITCH_NOT_BOOLEAN: "must be true or false",
    ErrorCode.WEIGHTS_NOT_OBJECT: "must be an object",
    ErrorCode.WEIGHT_UNKNOWN: "unknown weight",
    ErrorCode.WEIGHT_OUT_OF_RANGE: "must be a number from 0 to 10",
    ErrorCode.MUNICIPALITY_NOT_CBS_CODE: "must be a CBS code such as GM0344",
    ErrorCode.MUNICIPALITY_UNKNOWN: "unknown CBS code {cbs_code!r}",
    ErrorCode.GEMMA_ELEMENTS_UNKNOWN: "unknown: {slugs}",
    ErrorCode.COMPONENTS_UNKNOWN: "unknown component: {slugs}",
    ErrorCode.WHAT_IF_COMPONENT_UNKNOWN: "unknown component {slug!r}",
    ErrorCode.WHAT_IF_NOT_IN_PLAN: "choose a component from the plan or the landscape",
    ErrorCode.SOURCE_NOT_HTTPS: "the address must start with https://",
    ErrorCode.SOURCE_CREDENTIALS: "the address may not contain a user name or password",
    ErrorCode.SOURCE_NO_HOST: "the address has no host name",
    ErrorCode.SOURCE_UNRESOLVABLE: "this host name does not exist or has no address",
    ErrorCode.SOURCE_NOT_PUBLIC: "this host name points to an internal or non-public address",
    ErrorCode.SOURCE_TAKEN: "this address is already registered for another component",
    ErrorCode.HARVEST_RUNNING: (
        "a harvest is already running (started {started} UTC by {holder}); this run does nothing"
    ),
    ErrorCode.HARVEST_STARTED_AT_SAME_MOMENT: (
        "a harvest is already running; this run does nothing"
    ),
    ErrorCode.SLUG_TAKEN: "slug {slug!r} is taken by another component",
    ErrorCode.DOCUMENT_GEMMA_ID_UNKNOWN: "unknown GEMMA id {gemma_id!r}",
    ErrorCode.ORGANISATION_KIND_UNKNOWN: "unknown organisation kind {kind!r}",
    ErrorCode.COMPONENT_UNKNOWN: "no component {slug!r}",
    ErrorCode.FILE_OF_OTHER_REPOSITORY: "this file names another repository than this submission",
    ErrorCode.FILE_NOT_OF_COMPONENT: (
        "the url in this file is not the repository of {slug!r} ({url})"
    ),
    ErrorCode.PUBLICCODE_UNREADABLE: "{key} ({line}:{column}): {message}",
    ErrorCode.PUBLICCODE_ISSUE: "{key} ({line}:{column}): {message}",
    ErrorCode.DATE_FORMAT: "give the date as YYYY-MM-DD",
    ErrorCode.LICENCE_INVALID: "not a valid SPDX licence expression",
    ErrorCode.PUBLISHED_URL_FIXED: (
        "the repository URL of a published component cannot be changed here"
    ),
    ErrorCode.REFERENCE_COMPONENT_UNKNOWN: "unknown reference component {gemma_id!r}",
    ErrorCode.STANDARD_UNKNOWN: "unknown standard {standard!r}",
    ErrorCode.REQUIRED_COMPONENT_UNKNOWN: "no other component {slug!r} in the catalogue",
    ErrorCode.HOSTING_MODEL_UNKNOWN: "unknown hosting model",
    ErrorCode.REJECTION_REASON_REQUIRED: "give a reason, so the author knows what to do",
    ErrorCode.COMMENT_REQUIRED: "write a comment",
    ErrorCode.NO_PUBLISHED_VERSION: (
        "this is a new component; there is no published version to start from"
    ),
    ErrorCode.NAME_REQUIRED: "The component needs a name.",
    ErrorCode.URL_REQUIRED: "The component needs the URL of its source code.",
    ErrorCode.URL_NOT_HTTPS: "The URL must start with https://.",
    ErrorCode.REPOSITORY_IN_CATALOGUE: (
        "This repository is already in the catalogue as '{name}'. "
        "Propose a change on its page instead."
    ),
    ErrorCode.NAME_TAKEN: ("Another component already has this name. Choose a more specific name."),
    ErrorCode.LICENCE_NOT_SPDX: "'{licence}' is not a valid SPDX licence expression.",
    ErrorCode.MAINTAINER_UNKNOWN: "Unknown organisation '{organisation}'.",
    ErrorCode.GEMMA_ID_UNKNOWN: "Unknown GEMMA id '{gemma_id}'.",
    ErrorCode.REQUIRES_UNKNOWN: "No component '{slug}' in the catalogue.",
    ErrorCode.STATUS_UNKNOWN: "Unknown development status '{status}'.",
    ErrorCode.DOCUMENT_FIELD: "{key}: {message}",
    ErrorCode.SUBMISSION_UNKNOWN: "no submission {submission}",
    ErrorCode.SUBMISSION_OF_OTHER_ORGANISATION: "this submission belongs to another organisation",
    ErrorCode.STEP_UNKNOWN: "no step {step!r}",
    ErrorCode.NOT_AUTHORS_ORGANISATION: (
        "only the author's organisation may change this submission"
    ),
    ErrorCode.SUBMISSION_NOT_EDITABLE: "this submission is {status}; it can no longer be changed",
    ErrorCode.SUBMISSION_TAKES_NO_FILE: (
        "submission {submission} is {status}; it cannot take a new file now"
    ),
    ErrorCode.SUBMISSION_CLOSED: "this submission is {status}",
    ErrorCode.SUBMISSION_SAVED_MEANWHILE: (
        "submission {submission} was saved by someone else in the meantime "
        "(version {version}, you started from {started})"
    ),
    ErrorCode.SAVED_AT_SAME_MOMENT: (
        "someone else saved this at the same moment; load the page again"
    ),
    ErrorCode.OWN_SUBMISSION: "a reviewer cannot decide on their own submission",
    ErrorCode.NOT_WAITING_FOR_REVIEW: "this submission is {status}, not waiting for review",
    ErrorCode.FOUR_EYES: (
        "you changed this submission, so another reviewer approves it (four eyes)"
    ),
    ErrorCode.COMPONENT_CHANGED: (
        "the component changed since this submission started; compare both versions first"
    ),
    ErrorCode.PUBLISHED_AT_SAME_MOMENT: (
        "someone else published a change to this component at the same moment; try again"
    ),
    ErrorCode.COMPONENT_GONE: "the component no longer exists",
    ErrorCode.NOT_A_MUNICIPALITY_MEMBER: (
        "only a confirmed member of a municipality can dispute a claim"
    ),
    ErrorCode.DISPUTE_UNKNOWN: "no dispute {dispute}",
    ErrorCode.OWN_COMPONENT_DISPUTE: (
        "you cannot resolve a dispute about your own organisation's component"
    ),
    ErrorCode.DISPUTE_DECIDED: "this dispute is already {status}",
    ErrorCode.COMPONENT_CHANGED_AT_SAME_MOMENT: (
        "the component changed at the same moment; try again"
    ),
    ErrorCode.LOGIN_REQUIRED: "log in first",
    ErrorCode.ROLE_MAY_NOT: "the role {role!r} may not do {permission!r}",
    ErrorCode.TOKEN_MAY_NOT: "this account may not do {permission!r}",
    ErrorCode.PERMISSION_NEEDED: "this needs the permission {permission!r}",
    ErrorCode.CONFIRMED_MEMBERS_ONLY: "only confirmed members of the organisation may do this",
    ErrorCode.OWN_ORGANISATION_COMPONENTS: (
        "maintainers may only change the components of their own organisation"
    ),
    ErrorCode.MEMBERSHIP_NOT_CONFIRMED: (
        "your membership of this organisation is not confirmed yet"
    ),
    ErrorCode.GEMMA_ELEMENT_UNKNOWN: "no {kind} {slug!r}",
    ErrorCode.ORGANISATION_NOT_FOUND: "no organisation {organisation!r}",
    ErrorCode.COMPARE_COUNT: "choose {minimum} to {maximum} different components, not {count}",
    ErrorCode.API_TOKEN_REQUIRED: "send a personal API token as 'Authorization: Bearer <token>'",
    ErrorCode.API_TOKEN_INVALID: "this token is unknown, expired or revoked",
    ErrorCode.PUBLICCODE_BODY_REQUIRED: "send the publiccode.yml as the request body",
    ErrorCode.PUBLICCODE_NOT_READABLE: "the file cannot be read as a publiccode.yml",
    ErrorCode.PROFILE_BODY_REQUIRED: "send a JSON object with the profile",
    ErrorCode.REPLACEMENT_SHAPE: 'must be {{"remove": id, "add": id}}',
    ErrorCode.WHOLE_NUMBER_RANGE: "must be a whole number from {minimum} to {maximum}",
    ErrorCode.CHOICE_UNKNOWN: "must be one of {choices}",
    ErrorCode.TEXT_TOO_LONG: "at most {maximum} characters",
    ErrorCode.FETCH_HTTP_STATUS: "the server answered HTTP {status}",
    ErrorCode.FETCH_FAILED: "the request failed: {error}",
    ErrorCode.FETCH_TOO_MANY_REDIRECTS: "more than {maximum} redirects",
    ErrorCode.FETCH_RETRY_BEYOND_BUDGET: (
        "HTTP {status}; Retry-After {seconds} s falls outside the time budget"
    ),
    ErrorCode.FETCH_TOO_LARGE: "the file is too large ({size} bytes; the limit is {limit} bytes)",
    ErrorCode.FETCH_TOO_LARGE_AT_LEAST: (
        "the file is too large (more than {size} bytes; the limit is {limit} bytes)"
    ),
    ErrorCode.FORGE_NOT_JSON: "the forge's answer is not JSON",
    ErrorCode.FORGE_NOT_LIST: "the forge's answer is not a list",
    ErrorCode.HARVEST_FILE_GONE: "HTTP {status}: the file cannot be found (any more)",
    ErrorCode.HARVEST_FILE_GONE_SINCE: (
        "HTTP {status}: the file cannot be found (any more); "
        "{name} has not been found at the source since {since}"
    ),
    ErrorCode.HARVEST_HTML_PAGE: (
        "this is an HTML page, not a publiccode.yml (point to the raw file)"
    ),
    ErrorCode.HARVEST_OTHER_REPOSITORY: (
        "this file describes {named}, not {registered}, for which the source was registered"
    ),
    ErrorCode.HARVEST_FILE_REFUSED: "not imported: {message}",
    ErrorCode.SOURCES_NOT_YAML: "{name} is not valid YAML: {problem}",
    ErrorCode.SOURCES_NOT_A_LIST: "{name} must be a YAML list",
    ErrorCode.SOURCE_ENTRY_SHAPE: "expected '- url: ...', '- github_org: ...' or '- gitlab_group: ...'",
    ErrorCode.SOURCE_ENTRY_UNKNOWN_KEYS: (
        "expected '- url: ...', '- github_org: ...' or '- gitlab_group: ...' (unknown: {keys})"
    ),
    ErrorCode.SOURCE_VALUE_NOT_TEXT: "{key}: expected a text",
    ErrorCode.SOURCE_URL_NOT_HTTP: "url: expected an http or https address",
    ErrorCode.HARVEST_BUDGET_SPENT: "this run's time budget is spent; the source is tried next time",
}


class FieldError(str):
    """Why a field was refused: a stable ``code`` with its ``params``.

    As a string it is the English message, so the API's problem+json and the CLI read as before
    and a FieldError compares equal to its English text; the pages translate ``code``.
    """

    code: ErrorCode
    params: dict[str, Any]

    def __new__(cls, code: ErrorCode, **params: Any) -> FieldError:
        """The error of ``code``; ``params`` fill the message's placeholders."""
        error = super().__new__(cls, ENGLISH[code].format(**params))
        error.code = code
        error.params = params
        return error

    def params_as_json(self) -> dict[str, Any]:
        """The parameters as JSON holds them: text, numbers, true/false and null as they are,
        lists and objects (a parser issue's own params) with their items so, anything else (a
        date) as its text."""
        return {name: _as_json(value) for name, value in self.params.items()}

    def __getnewargs_ex__(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        # copy and pickle rebuild the error from its code, not from its English text.
        return (self.code,), self.params

    def __repr__(self) -> str:
        return f"FieldError({self.code.value!r}, {self.params!r})"


def _as_json(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, Mapping):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    return str(value)


def parser_issue(code: ErrorCode, issue: Mapping[str, Any], /, **params: Any) -> FieldError:
    """A refusal that carries one of the publiccode.yml parser's issues (``Issue.as_dict()``,
    fresh or stored): its texts as worded then (``message`` in English, ``message_nl``), the
    parser's own code (``issue``), and the ``template`` and ``params`` the pages word it anew
    from, in the reader's language (``messages.publiccode_issue_message``). An issue stored
    before templates were kept has ``template`` and ``params`` null."""
    values = issue.get("params")
    return FieldError(
        code,
        **params,
        message=str(issue.get("message") or ""),
        message_nl=str(issue.get("message_nl") or ""),
        issue=issue.get("code"),
        template=issue.get("template"),
        params=dict(values) if isinstance(values, Mapping) else None,
    )


class ValidationError(CatalogueError):
    """Input was refused; ``errors`` maps a field name to its messages (``FieldError`` or text)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{field}: {', '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(summary)
