"""Every screen of the console, registered in one place.

`create_appbuilder` builds FAB inside the factory (a module-level AppBuilder
would serve 404 to a second app), then adds the generated screens in menu
order, their REST APIs, and the hand-written pages (dashboard, profile).
"""

from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_appbuilder.menu import Menu

from console.api import build_api
from console.build import build_view
from console.declare import MenuGroup
from console.introspect import screen_of
from extensions import db
from models import SCREEN_MODELS


def screen_mixins() -> dict[type, tuple[tuple[type, ...], tuple[type, ...]]]:
    """Model → (view mixins, API mixins) for screens with behaviour beyond CRUD."""
    from models import AuditLog, Case, Criticism, Evaluation, GuideCard, Notification, SavedFilter, Supervision
    from views.audit import AuditLogMixin
    from views.case_api import CaseApiMixin
    from views.case_notices import CaseNoticesMixin
    from views.cases import CaseWorkflowMixin
    from views.evaluations import CriticismMixin, EvaluationApiMixin, EvaluationMixin, SupervisionMixin
    from views.guide_cards import GuideCardMixin
    from views.kpi_drill import KpiDrillMixin
    from views.notifications import NotificationMixin
    from views.saved_filters import SavedFilterScreenMixin
    from views.work_orders import CaseImportMixin

    return {
        Case: ((KpiDrillMixin, CaseWorkflowMixin, CaseNoticesMixin, CaseImportMixin), (CaseApiMixin,)),
        Notification: ((NotificationMixin,), ()),
        Evaluation: ((EvaluationMixin,), (EvaluationApiMixin,)),
        Criticism: ((CriticismMixin,), ()),
        Supervision: ((SupervisionMixin,), ()),
        SavedFilter: ((SavedFilterScreenMixin,), ()),
        AuditLog: ((AuditLogMixin,), ()),
        GuideCard: ((GuideCardMixin,), ()),
    }


def ordered_screens() -> list[type]:
    """Screen models grouped by menu, then by their declared order."""
    groups = [*MenuGroup, None]
    return sorted(SCREEN_MODELS, key=lambda m: (groups.index(screen_of(m).menu), screen_of(m).menu_order))


def _menu() -> Menu:
    menu = Menu(reverse=False)
    for group in MenuGroup:
        menu.add_category(group.name, icon=group.icon, label=group.label)
    return menu


def register_screens(appbuilder: AppBuilder, models: list[type]) -> None:
    """Add the generated view and API of each model (and its menu entry)."""
    mixins = screen_mixins()
    for model in models:
        screen = screen_of(model)
        view_mixins, api_mixins = mixins.get(model, ((), ()))
        view = build_view(model, view_mixins)
        if screen.menu is None:
            appbuilder.add_view_no_menu(view)
        else:
            appbuilder.add_view(view, view.__name__, label=screen.label, icon=screen.icon,
                                category=screen.menu.name, category_label=screen.menu.label,
                                category_icon=screen.menu.icon)
        if screen.api:
            appbuilder.add_api(build_api(model, api_mixins))


def _add_analysis_screens(appbuilder: AppBuilder) -> None:
    """Hand-written screens with a menu entry: 溯源分析 ends the assessment menu."""
    from flask_babel import lazy_gettext as _l

    from views.rootcause import RootCauseView

    group = MenuGroup.EVALUATION
    appbuilder.add_view(RootCauseView, "RootCauseView", label=_l("Root-cause analysis"), icon="fa-search-plus",
                        category=group.name, category_label=group.label, category_icon=group.icon)


def create_appbuilder(app: Flask) -> AppBuilder:
    """Initialise FAB on `app` with every screen."""
    from access.security import ConsoleSecurityManager
    from access.sync import sync_if_ready
    from views.attachments import AttachmentView
    from views.dashboard import DashboardView, HomeView
    from views.jobs import JobView
    from views.profile import ProfileView
    from views.progress import register_progress_view

    # The menu is built outside the app context: its lazy labels must not be
    # evaluated before Flask-Babel exists (FAB tests `label or name`).
    appbuilder = AppBuilder(menu=_menu(), indexview=HomeView, security_manager_class=ConsoleSecurityManager,
                            base_template=app.config.get("FAB_BASE_TEMPLATE", "appbuilder/baselayout.html"))
    with app.app_context():
        appbuilder.init_app(app, db.session)
        from flask_appbuilder.api.manager import SwaggerView

        from views.openapi import ConsoleOpenApi

        appbuilder.add_api(ConsoleOpenApi)
        appbuilder.add_view_no_menu(SwaggerView)
        appbuilder.add_view_no_menu(DashboardView)
        appbuilder.add_view_no_menu(ProfileView)
        register_progress_view(appbuilder)
        appbuilder.add_view_no_menu(JobView)
        appbuilder.add_view_no_menu(AttachmentView)
        register_screens(appbuilder, ordered_screens())
        _add_analysis_screens(appbuilder)
        sync_if_ready(appbuilder)

    from views import attachments, menu, notifications, saved_filters

    attachments.register_template_globals(app)
    menu.register_template_globals(app)
    notifications.register_template_globals(app)
    saved_filters.register_template_globals(app)

    @app.context_processor
    def layout_context() -> dict:
        # Pages rendered outside FAB views (error pages) need what FAB's layout reads.
        return {"base_template": appbuilder.base_template, "appbuilder": appbuilder, "current_app": app}

    return appbuilder
