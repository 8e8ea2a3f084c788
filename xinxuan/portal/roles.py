from xinxuan.accounts.roles import Role

PERMISSIONS = {
    Role.OFFICE: [
        "portal.add_sponsor",
        "portal.change_sponsor",
        "portal.delete_sponsor",
        "portal.view_sponsor",
        "portal.change_portalsettings",
    ],
}
