from rest_framework import serializers

from coding.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    # Entries written by the system (imports, balancing, releases) have no actor: null.
    actor = serializers.CharField(
        source="actor.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "action", "actor", "target_type", "target_id", "data"]
        read_only_fields = fields
