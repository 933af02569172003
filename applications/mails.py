"""What the application mails say, built at delivery from the stored application id.

Approving an account application sends the accounts app's STAFF_WELCOME mail
(the set-password link); these are the other decisions.
"""

from notifications.mail import mail_context
from notifications.models import MailKind

from .models import AccountApplication, BranchApplication, StudentApplication


@mail_context(MailKind.ACCOUNT_APPLICATION_REJECTED)
def account_application(context: dict) -> dict | None:
    application = (
        AccountApplication.objects.select_related("library")
        .filter(pk=context["application"])
        .first()
    )
    if application is None:
        return None
    return {"application": application, "library": application.library}


@mail_context(MailKind.BRANCH_APPLICATION_APPROVED)
@mail_context(MailKind.BRANCH_APPLICATION_REJECTED)
def branch_application(context: dict) -> dict | None:
    application = (
        BranchApplication.objects.select_related("library", "applied_by", "branch")
        .filter(pk=context["application"])
        .first()
    )
    if application is None:
        return None
    return {
        "application": application,
        "library": application.library,
        "branch": application.branch,
        "user": application.applied_by,
    }


@mail_context(MailKind.STUDENT_APPLICATION_APPROVED)
@mail_context(MailKind.STUDENT_APPLICATION_REJECTED)
def student_application(context: dict) -> dict | None:
    application = (
        StudentApplication.objects.select_related("library", "applied_by", "borrower")
        .filter(pk=context["application"])
        .first()
    )
    if application is None:
        return None
    return {
        "application": application,
        "library": application.library,
        "user": application.applied_by,
        "borrower": application.borrower,
    }
