"""A realistic file of the old register for the import bench (make bench-import):
every kind of account, Skatteverket-valid numbers (benchmarks/seed.py's generator),
history (registration days over 15 years, last logins), old password hashes, and a
share of dirty rows the import must refuse (a wrong check digit, an unknown sigel,
an e-mail twice, a kind that contradicts the number)."""

import base64
import csv
import hashlib
import random
from datetime import date, timedelta

from imports.reading import BORROWER_COLUMNS

from .seed import _email_local, _Generator

#: One bcrypt hash for all rows that have one: the import keeps it as it is.
BCRYPT = "$2y$10$" + "abcdefghijklmnopqrstuv" + "wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0"
DIRTY = 0.02


def _ssha(rng) -> str:
    salt = rng.randbytes(8)
    digest = hashlib.sha1(rng.randbytes(8) + salt).digest()  # noqa: S324 - the old system's
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def write(path, *, rows: int, sigels: list[str], today: date, seed: int = 2024) -> int:
    """Write `rows` borrower rows; returns how many are dirty."""
    rng = random.Random(seed)
    generator = _Generator(rng, today)
    dirty = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(BORROWER_COLUMNS)
        for index in range(rows):
            roll = rng.random()
            registered = today - timedelta(days=rng.randint(0, 15 * 365))
            row = {
                "Förnamn": generator.first_name(),
                "Efternamn": generator.last_name(),
                "Bibliotek": sigels[index % len(sigels)],
                "Registrerad": registered.isoformat(),
                "Användargrupper": rng.choice(["Laddare", "Strömmare", "Laddare,Strömmare", ""]),
            }
            if rng.random() < 0.6:
                row["Senast inloggad"] = (today - timedelta(days=rng.randint(0, 900))).isoformat()
            if roll < 0.80:
                _born, number = generator.personnummer_adult()
                row.update({"Kontotyp": "vuxen", "Person-/Samordningsnummer": number})
            elif roll < 0.88:
                born, number = generator.personnummer_minor()
                registered = max(registered, born + timedelta(days=1))
                row.update(
                    {
                        "Kontotyp": "under 18",
                        "Person-/Samordningsnummer": number,
                        "Registrerad": registered.isoformat(),
                        "Vårdnadshavarens födelsedatum": "1980-05-17",
                    }
                )
            elif roll < 0.93:
                _born, number = generator.samordningsnummer()
                row.update(
                    {
                        "Kontotyp": "vuxen",
                        "Person-/Samordningsnummer": number,
                        "Giltighetstid t.o.m.": (
                            today + timedelta(days=rng.randint(-400, 360))
                        ).isoformat(),
                    }
                )
            else:
                minor = roll > 0.985
                row.update(
                    {
                        "Kontotyp": "under 18 med LMA-kort" if minor else "vuxen med LMA-kort",
                        "LMA-nummer": generator.lma(),
                        "LMA-kortets giltighetstid": (
                            today + timedelta(days=rng.randint(-200, 700))
                        ).isoformat(),
                    }
                )
                if minor:
                    row["Vårdnadshavarens födelsedatum"] = "1979-02-03"
                    row["Vårdnadshavarens namn"] = "Vera Vårdnadshavare"
            row["E-post"] = (
                f"{_email_local(row['Förnamn'], row['Efternamn'])}.{index}@{generator.domain()}"
            )
            hashes = rng.random()
            if hashes < 0.5:
                row["Lösenordshash"] = BCRYPT
            elif hashes < 0.51:
                row["Lösenordshash"] = _ssha(rng)
            if rng.random() < DIRTY:
                dirty += 1
                spoil = rng.randrange(3)
                if spoil == 0 and row.get("Person-/Samordningsnummer"):
                    number = row["Person-/Samordningsnummer"]
                    row["Person-/Samordningsnummer"] = number[:-1] + str((int(number[-1]) + 1) % 10)
                elif spoil == 1:
                    row["Bibliotek"] = "Okänt"
                else:
                    row["E-post"] = "inte-en-adress"
            writer.writerow([row.get(column, "") for column in BORROWER_COLUMNS])
    return dirty
