"""The event's own remark is `memo`, no longer `notes`: a codebook field may be keyed `notes`
(ACLED has one), and the two collided in the coding form, side by side and the conflict
dialog. A rename: no data changes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("coding", "0007_export_csv_rows")]

    operations = [
        migrations.RenameField(model_name="codedevent", old_name="notes", new_name="memo"),
        migrations.AlterField(
            model_name="codedevent",
            name="memo",
            field=models.TextField(
                blank=True,
                help_text="The coder's (or supervisor's) own remark on the event; not a "
                "codebook field, never exported. Was `notes` (a codebook may have a field "
                "keyed notes).",
            ),
        ),
    ]
