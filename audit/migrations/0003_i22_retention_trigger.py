"""The retention rule (privacy/retention.py) may remove or anonymise old audit rows.

The trigger of 0002 still refuses every UPDATE and DELETE, except inside a
transaction that has set `registry.audit_retention` to 'on' (set_config(...,
true)); even then only rows older than a year, and an UPDATE only to remove the
borrower's code and the staff account, keeping the date and the action. So an
application bug, or a stolen database login of the application, still cannot
rewrite recent history.
"""

from django.db import migrations

RETENTION = """
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
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The audit log is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RETENTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
