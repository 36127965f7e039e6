"""Every module's API routes (under /api/v1) and pages, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

from dunwell.access import views as access_views
from dunwell.cashapp import endpoints as cashapp_endpoints
from dunwell.cashapp import views as cashapp_views
from dunwell.collections import endpoints as collections_endpoints
from dunwell.collections import views as collections_views
from dunwell.customers import endpoints as customers_endpoints
from dunwell.customers import views as customers_views
from dunwell.forecasting import endpoints as forecasting_endpoints
from dunwell.inbox import endpoints as inbox_endpoints
from dunwell.inbox import views as inbox_views
from dunwell.prediction import endpoints as prediction_endpoints
from dunwell.prediction import views as prediction_views
from dunwell.reminders import approval_views as reminders_approval_views
from dunwell.reminders import endpoints as reminders_endpoints
from dunwell.reminders import open_views as reminders_open_views
from dunwell.reminders import views as reminders_views
from dunwell.reporting import endpoints as reporting_endpoints
from dunwell.web import forecast_page
from dunwell.worklist import endpoints as worklist_endpoints
from dunwell.worklist import views as worklist_views

API_ROUTERS: list[APIRouter] = []
WEB_ROUTERS: list[APIRouter] = []
API_ROUTERS.append(reporting_endpoints.router)
API_ROUTERS.append(prediction_endpoints.router)
WEB_ROUTERS.append(prediction_views.router)
WEB_ROUTERS.append(access_views.router)
API_ROUTERS.append(cashapp_endpoints.router)
WEB_ROUTERS.append(cashapp_views.router)
API_ROUTERS.append(customers_endpoints.router)
API_ROUTERS.append(collections_endpoints.router)
WEB_ROUTERS.append(customers_views.router)
WEB_ROUTERS.append(collections_views.router)
API_ROUTERS.append(worklist_endpoints.router)
WEB_ROUTERS.append(worklist_views.router)
API_ROUTERS.append(reminders_endpoints.router)
WEB_ROUTERS.append(reminders_views.router)
WEB_ROUTERS.append(reminders_approval_views.router)
WEB_ROUTERS.append(reminders_open_views.router)
API_ROUTERS.append(forecasting_endpoints.router)
WEB_ROUTERS.append(forecast_page.router)
API_ROUTERS.append(inbox_endpoints.router)
WEB_ROUTERS.append(inbox_views.router)
