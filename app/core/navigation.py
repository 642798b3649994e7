"""What each domain adds to the menu and to a person's home page, by role.

Core knows no domain: the festival (and, later, stalls, payments, cohorts) registers its own menu items and home
panels when its blueprint is imported, and the layout and the home page show those of the roles the user holds.
Registering the same endpoint or panel again replaces it, so importing a module twice adds nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup

from app.core.permissions import Role

PanelRenderer = Callable[[Any], str]  # the user → HTML (a rendered template fragment)


@dataclass(frozen=True)
class NavItem:
    roles: frozenset[Role]
    endpoint: str
    label: Any  # a lazy string, translated when shown
    order: int


@dataclass(frozen=True)
class HomePanel:
    roles: frozenset[Role]
    key: str
    render: PanelRenderer
    order: int


_nav_items: dict[str, NavItem] = {}
_home_panels: dict[str, HomePanel] = {}


def register_nav_item(roles: Iterable[Role], endpoint: str, label: Any, order: int = 100) -> None:
    """Show a link to `endpoint` in the menu of users holding any of `roles`."""
    _nav_items[endpoint] = NavItem(frozenset(roles), endpoint, label, order)


def register_home_panel(roles: Iterable[Role], template_or_callable: str | PanelRenderer, order: int = 100) -> None:
    """Add a section to the home page of users holding any of `roles`: a template (rendered with `user`) or a
    callable taking the user and returning HTML."""
    if isinstance(template_or_callable, str):
        template = template_or_callable

        def render(user: Any) -> str:
            return render_template(template, user=user)

        key = template
    else:
        render, key = template_or_callable, f"{template_or_callable.__module__}.{template_or_callable.__qualname__}"
    _home_panels[key] = HomePanel(frozenset(roles), key, render, order)


def _holds_any(user: Any, roles: frozenset[Role]) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*roles)


def nav_items_for(user: Any) -> list[NavItem]:
    """The menu items of the roles `user` holds (none for visitors), in order."""
    return sorted((item for item in _nav_items.values() if _holds_any(user, item.roles)),
                  key=lambda item: (item.order, item.endpoint))


def home_panels_for(user: Any, only: Role | None = None) -> list[Markup]:
    """The rendered home panels of the roles `user` holds (of `only` that role, if given), in order."""
    wanted = [panel for panel in _home_panels.values() if _holds_any(user, panel.roles)
              and (only is None or only in panel.roles)]
    return [Markup(panel.render(user)) for panel in sorted(wanted, key=lambda panel: (panel.order, panel.key))]  # noqa: S704 (our own rendered templates)


# What an applicant does next with an application, offered by the domains that take over after the festival's
# decision (stalls: "choose your stall"). A provider takes (user, application) and returns (label, url) or None;
# the festival's status page and home panel show what they return, without naming any other domain.
NextStep = tuple[Any, str]
NextStepProvider = Callable[[Any, Any], NextStep | None]
_next_step_providers: dict[str, NextStepProvider] = {}


def register_next_step(provider: NextStepProvider) -> None:
    """Offer `provider`'s next step on the festival's pages (registering the same function again replaces it)."""
    _next_step_providers[f"{provider.__module__}.{provider.__qualname__}"] = provider


def next_steps_for(user: Any, application: Any) -> list[NextStep]:
    """The next steps the registered providers offer for `application`, as (label, url) pairs."""
    steps = (provider(user, application) for _key, provider in sorted(_next_step_providers.items()))
    return [step for step in steps if step is not None]
