from xinxuan.accounts.roles import Role

MODELS = ("unit", "unitclass", "person", "team", "teammembership", "unittarget", "membertarget")

PERMISSIONS = {
    Role.OFFICE: [
        *(
            f"organisation.{verb}_{model}"
            for model in MODELS
            for verb in ("add", "change", "delete", "view")
        ),
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
    ],
    Role.HEAD: [f"organisation.view_{model}" for model in MODELS],
    Role.OFFICER: [f"organisation.view_{model}" for model in MODELS],
    Role.LEADER: [f"organisation.view_{model}" for model in MODELS],
}
