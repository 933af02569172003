"""The services MTM publishes from the start, and the first agreement text.

Used by the data migration (with historical models) and by tests that empty the
database (with the real ones)."""

SERVICES = ["Laddare", "Strömmare", "TBK Talboken kommer"]

AGREEMENT = """MTM:s låneregler för Legimus

1. Kontot är personligt. Du får inte låta någon annan använda dina inloggningsuppgifter.
2. Talböckerna är framställda med stöd av 17 § upphovsrättslagen och får bara användas av dig, som har en läsnedsättning.
3. Du får inte kopiera, sprida eller dela talböckerna med någon annan.
4. Du ska hålla dig informerad om ändringar i lånereglerna. MTM meddelar ändringar på legimus.se.
5. Om reglerna inte följs kan kontot stängas av.

För en låntagare under 18 år godkänner vårdnadshavaren avtalet."""


def seed_services(Service, AgreementText) -> None:
    for position, name in enumerate(SERVICES):
        Service.objects.get_or_create(name=name, defaults={"position": position, "published": True})
    if not AgreementText.objects.exists():
        AgreementText.objects.create(text=AGREEMENT)
