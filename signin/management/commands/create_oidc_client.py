"""manage.py create_oidc_client NAME --redirect-uri URI [--public] [--first-party]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.generators import generate_client_secret

from signin.models import Client


class Command(BaseCommand):
    help = (
        "Register a service that signs borrowers in with OpenID Connect. Prints "
        "client_id=… and, for a confidential client, client_secret=… (shown this once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--post-logout-redirect-uri", action="append", default=[])
        parser.add_argument("--public", action="store_true", help="An app without a secret.")
        parser.add_argument(
            "--first-party", action="store_true", help="MTM's own service: no consent page."
        )

    def handle(
        self, *args, name, redirect_uris, post_logout_redirect_uri, public, first_party, **options
    ):
        secret = "" if public else generate_client_secret()
        client = Client(
            name=name,
            redirect_uris="\n".join(redirect_uris),
            post_logout_redirect_uris="\n".join(post_logout_redirect_uri),
            client_type=Client.CLIENT_PUBLIC if public else Client.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Client.GRANT_AUTHORIZATION_CODE,
            algorithm=Client.RS256_ALGORITHM,
            skip_authorization=first_party,
            client_secret=secret,
        )
        try:
            client.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        client.save()
        self.stdout.write(f"client_id={client.client_id}")
        if secret:
            self.stdout.write(f"client_secret={secret}")
