"""GET /api/dispatch/suggest/?text=...&category=...: the top 3 units with scores and reasons."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhenwu.core.parts import dispatch_category_names
from zhenwu.dispatch.engine import suggest_units
from zhenwu.dispatch.forms import SuggestFilter


class SuggestionSerializer(serializers.Serializer):
    unit = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_type = serializers.CharField()
    unit_type_code = serializers.CharField()
    score = serializers.FloatField()
    reasons = serializers.ListField(child=serializers.CharField())


class SuggestView(APIView):
    @extend_schema(
        summary="派单建议",
        parameters=[
            OpenApiParameter("text", str, required=True, description="诉求文本"),
            OpenApiParameter("category", str, required=False, description="工单分类编码"),
        ],
        responses=SuggestionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        form = SuggestFilter(request.query_params)
        if not form.is_valid():
            return Response({"detail": "；".join(form.problems())}, status=400)
        code = form.cleaned_data["category"] or None
        suggestions = suggest_units(
            text=form.cleaned_data["text"], category_code=code, category_names=dispatch_category_names(code)
        )
        return Response([s.as_dict(with_reasons=True) for s in suggestions])
