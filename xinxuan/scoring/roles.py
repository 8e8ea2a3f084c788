from xinxuan.accounts.roles import Role

PERMISSIONS = {
    Role.OFFICE: [f"scoring.{v}_ruleset" for v in ("add", "change", "view")],
    Role.HEAD: ["scoring.view_ruleset"],
    Role.OFFICER: ["scoring.view_ruleset"],
    Role.LEADER: ["scoring.view_ruleset"],
}
