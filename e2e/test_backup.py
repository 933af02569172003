"""The backup and restore procedure of docs/operations.md (pg_dump -Fc, pg_restore), tried on the
stack's database: borrowers, the audit log and queued mail survive the round trip."""

import subprocess

from e2e.conftest import REGISTRAR, ask_for_password_reset, log_in, mail_rows, wait_until
from e2e.stack import pg_bin

STAFF = "formedlare@stadsbibliotek.example"
#: table -> what must be the same after the round trip
TABLES = ["borrowers_borrower", "audit_auditevent", "notifications_outgoingmail"]


def fingerprint(stack, dbname):
    """Count and checksum of every row of each table."""
    return {
        table: stack.sql(
            f"SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t.id)) FROM {table} t",  # noqa: S608 (fixed names)
            dbname=dbname,
        )[0]
        for table in TABLES
    }


def test_backup_and_restore_keep_borrowers_audit_log_and_queued_mail(stack, smtp, new_page, proved):
    # A list a registrar opened is in the audit log …
    log_in(stack, new_page(), REGISTRAR).goto("/lantagare/lista/samtliga/")
    smtp.mode = "refuse"  # … and a mail waits in the queue while the backup is taken
    ask_for_password_reset(new_page(), STAFF)
    wait_until(lambda: smtp.refused, "a refused attempt")
    wait_until(lambda: mail_rows(stack, STAFF)[0][1] >= 1, "the attempt recorded")

    connection = ["-h", "127.0.0.1", "-p", str(stack.pg_port), "-U", "postgres"]
    dump = stack.tmp / "registry.dump"
    subprocess.run(
        [pg_bin("pg_dump"), *connection, "-Fc", "-f", str(dump), "registry_e2e"], check=True
    )
    before = fingerprint(stack, "registry_e2e")
    subprocess.run([pg_bin("createdb"), *connection, "registry_restored"], check=True)
    subprocess.run(
        [pg_bin("pg_restore"), *connection, "--no-owner", "-d", "registry_restored", str(dump)],
        check=True,
    )
    smtp.mode = "accept"

    assert all(count for count, _ in before.values()), before
    assert fingerprint(stack, "registry_restored") == before
    [(status, attempts, _)] = stack.sql(
        'SELECT status, attempts, last_error FROM notifications_outgoingmail WHERE "to" = %s',
        (STAFF,),
        dbname="registry_restored",
    )
    assert status == "queued" and attempts >= 1
    # Its retry is in the restored queue too: a worker there would send it.
    [(ready,)] = stack.sql(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status = 'READY'",
        dbname="registry_restored",
    )
    assert ready >= 1
    restored_url = stack.database_url.rsplit("/", 1)[0] + "/registry_restored"
    restored_env = {**stack.env, "DATABASE_URL": restored_url}
    check = subprocess.run(
        [*stack.manage_command, "migrate", "--check"], env=restored_env, cwd=stack.root
    )
    assert check.returncode == 0  # the restored database is complete for this code
    counts = {table: count for table, (count, _) in before.items()}
    proved(f"pg_dump -Fc / pg_restore round trip kept every row: {counts}, queued mail included")
