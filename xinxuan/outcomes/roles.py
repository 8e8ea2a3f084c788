from xinxuan.accounts.roles import Role

MODELS = ("level", "carrier", "superiorbody", "route")

PERMISSIONS = {
    Role.OFFICE: [
        *(
            f"outcomes.{verb}_{model}"
            for model in MODELS
            for verb in ("add", "change", "delete", "view")
        ),
        # An outcome is never deleted: it leaves the count by ``revoke_outcome``, with
        # its reason, and stays in the ledger.
        *(f"outcomes.{verb}_outcome" for verb in ("add", "change", "view")),
    ],
    Role.HEAD: ["outcomes.view_outcome", "outcomes.view_carrier"],
    Role.OFFICER: ["outcomes.view_outcome", "outcomes.view_carrier"],
    Role.LEADER: ["outcomes.view_outcome", "outcomes.view_carrier"],
}
