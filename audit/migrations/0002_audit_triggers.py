"""On PostgreSQL the database itself refuses to change or delete audit rows,
whatever the entry point (security.md §10.2 Integrity).

The one exception is the retention rule (privacy/retention.py), which may remove
or anonymise old rows: the trigger refuses every UPDATE and DELETE, except inside
a transaction that has set `registry.audit_retention` to 'on' (set_config(...,
true)); even then only rows older than a year, and an UPDATE only to remove the
borrower's code and the staff account, keeping the date and the action. So an
application bug, or a stolen database login of the application, still cannot
rewrite recent history.

SQLite has no such trigger; the application's own checks are all it gets.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF current_setting('registry.audit_retention', true) = 'on'
       AND OLD.at < now() - interval '1 year' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        IF NEW.at = OLD.at AND NEW.action = OLD.action
           AND NEW.borrower_code IS NULL AND NEW.actor_id IS NULL THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    # Before the toolkit's first migration: its models point at the sign-in app's
    # swapped ones, and until those exist no migration can build historical models.
    run_before = [("oauth2_provider", "0001_initial")]
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
