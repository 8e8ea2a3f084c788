from xinxuan.accounts.roles import Role

MODELS = ("level", "carrier", "superiorbody", "route", "outcome")

PERMISSIONS = {
    Role.OFFICE: [
        f"outcomes.{verb}_{model}"
        for model in MODELS
        for verb in ("add", "change", "delete", "view")
    ],
    Role.HEAD: ["outcomes.view_outcome", "outcomes.view_carrier"],
    Role.OFFICER: ["outcomes.view_outcome", "outcomes.view_carrier"],
    Role.LEADER: ["outcomes.view_outcome", "outcomes.view_carrier"],
}
