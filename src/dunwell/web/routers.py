"""Every module's API routes (under /api/v1) and pages, in the order the app includes them."""

from __future__ import annotations

from fastapi import APIRouter

API_ROUTERS: list[APIRouter] = []
WEB_ROUTERS: list[APIRouter] = []
