from django.db.models.signals import pre_delete
from django.dispatch import receiver

from audit.models import Action, AuditEvent
from borrowers.models import Borrower

from .models import Subject


@receiver(pre_delete, sender=Borrower, dispatch_uid="signin_subject_carries_over")
def subject_carries_over(sender, instance, **kwargs):
    """An LMA account replaced by one with a personal identity number
    (Borrower.replace_with_personnummer): the person keeps their `sub`, so services
    know them again. Their grants and tokens still go with the old account."""
    subject = Subject.objects.filter(borrower=instance).first()
    if subject is None:
        return
    created = (
        AuditEvent.objects.filter(action=Action.CREATED, detail__replaces=str(instance.code))
        .values_list("borrower_code", flat=True)
        .first()
    )
    successor = Borrower.objects.filter(code=created).first() if created else None
    if successor is not None and not Subject.objects.filter(borrower=successor).exists():
        Subject.objects.filter(pk=subject.pk).update(borrower=successor)
