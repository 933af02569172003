"""The services MTM publishes from the start, and the first agreement texts.

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


AGREEMENT_MINOR = """MTM:s låneregler för Legimus, för låntagare under 18 år

Du som är vårdnadshavare godkänner avtalet för barnet.

1. Kontot är personligt. Barnet får inte låta någon annan använda inloggningsuppgifterna.
2. Talböckerna är framställda med stöd av 17 § upphovsrättslagen och får bara användas av barnet, som har en läsnedsättning.
3. Talböckerna får inte kopieras, spridas eller delas med någon annan.
4. Håll dig informerad om ändringar i lånereglerna. MTM meddelar ändringar på legimus.se.
5. Om reglerna inte följs kan kontot stängas av.

När barnet fyller 18 år gäller avtalet barnet självt."""

AGREEMENT_EN = """MTM's lending rules for Legimus

1. The account is personal. Do not let anyone else use your login details.
2. The talking books are made under section 17 of the Swedish Copyright Act. Only you may use them, because you have a reading disability.
3. Do not copy, spread or share the talking books with anyone.
4. Keep yourself informed about changes to the lending rules. MTM tells you about changes on legimus.se.
5. If the rules are not followed, the account can be closed.

For a borrower under 18, the guardian accepts the agreement."""

AGREEMENT_MINOR_EN = """MTM's lending rules for Legimus, for borrowers under 18

You are the guardian. You accept the agreement for the child.

1. The account is personal. The child must not let anyone else use the login details.
2. The talking books are made under section 17 of the Swedish Copyright Act. Only the child may use them, because the child has a reading disability.
3. Do not copy, spread or share the talking books with anyone.
4. Keep yourself informed about changes to the lending rules. MTM tells you about changes on legimus.se.
5. If the rules are not followed, the account can be closed.

When the child turns 18, the agreement is the child's own."""

#: (language, audience) -> the first text; a language added later gets its texts in
#: the admin (docs/languages.md).
AGREEMENTS = {
    ("sv", "adult"): AGREEMENT,
    ("sv", "minor"): AGREEMENT_MINOR,
    ("en", "adult"): AGREEMENT_EN,
    ("en", "minor"): AGREEMENT_MINOR_EN,
}


def seed_agreement_texts(AgreementText) -> None:
    """A text for each language and audience that has none yet."""
    for (language, audience), text in AGREEMENTS.items():
        if not AgreementText.objects.filter(language=language, audience=audience).exists():
            AgreementText.objects.create(language=language, audience=audience, text=text)
