"""WTForms (Flask-WTF) forms of accounts, contributing, review and administration.

Every form is a FlaskForm, so every POST carries a CSRF token. Labels and messages are lazy
gettext, so they follow the reader's language. Services raise ValidationError with error codes;
:func:`copy_errors` puts them on the fields in the reader's language (``messages.translate``).

The package, by the pages that use it:

- ``base``: ``Form`` (CSRF, no control characters), ``copy_errors``, ``handle_form``,
  ``ActionForm`` and ``lock_of``, which every page shares;
- ``accounts``: login, registration, passwords, TOTP, API tokens, membership;
- ``contributing``: the steps of the contribution form and the publiccode.yml upload;
- ``review``: a reviewer's decision, comments, disputes;
- ``admin``: accounts, organisations, merging duplicates;
- ``landscape``: a municipality's landscape.

Pages import the names below (``from catalogue.web.forms import Form``). The modules import
each other's underscore names, which stay inside the package (tests/test_architecture.py).
"""

from __future__ import annotations

from catalogue.web.forms.accounts import (
    DECISION_LABELS,
    NEW_PASSWORD_HELP,
    ORG_ROLE_LABELS,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    MembershipForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
    TotpForm,
)
from catalogue.web.forms.admin import (
    ROLE_LABELS,
    MergeComponentsForm,
    MergeOrganisationsForm,
    OrganisationForm,
    UserForm,
)
from catalogue.web.forms.base import (
    CONTROL_CHARACTER,
    REQUIRED,
    ActionForm,
    Form,
    MultiCheckboxField,
    copy_errors,
    handle_form,
    has_control_characters,
    lock_of,
    options,
)
from catalogue.web.forms.contributing import (
    MAINTENANCE_TYPES,
    SOFTWARE_TYPES,
    BasicsForm,
    DescriptionsForm,
    HostingForm,
    LicenceForm,
    PickerForm,
    PubliccodeForm,
)
from catalogue.web.forms.landscape import (
    LANDSCAPE_UPLOAD_BYTES,
    LandscapeComponentForm,
    LandscapeSaveForm,
    LandscapeUploadForm,
)
from catalogue.web.forms.review import CommentForm, DecisionForm, DisputeForm, ResolveDisputeForm

# Pages took ``translate`` from here when this was one module (catalogue/web/contribute.py).
from catalogue.web.messages import translate

__all__ = [
    "ActionForm",
    "BasicsForm",
    "CONTROL_CHARACTER",
    "ChangePasswordForm",
    "CommentForm",
    "DECISION_LABELS",
    "DecisionForm",
    "DescriptionsForm",
    "DisputeForm",
    "ForgotPasswordForm",
    "Form",
    "HostingForm",
    "LANDSCAPE_UPLOAD_BYTES",
    "LandscapeComponentForm",
    "LandscapeSaveForm",
    "LandscapeUploadForm",
    "LicenceForm",
    "LoginForm",
    "MAINTENANCE_TYPES",
    "MembershipForm",
    "MergeComponentsForm",
    "MergeOrganisationsForm",
    "MultiCheckboxField",
    "NEW_PASSWORD_HELP",
    "ORG_ROLE_LABELS",
    "OrganisationForm",
    "PickerForm",
    "PubliccodeForm",
    "REQUIRED",
    "ROLE_LABELS",
    "RegisterForm",
    "ResetPasswordForm",
    "ResolveDisputeForm",
    "SOFTWARE_TYPES",
    "TokenForm",
    "TotpForm",
    "UserForm",
    "copy_errors",
    "handle_form",
    "has_control_characters",
    "lock_of",
    "options",
    "translate",
]
