"""A user's API token is deleted when their password changes or they are deactivated, on
PostgreSQL, whatever makes the change (a service, the admin, a shell, raw SQL). SQLite, the
demo default, has no trigger: there the token stays until its owner revokes it."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_revoke_tokens_of_changed_user() RETURNS trigger AS $$
BEGIN
  IF NEW.password IS DISTINCT FROM OLD.password OR (OLD.is_active AND NOT NEW.is_active) THEN
    DELETE FROM authtoken_token WHERE user_id = NEW.id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_user_revoke_tokens AFTER UPDATE OF password, is_active ON coding_user
  FOR EACH ROW EXECUTE FUNCTION athar_revoke_tokens_of_changed_user();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_user_revoke_tokens ON coding_user;
DROP FUNCTION IF EXISTS athar_revoke_tokens_of_changed_user();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0008_gold_event_memo"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
