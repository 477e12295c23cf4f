from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404

from petitions.models import Member, Ministry, Petition


def healthz(request):
    """Liveness with a database check, for load balancers and monitors."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # any database failure is reported, not raised
        return JsonResponse({"status": "error", "database": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def home(request):
    return HttpResponse(f"{Petition.objects.count()} petitions")


def petition_list(request):
    return HttpResponse(", ".join(Petition.objects.values_list("number", flat=True)[:100]))


def petition_detail(request, number):
    petition = get_object_or_404(Petition, number=number)
    return HttpResponse(str(petition))


def member_list(request):
    return HttpResponse(", ".join(str(m) for m in Member.objects.all()[:100]))


def member_detail(request, slug):
    return HttpResponse(str(get_object_or_404(Member, slug=slug)))


def ministry_list(request):
    return HttpResponse(", ".join(str(m) for m in Ministry.objects.all()[:100]))


def ministry_detail(request, slug):
    return HttpResponse(str(get_object_or_404(Ministry, slug=slug)))
