from xinxuan.accounts.roles import Role

_MODELS = ("comment", "commentreport", "lexiconcategory", "lexiconword", "whitelistword")

PERMISSIONS = {
    # The office moderates the portal and keeps its lists (PRODUCT.md, "Who uses it").
    Role.OFFICE: [
        *(f"comments.{verb}_{model}" for model in _MODELS for verb in ("view", "change")),
        *(f"comments.{verb}_{model}" for model in _MODELS[2:] for verb in ("add", "delete")),
        "comments.view_channelcommentpolicy",
        "comments.add_channelcommentpolicy",
        "comments.change_channelcommentpolicy",
        "comments.view_readerstanding",
        "comments.change_readerstanding",
    ],
}
