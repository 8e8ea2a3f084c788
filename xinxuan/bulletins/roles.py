from xinxuan.accounts.roles import Role

PERMISSIONS = {
    Role.OFFICE: ["bulletins.add_bulletin", "bulletins.view_bulletin"],
    Role.HEAD: ["bulletins.view_bulletin"],
    Role.LEADER: ["bulletins.view_bulletin"],
}
