"""Submissions: a proposed component document, from the form in steps or from a publiccode.yml,
previewed as a dry run, reviewed, and published with ``apply_document``.

A submission holds a whole component document (catalogue/documents.py). Publishing is
``apply_document`` plus a ``Revision`` that says who, when, what changed and where each value
came from. A submission records the component version it started from; publishing after the
component changed is a ``Conflict``, and nothing is overwritten or lost.

The package, by responsibility:

- ``lifecycle``: the changes of state: start, submit, approve, reject, request changes,
  comment, rebase;
- ``steps``: editing the document, one step of the form at a time or with a new publiccode.yml;
- ``checks``: validation: what publishing would meet, the dry run, the completeness score;
- ``queries``: read-only lookups and listings;
- ``access``: who may see and change a submission, in which state, against which version.

Callers use the names below (``submissions.approve``). The modules import each other's
underscore names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.services.submissions.access import EDITABLE, OPEN
from catalogue.services.submissions.checks import (
    Completeness,
    ConflictView,
    Hint,
    Preview,
    blocking_issues,
    check_document,
    check_publiccode,
    completeness,
    conflict_view,
    field_of_key,
    is_check_issue,
    issue_error,
    issues_of,
    preview,
)
from catalogue.services.submissions.lifecycle import (
    approve,
    comment,
    rebase,
    reject,
    request_changes,
    start_from_publiccode,
    start_new,
    start_update,
    submit_for_review,
)
from catalogue.services.submissions.queries import (
    PublicStatus,
    components_by_slug,
    current_document,
    find_components_by_name,
    get_submission,
    history,
    imports_of,
    latest_status,
    my_submissions,
    open_submission_for,
    open_submission_for_file,
    review_queue,
    search_reference_components,
    search_standards,
    source_label,
)
from catalogue.services.submissions.steps import (
    DESCRIPTION_LANGUAGES,
    STEP_KEYS,
    STEPS,
    Reupload,
    reupload_publiccode,
    save_step,
    standard_key,
)

__all__ = [
    "DESCRIPTION_LANGUAGES",
    "EDITABLE",
    "OPEN",
    "STEPS",
    "STEP_KEYS",
    "Completeness",
    "ConflictView",
    "Hint",
    "Preview",
    "PublicStatus",
    "Reupload",
    "approve",
    "blocking_issues",
    "check_document",
    "check_publiccode",
    "comment",
    "completeness",
    "components_by_slug",
    "conflict_view",
    "current_document",
    "field_of_key",
    "find_components_by_name",
    "get_submission",
    "history",
    "imports_of",
    "is_check_issue",
    "issue_error",
    "issues_of",
    "latest_status",
    "my_submissions",
    "open_submission_for",
    "open_submission_for_file",
    "preview",
    "rebase",
    "reject",
    "request_changes",
    "review_queue",
    "reupload_publiccode",
    "save_step",
    "search_reference_components",
    "search_standards",
    "source_label",
    "standard_key",
    "start_from_publiccode",
    "start_new",
    "start_update",
    "submit_for_review",
]
