"""Tokenhub: the company's internal market for GPU capacity and token supply."""

from .celery import app as celery_app

__all__ = ("celery_app",)
