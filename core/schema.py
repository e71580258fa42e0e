from drf_spectacular.openapi import AutoSchema


class GalDashAutoSchema(AutoSchema):
    """Operation ids that tell a collection (`..._list`) from one of its items (`..._retrieve`)."""

    def get_operation_id(self):
        operation_id = super().get_operation_id()
        if self.method == "GET" and not self.path.rstrip("/").endswith("}") and operation_id.endswith(
            "_retrieve"
        ):
            return operation_id.removesuffix("_retrieve") + "_list"
        return operation_id
