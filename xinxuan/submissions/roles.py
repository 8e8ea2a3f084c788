from xinxuan.accounts.roles import Role

WRITE = ("add", "change", "view")
ALL = ("add", "change", "delete", "view")

PERMISSIONS = {
    Role.OFFICE: [
        *(f"submissions.{v}_item" for v in ALL),
        *(f"submissions.{v}_commission" for v in ALL),
        *(f"submissions.{v}_itemkind" for v in ALL),
        *(f"submissions.{v}_topic" for v in ALL),
    ],
    Role.HEAD: [*(f"submissions.{v}_item" for v in WRITE), "submissions.view_commission"],
    Role.OFFICER: [*(f"submissions.{v}_item" for v in WRITE), "submissions.view_commission"],
    Role.LEADER: ["submissions.view_item", "submissions.view_commission"],
}
