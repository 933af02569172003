from django.db import migrations

SERVICES = ["Laddare", "Strömmare", "TBK Talboken kommer"]

AGREEMENT = """MTM:s låneregler för Legimus

1. Kontot är personligt. Du får inte låta någon annan använda dina inloggningsuppgifter.
2. Talböckerna är framställda med stöd av 17 § upphovsrättslagen och får bara användas av dig, som har en läsnedsättning.
3. Du får inte kopiera, sprida eller dela talböckerna med någon annan.
4. Du ska hålla dig informerad om ändringar i lånereglerna. MTM meddelar ändringar på legimus.se.
5. Om reglerna inte följs kan kontot stängas av.

För en låntagare under 18 år godkänner vårdnadshavaren avtalet."""


def seed(apps, schema_editor):
    Service = apps.get_model("borrowers", "Service")
    for position, name in enumerate(SERVICES):
        Service.objects.get_or_create(name=name, defaults={"position": position, "published": True})
    AgreementText = apps.get_model("borrowers", "AgreementText")
    if not AgreementText.objects.exists():
        AgreementText.objects.create(text=AGREEMENT)


class Migration(migrations.Migration):
    dependencies = [("borrowers", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
