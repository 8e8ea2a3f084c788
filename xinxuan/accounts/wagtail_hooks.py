from wagtail import hooks

from xinxuan.accounts.viewsets import BULK_ACTIONS

# A higher order than Wagtail's own registrations (0): the registry keeps the last class
# registered for an action type, so ours replace Wagtail's user bulk actions.
for action_class in BULK_ACTIONS:
    hooks.register("register_bulk_action", action_class, order=100)
