"""Create the bench's PostgreSQL database if it is missing (make bench).

    python -m benchmarks.createdb postgres://postgres@127.0.0.1:5432/registry_bench

Connects to the server's `postgres` database with the same credentials. Needs no
Django settings, so it runs before the first migrate.
"""

import sys
from urllib.parse import unquote, urlparse

import psycopg
from psycopg import sql


def main(url: str) -> None:
    parts = urlparse(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {parts.scheme}://…")
    name = unquote(parts.path.lstrip("/"))
    params = {
        "host": parts.hostname or "localhost",
        "port": parts.port or 5432,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v != ""}) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            print(f"Database {name} exists.")
            return
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}.")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
