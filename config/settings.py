"""Settings, read from the environment (see docs/operations.md, "Settings").

Development defaults are safe to run on a laptop. Production (DJANGO_DEBUG=false)
fails closed: without SECRET_KEY or ALLOWED_HOSTS the process refuses to start.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY",
        default="development-only-secret-key-never-use-in-production-0123456789abcdef",
    )
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as missing:
        raise ImproperlyConfigured(
            f"Production settings (DJANGO_DEBUG=false) need SECRET_KEY and ALLOWED_HOSTS: {missing}"
        ) from missing
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty.")

# Used in mails: links must never be built from the request's Host header.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "bootstrap",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # Before django_tasks_db: its db_worker command shadows the library's (stale-mail recovery).
    "notifications",
    "django_tasks",
    "django_tasks_db",
    "core",
    "accounts",
    "libraries",
    "borrowers",
    "transfers",
    "audit",
    "selfservice",
    "oauth2_provider",
    "signin",  # after oauth2_provider: its admin replaces the toolkit's
    "applications",
    "privacy",
    "stats",
    "portal",  # the top layer: start page, health, the composed admin, demo data
    "imports",  # import_register, send_invitations: bringing the old register in
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before anything reads a parameter: unencodable text, other charsets, deep JSON.
    "core.edge.RefuseUnreadableInputMiddleware",
    # Inside CSPMiddleware: widens form-action on a login that signs in to a service.
    "signin.middleware.SignInFormActionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Swedish everywhere but the borrower's own pages (selfservice/language.py).
    "selfservice.language.BorrowerLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.VerifiedSessionMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    "core.middleware.NoStoreForPersonalDataMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]
# Forms render through django-crispy-forms with the project's own template pack,
# core/templates/core/ (docs/architecture.md, How to write a form): errors above
# the input, hint and error tied to it, fieldsets with legends, no asterisks.
CRISPY_ALLOWED_TEMPLATE_PACKS = ("core",)
CRISPY_TEMPLATE_PACK = "core"
# A field named in a layout that the form lacks is an error, not a silent gap.
CRISPY_FAIL_SILENTLY = False
# Widgets find our override of templates/django/forms/widgets/multiple_input.html.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# QuerySet.iterator() (every ModelChoiceField's choices) would otherwise open a
# server-side cursor on PostgreSQL: DECLARE, FETCH and CLOSE round trips, and WITH HOLD
# materialising the rows, for a handful of libraries or services per select on every
# form page. The few large iterations batch by primary key themselves.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, mail worker) share the file: wait for locks rather than fail.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.StaffUser"
# The login e-mail is unique through a case-insensitive constraint (Lower("email")),
# which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend, reading the library with the user (accounts/backends.py).
    "accounts.backends.StaffBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    # Hashes brought in from the old register (core/hashers.py, docs/import.md):
    # checked at login, then re-hashed with Argon2.
    "core.hashers.LegacyBCryptPasswordHasher",
    "core.hashers.Argon2WrappedSSHAPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Tvåstegsverifiering (accounts/mfa.py): always for MTM staff; for library staff
# when STAFF_MFA_REQUIRED, on by default in production.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "MTM:s användarregister"
# Passkeys (django-otp-webauthn) as the second factor, never instead of the password.
# The relying party is SITE_URL's host, which must be a domain name (browsers refuse
# an IP address): in development passkeys work at http://localhost:8000.
_PASSKEY_ORIGIN = SITE_URL.replace("://127.0.0.1", "://localhost")
OTP_WEBAUTHN_RP_NAME = "MTM:s användarregister"
OTP_WEBAUTHN_RP_ID = urlsplit(_PASSKEY_ORIGIN).hostname
OTP_WEBAUTHN_ALLOWED_ORIGINS = [_PASSKEY_ORIGIN]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "accounts:login"
# Staff reset links and set-password links are short-lived and single use.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Sessions: the idle timeout slides with the requests and SessionLifetimeMiddleware
# adds the absolute limit (security.md §6). The middleware saves the session (moves
# its expiry) once this fraction of the idle limit has passed since the last save,
# not on every request (an UPDATE per page otherwise; docs/performance.md).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_FRACTION = 1 / 20
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes with three limits on the normalised e-mail (accounts/throttle.py,
# docs/security.md "Login throttling"): per account and address, per account across
# addresses, per address across accounts. Each lifts by itself after the cool-off
# (never a permanent lock).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=8)
AXES_ACCOUNT_FAILURE_LIMIT = env.int("AXES_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=100)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_HANDLER = "accounts.throttle.StaffLoginHandler"
AXES_USERNAME_CALLABLE = "accounts.throttle.username"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Masked in what axes stores of a failed attempt's form (a wrong current password on
# Mina uppgifter counts toward the lock too): every password field, whatever its prefix.
AXES_SENSITIVE_PARAMETERS = [
    "password-old_password",
    "password-new_password1",
    "password-new_password2",
    "email-password",
]
# Behind the proxies, the client address is the hop the outermost proxy appended.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.identity.client_address"

LANGUAGE_CODE = "sv"
# The borrower's languages (docs/languages.md): each one a catalogue in locale/ and
# agreement texts in the admin. Staff pages and the admin are always LANGUAGE_CODE.
LANGUAGES = [
    ("sv", "Svenska"),
    ("en", "English"),
]
# The source files whose strings a borrower reads (Mina sidor, the set-password pages,
# borrower mail, the register extract): every language of LANGUAGES translates them
# (manage.py catalog --locale en --missing; tests/core/test_translations.py).
BORROWER_FACING_SOURCES = [
    "templates/base.html",
    "templates/400.html",
    "templates/403.html",
    "templates/403_csrf.html",
    "templates/404.html",
    "templates/500.html",
    "templates/partials/error_summary.html",
    "templates/partials/messages.html",
    "templates/partials/language_switch.html",
    "templates/django/forms/",
    "core/templates/core/",
    "core/templatetags/",
    "core/forms.py",
    "templates/selfservice/",
    "templates/privacy/_extract.html",
    "templates/libraries/_search_pagination.html",
    "templates/borrowers/register/choose_password",
    "templates/borrowers/register/password_chosen.html",
    "templates/mail/_base.html",
    "templates/mail/borrower_",
    "templates/mail/expiry_reminder.",
    "templates/mail/import_invitation.",
    "templates/mail/transfer_",
    "selfservice/",
    "privacy/extract.py",
    "privacy/views.py",
    "borrowers/contact.py",
    "borrowers/identity.py",
    "borrowers/forms/language.py",
    "borrowers/forms/register.py",
    "libraries/forms.py",
    "transfers/models.py",
    "notifications/models.py",
    "audit/models.py",
]
# Remembers the choice of a borrower who is not logged in (selfservice/language.py).
LANGUAGE_COOKIE_NAME = "language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# Dates are always ÅÅÅÅ-MM-DD, whatever the locale's own habit.
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y %m %d", "%Y.%m.%d"]
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Mail: EMAIL_URL in django-environ's format, e.g. smtp://127.0.0.1:1025 (Mailpit)
# or smtp+tls://user:password@mail.example.se:587.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="smtp://127.0.0.1:1025")
vars().update(EMAIL_CONFIG)
# Seconds per SMTP step (connect, each command, the data): a stalled server cannot
# hold a mail for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The display name is quoted: the colon in "MTM:s" is not allowed unquoted, and an
# SMTP server would never get the mail (Django refuses the address before sending).
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default='"MTM:s användarregister" <noreply@mtm.example>'
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Mail is queued in the database inside the transaction that causes it and sent
# by `manage.py db_worker` (notifications app).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=8)
MAIL_RETRY_BASE_SECONDS = env.int("MAIL_RETRY_BASE_SECONDS", default=60)
# Mail waiting longer than this makes mail_queue_status fail and /healthz say "late".
MAIL_QUEUE_MAX_AGE_MINUTES = env.int("MAIL_QUEUE_MAX_AGE_MINUTES", default=30)
# A worker's claim on a mail is a lease: a mail claimed longer ago than this by a
# worker that died is sent by the next (notifications/recovery.py). Longer than a
# whole SMTP conversation (about eight steps of EMAIL_TIMEOUT each).
MAIL_LEASE_SECONDS = env.int("MAIL_LEASE_SECONDS", default=max(300, 10 * EMAIL_TIMEOUT))

# Retention of personal data (privacy app, `manage.py apply_retention`, docs/privacy.md).
# An account whose validity ended more than RETENTION_EXPIRED_MONTHS ago is deleted,
# after its library's registrars (MTM for a protected identity) have seen it listed
# for RETENTION_WARNING_DAYS days.
RETENTION_EXPIRED_MONTHS = env.int("RETENTION_EXPIRED_MONTHS", default=24)
RETENTION_WARNING_DAYS = env.int("RETENTION_WARNING_DAYS", default=30)
# Audit events older than this go; a borrower's created/deleted events stay, anonymised.
RETENTION_AUDIT_YEARS = env.int("RETENTION_AUDIT_YEARS", default=5)
# Outgoing mail rows: sent or cancelled ones after RETENTION_MAIL_DAYS, failed ones after
# RETENTION_FAILED_MAIL_DAYS.
RETENTION_MAIL_DAYS = env.int("RETENTION_MAIL_DAYS", default=90)
RETENTION_FAILED_MAIL_DAYS = env.int("RETENTION_FAILED_MAIL_DAYS", default=365)

# Identity-number searches per staff member and clock hour before more are refused
# (borrowers.search.refuse_unusual_search_volume).
SEARCH_LIMIT_PER_HOUR = env.int("SEARCH_LIMIT_PER_HOUR", default=200)

# Where MTM is told at once when a registrar types a protected identity's number or
# e-mail address (borrowers.lookups); empty: only the notice on the admin's start page.
SECURITY_ALERT_EMAIL = env("SECURITY_ALERT_EMAIL", default="")

# Keyed hashes of identity numbers in the audit log (search terms) use their own key.
AUDIT_HASH_KEY = env("AUDIT_HASH_KEY", default=SECRET_KEY)

# Sign in with the registry: the OpenID Connect provider (signin app, docs/oidc.md).
# The signing key: OIDC_RSA_PRIVATE_KEY (PEM). OIDC_RSA_INACTIVE_KEYS (PEMs, one after the
# other) are published in the JWKS but never sign: the next key before it takes over, and
# the previous one until the tokens it signed have expired (docs/oidc.md, Key roll-over).
# In development a key is made once into OIDC_DEV_KEY_FILE (outside git); in production
# there is none unless the environment gives it, and without one the provider is off.
OIDC_DEV_KEY_FILE = BASE_DIR / ".oidc-dev-key.pem"


def _oidc_keys() -> tuple[str, list[str]]:
    import re

    current = env("OIDC_RSA_PRIVATE_KEY", default="").replace("\\n", "\n").strip()
    inactive = env("OIDC_RSA_INACTIVE_KEYS", default="").replace("\\n", "\n")
    pems = re.findall(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----", inactive, re.S
    )
    if not current and DEBUG:
        from core.oidc_keys import development_key

        current = development_key(OIDC_DEV_KEY_FILE)
    return current, pems


OIDC_RSA_PRIVATE_KEY, OIDC_RSA_INACTIVE_KEYS = _oidc_keys()
OIDC_ENABLED = bool(OIDC_RSA_PRIVATE_KEY)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_GRANT_MODEL = "signin.Grant"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "signin.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "signin.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "signin.IDToken"  # noqa: S105
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": OIDC_ENABLED,
    "OIDC_RSA_PRIVATE_KEY": OIDC_RSA_PRIVATE_KEY,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": OIDC_RSA_INACTIVE_KEYS,
    # The issuer is the site's public address, never derived from a Host header.
    "OIDC_ISS_ENDPOINT": SITE_URL,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "OAUTH2_VALIDATOR_CLASS": "signin.validators.BorrowerValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "E-mail address",
        "registry": "Registry details",
    },
    "DEFAULT_SCOPES": ["openid"],
    # PKCE with S256 for every client; "plain" is refused.
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    # Access and refresh tokens are kept only as SHA-256 digests.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"] if DEBUG else ["https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ACCESS_TOKEN_SECONDS", default=5 * 60),
    "ID_TOKEN_EXPIRE_SECONDS": env.int("OIDC_ID_TOKEN_SECONDS", default=5 * 60),
    # A refresh token lives at most this long after its access token expired; each use
    # rotates it, and a used one presented again ends its whole family.
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OIDC_REFRESH_TOKEN_SECONDS", default=12 * 60 * 60),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REQUEST_APPROVAL_PROMPT": "force",
}

# Content security policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page may use (core.middleware.PermissionsPolicyMiddleware);
# passkeys (WebAuthn) only from this site.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "hid": [],
    "browsing-topics": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = env.list(
        "CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS]
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "core.logging.RedactIdentityNumbers"},
        "redact_server": {"()": "core.logging.RedactServerRequestLines"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        # runserver's request lines, redacted too (a reset link's token, an unread
        # body read as the next request line).
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_server", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Never at DEBUG, whatever LOG_LEVEL says: at DEBUG these write the template
        # context (borrowers' names) and SQL parameters (identity numbers, e-mail).
        "django.template": {"level": "INFO"},
        "django.db.backends": {"level": "INFO"},
    },
}
