"""The record's own page: how the GFMD began and the documents every fact comes from."""

from django.db.models import Count
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Source, Statement


@require_safe
def about_record(request):
    origin = list(
        Statement.objects.filter(kind=Statement.Kind.ORIGIN, forum=None).select_related("source")
    )
    sources = Source.objects.annotate(
        passages=Count("citations", distinct=True),
        statement_count=Count("statements", distinct=True),
    )
    return render(
        request,
        "record/about.html",
        {"origin": origin, "sources": list(sources), "nav": "forums"},
    )
