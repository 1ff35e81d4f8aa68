"""``flask --app app catalogue create-user``: make an account from the shell (the first admin)."""

from __future__ import annotations

import click
from sqlalchemy import select

from catalogue.cli.common import catalogue_cli, database
from catalogue.errors import ValidationError
from catalogue.models import TOTP_ROLES, Organisation, Role
from catalogue.services import accounts


@catalogue_cli.command("create-user")
@click.option("--email", prompt="E-mail address", help="The account's e-mail address.")
@click.option(
    "--organisation",
    prompt="Organisation (slug or CBS code, e.g. GM0363)",
    help="The organisation the account belongs to, by slug or CBS code.",
)
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.MAINTAINER.value,
    show_default=True,
    help="maintainer, reviewer or admin.",
)
@click.password_option(
    "--password", prompt="Password", help="At least 12 characters; prompted (hidden) when left out."
)
def create_user_command(email: str, organisation: str, role: str, password: str) -> None:
    """Create an account. Reviewers and admins set up two-factor login at their first login."""
    with database().session() as session:
        reference = organisation.strip()
        column = Organisation.cbs_code if reference.upper().startswith("GM") else Organisation.slug
        value = reference.upper() if column is Organisation.cbs_code else reference
        found = session.scalar(select(Organisation).where(column == value))
        if found is None:
            raise click.ClickException(
                f"no organisation {organisation!r} (use its slug or CBS code)"
            )
        try:
            user = accounts.register(
                session,
                email=email,
                password=password,
                organisation_id=found.id,
                role=role,
                trusted=True,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {', '.join(messages)}" for field, messages in error.errors.items()
            )
            raise click.ClickException(problems) from error
        click.echo(f"Created {user.role} {user.email} ({found.name}).")
        if user.role in TOTP_ROLES:
            click.echo(
                "Two-factor login is required: set it up with an authenticator app at the first login."
            )
